"""A corpus's writing style, so a model that reads every style as natural text writes back in the user's own.

Research corpora are lower-cased and tokenised ("do n't panic ."), people write "Don't panic.". The base model's
tokenizer reads both as natural text (tokenizer.natural_text_normalizer); its decoder writes natural text, which
`restyle` turns back into the corpus's style: lower-cased where the corpus is, tokenised where it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKENISED_MARKS = re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)\b| [.,!?;:](?: |$)|-lrb-|-rrb-|``|''", re.IGNORECASE)
_PUNCT = re.compile(r"([.,!?;:%)\]}\"]+)(?=\s|$)")  # closing marks stuck to a word
_OPENING = re.compile(r"(^|\s)([(\[{\"$]+)(?=\S)")  # opening marks stuck to the next word
_CLITIC = re.compile(r"(?<=\w)(n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Style:
    """How a corpus writes: lower-cased or not, tokenised (spaces around punctuation and clitics) or natural."""

    lowercase: bool = False
    tokenised: bool = False

    @property
    def natural(self) -> bool:
        return not (self.lowercase or self.tokenised)

    def to_dict(self) -> dict:
        return {"lowercase": self.lowercase, "tokenised": self.tokenised}

    @classmethod
    def from_dict(cls, found: object) -> Style:
        """A style from JSON; anything malformed is the natural style."""
        if not isinstance(found, dict):
            return cls()
        return cls(lowercase=found.get("lowercase") is True, tokenised=found.get("tokenised") is True)


def detect(texts: list[str], sample: int = 2000) -> Style:
    """The style most of the first `sample` sentences are written in."""
    texts = [t for t in texts[:sample] if t.strip()]
    if not texts:
        return Style()
    with_letters = [t for t in texts if any(c.isalpha() for c in t)]
    lower = sum(t == t.lower() for t in with_letters) > 0.9 * max(len(with_letters), 1)
    marked = sum(bool(_TOKENISED_MARKS.search(t)) for t in texts)
    return Style(lowercase=lower, tokenised=marked > 0.5 * len(texts))


def restyle(text: str, style: Style) -> str:
    """Natural text written in `style`: "Don't panic." -> "do n't panic ." for a lower-cased, tokenised corpus."""
    if style.tokenised:
        text = _CLITIC.sub(r" \1", text)
        text = _OPENING.sub(r"\1\2 ", text)
        text = _PUNCT.sub(lambda m: " " + " ".join(m.group(1)), text)
        text = _SPACES.sub(" ", text).strip()
    return text.lower() if style.lowercase else text
