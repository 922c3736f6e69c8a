"""vae_core: a sentence VAE (Bowman et al. 2016) and the tools around it, with no UI in it.

corpus = load_corpus("sentences.txt")
tm = fit(corpus)                               # tokenizer + model + training + metrics
save_bundle(tm, "models/demo")
mu, logvar = encode(tm.model, tm.tokenizer, ["a sentence"])

Every name and room (sub-package) is imported on first use (PEP 562), so `import vae_core` costs nothing: the app's
first map reads shipped arrays and never waits on importing torch, the slowest import here (bench/README.md).
"""

import importlib

from ._lazy import submodules

_rooms = submodules(__name__)

_HOMES = {  # public name -> the submodule that defines it
    **dict.fromkeys(["bundle_to_zip", "import_zip", "load_bundle", "save_bundle"], "store.bundle"),
    **dict.fromkeys(["Corpus", "CorpusOptions", "CorpusReport", "load_corpus"], "data.corpus"),
    **dict.fromkeys(["DecodeConfig", "decode"], "model.decoding"),
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
        "explore.latent",
    ),
    "evaluate": "measure.metrics",
    **dict.fromkeys(["ModelConfig", "SentenceVAE"], "model.vae"),
    "BetaSchedule": "model.objective",
    **dict.fromkeys(["TrainedModel", "fit"], "train.fit"),
    **dict.fromkeys(["TextTokenizer", "TokenizerConfig"], "data.tokenizer"),
    **dict.fromkeys(["Progress", "TrainConfig", "TrainResult", "train_vae"], "train.loop"),
    "resolve_device": "device",
}


def __getattr__(name: str):
    """A public name from its submodule, or a room itself (`vae_core.explore`), imported when first asked for."""
    if name in _HOMES:
        value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value  # found once: later look-ups do not come here
        return value
    return _rooms(name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = sorted(_HOMES)  # the names are written once, in _HOMES
