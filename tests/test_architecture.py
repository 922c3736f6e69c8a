"""The library's rooms import in data order only: a room may import itself and the rooms before it, never one after.

errors, device -> data -> model -> explore -> measure -> train -> store -> base -> cli (and vae_core's names)
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import vae_core

PACKAGE = Path(vae_core.__file__).parent
ROOMS = ["data", "model", "explore", "measure", "train", "store", "base"]
FOUNDATION = {"errors", "device", "_lazy"}  # imported by every room, importing none


def rank(module: str) -> int:
    """Where a module of vae_core ("vae_core.train.fit") stands in data order."""
    part = module.split(".")[1] if "." in module else ""
    if part in FOUNDATION:
        return 0
    if part in ROOMS:
        return 1 + ROOMS.index(part)
    return len(ROOMS) + 1  # the package's own __init__, cli, __main__: on top


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every vae_core module a file imports, at the top or inside a function."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
            found += [(node.lineno, n) for n in names if n.startswith("vae_core")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("vae_core")]
    return found


FILES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_later_room(path):
    here = module_name(path)
    upward = [f"line {line}: {target}" for line, target in imports(path) if rank(target) > rank(here)]
    assert not upward, f"{here} imports a room after its own: {upward}"


def test_every_module_sits_in_a_room():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.stem not in FOUNDATION | {"__init__", "__main__", "cli"}]
    assert not loose, f"modules outside the rooms {ROOMS}: {loose}"
    assert sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()) == sorted(ROOMS)


def test_the_architecture_table_lists_every_module():
    """ARCHITECTURE.md's module table is the one map of the code: it names every library and UI module, and no other."""
    doc = (PACKAGE.parent / "ARCHITECTURE.md").read_text()
    listed = set()
    for line in doc.splitlines():
        if line.startswith("| `"):
            listed.update(name.strip() for name in line.split("|")[1].replace("`", "").split(","))
    modules = [p for p in FILES if p.name != "__init__.py"] + sorted((PACKAGE.parent / "ui").rglob("[!_]*.py"))
    on_disk = {str(p.relative_to(PACKAGE.parent)) for p in modules}
    assert not on_disk - listed, f"modules missing from ARCHITECTURE.md: {sorted(on_disk - listed)}"
    assert not listed - on_disk, f"ARCHITECTURE.md lists modules that are not there: {sorted(listed - on_disk)}"


def test_every_public_name_resolves_and_importing_the_package_loads_no_torch():
    """`vae_core`'s names are written once (its _HOMES table) and imported on first use: `import vae_core` alone
    must not pull torch in (the app's first map waits on nothing heavy)."""
    code = (
        "import sys, vae_core; assert 'torch' not in sys.modules, 'import vae_core loaded torch'; "
        "assert vae_core.__all__ == sorted(set(vae_core.__all__)); "
        "[getattr(vae_core, name) for name in vae_core.__all__]; print(len(vae_core.__all__))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 30


def test_bench_modules_import_each_other_by_their_one_package_name():
    """bench/ is a package: a script imports a sibling as `bench.common`, never by its bare name (which would load
    the same file a second time under another name)."""
    bench = PACKAGE.parent / "bench"
    siblings = {p.stem for p in bench.glob("*.py")}
    bare = []
    for path in sorted(bench.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            bare += [f"{path.name}: {n}" for n in names if n.split(".")[0] in siblings]
    assert (bench / "__init__.py").is_file() and not bare, bare
