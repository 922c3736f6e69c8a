"""The app's one UI-helpers module: per-session state, shared resources, and the map figure.

Pages call these and `vae_core`; nothing here trains or measures anything itself.
State lives in `st.session_state` (one browser session each); shared objects (the job registry, the UMAP
warm-up) live in `st.cache_resource`, and anything per-user in them is keyed by the session's own id.
"""

from __future__ import annotations

import html
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from vae_core import (
    Corpus,
    CorpusOptions,
    LatentLabError,
    TrainedModel,
    bundle_to_zip,
    encode,
    load_bundle,
    load_corpus,
)
from vae_core.clusters import characteristic_words, kmeans
from vae_core.compare import neighbour_sets
from vae_core.corpus import count_tokens
from vae_core.external import ExternalMap
from vae_core.jobs import JobRegistry, TrainingJob
from vae_core.latent import sentence_kl
from vae_core.pipeline import estimate_fit_seconds
from vae_core.pretrained import DEFAULT_ENCODER, embed_texts
from vae_core.projection import project, warm_up
from vae_core.roundtrip import marked_changes, meaning_kept

ROOT = Path(__file__).resolve().parent
DEMO_CORPUS = ROOT / "assets" / "demo_corpus.tsv"
DEMO_MODEL = ROOT / "assets" / "demo_model"
DEMO_MAP = ROOT / "assets" / "demo_map.npz"
MODELS_ROOT = Path(os.environ.get("LATENT_LAB_MODELS", ROOT / "models"))
IMPORTS_ROOT = Path(os.environ.get("LATENT_LAB_IMPORTS", ROOT / "imports"))  # maps made elsewhere, read-only
MAX_MAP_POINTS = 50_000  # the map draws at most this many points; tables, search and neighbours use all
UMAP_IN_APP_MAX = 100_000  # above this, a UMAP computed in the app takes minutes on 2 cores: PCA opens instead


@dataclass
class Named:
    """A dataset or model with the name shown to the user and a unique key for caches."""

    name: str
    value: object
    key: str


# ---------------------------------------------------------------- session and shared resources
def session_id() -> str:
    """A random id for this browser session: the key of everything that belongs to one user."""
    if "session_id" not in st.session_state:
        st.session_state.session_id = uuid.uuid4().hex
    return st.session_state.session_id


def workspace() -> Path:
    """This session's own models folder (no other user lists or opens it)."""
    folder = MODELS_ROOT / session_id()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@st.cache_resource
def job_registry() -> JobRegistry:
    """One registry for the server; jobs inside it are keyed by session id. LATENT_LAB_MAX_TRAINING bounds how
    many trainings run at once (2 by default: each one wants the CPU cores)."""
    return JobRegistry(max_running=int(os.environ.get("LATENT_LAB_MAX_TRAINING", "2")))


@st.cache_resource
def umap_warm_up() -> threading.Thread | None:
    """Compile umap in the background once per server process, so the first UMAP map does not wait on it.
    LATENT_LAB_WARMUP=0 turns it off (tests that never draw a UMAP map)."""
    if os.environ.get("LATENT_LAB_WARMUP", "1") == "0":
        return None
    thread = threading.Thread(target=warm_up, name="umap-warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_resource
def demo_model() -> TrainedModel | None:
    """The bundled demo model, loaded once per server and shared read-only (inference only)."""
    return load_bundle(DEMO_MODEL) if DEMO_MODEL.is_dir() else None


def demo_corpus() -> Corpus | None:
    if not DEMO_CORPUS.is_file():
        return None
    options = CorpusOptions(label_column="topic", extra_label_columns=("sentiment", "tense"), max_tokens=None)
    return load_corpus(DEMO_CORPUS, options)


def init_session() -> None:
    """First visit: start the umap warm-up and open the demo corpus and model, when bundled."""
    session_id()
    umap_warm_up()
    if "corpus" not in st.session_state:
        st.session_state.corpus = None
        st.session_state.model = None
        try:
            if (corpus := demo_corpus()) is not None:
                set_corpus(corpus, "demo corpus")
            if (model := demo_model()) is not None:
                set_model(model, "demo model")
        except LatentLabError as e:
            st.error(f"The demo could not be opened: {e}")


# ---------------------------------------------------------------- current dataset and model
def set_corpus(corpus: Corpus, name: str) -> None:
    st.session_state.corpus = Named(name, corpus, uuid.uuid4().hex)


def set_model(model: TrainedModel, name: str) -> None:
    st.session_state.model = Named(name, model, uuid.uuid4().hex)


def open_external(ext: ExternalMap, name: str) -> None:
    """Make a map computed elsewhere the current dataset and model, with its latents and coordinates already in
    the session's cache, so Explore draws it without encoding or projecting anything."""
    set_corpus(ext.corpus, name)
    set_model(ext.model, name)
    corpus, model = current_corpus(), current_model()
    unknown_logvar = np.full_like(ext.latents, np.nan)  # `encode` writes means only: KL per sentence is unknown
    session_cache()[("latents", corpus.key, model.key)] = (ext.latents, unknown_logvar)
    session_cache()[("coords", corpus.key, model.key, ext.method, ext.coords.shape[1], ext.seed)] = ext.coords
    session_cache()[("view", corpus.key, model.key)] = (ext.method, ext.coords.shape[1], ext.seed)


def default_view() -> tuple[str, int, int]:
    """The map Explore opens with, as (method, dims, seed): the map that came with the data if any, else UMAP 2-D,
    or PCA for corpora too large to map with UMAP here in reasonable time."""
    corpus, model = current_corpus(), current_model()
    came_with = session_cache().get(("view", corpus.key, model.key))
    if came_with:
        return came_with
    return ("pca", 2, 0) if len(corpus.value) > UMAP_IN_APP_MAX else ("umap", 2, 0)


def has_coordinates(method: str, dims: int, seed: int) -> bool:
    """Whether this map is at hand without computing it (cached, or shipped with the demo)."""
    corpus, model = current_corpus(), current_model()
    key = ("coords", corpus.key, model.key, method, dims, seed)
    return key in session_cache() or _shipped_demo_map(method, dims, seed, len(corpus.value)) is not None


def ask_before_a_big_umap() -> None:
    """Above UMAP_IN_APP_MAX sentences, a UMAP map computed here takes many minutes: say so, and stop the page
    unless the user asks for it anyway."""
    n = len(current_corpus().value)
    if n <= UMAP_IN_APP_MAX:
        return
    st.warning(
        f"A UMAP map of {n:,} sentences takes many minutes on this machine. Make it on a GPU server with "
        "`python -m vae_core project` and open it from the Models page (see the README's section on big corpora)."
    )
    if not st.button("Compute it here anyway"):
        st.stop()


def current_corpus() -> Named | None:
    return st.session_state.get("corpus")


def current_model() -> Named | None:
    return st.session_state.get("model")


def require(corpus: bool = False, model: bool = False) -> bool:
    """Tell the user what is missing (and where to get it); False when the page cannot go on."""
    if corpus and current_corpus() is None:
        st.info("No dataset yet: open the **Data** page to upload one or pick the demo corpus.")
        return False
    if model and current_model() is None:
        st.info("No model yet: train one on the **Train** page or load one on the **Models** page.")
        return False
    return True


def sidebar() -> None:
    """The current dataset and model, on every page (as plain text: names are user input)."""
    with st.sidebar:
        corpus, model = current_corpus(), current_model()
        st.text(f"Dataset: {corpus.name} ({len(corpus.value)} sentences)" if corpus else "Dataset: none")
        st.text(f"Model: {model.name} (z: {model.value.latent_dim}-D)" if model else "Model: none")
        job = job_registry().get(session_id())
        if job is not None and not job.finished:
            st.text("Training is running…")


# ---------------------------------------------------------------- latents and maps, cached per session
def session_cache() -> dict:
    """Per-session store of computed results (latents, maps, clusters), keyed by what they depend on."""
    return st.session_state.setdefault("computed", {})


def latents() -> tuple[np.ndarray, np.ndarray]:
    """Posterior means and log-variances of the current corpus under the current model (cached)."""
    corpus, model = current_corpus(), current_model()
    key = ("latents", corpus.key, model.key)
    if key not in session_cache():
        n = len(corpus.value)
        shipped = _shipped_demo_array("latents_mu", n), _shipped_demo_array("latents_logvar", n)
        if shipped[0] is not None and shipped[1] is not None:  # the demo's, as `encode` gives them, ship ready
            session_cache()[key] = shipped
        else:
            with st.spinner(f"Encoding {n} sentences…"):
                session_cache()[key] = encode(model.value.model, model.value.tokenizer, corpus.value.texts)
    return session_cache()[key]


def coordinates(method: str, dims: int, seed: int) -> np.ndarray:
    """Map coordinates of the current corpus (cached: coming back to the page is instant). The demo's
    default map ships precomputed in assets/demo_map.npz."""
    corpus, model = current_corpus(), current_model()
    key = ("coords", corpus.key, model.key, method, dims, seed)
    if key not in session_cache():
        shipped = _shipped_demo_map(method, dims, seed, len(corpus.value))
        if shipped is not None:
            session_cache()[key] = shipped
        else:
            mu, _ = latents()
            label = "UMAP (a first UMAP in a new server takes a little longer)" if method == "umap" else "PCA"
            with st.spinner(f"Computing the {dims}-D {label} map of {len(mu)} points…"):
                session_cache()[key] = project(mu, method, dims, seed)
    return session_cache()[key]


def pretrained_embeddings() -> np.ndarray:
    """The pretrained encoder's embeddings of the current corpus (cached per session; the encoder also keeps a
    per-text cache for the whole server), with a progress bar: ~500 sentences/s on a laptop CPU."""
    corpus = current_corpus()
    key = ("pretrained", corpus.key)
    if key not in session_cache():
        texts = corpus.value.texts
        bar = st.progress(0.0, text=f"Loading {DEFAULT_ENCODER}…")

        def report(done: int, total: int) -> None:
            bar.progress(done / total, text=f"Embedding sentences with {DEFAULT_ENCODER}: {done:,}/{total:,}")

        session_cache()[key] = embed_texts(texts, on_progress=report)
        bar.empty()
    return session_cache()[key]


def pretrained_coordinates(method: str, dims: int, seed: int) -> np.ndarray:
    """Map of the pretrained embeddings of the current corpus (cached; shipped for the demo corpus)."""
    corpus = current_corpus()
    key = ("pretrained coords", corpus.key, method, dims, seed)
    if key not in session_cache():
        shipped = _shipped_demo_map(f"pretrained_{method}", dims, seed, len(corpus.value), model_free=True)
        if shipped is not None:
            session_cache()[key] = shipped
        else:
            with st.spinner(f"Computing the {dims}-D map of the {DEFAULT_ENCODER} embeddings…"):
                session_cache()[key] = project(pretrained_embeddings(), method, dims, seed)
    return session_cache()[key]


def neighbours(space: str, k: int = 10) -> np.ndarray:
    """Each sentence's k nearest other sentences in the "vae" latent space or the "pretrained" embedding space
    (cached: the agreement and both accuracies are read off these)."""
    corpus, model = current_corpus(), current_model()
    key = ("neighbours", space, corpus.key, model.key if space == "vae" else None, k)
    if key not in session_cache():
        points = latents()[0] if space == "vae" else pretrained_embeddings()
        session_cache()[key] = neighbour_sets(points, k)
    return session_cache()[key]


def linked_selection(keys: tuple[str, ...]) -> list[int]:
    """Rows selected on whichever of several linked maps (plotly charts with these widget keys) the user
    changed last, so a selection in one map can be shown in the others."""
    memory = st.session_state.setdefault("linked_selection", {"rows": [], "seen": {}})
    for key in keys:
        rows = selected_rows(st.session_state.get(key))
        if rows != memory["seen"].get(key, []):
            memory["seen"][key] = rows
            memory["rows"] = rows
    return memory["rows"]


def clusters(k: int) -> tuple[np.ndarray, dict[int, list[str]]]:
    """k-means cluster of each sentence of the current corpus and each cluster's characteristic words (cached)."""
    corpus, model = current_corpus(), current_model()
    key = ("clusters", corpus.key, model.key, k)
    if key not in session_cache():
        mu, _ = latents()
        labels = kmeans(mu, k) if len(mu) >= k else np.zeros(len(mu), dtype=int)
        session_cache()[key] = (labels, characteristic_words(corpus.value.texts, labels))
    return session_cache()[key]


def path_map() -> tuple[np.ndarray, str]:
    """Coordinates to draw a path on: the UMAP 2-D map when it is already at hand, else PCA (instant)."""
    corpus, model = current_corpus(), current_model()
    umap_key = ("coords", corpus.key, model.key, "umap", 2, 0)
    if umap_key in session_cache() or _shipped_demo_map("umap", 2, 0, len(corpus.value)) is not None:
        return coordinates("umap", 2, 0), "UMAP"
    return coordinates("pca", 2, 0), "PCA"


def _shipped_demo_map(method: str, dims: int, seed: int, n: int, model_free: bool = False) -> np.ndarray | None:
    return _shipped_demo_array(f"{method}_{dims}d_seed{seed}", n, model_free)


def _shipped_demo_array(name: str, n: int, model_free: bool = False) -> np.ndarray | None:
    """An array of n rows precomputed for the demo corpus (and, unless `model_free`, the demo model) in
    assets/demo_map.npz by assets/make_demo_model.py; None when something else is loaded."""
    corpus, model = current_corpus(), current_model()
    if corpus.name != "demo corpus" or not DEMO_MAP.is_file():
        return None
    if not model_free and (model is None or model.name != "demo model"):
        return None
    saved = np.load(DEMO_MAP)
    return saved[name] if name in saved.files and len(saved[name]) == n else None


def sentence_frame() -> pd.DataFrame:
    """One row per sentence: id, text, one column per label set, length, KL. Cached (counting the tokens of a
    million sentences takes seconds); each call returns a copy that a page may add columns to."""
    corpus, model = current_corpus(), current_model()
    key = ("frame", corpus.key, model.key)
    if key not in session_cache():
        mu, logvar = latents()
        texts = corpus.value.texts
        frame = pd.DataFrame({"id": np.arange(len(texts)), "text": texts})
        for name, values in corpus.value.label_sets.items():
            frame[label_column(name)] = values
        frame["length"] = [count_tokens(t) for t in texts]  # as the Data page's histogram counts them
        frame["kl"] = sentence_kl(mu, logvar)
        session_cache()[key] = frame
    return session_cache()[key].copy(deep=False)


def label_column(name: str) -> str:
    """The table column for a label set, renamed if it would clash with a built-in column."""
    return f"label: {name}" if name in ("id", "text", "length", "kl", "KL", "cluster", "search match") else name


def map_figure(
    coords: np.ndarray,
    texts: list[str],
    color: np.ndarray | list | None = None,
    color_name: str = "",
    categorical: bool = True,
    path: np.ndarray | None = None,
    path_labels: list[str] | None = None,
    max_points: int = MAX_MAP_POINTS,
    seed: int = 0,
    highlight: list[int] | None = None,
    height: int = 620,
) -> go.Figure:
    """A WebGL scatter of the map. Each point carries its row id in `customdata` (selections read it);
    hover shows the sentence, HTML-escaped. Categorical colours get one trace per value (a legend);
    numeric colours one trace with a colour bar. An optional path (e.g. an interpolation) is drawn on top,
    and `highlight` rows (e.g. a selection made on another map) are ringed."""
    n = len(coords)
    rows = np.arange(n)
    if n > max_points:  # thin the drawing only; callers keep every point for tables and search
        rows = np.sort(np.random.default_rng(seed).choice(n, max_points, replace=False))
    dims = coords.shape[1]
    hover = np.empty(n, dtype=object)
    hover[rows] = [html.escape(texts[i][:200]) for i in rows]  # only the points drawn
    color = np.asarray(color if color is not None else ["all"] * n, dtype=object)

    def trace(index: np.ndarray, name: str, **marker) -> go.BaseTraceType:
        common = dict(mode="markers", name=name, customdata=index, hovertext=hover[index], hoverinfo="text")
        marker = {"size": 4 if dims == 2 else 2.5, "opacity": 0.8, **marker}
        if dims == 3:
            return go.Scatter3d(x=coords[index, 0], y=coords[index, 1], z=coords[index, 2], marker=marker, **common)
        return go.Scattergl(x=coords[index, 0], y=coords[index, 1], marker=marker, **common)

    fig = go.Figure()
    if categorical:
        for value in sorted({str(v) for v in color[rows]}):
            fig.add_trace(trace(rows[color[rows].astype(str) == value], value))
    else:
        values = color[rows].astype(float)
        fig.add_trace(
            trace(
                rows,
                color_name,
                color=values,
                colorscale="Viridis",
                showscale=True,
                colorbar={"title": {"text": color_name}},
            )
        )
    if highlight:
        ring = {"size": 9 if dims == 2 else 5, "color": "rgba(0,0,0,0)", "line": {"color": "black", "width": 2}}
        fig.add_trace(trace(np.asarray(highlight, dtype=int), "selected", **ring))
    if path is not None:
        labels = [html.escape(t) for t in (path_labels or [""] * len(path))]
        line = dict(
            mode="lines+markers+text",
            name="path",
            text=[str(i) for i in range(len(path))],
            hovertext=labels,
            hoverinfo="text",
            marker={"size": 9, "color": "black"},
            line={"color": "black", "width": 3},
        )
        if dims == 3:
            fig.add_trace(go.Scatter3d(x=path[:, 0], y=path[:, 1], z=path[:, 2], **line))
        else:
            fig.add_trace(go.Scatter(x=path[:, 0], y=path[:, 1], **line))
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        legend_title_text=color_name,
        dragmode="lasso" if dims == 2 else "orbit",
    )
    return fig


def selected_rows(event) -> list[int]:
    """Row ids of the points a user selected on a map made by `map_figure`."""
    try:
        points = event.selection.points
    except AttributeError:
        return []
    return sorted({int(p["customdata"]) for p in points if "customdata" in p and not isinstance(p["customdata"], list)})


def bundle_zip(path: str) -> bytes:
    """The bundle at `path` as .zip bytes, cached while the folder is unchanged."""
    return _zip_cached(path, Path(path, "model.safetensors").stat().st_mtime)


@st.cache_data(max_entries=16, show_spinner=False)
def _zip_cached(path: str, mtime: float) -> bytes:
    return bundle_to_zip(path)


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def training_estimate(job: TrainingJob) -> float:
    """Seconds `job` would take on this server (timed on a sample; the same settings on the same data are timed once
    per session)."""
    key = ("estimate", id(job.corpus), repr(job.model_config), repr(job.train_config), repr(job.tokenizer_config))
    cache = session_cache()
    if key not in cache:
        cache[key] = estimate_fit_seconds(job.corpus, job.model_config, job.train_config, job.tokenizer_config)
    return cache[key]


# ---------------------------------------------------------------- the round trip, as a model card shows it
def round_trip_section(metrics: dict, examples_folded: bool = False) -> None:
    """What comes back when a sentence goes through z: the figures, five sentences beside their reconstructions
    (changed words in [brackets]; folded away on a model card), and a warning when the model keeps the pattern but
    not the meaning."""
    if "roundtrip_exact" not in metrics:
        st.caption("No round-trip figures: this model was measured before they existed.")
        return
    cols = st.columns(4)
    cols[0].metric("Came back exactly", f"{metrics['roundtrip_exact']:.0%}", help=roundtrip_help["exact"])
    cols[1].metric("chrF", f"{metrics['roundtrip_chrf']:.0f}", help=roundtrip_help["chrf"])
    if "roundtrip_similarity" in metrics:
        random_pairs = metrics.get("roundtrip_similarity_random")
        cols[2].metric(
            "Meaning kept",
            f"{metrics['roundtrip_similarity']:.2f}",
            help=roundtrip_help["similarity"] + (f" Random pairs score {random_pairs:.2f}." if random_pairs else ""),
        )
    if "roundtrip_label_agreement" in metrics:
        cols[3].metric("Same label", f"{metrics['roundtrip_label_agreement']:.0%}", help=roundtrip_help["label"])
    examples = metrics.get("roundtrip_examples") or []
    if examples:
        rows = [{"input": e["input"], "reconstruction": marked_changes(e["input"], e["output"])} for e in examples]
        with st.expander("Five held-out sentences and what came back", expanded=not examples_folded):
            st.caption("Changed words are in [brackets]; [–] marks words left out.")
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if meaning_kept(metrics) is False:
        st.warning(
            "This model keeps the sentence pattern but not its meaning: reconstructions change what a sentence says, "
            "so neighbours and interpolations will follow form rather than content. Try the hybrid encoder, a larger "
            "BN-VAE γ (2 or more) or more epochs."
        )


roundtrip_help = {
    "exact": "Share of held-out sentences that come back word for word (greedy decoding from the posterior mean).",
    "chrf": "Character n-gram overlap of reconstruction and input (sacrebleu's chrF, 0-100).",
    "similarity": "Cosine similarity of the pretrained sentence encoder's embeddings of input and reconstruction.",
    "label": "How often a TF-IDF classifier of the labels gives the reconstruction the same label as the input.",
}
