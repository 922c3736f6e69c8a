"""vae_core: a sentence VAE (Bowman et al. 2016) and the tools around it, with no UI in it.

corpus = load_corpus("sentences.txt")
tm = fit(corpus)                               # tokenizer + model + training + metrics
save_bundle(tm, "models/demo")
mu, logvar = encode(tm.model, tm.tokenizer, ["a sentence"])
"""

from .bundle import TrainedModel, bundle_to_zip, import_zip, load_bundle, save_bundle
from .corpus import Corpus, CorpusOptions, CorpusReport, load_corpus
from .decoding import DecodeConfig, decode
from .errors import BundleError, ConfigError, CorpusError, InputError, LatentLabError
from .latent import (
    apply_attribute,
    attribute_vector,
    decode_latents,
    encode,
    interpolate,
    neighbourhood,
    reconstruct,
    sample_prior,
)
from .metrics import evaluate
from .model import ModelConfig, SentenceVAE
from .objective import BetaSchedule
from .pipeline import fit
from .tokenizer import TextTokenizer, TokenizerConfig
from .training import Progress, TrainConfig, TrainResult, resolve_device, train_vae

__all__ = [
    "BetaSchedule",
    "BundleError",
    "ConfigError",
    "Corpus",
    "CorpusError",
    "CorpusOptions",
    "CorpusReport",
    "DecodeConfig",
    "InputError",
    "LatentLabError",
    "ModelConfig",
    "Progress",
    "SentenceVAE",
    "TextTokenizer",
    "TokenizerConfig",
    "TrainConfig",
    "TrainResult",
    "TrainedModel",
    "apply_attribute",
    "attribute_vector",
    "bundle_to_zip",
    "decode",
    "decode_latents",
    "encode",
    "evaluate",
    "fit",
    "import_zip",
    "interpolate",
    "load_bundle",
    "load_corpus",
    "neighbourhood",
    "reconstruct",
    "resolve_device",
    "sample_prior",
    "save_bundle",
    "train_vae",
]
