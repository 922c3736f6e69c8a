"""How good a model is: ELBO terms, IW-NLL, mutual information, active units (metrics), sentence -> z -> sentence
(roundtrip), two embedding spaces of the same sentences compared (compare)."""

from .._lazy import submodules

__getattr__ = submodules(__name__)
