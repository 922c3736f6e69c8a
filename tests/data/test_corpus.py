"""Corpus loading: formats, encodings, cleaning, the split, and clear errors for bad files."""

import codecs
import io
import json

import pandas as pd
import pytest

from vae_core import CorpusError, CorpusOptions, load_corpus
from vae_core.errors import ConfigError


def load(data: bytes, name: str, **options):
    return load_corpus(data, CorpusOptions(**options), name=name)


def test_txt_drops_blank_lines_and_reports_them():
    corpus = load(b"first line\n\n   \nsecond  line\n", "a.txt")
    assert corpus.texts == ["first line", "second line"]
    assert corpus.report.dropped["blank"] == 2
    assert corpus.report.kept == 2 and corpus.report.rows_read == 4


def test_csv_with_text_and_label_columns():
    data = b'id,sentence,topic\n1,"Hello, world",greeting\n2,Goodbye now,farewell\n'
    corpus = load(data, "a.csv", label_column="topic")
    assert corpus.texts == ["Hello, world", "Goodbye now"]  # 'sentence' guessed as the text column
    assert corpus.labels == ["greeting", "farewell"]


def test_tsv_named_text_column():
    corpus = load(b"label\tbody\nx\tone two\ny\tthree four\n", "a.tsv", text_column="body", label_column="label")
    assert corpus.texts == ["one two", "three four"] and corpus.labels == ["x", "y"]


def test_jsonl_objects_and_strings_with_broken_lines_reported():
    lines = [json.dumps({"text": "a first one", "label": "p"}), "{broken", json.dumps("a plain string")]
    corpus = load("\n".join(lines).encode(), "a.jsonl")
    assert corpus.texts == ["a first one", "a plain string"]
    assert corpus.report.dropped["invalid JSON lines"] == 1


def test_parquet_roundtrip():
    buffer = io.BytesIO()
    pd.DataFrame({"text": ["alpha beta", "gamma delta"], "label": ["a", "b"]}).to_parquet(buffer)
    corpus = load(buffer.getvalue(), "a.parquet", label_column="label")
    assert corpus.texts == ["alpha beta", "gamma delta"] and corpus.labels == ["a", "b"]
    assert corpus.report.file_format == "parquet"


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("héllo wörld\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "héllo wörld\n".encode(), "utf-8-sig"),
        ("héllo wörld\n".encode("utf-16"), "utf-16"),  # Python writes a BOM
        ("héllo wörld\n".encode("latin-1"), "latin-1"),
    ],
)
def test_encodings_are_detected(data, encoding):
    corpus = load(data, "a.txt")
    assert corpus.texts == ["héllo wörld"]
    assert corpus.report.encoding == encoding
    assert bool(corpus.report.notes) == (encoding == "latin-1")  # the guess is said in the report


def test_lowercase_truncate_and_drop_long_lines():
    data = b"One Two Three Four Five\nshort one\n"
    assert load(data, "a.txt", lowercase=True).texts[0] == "one two three four five"
    truncated = load(data, "a.txt", max_tokens=3)
    assert truncated.texts[0] == "One Two Three" and truncated.report.truncated == 1
    dropped = load(data, "a.txt", max_tokens=3, long_lines="drop")
    assert dropped.texts == ["short one"] and dropped.report.dropped["longer than 3 tokens"] == 1


def test_truncation_counts_punctuation_as_tokens():
    corpus = load(b"what , is it ?\n", "a.txt", max_tokens=2)
    assert corpus.texts == ["what ,"]


def test_dedupe_keeps_first_and_reports():
    corpus = load(b"same words\nsame   words\nother words\n", "a.txt", dedupe=True)
    assert corpus.texts == ["same words", "other words"]
    assert corpus.report.dropped["duplicate"] == 1


def test_split_is_deterministic_disjoint_and_complete():
    data = "".join(f"sentence number {i}\n" for i in range(100)).encode()
    a, b = load(data, "a.txt", seed=3), load(data, "a.txt", seed=3)
    c = load(data, "a.txt", seed=4)
    assert a.val_idx == b.val_idx and a.val_idx != c.val_idx
    assert len(a.val_idx) == 10 and not set(a.train_idx) & set(a.val_idx)
    assert sorted(a.train_idx + a.val_idx) == list(range(100))


def test_tiny_corpus_still_has_a_training_sentence():
    one = load(b"only one line here\n", "a.txt")
    assert one.train_texts == ["only one line here"] and one.val_texts == []


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "a.txt", "empty"),
        (b"   \n\n\t\n", "a.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a.txt", "PNG"),
        (b"PK\x03\x04rest", "a.csv", "zip"),
        (b"text\x00with\x00nul\n", "a.txt", "NUL"),
        (bytes(range(1, 32)) * 40, "a.txt", "binary"),
        (b"a,b\n1,2\n", "a.docx", "unsupported"),
        (b"label,text\nx,\ny,\n", "a.csv", "nothing usable"),
        (b'{"text": 1}\n[1]\n', "a.jsonl", "does not hold text"),
    ],
)
def test_bad_files_raise_corpus_error(data, name, message):
    with pytest.raises(CorpusError, match=message):
        load(data, name)


def test_missing_columns_and_empty_labels():
    data = b"label,text\n,hello there\n,general kenobi\n"
    with pytest.raises(CorpusError, match="no column 'body'"):
        load(data, "a.csv", text_column="body")
    with pytest.raises(CorpusError, match="no label column 'topic'"):
        load(data, "a.csv", label_column="topic")
    with pytest.raises(CorpusError, match="label column 'label' is empty"):
        load(data, "a.csv", label_column="label")


def test_ragged_csv_is_a_clear_error():
    with pytest.raises(CorpusError, match="could not read it as a table"):
        load(b"a,b\n1,2\n3,4,5,6\n", "a.csv")


def test_parquet_with_a_numeric_text_column():
    buffer = io.BytesIO()
    pd.DataFrame({"text": [1, 2, 3]}).to_parquet(buffer)
    with pytest.raises(CorpusError, match="does not hold text"):
        load(buffer.getvalue(), "a.parquet")


def test_damaged_parquet():
    with pytest.raises(CorpusError, match="Parquet"):
        load(b"PAR1 not really", "a.parquet")


def test_missing_path_and_bad_options(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        load_corpus(tmp_path / "nope.txt")
    with pytest.raises(ConfigError):
        load(b"hello\n", "a.txt", max_tokens=0)
    with pytest.raises(ConfigError):
        load(b"hello\n", "a.txt", val_fraction=1.0)


def test_extra_label_columns_stay_aligned_with_kept_rows():
    data = b"text\ttopic\tmood\nfirst one\ta\thappy\n\t\tsad\nsecond one\tb\tsad\n"
    corpus = load(data, "a.tsv", label_column="topic", extra_label_columns=("mood",))
    assert corpus.texts == ["first one", "second one"]
    assert corpus.labels == ["a", "b"] and corpus.label_sets["mood"] == ["happy", "sad"]
    with pytest.raises(CorpusError, match="no label column 'colour'"):
        load(data, "a.tsv", extra_label_columns=("colour",))


def test_table_columns_and_stats():
    from vae_core.data.corpus import column_choices, corpus_stats

    assert column_choices(b"label,text\nx,hello\n", "a.csv").columns == ["label", "text"]
    assert column_choices(b"hello\n", "a.txt").columns == []
    stats = corpus_stats(load(b"Hello world .\nhello again\n", "a.txt"))
    assert stats == {"sentences": 2, "tokens": 5, "vocabulary": 4, "lengths": [3, 2]}


def test_table_columns_refuses_bad_files_before_options_are_chosen():
    from vae_core.data.corpus import column_choices

    with pytest.raises(CorpusError, match="empty"):
        column_choices(b"", "a.txt")
    with pytest.raises(CorpusError, match="PNG"):
        column_choices(b"\x89PNG\r\n\x1a\n", "a.txt")


def test_the_label_column_is_guessed_like_the_text_column():
    import pandas as pd

    from vae_core.data.corpus import column_choices, guess_label_column

    named = pd.DataFrame({"id": ["1", "2"], "review": ["good food", "bad food"], "Sentiment": ["pos", "neg"]})
    assert guess_label_column(named, "review") == "Sentiment"
    rows = 40
    unnamed = pd.DataFrame(
        {
            "id": [str(i) for i in range(rows)],  # every value distinct: an id, not a label
            "text": [f"sentence number {i}" for i in range(rows)],
            "stars": [str(i % 5 + 1) for i in range(rows)],  # five values, each eight times
        }
    )
    assert guess_label_column(unnamed, "text") == "stars"
    assert guess_label_column(unnamed[["id", "text"]], "text") is None
    choices = column_choices(unnamed.to_csv(index=False).encode(), "reviews.csv")
    assert (choices.columns, choices.text, choices.label) == (["id", "text", "stars"], "text", "stars")
    assert column_choices(b"one line\nanother\n", "plain.txt").columns == []
