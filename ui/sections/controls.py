"""Explore's controls: the map's view, seed, colour and search, its layers, the cluster names and facets. Each one
takes its first value from the page's link and writes its value back, so a link opens the same scene."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from vae_core.explore.projection import MapView

from .. import cards, frame, latents, map_names, share

VIEWS = {"UMAP 2-D": MapView("umap", 2), "UMAP 3-D": MapView("umap", 3), "PCA (instant)": MapView("pca", 2)}
SLUGS = {v.slug: name for name, v in VIEWS.items()} | {"pca": "PCA (instant)"}  # and links made before "pca-2d"
NAMING = {"words": "their words (c-TF-IDF)", "decoder": "the decoder (its centre, decoded)"}


@dataclass(frozen=True)
class Controls:
    """What the controls chose, for the page to draw."""

    view_name: str
    seed: int
    color_by: str
    query: str
    names_on: bool
    density_on: bool
    known: bool
    decode_mode: bool
    grid_n: int
    present: bool
    n_clusters: int
    naming: str
    sub_names: bool
    facets_on: bool

    @property
    def view(self) -> MapView:
        return MapView(VIEWS[self.view_name].method, VIEWS[self.view_name].dims, self.seed)


def color_options(label_columns: list[str]) -> list[str]:
    """What the map can be coloured by: the labels, then the page's own columns."""
    options = [*label_columns, "cluster", "search match", "tag", "length", "KL"]
    options += [colour.name for colour in frame.COLOURS if colour.offered()]
    return options


def restore_from_link(scene: str, colours: list[str]) -> None:
    """Each control's first value on this scene: the link's, else its default."""
    opens_on = latents.default_view()
    first_view = next(name for name, v in VIEWS.items() if (v.method, v.dims) == (opens_on.method, opens_on.dims))
    for name, param, parse, default in (
        ("view", "view", lambda s: SLUGS[s], first_view),
        ("seed", "seed", share.whole_number(0, 10**6), opens_on.seed),
        ("colour", "colour", share.choice(colours), colours[0]),
        ("search", "search", str, ""),
        ("names", "names", share.on_off, True),
        ("density", "density", share.on_off, False),
        ("grid", "grid", share.whole_number(0, 8), 0),
        ("known", "known", share.on_off, False),
        ("decode", "decode", share.on_off, False),
        ("naming", "naming", share.choice(list(map_names.NAMERS)), map_names.NAMERS[0]),
        ("sub", "sub", share.on_off, False),
        ("facets", "facets", share.on_off, False),
        ("spot", "spot", share.spot(SLUGS), None),
        ("present", "present", share.on_off, False),
    ):
        share.restore(f"{name}-{scene}", param, parse, default)


def section(scene: str, colours: list[str], sources: dict[str, str]) -> Controls:
    """The controls above the map (folded away in presenter mode) and in the sidebar; their values go into the
    link with the scene's `sources` (its dataset and model)."""
    restore_from_link(scene, colours)
    present = st.sidebar.toggle(
        "Presenter mode", key=f"present-{scene}", help="A larger map and text, the controls folded away: for a class."
    )
    with st.expander("Map controls") if present else st.container():
        view_name, seed, color_by, query, names_on, density_on, known, decode_mode, grid_n = _above_the_map(
            scene, colours
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
    n_clusters, naming, sub_names, facets_on = _in_the_sidebar(scene)
    return Controls(view_name, int(seed), color_by, query, names_on, density_on, known, decode_mode, grid_n, present,
                    n_clusters, naming, sub_names, facets_on)  # fmt: skip


def _above_the_map(scene: str, colours: list[str]) -> tuple:
    """The map's own controls: view, seed, colour, search, the layers and the decoded grid."""
    c1, c2, c3, c4 = st.columns([2, 1, 2, 2])
    view_help = "PCA is a linear view; UMAP keeps neighbourhoods and shows clusters better."
    view_name = c1.radio("Map", list(VIEWS), key=f"view-{scene}", horizontal=True, help=view_help)
    seed = c2.number_input("Seed", 0, 10**6, key=f"seed-{scene}", help="The same seed gives the same map.")
    color_by = c3.selectbox("Colour by", colours, key=f"colour-{scene}")
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
    return view_name, seed, color_by, query, names_on, density_on, known, decode_mode, grid_n


def _in_the_sidebar(scene: str) -> tuple[int, str, bool, bool]:
    """The clusters' controls and the facets' switch, in the sidebar, published into the link."""
    n_clusters = st.sidebar.slider("k-means clusters", 2, 30, 8)
    naming = st.sidebar.radio("Name clusters by", map_names.NAMERS, key=f"naming-{scene}", format_func=NAMING.get,
                              help="Hover a name to read the other one.")  # fmt: skip
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
        naming=naming if naming != map_names.NAMERS[0] else None,
        sub="on" if sub_names else None,
        facets="on" if facets_on else None,
    )
    return n_clusters, naming, sub_names, facets_on
