"""wengert.explain gates and grouping: a user function shown as one gate, collapsible."""
import re

import numpy as onp
import pytest

import wengert
import wengert.numpy as np
from wengert import explain


@explain.gate("sigmoid")
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def neuron(w0, x0, w1, x1, w2):  # CS231n's 2-d neuron, with the sigmoid as one gate
    return sigmoid(w0 * x0 + w1 * x1 + w2)


NEURON = (2.0, -1.0, -3.0, -2.0, -3.0)

COLLAPSED = """\
trace of neuron at w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0; tangent along (w0, x0, w1, x1, w2) = (1.0, 0.0, 0.0, 0.0, 0.0); adjoint = d(output)/d(var), output = v_8
var  definition          value  tangent  adjoint
w0   input              2.0000   1.0000  -0.1966
x0   input             -1.0000   0.0000   0.3932
w1   input             -3.0000   0.0000  -0.3932
x1   input             -2.0000   0.0000  -0.5898
w2   input             -3.0000   0.0000   0.1966
v_1  multiply(w0, x0)  -2.0000  -1.0000   0.1966
v_2  multiply(w1, x1)   6.0000   0.0000   0.1966
v_3  add(v_1, v_2)      4.0000  -1.0000   0.1966
v_4  add(v_3, w2)       1.0000  -1.0000   0.1966
v_8  sigmoid(v_4)       0.7311  -0.1966   1.0000"""


def test_gate_collapses_to_one_row_with_the_notes_numbers():
    assert str(explain.trace(neuron, *NEURON)) == COLLAPSED


def test_expanded_rows_are_marked_with_their_group():
    t = explain.trace(neuron, *NEURON, collapse=False)
    assert [r.group for r in t.rows][-5:] == ["", "sigmoid", "sigmoid", "sigmoid", "sigmoid"]
    lines = str(t).splitlines()
    assert lines[-4].split()[:3] == ["v_5", "sigmoid:", "negative(v_4)"]
    assert lines[-1].split()[:3] == ["v_8", "sigmoid:", "divide(1.0,"]
    md = t.to_markdown()
    assert "| v_6 | sigmoid: exp(v_5) |" in md
    assert "<i>sigmoid:</i> <code>exp(v_5)</code>" in t._repr_html_()
    # the collapsed row carries the same numbers as the group's last operation
    collapsed = explain.trace(neuron, *NEURON).rows[-1]
    assert collapsed[3:6] == t.rows[-1][3:6]


def test_gate_is_transparent_to_grad_and_jvp():
    g = wengert.grad(neuron, (0, 1, 2, 3, 4))(*NEURON)
    assert onp.allclose(g, [-0.19661193, 0.39322387, -0.39322387, -0.5898358, 0.19661193])
    assert wengert.grad(sigmoid)(0.0) == pytest.approx(0.25)
    assert sigmoid.__name__ == "sigmoid" and sigmoid.gate_name == "sigmoid"


def test_graph_collapsed_gate_and_wires():
    g = explain.graph(neuron, *NEURON)
    assert [(n, lab) for n, lab, kind in g.nodes() if kind == "group"] == [("g0", "sigmoid")]
    assert ("n8", "g0", "1.00", "0.20") in g.edges()      # as in CS231n: input 1.0, gradient 0.2
    assert g.edges()[-1] == ("g0", "out", "0.73", "1.00")
    dot = g.to_dot()
    assert 'g0 [label="sigmoid" shape=box style="rounded,filled,bold"' in dot
    assert "exp" not in dot and "cluster" not in dot


def test_graph_expanded_is_a_cluster():
    dot = explain.graph(neuron, *NEURON, collapse=False).to_dot()
    block = re.search(r"subgraph cluster_0 \{\n(.*?)\n  \}", dot, re.S).group(1)
    assert 'label="sigmoid"' in block and "n9; n10; n11; n12;" in block
    assert '[label="exp"' in dot


def test_scope_nested_and_partial_collapse():
    def f(x):
        with explain.scope("layer1"):
            y = sigmoid(x * 2.0) + 1.0
        with explain.scope("layer2"):
            return np.log(y) * y
    t = explain.trace(f, 0.5)
    assert [r.definition for r in t.rows] == ["input", "layer1(x)", "layer2(v_6)"]
    t = explain.trace(f, 0.5, collapse=["sigmoid"])
    assert [(r.group, r.definition) for r in t.rows][1:4] == [
        ("layer1", "multiply(x, 2.0)"), ("", "sigmoid(v_1)"), ("layer1", "add(v_5, 1.0)")]
    assert "v_6  layer1: add(v_5, 1.0)" in str(t)
    t = explain.trace(f, 0.5, collapse=False)
    assert t.rows[2].group == "layer1/sigmoid"
    dot = explain.graph(f, 0.5, collapse=False).to_dot()
    assert dot.count("subgraph cluster_") == 3
    assert re.search(r'subgraph cluster_0 \{\n.*label="layer1".*\n    n1; n6;\n'
                     r'    subgraph cluster_1 \{', dot)
    dot = explain.graph(f, 0.5, collapse=["sigmoid"]).to_dot()
    assert "g0" in re.search(r'cluster_0 \{(.*?)\}', dot, re.S).group(1)


def test_group_with_two_outputs_and_scope_errors():
    @explain.gate
    def polar(x, y):
        return np.hypot(x, y), np.arctan2(y, x)

    def f(x, y):
        r, phi = polar(x, y)
        return r * phi
    t = explain.trace(f, 1.0, 1.0)
    assert [r.definition for r in t.rows][2:] == ["polar(x, y)[0]", "polar(x, y)[1]",
                                                  "multiply(v_1, v_2)"]
    wires = [e for e in explain.graph(f, 1.0, 1.0).edges() if e[0] == "g0"]
    assert [w[1] for w in wires] == ["n4", "n4"]
    with pytest.raises(TypeError, match="explain.scope: name must be a non-empty string"):
        explain.scope("")
    with pytest.raises(TypeError, match="explain.gate: name must be"):
        explain.gate(3)


def test_scope_outside_explain_and_after_errors_does_nothing():
    with explain.scope("idle"):
        assert wengert.grad(lambda x: x * x)(3.0) == 6.0

    def bad(x):
        with explain.scope("boom"):
            raise RuntimeError("inside")
    with pytest.raises(RuntimeError, match="inside"):
        explain.trace(bad, 1.0)
    from wengert.explain import groups
    assert groups._ACTIVE.spans == []


def test_mlp_layers_as_gates(tmp_path):
    pytest.importorskip("matplotlib")

    @explain.gate("dense")
    def dense(W, b, x):
        return np.tanh(x @ W + b)

    def loss(params, x, y):
        for W, b in params[:-1]:
            x = dense(W, b, x)
        W, b = params[-1]
        return np.mean((x @ W + b - y) ** 2)
    rng = onp.random.default_rng(0)
    params = [(rng.normal(size=(m, n)), onp.zeros(n)) for m, n in [(3, 8), (8, 8), (8, 1)]]
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    t = explain.trace(loss, params, x, y)
    assert [r.op for r in t.rows].count("dense") == 2
    # a gate's inputs read in the order of its parameters (W, b, x), not of first use
    assert [r.definition for r in t.rows if r.op == "dense"][0] == \
        "dense(params[0][0], params[0][1], x)"
    g = explain.graph(loss, params, x, y)
    assert [lab for _, lab, kind in g.nodes() if kind == "group"] == ["dense", "dense"]
    svg = open(g.save(tmp_path / "mlp.svg"), encoding="utf-8").read()
    assert svg.count(">dense<") == 2
