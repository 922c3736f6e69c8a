"""One per-session cache for what the pages compute: a result is kept in `st.session_state` under the function's
name, its arguments and the keys of the current dataset and model, so coming back to a page is instant and a new
dataset or model never sees an old result.

Results computed elsewhere go into the same cache, so no page or function treats them as a special case: a map
opened with its data `put`s them directly, and a `precomputed` filler (the demo's shipped arrays) puts its results
the first time the cache is asked anything about a dataset and model."""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from .state import current_corpus, current_model

_FILLERS: list[Callable[[], None]] = []


def session_store() -> dict:
    """This session's computed results."""
    return st.session_state.setdefault("computed", {})


def precomputed(filler: Callable[[], None]) -> Callable[[], None]:
    """Decorator: register a function that `put`s results computed elsewhere for the current dataset and model
    (or does nothing when it has none for them). It runs once per dataset and model, before the cache first looks
    anything up for them."""
    _FILLERS.append(filler)
    return filler


def _fill_once() -> None:
    corpus, model = current_corpus(), current_model()
    marker = ("precomputed", corpus.key if corpus else None, model.key if model else None)
    store = session_store()
    if marker not in store:
        store[marker] = True  # first: a filler's own `put`s come back here
        for filler in _FILLERS:
            filler()


def per_session(model: bool = True) -> Callable:
    """Decorator: keep the function's result for this session, keyed by its arguments and the current dataset and
    (unless `model` is False: results that do not depend on it) the current model. The wrapped function gains
    `.has(*args)` (is it at hand?) and `.put(value, *args)` (store a result computed elsewhere)."""

    def wrap(fn: Callable) -> Callable:
        def key(*args) -> tuple:
            _fill_once()
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
