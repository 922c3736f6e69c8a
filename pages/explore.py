"""Explore: the map of every sentence's latent vector; colour, select, search, neighbours and clusters."""

import numpy as np
import pandas as pd
import streamlit as st

from ui import (
    cards,
    curation,
    decoded,
    figures,
    latents,
    layers,
    map_names,
    sections,
    selection,
    share,
    state,
    zoom_names,
)
from ui import frame as frame_table
from vae_core.errors import LatentLabError
from vae_core.explore.curate import tag_column
from vae_core.explore.facets import facet, passing

st.title("Explore the latent space")
if not state.require(corpus=True, model=True):
    st.stop()
try:
    sources = share.open_the_scenes_sources()
except LatentLabError as e:
    st.error(f"This link's dataset or model could not be opened: {e}")
    sources = {"data": state.current_corpus().name, "model": state.current_model().name}
corpus = state.current_corpus().value

scene = state.current_corpus().key + state.current_model().key  # a new dataset or model opens on its own defaults
label_columns = [frame_table.label_column(name) for name in corpus.label_sets]
controls = sections.controls.section(scene, sections.controls.color_options(label_columns), sources)
view, view_name, color_by, query, known = (
    controls.view,
    controls.view_name,
    controls.color_by,
    controls.query,
    controls.known,
)
present, grid_n, decode_mode, facets_on = controls.present, controls.grid_n, controls.decode_mode, controls.facets_on
n_clusters = controls.n_clusters
dims = view.dims
if view.method == "umap" and not latents.has_coordinates(view):
    latents.ask_before_a_big_umap()
try:
    mu, logvar = latents.latents()
    coords = latents.coordinates(view)
except LatentLabError as e:
    st.error(str(e))
    st.stop()
frame = frame_table.sentence_frame()
if color_by == "cluster":  # numbers that name groups: coloured as categories
    frame["cluster"] = pd.Categorical(latents.clusters(n_clusters)[0])
matches = frame["text"].str.contains(query, case=False, regex=False) if query else pd.Series(False, index=frame.index)
frame["search match"] = np.where(matches, "match", "other")
frame["KL"] = frame["kl"]
frame["tag"] = tag_column(len(frame), curation.tags(scene))
tag_values = sorted(frame["tag"].unique())
if f"only-{scene}" in st.session_state:  # a tag taken off every sentence leaves the filter
    st.session_state[f"only-{scene}"] = [t for t in st.session_state[f"only-{scene}"] if t in tag_values]
shown_tags = st.sidebar.multiselect(
    "Show only these tags",
    tag_values,
    key=f"only-{scene}",
    help="Tag sentences under Selection; the map then draws just the tags chosen here (none chosen: every point).",
)
shown = frame["tag"].isin(shown_tags).to_numpy() if shown_tags else np.ones(len(frame), dtype=bool)
facet_list, facet_memory = [], st.session_state.setdefault(f"facet-choice-{scene}", {})
if facets_on:  # the bars chosen last time filter the map drawn now
    facet_columns = [*(frame_table.label_column(name) for name in corpus.label_sets), "length", "KL"]
    facet_columns += ["tag"] if frame["tag"].nunique() > 1 else []  # once something is tagged
    facet_columns += [c.name for c in frame_table.COLOURS if c.name in frame]
    facet_list = [facet(c, frame[c]) for c in facet_columns]
    chosen = {f.name: selection.chosen_bars(f"facet-{scene}-{f.name}", facet_memory) for f in facet_list}
    shown &= passing(facet_list, chosen)
for colour in frame_table.COLOURS:  # the colours computed only when chosen
    if color_by == colour.name:
        frame[colour.name] = colour.values(view)
        if colour.note:
            st.text(colour.note(frame[colour.name]))

typed_lines, added, placed = sections.added.wanted(scene, view)  # drawn on the map beside the corpus's own
gaps = sections.gaps.wanted(scene, known)

found = sections.neighbours.typed(scene)  # the neighbour box below: a typed sentence is drawn on the map
typed, typed_rows, _ = found

clicked = layers.clicked_spot(st.session_state.get("map")) if dims == 2 else None  # the map's event, read early
if clicked is not None:
    st.session_state[f"spot-{scene}"] = (view.slug, view.seed, *clicked)
spot = st.session_state[f"spot-{scene}"]  # (view, seed, x, y): a spot belongs to one map
share.publish(spot=share.spot_text(spot))
here = (
    spot[2:] if spot and (sections.controls.SLUGS[spot[0]], spot[1]) == (view_name, view.seed) and dims == 2 else None
)
fig = figures.map_figure(
    coords,
    frame["text"].tolist(),
    frame[color_by],
    color_by,
    seed=view.seed,
    highlight=[i for i, _ in typed_rows] or None,
    highlight_name="neighbours",
    clickable=dims == 2,
    dim_unselected=clicked is None,  # a clicked spot is not a selection of sentences: keep their colours
    opacity=0.3 if grid_n else 0.8,  # faded under the decoder's written grid
    height=820 if present else 620,
    decode_mode=decode_mode and dims == 2,
    only=None if shown.all() else np.flatnonzero(shown),
)
reading = None
names_on_map: list = []  # the clusters' names, when they are on
if dims == 2:
    if controls.density_on:
        layers.add_density(fig, coords)
    if grid_n:
        layers.add_written_grid(fig, *decoded.written_grid(view, grid_n, known))
    if controls.names_on:  # written over the chart by the browser, placed anew at each zoom (ui/zoom_names)
        names_on_map = map_names.map_names(n_clusters, view, controls.naming, controls.sub_names)
    if typed:
        _, centre, cloud, ellipse = decoded.typed_sentence(view, typed)
        layers.add_sentence_spread(fig, centre, cloud, ellipse, typed)
    if placed is not None:
        layers.add_marked_points(fig, placed, list(added), "new sentences", "diamond", "#D55E00")
    if gaps is not None:
        layers.add_marked_points(
            fig, decoded.spots_of(view, gaps.z), gaps.sentences, "gaps, decoded", "star", "#009E73"
        )
    if here:
        reading = decoded.reading(view, here, known)
        layers.add_spot(fig, reading.spot, reading.landed, reading.sentence)
if present:
    figures.presenter_style(fig)
if len(frame) > latents.MAX_MAP_POINTS:
    st.info(
        f"The map draws {latents.MAX_MAP_POINTS:,} of {len(frame):,} points, over a grey shade of all of them; "
        "tables, search and neighbours use all."
    )
if query:
    st.text(f"{int(matches.sum()):,} sentences match {query!r}.")
if dims == 2 and decode_mode:
    st.caption("Decode mode: click anywhere, inside the clusters too, to read what the decoder writes there.")
elif dims == 2:
    st.caption("Click any spot between the points to read what the decoder writes there (Decode mode: anywhere).")
map_box, facet_box = st.columns([3, 1]) if facets_on else (st.container(), None)
event = map_box.plotly_chart(
    fig, key="map", on_select="rerun", selection_mode=("points", "box", "lasso"), config=figures.chart_config(fig)
)
drawn = selection.figure_digest(fig)  # a redraw drops the selection drawn on the map: the page keeps it
if dims == 2 and controls.names_on:
    with map_box:
        zoom_names.zoom_names(names_on_map, chart_key="map", key=f"map-names-{scene}")
for f in facet_list:
    facet_box.plotly_chart(
        figures.facet_figure(f, passing(facet_list, chosen, besides=f.name), chosen[f.name]),
        key=f"facet-{scene}-{f.name}",
        on_select="rerun",
        selection_mode=("points", "box"),
    )
if facets_on and not shown.all():
    facet_box.text(f"{int(shown.sum()):,} of {len(frame):,} sentences shown.")
    facet_box.button("Clear the facets", on_click=facet_memory.clear, key=f"facets-clear-{scene}")
    with st.expander(f"The {int(shown.sum()):,} sentences shown"):
        st.dataframe(frame.loc[shown, ["id", "text", *facet_columns]], hide_index=True, height=240)
held = st.session_state.setdefault(f"selection-{scene}", {})
selected, carried = selection.kept_selection(selection.selected_rows(event), held, drawn)
clusters, cluster_words = latents.clusters(n_clusters)  # after the map is on its way: a first map never waits on it
frame["cluster"] = pd.Categorical(clusters)
if color_by in label_columns and len(frame) > 10:
    kept = frame_table.label_kept_on_map(color_by, view)
    cards.label_kept_on_map(kept, color_by, mu.shape[1], len(frame))

if reading is not None:
    cards.spot_reading(reading, exact=decoded.latent_map(view).exact)

groups = [*label_columns, "cluster", "tag"]
sections.selection.section(scene, frame, selected, carried, held, dims, groups, known)
if query and matches.any():
    with st.expander(f"Search results ({int(matches.sum()):,})"):
        st.dataframe(frame.loc[matches, ["id", "text"]], hide_index=True, height=240)

sections.neighbours.section(scene, frame, found, selected, label_columns)

sections.added.section(scene, typed_lines, added, placed)

sections.gaps.section(scene, gaps, frame["text"].to_numpy())

if present:  # a class sees the map, the clicked spot, selections and neighbours; tables and downloads wait
    state.warm_up_the_current_encoder()
    st.stop()

sections.selection.clusters(frame, cluster_words)

sections.axes.section(scene, frame, label_columns, color_by, view)

sections.export.section(frame, coords, mu, view, fig, f"{state.current_corpus().name}: {view_name}", names_on_map)

state.warm_up_the_current_encoder()  # the map is on screen: get ready for a typed sentence or a click
