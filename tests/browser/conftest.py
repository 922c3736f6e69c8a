"""A real browser against a real server: `streamlit run app.py` on a free loopback port, driven by
Playwright through Debian's Chromium. Skipped where Chromium or Playwright is missing (CI installs both)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, serve_app, wait_idle

ARTIFACTS = ROOT / "test-artifacts"
if os.environ.get("LATENT_LAB_REQUIRE_BROWSER") == "1":  # CI: a missing browser is a failure, not a skip
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is not installed (apt-get install chromium)"
else:
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app, served headless on 127.0.0.1, until the session ends."""
    with serve_app(tmp_path_factory.mktemp("models"), tmp_path_factory.mktemp("logs") / "streamlit.log") as url:
        yield url


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


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
