"""wengert.explain: golden trace tables and circuit diagrams for the lecture notes' examples
(R. P. Adams, Computing Gradients with Backpropagation; Cornell CS 4740 lecture 13, notes
by T. Gangavarapu; Stanford CS231n, Backpropagation, Intuitions; a blog post on reverse-mode
automatic differentiation with a small NumPy tape)."""
import re

import numpy as onp
import pytest

import wengert
import wengert.numpy as np
from wengert import explain


def griewank(x1, x2):  # Griewank and Walther's example in Adams's notes, v_1 ... v_6
    v1 = x1 / x2
    v2 = np.sin(v1)
    v3 = np.exp(x2)
    v4 = v1 - v3
    v5 = v2 + v4
    return v5 * v4


def diamond(x, y, z):  # the diamond of the blog post on a small NumPy tape
    h1 = x * y
    h2 = y * z
    h = h1 * h2
    return h * h


def circuit(x, y, z):  # CS 4740 and CS231n: f = (x + y) z
    q = x + y
    return q * z


def neuron(w0, x0, w1, x1, w2):  # CS231n: a 2-d neuron with a sigmoid
    return 1.0 / (1.0 + np.exp(-(w0 * x0 + w1 * x1 + w2)))


def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    return np.mean((h @ W2 + b2 - y) ** 2)


def mlp_args():
    rng = onp.random.default_rng(0)
    return (rng.normal(size=(3, 4)), onp.zeros(4), rng.normal(size=(4, 1)), onp.zeros(1),
            rng.normal(size=(5, 3)), rng.normal(size=(5, 1)))


GRIEWANK = """\
trace of griewank at x1=1.5, x2=0.5; tangent along (x1, x2) = (1.0, 0.0); adjoint = d(output)/d(var), output = v_6
var  definition           value  tangent   adjoint
x1   input               1.5000   1.0000    3.0118
x2   input               0.5000   0.0000  -13.7240
v_1  divide(x1, x2)      3.0000   2.0000    1.5059
v_2  sin(v_1)            0.1411  -1.9800    1.3513
v_3  exp(x2)             1.6487   0.0000   -2.8437
v_4  subtract(v_1, v_3)  1.3513   2.0000    2.8437
v_5  add(v_2, v_4)       1.4924   0.0200    1.3513
v_6  multiply(v_5, v_4)  2.0166   3.0118    1.0000"""

DIAMOND = """\
trace of diamond at x=3.0, y=2.0, z=1.0; tangent along (x, y, z) = (1.0, 0.0, 0.0); adjoint = d(output)/d(var), output = v_4
var  definition             value  tangent   adjoint
x    input                 3.0000   1.0000   96.0000
y    input                 2.0000   0.0000  288.0000
z    input                 1.0000   0.0000  288.0000
v_1  multiply(x, y)        6.0000   2.0000   48.0000
v_2  multiply(y, z)        2.0000   0.0000  144.0000
v_3  multiply(v_1, v_2)   12.0000   4.0000   24.0000
v_4  multiply(v_3, v_3)  144.0000  96.0000    1.0000"""

CIRCUIT = """\
trace of circuit at x=-2.0, y=5.0, z=-4.0; tangent along (x, y, z) = (1.0, 0.0, 0.0); adjoint = d(output)/d(var), output = v_2
var  definition           value  tangent  adjoint
x    input              -2.0000   1.0000  -4.0000
y    input               5.0000   0.0000  -4.0000
z    input              -4.0000   0.0000   3.0000
v_1  add(x, y)           3.0000   1.0000  -4.0000
v_2  multiply(v_1, z)  -12.0000  -4.0000   1.0000"""


# -- trace tables ------------------------------------------------------------------------
def test_griewank_table_matches_the_notes():
    assert str(explain.trace(griewank, 1.5, 0.5, tangent=(1.0, 0.0))) == GRIEWANK


def test_griewank_numbers_agree_with_grad_and_jvp():
    t = explain.trace(griewank, 1.5, 0.5)
    rec = t.recording
    g = wengert.grad(griewank, (0, 1))(1.5, 0.5)
    assert [rec.adjoints[k] for k in rec.inputs] == pytest.approx([float(v) for v in g], rel=1e-12)
    _, tan = wengert.jvp(griewank, (1.5, 0.5), (1.0, 0.0))
    assert rec.tangents[rec.out_node] == pytest.approx(tan, rel=1e-12)
    # tangent along x2 equals the adjoint of x2: forward and reverse agree
    t2 = explain.trace(griewank, 1.5, 0.5, tangent=(0.0, 1.0))
    assert t2.rows[-1].tangent == "-13.7240" == t2.rows[1].adjoint


def test_diamond_tape_matches_the_notes():
    assert str(explain.trace(diamond, 3.0, 2.0, 1.0)) == DIAMOND


def test_circuit_table_matches_the_notes():
    assert str(explain.trace(circuit, -2.0, 5.0, -4.0)) == CIRCUIT


def test_small_and_large_numbers_keep_their_significant_digits():
    """Four decimals would print a derivative of 1e-9 as 0.0000: below 0.001 and
    from 1e6 on the table switches to scientific notation."""
    t = explain.trace(lambda x: 1e-9 * x + 3e7 * x, 2.0)
    v1, v2 = t.rows[1], t.rows[2]
    assert (v1.value, v1.tangent) == ("2.0000e-09", "1.0000e-09")
    assert (v2.value, v2.tangent) == ("6.0000e+07", "3.0000e+07")
    assert t.rows[0].adjoint == "3.0000e+07"
    small = explain.trace(lambda x: x * 0.0042, 1.0, digits=2)
    assert small.rows[1].value == "4.20e-03" and small.rows[0].value == "1.00"
    # exact zeros and the worked examples' numbers keep the fixed decimals
    assert str(explain.trace(griewank, 1.5, 0.5, tangent=(1.0, 0.0))) == GRIEWANK


def test_constants_are_inline_literals_and_not_rows():
    t = explain.trace(lambda x: 2.0 * x + 1.0, 3.0)
    assert [r.definition for r in t.rows] == ["input", "multiply(2.0, x)", "add(v_1, 1.0)"]


def test_unnamed_parameters_become_x1_x2():
    t = explain.trace(lambda *a: a[0] * a[1], 2.0, 3.0)
    assert [r.name for r in t.rows] == ["x1", "x2", "v_1"]
    assert t.rows[-1].definition == "multiply(x1, x2)"


def test_filters_and_summary_line():
    text = str(explain.trace(griewank, 1.5, 0.5, ops=["multiply", "numpy.sin"]))
    names = [line.split()[0] for line in text.splitlines()[2:]]
    assert names == ["x1", "x2", "v_2", "v_6", "..."]
    assert text.endswith("... 4 more rows not shown: 1 divide, 1 exp, 1 subtract, 1 add")
    text = str(explain.trace(diamond, 3.0, 2.0, 1.0, max_rows=4))
    assert text.splitlines()[-1] == "... 3 more rows not shown: 3 multiply"
    assert len(text.splitlines()) == 1 + 1 + 4 + 1


def test_markdown_and_html():
    t = explain.trace(circuit, -2.0, 5.0, -4.0)
    md = t.to_markdown()
    assert "| v_1 | add(x, y) | 3.0000 | 1.0000 | -4.0000 |" in md.splitlines()
    assert md.splitlines()[3] == "|---|---|--:|--:|--:|"
    h = t._repr_html_()
    assert h.startswith("<table>") and h.count("<tr>") == 1 + 5
    assert "<code>multiply(v_1, z)</code>" in h


def test_arrays_show_shape_dtype_and_summary():
    args = mlp_args()
    t = explain.trace(mlp_loss, *args)
    rows = {r.name: r for r in t.rows}
    assert rows["W1"].value.startswith("float64[3, 4] min ")
    assert rows["v_1"].definition == "matmul(x, W1)"
    assert rows["v_1"].value.startswith("float64[5, 4] ")
    assert rows["v_7"].definition == "power(v_6, 2)"
    assert re.fullmatch(r"-?\d+\.\d{4}", rows["v_8"].value)  # the scalar loss
    gW1 = wengert.grad(mlp_loss)(*args)
    norm = float(rows["W1"].adjoint.rsplit(" ", 1)[1])
    assert norm == pytest.approx(onp.linalg.norm(gW1), rel=1e-3)
    _, tan = wengert.jvp(lambda W: mlp_loss(W, *args[1:]), (args[0],), (onp.ones((3, 4)),))
    assert rows["v_8"].tangent == f"{tan:.4f}"


def test_tree_arguments_and_integer_constants():
    t = explain.trace(lambda p, n: p["w"] * n + p["b"], {"w": 2.0, "b": 1.0}, 3)
    assert [r.name for r in t.rows] == ["p['w']", "p['b']", "v_1", "v_2"]
    assert [r.definition for r in t.rows[2:]] == ["multiply(p['w'], 3)", "add(v_1, p['b'])"]
    t = explain.trace(lambda ws: ws[0] * ws[1], [2.0, 3.0])
    assert t.rows[-1].definition == "multiply(ws[0], ws[1])"


def test_output_independent_of_inputs():
    t = explain.trace(lambda x: 1.0, 2.0)
    assert "does not depend on the inputs" in str(t)
    assert [r.adjoint for r in t.rows] == ["0.0000"]


def test_bad_input_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"explain.trace: tangent must be a tuple .*2"):
        explain.trace(griewank, 1.5, 0.5, tangent=(1.0,))
    with pytest.raises(ValueError, match="max_rows"):
        explain.trace(griewank, 1.5, 0.5, max_rows=0)
    with pytest.raises(TypeError, match="explain.trace: fun must be callable"):
        explain.trace(3.0, 1.0)
    with pytest.raises(TypeError, match="no arguments"):
        explain.trace(griewank)
    with pytest.raises(ValueError, match="tangent for x .* shape"):
        explain.trace(lambda x: np.sum(x), onp.ones(3), tangent=(onp.ones(2),))
    with pytest.raises(TypeError, match="one output at a time"):
        explain.trace(lambda x: (x, x), 1.0)


# -- circuit diagrams --------------------------------------------------------------------
def test_circuit_dot_structure():
    dot = explain.graph(circuit, -2.0, 5.0, -4.0).to_dot()
    lines = dot.splitlines()
    assert lines[0] == "digraph circuit {" and lines[-1] == "}"
    assert sum("shape=ellipse" in s for s in lines) == 3          # inputs x, y, z
    assert sum("shape=box" in s for s in lines) == 2              # gates add, multiply
    assert '  out [label="output" shape=doublecircle];' in lines
    edges = [s for s in lines if "->" in s]
    assert len(edges) == 5
    assert ('  n3 -> n4 [label=<<font color="darkgreen">3.00</font><br/>'
            '<font color="red">-4.00</font>>];') in edges
    assert ('  n2 -> n4 [label=<<font color="darkgreen">-4.00</font><br/>'
            '<font color="red">3.00</font>>];') in edges


def test_neuron_wires_match_the_notes():
    g = explain.graph(neuron, 2.0, -1.0, -3.0, -2.0, -3.0)
    into_inputs = [(a, v, gr) for a, b, v, gr in g.edges() if a in ("n0", "n1", "n2", "n3", "n4")]
    assert into_inputs == [("n0", "2.00", "-0.20"), ("n1", "-1.00", "0.39"),
                           ("n2", "-3.00", "-0.39"), ("n3", "-2.00", "-0.59"),
                           ("n4", "-3.00", "0.20")]
    labels = [label for _, label, kind in g.nodes() if kind == "gate"]
    assert labels[-3:] == ["exp", "add(1.0, ·)", "divide(1.0, ·)"]
    assert g.edges()[-1] == ("n12", "out", "0.73", "1.00")


def test_fan_out_wires_carry_their_own_share():
    g = explain.graph(diamond, 3.0, 2.0, 1.0)
    into_y = [gr for a, _, _, gr in g.edges() if a == "n1"]
    assert into_y == ["144.00", "144.00"]  # two wires; the adjoint of y is their sum, 288


def test_array_graph_shows_shapes():
    dot = explain.graph(mlp_loss, *mlp_args()).to_dot()
    assert '<font color="darkgreen">float64[5, 3]</font>' in dot
    assert 'label="power(·, 2)"' in dot
    assert re.search(r'<font color="red">norm [\d.]+</font>', dot)


def test_save_dot_and_missing_graphviz(tmp_path, monkeypatch):
    g = explain.graph(circuit, -2.0, 5.0, -4.0)
    p = g.save(tmp_path / "c.dot")
    assert open(p).read() == g.to_dot() + "\n"
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt install graphviz.*leave engine unset"):
        g.save(tmp_path / "c.svg", engine="graphviz")
    with pytest.raises(ValueError, match="engine must be"):
        g.save(tmp_path / "c.svg", engine="dot")
    with pytest.raises(ValueError, match="Graph.save: .*unknown suffix 'jpeg'"):
        g.save(tmp_path / "c.jpeg")


def test_indexing_and_multi_output_read_like_code():
    def f(A):
        sign, logdet = np.linalg.slogdet(A)
        return logdet + A[0, ::2].sum() + A[1:, None][0, 0, 1]
    t = explain.trace(f, 2.0 * onp.eye(2))
    defs = [r.definition for r in t.rows]
    assert defs[1:6] == ["linalg.slogdet(A)", "v_1[0]", "v_1[1]", "A[0, ::2]", "sum(v_4)"]
    assert "A[1:, None]" in defs
    assert t.rows[1].value == "(1.0000, 1.3863)"
    g = explain.graph(f, 2.0 * onp.eye(2))
    assert [label for _, label, _ in g.nodes()][2:5] == ["[0]", "[1]", "[0, ::2]"]
    gA = wengert.grad(f)(2.0 * onp.eye(2))
    assert t.recording.adjoints[0] == pytest.approx(gA)


def test_long_chain_is_one_loop_and_summarized():
    def chain(x):
        for _ in range(3000):
            x = np.sin(x)
        return x
    t = explain.trace(chain, 1.0, max_rows=3)
    assert str(t).splitlines()[-1] == "... 2998 more rows not shown: 2998 sin"
    assert len(explain.graph(chain, 1.0).edges()) == 3001


def test_jupyter_reprs_are_strings_of_the_right_kind():
    t = explain.trace(circuit, -2.0, 5.0, -4.0)
    assert t._repr_markdown_() == t.to_markdown() and "|---|" in t._repr_markdown_()
    assert t._repr_html_().startswith("<table><caption>trace of circuit")
    c = explain.cost(circuit, -2.0, 5.0, -4.0, repeat=1)
    assert c._repr_markdown_().startswith("**cost of circuit**")
    pytest.importorskip("matplotlib")
    svg = explain.graph(circuit, -2.0, 5.0, -4.0)._repr_svg_()
    assert isinstance(svg, str) and "<svg" in svg[:1000] and svg.rstrip().endswith("</svg>")


def test_readme_shows_the_trace_the_library_prints():
    import pathlib

    def griewank(x1, x2):  # as in the README
        v1 = x1 / x2
        v4 = v1 - np.exp(x2)
        return (np.sin(v1) + v4) * v4
    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert str(explain.trace(griewank, 1.5, 0.5)) in readme
