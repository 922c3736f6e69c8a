"""Latent Lab: the Streamlit entry point. It sets up the page, opens the session's state and routes to pages/.

The navigation is declared before anything heavy is imported or loaded: until a first run reaches st.navigation,
a new browser shows Streamlit's raw list of pages/ files (and a click there would run a page without this file)."""

import streamlit as st

st.set_page_config(page_title="Latent Lab", page_icon=":material/explore:", layout="wide")
pages = [
    st.Page("pages/learn.py", title="Learn", icon=":material/school:", default=True),
    st.Page("pages/lesson.py", title="Lesson", icon=":material/cast_for_education:"),
    st.Page("pages/data.py", title="Data", icon=":material/description:"),
    st.Page("pages/train.py", title="Train", icon=":material/model_training:"),
    st.Page("pages/models.py", title="Models", icon=":material/folder_open:"),
    st.Page("pages/explore.py", title="Explore", icon=":material/scatter_plot:"),
    st.Page("pages/interpolate.py", title="Interpolate", icon=":material/timeline:"),
    st.Page("pages/generate.py", title="Generate", icon=":material/auto_awesome:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare:"),
]
navigation = st.navigation(pages)

# A new browser loads plotly.js (4.7 MB, slow to compile) only when it meets its first chart.
# An invisible one sent first lets it start on that while this run imports what the pages need. It is cleared once
# the imports are done; the slot is made on every run, so that a rerun that cut this one short clears it too. Only a
# session's first run sends it: plotly reads numpy and pandas from sys.modules, and a rerun of a first run that was
# cut short while importing them would find them half-imported.
preload = st.empty()
if "preloaded" not in st.session_state:
    st.session_state.preloaded = True
    preload.plotly_chart(
        {"data": [{"type": "scatter", "x": [], "y": []}], "layout": {"height": 10}}, config={"staticPlot": True}
    )

import numpy  # noqa: E402,F401
import pandas  # noqa: E402,F401

from ui import state, workspace  # noqa: E402  (after the navigation is on screen: pages and the demo load below)


def sidebar() -> None:
    """The current dataset and model, on every page (as plain text: names are user input), and the cookie that
    keeps this browser's workspaces."""
    with st.sidebar:
        corpus, model = state.current_corpus(), state.current_model()
        st.text(f"Dataset: {corpus.name} ({len(corpus.value)} sentences)" if corpus else "Dataset: none")
        st.text(f"Model: {model.name} (z: {model.value.latent_dim}-D)" if model else "Model: none")
        job = state.job_registry().get(state.session_id())
        if job is not None and not job.finished:
            st.text("Training is running…")
        workspace.keep_cookie()


preload.empty()
state.init_session()
workspace.shared_view_notice()
navigation.run()
sidebar()  # after the page, so it shows what the page just changed
