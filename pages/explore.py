"""Explore: the map of every sentence's latent vector; colour, select, search, neighbours and clusters."""

import numpy as np
import pandas as pd
import streamlit as st

from ui import cards, curation, figures, latents, layers, sections, selection, share, state, zoom_names
from vae_core.errors import LatentLabError
from vae_core.explore.curate import tag_column
from vae_core.explore.facets import facet, passing
from vae_core.explore.projection import MapView

st.title("Explore the latent space")
if not state.require(corpus=True, model=True):
    st.stop()
try:
    sources = share.open_the_scenes_sources()
except LatentLabError as e:
    st.error(f"This link's dataset or model could not be opened: {e}")
    sources = {"data": state.current_corpus().name, "model": state.current_model().name}
corpus = state.current_corpus().value

VIEWS = {"UMAP 2-D": MapView("umap", 2), "UMAP 3-D": MapView("umap", 3), "PCA (instant)": MapView("pca", 2)}
SLUGS = {v.slug: name for name, v in VIEWS.items()} | {"pca": "PCA (instant)"}  # and links made before "pca-2d"
opens_on = latents.default_view()
first_view = next(name for name, v in VIEWS.items() if (v.method, v.dims) == (opens_on.method, opens_on.dims))
color_options = [latents.label_column(name) for name in corpus.label_sets]
color_options += ["cluster", "search match", "tag", "length", "KL"]
color_options += ["map trust", "round trip chrF"]  # where the picture can be believed, point by point
if latents.adapted_from_base():
    color_options.append("kept from the base model")  # what adapting moved
scene = state.current_corpus().key + state.current_model().key  # a new dataset or model opens on its own defaults
share.restore(f"view-{scene}", "view", lambda s: SLUGS[s], first_view)
share.restore(f"seed-{scene}", "seed", share.whole_number(0, 10**6), opens_on.seed)
share.restore(f"colour-{scene}", "colour", share.choice(color_options), color_options[0])
share.restore(f"search-{scene}", "search", str, "")
share.restore(f"names-{scene}", "names", share.on_off, True)
share.restore(f"density-{scene}", "density", share.on_off, False)
share.restore(f"grid-{scene}", "grid", share.whole_number(0, 8), 0)
share.restore(f"known-{scene}", "known", share.on_off, False)
share.restore(f"decode-{scene}", "decode", share.on_off, False)
share.restore(f"naming-{scene}", "naming", share.choice(list(latents.NAMERS)), latents.NAMERS[0])
share.restore(f"sub-{scene}", "sub", share.on_off, False)
share.restore(f"facets-{scene}", "facets", share.on_off, False)
share.restore(f"spot-{scene}", "spot", share.spot(SLUGS), None)
share.restore(f"present-{scene}", "present", share.on_off, False)
present = st.sidebar.toggle(
    "Presenter mode", key=f"present-{scene}", help="A larger map and text, the controls folded away: for a class."
)
with st.expander("Map controls") if present else st.container():
    c1, c2, c3, c4 = st.columns([2, 1, 2, 2])
    view_name = c1.radio(
        "Map",
        list(VIEWS),
        key=f"view-{scene}",
        horizontal=True,
        help="PCA is a linear view; UMAP keeps neighbourhoods and shows clusters better.",
    )
    seed = c2.number_input("Seed", 0, 10**6, key=f"seed-{scene}", help="The same seed gives the same map.")
    color_by = c3.selectbox("Colour by", color_options, key=f"colour-{scene}")
    query = c4.text_input("Search sentences", key=f"search-{scene}", placeholder="a word or phrase")
    l1, l2, l3, l5 = st.columns(4)
    names_on = l1.toggle(
        "Cluster names", key=f"names-{scene}", help="Characteristic words (c-TF-IDF) of each k-means cluster."
    )
    density_on = l2.toggle(
        "Density contours",
        key=f"density-{scene}",
        help="Where the encoded sentences lie thick; between the lines the decoder has seen little.",
    )
    known = l3.toggle("Known words only", key=f"known-{scene}", help=cards.KNOWN_WORDS_HELP)
    decode_mode = l5.toggle(
        "Decode mode",
        key=f"decode-{scene}",
        help="Every click decodes the spot under the pointer, inside dense clusters too; sentences do not hover "
        "or take clicks until it is off (a box or lasso still selects them).",
    )
    grid_n = st.columns([1, 1])[0].select_slider(
        "Write the decoder's sentences on the map",
        [0, 3, 4, 5, 6, 7, 8],
        key=f"grid-{scene}",
        format_func=lambda n: "off" if n == 0 else f"{n} x {n} grid",
        help="Decode the whole map, for teaching.",
    )
share.publish(
    **sources,
    view=VIEWS[view_name].slug,
    seed=int(seed),
    colour=color_by,
    search=query,
    names="on" if names_on else "off",
    density="on" if density_on else "off",
    grid=grid_n or None,
    known="on" if known else None,
    decode="on" if decode_mode else None,
    present="on" if present else None,
)
n_clusters = st.sidebar.slider("k-means clusters", 2, 30, 8)
naming = st.sidebar.radio(
    "Name clusters by",
    latents.NAMERS,
    key=f"naming-{scene}",
    format_func={"words": "their words (c-TF-IDF)", "decoder": "the decoder (its centre, decoded)"}.get,
    help="Hover a name to read the other one.",
)
sub_names = st.sidebar.toggle(
    "Sub-cluster names",
    key=f"sub-{scene}",
    help="Each cluster split in three, and each part in three again, named smaller where there is room: zoom in "
    "and more names appear.",
)
facets_on = st.sidebar.toggle(
    "Facets beside the map",
    key=f"facets-{scene}",
    help="Small bar charts of the labels, length, KL and tags: click or box bars to filter the map; each chart "
    "counts the sentences the others let through.",
)
share.publish(
    naming=naming if naming != latents.NAMERS[0] else None,
    sub="on" if sub_names else None,
    facets="on" if facets_on else None,
)

view = MapView(VIEWS[view_name].method, VIEWS[view_name].dims, int(seed))
dims = view.dims
if view.method == "umap" and not latents.has_coordinates(view):
    latents.ask_before_a_big_umap()
try:
    mu, logvar = latents.latents()
    coords = latents.coordinates(view)
except LatentLabError as e:
    st.error(str(e))
    st.stop()
frame = latents.sentence_frame()
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
    facet_columns = [*(latents.label_column(name) for name in corpus.label_sets), "length", "KL"]
    facet_columns += ["tag"] if frame["tag"].nunique() > 1 else []  # once something is tagged
    facet_columns += [c for c in ("map trust", "round trip chrF", "kept from the base model") if c in frame]
    facet_list = [facet(c, frame[c]) for c in facet_columns]
    chosen = {f.name: selection.chosen_bars(f"facet-{scene}-{f.name}", facet_memory) for f in facet_list}
    shown &= passing(facet_list, chosen)
if color_by == "map trust":
    frame["map trust"] = latents.map_trust(view)
elif color_by == "round trip chrF":
    frame["round trip chrF"] = latents.round_trip_chrf()
elif color_by == "kept from the base model":
    frame["kept from the base model"] = latents.kept_from_base()
    st.text(
        f"Adapting kept {np.nanmean(frame['kept from the base model']):.0%} of each sentence's 10 nearest "
        "neighbours under the base model (mean); the darkest points moved most among the others."
    )

typed_lines, added, placed = sections.added.wanted(scene, view)  # drawn on the map beside the corpus's own
gaps = sections.gaps.wanted(scene, known)

found = sections.neighbours.typed(scene)  # the neighbour box below: a typed sentence is drawn on the map
typed, typed_rows, _ = found

clicked = layers.clicked_spot(st.session_state.get("map")) if dims == 2 else None  # the map's event, read early
if clicked is not None:
    st.session_state[f"spot-{scene}"] = (view.slug, view.seed, *clicked)
spot = st.session_state[f"spot-{scene}"]  # (view, seed, x, y): a spot belongs to one map
share.publish(spot=share.spot_text(spot))
here = spot[2:] if spot and (SLUGS[spot[0]], spot[1]) == (view_name, view.seed) and dims == 2 else None
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
map_names: list = []  # the clusters' names, when they are on
if dims == 2:
    if density_on:
        layers.add_density(fig, coords)
    if grid_n:
        layers.add_written_grid(fig, *latents.written_grid(view, grid_n, known))
    if names_on:  # written over the chart by the browser, placed anew at each zoom (ui/zoom_names)
        map_names = latents.map_names(n_clusters, view, naming, sub_names)
    if typed:
        _, centre, cloud, ellipse = latents.typed_sentence(view, typed)
        layers.add_sentence_spread(fig, centre, cloud, ellipse, typed)
    if placed is not None:
        layers.add_marked_points(fig, placed, list(added), "new sentences", "diamond", "#D55E00")
    if gaps is not None:
        layers.add_marked_points(
            fig, latents.spots_of(view, gaps.z), gaps.sentences, "gaps, decoded", "star", "#009E73"
        )
    if here:
        reading = latents.reading(view, here, known)
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
if dims == 2 and names_on:
    with map_box:
        zoom_names.zoom_names(map_names, chart_key="map", key=f"map-names-{scene}")
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
label_columns = [latents.label_column(name) for name in corpus.label_sets]
if color_by in label_columns and len(frame) > 10:
    kept = latents.label_kept_on_map(color_by, view)
    cards.label_kept_on_map(kept, color_by, mu.shape[1], len(frame))

if reading is not None:
    cards.spot_reading(reading, exact=latents.latent_map(view).exact)

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

sections.export.section(frame, coords, mu, view, fig, f"{state.current_corpus().name}: {view_name}", map_names)

state.warm_up_the_current_encoder()  # the map is on screen: get ready for a typed sentence or a click
