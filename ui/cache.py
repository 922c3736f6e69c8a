"""One per-session cache for what the pages compute: a result is kept in `st.session_state` under the function's
name, its arguments and the keys of the current dataset and model, so coming back to a page is instant and a new
dataset or model never sees an old result."""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from .state import current_corpus, current_model


def session_store() -> dict:
    """This session's computed results."""
    return st.session_state.setdefault("computed", {})


def per_session(model: bool = True) -> Callable:
    """Decorator: keep the function's result for this session, keyed by its arguments and the current dataset and
    (unless `model` is False: results that do not depend on it) the current model. The wrapped function gains
    `.has(*args)` (is it at hand?) and `.put(value, *args)` (store a result computed elsewhere)."""

    def wrap(fn: Callable) -> Callable:
        def key(*args) -> tuple:
            corpus, current = current_corpus(), current_model()
            model_key = current.key if model and current else None
            return (fn.__qualname__, corpus.key if corpus else None, model_key, *args)

        @functools.wraps(fn)
        def cached(*args):
            store, k = session_store(), key(*args)
            if k not in store:
                store[k] = fn(*args)
            return store[k]

        cached.has = lambda *args: key(*args) in session_store()
        cached.put = lambda value, *args: session_store().__setitem__(key(*args), value)
        return cached

    return wrap
