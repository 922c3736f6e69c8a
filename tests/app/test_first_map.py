"""What a newcomer waits for needs no torch: the Learn page's text, and the demo's first map (everything Explore draws
it from ships in assets/demo_map.npz). Torch, the slowest import of the app, loads only below them
(bench/README.md, "The first map without torch")."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run in a new process, with torch made impossible to import: a new session opens PAGE on the demo; the page stops at
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
    at.switch_page(sys.argv[1]).run()  # a new session's first run, on that page
    spec = json.loads(at.get("plotly_chart")[0].proto.spec) if at.get("plotly_chart") else {"data": []}
    print(json.dumps({
        "title": [t.value for t in at.title],
        "subheaders": [h.value for h in at.subheader],
        "map_traces": sum(t.get("meta") == "sentences" for t in spec["data"]),
        "errors": [e.value for e in at.error],
        "exception": [e.message for e in at.exception],
    }))
    """
)


def open_without_torch(page: str) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, page], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result["errors"], result
    assert all("torch blocked by the test" in m for m in result["exception"]), result  # torch only below
    return result


def test_the_demo_map_is_drawn_before_torch_is_imported():
    result = open_without_torch("pages/explore.py")
    assert result["map_traces"] > 0, result  # the map, drawn from shipped arrays


def test_the_learn_page_shows_its_text_before_torch_is_imported():
    result = open_without_torch("pages/learn.py")
    assert result["title"] == ["Latent Lab"], result
    assert {"Start here", "How a sentence VAE works"} <= set(result["subheaders"]), result


def test_importing_the_app_modules_imports_no_torch():
    modules = "ui.state, ui.latents, ui.cards, ui.figures, ui.downloads, ui.layers, ui.share, ui.cache, ui.training"
    code = f"import sys; import {modules}, ui.replay_view, vae_core; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "False"
