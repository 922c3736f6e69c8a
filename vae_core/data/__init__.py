"""Data in: corpus files read and cleaned (readers, corpus, streaming), the tokenizer and the styles it reads and
writes (tokenizer, style), padded batches of token ids (batching)."""

from .._lazy import submodules

__getattr__ = submodules(__name__)
