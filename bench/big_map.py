"""A map made elsewhere, at scale: stream-encode N sentences with the command line, map them, then open the result
in the app in a real browser (Playwright + Debian's Chromium) and time what a person waits for.

    python bench/big_map.py                 # 1,000,000 sentences (~5 min on 2 cores)
    python bench/big_map.py --n 200000
    python bench/big_map.py --n 200000 --drawn 50000   # the same, the map drawing a sample of 50,000

The corpus is the demo corpus's 3,600 sentences repeated to N lines; the model is the demo model. The map is PCA
(a UMAP of 1M points belongs on a GPU server: `project --device cuda`). Writes bench/results/big-map-<N>.json
and a screenshot of the map as the run leaves it, big-map-<N>.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.app_timing import timed
from bench.browser import CHROMIUM, CHROMIUM_ARGS, MAP_DRAWN, box_select, go, serve_app, wait_idle
from bench.common import RESULTS, ROOT, matmul_rate
from ui.latents import MAX_MAP_POINTS as MAX_DRAWN

SELECTED_COUNT = "() => (document.body.innerText.match(/([0-9,]+) sentences selected/) || [null, null])[1]"
NEIGHBOURS_FIELD = "Type a sentence, or leave empty to use the clicked / first selected point"


def cli(rows: list[dict], what: str, *args: str) -> None:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "vae_core", *args], check=True, cwd=ROOT, capture_output=True)
    rows.append({"what": what, "seconds": round(time.perf_counter() - start, 1)})
    print(json.dumps(rows[-1]), flush=True)


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--drawn", type=int, default=MAX_DRAWN, help="points the map draws (LATENT_LAB_MAX_POINTS)")
    args = parser.parse_args()
    os.environ["LATENT_LAB_MAX_POINTS"] = str(args.drawn)
    rows: list[dict] = []
    out = RESULTS / f"big-map-{args.n}{'' if args.drawn == MAX_DRAWN else f'-drawn-{args.drawn}'}.json"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        run = tmp / "imports" / "big"
        shutil.copytree(ROOT / "assets" / "demo_model", run / "model")
        demo = [line.split("\t")[0] for line in (ROOT / "assets" / "demo_corpus.tsv").read_text().splitlines()[1:]]
        corpus = tmp / "big.txt"
        corpus.write_text("\n".join(demo[i % len(demo)] for i in range(args.n)) + "\n", encoding="utf-8")
        size_mb = corpus.stat().st_size / 2**20
        cli(rows, f"encode {args.n:,} sentences ({size_mb:.0f} MB), streamed in chunks of 100,000",
            "encode", str(run / "model"), str(corpus), "--out", str(run / "latents.parquet"),
            "--chunk-rows", "100000", "--device", "cpu")  # fmt: skip
        cli(rows, f"project {args.n:,} points (PCA, 2-D)", "project", str(run / "latents.parquet"),
            "--out", str(run / "map.parquet"), "--method", "pca")  # fmt: skip
        os.environ["LATENT_LAB_IMPORTS"] = str(run.parent)
        with sync_playwright() as p, serve_app(tmp / "models", tmp / "streamlit.log") as url:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(int(os.environ.get("BIG_MAP_TIMEOUT_MS", "600000")))
            page.goto(url)
            wait_idle(page)
            go(page, "Models")

            def open_map():
                page.get_by_text("Open a map made elsewhere").click()
                page.get_by_role("button", name="Open big").click()
                page.wait_for_selector("text=/Opened big/")

            def explore():
                go(page, "Explore")  # it opens on the map that came with the data: nothing is recomputed
                page.wait_for_function(MAP_DRAWN, arg=min(args.drawn, args.n))
                wait_idle(page)

            def interact(when: str, box: tuple[float, float], query: str, sentence: str) -> None:
                """Box-select (the drag, then the wait for the table), search and type a sentence, timed."""
                before = page.evaluate(SELECTED_COUNT)  # the count a previous selection left, if any

                def drag():  # plotly selects and redraws every drawn point at each of the drag's 8 moves
                    box_select(page, page.locator(".js-plotly-plot").first, *box)

                def listed():  # the selection's event goes to the server, which reruns the page
                    page.wait_for_function(f"b => ![null, b].includes(({SELECTED_COUNT})())", arg=before)
                    wait_idle(page)

                def search():
                    field = page.get_by_label("Search sentences")
                    field.fill(query)
                    field.press("Enter")
                    page.wait_for_selector(f"text=/sentences match '{query}'/")
                    wait_idle(page)

                def neighbours():
                    field = page.get_by_label(NEIGHBOURS_FIELD)
                    field.fill(sentence)
                    field.press("Enter")
                    page.wait_for_selector(f"text=Neighbours of: {sentence[:30]}")
                    wait_idle(page)

                start = time.perf_counter()
                timed(rows, f"{when}: box-select, the drag over the drawn map (8 mouse moves, a redraw each)", drag)
                timed(rows, f"{when}: box-select, from the release until the selection's table is shown", listed)
                rows.append({"what": f"{when}: box-select, in all", "seconds": round(time.perf_counter() - start, 2)})
                timed(rows, f"{when}: search all {args.n:,} sentences until the count is shown", search)
                timed(rows, f"{when}: a typed sentence until its neighbours among {args.n:,} are shown", neighbours)

            timed(rows, "Models: open the map made elsewhere (load bundle, latents, map)", open_map)
            drawn = f"{min(args.drawn, args.n):,} of {args.n:,} points drawn"
            timed(rows, f"Explore until the map that came with it ({drawn}) is shown", explore)
            interact("first", (0.3, 0.5), "the chef", "the chef loved the soup at the restaurant yesterday .")
            page.wait_for_timeout(20_000)  # the server's warm-ups (UMAP's compiling, the sentence encoder) are over
            interact("again", (0.55, 0.75), "the soup", "our neighbours resent the tea in the garden every week .")
            page.evaluate("() => document.querySelector('.js-plotly-plot').scrollIntoView()")
            page.screenshot(path=out.with_suffix(".png"))  # the map as it stands: the selection, the typed sentence
            browser.close()
    import torch

    rate = round(matmul_rate(torch.device("cpu")) / 1e9, 1)
    command = " ".join(["python bench/big_map.py", *sys.argv[1:]])
    out.write_text(json.dumps({"command": command, "matmul_gflops": rate, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
