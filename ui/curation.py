"""The Explore page's curation tools: tag the selected sentences (a column that colours, filters and is exported with
the map), and write a selection toward another group as labelled variants (`vae_core.explore.curate`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import decoded, state, workspace
from vae_core.errors import LatentLabError
from vae_core.explore import curate
from vae_core.store import workspace as workspaces


def tags(scene: str) -> dict[int, str]:
    """This map's tags, row → tag: read from the workspace, where the demo's and a kept dataset's tags are kept
    (the same for every model of that dataset); they leave with every export."""
    if f"tags-{scene}" not in st.session_state:
        st.session_state[f"tags-{scene}"] = kept_tags()
    return st.session_state[f"tags-{scene}"]


def tag_controls(selected: list[int], scene: str) -> None:
    """A tag name and two buttons: tag the selected sentences, or take their tags away."""
    t1, t2, t3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    name = t1.text_input("Tag", key=f"tag-name-{scene}", placeholder="e.g. keep, off-topic, ask a colleague")
    for box, label, tag in ((t2, "Tag the selection", name), (t3, "Remove their tags", "")):
        if box.button(label, key=f"{label}-{scene}"):
            if label.startswith("Tag") and not name.strip():
                st.error("Type a tag first.")
                continue
            try:
                changed = curate.add_tag(tags(scene), selected, tag)
                keep_tags(changed)
            except LatentLabError as e:
                st.error(str(e))
            except OSError as e:
                st.error(f"The tags could not be kept in your workspace ({e.strerror or e}); nothing was changed.")
            else:
                st.session_state[f"tags-{scene}"] = changed
                st.rerun()
    if workspace.read_only():
        st.caption("This workspace is shared with you read-only, so your tags last for this session: download the map.")
    elif not keeps_tags():
        st.caption("This dataset is not kept in your workspace, so its tags last for this session: download the map.")


def variant_controls(frame: pd.DataFrame, group_columns: list[str], selected: list[int], scene: str, known: bool):
    """Move the selection toward another group of a column (a label, the clusters, the tags): each sentence
    decoded a half, one, one and a half and two steps (`curate.STRENGTHS`) from its own group's centre toward the
    target's, in a table with a CSV download."""
    v1, v2, v3 = st.columns([1, 1, 1], vertical_alignment="bottom")
    column = v1.selectbox("Move the selection along", group_columns, key=f"along-{scene}")
    values = frame[column].astype(str)
    target = v2.selectbox(
        "toward",
        sorted(values.unique()),
        key=f"toward-{scene}",
        help="Each sentence takes the step from its own group's centre to this group's centre in the latent space "
        "(a half, one, one and a half and two steps) and is decoded there: it keeps what sets it apart and takes "
        "on what the group shares.",
    )
    if v3.button("Write the variants", key=f"toward-go-{scene}", disabled=not selected):
        st.session_state[f"variants-{scene}"] = (tuple(selected), column, target)
    asked = st.session_state.get(f"variants-{scene}")
    if not asked or asked[1] not in frame.columns:
        return
    rows, column, target = asked
    try:
        variants = decoded.moved_toward(rows, tuple(frame[column].astype(str)), target, known)
    except LatentLabError as e:
        st.error(str(e))
        return
    ids = [v.row for v in variants]
    table = pd.DataFrame(
        {
            "id": ids,
            "steps": [v.strength for v in variants],
            "variant": [v.sentence for v in variants],
            "sentence": frame["text"].to_numpy()[ids],
            column: frame[column].astype(str).to_numpy()[ids],
            "toward": target,
        }
    )
    steps = len(curate.STRENGTHS)
    st.text(f"{len(rows)} sentences written from their own {column} toward {column} {target!r}, {steps} steps each.")
    st.dataframe(table, hide_index=True, height=260)
    st.download_button("Variants as CSV", table.to_csv(index=False), "variants.csv", "text/csv", key=f"v-csv-{scene}")


def _has_tags_kept() -> bool:
    """Whether the workspace keeps tags for the current dataset: the demo's and a kept upload's."""
    corpus = state.current_corpus()
    return bool(corpus and (corpus.demo or corpus.kept))


def keeps_tags() -> bool:
    """Whether tags given now are kept in the workspace: the current dataset's are (see _has_tags_kept), and the
    workspace is the user's own, not a shared one."""
    return _has_tags_kept() and not workspace.read_only()


def kept_tags() -> dict[int, str]:
    """The current dataset's tags as the workspace keeps them (row -> tag); a shared workspace's too."""
    corpus = state.current_corpus()
    if not _has_tags_kept():
        return {}
    return workspaces.load_tags(workspace.folder(), corpus.kept, len(corpus.value.texts))


def keep_tags(tags: dict[int, str]) -> None:
    """Keep the current dataset's tags in the workspace, when it keeps them (see keeps_tags)."""
    if keeps_tags():
        workspaces.save_tags(workspace.folder(), state.current_corpus().kept, tags)
