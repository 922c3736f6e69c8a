"""App timings in a real browser (Playwright + Debian's Chromium) on the bundled demo: how long a person waits.
Each run starts a new server, as a teacher does before class, and opens it in a browser already running: from
`streamlit run` to the demo's map drawn (Explore clicked as soon as the navigation shows) and to the page finished
below it, then the other pages' first opens; then another new server, left on the page it opens with (Learn).
Prints one JSON line a measurement and writes bench/results/app-timing.json with every run.

    python bench/app_timing.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_DRAWN,
    SENTENCES_DRAWN,
    click_empty_spot,
    go,
    serve_app,
    wait_idle,
)
from bench.common import RESULTS

BOTH_MAPS_DRAWN = f"""n => {{ const ps = document.querySelectorAll('.js-plotly-plot');
  return ps.length === 2 && [...ps].every(p => ({SENTENCES_DRAWN})(p) === n) }}"""


def timed(rows: list[dict], what: str, action) -> None:
    start = time.perf_counter()
    action()
    rows.append({"what": what, "seconds": round(time.perf_counter() - start, 2)})
    print(json.dumps(rows[-1]), flush=True)


def since(rows: list[dict], what: str, start: float) -> None:
    rows.append({"what": what, "seconds": round(time.perf_counter() - start, 2)})
    print(json.dumps(rows[-1]), flush=True)


@contextmanager
def new_server(p) -> Iterator[tuple[object, str, float]]:
    """A new server, and a page of a browser started before it (as a teacher's is already running): yields the page,
    the server's URL and the moment the server was started."""
    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            with serve_app(Path(tmp) / "models", Path(tmp) / "streamlit.log") as url:
                yield page, url, start
    finally:
        browser.close()


def one_run(p, run: int) -> list[dict]:
    """A new server, opened in a browser that was already running; the timings a person meets, in the order a
    newcomer meets them."""
    rows: list[dict] = []
    with new_server(p) as (page, url, start):
        since(rows, "server start to healthy", start)

        def first_page():
            page.goto(url)
            page.wait_for_selector("[data-testid='stSidebarNav'] a")

        def open_explore():
            go(page, "Explore")
            page.wait_for_function(MAP_DRAWN, arg=3600)

        def first_map():  # the map drawn; the page may still be running below it
            page.locator("[data-testid='stSidebarNav'] a", has_text="Explore").click()
            page.wait_for_function(MAP_DRAWN, arg=3600, polling=50)

        def neighbours():
            field = page.get_by_label("Type a sentence, or leave empty to use the clicked / first selected point")
            field.fill("the chef loved the soup at the restaurant yesterday .")
            field.press("Enter")
            page.wait_for_selector("text=Neighbours of: the chef loved the soup")

        def pca_view():
            page.get_by_text("PCA (instant)").click()
            page.wait_for_function(MAP_DRAWN, arg=3600)
            wait_idle(page)

        def open_compare():
            go(page, "Compare")
            page.wait_for_function(BOTH_MAPS_DRAWN, arg=3600)

        timed(rows, "open the app until the navigation shows", first_page)
        timed(rows, "click Explore until the 3,600-point map is drawn", first_map)
        since(rows, "new server to the demo's map drawn", start)
        timed(rows, "then until Explore has finished running", lambda: wait_idle(page))
        since(rows, "new server to Explore finished", start)
        for nudge, what in [(0, "first"), (-20, "warm"), (20, "warm"), (-30, "warm")]:  # click to star drawn
            seconds = click_empty_spot(page, nudge)
            rows.append(
                {
                    "what": f"click an empty spot until its decoded star is drawn ({what})",
                    "seconds": round(seconds, 2),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
        timed(rows, "type a sentence until its neighbours are shown", neighbours)
        timed(rows, "switch to the PCA map until drawn", pca_view)
        go(page, "Learn")
        timed(rows, "come back to Explore (cached map)", open_explore)
        timed(rows, "first open of Compare until both maps are drawn", open_compare)
    return [{**row, "run": run} for row in rows]


def landing(p, run: int) -> list[dict]:
    """A new server opened and left on the page it opens with (Learn), as a class sees it: until its title shows,
    and until the page has finished running."""
    rows: list[dict] = []
    with new_server(p) as (page, url, start):
        page.goto(url)
        page.wait_for_selector("h1:has-text('Latent Lab')")
        since(rows, "new server to Learn's title shown", start)
        wait_idle(page)
        since(rows, "new server to Learn finished", start)
    return [{**row, "run": run} for row in rows]


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="new servers, one after the other")
    args = parser.parse_args()
    rows: list[dict] = []
    with sync_playwright() as p:
        for run in range(1, args.runs + 1):
            rows += one_run(p, run) + landing(p, run)
    header = {
        "date": date.today().isoformat(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "command": f"python bench/app_timing.py --runs {args.runs}",
    }
    out = RESULTS / "app-timing.json"
    out.write_text(json.dumps({"header": header, "rows": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
