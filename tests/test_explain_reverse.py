"""explain's reverse pass: the adjoint of every node and the gradient on every wire.

The recording's tape holds dual numbers (forward mode) inside its entries; the
adjoints and wire gradients it shows must be plain values equal to the derivatives
worked out by hand here: with fan-out (cotangents add, arrays large enough to be
added in place), a primitive with one joint reverse rule (a ``custom_vjp``), and
arguments that are not differentiated (constants, an integer argument).
"""
import numpy as onp
import pytest

import wengert
import wengert.numpy as np
from wengert import explain
from wengert._core import Box
from wengert.explain._record import Recording


def _recording(fun, *args):
    rec = Recording(fun, args, None, "test")
    node = {name: k for k, name in rec.names.items()}
    return rec, node


def _plain(v):
    """Neither the value nor anything inside it is a box."""
    if isinstance(v, (tuple, list)):
        return all(_plain(x) for x in v)
    return not isinstance(v, Box)


def _check_plain(rec):
    assert all(_plain(v) for v in rec.adjoints)
    assert all(_plain(v) for v in rec.wire_grads.values())


def test_scalar_fan_out():
    def f(x, y):
        a = x * x              # v_1: x used twice by one operation
        b = np.sin(x)          # v_2: and once more
        c = b * y              # v_3
        return a + c           # v_4

    x, y = 0.7, -1.3
    rec, n = _recording(f, x, y)
    _check_plain(rec)
    adj = {name: rec.adjoints[k] for name, k in n.items()}
    assert adj == pytest.approx({"v_4": 1.0, "v_3": 1.0, "v_1": 1.0, "v_2": y,
                                 "y": onp.sin(x), "x": 2 * x + y * onp.cos(x)}, rel=1e-15)
    wires = {(rec.names[k], i): g for (k, i), g in rec.wire_grads.items()}
    assert wires == pytest.approx({("v_1", 0): x, ("v_1", 1): x, ("v_2", 0): y * onp.cos(x),
                                   ("v_3", 0): y, ("v_3", 1): onp.sin(x),
                                   ("v_4", 0): 1.0, ("v_4", 1): 1.0}, rel=1e-15)


def test_array_fan_out_adds_without_touching_wire_gradients():
    # 10,000 float64 (80 kB): cotangents of this size may be added in place; the
    # gradient shown on each wire must stay what that wire carried
    x = onp.linspace(-2.0, 2.0, 10_000)

    def f(x):
        return np.sum(x * x + np.sin(x) + x)   # v_1 multiply, v_2 sin, v_3 add, v_4 add, v_5 sum

    rec, n = _recording(f, x)
    _check_plain(rec)
    ones = onp.ones_like(x)
    assert rec.seed == 1.0 and rec.adjoints[n["v_5"]] == 1.0
    for name in ("v_4", "v_3", "v_1", "v_2"):
        onp.testing.assert_array_equal(rec.adjoints[n[name]], ones)
    onp.testing.assert_allclose(rec.adjoints[n["x"]], 2 * x + onp.cos(x) + 1.0, rtol=1e-15,
                               atol=1e-15)   # a sum of three terms, near 0 in places
    expected = {("v_5", 0): ones, ("v_4", 0): ones, ("v_4", 1): ones, ("v_3", 0): ones,
                ("v_3", 1): ones, ("v_1", 0): x, ("v_1", 1): x, ("v_2", 0): onp.cos(x)}
    wires = {(rec.names[k], i): g for (k, i), g in rec.wire_grads.items()}
    assert sorted(wires) == sorted(expected)
    for key, want in expected.items():
        onp.testing.assert_allclose(wires[key], want, rtol=1e-15, err_msg=str(key))


@wengert.custom_vjp
def _scaled(x, y):
    return x * y


# deliberately not the derivative of x * y (3 and 5 times it), so that the numbers
# show that the primitive's own joint rule was used
_scaled.defvjp(lambda x, y: (x * y, (x, y)),
               lambda res, g: (3.0 * g * res[1], 5.0 * g * res[0]))


def test_joint_rule():
    x, y = 0.7, -1.3
    rec, n = _recording(lambda x, y: _scaled(x, y) * 2.0, x, y)
    _check_plain(rec)
    assert rec.entries[n["v_1"]].prim.vjp_joint is not None
    assert rec.adjoints[n["x"]] == pytest.approx(3.0 * 2.0 * y, rel=1e-15)
    assert rec.adjoints[n["y"]] == pytest.approx(5.0 * 2.0 * x, rel=1e-15)
    # the joint rule's cotangents go to the wires of the arguments that are nodes
    by_arg = dict((pk, i) for i, pk in rec.entries[n["v_1"]].parents)
    assert rec.wire_grads[(n["v_1"], by_arg[n["x"]])] == pytest.approx(3.0 * 2.0 * y, rel=1e-15)
    assert rec.wire_grads[(n["v_1"], by_arg[n["y"]])] == pytest.approx(5.0 * 2.0 * x, rel=1e-15)


def test_joint_rule_with_a_constant_argument():
    x, y = 0.7, -1.3
    rec, n = _recording(lambda x, y: _scaled(x, 4.0) * 2.0 + 0.0 * y, x, y)
    _check_plain(rec)
    v1 = n["v_1"]
    assert [pk for _, pk in rec.entries[v1].parents] == [n["x"]]     # 4.0 is no node
    assert rec.adjoints[n["x"]] == pytest.approx(3.0 * 2.0 * 4.0, rel=1e-15)
    assert [key for key in rec.wire_grads if key[0] == v1] == [(v1, rec.entries[v1].parents[0][0])]


def test_nondifferentiated_arguments():
    A = onp.array([[3.0, 1.0], [0.5, 2.0]])
    b = onp.array([1.0, -2.0])

    def f(A, b, n):       # n: an integer, a constant of the recording
        return np.sum(np.linalg.solve(A, b) ** n)

    rec, node = _recording(f, A, b, 3)
    _check_plain(rec)
    assert "n" not in node
    xs = onp.linalg.solve(A, b)
    gx = 3 * xs ** 2
    gb = onp.linalg.solve(A.T, gx)
    onp.testing.assert_allclose(rec.adjoints[node["b"]], gb, rtol=1e-14)
    onp.testing.assert_allclose(rec.adjoints[node["A"]], -onp.outer(gb, xs), rtol=1e-14)
    solve = node["v_1"]
    onp.testing.assert_allclose(rec.adjoints[solve], gx, rtol=1e-14)
    onp.testing.assert_allclose(rec.wire_grads[(solve, 1)], gb, rtol=1e-14)
    onp.testing.assert_allclose(rec.wire_grads[(solve, 0)], -onp.outer(gb, xs), rtol=1e-14)
    power = node["v_2"]
    assert [i for (k, i) in rec.wire_grads if k == power] == [0]   # not into the exponent


def test_output_independent_of_the_inputs():
    rec, n = _recording(lambda x: 2.0, 1.0)
    assert rec.out_node is None and rec.seed is None
    assert rec.adjoints == [None] and rec.wire_grads == {}


def test_detect_nonfinite_watches_the_reverse_pass():
    # finite values and tangents; the adjoint of v_1 overflows (1e10 * 1e300)
    def f(x):
        return x * 1e-300 * 1e300 * 1e10

    assert str(explain.trace(f, 1.0)).splitlines()[2].split()[-1] == "inf"   # x's adjoint
    with explain.detect_nonfinite():
        with pytest.raises(FloatingPointError,
                           match=r"numpy\.multiply produced inf in the cotangent of its argument "
                                 r"0 \(reverse pass\).*called at .*test_explain_reverse\.py:"):
            explain.trace(f, 1.0)
