"""A real browser against a real server: `streamlit run app.py` on a free loopback port, driven by
Playwright through Debian's Chromium. Skipped where Chromium or Playwright is missing (CI installs both)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if os.environ.get("LATENT_LAB_REQUIRE_BROWSER") == "1":  # CI: a missing browser is a failure, not a skip
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is not installed (apt-get install chromium)"
else:
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

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


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app, served headless on 127.0.0.1, until the session ends."""
    port = free_port()
    env = {**os.environ, "LATENT_LAB_MODELS": str(tmp_path_factory.mktemp("models")), "PYTHONUNBUFFERED": "1"}
    log = open(tmp_path_factory.mktemp("logs") / "streamlit.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
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
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"streamlit did not start: {Path(log.name).read_text()[-2000:]}")
        time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, server, request):
    """Open the app in a fresh browser context (a separate user) and wait until its first run is done.
    Each page's last state is saved as a screenshot, which is what to look at when a test fails."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(server)
        wait_idle(page)
        return page

    yield make
    for i, context in enumerate(contexts):
        for page in context.pages:
            screenshot(page, f"last-{request.node.name}-{i}")
        context.close()


def wait_idle(page) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def go(page, title: str) -> None:
    """Open a page from the sidebar navigation and wait for its title."""
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).click()
    page.wait_for_selector(f"h1:has-text('{title if title != 'Explore' else 'Explore the latent space'}')")
    wait_idle(page)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def map_point_count(page) -> int:
    """Points drawn in the first plotly chart (its data traces, not the path)."""
    return page.evaluate(
        """() => { const p = document.querySelector('.js-plotly-plot');
                   if (!p || !p._fullData) return 0;
                   const traces = p._fullData.filter(t => t.name !== 'path');
                   return traces.reduce((n, t) => n + (t.x ? t.x.length : 0), 0); }"""
    )
