"""The engine itself: fan-out, the diamond, constants, control flow, long chains,
nesting levels, containers."""
import math
import sys

import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert import deriv, grad, jacfwd, jacrev, make_jvp
from wengert.test_util import check_grads


def test_fan_out_adds_gradients():
    # x is used three times; the gradients of all uses add up (never assigned)
    assert grad(lambda x: x * x + x)(3.0) == 7.0
    assert grad(lambda x: x * x * x)(2.0) == 12.0


def test_diamond():
    # 001: h1 = x*y, h2 = y*z, h = h1*h2, o = h*h; y reaches o along two paths
    def o(x, y, z):
        h = (x * y) * (y * z)
        return h * h

    assert grad(o, (0, 1, 2))(3.0, 2.0, 1.0) == (96.0, 288.0, 288.0)
    assert make_jvp(o, 1)(3.0, 2.0, 1.0)(1.0)[1] == 288.0


def test_constants_are_not_recorded():
    c = np.array([1.0, 2.0])
    with wengert.Tape() as tape:
        x = tape.watch(numpy.array([3.0, 4.0]))
        k = np.exp(c) * 2.0 + np.sin(c)  # depends on no watched value: plain NumPy
        y = np.sum(x * k)
    assert isinstance(k, numpy.ndarray)
    assert len(tape.trace.entries) == 3  # the input, x * k, sum
    assert numpy.allclose(tape.gradient(y, x), numpy.exp(c) * 2 + numpy.sin(c))


def test_python_control_flow_and_closures():
    def f(x, n):
        total = 0.0
        for i in range(n):
            if i % 2:
                total = total + np.sin(x * i)
            else:
                total = total - x ** 2
        k = 0
        while x * k < 3:  # compares values only
            k += 1
        scale = lambda v: v * k  # noqa: E731  closure over a Python int
        return scale(total)

    x = 0.7
    expected = sum((i * math.cos(x * i)) if i % 2 else -2 * x for i in range(5)) * 5
    assert grad(f)(x, 5) == pytest.approx(expected, rel=1e-12)


def test_recursion():
    def power(x, n):
        return 1.0 if n == 0 else x * power(x, n - 1)

    assert grad(power)(1.5, 6) == pytest.approx(6 * 1.5 ** 5, rel=1e-12)


def test_a_100000_step_chain():
    # The backward pass is a loop, not a recursion: no stack overflow.
    def chain(x):
        for _ in range(50_000):
            x = x * 1.0000001
            x = x + 1e-9
        return x

    assert sys.getrecursionlimit() < 50_000
    assert grad(chain)(1.0) == pytest.approx(1.0000001 ** 50_000, rel=1e-9)


def test_perturbation_confusion():
    # d/dx [x * d/dy (x + y)] = 1 at every x, not 2
    for outer in (deriv, grad):
        for inner in (deriv, grad):
            f = outer(lambda x: x * inner(lambda y: x + y)(1.0))
            assert f(2.0) == 1.0
            assert f(-3.5) == 1.0


def test_nested_levels_keep_their_own_perturbations():
    # d/dx d/dy (x * y)^2 = 4xy, computed in every mix of modes
    f = lambda x, y: (x * y) ** 2  # noqa: E731
    for gx in (grad, deriv):
        for gy in (grad, deriv):
            mixed = gx(lambda x: gy(lambda y: f(x, y))(3.0))
            assert mixed(2.0) == pytest.approx(24.0)


def test_higher_order():
    d = grad(np.sin)
    for expected in (numpy.cos, lambda x: -numpy.sin(x), lambda x: -numpy.cos(x), numpy.sin):
        assert d(0.3) == pytest.approx(expected(0.3), rel=1e-12)
        d = grad(d)
    x = numpy.array([0.3, -0.5, 1.1])
    f = lambda x: np.sum(np.tanh(x) ** 2 * x[0])  # noqa: E731
    h1 = jacfwd(jacrev(f))(x)
    h2 = jacrev(jacfwd(f))(x)
    h3 = jacrev(jacrev(f))(x)
    h4 = jacfwd(jacfwd(f))(x)
    for h in (h2, h3, h4):
        assert numpy.allclose(h1, h, rtol=1e-12, atol=1e-12)
    assert numpy.allclose(h1, h1.T)


def test_nested_containers():
    params = {"layers": [(numpy.array([[1.0, 2.0]]), 0.5), (numpy.array([[3.0], [4.0]]), -1.0)],
              "scale": 2.0}

    def loss(p, x):
        h = x
        for w, b in p["layers"]:
            h = np.tanh(h @ w + b)
        return p["scale"] * np.sum(h ** 2)

    x = numpy.array([[0.1], [0.2]])
    g = grad(loss)(params, x)
    assert list(g) == ["layers", "scale"]
    assert isinstance(g["layers"], list) and isinstance(g["layers"][0], tuple)
    assert g["layers"][0][0].shape == (1, 2)
    assert isinstance(g["scale"], float)
    check_grads(loss, modes=["fwd", "rev"], order=2)(params, x)


def test_namedtuple_containers():
    from collections import namedtuple
    P = namedtuple("P", "w b")
    g = grad(lambda p: p.w * p.b)(P(2.0, 3.0))
    assert isinstance(g, P) and g == P(3.0, 2.0)


def test_dtypes_are_kept():
    for dt in (numpy.float16, numpy.float32, numpy.float64):
        x = numpy.array([0.5, 1.0], dtype=dt)
        g = grad(lambda x: np.sum(np.tanh(x) * 2.0 + x ** 2))(x)
        assert g.dtype == dt
        assert grad(lambda s: s * s)(dt(1.5)).dtype == dt


def test_scalar_gradients_are_numpy_floats():
    g = grad(lambda x: np.sum(x * 2.0))(1.5)
    assert isinstance(g, float) and g == 2.0


def test_complex_holomorphic():
    z = 0.3 + 0.4j
    g = wengert.holomorphic_grad(lambda z: np.exp(z) * z)(z)
    assert g == pytest.approx(numpy.exp(z) * (1 + z))
    # the gradient of a real function of a complex input: df/dx - i df/dy
    g = grad(lambda z: np.abs(z) ** 2)(z)
    assert g == pytest.approx(2 * z.conjugate())


def test_plain_numpy_calls_on_traced_values_are_recorded():
    def f(x):
        return numpy.sum(numpy.sin(x) * x) + x.mean()

    x = numpy.array([0.1, 0.2, 0.3])
    expected = numpy.cos(x) * x + numpy.sin(x) + 1 / 3
    assert numpy.allclose(grad(f)(x), expected)
    check_grads(f)(x)


def test_jacobian_chooses_the_cheaper_mode():
    B = numpy.random.default_rng(1).standard_normal((5, 2))
    tall = lambda x: np.tanh(B @ x)  # noqa: E731
    wide = lambda x: np.tanh(B.T @ x)  # noqa: E731
    for f, x in ((tall, numpy.ones(2)), (wide, numpy.ones(5))):
        J = wengert.jacobian(f)(x)
        assert numpy.allclose(J, jacfwd(f)(x)) and numpy.allclose(J, jacrev(f)(x))


def test_third_order_through_indexing_and_casts():
    # A box of the inner trace wrapping a box of an outer one must reach the
    # wrapped primitive (which dispatches to the outer level), never NumPy raw.
    d1 = lambda x: grad(lambda y: y[0] ** 4)(x)[0]  # noqa: E731
    d2 = lambda x: grad(d1)(x)[0]  # noqa: E731
    assert numpy.array_equal(grad(d2)(numpy.array([1.0, 2.0])), [24.0, 0.0])
    f = lambda x: np.sum(np.astype(x, numpy.complex128).real ** 3)  # noqa: E731
    check_grads(f, modes=["fwd", "rev"], order=3)(numpy.array([0.5, -1.0]))


def test_new_inputs_boxes_several_leaves_as_new_input_does_one():
    from wengert._core import TapeTrace, box_value
    trace = TapeTrace()
    first = trace.new_input(1.5)
    boxes, nodes = trace.new_inputs([numpy.ones(2), 2.5])
    assert nodes == [1, 2] and [trace.node_of(b) for b in boxes] == nodes
    assert box_value(boxes[1]) == 2.5 and trace.entries == [None, None, None]
    assert type(boxes[0]) is type(trace.new_input(numpy.ones(2))) and trace.node_of(first) == 0


def test_a_boxs_operators_with_constants_nested_boxes_lists_and_compile():
    # a box's binary operators go straight to its trace when the other operand is a
    # constant; with a box of another trace, a list, or under compile they take the
    # primitive's own path: every case gives the same derivatives
    x, c = numpy.array([0.5, 1.5]), numpy.array([2.0, 3.0])
    ops = [lambda x: c - x, lambda x: x - c, lambda x: c / x, lambda x: x / c,
           lambda x: c ** x, lambda x: x ** c, lambda x: numpy.outer(c, c) @ x,
           lambda x: x @ numpy.outer(c, c), lambda x: [2.0, 4.0] - x, lambda x: x * [2.0, 4.0]]
    for op in ops:
        f = lambda x: np.sum(op(x) * x)  # noqa: E731
        g = grad(f)(x)
        numpy.testing.assert_allclose(g, jacfwd(f)(x), rtol=1e-12)
        # nested: the inner box meets a box of the outer trace
        outer = grad(lambda y: np.sum(grad(lambda x: np.sum(op(x) * y))(x)))(c)
        numpy.testing.assert_allclose(outer, jacfwd(lambda y: np.sum(
            jacfwd(lambda x: np.sum(op(x) * y))(x), axis=0))(c), rtol=1e-12)
        fast = wengert.compile(grad(f))
        fast(x)
        assert numpy.array_equal(fast(x + 0.1), grad(f)(x + 0.1))
