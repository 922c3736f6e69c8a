"""The catalogue of bad (and merely unusual) inputs, each tried at three levels: the library (its own error
type with a message for a person), the command line (one line on stderr, exit status 2) and the app (a
readable st.error, and the app still usable afterwards). Unusual but valid inputs must load, text intact."""

from __future__ import annotations

import gzip
import io
import os
import random
import re

import pandas as pd
import pytest

from vae_core import CorpusError, CorpusOptions, load_corpus, save_bundle
from vae_core.cli import main

os.environ["LATENT_LAB_WARMUP"] = "0"


def parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


RANDOM = random.Random(0).randbytes(4096)
PNG = b"\x89PNG\r\n\x1a\n" + RANDOM[:200]

# (case, file name, bytes, CorpusOptions changes, error pattern or None for "loads", sentences expected)
CASES = [
    ("empty file", "a.txt", b"", {}, "empty", None),
    ("whitespace only", "a.txt", b"   \n\t\n  \r\n", {}, "empty", None),
    ("PNG image", "a.txt", PNG, {}, "PNG", None),
    ("zip archive", "a.csv", b"PK\x03\x04" + RANDOM[:100], {}, "zip", None),
    ("gzip archive", "a.txt", gzip.compress(b"hello world\n" * 10), {}, "gzip", None),
    ("PDF", "a.txt", b"%PDF-1.7\n" + RANDOM[:100], {}, "PDF", None),
    ("random bytes", "a.txt", RANDOM, {}, "binary", None),
    ("NUL bytes", "a.txt", b"hello\x00world\nagain\n", {}, "binary", None),
    ("control characters", "a.txt", bytes(range(1, 9)) * 50, {}, "binary", None),
    ("unsupported type", "a.docx", b"hello\n", {}, "unsupported file type", None),
    ("over the size limit", "a.txt", b"word " * (11 * 2**20), {}, "limit is 50 MB", None),
    ("ragged CSV", "a.csv", b"a,b\n1,2\n3,4,5,6\n", {}, "could not read it as a table", None),
    ("CSV header only", "a.csv", b"text,label\n", {}, "no rows", None),
    ("missing text column", "a.csv", b"text,label\nhi,x\n", {"text_column": "body"}, "no column 'body'", None),
    ("missing label column", "a.csv", b"text,label\nhi,x\n", {"label_column": "topic"}, "no label column", None),
    ("all-empty label column", "a.csv", b"text,label\nhi,\nho,\n", {"label_column": "label"}, "is empty", None),
    ("every JSONL line broken", "a.jsonl", b"{nope\n[1,\n", {}, "no line is a JSON", None),
    ("JSONL text not a string", "a.jsonl", b'{"text": 5}\n', {}, "does not hold text", None),
    ("parquet with a numeric text column", "a.parquet", parquet(pd.DataFrame({"text": [1.5, 2.5]})), {},
     "does not hold text", None),
    ("damaged parquet", "a.parquet", b"PAR1" + RANDOM[:64], {}, "Parquet", None),
    ("numbers-only columns", "a.csv", b"id,score,stars\n1,2,3\n2,3,4\n3,4,5\n4,5,1\n", {},
     "holds no words|no column holds words", None),
    ("a named text column of numbers", "a.csv", b"id,review\n1,good\n2,bad\n", {"text_column": "id"},
     "column 'id' holds no words.*Columns: id, review", None),
    ("blank lines only after cleaning", "a.csv", b"text\n\"  \"\n\"\t\"\n", {}, "nothing usable", None),
    # unusual but valid: these load, and their text is kept as it is
    ("invalid UTF-8 (latin-1)", "a.txt", "café au lait\n".encode("latin-1"), {}, None, ["café au lait"]),
    ("UTF-16 with BOM", "a.txt", "naïve idea\nsecond\n".encode("utf-16"), {}, None, ["naïve idea", "second"]),
    ("UTF-8 with BOM", "a.txt", "\ufeffhello there\n".encode(), {}, None, ["hello there"]),
    ("a single line", "a.txt", b"just one sentence", {}, None, ["just one sentence"]),
    ("one line of 1 MB", "a.txt", b"word " * 200_000, {"max_tokens": 64}, None, [" ".join(["word"] * 64)]),
    ("a million identical lines", "a.txt", b"same line\n" * 1_000_000, {"dedupe": True}, None, ["same line"]),
    ("some JSONL lines broken", "a.jsonl", b'{"text": "fine one"}\n{broken\n"plain string"\n', {}, None,
     ["fine one", "plain string"]),
    ("emoji", "a.txt", "i love pizza 🍕🔥\n".encode(), {}, None, ["i love pizza 🍕🔥"]),
    ("right-to-left", "a.txt", "שלום עולם\nمرحبا بالعالم\n".encode(), {}, None, ["שלום עולם", "مرحبا بالعالم"]),
    ("zero-width characters", "a.txt", "zero\u200bwidth\u200djoin\n".encode(), {}, None,
     ["zero\u200bwidth\u200djoin"]),
    ("combining characters", "a.txt", "cafe\u0301 nai\u0308ve\n".encode(), {}, None, ["cafe\u0301 nai\u0308ve"]),
    ("HTML and JavaScript", "a.txt", b"<script>alert('x')</script> <b>bold</b>\n", {}, None,
     ["<script>alert('x')</script> <b>bold</b>"]),
    ("long ids beside short text", "a.csv", b"id,review\n1000001,ok\n1000002,so bad\n", {}, None, ["ok", "so bad"]),
    ("old Mac line endings", "a.txt", b"first line\rsecond line\r", {}, None, ["first line", "second line"]),
]  # fmt: skip
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize("case, name, data, changes, error, expected", CASES, ids=IDS)
def test_library(case, name, data, changes, error, expected):
    options = CorpusOptions(**changes)
    if error:
        with pytest.raises(CorpusError, match=error) as caught:
            load_corpus(data, options, name=name)
        assert name in str(caught.value) or "limit" in str(caught.value)  # the message names the file
    else:
        corpus = load_corpus(data, options, name=name)
        assert corpus.texts[: len(expected)] == expected


@pytest.fixture(scope="module")
def bundle(trained, tmp_path_factory):
    return str(save_bundle(trained, tmp_path_factory.mktemp("m") / "tiny"))


@pytest.mark.parametrize("case, name, data, changes, error, expected", CASES, ids=IDS)
def test_cli(case, name, data, changes, error, expected, bundle, tmp_path, capsys):
    if case == "a million identical lines":
        pytest.skip("encoding a million sentences is a benchmark, not a test; the library row covers it")
    path = tmp_path / name
    path.write_bytes(data)
    columns = [
        a for key in ("text_column", "label_column") if key in changes for a in (f"--{key[:-7]}-column", changes[key])
    ]
    command = ["encode", bundle, str(path), "--out", str(tmp_path / "z.csv"), *columns]
    if case == "over the size limit":  # train and encode stream big files in chunks; evaluate reads files whole
        command = ["evaluate", bundle, str(path)]
    code = main(command)
    err = capsys.readouterr().err.strip()
    if error:
        assert code == 2 and len(err.splitlines()) == 1 and re.search(error, err), err
    else:
        assert code == 0, err


@pytest.mark.parametrize("case, name, data, changes, error, expected", CASES, ids=IDS)
def test_app(case, name, data, changes, error, expected, tmp_path, monkeypatch):
    """Through the Data page's uploader: a readable error, or the file loads; the app keeps working."""
    if changes or case == "a million identical lines":
        pytest.skip("column choices and de-duplication are form options; the library row covers them")
    if case == "unsupported type":
        pytest.skip("the uploader is made with type=[...]: Streamlit refuses other types before the page sees them")
    from streamlit.testing.v1 import AppTest

    from ui import workspace

    monkeypatch.setattr(workspace, "MODELS_ROOT", tmp_path)
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.run()
    at.switch_page("pages/data.py").run()
    at.radio[0].set_value("Upload a file").run()
    at.get("file_uploader")[0].set_value((name, data, "application/octet-stream")).run()
    load = [b for b in at.button if b.label == "Load this file"]
    if error:
        if not at.error:  # some problems only show once the options are submitted
            load[0].click().run()
        assert at.error and re.search(error, at.error[0].value), [e.value for e in at.error]
    else:
        load[0].click().run()
        assert not at.error, [e.value for e in at.error]
        assert at.session_state["corpus"].value.texts[: len(expected)] == expected
    assert not at.exception
    at.switch_page("pages/generate.py").run()  # still usable
    assert not at.exception and not at.error
