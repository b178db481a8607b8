"""Arrays filled in place under vmap (and through compile): ``as_traced(a, like=x)``
with a batched ``x``, tables written entry by entry with plain NumPy calls on traced
values, per-example gradients of them, and their derivatives again in both modes."""
import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert.test_util import check_grads


# -- as_traced(a, like=x) when x is batched (vmap) --------------------------------------------
def _softmin(a, b, c):
    # plain NumPy on traced values: dispatched to wengert's rules
    return -np.log(np.exp(-a) + np.exp(-b) + np.exp(-c))


def soft_dtw(x, y):
    """Soft-DTW of two 1-d series: a dynamic-programming table filled in place."""
    n, m = len(x), len(y)
    D = (x[:, None] - y[None, :]) ** 2
    R = wnp.as_traced(np.full((n + 1, m + 1), 1e10), like=x)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = D[i - 1, j - 1] + _softmin(R[i - 1, j], R[i, j - 1], R[i - 1, j - 1])
    return R[n, m]


@pytest.fixture
def series():
    rng = np.random.default_rng(0)
    return rng.standard_normal((3, 4)), rng.standard_normal(3)


def test_per_example_gradients_of_a_table_filled_in_place(series):
    X, y = series
    loop = np.stack([wengert.grad(soft_dtw)(x, y) for x in X])
    batched = wengert.vmap(wengert.grad(soft_dtw), in_axes=(0, None))(X, y)
    np.testing.assert_allclose(batched, loop, rtol=1e-12, atol=1e-12)
    assert np.abs(loop).max() > 0.1       # not trivially zero
    # and differentiated again (the per-example Hessian's action), both modes
    check_grads(lambda X: wengert.vmap(wengert.grad(soft_dtw), in_axes=(0, None))(X, y[:2]),
                modes=["fwd", "rev"], order=1)(X[:2, :2])


def test_as_traced_like_a_batched_value(series):
    X, y = series
    values = wengert.vmap(soft_dtw, in_axes=(0, None))(X, y)    # used to raise TypeError
    np.testing.assert_allclose(values, [soft_dtw(x, y) for x in X], rtol=1e-12)
    # reverse mode over vmap: the table is batched, the tape outside
    total = lambda X, y: wnp.sum(wengert.vmap(soft_dtw, in_axes=(0, None))(X, y))
    loop = np.stack([wengert.grad(soft_dtw)(x, y) for x in X])
    np.testing.assert_allclose(wengert.grad(total)(X, y), loop, rtol=1e-12, atol=1e-12)
    check_grads(total, modes=["fwd", "rev"], order=2)(X[:2, :2], y[:2])


def test_as_traced_batched_table_seeded_with_an_outer_traced_value():
    def f(theta, X):
        def per_example(x):
            t = wnp.as_traced(wnp.stack([theta, theta]), like=x)   # theta: traced by grad
            t[1] = t[1] * x
            return wnp.sum(t ** 2)
        return wnp.sum(wengert.vmap(per_example)(X))
    X = np.array([0.5, -1.5, 2.0])
    expected = sum(wengert.grad(lambda th, x=x: th ** 2 + (th * x) ** 2)(0.7) for x in X)
    assert abs(wengert.grad(f)(0.7, X) - expected) < 1e-12
    check_grads(f, modes=["fwd", "rev"], order=2)(0.7, X)


# -- a plain-numpy loss filled in place: vmap, grad and compile together ----------------------
def running_loss(w, x):
    h = wnp.as_traced(np.zeros(len(x)), like=(w, x))   # the innermost of w's and x's traces
    h[0] = x[0] * w
    for i in range(1, len(x)):
        h[i] = np.logaddexp(h[i - 1], x[i] * w)          # plain numpy on traced values
    return np.sum(h ** 2)


X = np.random.default_rng(1).standard_normal((6, 5))


def test_per_example_gradients_of_a_plain_numpy_loss_filled_in_place():
    per_example = wengert.vmap(wengert.grad(running_loss), in_axes=(None, 0))
    loop = np.array([wengert.grad(running_loss)(0.7, x) for x in X])
    np.testing.assert_allclose(per_example(0.7, X), loop, rtol=1e-12)
    total = wengert.grad(lambda w: np.sum(wengert.vmap(running_loss, in_axes=(None, 0))(w, X)))
    np.testing.assert_allclose(total(0.7), loop.sum(), rtol=1e-12)
    check_grads(lambda w: np.sum(wengert.vmap(running_loss, in_axes=(None, 0))(w, X)),
                modes=["fwd", "rev"], order=2)(0.7)


def test_per_example_gradients_of_a_plain_numpy_loss_compiled():
    per_example = wengert.vmap(wengert.grad(running_loss), in_axes=(None, 0))
    fast = wengert.compile(per_example)
    for w in (0.7, 0.5):
        assert np.array_equal(fast(w, X), per_example(w, X))
    assert fast.stats()["traces"] == 1
