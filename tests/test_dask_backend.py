"""Dask arrays through the transforms: values and gradients equal NumPy's, the results
are Dask arrays where the inputs were, and nothing is computed while the gradient is
built (a Dask callback counts the computes); one ``dask.compute`` evaluates it all."""
import numpy as onp
import pytest

da = pytest.importorskip("dask.array")
import dask  # noqa: E402
from dask_checks import CountComputes  # noqa: E402

import wengert  # noqa: E402
import wengert.numpy as np  # noqa: E402
from wengert.scipy.special import logsumexp  # noqa: E402
from wengert import compute  # noqa: E402  (the public name)


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


RNG = onp.random.default_rng(0)
X = RNG.standard_normal((24, 3))
Y = RNG.standard_normal(24)
LABELS = onp.sign(Y)
W = RNG.standard_normal(3)
W1 = RNG.standard_normal((3, 5)) * 0.5
W2 = RNG.standard_normal(5) * 0.5
IDX = onp.array([0, 3, 3, 7, 23])


def dask_(a):
    return da.from_array(a, chunks=8) if a.ndim == 1 else da.from_array(a, chunks=(8, -1))


def least_squares(w, X, y):
    return np.sum((X @ w - y) ** 2)


def logistic(w, X, t):
    return np.sum(np.logaddexp(0.0, -t * (X @ w)))


def mlp(params, X, y):
    w1, w2 = params
    h = np.tanh(X @ w1)
    return np.mean((h @ w2 - y) ** 2)


def reshaped(w, X):
    return np.sum(np.reshape(X @ w, (4, 6)) ** 2 * np.arange(6.0))


def masked(w, X):
    z = X @ w
    return np.sum(np.where(z > 0, z, 0.1 * z) ** 2) + np.sum(np.maximum(z, 0.0))


def gathered(w, X):
    return np.sum((X @ w)[IDX] ** 2) + np.sum((X @ w)[2:9] * 3.0)


def softmax_and_friends(w, X):
    z = X * w
    p = np.exp(z - logsumexp(z, axis=1, keepdims=True))
    return (np.sum(p * np.arange(3.0)) + np.sum(np.diag(z[:3]) ** 2)
            + np.sum(np.astype(z, np.float32)) + np.sum(np.cumsum(X @ w) ** 2))


def ravelled(w, X):
    return np.sum(np.ravel(X * w) ** 3)


# (name, function, NumPy arguments, which arguments go to Dask)
CASES = [
    ("least squares, NumPy w", least_squares, (W, X, Y), (1, 2)),
    ("logistic, NumPy w", logistic, (W, X, LABELS), (1, 2)),
    ("least squares, Dask w", least_squares, (W, X, Y), (0, 1, 2)),
    ("logistic, Dask w and data", logistic, (W, X, LABELS), (0, 1, 2)),
    ("reshape", reshaped, (W, X), (1,)),
    ("where and maximum", masked, (W, X), (1,)),
    ("fancy-index adjoint", gathered, (W, X), (1,)),
    ("fancy-index adjoint, Dask w", lambda w: np.sum(w[onp.array([0, 2, 2])] ** 2), (W,),
     (0,)),
    ("logsumexp, diag, astype, cumsum", softmax_and_friends, (W, X), (1,)),
    ("ravel, Dask w", ravelled, (W, X), (0, 1)),
    ("MLP", mlp, ((W1, W2), X, Y), (1, 2)),
]


def to_dask(args, which):
    def conv(a):
        return tuple(conv(b) for b in a) if isinstance(a, tuple) else dask_(a)
    return tuple(conv(a) if k in which else a for k, a in enumerate(args))


def is_dask_tree(t):
    return all(isinstance(v, da.Array) for v in wengert.tree.leaves(t))


@pytest.mark.parametrize("name, f, args, which", CASES, ids=[c[0] for c in CASES])
def test_gradient_is_lazy_and_equals_numpy(name, f, args, which):
    value, grad = wengert.value_and_grad(f)(*args)
    dargs = to_dask(args, which)
    with CountComputes() as c:
        dvalue, dgrad = wengert.value_and_grad(f)(*dargs)
        g_only = wengert.grad(f)(*dargs)
    assert c.n == 0, f"{name}: {c.n} compute(s) while building the gradient"
    assert isinstance(dvalue, da.Array)
    assert is_dask_tree(dgrad) and is_dask_tree(g_only)
    with CountComputes() as c:
        v, g, g2 = dask.compute(dvalue, dgrad, g_only)
    assert c.n == 1
    onp.testing.assert_allclose(v, value, rtol=1e-12, atol=1e-12)
    for a, b, b2 in zip(wengert.tree.leaves(grad), wengert.tree.leaves(g),
                        wengert.tree.leaves(g2)):
        assert b.shape == onp.shape(a) and b.dtype == a.dtype
        onp.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
        onp.testing.assert_allclose(b2, a, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dask_w", [False, True])
def test_vjp_jvp_hvp_stay_lazy(dask_w):
    Xd, yd = dask_(X), dask_(Y)
    w = dask_(W) if dask_w else W
    v = onp.array([0.3, -1.0, 2.0])
    f = lambda w: logistic(w, Xd, yd)   # noqa: E731
    with CountComputes() as c:
        out, vjp_fn = wengert.vjp(f, w)
        (ct,) = vjp_fn(np.ones(()) if not dask_w else da.ones(()))
        primal, tangent = wengert.jvp(f, (w,), (v,))
        hv = wengert.hessian_vector_product(f)(w, v)
    assert c.n == 0
    assert all(isinstance(t, da.Array) for t in (out, ct, primal, tangent, hv))
    ct, tangent, hv = compute((ct, tangent, hv))
    g = wengert.grad(lambda w: logistic(w, X, Y))(W)
    H = wengert.hessian(lambda w: logistic(w, X, Y))(W)
    onp.testing.assert_allclose(ct, g, rtol=1e-12)
    onp.testing.assert_allclose(tangent, g @ v, rtol=1e-12)
    onp.testing.assert_allclose(hv, H @ v, rtol=1e-12)


def test_compute_evaluates_all_leaves_in_one_pass():
    grads = wengert.grad(mlp)((W1, W2), dask_(X), dask_(Y))
    with CountComputes() as c:
        g1, g2 = compute(grads)
    assert c.n == 1
    assert type(g1) is onp.ndarray and type(g2) is onp.ndarray
    e1, e2 = wengert.grad(mlp)((W1, W2), X, Y)
    onp.testing.assert_allclose(g1, e1, rtol=1e-12)
    onp.testing.assert_allclose(g2, e2, rtol=1e-12)


def test_a_dask_index_is_refused_not_computed():
    w = dask_(W)
    with CountComputes() as c, pytest.raises(TypeError, match="Dask"):
        wengert.grad(lambda w: np.sum(w[da.from_array(onp.array([0, 2]))] ** 2))(w)
    assert c.n == 0


def test_sort_is_refused_not_computed():
    # Dask has no lazy argsort: the rule raises, naming the op, instead of computing
    with CountComputes() as c, pytest.raises(TypeError, match="sort.*Dask"):
        wengert.grad(lambda w: np.sum(np.sort(w) * np.arange(3.0)))(dask_(W))
    assert c.n == 0


def _numpy_constants(arr, n):
    """Shapes of the NumPy arrays of n or more entries held in ``arr``'s graph."""
    found = []

    def walk(v, depth=0):
        if depth > 50:
            return
        if isinstance(v, onp.ndarray):
            if v.size >= n:
                found.append(v.shape)
        elif isinstance(v, (tuple, list)):
            for u in v:
                walk(u, depth + 1)
        elif isinstance(v, dict):
            for u in v.values():
                walk(u, depth + 1)
        else:   # a task of the graph: its arguments
            for attr in ("value", "args", "kwargs"):
                u = getattr(v, attr, None)
                if u is not None and not isinstance(u, (str, bytes)):
                    walk(u, depth + 1)

    for v in dict(arr.__dask_graph__()).values():
        walk(v)
    return found


@pytest.mark.parametrize("reduce", [np.sum, np.mean])
def test_no_numpy_array_of_the_data_size_enters_the_graph(reduce):
    # the cotangent of a full reduction is broadcast back to the data's shape: it must
    # be broadcast as a Dask array (a NumPy one of the data's size would be hashed and
    # copied into the graph: gigabytes for data larger than memory)
    n = 20_000
    Xd, yd = da.ones((n, 3), chunks=(5_000, 3)), da.ones(n, chunks=5_000)
    for f in (lambda w: reduce((Xd @ w - yd) ** 2),
              lambda w: reduce(np.logaddexp(0.0, -yd * (Xd @ w)))):
        assert _numpy_constants(wengert.grad(f)(W), n) == []
        assert _numpy_constants(wengert.jvp(f, (W,), (W,))[1], n) == []


def test_a_float_parameter_over_dask_data_gets_a_lazy_0d_gradient():
    f = lambda a, X: np.sum(np.tanh(a * X))     # noqa: E731
    with CountComputes() as c:
        g = wengert.grad(f)(0.5, dask_(X))
    assert c.n == 0 and isinstance(g, da.Array) and g.shape == () and g.dtype == onp.float64
    onp.testing.assert_allclose(g.compute(), wengert.grad(f)(0.5, X), rtol=1e-12)


def test_importing_wengert_does_not_import_dask():
    import subprocess
    import sys
    code = "import sys, wengert, wengert.numpy; assert 'dask' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
