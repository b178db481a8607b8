"""wengert.explain pictures: the layered layout and the matplotlib drawing (no Graphviz)."""
import pathlib
import sys
import xml.etree.ElementTree as ET

import numpy as onp
import pytest

import wengert.numpy as np
from wengert import explain
from wengert.cli import main
from wengert.explain.layout import crossings, layered_layout

from test_explain import circuit, griewank, neuron
from test_explain_groups import NEURON
from test_explain_groups import neuron as neuron_gated

pytest.importorskip("matplotlib", reason="pictures need the plot extra (matplotlib)")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def mlp3(params, x, y):
    """A 3-layer MLP's loss with an L2 penalty: 34 nodes."""
    (W1, b1), (W2, b2), (W3, b3) = params
    h = sigmoid(x @ W1 + b1)
    h = np.tanh(h @ W2 + b2)
    penalty = sum(np.sum(W ** 2) for W, _ in params)
    return np.mean((h @ W3 + b3 - y) ** 2) + 1e-3 * penalty


def mlp3_args():
    rng = onp.random.default_rng(1)
    sizes = [3, 8, 8, 1]
    params = [(rng.normal(size=(m, n)), onp.zeros(n)) for m, n in zip(sizes, sizes[1:])]
    return params, rng.normal(size=(6, 3)), rng.normal(size=(6, 1))


def _svg_texts(data):
    root = ET.fromstring(data)
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text]


# -- layout ------------------------------------------------------------------------------
def test_layers_are_longest_paths_and_long_wires_get_points():
    lay = layered_layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("a", "c"), ("a", "d")])
    assert [lay.layer[n] for n in "abcd"] == [0, 1, 2, 1]
    assert [lv for lv, _ in lay.routes[2]] == [1] and lay.routes[0] == []
    with pytest.raises(ValueError, match="topological order"):
        layered_layout(["a", "b"], [("b", "a")])
    with pytest.raises(ValueError, match="unknown node"):
        layered_layout(["a"], [("a", "z")])


def test_barycenter_ordering_removes_crossings():
    # given in a crossing order: a1 -> c2, a2 -> c1
    nodes = ["a1", "a2", "c1", "c2"]
    edges = [("a1", "c2"), ("a2", "c1")]
    assert crossings([(0, 1), (1, 0)]) == 1
    lay = layered_layout(nodes, edges)
    assert lay.crossings == 0
    assert (lay.y["a1"] < lay.y["a2"]) == (lay.y["c2"] < lay.y["c1"])
    gap = abs(lay.y["c1"] - lay.y["c2"])
    assert gap >= 1.0 - 1e-9  # the minimum gap is kept


# -- pictures ----------------------------------------------------------------------------
def test_svg_has_gates_inputs_output_and_wire_labels(tmp_path):
    path = explain.graph(circuit, -2.0, 5.0, -4.0).save(tmp_path / "c.svg")
    data = open(path, "rb").read()
    texts = _svg_texts(data)
    for label in ("x", "y", "z", "add", "multiply", "output"):
        assert label in texts
    # the notes' circuit: values -2, 5, -4, 3, -12 and gradients -4, -4, 3, -4, 1
    for value in ("-2.00", "5.00", "-4.00", "3.00", "-12.00", "1.00"):
        assert value in texts
    assert b"#1a7f37" in data and b"#cf222e" in data  # green values, red gradients


def test_png_and_pdf_files(tmp_path):
    g = explain.graph(griewank, 1.5, 0.5)
    png = open(g.save(tmp_path / "g.png"), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    pdf = open(g.save(tmp_path / "g.pdf"), "rb").read()
    assert pdf[:5] == b"%PDF-"


def test_svg_is_reproducible_and_jupyter_repr():
    g = explain.graph(neuron, 2.0, -1.0, -3.0, -2.0, -3.0)
    svg = g._repr_svg_()
    assert isinstance(svg, str) and svg == g.render("svg").decode()
    assert "divide(1.0, ·)" in _svg_texts(svg.encode())
    assert "0.73" in svg and "-0.20" in svg


def test_mlp_graph_renders_with_shapes(tmp_path):
    g = explain.graph(mlp3, *mlp3_args())
    assert 30 <= len(g.nodes()) <= 60
    texts = _svg_texts(open(g.save(tmp_path / "mlp.svg"), "rb").read())
    assert texts.count("matmul") == 3 and texts.count("tanh") == 1 and "exp" in texts
    assert "float64[6, 8]" in texts and any(t.startswith("norm ") for t in texts)


def test_large_graph_draws_a_summary():
    def chain(x):
        for _ in range(400):
            x = np.sin(x)
        return x
    texts = " ".join(_svg_texts(explain.graph(chain, 1.0).render("svg")))
    assert "402 nodes" in texts and "sin: 400" in texts and "collapse=True" in texts


def test_missing_matplotlib_names_the_extra(monkeypatch, tmp_path):
    g = explain.graph(circuit, -2.0, 5.0, -4.0)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "wengert\[plot\]".*\.dot'):
        g.save(tmp_path / "c.svg")
    assert g._repr_svg_() is None
    assert g.save(tmp_path / "c.dot")  # text always works


def test_cli_writes_svg_and_png(tmp_path, capsys):
    svg, png = tmp_path / "f.svg", tmp_path / "f.png"
    assert main(["explain", "(x + y) * z", "--at", "x=-2", "y=5", "z=-4",
                 "--svg", str(svg), "--png", str(png)]) == 0
    assert f"wrote {svg}" in capsys.readouterr().out
    assert "multiply" in _svg_texts(svg.read_bytes())
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_expanded_gate_is_framed_and_collapsed_gate_is_one_box():
    expanded = _svg_texts(explain.graph(neuron_gated, *NEURON, collapse=False).render("svg"))
    assert "sigmoid" in expanded and "exp" in expanded and "negative" in expanded
    collapsed = _svg_texts(explain.graph(neuron_gated, *NEURON).render("svg"))
    assert "sigmoid" in collapsed and "exp" not in collapsed


def test_readme_pictures_are_committed_and_made_by_wengert():
    images = pathlib.Path(__file__).resolve().parents[1] / "docs" / "images"
    texts = _svg_texts((images / "griewank_circuit.svg").read_bytes())
    for label in ("x1", "x2", "divide", "sin", "exp", "subtract", "multiply", "output",
                  "3.01", "-9.04", "-4.69", "2.02"):
        assert label in texts
    assert "sigmoid" in _svg_texts((images / "neuron_sigmoid_gate.svg").read_bytes())


def test_html_outputs_fit_a_notebook_cell():
    """Jupyter's CSS right-aligns table cells; a wide circuit must scale to the cell."""
    pytest.importorskip("matplotlib")
    import wengert.numpy as _wnp
    from wengert import explain as _explain
    t = _explain.trace(lambda x, y: _wnp.sin(x * y), 1.0, 2.0)
    html = t._repr_html_()
    assert '<td style="text-align:left"><code>' in html
    assert '<th style="text-align:left">' in html
    svg = _explain.graph(lambda x: _wnp.tanh(x) * 2.0, 0.5)._repr_svg_()
    head = svg[svg.index("<svg "):].split(">", 1)[0]
    assert "max-width:max(100%," in head and "height:auto" in head and "viewBox" in head
