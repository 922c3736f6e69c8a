"""A training run as the Train page shows it: the time it will take, and the live view (progress bar, Stop,
curves, a collapse warning) redrawn every second while it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

import vae_core  # its torch-backed modules load on first use (see vae_core/__init__.py)

from . import state, workspace
from .cache import per_session, session_store
from .figures import tradeoff_figure
from .replay_view import extent, replay_figure

if TYPE_CHECKING:
    from vae_core.train.jobs import TradeoffJob, TrainingJob
    from vae_core.train.loop import Progress


@per_session(model=False)
def adapt_passes() -> int:
    """The passes adapting gives the current dataset by default (`adapt_epochs` counts its words: once a session)."""
    return vae_core.train.fit.adapt_epochs(state.current_corpus().value)


def training_estimate(job: TrainingJob) -> float:
    """Seconds `job` would take on this server (timed on a sample; the same settings on the same data are timed once
    per session)."""
    key = (
        "estimate",
        id(job.corpus),
        id(job.start_from),
        repr(job.model_config),
        repr(job.train_config),
        repr(job.tokenizer_config),
    )
    store = session_store()
    if key not in store:
        store[key] = vae_core.train.fit.estimate_fit_seconds(
            job.corpus,
            job.model_config,
            job.train_config,
            job.tokenizer_config,
            start_from=job.start_from,
            iw_samples=job.iw_samples,
        )
    return store[key]


def live_progress(job: TrainingJob, was_running: bool) -> None:
    """The run's progress, Stop button and curves; meant to be an `st.fragment` redrawn every second while the run
    goes, so the rest of the page (and app) stays usable. When a run that was going ends, the whole page is
    redrawn once to show its result."""
    snap = job.snapshot()
    if snap.status in ("running", "stopping"):
        if snap.progress is None:
            st.progress(0.0, text="Preparing (building the vocabulary)…")
        else:
            st.progress(snap.progress.step / max(snap.progress.total_steps, 1), text=_progress_text(snap.progress))
        if st.button("Stop training", disabled=snap.status == "stopping"):  # Streamlit's own header has "Stop"
            job.stop()
        if snap.status == "stopping":
            st.text("Stopping after the current step, then measuring the model…")
    if snap.steps:
        frame = pd.DataFrame(snap.steps).set_index("step")
        c1, c2 = st.columns(2)
        c1.caption("Reconstruction (nats / sentence)")
        c1.line_chart(frame["rec"], height=200)
        c2.caption("KL (nats / sentence)")
        c2.line_chart(frame["kl"], height=200)
        c1.caption("β (KL weight)")
        c1.line_chart(frame["beta"], height=200)
        c2.caption("Active units (recent batches)")
        c2.line_chart(frame["active_units"], height=200)
        if snap.replay is not None and len(snap.replay) and snap.status in ("running", "stopping"):
            c2.caption(
                f"The map so far ({snap.replay.frame_name(len(snap.replay) - 1)}; the full replay at the end), on the "
                "scale of every frame recorded: a collapse draws the points gathering at the centre"
            )
            latest = snap.replay.pick([len(snap.replay) - 1])
            c2.plotly_chart(replay_figure(latest, height=260, box=extent([snap.replay])), key="replay-live")
        if vae_core.measure.metrics.collapsing(snap.steps):
            st.warning(
                "Posterior collapse: the KL is near 0 or no latent unit is active, so the decoder ignores z. "
                "Try more free bits (e.g. 0.2), more word dropout (0.4), a cyclical β schedule, or a lower β max."
            )
    if was_running and snap.status in ("done", "failed"):
        st.rerun()  # the run ended: redraw the whole page once, to show the result section


def _progress_text(p: Progress) -> str:
    eta = f"ETA {vae_core.train.loop.format_duration(p.eta_s)}"
    if p.phase == "embed":
        return f"Embedding the sentences · {p.step:,}/{p.total_steps:,} sentences · {eta}"
    if p.phase == "measure":
        return f"Training done · measuring it on held-out sentences · {p.step:,}/{p.total_steps:,} · {eta}"
    stage = "Autoencoder pre-training" if p.phase == "pretrain" else f"Epoch {p.epoch}/{p.epochs}"
    line = f"{stage} · step {p.step}/{p.total_steps} · {p.tokens_per_s:,.0f} tokens/s · {eta}"
    if p.slowed:
        line += f" · slower now ({p.pace:.0%} of the pace so far; another program may be using the processor)"
    return line


def tradeoff_progress(job: TradeoffJob) -> None:
    """The rate–distortion trainings of the user's dataset: the points so far, then the curve; meant to be an
    `st.fragment` redrawn every few seconds while they run."""
    status, points, error = job.snapshot()
    if status == "failed":
        st.error(error)
        return
    if status == "running":
        st.progress(len(points) / len(job.gammas), text=f"Training {len(points) + 1} of {len(job.gammas)}…")
    if points:
        st.plotly_chart(tradeoff_figure(points), key="tradeoff-yours")


def save_to_workspace(tm: vae_core.TrainedModel, name: str, overwrite: bool = False) -> None:
    """Save a trained model in the user's workspace under `name` and make it the current model. A name already
    taken by a saved model asks first (`confirm_replace`); anything else there is never replaced."""
    path = workspace.writable_folder() / name
    try:
        vae_core.save_bundle(tm, path, overwrite=overwrite)
    except vae_core.errors.OutputExistsError:
        if not vae_core.store.names.is_bundle(path):
            raise
        st.session_state.confirm_replace = name
        return
    st.session_state.confirm_replace = None
    state.set_model(tm, name, saved=True)
    st.success(f"Saved as {name}; it is now the current model.")


def confirm_replace(tm: vae_core.TrainedModel) -> None:
    """The question `save_to_workspace` asks when the name is taken: replace that model, or keep it."""
    name = st.session_state.get("confirm_replace")
    if not name:
        return
    st.warning(f"A model named {name} is already saved in your workspace. Replace it with this one?")
    c1, c2 = st.columns(2)
    if c1.button(f"Replace {name}", type="primary"):
        try:
            save_to_workspace(tm, name, overwrite=True)
        except (vae_core.LatentLabError, OSError) as e:
            st.error(f"Could not save: {e}")
    if c2.button("Keep it; I will choose another name"):
        st.session_state.confirm_replace = None
        st.rerun()
