"""A user's workspace outlives the browser session: saved models and kept datasets come back after a reload, in a
new tab with the link, or after a server restart, and stay apart from other users' workspaces."""

from __future__ import annotations

import os

import pytest

os.environ["LATENT_LAB_WARMUP"] = "0"

from streamlit.testing.v1 import AppTest  # noqa: E402

from ui import selection, state  # noqa: E402
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
    monkeypatch.setattr(state, "MODELS_ROOT", tmp_path / "models")
    first = new_session({"ws": "alice-2026"})
    first.switch_page("pages/data.py").run()
    first.radio[0].set_value("Upload a file").run()
    first.get("file_uploader")[0].set_value(("animals.txt", TEXT, "text/plain")).run()
    first.button[0].click().run()  # "Load this file"
    assert first.session_state["corpus"].name == "animals.txt"
    folder = tmp_path / "models" / "alice-2026"
    save_bundle(trained, folder / "mine")  # as Train's "Save and use this model" does
    workspaces.remember(folder, model="mine")
    assert first.query_params["ws"] == "alice-2026"  # the page's link carries the workspace, after a page switch too

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
    assert stranger.query_params["ws"] not in ("", "alice-2026")
    stranger.switch_page("pages/models.py").run()
    assert "mine" not in [h.value for h in stranger.subheader]
    assert any("not saved a model yet" in i.value for i in stranger.info)
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["alice-2026"]  # a visitor writes nothing


def test_a_deleted_model_or_dataset_is_not_reopened(trained, tmp_path, monkeypatch):
    monkeypatch.setattr(state, "MODELS_ROOT", tmp_path / "models")
    folder = tmp_path / "models" / "bob-2026"
    workspaces.remember(folder, model="gone", dataset="gone.txt")
    at = new_session({"ws": "bob-2026"})
    assert at.session_state["model"].name == "demo model" and at.session_state["corpus"].name == "demo corpus"
    assert not at.warning and not at.error


def test_a_shared_explore_link_opens_its_model_or_says_it_is_missing(trained, tmp_path, monkeypatch):
    monkeypatch.setattr(state, "MODELS_ROOT", tmp_path / "models")
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
    monkeypatch.setattr(state, "MODELS_ROOT", tmp_path / "models")
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
