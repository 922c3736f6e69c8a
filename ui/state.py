"""Per-session state and shared server resources: the session's id, the current dataset and model (reopened from
the session's workspace, see `workspace`), the job registry and the bundled demo.

State lives in `st.session_state` (one browser session each); shared objects live in `st.cache_resource`, and
anything per-user in them is keyed by the session's own id.
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

import vae_core  # torch-backed parts load on first use (see vae_core/__init__.py): a first map does not wait on them
from vae_core.data.corpus import Corpus, CorpusOptions, load_corpus
from vae_core.errors import LatentLabError
from vae_core.store import workspace as workspaces

from . import warm_up, workspace

ROOT = Path(__file__).resolve().parents[1]
DEMO_CORPUS = ROOT / "assets" / "demo_corpus.tsv"
DEMO_MODEL = ROOT / "assets" / "demo_model"
DEMO_MAP = ROOT / "assets" / "demo_map.npz"
IMPORTS_ROOT = Path(os.environ.get("LATENT_LAB_IMPORTS", ROOT / "imports"))  # maps made elsewhere, read-only


@dataclass
class Named:
    """A dataset or model with the name shown to the user, a unique key for caches, and whether it is the
    bundled demo (whose maps ship precomputed)."""

    name: str
    held: object | Callable[[], object]  # the dataset or model, or (the demo model) the function that loads it
    key: str
    demo: bool = False
    opened_with: str | None = None  # a model opened together with its dataset (a map made elsewhere): that key
    kept: str | None = None  # a dataset kept in the workspace: the name it is kept under

    @property
    def value(self) -> Any:
        """The dataset or model. The demo model is loaded here, on first use: the demo's first map is drawn from
        shipped arrays, and need not wait on torch and the weights."""
        return self.held() if callable(self.held) else self.held


def session_id() -> str:
    """A random id for this browser session: the key of everything that belongs to one user."""
    if "session_id" not in st.session_state:
        st.session_state.session_id = uuid.uuid4().hex
    return st.session_state.session_id


@st.cache_resource
def job_registry() -> vae_core.train.jobs.JobRegistry:
    """One registry for the server; jobs inside it are keyed by session id. LATENT_LAB_MAX_TRAINING bounds how
    many trainings run at once (2 by default: each one wants the CPU cores)."""
    return vae_core.train.jobs.JobRegistry(max_running=int(os.environ.get("LATENT_LAB_MAX_TRAINING", "2")))


def warm_up_the_current_encoder() -> None:
    """Start `encoder_warm_up` when the current model encodes with a pretrained sentence encoder."""
    model = current_model()
    if model is not None and model.value.model.config.encoder in ("pretrained", "hybrid"):
        warm_up.encoder_warm_up(model.value.model.config.pretrained_name)


BASE_NAME = "base model"  # how the app names the shipped base model


@st.cache_resource
def base_model() -> vae_core.TrainedModel:
    """The shipped base model (general English), loaded once per server and shared read-only."""
    return vae_core.base.shipped.load_base()


def base_model_available() -> bool:
    return vae_core.base.shipped.available()


def open_the_base_model() -> None:
    """Make the base model, writing back in the current dataset's style, the current model: a dataset is mapped
    and decoded at once, with no training."""
    texts = current_corpus().value.texts if current_corpus() is not None else []
    set_model(vae_core.base.shipped.for_corpus(base_model(), texts), BASE_NAME)


@st.cache_resource
def demo_model() -> vae_core.TrainedModel:
    """The bundled demo model, loaded once per server and shared read-only (inference only)."""
    return vae_core.load_bundle(DEMO_MODEL)


def current_model_settings() -> dict:
    """The current model's network settings (config.json's "model"); the demo's are read from its file, so that
    asking does not load its weights."""
    named = current_model()
    if named is None:
        return {}
    if named.demo:
        return json.loads((DEMO_MODEL / "config.json").read_text())["model"]
    return dataclasses.asdict(named.value.model.config)


@st.cache_resource
def demo_corpus() -> Corpus | None:
    """The bundled demo corpus, read once per server and shared read-only (a page may ask for it on every run)."""
    if not DEMO_CORPUS.is_file():
        return None
    options = CorpusOptions(label_column="topic", extra_label_columns=("sentiment", "tense"), max_tokens=None)
    return load_corpus(DEMO_CORPUS, options)


def init_session() -> None:
    """First visit: open what the workspace had open last (a reload, a bookmark, a restarted server), else the
    demo corpus and model, when bundled."""
    session_id()
    workspace.keep_in_url()
    if "corpus" not in st.session_state:
        st.session_state.corpus = None
        st.session_state.model = None
        try:
            if (corpus := demo_corpus()) is not None:
                set_corpus(corpus, "demo corpus", demo=True, remember=False)
            if DEMO_MODEL.is_dir():
                set_model(demo_model, "demo model", demo=True, remember=False)  # loaded on first use (`Named.value`)
        except LatentLabError as e:
            st.error(f"The demo could not be opened: {e}")
        reopen_the_workspace()


def reopen_the_workspace() -> None:
    """Open the dataset and the saved model this workspace had open last, where they are still there."""
    folder, last = workspace.folder(), workspaces.recall(workspace.folder())
    try:
        if (kept := last.get("dataset")) and workspaces.has_dataset(folder, kept):
            corpus = workspaces.load_dataset(folder, kept)
            set_corpus(corpus, corpus.report.source, kept=kept)
            open_the_model_for_new_data()  # mapped by the base model, as right after its upload
        if name := last.get("model"):
            open_saved_model(name)  # (one deleted since is simply not reopened)
    except LatentLabError as e:
        st.warning(f"What this workspace had open last could not be reopened: {e}")


def open_kept_dataset(name: str) -> bool:
    """Open the workspace's kept dataset named `name` (the demo corpus for "demo corpus"); False when there is none."""
    if name == "demo corpus" and (corpus := demo_corpus()) is not None:
        set_corpus(corpus, name, demo=True)
        return True
    entry = next((d for d in workspaces.list_datasets(workspace.folder()) if d["name"] == name), None)
    if entry is None:
        return False
    set_corpus(workspaces.load_dataset(workspace.folder(), entry["kept"]), name, kept=entry["kept"])
    return True


def open_saved_model(name: str) -> bool:
    """Open the workspace's saved model `name` (the demo model for "demo model"); False when there is none."""
    if name == "demo model" and DEMO_MODEL.is_dir():
        set_model(demo_model, name, demo=True)
        return True
    if name == BASE_NAME and base_model_available():
        open_the_base_model()
        return True
    if (path := workspaces.saved_model(workspace.folder(), name)) is None:
        return False
    set_model(vae_core.load_bundle(path), name, saved=True)
    return True


def set_corpus(corpus: Corpus, name: str, demo: bool = False, kept: str | None = None, remember: bool = True) -> None:
    """Make `corpus` the current dataset; `kept`: its name among the workspace's kept datasets (reopened next
    time), None for one that is not kept (the demo, a map made elsewhere)."""
    st.session_state.corpus = Named(name, corpus, uuid.uuid4().hex, demo, kept=kept)
    if remember and not workspace.read_only():
        workspaces.remember(workspace.folder(), dataset=kept)
    if not demo:  # its maps will be computed here
        warm_up.umap_warm_up()


def set_model(
    model: vae_core.TrainedModel | Callable[[], vae_core.TrainedModel],
    name: str,
    demo: bool = False,
    saved: bool = False,
    remember: bool = True,
) -> None:
    """Make `model` the current model; `saved`: it is the workspace's saved model `name` (reopened next time)."""
    st.session_state.model = Named(name, model, uuid.uuid4().hex, demo)
    if remember and not workspace.read_only():
        workspaces.remember(workspace.folder(), model=name if saved else None)
    if not demo:
        warm_up.umap_warm_up()


def current_corpus() -> Named | None:
    return st.session_state.get("corpus")


def current_model() -> Named | None:
    return st.session_state.get("model")


def showing_the_demo(model_free: bool = False) -> bool:
    """Whether the current dataset is the demo corpus (and, unless `model_free`, the model the demo model)."""
    corpus, model = current_corpus(), current_model()
    return bool(corpus and corpus.demo and (model_free or (model and model.demo)))


def require(corpus: bool = False, model: bool = False) -> bool:
    """Tell the user what is missing (and where to get it); False when the page cannot go on."""
    if corpus and current_corpus() is None:
        st.info("No dataset yet: open the **Data** page to upload one or pick the demo corpus.")
        return False
    if model and current_model() is None:
        st.info("No model yet: train one on the **Train** page or load one on the **Models** page.")
        return False
    if corpus and model and (other := trained_on_another_corpus()):
        st.info(
            f"The model was trained on {other}, not on this dataset ({current_corpus().value.report.source}): "
            "its latent space may not know these sentences' words."
        )
    return True


def trained_on_another_corpus() -> str | None:
    """The file the current model was trained on, when that is not the current dataset's file (else None)."""
    corpus, model = current_corpus(), current_model()
    if not corpus or not model or model.opened_with == corpus.key or showing_the_demo():
        return None  # (the demo model was trained on the demo corpus)
    if vae_core.base.shipped.is_general(model.value):
        return None  # general English: made for any corpus
    trained_on = model.value.info.get("corpus")
    return trained_on if trained_on and trained_on != corpus.value.report.source else None


def open_the_model_for_new_data() -> None:
    """After a dataset is opened: the base model maps it at once, unless the user is working with a model of their
    own (a saved or trained one stays current)."""
    model = current_model()
    if base_model_available() and (model is None or model.demo or model.name == BASE_NAME):
        open_the_base_model()
