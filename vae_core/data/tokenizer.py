"""The corpus's tokenizer, trained with Hugging Face `tokenizers` and saved as tokenizer.json: word-level (each word a
token, rare words <unk>) or BPE subwords (rare words in pieces, so nothing becomes <unk> and decoding gives the text
back with its own spacing)."""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass

from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers
from tokenizers.models import BPE, WordLevel
from tokenizers.trainers import BpeTrainer, WordLevelTrainer

from ..errors import BundleError, ConfigError
from .style import Style, restyle

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIAL_TOKENS = [PAD, BOS, EOS, UNK]  # ids 0..3, in this order
KINDS = ("word", "bpe", "byte-bpe")


@dataclass
class TokenizerConfig:
    """Vocabulary and normalisation settings."""

    kind: str = "word"  # "word": whole words; "bpe": subword pieces (Sennrich et al. 2016); "byte-bpe": pieces of
    # UTF-8 bytes (any text at all is spelt, never <unk>), cased, reading research corpora's "do n't ." style as
    # natural text (the base model's tokenizer, see `natural_text_normalizer`)
    min_frequency: int = 2
    max_vocab: int = 20000  # words, including the 4 special tokens
    subword_vocab: int = 4000  # BPE: pieces, including the specials (frequent words stay whole, rare ones split)
    lowercase: bool = True
    strip_accents: bool = False
    unicode_form: str = "NFKC"  # "NFC", "NFKC", "NFD", "NFKD" or "" for none

    def __post_init__(self) -> None:
        self.validate()  # a config is checked once, where it is built

    def validate(self) -> None:
        if self.kind not in KINDS:
            raise ConfigError(f"unknown tokenizer kind {self.kind!r}: use one of {', '.join(KINDS)}.")
        if self.min_frequency < 1:
            raise ConfigError(f"min_frequency must be at least 1 (got {self.min_frequency}).")
        if self.subword_vocab < 64 or self.subword_vocab > 1_000_000:
            raise ConfigError(f"subword_vocab must be from 64 to 1,000,000 (got {self.subword_vocab}).")
        if self.max_vocab < len(SPECIAL_TOKENS) + 1:
            raise ConfigError(f"max_vocab must be at least {len(SPECIAL_TOKENS) + 1} (got {self.max_vocab}).")
        if self.unicode_form not in ("", "NFC", "NFKC", "NFD", "NFKD"):
            raise ConfigError(f"unknown unicode_form {self.unicode_form!r}.")


# Research corpora write "do n't panic ." and "-lrb- sic -rrb-"; people write "don't panic." and "(sic)". The base
# tokenizer reads both as the natural form, so a model sees one English whichever style a user's file is in.
# (The tokenized style is undone as a normalizer, inside tokenizer.json, so every reader of the bundle applies it.)
_NATURAL_TEXT = [
    ("\u2019", "'"),  # typographic quotes and apostrophes as typed on a keyboard
    ("\u2018", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("`` ", '"'),  # Penn Treebank's quotes: `` opens, '' closes, each a token of its own
    (" ''", '"'),
    ("``", '"'),
    ("''", '"'),
    ("-lrb-", "("),
    ("-rrb-", ")"),
    ("-LRB-", "("),
    ("-RRB-", ")"),
    (Regex(r" (?=n't\b)"), ""),  # do n't -> don't
    (Regex(r"(?<=\w) (?='(s|re|ve|ll|d|m)\b)"), ""),  # it 's -> it's
    (Regex(r" (?=[.,!?;:%)\]}]+(\s|$))"), ""),  # word . -> word.
    (Regex(r"(?<=[(\[{$]) "), ""),  # ( word -> (word
    (Regex(r"\s+"), " "),
]


def natural_text_normalizer() -> normalizers.Normalizer:
    """NFKC, then research corpora's tokenized style turned into natural text (no lower-casing)."""
    return normalizers.Sequence([normalizers.NFKC()] + [normalizers.Replace(a, b) for a, b in _NATURAL_TEXT])


def _normalizer(cfg: TokenizerConfig) -> normalizers.Normalizer:
    steps = []
    if cfg.unicode_form:
        steps.append(getattr(normalizers, cfg.unicode_form)())
    if cfg.strip_accents:
        steps += [normalizers.NFD(), normalizers.StripAccents(), normalizers.NFC()]
    if cfg.lowercase:
        steps.append(normalizers.Lowercase())
    return normalizers.Sequence(steps)


class TextTokenizer:
    """Thin wrapper over `tokenizers.Tokenizer` that knows the special ids and adds bos/eos."""

    def __init__(self, tokenizer: Tokenizer, style: Style | None = None):
        self.tk = tokenizer
        self.style = style or Style()  # how decoded text is written (see `with_style`)
        ids = [tokenizer.token_to_id(t) for t in SPECIAL_TOKENS]
        if ids != list(range(len(SPECIAL_TOKENS))):
            raise BundleError("the tokenizer's special tokens <pad> <bos> <eos> <unk> are missing or out of order.")
        self.pad_id, self.bos_id, self.eos_id, self.unk_id = ids

    def with_style(self, style: Style) -> TextTokenizer:
        """The same tokenizer writing its decoded text in `style` (a corpus's own, feature by feature: style.py)."""
        return TextTokenizer(self.tk, style)

    @property
    def reads_natural_text(self) -> bool:
        """Whether this tokenizer reads research corpora's tokenised style as natural text (the byte-bpe kind)."""
        return isinstance(self.tk.pre_tokenizer, pre_tokenizers.ByteLevel)

    @classmethod
    def train(cls, texts: list[str], cfg: TokenizerConfig | None = None) -> TextTokenizer:
        """Learn a vocabulary of words, or of BPE subwords, from `texts`."""
        cfg = cfg or TokenizerConfig()
        if cfg.kind == "byte-bpe":  # GPT-2's byte-level pieces: every string is spelt, nothing is <unk>
            tk = Tokenizer(BPE())
            tk.normalizer = natural_text_normalizer()
            tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
            tk.decoder = decoders.ByteLevel()
            trainer = BpeTrainer(
                vocab_size=cfg.subword_vocab,
                min_frequency=cfg.min_frequency,
                special_tokens=SPECIAL_TOKENS,
                initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                show_progress=False,
            )
            tk.train_from_iterator(texts, trainer=trainer)
            return cls(tk)
        if cfg.kind == "bpe":  # spaces kept as ▁ inside the pieces, so the decoder restores them exactly
            tk = Tokenizer(BPE(unk_token=UNK))
            tk.pre_tokenizer = pre_tokenizers.Metaspace()
            tk.decoder = decoders.Metaspace()
            trainer = BpeTrainer(
                vocab_size=cfg.subword_vocab,
                min_frequency=cfg.min_frequency,
                special_tokens=SPECIAL_TOKENS,
                initial_alphabet=list(string.ascii_letters + string.digits + string.punctuation),  # any English
                show_progress=False,  # word can be spelt, even one with a letter the corpus never used
            )
        else:
            tk = Tokenizer(WordLevel(unk_token=UNK))
            tk.pre_tokenizer = pre_tokenizers.Whitespace()
            trainer = WordLevelTrainer(
                vocab_size=cfg.max_vocab, min_frequency=cfg.min_frequency, special_tokens=SPECIAL_TOKENS
            )
        tk.normalizer = _normalizer(cfg)
        tk.train_from_iterator(texts, trainer=trainer)
        return cls(tk)

    @property
    def vocab_size(self) -> int:
        return self.tk.get_vocab_size()

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, without bos/eos."""
        return [e.ids for e in self.tk.encode_batch(list(texts), add_special_tokens=False)]

    def tokens(self, text: str) -> list[str]:
        """The tokens of one text as the model sees them (unknown words become <unk>)."""
        return [self.tk.id_to_token(i) for i in self.encode([text])[0]]

    def piece(self, token_id: int) -> str:
        """One token as a reader sees it: a subword's own text ("Ġby" is " by"; a piece that starts a word starts
        with a space), a word as it is, <eos> and the other special tokens by name."""
        token = self.tk.id_to_token(int(token_id)) or UNK
        if self.tk.decoder is None or token in SPECIAL_TOKENS:
            return token
        return self.tk.decode([int(token_id)], skip_special_tokens=False)

    def decode(self, ids: list[int]) -> str:
        """Text of a token id sequence: stops at eos, skips pad/bos; words are joined with the spaces before
        punctuation closed up, subwords by the tokenizer's own decoder."""
        pieces = []
        for i in ids:
            if i == self.eos_id:
                break
            if i in (self.pad_id, self.bos_id):
                continue
            pieces.append(int(i))
        if self.tk.decoder is not None:  # BPE: an unknown piece is shown as word-level shows it
            text = self.tk.decode(pieces, skip_special_tokens=False).replace(UNK, UNKNOWN_SHOWN).strip()
            return text if self.style.natural else restyle(text, self.style)
        text = detokenize([self.tk.id_to_token(i) or UNK for i in pieces])
        return text if self.style.natural else restyle(text, self.style)

    def to_json(self) -> str:
        return self.tk.to_str()

    @classmethod
    def from_json(cls, text: str) -> TextTokenizer:
        """Parse tokenizer.json (plain JSON, never executed)."""
        try:
            json.loads(text)
            tokenizer = Tokenizer.from_str(text)
        except Exception as e:  # json and the Rust parser raise different types
            raise BundleError(f"tokenizer.json is not a valid tokenizer: {e}") from e
        return cls(tokenizer)


def as_written(tokenizer: TextTokenizer, texts: list[str]) -> list[str]:
    """Each text as the model could write it back: normalised, tokenised and detokenised by its own tokenizer."""
    return [tokenizer.decode(ids) for ids in tokenizer.encode(texts)]


UNKNOWN_SHOWN = "▢"  # how a word outside the vocabulary is written for a reader, instead of the markup <unk>
_NO_SPACE_BEFORE = re.compile(r" ([.,!?;:%)\]}])(?=\s|$)")
_NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")
_DECIMAL = re.compile(r"(\d) ([.,]) (\d)")  # 5 . 5 -> 5.5, 1 , 000 -> 1,000
_APOSTROPHE = re.compile(r"(\w) ' (\w)")  # don ' t -> don't, it ' s -> it's (how the word tokenizer splits them)
_CLITIC = re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE)  # Penn Treebank's do n't, it 's
_QUOTED = re.compile(r'" (.*?) "')  # " fine " -> "fine"


def detokenize(words: list[str]) -> str:
    """Word tokens as a person writes them: spaces closed up before . , ! ? etc. and inside quotes, brackets,
    decimals and contractions ("do n't", "don ' t" -> "don't"), unknown words as UNKNOWN_SHOWN."""
    text = " ".join(UNKNOWN_SHOWN if w == UNK else w for w in words)
    text = _QUOTED.sub(r'"\1"', _CLITIC.sub(r"\1", _APOSTROPHE.sub(r"\1'\2", _DECIMAL.sub(r"\1\2\3", text))))
    return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", text))
