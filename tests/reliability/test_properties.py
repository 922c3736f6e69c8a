"""Property-based tests: whatever bytes or text arrive, corpus loading and tokenisation either work or raise
the library's own error type, never anything else."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vae_core import CorpusOptions, LatentLabError, TextTokenizer, TokenizerConfig, load_corpus
from vae_core.data.readers import FORMATS

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(FORMATS))
def test_arbitrary_bytes_never_crash_the_loader(data, fmt):
    try:
        corpus = load_corpus(data, CorpusOptions(), name=f"x.{fmt}")
    except LatentLabError as e:
        assert str(e)
    else:
        assert corpus.texts and all(t.strip() for t in corpus.texts)


@SETTINGS
@given(text=st.text(max_size=500), fmt=st.sampled_from(("txt", "csv", "tsv", "jsonl")))
def test_arbitrary_text_never_crashes_the_loader(text, fmt):
    try:
        load_corpus(text.encode("utf-8"), CorpusOptions(), name=f"x.{fmt}")
    except LatentLabError as e:
        assert str(e)


@SETTINGS
@given(train=st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=20), probe=st.text(max_size=200))
def test_tokenizer_round_trips_anything(train, probe):
    tokenizer = TextTokenizer.train(train, TokenizerConfig(min_frequency=1))
    ids = tokenizer.encode([probe])[0]
    assert all(0 <= i < tokenizer.vocab_size for i in ids)
    assert isinstance(tokenizer.decode(ids), str)


@SETTINGS
@given(words=st.lists(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8), min_size=1, max_size=12))
def test_known_words_decode_to_themselves(words):
    tokenizer = TextTokenizer.train([" ".join(words)], TokenizerConfig(min_frequency=1))
    assert tokenizer.decode(tokenizer.encode([" ".join(words)])[0]) == " ".join(words)
