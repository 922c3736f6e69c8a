"""Latent Lab: the Streamlit entry point. It sets up the page, opens the session's state and routes to pages/."""

import streamlit as st

import ui

st.set_page_config(page_title="Latent Lab", page_icon=":material/explore:", layout="wide")
ui.init_session()

pages = [
    st.Page("pages/learn.py", title="Learn", icon=":material/school:", default=True),
    st.Page("pages/data.py", title="Data", icon=":material/description:"),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("pages/models.py", title="Models", icon=":material/folder_open:"),
    st.Page("pages/explore.py", title="Explore", icon=":material/scatter_plot:"),
    st.Page("pages/interpolate.py", title="Interpolate", icon=":material/timeline:"),
    st.Page("pages/generate.py", title="Generate", icon=":material/auto_awesome:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare:"),
]
navigation = st.navigation(pages)
navigation.run()
ui.sidebar()  # after the page, so it shows what the page just changed
