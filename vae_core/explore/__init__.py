"""What a user does with a latent space: encode, decode, interpolate, sample (latent), 2-D maps and neighbours
(projection), a map spot back to a latent (inverse), how the corpus covers the space (coverage), clusters and their
words (clusters), the corpus's thin places decoded (gaps), maps along chosen directions (axes)."""

from .._lazy import submodules

__getattr__ = submodules(__name__)
