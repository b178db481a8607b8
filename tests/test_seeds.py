"""Every worked number of the four lecture notes in shared/seeds, reproduced by
wengert, in forward and in reverse mode wherever both make sense.

The notes round what they print, so a computed value matches a printed one
when it rounds to it: ``|value - printed| <= 0.5 * 10**-digits``.  Two numbers
of 000 are not the correctly rounded values of the function they describe
(the notes carry rounded intermediates along); the tests for those say so and
pin the exact value another way.

Gradients of intermediate values ("wires") come from a ``wengert.Tape`` in
reverse mode; in forward mode from nudging that one wire by a dual epsilon.
"""
import fractions
import math
import re

import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert.extend import defjvp, defvjp, primitive


# -- helpers ---------------------------------------------------------------------------
def assert_prints(value, printed, digits):
    """``value`` shown with ``digits`` decimals, as the notes round, is ``printed``."""
    value = float(value)
    assert abs(value - printed) <= 0.5 * 10.0 ** -digits, (
        f"{value!r} does not print as {printed} with {digits} decimals")


def close(a, b, tol=1e-12):
    """Two computations of the same exact quantity (not a printed number)."""
    return numpy.allclose(a, b, rtol=tol, atol=tol)


def wire_values(circuit, inputs):
    """Plain evaluation; ``{wire: value}`` for the inputs and every tapped wire."""
    wires = dict(inputs)

    def tap(name, value):
        wires[name] = value
        return value

    circuit(dict(inputs), tap)
    return {k: float(v) for k, v in wires.items()}


def wire_grads_reverse(circuit, inputs):
    """d(output)/d(wire) for every wire: one reverse pass of a Tape that
    recorded the inputs and every tapped intermediate."""
    wires = {}
    with wengert.Tape() as tape:
        xs = {k: tape.watch(float(v)) for k, v in inputs.items()}
        wires.update(xs)

        def tap(name, value):
            wires[name] = value
            return value

        out = circuit(xs, tap)
    return {k: float(g) for k, g in tape.gradient(out, wires).items()}


def wire_grads_forward(circuit, inputs):
    """d(output)/d(wire) for every wire by forward mode, one pass per wire: an
    input gets tangent 1; an intermediate gets a dual epsilon added to it."""
    keys = list(inputs)
    grads = {}
    for name in wire_values(circuit, inputs):
        if name in inputs:
            tangents = [1.0 if k == name else 0.0 for k in keys]
            _, t = wengert.jvp(lambda *xs: circuit(dict(zip(keys, xs)), lambda n, v: v),
                               [float(inputs[k]) for k in keys], tangents)
        else:
            def nudged(eps, name=name):
                return circuit(dict(inputs), lambda n, v: v + eps if n == name else v)

            _, t = wengert.jvp(nudged, (0.0,), (1.0,))
        grads[name] = float(t)
    return grads


def wire_grads_both(circuit, inputs):
    rev, fwd = wire_grads_reverse(circuit, inputs), wire_grads_forward(circuit, inputs)
    assert rev.keys() == fwd.keys()
    for k in rev:
        assert close(rev[k], fwd[k]), (k, rev[k], fwd[k])
    return rev


def grad_both(fun, args):
    """The gradient of scalar ``fun`` w.r.t. every argument, by reverse mode,
    checked against forward mode (one jvp per argument)."""
    args = tuple(float(a) for a in args)
    rev = wengert.grad(fun, tuple(range(len(args))))(*args)
    for i in range(len(args)):
        e = tuple(1.0 if j == i else 0.0 for j in range(len(args)))
        _, fwd = wengert.jvp(fun, args, e)
        assert close(fwd, rev[i]), (i, fwd, rev[i])
    return [float(g) for g in rev]


# CS231n prints circuits as runs of "<value><gradient><gate>" with two decimals.
WIRE = re.compile(r"(-?\d+\.\d\d)(-?\d+\.\d\d)"
                  r"(w\d|x\d|[xyzw]|max|exp|1/x|\*-1(?=\d)|\*2(?=$)|\+1(?=\d)|\*|\+)")


def decode_circuit(text):
    wires = WIRE.findall(text)
    assert "".join("".join(w) for w in wires) == text, "the circuit text did not decode"
    return [(gate, float(value), float(gradient)) for value, gradient, gate in wires]


# == 000: Adams, Computing Gradients with Backpropagation (Griewank's example) ==========
def griewank_circuit(v, tap):
    v1 = tap("v1", v["va"] / v["vb"])
    v2 = tap("v2", np.sin(v1))
    v3 = tap("v3", np.exp(v["vb"]))
    v4 = tap("v4", v1 - v3)
    v5 = tap("v5", v2 + v4)
    return tap("v6", v5 * v4)


def griewank_trace(x1, x2):
    """The execution trace: every intermediate v_1 ... v_6."""
    wires = []
    griewank_circuit({"va": x1, "vb": x2}, lambda n, v: wires.append(v) or v)
    return tuple(wires)


def griewank(x1, x2):
    return (np.sin(x1 / x2) + x1 / x2 - np.exp(x2)) * (x1 / x2 - np.exp(x2))


def griewank_grad_by_hand(x1, x2):
    """The symbolic gradient, derived on paper."""
    u, e = x1 / x2, math.exp(x2)
    a, b = math.sin(u) + u - e, u - e
    da1, db1 = (math.cos(u) + 1) / x2, 1 / x2
    da2, db2 = -(math.cos(u) + 1) * x1 / x2 ** 2 - e, -x1 / x2 ** 2 - e
    return da1 * b + a * db1, da2 * b + a * db2


GRIEWANK_AT = {"va": 1.5, "vb": 0.5}


def test_000_execution_trace_primals():
    v = wire_values(griewank_circuit, GRIEWANK_AT)
    for name, printed in [("va", 1.5000), ("vb", 0.5000), ("v1", 3.0000), ("v2", 0.1411),
                          ("v3", 1.6487), ("v4", 1.3513), ("v5", 1.4924)]:
        assert_prints(v[name], printed, 4)
    assert close(v["v6"], griewank(1.5, 0.5))
    # "v6 = v5 x v4 = 1.4924 x 1.3513 = 2.0167": the notes multiply the printed,
    # already rounded factors.  wengert's factors print as those; their product
    # reproduces the printed 2.0167 ...
    r5, r4 = round(v["v5"], 4), round(v["v4"], 4)
    assert (r5, r4) == (1.4924, 1.3513)
    assert_prints(r5 * r4, 2.0167, 4)
    # ... while the exact y = 2.016647 (which prints as 2.0166) lies within the
    # rounding error those factors carry.
    slack = 0.5e-4 * (abs(r5) + abs(r4)) + 0.5e-4
    assert abs(v["v6"] - 2.0167) <= slack
    assert round(v["v6"], 6) == round(v["v5"] * v["v4"], 6)


def test_000_forward_tangents_for_x1():
    values, tangents = wengert.make_jvp(griewank_trace, (0, 1))(1.5, 0.5)((1.0, 0.0))
    v1, v2, v3, v4, v5, v6 = (float(v) for v in values)
    t1, t2, t3, t4, t5, t6 = (float(t) for t in tangents)
    assert_prints(t1, 2.0000, 4)
    assert_prints(math.cos(v1), -0.99, 2)           # "cos(v1) x v1dot = -0.99 x 2"
    assert close(t2, math.cos(v1) * t1)
    assert_prints(t2, -1.9800, 4)
    assert_prints(t3, 0.000, 3)
    assert_prints(t4, 2.0000, 4)
    assert_prints(t5, 0.0200, 4)
    assert_prints(t6, 3.0118, 4)
    # each tangent obeys the rule written next to it in the notes
    assert close(t1, (0.5 * 1.0 - 1.5 * 0.0) / 0.5 ** 2)
    assert close(t3, v3 * 0.0) and close(t4, t1 - t3) and close(t5, t2 + t4)
    assert close(t6, t5 * v4 + t4 * v5)
    # and the values carried along are the primals
    assert close([v1, v2, v3, v4, v5, v6], list(griewank_trace(1.5, 0.5)))


def test_000_reverse_adjoints():
    v = wire_values(griewank_circuit, GRIEWANK_AT)
    adj = wire_grads_both(griewank_circuit, GRIEWANK_AT)   # Tape, and forward mode
    assert adj["v6"] == 1.0
    for name, printed in [("v5", 1.3513), ("v4", 2.8437), ("v3", -2.8437), ("v2", 1.3513),
                          ("v1", 1.5059), ("va", 3.0118)]:
        assert_prints(adj[name], printed, 4)
    # each adjoint obeys the recurrence written next to it in the notes
    assert close(adj["v5"], v["v4"] * adj["v6"])
    assert close(adj["v4"], v["v5"] * adj["v6"] + adj["v5"])
    assert close(adj["v3"], -adj["v4"]) and close(adj["v2"], adj["v5"])
    assert close(adj["v1"], adj["v2"] * math.cos(v["v1"]) + adj["v4"])
    assert close(adj["vb"], adj["v3"] * v["v3"] - adj["v1"] * v["v1"] / v["vb"])
    assert close(adj["va"], adj["v1"] / v["vb"])
    # x2bar: the notes print -13.7239, but the exact value is -13.723962 (which
    # rounds to -13.7240); the printed digits are its truncation.
    assert close(adj["vb"], griewank_grad_by_hand(1.5, 0.5)[1])
    assert math.trunc(adj["vb"] * 1e4) / 1e4 == -13.7239
    assert -13.7240 < adj["vb"] < -13.7239


def test_000_gradient_in_both_modes():
    exact = griewank_grad_by_hand(1.5, 0.5)
    g1, g2 = grad_both(griewank, (1.5, 0.5))
    assert close((g1, g2), exact)
    assert_prints(g1, 3.0118, 4)
    vjp_fn, y = wengert.make_vjp(griewank, (0, 1))(1.5, 0.5)
    assert close(vjp_fn(1.0), exact) and y == griewank(1.5, 0.5)
    y2, vjp_fn2 = wengert.vjp(griewank, 1.5, 0.5)
    assert close(vjp_fn2(1.0), exact) and y2 == y


# The notes' dual numbers as tuples, written out (as in 000) for comparison.
def _add(a, b):
    return a[0] + b[0], a[1] + b[1]


def _subtract(a, b):
    return a[0] - b[0], a[1] - b[1]


def _multiply(a, b):
    return a[0] * b[0], a[1] * b[0] + b[1] * a[0]


def _divide(a, b):
    return a[0] / b[0], (a[1] * b[0] - b[1] * a[0]) / (b[0] * b[0])


def _exp(a):
    return math.exp(a[0]), math.exp(a[0]) * a[1]


def _sin(a):
    return math.sin(a[0]), math.cos(a[0]) * a[1]


def myfunc(x1, x2):
    a = _divide(x1, x2)
    b = _exp(x2)
    return _multiply(_subtract(_add(_sin(a), a), b), _subtract(a, b))


def test_000_tuple_dual_numbers_agree_with_forward_mode():
    value, dot = myfunc((1.5, 1.0), (0.5, 0.0))
    lib_value, lib_dot = wengert.make_jvp(griewank)(1.5, 0.5)(1.0)
    assert close((value, dot), (lib_value, lib_dot), 1e-14)
    assert_prints(lib_dot, 3.0118, 4)
    # the printed 2.0167 is y, discussed in test_000_execution_trace_primals
    assert close(lib_value, griewank(1.5, 0.5))
    # the direction (0, 1) gives the other partial, again matching the tuples
    assert close(myfunc((1.5, 0.0), (0.5, 1.0))[1],
                 wengert.make_jvp(griewank, 1)(1.5, 0.5)(1.0)[1], 1e-14)


# == 001: the chain rule, gradient tapes and a small network ============================
def test_001_chain_rule_small_function():
    def f(x, y):
        return x * y

    def g(h):
        return h ** 2

    h = f(3.0, 2.0)
    do_dh = grad_both(g, (h,))[0]
    dh_dx, dh_dy = grad_both(f, (3.0, 2.0))
    do_dx, do_dy = grad_both(lambda x, y: g(f(x, y)), (3.0, 2.0))
    assert (do_dh, dh_dx, dh_dy) == (12.0, 2.0, 3.0)
    assert (do_dx, do_dy) == (24.0, 36.0) == (do_dh * dh_dx, do_dh * dh_dy)
    # do/dh from the tape, as an intermediate of the whole computation
    with wengert.Tape() as tape:
        x, y = tape.watch(3.0), tape.watch(2.0)
        hh = f(x, y)
        o = g(hh)
    assert tape.gradient(o, [hh, x, y]) == [12.0, 24.0, 36.0]
    # "a little increment to x such as 0.01 ... h would increase by 0.02";
    # "increasing h by 0.01 would cause an increase by 0.12 in o"
    assert_prints(f(3.01, 2.0) - f(3.0, 2.0), 0.02, 2) and dh_dx * 0.01 == 0.02
    assert_prints(g(h + 0.01) - g(h), 0.12, 2) and do_dh * 0.01 == 0.12


def _constants_circuit(v, tap):
    o = tap("o", v["a"] * v["b"])
    return tap("f", v["five"] * o)


def test_001_tape_with_constants():
    grads = wire_grads_both(_constants_circuit, {"a": 2.0, "b": 3.0, "five": 5.0})
    assert (grads["o"], grads["a"], grads["b"]) == (5.0, 15.0, 10.0)
    assert grads["f"] == 1.0


def _diamond(square):
    def circuit(v, tap):
        h1 = tap("h1", v["x"] * v["y"])
        h2 = tap("h2", v["y"] * v["z"])
        h = tap("h", h1 * h2)
        return tap("o", h ** 2 if square else h * h)
    return circuit


@pytest.mark.parametrize("square", [False, True], ids=["o=h*h", "o=h**2"])
def test_001_diamond(square):
    grads = wire_grads_both(_diamond(square), {"x": 3.0, "y": 2.0, "z": 1.0})
    assert {k: grads[k] for k in ("h", "h1", "h2", "x", "y", "z")} == {
        "h": 24.0, "h1": 48.0, "h2": 144.0, "x": 96.0, "y": 288.0, "z": 288.0}
    # with operator overloading: o = ((x*y) * (y*z))**2
    assert grad_both(lambda x, y, z: ((x * y) * (y * z)) ** 2, (3, 2, 1)) == [96.0, 288.0, 288.0]


def test_001_tensorflow_gradient_tape_example():
    with wengert.Tape() as t:
        x = t.watch(3.0)
        y = x * x
        z = y * y
    dz_dx = t.gradient(z, x)
    dy_dx = t.gradient(y, x)   # the same tape, asked twice (persistent)
    assert (dz_dx, dy_dx) == (108.0, 6.0)
    assert dz_dx == 4 * 3.0 ** 3
    assert wengert.deriv(lambda x: (x * x) * (x * x))(3.0) == 108.0
    assert wengert.deriv(lambda x: x * x)(3.0) == 6.0


# The seeds' sigmoid gate, with its algebraically nice derivative f(1 - f); the
# counters show that these rules, not a composite, produced the derivatives.
RULE_CALLS = {"vjp": 0, "jvp": 0}


@primitive
def sigmoid(z):
    return 1.0 / (1.0 + numpy.exp(-z))


def _sigmoid_vjp(ans, z):
    RULE_CALLS["vjp"] += 1
    return lambda g: g * ans * (1.0 - ans)


def _sigmoid_jvp(g, ans, z):
    RULE_CALLS["jvp"] += 1
    return g * ans * (1.0 - ans)


defvjp(sigmoid, _sigmoid_vjp)
defjvp(sigmoid, _sigmoid_jvp)


def sigmoid_fine(z):
    """The same function as a chain of fine-grained gates."""
    return 1.0 / (1.0 + np.exp(-z))


def test_001_sigmoid_gate_as_a_custom_primitive():
    before = dict(RULE_CALLS)
    for z in (-2.0, 0.2, 1.0):
        f = sigmoid(z)
        assert close(grad_both(sigmoid, (z,))[0], f * (1 - f))
        assert close(wengert.grad(sigmoid)(z), wengert.grad(sigmoid_fine)(z))
    assert RULE_CALLS["vjp"] > before["vjp"] and RULE_CALLS["jvp"] > before["jvp"]
    # the rule is built from traced operations: second derivatives work too
    assert close(wengert.grad(wengert.grad(sigmoid))(0.7),
                 wengert.grad(wengert.grad(sigmoid_fine))(0.7))


def _network(v, tap, gate=sigmoid):
    h1 = tap("h1", v["x1"] * v["w1"])
    h2 = tap("h2", v["x2"] * v["w2"])
    h = tap("h", h1 + h2)
    y = tap("y", gate(h))
    t_inv = tap("t_inv", -1.0 * v["t"])
    e = tap("e", y + t_inv)
    return tap("l", e ** 2)


def _network_backprop_by_hand(x1, w1, x2, w2, t):
    """Staged forward and backward passes (as 003 teaches)."""
    h1, h2 = x1 * w1, x2 * w2
    h = h1 + h2
    y = 1.0 / (1.0 + math.exp(-h))
    t_inv = -t
    e = y + t_inv
    dl = 1.0
    de = 2 * e * dl
    dy, dt_inv = de, de
    dt = -1.0 * dt_inv
    dh = y * (1 - y) * dy
    dh1, dh2 = dh, dh
    return {"x1": w1 * dh1, "w1": x1 * dh1, "x2": w2 * dh2, "w2": x2 * dh2, "t": dt,
            "h1": dh1, "h2": dh2, "h": dh, "y": dy, "t_inv": dt_inv, "e": de, "l": dl}


NETWORK_AT = {"x1": 2.0, "w1": 0.4, "x2": 3.0, "w2": -0.2, "t": 1.0}


@pytest.mark.parametrize("gate", [sigmoid, sigmoid_fine], ids=["sigmoid gate", "fine gates"])
def test_001_small_network(gate):
    def circuit(v, tap):
        return _network(v, tap, gate)

    values = wire_values(circuit, NETWORK_AT)
    assert_prints(values["y"], 0.55, 2)
    grads = wire_grads_both(circuit, NETWORK_AT)
    by_hand = _network_backprop_by_hand(**NETWORK_AT)
    assert grads.keys() == by_hand.keys()
    for k in by_hand:
        assert close(grads[k], by_hand[k]), (k, grads[k], by_hand[k])
    # "The weight gradients are negative."
    assert grads["w1"] < 0 and grads["w2"] < 0

    # and against centered finite differences of the loss
    def loss(x1, w1, x2, w2, t):
        return wire_values(circuit, dict(zip(NETWORK_AT, (x1, w1, x2, w2, t))))["l"]

    point = list(NETWORK_AT.values())
    for i, name in enumerate(NETWORK_AT):
        up, down = list(point), list(point)
        up[i] += 1e-6
        down[i] -= 1e-6
        fd = (loss(*up) - loss(*down)) / 2e-6
        assert abs(fd - grads[name]) < 1e-8, (name, fd, grads[name])


# == 002: Gangavarapu, gradient-based optimization and automatic differentiation ======
def test_002_interpreting_derivatives_of_xy():
    def f(x, y):
        return x * y

    assert f(-3.0, 2.0) == -6.0
    dfdx, dfdy = grad_both(f, (-3.0, 2.0))
    assert (dfdx, dfdy) == (2.0, -3.0)
    # f(x0 + h) = f(x0) + df/dx h, with h = 1 (exact here: f is linear in each argument)
    assert f(-2.0, 2.0) == -4.0 == f(-3.0, 2.0) + dfdx * 1
    assert f(-3.0, 3.0) == -9.0 == f(-3.0, 2.0) + dfdy * 1


@pytest.mark.parametrize("x, y", [(-3.0, 2.0), (10.0, 1.0), (0.25, -7.5)])
def test_002_add_gate_partials_are_one(x, y):
    assert grad_both(lambda x, y: x + y, (x, y)) == [1.0, 1.0]


@pytest.mark.parametrize("x, y", [(10.0, 1.0), (1.0, 10.0), (-3.0, -2.0)])
def test_002_max_gate_partials_are_indicators(x, y):
    expected = [float(x >= y), float(y >= x)]
    assert grad_both(lambda x, y: np.maximum(x, y), (x, y)) == expected
    assert grad_both(lambda x, y: max(x, y), (x, y)) == expected   # Python's max works too


def _add_mul_circuit(v, tap):
    v1 = tap("v1", v["x"] + v["y"])
    return tap("f", v1 * v["z"])


def test_002_add_mul_circuit():
    at = {"x": -2.0, "y": 5.0, "z": -4.0}
    assert wire_values(_add_mul_circuit, at)["f"] == -12.0
    grads = wire_grads_both(_add_mul_circuit, at)
    # symbolic: (z, z, x + y), and "assert x0.grad == -4.0 and y0.grad == -4.0 and z0.grad == 3.0"
    assert grads["x"] == -4.0 and grads["y"] == -4.0 and grads["z"] == 3.0
    assert grads["v1"] == -4.0   # "the backward-flowing gradient ... at v1 is -4"


def test_002_numerical_differentiation_is_close_but_not_exact():
    y0, z0 = 5, -4

    def f(x):
        return (x + y0) * z0

    def symbolic_df(x):
        return z0

    def numerical_df(x, h=1e-5):
        return (f(x + h) - f(x - h)) / (2 * h)

    # "The assertion below fails!"
    assert not numerical_df(-2, h=1e-5) == symbolic_df(-2)
    assert abs(numerical_df(-2, h=1e-5) - symbolic_df(-2)) < 1e-9
    # automatic differentiation has no round-off here: exactly -4.0, both modes
    assert wengert.grad(f)(-2.0) == -4.0 == symbolic_df(-2)
    assert wengert.deriv(f)(-2.0) == -4.0
    # truncation error even in exact arithmetic, for f(x) = x**3
    x, h = fractions.Fraction(2), fractions.Fraction(1, 1000)
    central = ((x + h) ** 3 - (x - h) ** 3) / (2 * h)
    assert central != 3 * x ** 2 and central - 3 * x ** 2 == h ** 2
    assert wengert.grad(lambda x: x ** 3)(2.0) == 12.0


def test_002_logistic_regressor():
    w = [-3.0, 2.0, -3.0]
    x = [-1.0, -2.0]

    def dot(w, x):
        w_dot_x = 0.0
        x = [1.0] + x   # the bias trick: w0 multiplies a constant 1
        for wi, xi in zip(w, x):
            w_dot_x = w_dot_x + wi * xi
        return w_dot_x

    def f(w, x):
        return 1 / (1 + np.exp(-1 * dot(w, x)))

    out = float(f(w, x))
    df_dw_dot_x = out * (1 - out)
    df_dw = [1.0 * df_dw_dot_x, x[0] * df_dw_dot_x, x[1] * df_dw_dot_x]
    df_dx = [w[1] * df_dw_dot_x, w[2] * df_dw_dot_x]

    dw, dx = wengert.grad(f, (0, 1))(w, x)          # gradients of lists are lists
    assert close(dw, df_dw) and close(dx, df_dx)
    for i in range(3):                                # forward mode, one pass per weight
        e = [1.0 if j == i else 0.0 for j in range(3)]
        assert close(wengert.make_jvp(f, 0)(w, x)(e)[1], df_dw[i])
    for i in range(2):
        e = [1.0 if j == i else 0.0 for j in range(2)]
        assert close(wengert.make_jvp(f, 1)(w, x)(e)[1], df_dx[i])
    # the same with arrays
    gw = wengert.grad(lambda w: f(w, x))(numpy.array(w))
    assert isinstance(gw, numpy.ndarray) and close(gw, df_dw)


def test_002_branching():
    x0, y0 = -1.0, 2.0
    dfdx, dfdy = grad_both(lambda x, y: x / (x + y), (x0, y0))
    v1 = x0 + y0
    assert dfdx == 2.0 == 1 / v1 + (-x0) / v1 ** 2       # two in-flows at x: 1 + 1
    assert dfdx == ((x0 + y0) - x0) / (x0 + y0) ** 2     # the quotient rule
    assert dfdy == -x0 / (x0 + y0) ** 2


def _three_circuit(v, tap):
    v1 = tap("v1", v["x"] * v["y"])
    v2 = tap("v2", np.maximum(v["z"], v["w"]))
    v3 = tap("v3", v1 + v2)
    return tap("f", 3.0 * v3)


def test_002_recurring_patterns():
    grads = wire_grads_both(_three_circuit, {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0})
    assert (grads["x"], grads["y"], grads["z"], grads["w"]) == (-12.0, 9.0, 3.0, 0.0)
    # the add gate distributes df/dv3 = 3 unchanged; the max gate routes it to z
    assert grads["v3"] == grads["v1"] == grads["v2"] == 3.0


def test_002_dot_product(rng):
    x, y = rng.standard_normal(5), rng.standard_normal(5)
    gx, gy = wengert.grad(lambda x, y: np.dot(y, x), (0, 1))(x, y)
    assert close(gx, y) and close(gy, x)
    assert close(wengert.jacfwd(lambda x: np.dot(y, x))(x), y)
    # ||x||^2 = x.x: x branches into both arguments, the gradients add up
    assert close(wengert.grad(lambda x: np.dot(x, x))(x), 2 * x)
    assert close(wengert.jacfwd(lambda x: np.dot(x, x))(x), 2 * x)


def test_002_matrix_vector(rng):
    W, x = rng.standard_normal((4, 3)), rng.standard_normal(3)
    e = numpy.ones(4)
    f, vjp_fn = wengert.vjp(lambda W, x: W @ x, W, x)
    gW, gx = vjp_fn(e)
    assert close(gx, W.T @ e) and close(gW, numpy.outer(e, x))
    assert gW.shape == W.shape and gx.shape == x.shape
    assert close(wengert.jacfwd(lambda x: W @ x)(x), W)     # forward mode: J = W
    dW = rng.standard_normal(W.shape)
    assert close(wengert.jvp(lambda W: W @ x, (W,), (dW,))[1], dW @ x)


def test_002_matrix_matrix(rng):
    X, W = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    G = rng.standard_normal((4, 2))                       # the gradient arriving at XW
    _, vjp_fn = wengert.vjp(lambda X, W: X @ W, X, W)
    gX, gW = vjp_fn(G)
    assert close(gX, G @ W.T) and close(gW, X.T @ G)
    assert gX.shape == X.shape and gW.shape == W.shape   # dimension analysis
    tX, tW = rng.standard_normal(X.shape), rng.standard_normal(W.shape)
    _, t = wengert.jvp(lambda X, W: X @ W, (X, W), (tX, tW))
    assert close(numpy.sum(G * t), numpy.sum(gX * tX) + numpy.sum(gW * tW))


# == 003: CS231n, backpropagation intuitions ==========================================
def test_003_simple_expressions():
    assert 4.0 * -3.0 == -12.0
    assert grad_both(lambda x, y: x * y, (4.0, -3.0)) == [-3.0, 4.0]
    assert grad_both(lambda x, y: x + y, (4.0, -3.0)) == [1.0, 1.0]
    assert grad_both(lambda x, y: np.maximum(x, y), (4.0, 2.0)) == [1.0, 0.0]


def _q_circuit(v, tap):
    q = tap("q", v["x"] + v["y"])
    return tap("f", q * v["z"])


def test_003_compound_expression_circuit():
    at = {"x": -2.0, "y": 5.0, "z": -4.0}
    values = wire_values(_q_circuit, at)
    assert (values["q"], values["f"]) == (3.0, -12.0)
    grads = wire_grads_both(_q_circuit, at)
    # the notes' backward pass, by hand
    q, z = values["q"], at["z"]
    dfdz, dfdq = q, z
    dfdx, dfdy = 1.0 * dfdq, 1.0 * dfdq
    assert (grads["x"], grads["y"], grads["z"], grads["q"]) == (dfdx, dfdy, dfdz, dfdq)
    # "-2-4x5-4y-43z3-4q+-121f*" (value, gradient, wire), decoded by hand
    assert [(values[k], grads[k]) for k in "xyzqf"] == [
        (-2, -4), (5, -4), (-4, 3), (3, -4), (-12, 1)]


NEURON_TEXT = ("2.00-0.20w0-1.000.39x0-3.00-0.39w1-2.00-0.59x1-3.000.20w2-2.000.20*6.000.20*"
               "4.000.20+1.000.20+-1.00-0.20*-10.37-0.53exp1.37-0.53+10.731.001/x")
NEURON_AT = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}


def _neuron_fine(v, tap):
    a = tap("*", v["w0"] * v["x0"])
    b = tap("*'", v["w1"] * v["x1"])
    c = tap("+", a + b)
    dot = tap("+'", c + v["w2"])
    d = tap("*-1", dot * -1.0)
    e = tap("exp", np.exp(d))
    g = tap("+1", e + 1.0)
    return tap("1/x", 1.0 / g)


def test_003_sigmoid_neuron_gate_by_gate():
    printed = decode_circuit(NEURON_TEXT)
    values = wire_values(_neuron_fine, NEURON_AT)
    grads = wire_grads_both(_neuron_fine, NEURON_AT)
    assert len(printed) == len(values) == 13
    for (gate, value, gradient), wire in zip(printed, values):
        assert gate == wire.rstrip("'")
        assert_prints(values[wire], value, 2)
        assert_prints(grads[wire], gradient, 2)


def test_003_sigmoid_neuron_as_one_gate():
    w, x = [2.0, -3.0, -3.0], [-1.0, -2.0]

    def neuron(w, x):
        return sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])

    # the notes' staged backprop
    dot = w[0] * x[0] + w[1] * x[1] + w[2]
    f = 1.0 / (1 + math.exp(-dot))
    ddot = (1 - f) * f
    dx = [w[0] * ddot, w[1] * ddot]
    dw = [x[0] * ddot, x[1] * ddot, 1.0 * ddot]

    assert dot == 1.0
    out = neuron(w, x)
    assert_prints(out, 0.73, 2)
    local = wengert.grad(sigmoid)(dot)
    assert_prints(local, 0.2, 1) and close(local, ddot)
    assert_prints((1 - round(out, 2)) * round(out, 2), 0.2, 1)   # "(1 - 0.73) * 0.73 ~= 0.2"
    gw, gx = wengert.grad(neuron, (0, 1))(w, x)
    assert close(gw, dw) and close(gx, dx)
    # the same gradients as the fine-grained circuit, in both modes
    fine = wire_grads_both(_neuron_fine, NEURON_AT)
    assert close(gw, [fine["w0"], fine["w1"], fine["w2"]])
    assert close(gx, [fine["x0"], fine["x1"]])
    for i in range(3):
        e = [1.0 if j == i else 0.0 for j in range(3)]
        assert close(wengert.make_jvp(neuron, 0)(w, x)(e)[1], dw[i])


def _staged_circuit(v, tap, exp=np.exp):
    x, y = v["x"], v["y"]
    sigy = tap("sigy", 1.0 / (1 + exp(-y)))
    num = tap("num", x + sigy)
    sigx = tap("sigx", 1.0 / (1 + exp(-x)))
    xpy = tap("xpy", x + y)
    xpysqr = tap("xpysqr", xpy ** 2)
    den = tap("den", sigx + xpysqr)
    invden = tap("invden", 1.0 / den)
    return tap("f", num * invden)


def _staged_backprop_by_hand(x, y):
    """The notes' staged computation, forward and backward, written out."""
    sigy = 1.0 / (1 + math.exp(-y))
    num = x + sigy
    sigx = 1.0 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy ** 2
    den = sigx + xpysqr
    invden = 1.0 / den
    dnum = invden
    dinvden = num
    dden = (-1.0 / (den ** 2)) * dinvden
    dsigx = (1) * dden
    dxpysqr = (1) * dden
    dxpy = (2 * xpy) * dxpysqr
    dx = (1) * dxpy
    dy = (1) * dxpy
    dx += ((1 - sigx) * sigx) * dsigx
    dx += (1) * dnum
    dsigy = (1) * dnum
    dy += ((1 - sigy) * sigy) * dsigy
    return {"x": dx, "y": dy, "sigy": dsigy, "num": dnum, "sigx": dsigx, "xpy": dxpy,
            "xpysqr": dxpysqr, "den": dden, "invden": dinvden, "f": 1.0}


def test_003_staged_computation():
    by_hand = _staged_backprop_by_hand(3.0, -4.0)
    grads = wire_grads_both(_staged_circuit, {"x": 3.0, "y": -4.0})
    assert grads.keys() == by_hand.keys()
    for k in by_hand:
        assert close(grads[k], by_hand[k]), (k, grads[k], by_hand[k])

    def f(x, y):
        return _staged_circuit({"x": x, "y": y}, lambda n, v: v)

    assert close(grad_both(f, (3.0, -4.0)), [by_hand["x"], by_hand["y"]])


PATTERNS_TEXT = "3.00-8.00x-4.006.00y2.002.00z-1.000.00w-12.002.00*2.002.00max-10.002.00+-20.001.00*2"


def _patterns_circuit(v, tap):
    xy = tap("*", v["x"] * v["y"])
    m = tap("max", np.maximum(v["z"], v["w"]))
    s = tap("+", xy + m)
    return tap("*2", 2.0 * s)


def test_003_patterns_in_backward_flow():
    at = {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0}
    values = wire_values(_patterns_circuit, at)
    grads = wire_grads_both(_patterns_circuit, at)
    printed = decode_circuit(PATTERNS_TEXT)
    assert [gate for gate, _, _ in printed] == list(values)
    for gate, value, gradient in printed:
        assert_prints(values[gate], value, 2)
        assert_prints(grads[gate], gradient, 2)
    assert (grads["x"], grads["y"], grads["z"], grads["w"]) == (-8.0, 6.0, 2.0, 0.0)
    assert grads["x"] == at["y"] * grads["*"]   # "-8.00, which is -4.00 x 2.00"


def test_003_matrix_multiply_gradient():
    rng = numpy.random.default_rng(231)
    W = rng.standard_normal((5, 10))
    X = rng.standard_normal((10, 3))
    D, vjp_fn = wengert.vjp(lambda W, X: W.dot(X), W, X)
    assert close(D, W.dot(X))
    dD = rng.standard_normal(D.shape)
    dW, dX = vjp_fn(dD)
    assert close(dW, dD.dot(X.T)) and close(dX, W.T.dot(dD))
    assert dW.shape == W.shape == (5, 10) and dX.shape == X.shape == (10, 3)
    # forward mode sees the same linear map: <dD, J t> = <J^T dD, t>
    tW, tX = rng.standard_normal(W.shape), rng.standard_normal(X.shape)
    _, tD = wengert.jvp(lambda W, X: W.dot(X), (W, X), (tW, tX))
    assert close(tD, tW.dot(X) + W.dot(tX))
    assert close(numpy.sum(dD * tD), numpy.sum(dW * tW) + numpy.sum(dX * tX))
