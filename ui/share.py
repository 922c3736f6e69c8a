"""A page's scene in its URL (`st.query_params`), so a teacher can bookmark or send exactly what is on screen: a
widget takes its first value from the URL, and the page writes its current values back after each run."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Mapping

import streamlit as st

from . import state


def restore(key: str, param: str, parse: Callable[[str], object], default: object) -> None:
    """Before the widget `key` is drawn, the first time this session meets it: its value from the URL's `param`
    when that parses (a hand-edited URL may not), else `default`. The widget is then drawn with `key` and no
    default of its own."""
    if key in st.session_state:
        return
    value = default
    if param in st.query_params:
        try:
            value = parse(st.query_params[param])
        except (ValueError, KeyError):
            pass
    st.session_state[key] = value


def choice(options: list[str]) -> Callable[[str], str]:
    """A parser that accepts one of `options` only."""

    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(text)
        return text

    return parse


def on_off(text: str) -> bool:
    """A parser of a switch: "on" or "off"."""
    return {"on": True, "off": False}[text]


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A parser of a whole number from `low` to `high`."""

    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return parse


def spot(views: Collection[str]) -> Callable[[str], tuple[str, int, float, float]]:
    """A parser of a clicked map spot, "view,seed,x,y" (e.g. "umap-2d,0,1.25,6.5"), on one of `views`."""

    def parse(text: str) -> tuple[str, int, float, float]:
        view, seed, x, y = text.split(",")
        if view not in views or not (math.isfinite(float(x)) and math.isfinite(float(y))):
            raise ValueError(text)
        return view, int(seed), float(x), float(y)

    return parse


def spot_text(value: tuple[str, int, float, float] | None) -> str | None:
    """A spot as the URL writes it (see `spot`), to three decimals."""
    return None if value is None else f"{value[0]},{value[1]},{value[2]:.3f},{value[3]:.3f}"


MAX_URL_TEXT = 2000  # characters of typed text a link carries (new sentences, the axes' sentences)
MAX_ADDED = 10_000  # new sentences placed on a map at once (pasted; a link carries those that fit in MAX_URL_TEXT)


def axes(label_values: Mapping[str, Collection[str]]) -> Callable[[str], tuple[str, ...]]:
    """A parser of concept axes as the URL writes them: a JSON list, ["labels", column, x from, x to, y from, y to]
    with values of one of `label_values`'s columns, or ["sentences", x from, x to, y from, y to]."""

    def parse(text: str) -> tuple[str, ...]:
        ends = json.loads(text)
        if not isinstance(ends, list) or not all(isinstance(e, str) for e in ends) or len(text) > MAX_URL_TEXT:
            raise ValueError(text)
        if ends[:1] == ["labels"] and len(ends) == 6 and ends[1] in label_values:
            if all(value in label_values[ends[1]] for value in ends[2:]):
                return tuple(ends)
        if ends[:1] == ["sentences"] and len(ends) == 5:
            return tuple(ends)
        raise ValueError(text)

    return parse


def publish_text(param: str, text: str | None) -> None:
    """Write typed text into the URL's `param`, or take it out when there is none or it is longer than a link
    carries (MAX_URL_TEXT)."""
    publish(**{param: text if text is not None and len(text) <= MAX_URL_TEXT else None})


def publish(**values: object) -> None:
    """Write these values into the URL (empty ones removed), leaving other parameters as they are."""
    for param, value in values.items():
        if value is None or value == "":
            st.query_params.pop(param, None)
        elif st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)


def open_the_scenes_sources() -> dict[str, str]:
    """A link names the dataset and model its scene was made with (`data`, `model`). Where the current ones differ,
    the workspace's kept dataset and saved model of those names are opened; where there are none, the page says so
    and what it shows instead (the scene's other settings still apply). Returns the names the page's link carries:
    the current ones, except those it asked for and could not open, kept as asked (a reload, or the link passed
    on, still asks for them)."""
    wanted = {"data": st.query_params.get("data"), "model": st.query_params.get("model")}
    missing = {}
    corpus, model = state.current_corpus(), state.current_model()
    if wanted["data"] and corpus is not None and wanted["data"] != corpus.name:
        if not state.open_kept_dataset(wanted["data"]):
            missing["data"] = wanted["data"]
    if wanted["model"] and model is not None and wanted["model"] != model.name:
        if not state.open_saved_model(wanted["model"]):
            missing["model"] = wanted["model"]
    corpus, model = state.current_corpus(), state.current_model()
    if missing:
        asked = [f"the {'dataset' if k == 'data' else 'model'} {v}" for k, v in missing.items()]
        st.warning(
            f"This link's map was made with {' and '.join(asked)}, which this workspace does not have; it shows "
            f"{corpus.name} with {model.name} instead. Open the workspace the link came from (Models), or upload them."
        )
    return {"data": corpus.name, "model": model.name} | missing
