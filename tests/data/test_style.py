"""A corpus's style is read feature by feature and written back byte for byte, whatever mixture a file is in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vae_core.data.style import Style, detect, restyle
from vae_core.data.tokenizer import natural_text_normalizer

SUBJECTS = ["It", "She", "The film", "Mr. Brown's dog", "That", "He"]
CLITICS = ["'s", "n't", "'ll", "'d", "'re", "'ve"]
VERBS = {"'s": "is", "n't": "do", "'ll": "will", "'d": "would", "'re": "are", "'ve": "have"}
ENDS = [".", "!", "?"]

natural_sentences = st.lists(
    st.tuples(
        st.sampled_from(SUBJECTS),
        st.sampled_from(CLITICS),
        st.sampled_from(["good", "a bit slow", "new"]),
        st.sampled_from(["(really)", "(sic)", "(twice)"]),
        st.sampled_from(ENDS),
    ),
    min_size=3,
    max_size=30,
).map(
    lambda rows: [
        f"{s} does{c} look {a}, {b} I think{e}" if c == "n't" else f"{s}{c} {a}, {b} I think{e}"
        for s, c, a, b, e in rows
    ]
)
styles = st.builds(Style, st.booleans(), st.booleans(), st.booleans(), st.booleans())


@settings(max_examples=200, deadline=None, derandomize=True)
@given(natural_sentences, styles)
def test_every_mixture_of_features_is_detected_and_written_back_byte_for_byte(sentences, style):
    corpus = [restyle(s, style) for s in sentences]
    found = detect(corpus)
    assert found == style
    assert [restyle(s, found) for s in sentences] == corpus


@settings(max_examples=100, deadline=None, derandomize=True)
@given(natural_sentences, styles)
def test_the_base_tokenizer_reads_every_mixture_as_the_same_english(sentences, style):
    """What the model reads does not depend on the style a file is written in (cases aside)."""
    read = natural_text_normalizer().normalize_str
    for natural in sentences:
        styled = restyle(natural, style)
        expected = natural.lower() if style.lowercase else natural
        assert read(styled.replace("-lrb-", "(").replace("-rrb-", ")")) == expected


def test_clitics_written_joined_stay_joined_while_punctuation_is_spaced():
    """The newcomer's corpus: lower-cased, punctuation spaced, but "it's" and "didn't" written joined."""
    corpus = ["it's a moving film , isn't it ?", "i didn't like it .", "a dull , slow film ."]
    style = detect(corpus)
    assert style == Style(lowercase=True, spaced_punctuation=True)
    assert restyle("I didn't like it, did you?", style) == "i didn't like it , did you ?"


def test_a_feature_no_sentence_shows_is_left_as_people_write_it():
    assert detect(["a film", "two films", "the end"]) == Style(lowercase=True)
    assert detect([]) == Style() and detect(["12 34", "56"]) == Style()


def test_a_style_saved_before_the_features_were_told_apart_loads_as_it_was_written():
    old = Style.from_dict({"lowercase": True, "tokenised": True})
    assert old == Style(lowercase=True, spaced_punctuation=True, split_clitics=True)
    assert Style.from_dict(old.to_dict()) == old and Style.from_dict("nonsense") == Style()
