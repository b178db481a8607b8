"""Follow-ups: as_traced under vmap, explain and Tape with mutated inputs,
sort(order=) on traced values, cov with frequency and observation weights."""
import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert import explain
from wengert.test_util import check_grads


# -- 1. as_traced(a, like=x) when x is batched (vmap) ----------------------------------------
def _softmin(a, b, c):
    # plain NumPy on traced values: dispatched to wengert's rules
    return -numpy.log(numpy.exp(-a) + numpy.exp(-b) + numpy.exp(-c))


def soft_dtw(x, y):
    """Soft-DTW of two 1-d series: a dynamic-programming table filled in place."""
    n, m = len(x), len(y)
    D = (x[:, None] - y[None, :]) ** 2
    R = np.as_traced(numpy.full((n + 1, m + 1), 1e10), like=x)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = D[i - 1, j - 1] + _softmin(R[i - 1, j], R[i, j - 1], R[i - 1, j - 1])
    return R[n, m]


@pytest.fixture
def series():
    rng = numpy.random.default_rng(0)
    return rng.standard_normal((3, 4)), rng.standard_normal(3)


def test_per_example_gradients_of_a_table_filled_in_place(series):
    X, y = series
    loop = numpy.stack([wengert.grad(soft_dtw)(x, y) for x in X])
    batched = wengert.vmap(wengert.grad(soft_dtw), in_axes=(0, None))(X, y)
    numpy.testing.assert_allclose(batched, loop, rtol=1e-12, atol=1e-12)
    assert numpy.abs(loop).max() > 0.1       # not trivially zero
    # and differentiated again (the per-example Hessian's action), both modes
    check_grads(lambda X: wengert.vmap(wengert.grad(soft_dtw), in_axes=(0, None))(X, y[:2]),
                modes=["fwd", "rev"], order=1)(X[:2, :2])


def test_as_traced_like_a_batched_value(series):
    X, y = series
    values = wengert.vmap(soft_dtw, in_axes=(0, None))(X, y)    # used to raise TypeError
    numpy.testing.assert_allclose(values, [soft_dtw(x, y) for x in X], rtol=1e-12)
    # reverse mode over vmap: the table is batched, the tape outside
    total = lambda X, y: np.sum(wengert.vmap(soft_dtw, in_axes=(0, None))(X, y))
    loop = numpy.stack([wengert.grad(soft_dtw)(x, y) for x in X])
    numpy.testing.assert_allclose(wengert.grad(total)(X, y), loop, rtol=1e-12, atol=1e-12)
    check_grads(total, modes=["fwd", "rev"], order=2)(X[:2, :2], y[:2])


def test_as_traced_batched_table_seeded_with_an_outer_traced_value():
    def f(theta, X):
        def per_example(x):
            t = np.as_traced(np.stack([theta, theta]), like=x)   # theta: traced by grad
            t[1] = t[1] * x
            return np.sum(t ** 2)
        return np.sum(wengert.vmap(per_example)(X))
    X = numpy.array([0.5, -1.5, 2.0])
    expected = sum(wengert.grad(lambda th, x=x: th ** 2 + (th * x) ** 2)(0.7) for x in X)
    assert abs(wengert.grad(f)(0.7, X) - expected) < 1e-12
    check_grads(f, modes=["fwd", "rev"], order=2)(0.7, X)


# -- 2. explain a function that writes into its input ----------------------------------------
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


# -- 3. Tape.gradient with respect to a watched value written into later ---------------------
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


# -- 4. sort(order=) and cov weights ---------------------------------------------------------
def test_sort_order_on_traced_values_is_a_clear_error():
    rec = numpy.array([(2.0, 1.0), (1.0, 5.0)], dtype=[("a", float), ("b", float)])
    numpy.testing.assert_array_equal(np.sort(rec, order="a"), numpy.sort(rec, order="a"))
    for fun in (lambda x: np.sort(x, order="a"), lambda x: numpy.sort(x, order="a"),
                lambda x: np.partition(x, 1, order="a")):
        with pytest.raises(ValueError, match="no fields.*argsort"):
            wengert.grad(lambda x: np.sum(fun(x)))(numpy.ones(3))
    # the way the message suggests: one permutation for every traced column
    i = numpy.argsort(rec, order="a")
    g = wengert.grad(lambda v: v[i][0] * 10.0 + v[i][1])(numpy.array([3.0, 4.0]))
    numpy.testing.assert_array_equal(g, [1.0, 10.0])


@pytest.mark.parametrize("kw", [dict(fweights=[1, 2, 1, 3, 2]), dict(aweights=True),
                                dict(fweights=[1, 2, 1, 3, 2], aweights=True),
                                dict(fweights=[1, 2, 1, 3, 2], aweights=True, ddof=0),
                                dict(aweights=True, bias=True),
                                dict(aweights=True, ddof=2, rowvar=False)])
def test_cov_weights(kw):
    rng = numpy.random.default_rng(4)
    kw = dict(kw)
    a = rng.uniform(0.5, 2.0, 5) if kw.pop("aweights", None) else None
    m = rng.standard_normal((5, 3) if kw.get("rowvar") is False else (3, 5))
    numpy.testing.assert_allclose(np.cov(m, aweights=a, **kw),
                                  numpy.cov(m, aweights=a, **kw), rtol=1e-13)
    check_grads(lambda m: np.cov(m, aweights=a, **kw), modes=["fwd", "rev"], order=2)(m)
    if a is not None:
        check_grads(lambda a: np.cov(m, aweights=a, **kw), modes=["fwd", "rev"], order=2)(a)


@pytest.mark.parametrize("kw, err, text", [
    (dict(fweights=[1.5, 1, 1]), TypeError, "fweights must be integer"),
    (dict(fweights=[[1, 1, 1]]), RuntimeError, "multidimensional fweights"),
    (dict(aweights=[1.0, 1.0]), RuntimeError, "2 weights for 3 observations"),
    (dict(aweights=[-1.0, 1.0, 1.0]), ValueError, "aweights cannot be negative")])
def test_cov_weight_errors(kw, err, text):
    m = numpy.array([[0.0, 1.0, 3.0], [1.0, 0.0, 2.0]])
    with pytest.raises(err, match=text):
        wengert.grad(lambda m: np.sum(np.cov(m, **kw)))(m)
    with pytest.raises(err):
        numpy.cov(m, **kw)
