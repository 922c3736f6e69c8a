"""The current map as one standalone HTML file: plotly.js inline (it opens offline, with no server), the points,
colours, hover text and decoded sentences already drawn, the clusters' names written as the app writes them
(refining as one zooms), and a search box that fades what does not match, as Embedding Atlas, DataMapPlot and
TensorFlow Projector export theirs. Every text in the figure was HTML-escaped when it was built; the title and the
names are written by the browser as text, never parsed as HTML."""

from __future__ import annotations

import json
from collections.abc import Sequence

import plotly.graph_objects as go

from ui import figures, zoom_names
from vae_core.explore.labels import MapName

SEARCH_SCRIPT = """
const map = document.getElementById('{plot_id}');
const title = document.createElement('h2');
title.textContent = TITLE;
const box = document.createElement('input');
box.type = 'search';
box.placeholder = 'Search sentences';
box.style = 'width: 24em; font-size: 1em; margin: 0 0 0.5em 0.5em';
const count = document.createElement('span');
count.style = 'margin-left: 1em; font-family: sans-serif';
title.style = 'font-family: sans-serif; margin: 0.3em 0.5em';
map.before(title, box, count);
const reader = document.createElement('textarea');
const plain = (escaped) => { reader.innerHTML = escaped; return reader.value.toLowerCase(); };
const sentences = map.data.map((t) => t.meta === 'sentences' ? Array.from(t.hovertext, plain) : null);
const opacity = map.data.map((t) => (t.marker && t.marker.opacity) || 0.8);
box.addEventListener('input', () => {
  const query = box.value.trim().toLowerCase();
  let found = 0;
  sentences.forEach((texts, i) => {
    if (texts === null) return;
    const hits = texts.map((s) => !query || s.includes(query));
    found += hits.filter(Boolean).length;
    Plotly.restyle(map, {'marker.opacity': [hits.map((h) => h ? opacity[i] : 0.06)]}, [i]);
  });
  count.textContent = query ? found.toLocaleString() + ' sentences match' : '';
});
"""


def standalone_html(fig: go.Figure, title: str, names: Sequence[MapName] = ()) -> str:
    """`fig` (a map from `figures.map_figure` and its layers) as a self-contained HTML page titled `title`, with
    `names` written over it as the app writes them (placed anew at every zoom)."""
    page = go.Figure(fig)
    page.update_layout(height=max(page.layout.height or 620, 700), title=None)
    page.update_traces(hoverinfo="text", selector={"meta": "sentences"})  # hover again, had decode mode muted it
    safe_title = json.dumps(title).replace("<", "\\u003c")  # a JavaScript string: no "</script>" can close it
    return page.to_html(
        full_html=True,
        include_plotlyjs=True,
        config={"responsive": True, "displaylogo": False, **figures.chart_config(fig)},
        post_script="const TITLE = " + safe_title + ";\n" + SEARCH_SCRIPT + zoom_names.standalone_script(list(names)),
    )
