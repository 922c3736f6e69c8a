"""Start the app as a user would (`streamlit run app.py`) on a free loopback port; shared by the browser tests
and bench/app_timing.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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


def map_point_count(page) -> int:
    """Points drawn in the first plotly chart (its data traces, not the path)."""
    return page.evaluate(
        """() => { const p = document.querySelector('.js-plotly-plot');
                   if (!p || !p._fullData) return 0;
                   const traces = p._fullData.filter(t => t.name !== 'path');
                   return traces.reduce((n, t) => n + (t.x ? t.x.length : 0), 0); }"""
    )


def box_select(page, plot, start: float, end: float) -> None:
    """Drag a box on a plotly chart from `start` to `end`, as fractions of its plotting area."""
    plot.locator(".modebar-btn[data-title='Box Select']").click()
    box = plot.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * start, box["y"] + box["height"] * start)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end, box["y"] + box["height"] * end, steps=8)
    page.mouse.up()
