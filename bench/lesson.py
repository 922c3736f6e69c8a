"""The live lesson in a real browser (Playwright + Debian's Chromium), on a new server, as a teacher opens it before
class: from opening the Lesson page to its plane drawn, from pressing Play to the first moved map, map updates a
second while it plays (counted in the page), what the decoder writes on hover and on a click. Prints one JSON line
and appends it to bench/results/lesson.jsonl.

    python bench/lesson.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import torch

from bench.browser import CHROMIUM, CHROMIUM_ARGS, TO_PIXELS, serve_app, wait_idle
from bench.common import RESULTS, matmul_rate, record

SENTENCES_X = """() => { const g = document.querySelector('.js-plotly-plot');
  const t = g && g.data && g.data.find(d => d.meta === 'sentences');
  return t ? JSON.stringify(t.x).slice(0, 160) : null }"""
COUNT_UPDATES = (  # a change of the sentences' coordinates, looked for every 20 ms in the page itself
    "() => { window.lessonUpdates = 0; let last = null; window.lessonCounter = setInterval(() => { const v = ("
    + SENTENCES_X
    + ")(); if (v !== last) { window.lessonUpdates++; last = v; } }, 20); }"
)
PINNED = """() => { const g = document.querySelector('.js-plotly-plot');
  const t = g && g._fullData && g._fullData.find(t => t.name === 'pinned spot'); return t ? t.x[0] : null }"""


def measure(url: str, seconds: float) -> dict:
    from playwright.sync_api import sync_playwright

    row = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        start = time.perf_counter()
        page.goto(url + "/lesson")
        page.wait_for_function(SENTENCES_X)
        row["open_to_plane_s"] = round(time.perf_counter() - start, 2)
        wait_idle(page)
        before = page.evaluate(SENTENCES_X)
        start = time.perf_counter()
        page.get_by_role("button", name="Play").click()
        page.wait_for_function(f"() => ({SENTENCES_X})() !== {before!r}")
        row["play_to_first_move_s"] = round(time.perf_counter() - start, 2)
        page.evaluate(COUNT_UPDATES)
        time.sleep(seconds)
        row["map_updates_per_s"] = round(page.evaluate("() => window.lessonUpdates") / seconds, 2)
        page.evaluate("() => clearInterval(window.lessonCounter)")
        page.get_by_role("button", name="Pause").click()
        wait_idle(page)
        time.sleep(1)
        x, y = page.evaluate(TO_PIXELS, [1.3, -1.7])  # a spot off the sentences' centre, on the hover grid's reach
        page.mouse.move(x - 40, y - 40)
        time.sleep(0.5)
        start = time.perf_counter()
        page.mouse.move(x, y)
        page.wait_for_selector(".hoverlayer .hovertext", state="attached")
        row["hover_to_sentence_s"] = round(time.perf_counter() - start, 3)
        row["hover_text"] = page.locator(".hoverlayer .hovertext").first.text_content()
        start = time.perf_counter()
        page.mouse.click(x, y)
        page.wait_for_function(f"() => ({PINNED})() !== null")
        row["click_to_pinned_s"] = round(time.perf_counter() - start, 2)
        browser.close()
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to count map updates while it plays")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print("Chromium is not installed (apt-get install chromium): nothing measured.")
        return 0
    with tempfile.TemporaryDirectory() as tmp, serve_app(Path(tmp) / "models", Path(tmp) / "log.txt") as url:
        row = measure(url, args.seconds)
    row.update(
        date=str(date.today()), machine=f"{os.cpu_count()} cores, {platform.machine()}",
        matmul_gflops=round(matmul_rate(torch.device("cpu")) / 1e9, 1), command="python bench/lesson.py",
    )  # fmt: skip
    record(RESULTS / "lesson.jsonl", row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
