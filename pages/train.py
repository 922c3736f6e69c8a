"""Train: choose settings, train in the background with live charts, stop, save the result."""

from dataclasses import asdict
from pathlib import Path

import streamlit as st

from ui import cards, replay_view, state, train_form, training
from vae_core import LatentLabError, ModelConfig, TokenizerConfig, TrainConfig
from vae_core.model.vae import suggested_config
from vae_core.store.bundle import safe_name
from vae_core.train import settings
from vae_core.train.fit import ADAPT_WORDS, adapt_config, undefended_configs
from vae_core.train.jobs import TrainingJob
from vae_core.train.loop import format_duration

st.title("Train")
if not state.require(corpus=True):
    st.stop()
registry, owner = state.job_registry(), state.session_id()
job = registry.get(owner)
running = job is not None and not job.finished
named = state.current_corpus()
t, k = TrainConfig(), TokenizerConfig()

ADAPT, SCRATCH = "Adapt the base model (minutes)", "Learn from scratch (this dataset alone)"
starts = ([ADAPT] if state.base_model_available() else []) + [SCRATCH]
start_choice = st.radio(
    "Start from",
    starts,
    horizontal=True,
    help="The base model has read 1.16M sentences of general English: adapting it to this dataset takes a few "
    "epochs and keeps its tokenizer, so any word can be written back. From scratch, a model learns English from "
    "this dataset alone (tens of epochs; words it saw too rarely come back as ▢).",
)


def adapt_form() -> tuple[bool, bool, TrainingJob]:
    """The few settings adapting the base model takes; its sizes and tokenizer are the base model's."""
    a = adapt_config()
    with st.form("adapt"):
        st.text(f"Dataset: {named.name} ({len(named.value.train_idx):,} training sentences)")
        c1, c2, c3, c4 = st.columns(4)
        epochs = c1.number_input("Epochs", 1, 50, training.adapt_passes(), help="Passes over the training "
                                 f"sentences; the default reads about {ADAPT_WORDS:,} words (fewer passes over long "
                                 "sentences, so adapting takes minutes at any length).")  # fmt: skip
        lr = c2.number_input("Learning rate", 1e-5, 0.01, a.lr, format="%.5f", help="Adam's step size (small: "
                             "the base model's English is moved, not overwritten).")  # fmt: skip
        word_dropout = c3.slider("Word dropout", 0.0, 0.9, a.word_dropout, 0.05, help="Share of decoder input "
                                 "words hidden, so it must rely on z.")  # fmt: skip
        seed = c4.number_input("Seed", 0, 10**6, a.seed, help="The same seed gives the same run.")
        c1, c2 = st.columns([1, 4])
        start = c1.form_submit_button("Start training", type="primary", disabled=running)
        estimate = c2.form_submit_button("Estimate the time", disabled=running)
    base = state.base_model()
    chosen = {"epochs": int(epochs), "lr": float(lr), "word_dropout": float(word_dropout), "seed": int(seed)}
    _, config, _ = settings.configs(chosen, from_base=True)
    job = TrainingJob(corpus=named.value, model_config=base.model.config, train_config=config, start_from=base)
    return start, estimate, job


def scratch_form() -> tuple[bool, bool, TrainingJob | None]:
    """Every setting of a new model; the job is built only when a button was pressed (a setting may be refused)."""
    name = ModelConfig.pretrained_name
    encoders = {
        f"Hybrid: RNN + pretrained {name}": ("hybrid", False),
        "RNN, learned from this dataset": ("rnn", False),
        f"Pretrained {name}, frozen": ("pretrained", False),
        f"Pretrained {name}, fine-tuned (slow on a CPU)": ("pretrained", True),
    }
    encoder_choice = st.radio(
        "Encoder",
        list(encoders),
        index=[e for e, _ in encoders.values()].index(ModelConfig.encoder),
        horizontal=True,
        help="A pretrained sentence encoder gives the latent space what it knows of meaning; the RNN learns the "
        "wording; the hybrid reads both. The decoder is always trained here to write the sentence back. A pretrained "
        "encoder first embeds every sentence (about 500 a second on a laptop CPU, once per dataset).",
    )
    encoder, finetune = encoders[encoder_choice]
    m = suggested_config(encoder)  # a pretrained encoder suggests a wider latent space

    defaults = settings.flat(m, t, k)
    with st.form("settings"):
        st.text(f"Dataset: {named.name} ({len(named.value.train_idx):,} training sentences)")
        chosen = {"encoder": encoder, "finetune_encoder": finetune}
        for row in range(0, len(train_form.SCRATCH_FIELDS), 4):
            for field, column in zip(train_form.SCRATCH_FIELDS[row : row + 4], st.columns(4)):
                chosen[field.name] = field.ask(column, defaults[field.name])
        c1, c2 = st.columns([1, 4])
        start = c1.form_submit_button("Start training", type="primary", disabled=running)
        estimate = c2.form_submit_button("Estimate the time", disabled=running)
    if not (start or estimate):
        return start, estimate, None
    model_config, train_config, tokenizer_config = settings.configs(chosen, from_base=False)
    job = TrainingJob(
        corpus=named.value,
        model_config=model_config,
        train_config=train_config,
        tokenizer_config=tokenizer_config,
    )
    return start, estimate, job


try:
    start, estimate, new_job = adapt_form() if start_choice == ADAPT else scratch_form()
except LatentLabError as e:
    st.error(str(e))
    start = estimate = False

collapse = st.button(
    "Show a collapse: train with no defence",
    disabled=running,
    help="10 epochs with β = 1 from the first step, no annealing, no word dropout, no BN-VAE and no pre-training: "
    "watch the KL fall and the points gather at the centre. The Learn page plays one beside the demo model.",
)
if collapse:
    model_config, train_config = undefended_configs()
    try:
        registry.start(owner, TrainingJob(corpus=named.value, model_config=model_config, train_config=train_config))
        st.session_state.trained_from = f"{named.name} (no defence)"
        st.rerun()
    except LatentLabError as e:
        st.error(str(e))

if start or estimate:
    try:
        new_job.validate()
        if estimate:
            with st.spinner("Timing a few training steps on this machine…"):
                seconds = training.training_estimate(new_job)
            st.info(
                f"About {format_duration(seconds)} on this machine, at most (early stopping may end it sooner): "
                "a few real training steps on a sample of the sentences, timed and scaled to the whole dataset."
            )
        else:
            registry.start(owner, new_job)
            st.session_state.trained_from = named.name
            st.rerun()
    except LatentLabError as e:
        st.error(str(e))


if job is not None:
    st.fragment(run_every=1.0 if running else None)(training.live_progress)(job, running)
    snap = job.snapshot()
    if snap.status == "failed":
        st.error(snap.error)
    elif snap.status == "done":
        tm = snap.result
        metrics = tm.metrics
        st.success(f"Training finished ({metrics['stop_reason']}) in {metrics['train_seconds']:.0f} s.")
        cards.model_card(metrics, asdict(tm.model.config), tm.info)
        if tm.replay is not None:
            st.subheader("Watch it learn", anchor=False)
            replay_view.replay_section(tm.replay, key="trained")
        with st.form("save"):
            source = Path(st.session_state.get("trained_from", "model")).stem
            name = st.text_input("Model name", value=safe_name(f"model-{source}"))
            if st.form_submit_button("Save and use this model", type="primary"):
                try:
                    training.save_to_workspace(tm, safe_name(name))
                except (LatentLabError, OSError) as e:
                    st.error(f"Could not save: {e}")
        training.confirm_replace(tm)
        in_use = state.current_model()
        if in_use is None or in_use.value is not tm:
            st.caption(
                f"This model is not in use yet: the other pages show {in_use.name if in_use else 'no model'} "
                "until you save it here."
            )
