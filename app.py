"""Latent Lab: the Streamlit entry point. It only sets up the page and routes to the pages in pages/."""

import streamlit as st

st.set_page_config(page_title="Latent Lab", page_icon="🧭", layout="wide")

navigation = st.navigation([st.Page("pages/home.py", title="Home", icon="🏠", default=True)])
navigation.run()
