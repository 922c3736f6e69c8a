"""Models: your saved models with their cards; load, download, delete, or upload a bundle (.zip)."""

import streamlit as st

from ui import cards, downloads, latents, replay_view, state
from vae_core import LatentLabError, import_zip, load_bundle
from vae_core.bundle import delete_bundle, list_bundles, safe_name
from vae_core.external import list_external, load_external

st.title("Models")
st.caption("Models you save live in a folder of your own session; other users of this server do not see them.")

with st.expander("Upload a model bundle (.zip)"):
    upload = st.file_uploader("A .zip downloaded from Latent Lab", type=["zip"])
    if upload is not None and st.button("Add this model"):
        try:
            name = safe_name(upload.name.removesuffix(".zip"))
            tm = import_zip(upload.getvalue(), state.workspace() / name, source=upload.name)
            state.set_model(tm, name)
            st.success(f"Added {name}; it is now the current model.")
        except (LatentLabError, OSError) as e:
            st.error(str(e))

with st.expander("Open a map made elsewhere (a GPU server or cluster)"):
    st.caption(
        f"Folders in {state.IMPORTS_ROOT} holding model/, latents.parquet and map.parquet (see the README's section on "
        "big corpora). They open without encoding or mapping anything again."
    )
    found = list_external(state.IMPORTS_ROOT)
    if not found:
        st.text("No such folder there yet.")
    for folder in found:
        if st.button(f"Open {folder.name}", key=f"external-{folder.name}"):
            try:
                ext = load_external(folder)
                latents.open_external(ext, folder.name)
                view = f"{'UMAP' if ext.method == 'umap' else 'PCA'} {ext.coords.shape[1]}-D, seed {ext.seed}"
                st.success(f"Opened {folder.name}: {len(ext.corpus):,} sentences. Explore shows its map ({view}).")
            except LatentLabError as e:
                st.error(str(e))


def card(entry: dict, demo: bool = False) -> None:
    """One model: its settings and metrics, with load / download / delete."""
    with st.container(border=True):
        st.subheader(entry["name"], anchor=False)
        if "error" in entry:
            st.error(f"This bundle cannot be read: {entry['error']}")
        else:
            m, metrics, info = entry.get("model", {}), entry.get("metrics", {}), entry.get("info", {})
            st.text(
                f"Created {entry.get('created_at', '?')} · trained on {info.get('corpus', '?')} "
                f"({info.get('sentences', '?')} sentences) · z {m.get('latent_dim')}-D, {entry['encoder']}"
            )
            cols = st.columns(6)
            for col, (label, key, fmt) in zip(
                cols,
                [
                    ("IW-NLL", "nll_iw", "{:.2f}"),
                    ("PPL", "ppl", "{:.1f}"),
                    ("KL", "kl", "{:.2f}"),
                    ("MI", "mi", "{:.2f}"),
                    ("Active units", "active_units", "{}"),
                    ("Token acc.", "rec_accuracy", "{:.0%}"),
                ],
            ):
                value = metrics.get(key)
                col.metric(label, fmt.format(value) if value is not None else "–")
            st.caption("The round trip: sentence → z → sentence, on held-out sentences")
            cards.round_trip_section(metrics, examples_folded=True)
            if replay_view.has_replay(entry["path"]) and st.toggle(
                "Watch it learn: the training replay", key=f"watch-{entry['path']}"
            ):
                replay = replay_view.replay_of_folder(entry["path"])
                if replay is None:
                    st.error("This bundle's training replay is damaged; the model itself is fine.")
                else:
                    replay_view.replay_section(replay, key=str(entry["path"]))
        c1, c2, c3 = st.columns(3)
        if c1.button("Load", key=f"load-{entry['path']}", disabled="error" in entry):
            try:
                state.set_model(state.demo_model() if demo else load_bundle(entry["path"]), entry["name"], demo=demo)
                st.rerun()
            except LatentLabError as e:
                st.error(str(e))
        if "error" not in entry:
            c2.download_button(
                "Download .zip",
                data=downloads.bundle_zip(entry["path"]),
                file_name=f"{entry['name']}.zip",
                mime="application/zip",
                key=f"dl-{entry['path']}",
            )
        if not demo and c3.button("Delete", key=f"del-{entry['path']}"):
            st.session_state.confirm_delete = entry["path"]
        if st.session_state.get("confirm_delete") == entry["path"]:
            st.warning(f"Delete {entry['name']} for good?")
            if st.button("Yes, delete it", key=f"yes-{entry['path']}"):
                st.session_state.confirm_delete = None
                try:
                    delete_bundle(entry["path"])
                    st.rerun()
                except (LatentLabError, OSError) as e:
                    st.error(f"Could not delete it: {e}")


entries = list_bundles(state.workspace())
if not entries:
    st.info("You have not saved a model yet: train one on the Train page.")
for entry in entries:
    card(entry)
if state.DEMO_MODEL.is_dir():
    st.subheader("Bundled")
    demo = next((e for e in list_bundles(state.DEMO_MODEL.parent) if e["name"] == state.DEMO_MODEL.name), None)
    if demo:
        card({**demo, "name": "demo model"}, demo=True)
