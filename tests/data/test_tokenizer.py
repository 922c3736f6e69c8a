"""The word-level tokenizer built with `tokenizers`."""

import pytest

from vae_core import BundleError, ConfigError, TextTokenizer, TokenizerConfig
from vae_core.data.tokenizer import SPECIAL_TOKENS, detokenize

TEXTS = ["The cat sat.", "the cat ran!", "A dog sat.", "Rare word"]


def test_special_tokens_come_first():
    tk = TextTokenizer.train(TEXTS)
    assert (tk.pad_id, tk.bos_id, tk.eos_id, tk.unk_id) == (0, 1, 2, 3)
    assert [tk.tk.id_to_token(i) for i in range(4)] == SPECIAL_TOKENS


def test_min_frequency_and_unknown_words():
    tk = TextTokenizer.train(TEXTS, TokenizerConfig(min_frequency=2))
    assert tk.tokens("the cat flew .") == ["the", "cat", "<unk>", "."]
    assert "rare" not in tk.tk.get_vocab()  # seen once


def test_max_vocab_bounds_the_vocabulary():
    tk = TextTokenizer.train(TEXTS, TokenizerConfig(min_frequency=1, max_vocab=7))
    assert tk.vocab_size == 7


def test_normalisation_is_configurable():
    cased = TextTokenizer.train(TEXTS, TokenizerConfig(min_frequency=1, lowercase=False))
    assert "The" in cased.tk.get_vocab()
    accents = TextTokenizer.train(["café café"], TokenizerConfig(min_frequency=1, strip_accents=True))
    assert accents.tokens("café") == ["cafe"]


def test_json_roundtrip_and_decode():
    tk = TextTokenizer.train(TEXTS, TokenizerConfig(min_frequency=1))
    again = TextTokenizer.from_json(tk.to_json())
    ids = again.encode(["the cat sat ."])[0]
    assert ids == tk.encode(["the cat sat ."])[0]
    assert again.decode([tk.bos_id, *ids, tk.eos_id, ids[0]]) == "the cat sat."  # stops at eos


def test_broken_tokenizer_json_is_a_bundle_error():
    with pytest.raises(BundleError):
        TextTokenizer.from_json('{"not": "a tokenizer"}')


def test_detokenize_closes_up_punctuation():
    assert detokenize(["what", "is", "it", "?"]) == "what is it?"
    assert detokenize(["(", "a", ")", ",", "b"]) == "(a), b"


def test_detokenize_writes_contractions_quotes_numbers_and_unknown_words_as_people_do():
    words = "i don ' t know , it ' s 5 . 5 <unk> and \" fine \" ; it was n't black monday".split()
    assert detokenize(words) == "i don't know, it's 5.5 ▢ and \"fine\"; it wasn't black monday"


def test_subwords_spell_out_rare_words_and_decode_to_the_text():
    """BPE: a word never seen whole is written in pieces (not <unk>) and decoding restores the text as written."""
    texts = ["the cat sat on the mat .", "the dog sat on the log .", "a cat and a dog ."] * 20
    tk = TextTokenizer.train(texts, TokenizerConfig(kind="bpe", subword_vocab=64))
    for text in ["the caterpillar sat on the dogma .", "Cats don't sit ."]:
        ids = tk.encode([text])[0]
        assert tk.unk_id not in ids
        assert tk.decode(ids) == text.lower()
    assert tk.decode([tk.bos_id, *tk.encode(["the cat"])[0], tk.eos_id, 7, 8]) == "the cat"  # stops at <eos>
    loaded = TextTokenizer.from_json(tk.to_json())
    assert loaded.decode(loaded.encode(["the dogma ."])[0]) == "the dogma ."


def test_an_unknown_tokenizer_kind_is_refused():
    with pytest.raises(ConfigError, match="tokenizer kind"):
        TokenizerConfig(kind="chars").validate()
