"""The sentence VAE: the network and its encoder's batch loop (vae), the ELBO (objective), decoding strategies
(decoding), the pretrained sentence encoders (pretrained)."""

from .._lazy import submodules

__getattr__ = submodules(__name__)
