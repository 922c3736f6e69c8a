"""Start the app as a user would (`streamlit run app.py`) on a free loopback port and drive it in Debian's Chromium;
shared by the browser tests (tests/browser/), the app benchmarks (bench/app_timing.py, bench/big_map.py) and the
README's screenshots."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(models_dir: Path, log_path: Path, timeout_s: float = 90) -> Iterator[str]:
    """The app, headless on 127.0.0.1, until the block ends; yields its URL once /_stcore/health says ok."""
    port = free_port()
    env = {**os.environ, "LATENT_LAB_MODELS": str(models_dir), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + timeout_s
            while True:
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"streamlit did not start: {Path(log_path).read_text()[-2000:]}")
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_idle(page) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


HEADINGS = {
    "Learn": "Latent Lab",
    "Explore": "Explore the latent space",
    "Compare": "Compare with a pretrained",
}  # where a page's h1 is not its name


def go(page, title: str) -> None:
    """Open a page from the sidebar navigation and wait for its heading."""
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).click()
    page.wait_for_selector(f"h1:has-text('{HEADINGS.get(title, title)}')")
    wait_idle(page)


SENTENCES_DRAWN = """p => p && p._fullData ?
    p._fullData.filter(t => t.meta === 'sentences').reduce((n, t) => n + t.x.length, 0) : 0"""
MAP_DRAWN = f"n => ({SENTENCES_DRAWN})(document.querySelector('.js-plotly-plot')) === n"  # the first map, n points


def map_point_count(page) -> int:
    """Sentences drawn in the first plotly chart (not the rings, paths or layers drawn over them)."""
    return page.evaluate(f"() => ({SENTENCES_DRAWN})(document.querySelector('.js-plotly-plot'))")


EMPTIEST_SPOT = """() => { const p = document.querySelector('.js-plotly-plot');
  const points = p._fullData.filter(t => t.meta === 'sentences').flatMap(t => Array.from(t.x, (x, i) => [x, t.y[i]]));
  const xs = points.map(q => q[0]), ys = points.map(q => q[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best = null, far = -1;
  for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
    const x = x0 + (x1 - x0) * i / 20, y = y0 + (y1 - y0) * j / 20;
    const d = Math.min(...points.map(q => (q[0] - x) ** 2 + (q[1] - y) ** 2));
    if (d > far) { far = d; best = [x, y]; } }
  return best; }"""
DENSEST_SPOT = """() => { const p = document.querySelector('.js-plotly-plot');
  const points = p._fullData.filter(t => t.meta === 'sentences').flatMap(t => Array.from(t.x, (x, i) => [x, t.y[i]]));
  let best = points[0], most = -1;
  for (const [x, y] of points.slice(0, 400)) {
    const near = points.filter(q => (q[0] - x) ** 2 + (q[1] - y) ** 2 < 0.04).length;
    if (near > most) { most = near; best = [x, y]; } }
  return best; }"""
TO_PIXELS = """([x, y]) => { const p = document.querySelector('.js-plotly-plot');
  const l = p._fullLayout, r = p.getBoundingClientRect();
  return [r.left + l._size.l + l.xaxis.d2p(x), r.top + l._size.t + l.yaxis.d2p(y)]; }"""
STAR_X = """() => { const p = document.querySelector('.js-plotly-plot');
  const t = p && p._fullData && p._fullData.find(t => t.name === 'decoded spot'); return t ? t.x[0] : null; }"""


def click_empty_spot(page, nudge: int = 0, where: str = EMPTIEST_SPOT) -> float:
    """Click the first map's emptiest spot within its sentences' extent (or the spot the script `where` finds;
    `nudge` pixels to the right), after a short hover (plotly picks the point it clicks on hover), and wait until
    the decoded spot's star moves there. Returns the seconds from the click to the star drawn."""
    before = page.evaluate(STAR_X)
    # in the page's own script: a rerun may swap the chart's element between a handle's lookup and its use
    page.evaluate("() => document.querySelector('.js-plotly-plot').scrollIntoViewIfNeeded()")
    px, py = page.evaluate(TO_PIXELS, page.evaluate(where))
    page.mouse.move(px + nudge - 6, py)
    page.mouse.move(px + nudge, py, steps=3)
    page.wait_for_timeout(200)
    start = time.perf_counter()
    page.mouse.click(px + nudge, py)
    page.wait_for_function(f"() => {{ const x = ({STAR_X})(); return x !== null && x !== {json.dumps(before)}; }}")
    return time.perf_counter() - start


def box_select(page, plot, start: float, end: float) -> None:
    """Drag a box on a plotly chart from `start` to `end`, as fractions of its plotting area."""
    plot.locator(".modebar-btn[data-title='Box Select']").click()
    box = plot.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * start, box["y"] + box["height"] * start)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end, box["y"] + box["height"] * end, steps=8)
    page.mouse.up()


FACET_BAR = """([title, label]) => { const p = [...document.querySelectorAll('.js-plotly-plot')].find(
    p => p._fullLayout && p._fullLayout.title && p._fullLayout.title.text.includes('>' + title + '<'));
  if (!p || !p._fullData[1]) return null;
  p.scrollIntoViewIfNeeded();
  const l = p._fullLayout, r = p.getBoundingClientRect(), t = p._fullData[1], i = t.x.indexOf(label);
  return [r.left + l._size.l + l.xaxis.d2p(i), r.top + l._size.t + l.yaxis.d2p(t.y[i] / 2)]; }"""


def click_facet_bar(page, title: str, label: str) -> None:
    """Click the bar `label` on the facet chart titled `title` (Streamlit's theme wraps titles in <b>)."""
    # found, scrolled to and measured in one script: a rerun may swap the chart's element between two calls
    x, y = page.wait_for_function(FACET_BAR, arg=[title, label]).json_value()
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)


NAMES_WRITTEN = """() => [...document.querySelectorAll('.latent-lab-names > div')].map(n => {
  const r = n.getBoundingClientRect(); return [n.className, n.textContent, r.left, r.top, r.right, r.bottom]; })"""
NAMES_RANGE = "() => document.querySelector('.latent-lab-names').dataset.range"  # the view the names were placed in


def zoom_on_first_name(page, share: float = 0.28) -> tuple[float, float, float, float]:
    """Drag a zoom box (a 2-D map's default drag) `share` of the first map's width and height round its first
    cluster name, wait until the names are placed anew, and return the box's page pixels (left, top, right,
    bottom)."""
    area = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first.bounding_box()
    first = next(n for n in page.evaluate(NAMES_WRITTEN) if n[0] == "level-0")
    cx, cy = (first[2] + first[4]) / 2, (first[3] + first[5]) / 2
    w, h = area["width"] * share, area["height"] * share
    left = min(max(cx - w / 2, area["x"] + 2), area["x"] + area["width"] - w - 2)
    top = min(max(cy - h / 2, area["y"] + 2), area["y"] + area["height"] - h - 2)
    before = page.evaluate(NAMES_RANGE)
    page.mouse.move(left, top)
    page.mouse.down()
    page.mouse.move(left + w, top + h, steps=8)
    page.mouse.up()
    page.wait_for_function(f"() => ({NAMES_RANGE})() !== {json.dumps(before)}")
    page.wait_for_timeout(500)
    return left, top, left + w, top + h
