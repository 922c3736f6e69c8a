"""What a server loads in the background before a user asks for it: umap's compiled code, a pretrained sentence
encoder, what a first training step imports. Each starts once per server process (`st.cache_resource`)."""

from __future__ import annotations

import os
import threading

import streamlit as st

import vae_core


@st.cache_resource
def umap_warm_up() -> threading.Thread | None:
    """Compile umap in the background once per server process, so the first UMAP map of a user's own data does not
    wait on it. Started when a user opens data or a model other than the demo (whose maps ship precomputed): at
    server start it would take a core for ~13 s CPU while a newcomer's first map is drawn.
    LATENT_LAB_WARMUP=0 turns it off (tests that never draw a UMAP map)."""
    if os.environ.get("LATENT_LAB_WARMUP", "1") == "0":
        return None
    thread = threading.Thread(target=vae_core.explore.projection.warm_up, name="umap-warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_resource
def encoder_warm_up(name: str) -> threading.Thread:
    """Load the pretrained sentence encoder `name` in the background once per server process (~6 s, mostly
    imports), so the first sentence a user types or clicks into being is not kept waiting on it. Started by a page
    once its own content is on screen, for a model whose encoder uses it."""
    thread = threading.Thread(
        target=vae_core.model.pretrained.get_embedder, args=(name,), name="encoder-warm-up", daemon=True
    )
    thread.start()
    return thread


@st.cache_resource
def training_warm_up() -> threading.Thread:
    """Import what a first training step needs in the background once per server process
    (`vae_core.train.lesson.warm_up_training`): started by the Lesson page once its plane is on screen."""
    thread = threading.Thread(target=vae_core.train.lesson.warm_up_training, name="training-warm-up", daemon=True)
    thread.start()
    return thread
