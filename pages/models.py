"""Models: your saved models with their cards; load, download, delete, or upload a bundle (.zip)."""

import streamlit as st

from ui import cards, downloads, latents, replay_view, state, workspace
from vae_core import LatentLabError, import_zip, load_bundle
from vae_core.base.shipped import BASE_MODEL
from vae_core.errors import OutputExistsError
from vae_core.store.bundle import delete_bundle, list_bundles, safe_name
from vae_core.store.external import list_external, load_external

st.title("Models")
if workspace.read_only():
    st.caption(
        "These are the models of a workspace shared with you, read-only: load and download them. To save what you "
        "train or upload, work in your own workspace (sidebar)."
    )
else:
    st.caption(
        "Models you save live in your workspace, on this server: this browser keeps its key, so a reload, a bookmark "
        "or a new tab comes back to it, also after the server restarts. The page's link shows your work to whoever "
        "you send it to, read-only: nobody else can save or delete here."
    )
with st.expander("Your workspaces, and a link that gives access to one"):
    owned = workspace.own()
    if not workspace.read_only():
        st.text(f"This workspace: {owned[0]}")
        if st.toggle("Show a link that gives access to this workspace", key="show-access-link"):
            st.warning("Whoever opens this link can save and delete here as you do. Send it only to yourself.")
            st.code(workspace.access_link(), language=None)
    for other in owned[1:] if not workspace.read_only() else owned:
        if st.button(f"Work in {other}", key=f"switch-{other}"):
            workspace.switch(other)
            st.rerun()
    with st.form("workspace"):
        other = st.text_input(
            "Open a workspace by its name",
            help="4-64 letters, digits, '-' or '_': its key, so you can save into it; a new name starts an empty one",
        )
        if st.form_submit_button("Open"):
            try:
                workspace.switch(other)
                st.rerun()
            except LatentLabError as e:
                st.error(str(e))

with st.expander("Upload a model bundle (.zip)"):
    upload = st.file_uploader("A .zip downloaded from Latent Lab", type=["zip"])
    if upload is not None and st.button("Add this model"):
        try:
            name = safe_name(upload.name.removesuffix(".zip"))
            tm = import_zip(upload.getvalue(), workspace.writable_folder() / name, source=upload.name)
            state.set_model(tm, name, saved=True)
            st.success(f"Added {name}; it is now the current model.")
        except OutputExistsError:
            st.error(
                f"{name}: a model of this name is already saved in your workspace; nothing was changed. Rename the "
                ".zip, or delete that model first."
            )
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
                view = f"{ext.view.label}, seed {ext.view.seed}"
                st.success(f"Opened {folder.name}: {len(ext.corpus):,} sentences. Explore shows its map ({view}).")
            except LatentLabError as e:
                st.error(str(e))


def card(entry: dict, bundled: str | None = None) -> None:
    """One model: its settings and metrics, with load / download / delete. `bundled`: "demo" or "base" for the
    models that ship with Latent Lab (loaded from the server's shared copy, never deleted)."""
    demo = bundled is not None
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
            cards.model_card(metrics, m, info, examples_folded=True)
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
                if bundled == "base":
                    state.open_the_base_model()
                else:
                    model = state.demo_model() if demo else load_bundle(entry["path"])
                    state.set_model(model, entry["name"], demo=demo, saved=not demo)
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
        if not demo and not workspace.read_only() and c3.button("Delete", key=f"del-{entry['path']}"):
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


entries = list_bundles(workspace.folder())
if not entries:
    st.info(
        "This shared workspace has no saved model."
        if workspace.read_only()
        else "You have not saved a model yet: train one on the Train page."
    )
for entry in entries:
    card(entry)
st.subheader("Bundled")
shipped = {e["name"]: e for e in list_bundles(state.DEMO_MODEL.parent) if "error" not in e}
if state.base_model_available() and (base := shipped.get(BASE_MODEL.name)):
    st.caption(
        "The base model has read 1.16M sentences of general English (encyclopedia, books, dialogue, chat, questions, "
        "speeches): it maps, reads back and decodes any corpus at once, and a model trained on the Train page starts "
        "from it."
    )
    card({**base, "name": state.BASE_NAME}, bundled="base")
if demo := shipped.get(state.DEMO_MODEL.name):
    card({**demo, "name": "demo model"}, bundled="demo")
