"""A user's workspace outlives the browser session: saved models and kept datasets come back after a reload, in a
new tab with the link, or after a server restart, and stay apart from other users' workspaces."""

from __future__ import annotations

import os

import pytest

os.environ["LATENT_LAB_WARMUP"] = "0"

from streamlit.testing.v1 import AppTest  # noqa: E402

import vae_core  # noqa: E402
from ui import selection, workspace  # noqa: E402
from vae_core import CorpusOptions, save_bundle  # noqa: E402
from vae_core.errors import CorpusError, InputError  # noqa: E402
from vae_core.store import workspace as workspaces  # noqa: E402

TIMEOUT = 120
TEXT = "\n".join(f"the {a} sees the {b} ." for a in ("cat", "dog", "fox") for b in ("ball", "tree", "hill")).encode()


def test_ids_name_one_folder_and_nothing_else():
    assert workspaces.check_id("alice-2026") == "alice-2026"
    assert len(workspaces.new_id()) == 32 and workspaces.new_id() != workspaces.new_id()
    for bad in ("", "abc", "../etc", "a/b/c/d", "x" * 65, "with space", ".hidden"):
        with pytest.raises(InputError):
            workspaces.check_id(bad)


def test_datasets_are_kept_listed_reread_and_deleted(tmp_path):
    options = CorpusOptions(lowercase=True, val_fraction=0.2, seed=3)
    kept = workspaces.save_dataset(tmp_path, "my file.txt", TEXT, options)
    assert workspaces.save_dataset(tmp_path, "my file.txt", TEXT, options) == kept  # the same file: kept once
    other = workspaces.save_dataset(tmp_path, "my file.txt", TEXT + b"\nthe end .", options)
    assert other == f"{kept}-2"
    listed = workspaces.list_datasets(tmp_path)
    assert {d["kept"] for d in listed} == {kept, other} and {d["name"] for d in listed} == {"my file.txt"}
    corpus = workspaces.load_dataset(tmp_path, kept)
    assert len(corpus) == 9 and corpus.report.source == "my file.txt" and len(corpus.val_idx) == 2
    workspaces.delete_dataset(tmp_path, other)
    assert [d["kept"] for d in workspaces.list_datasets(tmp_path)] == [kept]
    with pytest.raises(CorpusError):
        workspaces.load_dataset(tmp_path, other)


def test_what_was_open_is_remembered_and_a_damaged_record_is_ignored(tmp_path):
    assert workspaces.recall(tmp_path) == {}
    workspaces.remember(tmp_path, model="mine", dataset="data.txt")
    workspaces.remember(tmp_path, dataset=None)
    assert workspaces.recall(tmp_path) == {"model": "mine"}
    for damaged in (b"[1, 2]", b"\xff\xfe", b'{"model": 3}', b"{not json"):
        (tmp_path / workspaces.STATE).write_bytes(damaged)
        assert workspaces.recall(tmp_path) == {}


def new_session(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT)
    at.query_params.update(params or {})
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_reload_or_a_new_tab_reopens_the_workspace(trained, tmp_path, monkeypatch):
    """What the user had open comes back in a new session with the link (a reload, a bookmark, a restart); a
    visitor without the link gets a workspace of their own and sees none of it."""
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    first = new_session({"ws": "alice-2026"})
    first.switch_page("pages/data.py").run()
    first.radio[0].set_value("Upload a file").run()
    first.get("file_uploader")[0].set_value(("animals.txt", TEXT, "text/plain")).run()
    first.button[0].click().run()  # "Load this file"
    assert first.session_state["corpus"].name == "animals.txt"
    folder = tmp_path / "models" / "alice-2026"
    save_bundle(trained, folder / "mine")  # as Train's "Save and use this model" does
    workspaces.remember(folder, model="mine")
    # the page's link shows the workspace (after a page switch too), and no longer carries the id that writes to it
    assert first.query_params["share"] == workspaces.view_token("alice-2026") and "ws" not in first.query_params

    again = new_session({"ws": "alice-2026"})
    assert again.session_state["corpus"].name == "animals.txt" and again.session_state["model"].name == "mine"
    again.switch_page("pages/models.py").run()
    assert "mine" in [h.value for h in again.subheader]
    again.switch_page("pages/data.py").run()
    assert "Kept in your workspace" in again.radio[0].options

    workspaces.remember(folder, model=None)  # a dataset without a saved model: mapped by the base model again
    assert new_session({"ws": "alice-2026"}).session_state["model"].name == "base model"

    stranger = new_session()
    assert stranger.session_state["model"].name == "demo model"
    assert stranger.query_params["share"] not in ("", workspaces.view_token("alice-2026"))
    stranger.switch_page("pages/models.py").run()
    assert "mine" not in [h.value for h in stranger.subheader]
    assert any("not saved a model yet" in i.value for i in stranger.info)
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["alice-2026"]  # a visitor writes nothing


def test_a_deleted_model_or_dataset_is_not_reopened(trained, tmp_path, monkeypatch):
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    folder = tmp_path / "models" / "bob-2026"
    workspaces.remember(folder, model="gone", dataset="gone.txt")
    at = new_session({"ws": "bob-2026"})
    assert at.session_state["model"].name == "demo model" and at.session_state["corpus"].name == "demo corpus"
    assert not at.warning and not at.error


def test_a_shared_explore_link_opens_its_model_or_says_it_is_missing(trained, tmp_path, monkeypatch):
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    save_bundle(trained, tmp_path / "models" / "carol-2026" / "mine")
    at = new_session({"ws": "carol-2026", "model": "mine", "data": "demo corpus", "view": "pca"})
    at.switch_page("pages/explore.py").run()
    assert at.session_state["model"].name == "mine" and not at.warning
    assert at.query_params["model"] == "mine" and at.query_params["data"] == "demo corpus"

    elsewhere = new_session({"model": "mine", "data": "reviews.csv", "view": "pca"})
    elsewhere.switch_page("pages/explore.py").run()
    notice = " ".join(w.value for w in elsewhere.warning)
    assert "the dataset reviews.csv and the model mine" in notice and "demo corpus with demo model" in notice


def test_a_datasets_tags_are_kept_beside_it_and_read_back_defensively(tmp_path):
    kept = workspaces.save_dataset(tmp_path, "animals.txt", TEXT, CorpusOptions())
    workspaces.save_tags(tmp_path, kept, {2: "keep", 0: "off-topic"})
    workspaces.save_tags(tmp_path, None, {1: "demo"})  # the demo corpus's, apart
    assert workspaces.load_tags(tmp_path, kept, 3) == {0: "off-topic", 2: "keep"}
    assert workspaces.load_tags(tmp_path, kept, 2) == {0: "off-topic"}  # a row the dataset does not have: left out
    assert workspaces.load_tags(tmp_path, None, 3) == {1: "demo"}
    path = tmp_path / workspaces.DATASETS / kept / workspaces.TAGS
    for damaged in (b"{", b"[1, 2]", b'{"-1": "x", "a": "y", "1": 5, "2": ""}', b"\xff\xfe"):
        path.write_bytes(damaged)
        assert workspaces.load_tags(tmp_path, kept, 3) == {}
    assert workspaces.load_tags(tmp_path, "never-kept.txt", 3) == {}
    with pytest.raises(CorpusError):
        workspaces.save_tags(tmp_path, "never-kept.txt", {0: "x"})
    workspaces.delete_dataset(tmp_path, kept)
    assert workspaces.load_tags(tmp_path, kept, 3) == {}  # they went with their dataset


def test_tags_given_in_one_session_come_back_in_the_next(tmp_path, monkeypatch):
    """The Explore page's tags are the user's work: a reload of the workspace's link brings them back."""
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    monkeypatch.setattr(selection, "selected_rows", lambda event: [4, 5, 6])  # as if three points were lassoed
    first = new_session({"ws": "erin-2026"})
    first.switch_page("pages/explore.py").run()
    next(w for w in first.text_input if w.label == "Tag").set_value("keep").run()
    next(b for b in first.button if b.label == "Tag the selection").click().run()
    assert not first.exception and not first.error, [e.value for e in first.error]
    again = new_session({"ws": "erin-2026"})
    again.switch_page("pages/explore.py").run()
    scene = again.session_state["corpus"].key + again.session_state["model"].key
    assert again.session_state[f"tags-{scene}"] == {4: "keep", 5: "keep", 6: "keep"}
    assert "keep" in next(m for m in again.multiselect if m.label == "Show only these tags").options


def test_a_view_token_finds_its_workspace_and_never_gives_away_the_id(tmp_path):
    token = workspaces.view_token("alice-2026")
    assert len(token) == 32 and "alice" not in token and token == workspaces.view_token("alice-2026")
    assert token != workspaces.view_token("alice-2027")
    assert workspaces.find_view(tmp_path, token) is None  # nothing saved there yet: nothing to show
    workspaces.remember(tmp_path / "alice-2026", model="mine")
    (tmp_path / "not a workspace").mkdir()
    assert workspaces.find_view(tmp_path, token) == "alice-2026"
    for bad in ("", "alice-2026", token.upper(), token[:-1], "../" + token, token + "0"):
        assert workspaces.find_view(tmp_path, bad) is None
    assert workspaces.find_view(tmp_path / "missing", token) is None


def alice_with_a_model(trained, tmp_path, monkeypatch):
    """alice-2026 with a saved model open and the demo's tags; the folder and a copy of its files as they are."""
    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path / "models")
    folder = tmp_path / "models" / "alice-2026"
    save_bundle(trained, folder / "mine")
    workspaces.remember(folder, model="mine")
    workspaces.save_tags(folder, None, {3: "keep"})
    return folder, {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_shared_link_shows_the_workspace_read_only(trained, tmp_path, monkeypatch):
    """The address bar's link opens the sender's scene for whoever receives it, and lets them write nothing there."""
    folder, files = alice_with_a_model(trained, tmp_path, monkeypatch)
    guest = new_session({"share": workspaces.view_token("alice-2026")})
    assert guest.session_state["model"].name == "mine"  # what was open there, opened
    assert any("read-only" in i.value for i in guest.sidebar.info)
    guest.switch_page("pages/explore.py").run()
    scene = guest.session_state["corpus"].key + guest.session_state["model"].key
    assert guest.session_state[f"tags-{scene}"] == {3: "keep"}  # the owner's tags are part of the scene
    assert guest.query_params["share"] == workspaces.view_token("alice-2026") and "ws" not in guest.query_params

    guest.switch_page("pages/models.py").run()
    assert "mine" in [h.value for h in guest.subheader]
    assert not [b for b in guest.button if b.label == "Delete"]  # nothing to delete with
    assert not [t for t in guest.toggle if "access" in t.label]  # and no key to hand on
    guest.switch_page("pages/data.py").run()
    assert "Kept in the shared workspace" not in guest.radio[0].options  # alice kept no dataset
    guest.radio[0].set_value("Upload a file").run()
    guest.get("file_uploader")[0].set_value(("animals.txt", TEXT, "text/plain")).run()
    guest.button[0].click().run()  # "Load this file": opened for this session, not kept there
    assert guest.session_state["corpus"].name == "animals.txt" and guest.session_state["corpus"].kept is None
    assert not guest.exception and not guest.error
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == files  # alice's workspace is untouched

    guest.switch_page("pages/models.py").run()
    guest.get("file_uploader")[0].set_value(
        ("copy.zip", vae_core.bundle_to_zip(folder / "mine"), "application/zip")
    ).run()
    next(b for b in guest.button if b.label == "Add this model").click().run()
    assert any("read-only" in e.value for e in guest.error) and not (folder / "copy").exists()
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == files  # alice's workspace is untouched


def test_the_owners_browser_opens_its_own_shared_link_writable(trained, tmp_path, monkeypatch):
    folder, _ = alice_with_a_model(trained, tmp_path, monkeypatch)
    monkeypatch.setattr(workspace, "owner_cookie", lambda: "bob-2026.alice-2026")  # this browser owns both
    at = new_session({"share": workspaces.view_token("alice-2026")})
    assert not at.sidebar.info and at.session_state["own_workspaces"][0] == "alice-2026"
    at.switch_page("pages/models.py").run()
    assert [b for b in at.button if b.label == "Delete"]
    next(t for t in at.toggle if "access" in t.label).set_value(True).run()
    assert any("?ws=alice-2026" in c.value for c in at.code)  # the key, shown only when asked for
    assert "ws" not in at.query_params
    next(b for b in at.button if b.label == "Work in bob-2026").click().run()
    assert at.query_params["share"] == workspaces.view_token("bob-2026")
    assert at.session_state["own_workspaces"][:2] == ["bob-2026", "alice-2026"]


def test_a_guest_can_move_into_their_own_workspace_and_keep_what_is_open(trained, tmp_path, monkeypatch):
    folder, files = alice_with_a_model(trained, tmp_path, monkeypatch)
    guest = new_session({"share": workspaces.view_token("alice-2026")})
    assert [b for b in guest.sidebar.button if b.label == "Work in my own workspace"]  # (tests/browser clicks it)
    guest.switch_page("pages/models.py").run()
    own = guest.session_state["own_workspaces"][0]
    next(b for b in guest.button if b.label == f"Work in {own}").click().run()
    assert guest.session_state["model"].name == "mine"  # what was open stays open
    assert guest.query_params["share"] == workspaces.view_token(own) and guest.session_state["viewed_workspace"] is None
    assert any("not saved a model yet" in i.value for i in guest.info)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == files
