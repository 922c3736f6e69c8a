"""What Latent Lab writes and reads back: atomic writes (atomic), model bundles (bundle, names), a user's workspace
(workspace), maps made elsewhere (external), latent tables (export)."""

from .._lazy import submodules

__getattr__ = submodules(__name__)
