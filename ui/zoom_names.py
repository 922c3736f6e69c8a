"""Cluster names that refine as the user zooms: the names of every level are handed to the browser, which writes
them over the map after each zoom, pan or redraw, coarse names first, each where it covers no name already written
(greedily, in the pixels of the current view; a name may move up or down by its height, twice, to find room).
Zooming in spreads the names apart, so sub-cluster names fill in as room appears; zooming out leaves the coarse
ones. Streamlit's chart reports no zoom to Python, so this runs in the page: a component with no body of its own
that finds the keyed chart and lays a layer of names over it. Every text is written with `textContent`, never
parsed as HTML."""

from __future__ import annotations

import json

import streamlit as st

from vae_core.explore.labels import MapName

LAYER_CLASS = "latent-lab-names"  # the layer's class; each name is a child with class "level-<n>"

DRAW_JS = """
const STYLES = {
  0: 'font: bold 13px sans-serif; color: #000; padding: 1px 3px',
  1: 'font: 11px sans-serif; color: #444; padding: 0 2px',
  2: 'font: 10px sans-serif; color: #555; padding: 0 2px',
};
const SHIFTS = [0, -1, 1, -2, 2];  // a name's own heights up (-) or down (+) it may move to find room
const LAYER = '__LAYER__';

function overlap(a, b) {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

function draw(gd, names) {
  const full = gd._fullLayout;
  if (!full || !full.xaxis || !full.yaxis || !full._size) return;
  const host = gd.querySelector('.svg-container');
  if (!host) return;
  let layer = host.querySelector(':scope > .' + LAYER);
  if (!layer) {  // above the points, beneath plotly's top layer (its hover labels)
    layer = document.createElement('div');
    layer.className = LAYER;
    layer.style.cssText = 'position: absolute; inset: 0; pointer-events: none; overflow: hidden';
    const layers = host.querySelectorAll(':scope > svg.main-svg');
    host.insertBefore(layer, layers.length > 1 ? layers[layers.length - 1] : null);
  }
  layer.replaceChildren();
  const size = full._size, xr = full.xaxis.range, yr = full.yaxis.range;
  const boxes = [];
  for (const name of names) {
    const px = size.l + ((name.x - xr[0]) / (xr[1] - xr[0])) * size.w;
    const py = size.t + ((yr[1] - name.y) / (yr[1] - yr[0])) * size.h;
    if (px < size.l || px > size.l + size.w || py < size.t || py > size.t + size.h) continue;
    const label = document.createElement('div');
    label.className = 'level-' + name.level;
    label.style.cssText = (STYLES[name.level] || STYLES[1]) + '; position: absolute; white-space: nowrap;'
      + ' text-align: center; line-height: 1.25; background: rgba(255, 255, 255, 0.75); border-radius: 2px;'
      + ' pointer-events: auto; visibility: hidden';
    for (const line of name.lines) {
      const row = document.createElement('div');
      row.textContent = line;
      label.appendChild(row);
    }
    label.title = name.hover;
    layer.appendChild(label);
    const w = label.offsetWidth, h = label.offsetHeight;
    const spot = SHIFTS.map((s) => [px - w / 2, py - h / 2 + s * h])
      .map(([left, top]) => [left, top, left + w, top + h])
      .find((box) => box[1] >= size.t && box[3] <= size.t + size.h && !boxes.some((b) => overlap(b, box)));
    if (spot === undefined) {
      label.remove();
      continue;
    }
    boxes.push(spot);
    label.style.left = spot[0] + 'px';
    label.style.top = spot[1] + 'px';
    label.style.visibility = 'visible';
  }
  layer.dataset.range = [xr[0], xr[1], yr[0], yr[1]].map((v) => v.toFixed(3)).join(',');
}
""".replace("__LAYER__", LAYER_CLASS)

COMPONENT_JS = (
    DRAW_JS
    + """
export default function (component) {
  const { data } = component;
  const names = data.names;
  let gd = null;
  const redraw = () => gd && gd.isConnected && draw(gd, names);
  const detach = () => {
    if (gd && gd.removeListener) {
      gd.removeListener('plotly_afterplot', redraw);
      gd.removeListener('plotly_relayout', redraw);
    }
  };
  const attach = () => {
    const found = document.querySelector(data.chart);
    if (!found || !found.on) return;
    if (found !== gd) {
      detach();
      gd = found;
      gd.on('plotly_afterplot', redraw);
      gd.on('plotly_relayout', redraw);
      redraw();
    } else if (!gd.querySelector('.' + LAYER)) {
      redraw();
    }
  };
  attach();
  const timer = setInterval(attach, 300);  // the chart is drawn after this runs, and drawn anew on reruns
  window.addEventListener('resize', redraw);
  return () => {
    clearInterval(timer);
    window.removeEventListener('resize', redraw);
    detach();
    const layer = gd && gd.querySelector('.' + LAYER);
    if (layer) layer.remove();
  };
}
"""
)

STANDALONE_JS = (
    DRAW_JS
    + """
const redrawNames = () => draw(map, NAMES);
map.on('plotly_afterplot', redrawNames);
map.on('plotly_relayout', redrawNames);
window.addEventListener('resize', redrawNames);
redrawNames();
"""
)

_component = st.components.v2.component("latent_lab_zoom_names", js=COMPONENT_JS)


def rows(names: list[MapName]) -> list[dict]:
    """The names as the browser reads them."""
    return [{"x": n.x, "y": n.y, "lines": list(n.lines), "hover": n.hover, "level": n.level} for n in names]


def zoom_names(names: list[MapName], chart_key: str, key: str) -> None:
    """Write `names` (priority order: coarse first) over the chart drawn with `st.plotly_chart(..., key=chart_key)`,
    placed anew at every zoom."""
    _component(data={"names": rows(names), "chart": f".st-key-{chart_key} .js-plotly-plot"}, key=key)


def standalone_script(names: list[MapName]) -> str:
    """The same names, written and placed the same way, in a standalone HTML page whose map div is `map` (plotly's
    post-script)."""
    data = json.dumps(rows(names)).replace("<", "\\u003c")  # a JavaScript value: no "</script>" can close it
    return f"const NAMES = {data};\n" + STANDALONE_JS
