"""The demo's first map needs no torch: everything Explore draws it from ships in assets/demo_map.npz, and torch (the
slowest import of the app) loads only after the map is on its way (bench/README.md, "The first map")."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in a new process, with torch made impossible to import: the app opens Explore on the demo; the page stops at
# its first use of torch, and the test reads what it had drawn by then.
SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    os.environ["LATENT_LAB_WARMUP"] = "0"

    class NoTorch:
        def find_spec(self, name, path=None, target=None):
            if name == "torch" or name.startswith("torch."):
                raise ImportError("torch blocked by the test")

    sys.meta_path.insert(0, NoTorch())
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("app.py", default_timeout=120)
    at.switch_page("pages/explore.py").run()  # a new session's first run, on Explore
    spec = json.loads(at.get("plotly_chart")[0].proto.spec) if at.get("plotly_chart") else {"data": []}
    drawn = [t for t in spec["data"] if t.get("meta") == "sentences"]
    print(json.dumps({
        "traces": len(drawn),
        "errors": [e.value for e in at.error],
        "exception": [e.message for e in at.exception],
    }))
    """
)


def test_the_demo_map_is_drawn_before_torch_is_imported():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["traces"] > 0, result  # the map, drawn from shipped arrays
    assert not result["errors"], result
    assert all("torch blocked by the test" in m for m in result["exception"]), result  # torch only after the map


def test_importing_the_app_modules_imports_no_torch():
    modules = "ui.state, ui.latents, ui.cards, ui.figures, ui.downloads, ui.layers, ui.share, ui.cache, vae_core"
    code = f"import sys; import {modules}; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
