"""Latent Lab: the Streamlit entry point. It sets up the page, opens the session's state and routes to pages/.

The navigation is declared before anything heavy is imported or loaded: until a first run reaches st.navigation,
a new browser shows Streamlit's raw list of pages/ files (and a click there would run a page without this file)."""

import streamlit as st

st.set_page_config(page_title="Latent Lab", page_icon=":material/explore:", layout="wide")
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
import numpy  # noqa: E402,F401  (plotly reads numpy from sys.modules: a half-imported one broke a first run)

# A new browser loads plotly.js (4.7 MB) only when it meets its first chart. An invisible one drawn before the import
# below lets it do that while this run imports torch, so the first map is not kept waiting on both, one after the
# other. It is cleared once the import is done, and the slot is made on every run, so that a rerun that cut this
# one short clears it too.
preload = st.empty()
if "session_id" not in st.session_state:
    preload.plotly_chart(
        {"data": [{"type": "scatter", "x": [], "y": []}], "layout": {"height": 10}}, config={"staticPlot": True}
    )

from ui import state  # noqa: E402  (torch, plotly and the demo load after the navigation is on screen)

preload.empty()
state.init_session()
navigation.run()
state.sidebar()  # after the page, so it shows what the page just changed
