"""The notebook in docs/ runs in a fresh Jupyter kernel and shows its pictures.

The notebook is committed without outputs; this test executes it with nbclient and
checks that the trace table came out as HTML and every picture (the circuit, the
loss curve) as an image."""
import os
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "notebooks" / "first-steps.ipynb"
IMAGES = ("image/png", "image/svg+xml")


def _outputs(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") in
            ("execute_result", "display_data")]


def test_the_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")


def test_first_steps_notebook_runs_and_shows_its_pictures(monkeypatch, tmp_path):
    # the kernel inherits the environment: it must import this checkout's wengert and
    # pick matplotlib's Jupyter backend itself (no MPLBACKEND=Agg from a test runner)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT / "src")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()

    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    by_source = {c.source: _outputs(c) for c in code}

    def shown(fragment):
        [outs] = [o for s, o in by_source.items() if fragment in s]
        return {k for o in outs for k in o.get("data", {})}

    assert "text/html" in shown("explain.trace(griewank")             # the trace table
    assert shown("explain.graph(griewank") & set(IMAGES)               # the circuit
    assert shown("plot.loss_curve(history)") & set(IMAGES)             # the loss curve
    [table] = [o["data"]["text/html"] for o in by_source[next(
        s for s in by_source if "explain.trace(griewank" in s)]]
    assert "multiply(v_5, v_3)" in table and "<table" in table
    text = "".join(o.get("text", "") for c in code for o in c.outputs
                   if o.output_type == "stream")
    assert "w = 3.0" in text and "b = -0.5" in text                 # the fit converged
