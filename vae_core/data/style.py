"""A corpus's writing style, feature by feature, so a model that reads every style as natural text writes back in the
user's own.

Research corpora are lower-cased and tokenised ("do n't panic ."), people write "Don't panic.", and many files mix
the two ("it's a film , isn't it ?": punctuation spaced, clitics joined). The base model's tokenizer reads every
style as natural text (tokenizer.natural_text_normalizer); its decoder writes natural text, which `restyle` turns
back into the corpus's style one feature at a time: lower-cased where the corpus is, punctuation spaced where it is,
clitics split where they are, brackets written -lrb- where they are. `detect` decides each feature on the sentences
that could show it, so a corpus with no clitic at all is not taken to split them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

_CLITICS = r"n't|'s|'re|'ve|'ll|'d|'m"
_SPLIT_CLITIC = re.compile(rf"(?<=\w) ({_CLITICS})\b", re.IGNORECASE)  # do n't, it 's
_JOINED_CLITIC = re.compile(rf"(?<=\w)({_CLITICS})\b", re.IGNORECASE)  # don't, it's
_SPACED_MARK = re.compile(r"(?<=\w) [.,!?;:](?= |$)")  # word . / word ,
_ATTACHED_MARK = re.compile(r"(?<=\w)[.,!?;:](?= |$)")  # word. / word,
_PTB_BRACKET = re.compile(r"-[lr][rcs]b-", re.IGNORECASE)  # -lrb- -rrb- (and -lcb-, -lsb-)
_BRACKET = re.compile(r"[()]")
_PUNCT = re.compile(r"([.,!?;:%)\]}\"]+)(?=\s|$)")  # closing marks stuck to a word
_OPENING = re.compile(r"(^|\s)([(\[{\"$]+)(?=\S)")  # opening marks stuck to the next word
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Style:
    """How a corpus writes, one feature each: lower-cased; punctuation set apart by spaces ("film ."); clitics split
    off ("do n't"); round brackets written as Penn Treebank's -lrb- / -rrb-."""

    lowercase: bool = False
    spaced_punctuation: bool = False
    split_clitics: bool = False
    ptb_brackets: bool = False

    @property
    def natural(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, found: object) -> Style:
        """A style from JSON; anything malformed is the natural style. A bundle saved before the features were told
        apart says `tokenised`: spaced punctuation and split clitics, as it was written back then."""
        if not isinstance(found, dict):
            return cls()
        old = found.get("tokenised") is True
        flags = {f.name: found.get(f.name) is True for f in fields(cls)}
        flags["spaced_punctuation"] |= old
        flags["split_clitics"] |= old
        return cls(**flags)


def _majority(texts: list[str], yes: re.Pattern, no: re.Pattern) -> bool:
    """Whether most of the sentences that show a feature either way (`yes` or `no`) show it as `yes`."""
    shown = [(bool(yes.search(t)), bool(no.search(t))) for t in texts]
    votes_yes = sum(y and not n for y, n in shown)
    votes_no = sum(n and not y for y, n in shown)
    return votes_yes > votes_no


def detect(texts: list[str], sample: int = 2000) -> Style:
    """The style of the first `sample` sentences, each feature by a majority of the sentences that show it."""
    texts = [t for t in texts[:sample] if t.strip()]
    with_letters = [t for t in texts if any(c.isalpha() for c in t)]
    lower = bool(with_letters) and sum(t == t.lower() for t in with_letters) > 0.9 * len(with_letters)
    return Style(
        lowercase=lower,
        spaced_punctuation=_majority(texts, _SPACED_MARK, _ATTACHED_MARK),
        split_clitics=_majority(texts, _SPLIT_CLITIC, _JOINED_CLITIC),
        ptb_brackets=_majority(texts, _PTB_BRACKET, _BRACKET),
    )


def restyle(text: str, style: Style) -> str:
    """Natural text written in `style`, feature by feature: "Don't panic (now)." -> "do n't panic -lrb- now -rrb- ."
    for a corpus with every feature."""
    if style.split_clitics:
        text = _JOINED_CLITIC.sub(r" \1", text)
    if style.spaced_punctuation:
        text = _OPENING.sub(r"\1\2 ", text)
        text = _PUNCT.sub(lambda m: " " + " ".join(m.group(1)), text)
        text = _SPACES.sub(" ", text).strip()
    if style.ptb_brackets:
        text = text.replace("(", "-lrb-").replace(")", "-rrb-")
    return text.lower() if style.lowercase else text
