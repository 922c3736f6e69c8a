"""The app's UI helpers, one job a module; pages import the modules they need and `vae_core` for the rest.

state     who the user is, the current dataset and model, shared server resources (jobs, the demo)
cache     one decorator that keeps a computed result for this session, keyed by what it depends on
latents   what the maps are drawn from: latents, coordinates, the sentence table, clusters, neighbours
figures   the plotly map and the small charts beside it
selection what a user selects on a chart, read back and kept while the chart is redrawn
layers    what is drawn over a 2-D map: the click grid, a decoded spot, a typed sentence, cluster names, density
share     a page's scene in its URL
replay_view  the training replay: an animated map with play / pause, one sentence followed
cards     a model's round trip as the Train and Models pages show it
training  the live view of a running training and the time estimate
downloads files a user can take away (bundles as .zip, tables as Parquet)

Nothing here trains or measures anything itself.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

# A link straight to a page (e.g. /explore?view=pca), opened on a server that has not yet run app.py, is run by
# Streamlit's legacy pages/ mode: the page alone, with no app.py (no demo, no navigation) and a raw file list in
# the sidebar. app.py's st.navigation ends that mode for the process; the first page to import `ui` in that mode
# ends it too and runs the visit again, through app.py. Streamlit 1.67 has no supported switch for this (the
# pages/ folder the layout keeps is what turns the mode on); tests/browser/test_journey.py opens such a link.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()
