"""Whose workspace a session works in, and what it may do there. A browser owns the workspaces whose ids it keeps
in a cookie (an access link, `?ws=ID`, adds one); the URL carries the current workspace's view token (`?share=`),
which shows it read-only to whoever opens the link in a browser that does not own it. Folders and tokens are
vae_core.store.workspace's; this module decides which one a session reads and whether it may write."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import streamlit as st

from vae_core.errors import ReadOnlyError
from vae_core.store import workspace as workspaces

ROOT = Path(__file__).resolve().parents[1]
MODELS_ROOT = Path(os.environ.get("LATENT_LAB_MODELS", ROOT / "models"))  # one folder a workspace
WORKSPACE_PARAM = "ws"  # the URL parameter of an access link: the workspace's id, which writes to it
VIEW_PARAM = "share"  # the URL parameter that shows a workspace read-only: its view token
OWNER_COOKIE = "latent_lab_workspaces"  # the ids of the workspaces this browser owns, "."-joined, current first
MAX_OWNED = 8  # workspaces a browser keeps in its cookie
COOKIE_MAX_AGE = 400 * 24 * 3600  # seconds (the most browsers keep a cookie)


def own() -> list[str]:
    """The workspaces this browser owns, the current one first: decided on a session's first run from an access
    link (`?ws=ID`: whoever has the id may write to it), else the browser's cookie, else a new random one."""
    if "own_workspaces" not in st.session_state:
        owned = [w for w in owner_cookie().split(".") if workspaces.is_id(w)][:MAX_OWNED]
        if workspaces.is_id(given := st.query_params.get(WORKSPACE_PARAM, "")):
            owned = [given, *(w for w in owned if w != given)][:MAX_OWNED]
        st.session_state.own_workspaces = owned or [workspaces.new_id()]
    return st.session_state.own_workspaces


def owner_cookie() -> str:
    """The cookie in which this browser keeps the ids of its workspaces ("" when it has none yet)."""
    return st.context.cookies.get(OWNER_COOKIE, "")


def viewed() -> str | None:
    """The workspace a shared link shows read-only (`?share=TOKEN`), when it is not one of this browser's own;
    decided on a session's first run. None: the session works in its own workspace."""
    if "viewed_workspace" not in st.session_state:
        owned = own()
        token = st.query_params.get(VIEW_PARAM, "")
        found = None if WORKSPACE_PARAM in st.query_params else workspaces.find_view(MODELS_ROOT, token)
        if found in owned:  # its owner's browser: work in it
            owned[:] = [found, *(w for w in owned if w != found)]
            found = None
        st.session_state.viewed_workspace = found
    return st.session_state.viewed_workspace


def current_id() -> str:
    """The workspace this session reads from: the shared one it views, else its own."""
    return viewed() or own()[0]


def read_only() -> bool:
    """Whether this session views someone's workspace through a shared link: it reads, and writes nothing there."""
    return viewed() is not None


def keep_in_url() -> None:
    """Put the workspace's view token into the URL on every run (moving between pages clears the URL's
    parameters): a reload comes back to it, and a link copied from the address bar shows it read-only. The id
    that writes to it (an access link's `ws`) is taken out of the URL once read."""
    token = workspaces.view_token(current_id())
    st.query_params.pop(WORKSPACE_PARAM, None)
    if st.query_params.get(VIEW_PARAM) != token:
        st.query_params[VIEW_PARAM] = token


COOKIE_JS = """
export default function (component) {
  const { name, value, max_age } = component.data;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${name}=${value}; Path=/; Max-Age=${max_age}; SameSite=Lax${secure}`;
}
"""
_cookie_writer = st.components.v2.component("latent_lab_owner_cookie", js=COOKIE_JS)


def keep_cookie() -> None:
    """Keep this browser's workspaces in its cookie (a script in the page sets it), so that a reload, a bookmark or
    a new tab knows them, and a shared link opened here by their owner opens writable."""
    value = ".".join(own())
    _cookie_writer(data={"name": OWNER_COOKIE, "value": value, "max_age": COOKIE_MAX_AGE}, key="owner-cookie")


def access_link() -> str:
    """A link that gives the current own workspace to whoever opens it (its id in the URL): given on request only."""
    return f"{st.context.url or ''}?{WORKSPACE_PARAM}={own()[0]}"


def switch(name: str) -> None:
    """Work in the workspace `name` (one of this browser's, or any whose id the user typed; InputError for a
    malformed one), as its owner. The current dataset and model stay open, no longer kept in the workspace left."""
    chosen = workspaces.check_id(name)
    owned = own()
    owned[:] = [chosen, *(w for w in owned if w != chosen)][:MAX_OWNED]
    st.session_state.viewed_workspace = None
    if (corpus := st.session_state.get("corpus")) is not None and corpus.kept:
        st.session_state.corpus = dataclasses.replace(corpus, kept=None)
    keep_in_url()


def folder() -> Path:
    """The folder this session reads saved models and kept datasets from (see vae_core.store.workspace)."""
    return workspaces.folder(MODELS_ROOT, current_id())


def writable_folder() -> Path:
    """The folder to save into: the session's own workspace; ReadOnlyError while it views a shared one."""
    if read_only():
        raise ReadOnlyError(
            "this is someone's workspace, shared read-only: nothing here can be saved or deleted. Open your own "
            "workspace (sidebar) to save your work."
        )
    return folder()


def shared_view_notice() -> None:
    """On every page of a shared workspace: that it is read-only, and the way to one's own."""
    if not read_only():
        return
    with st.sidebar:
        st.info("You are viewing a workspace shared with you, read-only: open, explore and download, but not save.")
        if st.button("Work in my own workspace", help="What is open now stays open; save it there."):
            switch(own()[0])
            st.rerun()
