"""The library's own error types: each carries a message written for a person, not a traceback."""


class LatentLabError(Exception):
    """Base class: anything the user can fix (bad file, bad setting, bad bundle)."""


class CorpusError(LatentLabError):
    """The text file cannot be read, or nothing usable is left in it."""


class ConfigError(LatentLabError):
    """A setting is out of range or inconsistent with another one."""


class BundleError(LatentLabError):
    """A saved model is missing, damaged, of an unknown version, or unsafe to open."""


class InputError(LatentLabError):
    """A sentence or a latent vector given at inference time cannot be used."""


class OutputExistsError(LatentLabError):
    """An output path is taken: by something Latent Lab did not write (never replaced), or by a Latent Lab output
    that only an explicit overwrite may replace."""


class ReadOnlyError(LatentLabError):
    """A write into a workspace opened read-only (through a shared link): it needs the workspace's own id."""
