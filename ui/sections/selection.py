"""Explore's selection: the sentences picked on the map (kept while it redraws), their table and downloads, tags,
and the variants that move them toward another group."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import curation, downloads

WORKING = ("search match", "KL")  # the page's working columns, left out of the table


def section(scene: str, frame: pd.DataFrame, selected: list[int], carried: bool, held: dict, dims: int,
            groups: list[str], known: bool) -> None:  # fmt: skip
    """The selection's heading and table (or how to make one), its tags and variants."""
    st.subheader("Selection")
    if dims == 3:
        st.caption("Box and lasso selection work on the 2-D maps; click points to select them here.")
    if selected:
        table = frame.loc[selected, [c for c in frame.columns if c not in WORKING]]
        st.text(f"{len(selected)} sentences selected.")
        if carried:
            c1, c2 = st.columns([3, 1], vertical_alignment="center")
            c1.caption("Your selection, kept while the map redrew: select on the map again to replace it.")
            c2.button("Clear the selection", key=f"clear-selection-{scene}", on_click=held.clear)
        st.dataframe(table, hide_index=True, height=260)
        d1, d2 = st.columns(2)
        d1.download_button("Selection as CSV", table.to_csv(index=False), "selection.csv", "text/csv")
        d2.download_button("Selection as Parquet", downloads.to_parquet_bytes(table), "selection.parquet")
        curation.tag_controls(selected, scene)
    else:
        st.caption("Click a point, or pick Box or Lasso Select in the map's toolbar and drag, to list sentences here.")
    curation.variant_controls(frame, groups, selected, scene, known)


def clusters(frame: pd.DataFrame, cluster_words: dict) -> None:
    """The k-means clusters: their sizes and characteristic words."""
    st.subheader("Clusters")
    sizes = frame["cluster"].value_counts()
    order = sorted(cluster_words)
    table = {
        "cluster": order,
        "sentences": [int(sizes.get(c, 0)) for c in order],
        "characteristic words": [", ".join(cluster_words[c]) for c in order],
    }
    st.dataframe(pd.DataFrame(table), hide_index=True)
