"""Submodules imported on first use (PEP 562), so importing a package costs nothing until a part of it is asked for:
the app's first map never waits on torch (see vae_core/__init__.py)."""

import importlib
from collections.abc import Callable


def submodules(package: str) -> Callable[[str], object]:
    """A module-level `__getattr__` for `package` that imports `package.name` when `name` is first asked for."""

    def __getattr__(name: str) -> object:
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{package}.{name}":
                raise  # the submodule exists but needs something missing: say that, not "no attribute"
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None

    return __getattr__
