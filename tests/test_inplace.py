"""In-place updates of traced arrays: x[i] = v, x += y, ufunc.at, out=, views.

Every program here is also run on plain NumPy arrays: the traced run must give
NumPy's value (so aliasing and views behave as in NumPy), and its derivatives
must match finite differences in both modes at second order.
"""
import warnings

import numpy
import pytest

import wengert
import wengert.numpy as wnp
from wengert.test_util import check_grads

np = numpy  # the programs below are plain NumPy code, run on traced arrays too


def _agrees_with_numpy(f, *args):
    """f's value on traced arguments (all of them traced at once: a plain array
    cannot hold traced values) equals its value on plain copies, in both modes;
    the caller's arrays are left unchanged; derivatives match finite differences
    (both modes, order 2)."""
    before = [numpy.array(a, copy=True) for a in args]
    want = f(*[numpy.array(a, copy=True) for a in args])

    def g(xs):
        return f(*xs)

    _, got = wengert.make_vjp(g)(args)
    numpy.testing.assert_allclose(got, want, rtol=1e-12)
    got, _ = wengert.jvp(g, (args,), (tuple(numpy.ones_like(a) for a in args),))
    numpy.testing.assert_allclose(got, want, rtol=1e-12)
    for a, b in zip(args, before):
        numpy.testing.assert_array_equal(a, b)
    check_grads(g, modes=("fwd", "rev"), order=2)(args)


X = numpy.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])
V = numpy.array([0.9, -0.6, 1.3])


def test_setitem_gradient_and_caller_array_untouched():
    x = numpy.array([1.0, 2.0, 3.0])

    def f(x):
        x[0] = 0.0
        return np.sum(x)

    numpy.testing.assert_array_equal(wengert.grad(f)(x), [0.0, 1.0, 1.0])
    assert wengert.jvp(f, (x,), (numpy.ones(3),))[1] == 2.0
    numpy.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_setitem_forms():
    def f(x, v):
        y = x * 1.0                     # traced even when only v is
        y[0] = v                        # row, broadcast
        y[1, [0, 2, 0]] = v * y[0]      # advanced, repeated: the last write wins
        y[:, 1] = v[1]                  # scalar into a column
        y[y > 0.5] = 0.5 * v[2]         # boolean mask
        y[...] = y ** 2
        return y
    _agrees_with_numpy(f, X, V)


def test_augmented_assignment_and_aliases():
    def f(x, y):
        alias = x                        # another name for the same array
        x += y
        x *= y
        x -= 0.5
        x /= y * y + 1.0
        x **= 2.0
        alias[0, 1] += x[1, 2]           # getitem, iadd, setitem (a scalar: a copy)
        x[1] += alias[0]                 # a view row: written in place, then set again
        x[[0, 0], [2, 2]] += 1.0         # repeated: NumPy adds once (no accumulation)
        return alias * x[0, 0]
    _agrees_with_numpy(f, X, V)


def test_scalars_rebind_instead_of_mutating():
    def f(x):
        s = x[0, 0]          # a NumPy scalar: a copy
        t = s
        s += 1.0             # rebinds s only
        return x[0] * s + t
    _agrees_with_numpy(f, X)


def test_ufunc_at():
    idx = ([0, 1, 0, 0], [2, 0, 2, 2])

    def f(x, v):
        z = x * 1.0
        np.add.at(z, idx, v[[0, 1, 2, 0]])
        np.subtract.at(z, (1, slice(None)), v)
        np.multiply.at(z, idx, v[[2, 1, 0, 1]])
        np.divide.at(z, (0, [1, 1]), v[:2] + 2.0)
        np.negative.at(z, ([1, 1], [1, 1]))
        np.maximum.at(z, (0, 0), v[1])
        return z
    _agrees_with_numpy(f, X, V)


def test_out_arguments():
    def f(x, y):
        z = x * 1.0
        np.multiply(x, y, out=z)
        np.add(z, 1.0, out=z, where=numpy.array([True, False, True]))
        np.sum(x * y, axis=0, out=z[0])          # a function's out=, into a view
        np.divide(1.0, 2.0, out=z[1, 1:])        # plain inputs, traced output
        r = np.exp(z[1], out=z[1])               # returns the output, as NumPy
        return z + r
    _agrees_with_numpy(f, X, V)


def test_functional_at_and_named_updates():
    def f(x, v):
        a = wnp.at(x)[0].set(v)
        b = wnp.at(x)[([0, 0, 1], [1, 1, 0])].add(v)
        c = wnp.at(x)[1, ::2].multiply(v[:2])
        d = wnp.at(x)[[1, 1], 0].max(v[0]) + wnp.at(x)[0, 0].min(v[2])
        e = wnp.index_update(x, (slice(None), 2), 1.0) + wnp.index_add(x, 0, v)
        return a * b + c * d + e + wnp.at(x)[0].get()
    out = f(X, V)
    numpy.testing.assert_allclose(f(X, V), out)
    check_grads(f, modes=("fwd", "rev"), order=2)(X, V)
    with pytest.raises(ValueError):
        wnp.at(X)[0].set(numpy.ones(2))      # NumPy's broadcasting error


# -- views ---------------------------------------------------------------------------------
def test_views_see_writes_through_the_base():
    def f(x, v):
        row, col, t, flat = x[0], x[:, 1:], x.T, x.reshape(-1)
        sub = row[::2]                     # a view of a view
        x[0, 2] = v[0]
        x += v
        x[1] *= v
        return row * col[1, 0] + t[2, 1] * sub[1] + flat[3] + col[0, 1]
    _agrees_with_numpy(f, X, V)


def test_writes_through_views_reach_the_base():
    def f(x, v):
        row, t = x[1], x.T
        row[1:] = v[:2]
        t[0] += v[:2]
        col = t[2]
        col *= v[1]
        np.swapaxes(x, 0, 1)[1, 1] = v[2]
        sub = row[::2]
        sub -= 1.0
        np.reshape(x, -1)[0] = 3.0
        return x * row[0]
    _agrees_with_numpy(f, X, V)


def test_copies_are_not_views():
    def f(x):
        c, d, e, fancy = x.copy(), np.copy(x), wnp.array(x), x[[0, 1]]
        r = x.T.ravel()                    # NumPy copies here (not contiguous)
        x[0, 0] = 5.0
        c[1, 1], d[1, 0], e[0, 1], fancy[0, 2] = 1.0, 2.0, 3.0, 4.0
        return x + c * d + e * fancy + r[:3]
    _agrees_with_numpy(f, X)


def test_read_only_views_raise():
    def f(x):
        d = x.diagonal()
        d[0] = 1.0
        return d
    with pytest.raises(ValueError, match="read-only"):
        wengert.grad(lambda x: np.sum(f(x)))(X)
    with pytest.raises(ValueError, match="read-only"):
        f(X.copy())                        # as NumPy does


# -- nesting -------------------------------------------------------------------------------
def test_higher_order_through_updates():
    def f(x):
        y = x ** 2
        y[1] = x[0] * x[2]
        y[2] += y[1] ** 2
        return np.sum(y * x)
    x = numpy.array([0.5, -1.0, 2.0])
    h = wengert.hessian(f)(x)
    eps = 1e-5
    num = numpy.array([(wengert.grad(f)(x + eps * e) - wengert.grad(f)(x - eps * e)) / (2 * eps)
                       for e in numpy.eye(3)])
    numpy.testing.assert_allclose(h, num, rtol=1e-6, atol=1e-6)


def test_writing_an_inner_value_into_an_outer_array():
    def outer(x):
        def inner(y):
            x[0] = y * x[1]          # x belongs to the outer derivative
            return np.sum(x)
        return wengert.grad(inner)(1.5)

    with pytest.raises(ValueError, match="as_traced"):
        wengert.grad(outer)(numpy.array([1.0, 2.0]))

    def outer_fixed(x):
        def inner(y):
            z = wnp.as_traced(x, like=y)
            z[0] = y * x[1]
            return np.sum(z * x)
        return wengert.grad(inner)(1.5)       # x[1] * x[0]

    g = wengert.grad(outer_fixed)(numpy.array([1.0, 2.0]))
    numpy.testing.assert_allclose(g, [2.0, 1.0])

    def outer_ok(x):            # an outer value written from inside: recorded outside
        def inner(y):
            x[1] = x[0] * 3.0
            return y * np.sum(x)
        return wengert.grad(inner)(1.5) + np.sum(x)
    check_grads(outer_ok, modes=("fwd", "rev"), order=2)(numpy.array([1.0, 2.0]))


# -- a dynamic program filled in place -------------------------------------------------------
def softmin(p, q, r, gamma):
    return -gamma * np.log(np.exp(-p / gamma) + np.exp(-q / gamma) + np.exp(-r / gamma))


def soft_dtw(a, b, gamma=0.5):
    """Soft-DTW between two series: D[i, j] = c[i, j] + softmin(three neighbours),
    written as plain NumPy with one change: the table is created traced."""
    c = (a[:, None] - b[None, :]) ** 2
    n, m = c.shape
    D = wnp.as_traced(np.full((n + 1, m + 1), np.inf), like=c)
    D[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            D[i, j] = c[i - 1, j - 1] + softmin(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1], gamma)
    return D[n, m]


def test_dynamic_programming_table():
    rng = numpy.random.default_rng(1)
    a, b = rng.normal(size=4), rng.normal(size=3)
    assert numpy.isfinite(soft_dtw(a, b))
    check_grads(soft_dtw, modes=("fwd", "rev"), order=2)(a, b)
    numpy.testing.assert_allclose(wengert.value_and_grad(soft_dtw)(a, b)[0], soft_dtw(a, b))


# -- errors --------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["element", "slice"])
def test_plain_table_errors_say_what_to_do(target):
    def f(x):
        table = numpy.zeros(3)
        if target == "element":
            table[0] = x[0]          # NumPy calls float(): ours is the chained cause
        else:
            table[1:] = x[1:]        # NumPy calls __array__
        return np.sum(x)

    with pytest.raises((TypeError, ValueError)) as info:
        wengert.grad(f)(numpy.ones(3))
    err = info.value
    message = str(err) + str(err.__cause__ or "")   # NumPy chains ours as the cause
    assert "table = wengert.numpy.as_traced(table, like=x)" in message


def test_other_plain_targets_raise():
    with pytest.raises(TypeError, match=r"add\.at into a plain NumPy array.*as_traced"):
        wengert.grad(lambda x: np.add.at(numpy.zeros(2), [0], x) or 0.0)(1.0)
    with pytest.raises(TypeError, match=r"multiply\(\.\.\., out=\.\.\.\) into a plain.*as_traced"):
        wengert.grad(lambda x: np.sum(np.multiply(x, 2.0, out=numpy.zeros(2))))(numpy.ones(2))
    with pytest.raises(TypeError, match=r"cumsum\(\.\.\., out=\.\.\.\) into a plain"):
        wengert.grad(lambda x: np.sum(np.cumsum(x, out=numpy.zeros(2))))(numpy.ones(2))


def test_numpy_casting_and_shape_rules():
    def iadd_complex(x):
        x += 1j
        return np.sum(x)

    with pytest.raises(TypeError, match="Cannot cast ufunc 'add' output"):
        wengert.grad(iadd_complex)(numpy.ones(2))

    def iadd_grows(x):
        x += numpy.ones((2, 2))
        return np.sum(x)

    with pytest.raises(ValueError, match="non-broadcastable output operand"):
        wengert.grad(iadd_grows)(numpy.ones(2))


def test_leaked_box_cannot_be_written():
    leaked = []
    wengert.grad(lambda x: leaked.append(x) or np.sum(x))(numpy.ones(2))
    with pytest.raises(ValueError, match="already finished"):
        leaked[0][0] = 1.0


def test_as_traced_outside_a_derivative_is_a_plain_copy():
    a = numpy.zeros(2)
    b = wnp.as_traced(a, like=1.0)
    b[0] = 1.0
    assert type(b) is numpy.ndarray and a[0] == 0.0


def test_per_example_gradients_of_a_loss_that_writes_in_place():
    def loss(w, x):              # plain NumPy, filling an array in place
        h = x * w
        h[0] = h[1] * h[2]
        h[[1, 1]] = x[0]
        np.add.at(h, [2, 2], w[0] * x[1])
        h += 1.0
        return np.sum(h ** 2)

    X = numpy.arange(6.0).reshape(2, 3)
    w = numpy.array([0.5, -1.0, 2.0])
    loop = numpy.stack([wengert.grad(loss)(w, x) for x in X])
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # batched by rules, not a per-example loop
        batched = wengert.vmap(wengert.grad(loss), in_axes=(None, 0))(w, X)
        summed = wengert.grad(lambda w: np.sum(wengert.vmap(loss, in_axes=(None, 0))(w, X)))(w)
    numpy.testing.assert_allclose(batched, loop)
    numpy.testing.assert_allclose(summed, loop.sum(axis=0))
    f = lambda x, v: wnp.index_add(x, (slice(None), 1), v)   # noqa: E731
    V = numpy.arange(8.0).reshape(4, 2)
    numpy.testing.assert_allclose(wengert.vmap(f, in_axes=(None, 0))(numpy.ones((2, 3)), V),
                                  numpy.stack([f(numpy.ones((2, 3)), v) for v in V]))
