"""The README's screenshots of the Explore, Generate, Models and Learn pages on the demo, taken in Chromium (needs
`apt-get install chromium`):

    python assets/make_readme_screenshots.py   # writes assets/readme_*.png (about a minute)
    python assets/make_readme_screenshots.py --round-trip-only   # only Generate's round trip on the map
    python assets/make_readme_screenshots.py --explorer-only     # only the trust layer, gaps, axes, curation
    python assets/make_readme_screenshots.py --names-only        # only the names of a zoomed map
    python assets/make_readme_screenshots.py --lesson-only       # only the Lesson's two shots and its animation

Each view is opened from a link, as a teacher would send it (the scene is in the URL)."""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DENSEST_SPOT,
    MAP_DRAWN,
    TO_PIXELS,
    click_facet_bar,
    serve_app,
    wait_idle,
    zoom_on_first_name,
)

ROOT = Path(__file__).resolve().parents[1]

YOUR_SENTENCE_DRAWN = "() => document.querySelector('.js-plotly-plot')._fullData.some(t => t.name === 'your sentence')"
VIEWS = {  # file -> (the URL's query, a sentence to type or None, whether to show what is below the map)
    "readme_explore.png": ("", None, False),
    "readme_spot.png": ("spot=umap-2d,0,1.6,7.0&density=on", None, True),
    "readme_typed.png": ("", "the chef loved the soup at the restaurant yesterday and we were delighted.", False),
    "readme_grid.png": ("grid=5&names=off", None, False),
    "readme_presenter.png": ("present=on&colour=tense", None, False),
    "readme_names.png": ("naming=decoder&sub=on", None, False),  # clusters named by the decoder, sub-clusters
    "readme_decode.png": ("decode=on&spot=umap-2d,0,3.4,2.6&names=off", None, True),  # inside a dense cluster
}

REPLAY_DRAWN = (
    "() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p._fullLayout && p._fullLayout.sliders)"
)
REPLAYS = {  # file -> (the page, the switch that shows its replay or None, the text to scroll to the top, height)
    "readme_replay.png": ("models", "Watch it learn: the training replay", "Five held-out sentences", 1150),
    "readme_collapse.png": ("", "Play the two trainings", "Collapse, shown", 1900),
    "readme_tradeoff.png": ("", None, "The trade-off you can see", 900),
}

RECONSTRUCTION_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')].some(
    p => p._fullData && p._fullData.some(t => t.name === 'reconstruction'))"""
ROUND_TRIP = ("readme_roundtrip.png", "the new student loved the soup in the kitchen last week and we were pleased .")


def round_trip_view(browser, url: str) -> None:
    """Generate → Reconstruct on a demo sentence: the input and its reconstruction on the map."""
    name, sentence = ROUND_TRIP
    page = browser.new_page(viewport={"width": 1400, "height": 1500})
    page.set_default_timeout(120_000)
    page.goto(f"{url}/generate")
    wait_idle(page)
    page.wait_for_selector("h1:has-text('Generate')")
    page.get_by_role("tab", name="Reconstruct").click()
    page.get_by_text("Encode a sentence to its mean").wait_for()  # the tab is open
    field = page.get_by_label("Sentence").nth(1)  # the Reconstruct tab's (the second tab's field)
    field.fill(sentence)
    field.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Reconstruct").click()
    page.wait_for_function(RECONSTRUCTION_DRAWN)
    wait_idle(page)
    page.get_by_text("Encode a sentence to its mean").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    page.screenshot(path=ROOT / "assets" / name)
    print(f"wrote assets/{name}")
    page.close()


TRACE_DRAWN = "(name) => document.querySelector('.js-plotly-plot')._fullData.some(t => t.name === name)"
AXES_DRAWN = "() => document.querySelectorAll('.js-plotly-plot').length >= 2"
NEW_SENTENCES = "the soup at the new restaurant was cold .\nour team lost the final in the last minute ."


def open_map(browser, address: str, height: int):
    """A new page at `address` (an Explore link), once the demo's 3,600 points are drawn."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    page.set_default_timeout(180_000)
    page.goto(address)
    page.wait_for_function(MAP_DRAWN, arg=3600)
    wait_idle(page)
    return page


def save(page, name: str) -> None:
    """The page's screenshot as assets/`name`; the page is closed."""
    page.screenshot(path=ROOT / "assets" / name)
    print(f"wrote assets/{name}")
    page.close()


def explorer_views(browser, url: str) -> None:
    """The map coloured by map trust with new sentences and the corpus's gaps drawn; the concept axes."""
    page = open_map(browser, f"{url}/explore?colour=map%20trust&names=off", 1100)
    field = page.get_by_label("New sentences")
    field.fill(NEW_SENTENCES)
    field.press("Control+Enter")
    page.wait_for_function(TRACE_DRAWN, arg="new sentences")
    wait_idle(page)
    page.get_by_role("button", name="Decode the corpus's gaps").click()
    page.wait_for_function(TRACE_DRAWN, arg="gaps, decoded")
    wait_idle(page)
    page.get_by_text("Click any spot").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    save(page, "readme_trust.png")
    page = open_map(browser, f"{url}/explore", 1100)  # coloured by topic
    page.get_by_text("Draw the concept axes").click()
    page.wait_for_function(AXES_DRAWN)
    wait_idle(page)
    page.get_by_text("A map whose axes are directions").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(1500)
    save(page, "readme_axes.png")
    curation_view(browser, url)


def curation_view(browser, url: str) -> None:
    """A box of sentences selected, written toward the music topic, then tagged: the map coloured by the tag; and
    the facets, music and positive chosen."""
    page = open_map(browser, f"{url}/explore?colour=tag&names=off", 1900)
    plot = page.locator(".js-plotly-plot").first
    plot.locator(".modebar-btn[data-title='Box Select']").click()
    x, y = page.evaluate(TO_PIXELS, page.evaluate(DENSEST_SPOT))  # a box around the densest place
    page.mouse.move(x - 25, y - 25)
    page.mouse.down()
    page.mouse.move(x + 25, y + 25, steps=8)
    page.mouse.up()
    page.wait_for_selector("text=/\\d+ sentences selected/")
    wait_idle(page)
    page.locator("[data-testid='stSelectbox']", has_text="toward").click()
    page.get_by_role("option", name="music").click()
    wait_idle(page)
    page.get_by_role("button", name="Write the variants").click()
    page.wait_for_selector("text=/written from their own topic/")
    wait_idle(page)
    field = page.get_by_label("Tag", exact=True)
    field.fill("to rewrite")
    field.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Tag the selection").click()
    page.wait_for_function(TRACE_DRAWN, arg="to rewrite")
    wait_idle(page)
    page.wait_for_timeout(1500)
    save(page, "readme_curate.png")
    page = open_map(browser, f"{url}/explore?facets=on&names=off", 1250)
    for title, label, drawn in (("topic", "music", 600), ("sentiment", "positive", 300)):
        click_facet_bar(page, title, label)
        page.wait_for_function(MAP_DRAWN, arg=drawn)
        wait_idle(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(1500)
    save(page, "readme_facets.png")


def zoomed_names_view(browser, url: str) -> None:
    """Sub-cluster names on, the map zoomed on one cluster: finer names written where the zoom made room."""
    page = open_map(browser, f"{url}/explore?sub=on", 1100)
    page.wait_for_selector(".latent-lab-names > .level-1")
    zoom_on_first_name(page, share=0.4)
    page.mouse.move(5, 5)  # no hover label over the names
    page.wait_for_timeout(1500)
    save(page, "readme_names_zoomed.png")


def lesson_views(browser, url: str) -> None:
    """The Lesson page: the plane after some seconds of play at the guided path's second stop (ellipses on), then
    collapsed at its fourth (β = 4); paused before each shot, so the plane is still."""
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(120_000)
    page.goto(f"{url}/lesson")
    page.wait_for_selector(".js-plotly-plot")
    wait_idle(page)
    for name, nexts, seconds in (("readme_lesson.png", 1, 20), ("readme_lesson_collapse.png", 2, 12)):
        for _ in range(nexts):
            page.get_by_role("button", name="Next").click()
            time.sleep(1)
        if page.get_by_role("button", name="Play").count():  # the guided path's stop plays it
            page.get_by_role("button", name="Play").click()
        time.sleep(seconds)
        page.get_by_role("button", name="Pause").click()
        wait_idle(page)
        page.wait_for_selector(".js-plotly-plot")
        time.sleep(1)
        page.screenshot(path=ROOT / "assets" / name)
        print(f"wrote assets/{name}")
    page.close()


def lesson_animation(browser, url: str, seconds: float = 14.0, every: float = 0.35, width: int = 560) -> None:
    """assets/readme_lesson.gif: the Lesson's plane as a class sees it, from pressing Play (the guided path's second
    stop, ellipses on) until the sentences have spread out, then β raised to 4 (its fourth stop) and the collapse;
    a frame every `every` seconds of the plane alone, `width` pixels wide."""
    from PIL import Image

    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(120_000)
    page.goto(f"{url}/lesson")
    page.wait_for_selector(".st-key-lesson-map .js-plotly-plot")
    wait_idle(page)
    frames, plane = [], page.locator(".st-key-lesson-map .js-plotly-plot").bounding_box()

    def film(length: float) -> None:
        end = time.perf_counter() + length
        while time.perf_counter() < end:  # (a clip of the page: an element's own shot waits for it to stand still)
            shot = Image.open(io.BytesIO(page.screenshot(clip=plane)))
            frames.append(shot.resize((width, round(shot.height * width / shot.width)), Image.LANCZOS))
            time.sleep(every)

    page.get_by_role("button", name="Next").click()  # stop 2: it plays, with the ellipses
    film(seconds)
    for _ in range(2):  # stop 3 pauses, stop 4 plays with β = 4
        page.get_by_role("button", name="Next").click()
        time.sleep(0.5)
    film(seconds * 0.6)
    page.get_by_role("button", name="Pause").click()
    paletted = [f.convert("P", palette=Image.ADAPTIVE, colors=128) for f in frames]
    out = ROOT / "assets" / "readme_lesson.gif"
    paletted[0].save(out, save_all=True, append_images=paletted[1:], duration=int(every * 1000), loop=0, optimize=True)
    print(f"wrote assets/readme_lesson.gif ({len(frames)} frames, {out.stat().st_size / 1e6:.1f} MB)")
    page.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        with serve_app(Path(tmp) / "models", Path(tmp) / "streamlit.log") as url:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            if "--lesson-only" in sys.argv:
                lesson_views(browser, url)
                lesson_animation(browser, url)
                return
            lesson_views(browser, url)
            lesson_animation(browser, url)
            if "--names-only" in sys.argv:
                zoomed_names_view(browser, url)
                return
            if "--explorer-only" in sys.argv:
                explorer_views(browser, url)
                return
            round_trip_view(browser, url)
            if "--round-trip-only" in sys.argv:
                return
            explorer_views(browser, url)
            zoomed_names_view(browser, url)
            for name, (query, typed, below) in VIEWS.items():
                # tall enough that nothing scrolls: headless Chromium leaves a scrolled WebGL map partly undrawn
                page = browser.new_page(viewport={"width": 1400, "height": 1700 if below else 1100})
                page.set_default_timeout(120_000)
                page.goto(f"{url}/explore?{query}")
                page.wait_for_function(MAP_DRAWN, arg=3600)
                wait_idle(page)
                if typed:
                    field = page.get_by_label(
                        "Type a sentence, or leave empty to use the clicked / first selected point"
                    )
                    field.fill(typed)
                    field.press("Enter")
                    page.wait_for_function(YOUR_SENTENCE_DRAWN)
                    wait_idle(page)
                page.wait_for_timeout(1500)  # WebGL points drawn
                page.screenshot(path=ROOT / "assets" / name)
                print(f"wrote assets/{name}")
                page.close()
            for name, (path, switch, top, height) in REPLAYS.items():
                page = browser.new_page(viewport={"width": 1400, "height": height})
                page.set_default_timeout(120_000)
                page.goto(f"{url}/{path}")
                wait_idle(page)
                if switch:
                    page.get_by_text(switch).last.click()
                    page.wait_for_function(REPLAY_DRAWN)
                    wait_idle(page)
                page.get_by_text(top).last.evaluate("e => e.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(1000)
                page.screenshot(path=ROOT / "assets" / name)
                print(f"wrote assets/{name}")
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
