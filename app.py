"""Latent Lab: the Streamlit entry point. It sets up the page, opens the session's state and routes to pages/."""

import streamlit as st

import ui

st.set_page_config(page_title="Latent Lab", page_icon="🧭", layout="wide")
ui.init_session()

pages = [
    st.Page("pages/learn.py", title="Learn", icon="🎓", default=True),
    st.Page("pages/data.py", title="Data", icon="📄"),
    st.Page("pages/train.py", title="Train", icon="🏋️"),
    st.Page("pages/models.py", title="Models", icon="🗂️"),
    st.Page("pages/explore.py", title="Explore", icon="🗺️"),
    st.Page("pages/interpolate.py", title="Interpolate", icon="↔️"),
    st.Page("pages/generate.py", title="Generate", icon="✨"),
]
navigation = st.navigation(pages)
navigation.run()
ui.sidebar()  # after the page, so it shows what the page just changed
