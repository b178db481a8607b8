"""Writes into traced arrays seen by explain and Tape: explain of a function that
mutates its input (the caller's array is untouched, the adjoints are grad's), and
Tape.gradient with respect to a watched value that is written into later, after
writes into intermediates, and through nested tapes."""
import numpy

import wengert
import wengert.numpy as np
from wengert import explain
from wengert.test_util import check_grads


# -- explain a function that writes into its input --------------------------------------------
def _zero_first(x):
    x[0] = 0.0
    return np.sum(x * x)


def test_explain_a_function_that_mutates_its_input():
    a = numpy.array([1.0, 2.0, 3.0])
    rec = explain.trace(_zero_first, a, tangent=(numpy.ones(3),)).recording
    x = rec.inputs[0]
    numpy.testing.assert_array_equal(rec.values[x], [1.0, 2.0, 3.0])    # the value passed in
    numpy.testing.assert_array_equal(rec.adjoints[x], [0.0, 4.0, 6.0])  # = grad
    numpy.testing.assert_array_equal(rec.adjoints[x], wengert.grad(_zero_first)(a))
    assert rec.tangents[rec.out_node] == 10.0                           # = jvp along ones
    numpy.testing.assert_array_equal(a, [1.0, 2.0, 3.0])                # the caller's array
    assert "index_update" in explain.graph(_zero_first, a).to_dot()


def test_explain_in_place_operator_on_an_input():
    def f(x, y):
        x *= y
        return x[0] + x[1]
    rec = explain.trace(f, numpy.array([1.0, 2.0]), 3.0).recording
    x, y = rec.inputs
    numpy.testing.assert_array_equal(rec.adjoints[x], [3.0, 3.0])
    assert rec.adjoints[y] == 3.0
    assert rec.output == 9.0


# -- Tape.gradient with respect to a watched value written into later -------------------------
def test_tape_gradient_is_with_respect_to_the_watched_value():
    a = numpy.array([1.0, 2.0, 3.0])
    with wengert.Tape() as tape:
        x = tape.watch(a)
        x[0] = 5.0
        x += 1.0
        y = np.sum(x ** 3)
    g = tape.gradient(y, x)
    expected = 3 * (numpy.array([5.0, 2.0, 3.0]) + 1.0) ** 2 * [0.0, 1.0, 1.0]
    numpy.testing.assert_allclose(g, expected, rtol=1e-14)


def test_tape_gradient_matches_finite_differences_after_writes():
    rng = numpy.random.default_rng(3)
    a, b = rng.standard_normal(4), rng.standard_normal(4)

    def f(a, b):
        x = np.as_traced(a, like=b)      # a copy that b's values can be written into
        x[1:3] *= b[:2]
        x[0] = x[3] * b[3]
        return np.sum(np.sin(x) * b)

    with wengert.Tape() as tape:
        x, bb = tape.watch(a), tape.watch(b)
        x[1:3] *= bb[:2]
        x[0] = x[3] * bb[3]
        y = np.sum(np.sin(x) * bb)
    ga, gb = tape.gradient(y, [x, bb])
    h = 1e-6
    fd = numpy.array([(f(a + h * e, b) - f(a - h * e, b)) / (2 * h) for e in numpy.eye(4)])
    numpy.testing.assert_allclose(ga, fd, rtol=1e-7, atol=1e-9)
    numpy.testing.assert_allclose(ga, wengert.grad(f)(a, b), rtol=1e-14)
    numpy.testing.assert_allclose(gb, wengert.grad(f, 1)(a, b), rtol=1e-14)
    check_grads(f, modes=["fwd", "rev"], order=2)(a, b)


def test_tape_intermediates_and_views_after_writes():
    with wengert.Tape() as tape:
        x = tape.watch(numpy.array([1.0, 2.0]))
        h = x * 2.0               # h = [2, 4]
        h[0] = 7.0                # h's computed value no longer reaches y[0]
        y = np.sum(h * h)
    gh, gx = tape.gradient(y, [h, x])
    numpy.testing.assert_array_equal(gh, [0.0, 8.0])
    numpy.testing.assert_array_equal(gx, [0.0, 16.0])


def test_nested_tapes_second_derivative_after_a_write():
    with wengert.Tape() as outer:
        x = outer.watch(numpy.array([1.0, 2.0]))
        with wengert.Tape() as inner:
            z = inner.watch(x)
            z[1] = z[1] * z[0]          # z = [x0, x0 x1]
            y = np.sum(z ** 2)          # x0^2 + x0^2 x1^2
        g = inner.gradient(y, z)        # [2 x0 + 2 x0 x1^2, 2 x0^2 x1]
        s = g[0] + g[1]
    numpy.testing.assert_allclose(wengert.stop_gradient(g), [2 + 8.0, 4.0])
    numpy.testing.assert_allclose(outer.gradient(s, x), [2 + 2 * 4 + 4 * 2, 8 + 2])
