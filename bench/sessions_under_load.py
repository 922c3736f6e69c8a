"""Eight people on one app server at once, in a real browser (Playwright + Debian's Chromium): each uploads a
corpus of their own, sees it mapped by the base model, and interpolates between two of its sentences. Every step
is timed as a person waits for it; every page is checked for another user's data.

    python bench/sessions_under_load.py             # 8 sessions
    python bench/sessions_under_load.py --sessions 4

User i's corpus is 30 + i sentences, so a map drawn with another user's corpus shows up as the wrong count; no
page may name another user's file. Writes bench/results/sessions-under-load.json (each step's slowest and median
seconds, and whether isolation held).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from bench.browser import CHROMIUM, CHROMIUM_ARGS, HEADINGS, MAP_DRAWN, serve_app
from bench.common import RESULTS, matmul_rate

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
ANIMALS, VERBS, THINGS = ("cat", "dog", "bird", "fox", "horse"), ("sees", "likes", "finds"), ("ball", "tree", "river")


def corpus(i: int) -> bytes:
    lines = [f"the {a} {v} the {t} ." for a in ANIMALS for v in VERBS for t in THINGS]
    return "\n".join(lines[: 30 + i]).encode()


async def go(page, title: str) -> None:
    await page.locator("[data-testid='stSidebarNav'] a", has_text=title).click()
    await page.wait_for_selector(f"h1:has-text('{HEADINGS.get(title, title)}')", timeout=300_000)
    await page.wait_for_selector(IDLE, timeout=300_000)


async def session(browser, url: str, i: int, users: int, steps: dict[str, list[float]]) -> bool:
    """One user's visit; True when they saw only their own data."""
    page = await (await browser.new_context(viewport={"width": 1400, "height": 1000})).new_page()
    page.set_default_timeout(300_000)

    async def timed(step: str, action) -> None:
        start = time.perf_counter()
        await action()
        steps.setdefault(step, []).append(time.perf_counter() - start)

    async def open_app():
        await page.goto(url)
        await page.wait_for_selector("[data-testid='stSidebarNav']")
        await page.wait_for_selector(IDLE)

    async def upload():
        await go(page, "Data")
        await page.get_by_text("Upload a file").click()
        files = {"name": f"user{i}.txt", "mimeType": "text/plain", "buffer": corpus(i)}
        await page.locator("input[type='file']").set_input_files(files)
        await page.get_by_role("button", name="Load this file").click()
        await page.wait_for_selector(f"text=Dataset: user{i}.txt ({30 + i} sentences)")

    async def explore():
        await go(page, "Explore")
        await page.wait_for_function(MAP_DRAWN, arg=30 + i)

    async def interpolate():
        await go(page, "Interpolate")
        await page.get_by_role("button", name="Interpolate").click()
        await page.wait_for_selector("[data-testid='stDataFrame']")
        await page.wait_for_selector(IDLE)

    await timed("open the app", open_app)
    await timed("upload and load a corpus", upload)
    await timed("Explore until its map is drawn", explore)
    html = await page.content()
    await timed("Interpolate until the path is shown", interpolate)
    html += await page.content()
    others = [j for j in range(users) if j != i and f"user{j}.txt" in html]
    await page.context.close()
    return not others  # and its map had its own count of points (explore waits for it)


async def run(url: str, users: int) -> tuple[dict, list[bool]]:
    from playwright.async_api import async_playwright

    steps: dict[str, list[float]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        isolated = await asyncio.gather(*(session(browser, url, i, users, steps) for i in range(users)))
        await browser.close()
    return steps, list(isolated)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"skipped: no Chromium at {CHROMIUM}", file=sys.stderr)
        return 0
    rate = matmul_rate(torch.device("cpu")) / 1e9
    with tempfile.TemporaryDirectory() as folder:
        with serve_app(Path(folder) / "models", Path(folder) / "server.log") as url:
            start = time.perf_counter()
            steps, isolated = asyncio.run(run(url, args.sessions))
            total = time.perf_counter() - start
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "command": "python bench/sessions_under_load.py " + " ".join(sys.argv[1:]),
        "machine": f"{torch.get_num_threads()} threads, fp32 matmul {rate:.0f} GFLOP/s",
        "sessions": args.sessions,
        "all_sessions_seconds": round(total, 1),
        "steps": {
            step: {"slowest_s": round(max(times), 1), "median_s": round(statistics.median(times), 1)}
            for step, times in steps.items()
        },
        "each_saw_only_its_own_data": all(isolated),
    }
    print(json.dumps(result, indent=2))
    (RESULTS / "sessions-under-load.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if all(isolated) else 1


if __name__ == "__main__":
    sys.exit(main())
