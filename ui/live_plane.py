"""A chart that moves without being drawn anew: Streamlit gives `st.plotly_chart` a new identity whenever its figure
changes, so a chart updated five times a second would be torn down and rebuilt each time (a blank flash, and the
browser's time). Here the chart is drawn once with a figure that does not change (its frame: axes, fixed layers),
and a component with no body of its own hands each update's traces to plotly in the page (`Plotly.react` on the
same chart), which moves what moved. Clicks and selections still reach Python through the chart itself."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import streamlit as st

COMPONENT_JS = """
export default function (component) {
  const { data } = component;
  const apply = () => {
    const gd = document.querySelector(data.chart);
    if (!gd || !gd._fullLayout || !window.Plotly) return false;
    window.Plotly.react(gd, data.traces, gd.layout);
    return true;
  };
  if (apply()) return;
  const timer = setInterval(() => { if (apply()) clearInterval(timer); }, 50);  // the chart is drawn after this runs
  return () => clearInterval(timer);
}
"""

_component = st.components.v2.component("latent_lab_live_plane", js=COMPONENT_JS)


def live_chart(frame: go.Figure, live: go.Figure, key: str, **chart_options) -> object:
    """Draw `frame` as the chart `key` (kept while `frame` is unchanged) and put `live`'s traces on it. Returns the
    chart's selection state, as `st.plotly_chart` does."""
    event = st.plotly_chart(frame, key=key, **chart_options)
    traces = json.loads(live.to_json())["data"]
    _component(data={"traces": traces, "chart": f".st-key-{key} .js-plotly-plot"}, key=f"{key}-live")
    return event
