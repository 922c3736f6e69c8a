"""A person's journey through the app in a real browser, two users at once, and bad uploads."""

import io
import json
import re
import time
import zipfile

from bench.browser import (
    DENSEST_SPOT,
    MAP_DRAWN,
    NAMES_RANGE,
    NAMES_WRITTEN,
    box_select,
    click_empty_spot,
    click_facet_bar,
    go,
    map_point_count,
    serve_app,
    wait_idle,
    zoom_on_first_name,
)

from .conftest import screenshot

SENTENCES = "\n".join(
    f"the {a} {v} the {o} ."
    for a in ("cat", "dog", "bird", "fox")
    for v in ("sees", "likes")
    for o in ("ball", "tree", "house", "river", "car")
)


def upload(page, name: str, data: bytes) -> None:
    page.get_by_text("Upload a file").click()
    page.locator("input[type='file']").set_input_files({"name": name, "mimeType": "text/plain", "buffer": data})


def test_journey(new_page):
    page = new_page()
    page.wait_for_selector("text=Model: demo model")
    screenshot(page, "learn")

    # The map of the demo, drawn point by point
    go(page, "Explore")
    page.wait_for_function(MAP_DRAWN, arg=3600)
    assert map_point_count(page) == 3600
    screenshot(page, "explore")

    # Box-select some points and see them in the table
    box_select(page, page.locator(".js-plotly-plot").first, 0.05, 0.6)
    page.wait_for_selector("text=/\\d+ sentences selected/")
    wait_idle(page)

    # A typed sentence and its neighbours in the latent space
    field = page.get_by_label("Type a sentence, or leave empty to use the clicked / first selected point")
    field.fill("the chef loved the soup at the restaurant yesterday .")
    field.press("Enter")
    page.wait_for_selector("text=Neighbours of: the chef loved the soup")
    wait_idle(page)

    # A CSV of coordinates and latents
    page.get_by_text("Prepare downloads of every sentence's coordinates and latents").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Coordinates and latents (CSV)").click()
    header = open(download.value.path(), encoding="utf-8").readline()
    assert header.startswith("id,text,topic") and "z_15" in header

    # Interpolate between two sentences
    go(page, "Interpolate")
    page.get_by_role("button", name="Interpolate").click()
    page.wait_for_selector("[data-testid='stDataFrame']")
    page.wait_for_selector(".js-plotly-plot")
    screenshot(page, "interpolate")

    # Generate samples
    go(page, "Generate")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_selector("[data-testid='stDataFrame']")
    screenshot(page, "generate")

    # Upload a small .txt
    go(page, "Data")
    upload(page, "mine.txt", SENTENCES.encode())
    page.get_by_role("button", name="Load this file").click()
    page.wait_for_selector("text=Read 40 rows")
    page.wait_for_selector("text=Dataset: mine.txt (40 sentences)")
    screenshot(page, "data")

    # Train, watch the chart advance, then stop
    go(page, "Train")
    page.get_by_text("Learn from scratch (this dataset alone)").click()
    page.wait_for_selector("text=Batch size")
    # default sizes, small batches, no early stopping: ~1,800 steps, still going when we stop it
    for label, value in [("Epochs", "200"), ("Batch size", "4"), ("Early-stopping patience", "0")]:
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Start training").click()
    page.wait_for_selector("text=/tokens\\/s/")
    page.wait_for_selector("text=Active units (recent batches)")
    first = page.locator("[data-testid='stProgress'] p").first.inner_text()
    page.wait_for_function(
        "t => { const p = document.querySelector(\"[data-testid='stProgress'] p\"); return p && p.innerText !== t }",
        arg=first,
    )
    screenshot(page, "train")
    page.get_by_role("button", name="Stop training", exact=True).click()
    page.wait_for_selector("text=Training finished (stopped by user)")

    # Save it, then load it again from Models and download its bundle
    page.get_by_label("Model name").fill("browser model")
    page.get_by_role("button", name="Save and use this model").click()
    page.wait_for_selector("text=Saved as browser-model")
    go(page, "Models")
    page.wait_for_selector("h3:has-text('browser-model')")
    screenshot(page, "models")
    page.get_by_role("button", name="Load").first.click()
    page.wait_for_selector("text=Model: browser-model")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download .zip").first.click()
    names = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())).namelist()
    assert sorted(names) == sorted(
        ["config.json", "tokenizer.json", "model.safetensors", "metrics.json", "history.json"]
        + ["replay.safetensors", "replay.json"]  # its training replay, stopped early: still recorded
    )


def test_a_click_between_the_points_decodes_that_spot_and_a_typed_sentence_lands_with_its_spread(new_page):
    page = new_page()
    go(page, "Explore")
    page.wait_for_function(MAP_DRAWN, arg=3600)
    click_empty_spot(page)
    page.wait_for_selector("text=Decoded at the clicked spot")
    wait_idle(page)
    sentence = page.evaluate(  # what the star says on hover: the sentence decoded at the spot
        "() => document.querySelector('.js-plotly-plot')._fullData.find(t => t.name === 'decoded spot')"
        ".hovertext[0].replaceAll('<br>', ' ')"
    )
    assert len(sentence.split()) >= 3
    assert page.get_by_text(sentence, exact=True).first.is_visible()  # and the page writes it out below the map
    page.wait_for_function("() => document.querySelectorAll('.latent-lab-names > .level-0').length === 8")
    screenshot(page, "explore-spot")

    field = page.get_by_label("Type a sentence, or leave empty to use the clicked / first selected point")
    field.fill("the chef loved the soup at the restaurant yesterday and we were delighted.")
    field.press("Enter")
    page.wait_for_function(
        "() => ['your sentence', 'q(z|x), 2σ', 'neighbours'].every(n => document.querySelector('.js-plotly-plot')"
        "._fullData.some(t => t.name === n))"
    )
    wait_idle(page)
    screenshot(page, "explore-typed")


def test_in_decode_mode_a_click_inside_the_densest_cluster_decodes_that_spot(new_page):
    """Without decode mode a click on a dense blob picks a sentence; with it, the click reaches the grid beneath and
    the star lands where the user clicked (within one grid step), not on a sentence."""
    page = new_page()
    go(page, "Explore")
    page.wait_for_function(MAP_DRAWN, arg=3600)
    page.get_by_text("Decode mode", exact=True).click()
    wait_idle(page)
    page.wait_for_function(MAP_DRAWN, arg=3600)
    click_empty_spot(page, where=DENSEST_SPOT)
    page.wait_for_selector("text=Decoded at the clicked spot")
    wait_idle(page)
    aimed = page.evaluate(DENSEST_SPOT)
    star, step = page.evaluate(
        "() => { const p = document.querySelector('.js-plotly-plot'), g = p._fullData[0];"
        " const s = p._fullData.find(t => t.name === 'decoded spot');"
        " return [[s.x[0], s.y[0]], [g.x[1] - g.x[0], g.y[45] - g.y[0]]]; }"
    )
    assert abs(star[0] - aimed[0]) <= step[0] and abs(star[1] - aimed[1]) <= step[1]
    assert "decode=on" in page.url
    screenshot(page, "explore-decode-mode")


def test_facets_cross_filter_the_map_and_keep_each_choice_while_another_is_made(new_page):
    """A click on the music bar draws music's 600 sentences; a click on positive then keeps music (Streamlit forgets
    a chart's selection when the chart changes: the page remembers it) and draws the 300 both let through."""
    page = new_page()
    go(page, "Explore")
    page.wait_for_function(MAP_DRAWN, arg=3600)
    page.get_by_text("Facets beside the map", exact=True).click()
    wait_idle(page)
    for title, label, drawn in (("topic", "music", 600), ("sentiment", "positive", 300)):
        click_facet_bar(page, title, label)
        page.wait_for_function(MAP_DRAWN, arg=drawn)
        wait_idle(page)
    page.wait_for_selector("text=300 of 3,600 sentences shown.")
    page.get_by_role("button", name="Clear the facets").click()
    page.wait_for_function(MAP_DRAWN, arg=3600)
    assert "facets=on" in page.url
    screenshot(page, "explore-facets")


def overlapping(names: list) -> list:
    """Pairs of written names whose boxes overlap."""
    return [(a[1], b[1]) for i, a in enumerate(names) for b in names[:i]
            if a[2] < b[4] and b[2] < a[4] and a[3] < b[5] and b[3] < a[5]]  # fmt: skip


def test_cluster_names_refine_as_the_map_zooms_in_and_never_overlap(new_page):
    """With sub-cluster names on, the whole map has room for few of them; a zoom on one cluster writes more, and
    finer, names of its region, none covering another; a double click back to the whole map writes what it wrote
    first."""
    page = new_page()
    go(page, "Explore")
    page.wait_for_function(MAP_DRAWN, arg=3600)
    page.get_by_text("Sub-cluster names", exact=True).click()
    wait_idle(page)
    page.wait_for_function("() => document.querySelectorAll('.latent-lab-names > .level-1').length > 0")
    page.wait_for_timeout(500)
    whole, before = page.evaluate(NAMES_WRITTEN), page.evaluate(NAMES_RANGE)
    assert sum(n[0] == "level-0" for n in whole) == 8 and not overlapping(whole)
    box = zoom_on_first_name(page)
    inside = [n for n in whole if n[0] != "level-0" and box[0] < (n[2] + n[4]) / 2 < box[2]
              and box[1] < (n[3] + n[5]) / 2 < box[3]]  # fmt: skip
    zoomed = page.evaluate(NAMES_WRITTEN)
    finer = [n for n in zoomed if n[0] != "level-0"]
    assert not overlapping(zoomed)
    assert len(finer) > len(inside) and any(n[0] == "level-2" for n in finer)  # more, and finer, than it showed
    screenshot(page, "explore-names-zoomed")
    page.mouse.dblclick((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    page.wait_for_function(f"() => ({NAMES_RANGE})() === {json.dumps(before)}")
    page.wait_for_timeout(300)
    assert [n[1] for n in page.evaluate(NAMES_WRITTEN)] == [n[1] for n in whole]


def test_a_tagged_selection_is_kept_while_the_map_redraws_in_the_tags_colours(new_page):
    """Coloured by tag, tagging redraws the map and Streamlit drops its selection: the page keeps it listed (for
    the variants to come) until another selection or "Clear the selection"."""
    page = new_page()
    go(page, "Explore")
    page.wait_for_function(MAP_DRAWN, arg=3600)
    page.locator("[data-testid='stSelectbox']", has_text="Colour by").click()
    page.get_by_role("option", name="tag", exact=True).click()
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullData.some(t => t.name === 'untagged')")
    wait_idle(page)
    page.wait_for_timeout(500)
    box_select(page, page.locator(".js-plotly-plot").first, 0.3, 0.6)
    page.wait_for_selector("text=/\\d+ sentences selected/")
    wait_idle(page)
    selected = page.get_by_text(re.compile(r"\d+ sentences selected")).first.text_content()
    field = page.get_by_label("Tag", exact=True)
    field.fill("keep")
    field.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Tag the selection").click()
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullData.some(t => t.name === 'keep')")
    wait_idle(page)
    page.get_by_text("Write the variants").scroll_into_view_if_needed()  # a later rerun: still listed
    assert page.get_by_text(selected, exact=True).is_visible()
    page.get_by_role("button", name="Clear the selection").click()
    page.get_by_text(selected, exact=True).wait_for(state="detached")  # gone once the click's rerun has drawn


def test_two_users_at_once(new_page):
    alice, bob = new_page(), new_page()
    go(alice, "Data")
    upload(alice, "alice.txt", SENTENCES.encode())
    alice.get_by_role("button", name="Load this file").click()
    alice.wait_for_selector("text=Dataset: alice.txt (40 sentences)")
    go(alice, "Train")
    alice.get_by_text("Learn from scratch (this dataset alone)").click()
    alice.wait_for_selector("text=Batch size")
    alice.get_by_label("Epochs", exact=True).fill("200")
    alice.get_by_label("Batch size", exact=True).fill("4")  # ~1,800 steps: still running while Bob works
    alice.get_by_label("Early-stopping patience", exact=True).fill("0")
    alice.get_by_role("button", name="Start training").click()
    alice.wait_for_selector("text=/tokens\\/s/")

    # Bob still has the demo, and his map draws while Alice trains
    go(bob, "Explore")
    bob.wait_for_selector("text=Dataset: demo corpus (3600 sentences)")
    bob.wait_for_function("() => { const p = document.querySelector('.js-plotly-plot'); return p && p._fullData }")
    assert map_point_count(bob) == 3600
    assert bob.locator("text=alice.txt").count() == 0
    go(bob, "Models")
    assert bob.locator("text=You have not saved a model yet").count() == 1
    alice.get_by_role("button", name="Stop training", exact=True).click()
    alice.wait_for_selector("text=Training finished")


def test_bad_uploads_show_errors_and_the_app_keeps_working(new_page):
    page = new_page()
    go(page, "Data")
    upload(page, "empty.txt", b"")
    page.wait_for_selector("[data-testid='stAlertContentError']:has-text('empty')")
    screenshot(page, "data-error")
    upload(page, "picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    page.wait_for_selector("[data-testid='stAlertContentError']:has-text('PNG')")
    go(page, "Explore")
    page.wait_for_function("() => { const p = document.querySelector('.js-plotly-plot'); return p && p._fullData }")
    wait_idle(page)
    assert map_point_count(page) == 3600


def test_a_selection_on_one_compare_map_rings_the_same_sentences_on_the_other(new_page):
    page = new_page()
    page.wait_for_selector("text=Model: demo model")
    go(page, "Compare")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length === 2")
    page.wait_for_selector("text=10-NN agreement")
    box_select(page, page.locator(".js-plotly-plot").first, 0.1, 0.5)
    selected = page.wait_for_selector("text=/\\d+ selected; their mean agreement/")
    wait_idle(page)
    n = int(selected.inner_text().split()[0])
    rings = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(p =>
               (p._fullData.find(t => t.name === 'selected') || {x: []}).x.length)"""
    )
    assert n > 0 and rings == [n, n]  # the same sentences ringed on both maps
    screenshot(page, "compare")


def test_a_new_visitor_never_sees_the_raw_page_list(browser, server):
    """From the first paint, the sidebar lists the pages by their titles ("Explore"), never Streamlit's list of
    pages/ file names ("explore", "app"), which would run a page without app.py if clicked."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server)
    seen: set[str] = set()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        seen |= set(page.locator("[data-testid='stSidebarNav'] a").all_inner_texts())
        if page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").count():
            break
        time.sleep(0.02)
    seen |= set(page.locator("[data-testid='stSidebarNav'] a").all_inner_texts())
    context.close()
    titles = {"Learn", "Lesson", "Data", "Train", "Models", "Explore", "Interpolate", "Generate", "Compare"}
    shown = {text.split("\n")[-1].strip() for text in seen if text.strip()}  # the label after the icon's name
    assert shown and shown <= titles, seen


def test_a_link_to_a_scene_opens_it_on_a_server_no_one_has_visited(browser, tmp_path):
    """A teacher starts the server and the class opens a sent link straight to Explore: the link's scene (view,
    density, the decoded spot) opens through app.py, with the demo and the titled navigation, never as a bare
    page run alone by Streamlit's legacy pages/ mode."""
    with serve_app(tmp_path / "models", tmp_path / "streamlit.log") as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{url}/explore?view=pca&density=on&spot=pca,0,0.5,0.5")
        page.wait_for_function(MAP_DRAWN, arg=3600)
        wait_idle(page)
        names = set(page.locator("[data-testid='stSidebarNav'] a").all_inner_texts())
        traces = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullData.map(t => t.name)")
        assert any(name.endswith("Explore") for name in names) and not any(n.endswith("explore") for n in names)
        assert {"density", "decoded spot"} <= set(traces) and page.get_by_label("PCA (instant)").is_checked()
        context.close()


def test_the_demo_model_replays_its_training_when_play_is_pressed(new_page):
    page = new_page()
    go(page, "Models")
    page.get_by_text("Watch it learn: the training replay").last.click()
    page.wait_for_function(
        "() => { const p = document.querySelector('.js-plotly-plot'); return p && p._fullLayout && "
        "p._fullLayout.sliders && p._fullLayout.sliders.length === 1 }"
    )
    wait_idle(page)
    frame_shown = """() => { const p = document.querySelector('.js-plotly-plot');
        return p._fullLayout.sliders[0].active + ':' + p._fullData[0].x[0]; }"""
    before = page.evaluate(frame_shown)
    page.locator(".js-plotly-plot .updatemenu-button", has_text="Play").click()
    page.wait_for_function(f"b => ({frame_shown})() !== b", arg=before)
    screenshot(page, "models-replay")


def test_a_copied_link_shows_the_workspace_read_only_and_its_owner_keeps_it(new_page):
    """Alice keeps a file; the link in her address bar opens it for Bob read-only (no Delete, a notice, no key in
    the link), and Bob can move into his own workspace. Alice's browser keeps her workspace in a cookie: her reload,
    and her own link, open it writable."""
    alice = new_page()
    go(alice, "Data")
    upload(alice, "alice.txt", SENTENCES.encode())
    alice.get_by_role("button", name="Load this file").click()
    alice.wait_for_selector("text=Dataset: alice.txt (40 sentences)")
    wait_idle(alice)
    link = alice.url
    owned = next(c["value"] for c in alice.context.cookies() if c["name"] == "latent_lab_workspaces")
    assert "share=" in link and "ws=" not in link and owned and owned.split(".")[0] not in link

    bob = alice.context.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    bob.set_default_timeout(60_000)
    bob.goto(link)
    bob.wait_for_selector("text=Dataset: alice.txt (40 sentences)")  # what Alice had open
    bob.wait_for_selector("text=/viewing a workspace shared with you, read-only/")
    bob.get_by_text("Kept in the shared workspace").click()
    bob.wait_for_selector("text=/alice.txt · uploaded/")
    assert bob.get_by_role("button", name="Delete").count() == 0
    screenshot(bob, "shared-read-only")
    bob.get_by_role("button", name="Work in my own workspace").click()
    bob.wait_for_selector("text=/viewing a workspace shared/", state="detached")
    wait_idle(bob)
    assert "share=" in bob.url and bob.url != link
    bob.wait_for_selector("text=Dataset: alice.txt (40 sentences)")  # still open, now in his own workspace
    bob.context.close()

    alice.goto(link.split("?")[0])  # a reload without the link's parameters: the cookie knows her workspace
    alice.wait_for_selector("text=Dataset: alice.txt (40 sentences)")
    wait_idle(alice)
    assert alice.locator("text=/viewing a workspace shared/").count() == 0 and alice.url == link


def test_the_lesson_plays_its_plane_and_curves_and_pauses(new_page):
    """Play moves the sentences on the plane and draws the curves, on the same charts (never rebuilt); Pause stops
    both where they are."""
    page = new_page()
    go(page, "Lesson")
    plane, curves = ".st-key-lesson-map .js-plotly-plot", ".st-key-lesson-curves .js-plotly-plot"
    moved = f"""() => {{ const g = document.querySelector('{plane}');
        const t = g && g.data && g.data.find(d => d.meta === 'sentences');
        return t ? JSON.stringify(t.x).slice(0, 80) : null }}"""
    steps = f"""() => {{ const g = document.querySelector('{curves}');
        return g && g._fullData && g._fullData.length ? g._fullData[0].x.length : 0 }}"""
    start = page.evaluate(moved)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({moved})() !== {start!r} && ({steps})() > 20")
    watch = f"""() => {{ window.seen = {{charts: new Set(), moves: 0, last: null}};
        window.watcher = setInterval(() => {{ const v = ({moved})();
        window.seen.charts.add(document.querySelector('{plane}'));
        if (v !== window.seen.last) {{ window.seen.moves++; window.seen.last = v; }} }}, 20); }}"""
    page.evaluate(watch)
    page.wait_for_function("() => window.seen.moves >= 10")
    charts = page.evaluate("() => { clearInterval(window.watcher); return window.seen.charts.size }")
    assert charts <= 4, charts  # ten moves on the chart drawn: rebuilt only when its axes grow a unit
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    time.sleep(1)
    paused_at = page.evaluate(steps)
    time.sleep(1.5)
    assert page.evaluate(steps) == paused_at and paused_at > 20
    screenshot(page, "lesson")


def test_a_guided_step_taken_while_the_lesson_plays_keeps_its_settings(new_page):
    """Next, pressed while the plane moves several times a second, sets β and free bits and keeps them: a tick of
    the playing fragment sent before the step carries the old values and must not undo them."""
    page = new_page()
    go(page, "Lesson")
    for step in range(2, 7):  # 2 plays, 3 pauses, 4 plays with β = 4, 5 frees 1 nat, 6 sets β 0.1 and no free bits
        page.get_by_role("button", name="Next").click()
        page.wait_for_selector(f"text=Step {step} of")  # (never idle while it plays: no wait_idle here)
        time.sleep(1.0)
    time.sleep(2)  # a dozen ticks of the playing fragment
    beta = page.locator("[data-testid='stMetric']", has_text="β now").inner_text()
    shown = page.locator(".st-key-lesson-live [data-testid='stSliderThumbValue']").all_inner_texts()
    page.get_by_role("button", name="Pause").click()
    assert "0.10" in beta, beta
    assert [float(v) for v in shown[:3]] == [0.1, 0.0, 0.0], shown  # β, word dropout, free bits
