"""vae_core: a sentence VAE (Bowman et al. 2016) and the tools around it, with no UI in it.

corpus = load_corpus("sentences.txt")
tm = fit(corpus)                               # tokenizer + model + training + metrics
save_bundle(tm, "models/demo")
mu, logvar = encode(tm.model, tm.tokenizer, ["a sentence"])

Every name and submodule is imported on first use (PEP 562), so `import vae_core` costs nothing: the app's first map
reads shipped arrays and never waits on importing torch, the slowest import here (bench/README.md).
"""

import importlib
from typing import TYPE_CHECKING

_HOMES = {  # public name -> the submodule that defines it
    **dict.fromkeys(["TrainedModel", "bundle_to_zip", "import_zip", "load_bundle", "save_bundle"], "bundle"),
    **dict.fromkeys(["Corpus", "CorpusOptions", "CorpusReport", "load_corpus"], "corpus"),
    **dict.fromkeys(["DecodeConfig", "decode"], "decoding"),
    **dict.fromkeys(["BundleError", "ConfigError", "CorpusError", "InputError", "LatentLabError"], "errors"),
    **dict.fromkeys(
        [
            "apply_attribute",
            "attribute_vector",
            "decode_latents",
            "encode",
            "interpolate",
            "neighbourhood",
            "reconstruct",
            "sample_prior",
        ],
        "latent",
    ),
    "evaluate": "metrics",
    **dict.fromkeys(["ModelConfig", "SentenceVAE"], "model"),
    "BetaSchedule": "objective",
    "fit": "pipeline",
    **dict.fromkeys(["TextTokenizer", "TokenizerConfig"], "tokenizer"),
    **dict.fromkeys(["Progress", "TrainConfig", "TrainResult", "resolve_device", "train_vae"], "training"),
}


def __getattr__(name: str):
    """A public name from its submodule, or a submodule itself (`vae_core.latent`), imported when first asked for."""
    if name in _HOMES:
        value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value  # found once: later look-ups do not come here
        return value
    try:
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.{name}":
            raise  # the submodule exists but needs something missing: say that, not "no attribute"
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


if TYPE_CHECKING:  # what the names are, for type checkers and editors
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
