"""The Dask audit: every transform over linear algebra, FFT, products, ``where``,
``logsumexp``/``softmax``, indexing and in-place updates, with Dask arrays as data and as
parameters.  Each either stays lazy (a Dask callback counts zero computes while the
result is built, the result is a Dask array) and equals NumPy's, or raises an error
naming the operation before anything is computed: never a silent compute, never a
silent conversion to NumPy, never a different number."""
import warnings

import numpy as onp
import pytest

da = pytest.importorskip("dask.array")
import dask  # noqa: E402
from dask_checks import CountComputes  # noqa: E402

import wengert  # noqa: E402
import wengert.numpy as np  # noqa: E402
from wengert.scipy.special import logsumexp, softmax  # noqa: E402


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        # Dask's fallback for a NumPy function it lacks warns, then computes: an error here
        warnings.simplefilter("error", FutureWarning)
        yield


RNG = onp.random.default_rng(3)
A = RNG.standard_normal((4, 4)) + 4 * onp.eye(4)
S = A @ A.T
B = RNG.standard_normal(4)
X = RNG.standard_normal((8, 4))
W = RNG.standard_normal(4)
V = onp.linspace(-0.5, 0.7, 4)          # a tangent / a vector for hvp


def dask_(a):
    """Two chunks along the first axis where there are 8 rows, one chunk otherwise."""
    return da.from_array(a, chunks=(4,) + a.shape[1:] if a.ndim else ())


class Consts:
    def __init__(self, conv):
        self.A, self.S, self.B, self.X = conv(A), conv(S), conv(B), conv(X)


NP, DK = Consts(lambda a: a), Consts(dask_)


def _stack2(w):
    return (da.stack if isinstance(w, da.Array) else onp.stack)([w, 2.0 * w])


# transform name -> (f(w, c) -> array, w, c) -> result
TRANSFORMS = {
    "grad": lambda f, w, c: wengert.grad(lambda w: np.sum(f(w, c)))(w),
    "value_and_grad": lambda f, w, c: wengert.value_and_grad(lambda w: np.sum(f(w, c)))(w),
    "vjp": lambda f, w, c: (lambda out, back: back(out * 0.0 + 1.0))(
        *wengert.vjp(lambda w: f(w, c), w)),
    "jvp": lambda f, w, c: wengert.jvp(lambda w: f(w, c), (w,), (V,)),
    "jacobian": lambda f, w, c: wengert.jacobian(lambda w: f(w, c))(w),
    # squared: the Hessian of a function linear in w is a symbolic zero (a NumPy zero)
    "hessian": lambda f, w, c: wengert.hessian(lambda w: np.sum(f(w, c) ** 2))(w),
    "hvp": lambda f, w, c: wengert.hessian_vector_product(lambda w: np.sum(f(w, c) ** 2))(w, V),
    "checkpoint": lambda f, w, c: wengert.grad(
        lambda w: np.sum(wengert.checkpoint(lambda w: f(w, c))(w)))(w),
    "vmap": lambda f, w, c: wengert.vmap(lambda w: f(w, c))(_stack2(w)),
    "vmap(grad)": lambda f, w, c: wengert.vmap(
        wengert.grad(lambda w: np.sum(f(w, c))))(_stack2(w)),
}


def _qr(w, c):
    q, r = np.linalg.qr(c.X * w)         # signs of Dask's tall-skinny QR differ: abs(q), r**2
    return np.sum(np.abs(q) * 1.5) + np.sum(r ** 2) + np.sum(q @ r)


def _svd(w, c):
    u, s, vt = np.linalg.svd(c.X * w, full_matrices=False)
    return s + np.sum(np.abs(u), axis=0) + np.sum(np.abs(vt), axis=1)


def _setitem(w, c):
    z = c.X @ w
    z[2] = 0.0
    z[onp.array([4, 5, 4])] = w[:3] * 3     # repeated position: the last write wins
    return z


def _alias_and_views(w, c):
    z = c.X * w
    alias = z
    z += 1.0                                # in place: the alias sees it, as in NumPy
    z.T[1] = w[:1] * 2.0                    # a write through a view reaches z
    rows = z[1:3]
    z[2, :] = 0.5                           # ... and the view sees a write into z
    return z + alias + np.sum(rows)


def _add_at(w, c):
    z = c.X @ w
    onp.add.at(z, onp.array([0, 0, 5]), w[:3])
    return z


LAZY = {
    "linalg.solve(A, w)": lambda w, c: np.linalg.solve(c.A, w),
    "linalg.solve(A + diag(w), b)": lambda w, c: np.linalg.solve(c.A + np.diag(w), c.B),
    "linalg.inv": lambda w, c: np.linalg.inv(c.A + np.diag(w)),
    "linalg.cholesky": lambda w, c: np.linalg.cholesky(c.S + np.diag(w ** 2)),
    "linalg.cholesky(upper=True)": lambda w, c: np.linalg.cholesky(c.S + np.diag(w ** 2),
                                                                    upper=True),
    "linalg.qr": _qr,
    "linalg.svd": _svd,
    "linalg.svd(compute_uv=False)": lambda w, c: np.linalg.svd(c.X * w, compute_uv=False),
    "linalg.svd(full_matrices=True)": lambda w, c: (
        np.sum(np.linalg.svd(c.X * w)[0][:, 4:] @ np.linalg.svd(c.X * w)[0][:, 4:].T)
        + np.linalg.svd(c.X * w)[1]),
    "linalg.slogdet": lambda w, c: np.linalg.slogdet(c.A + np.diag(w))[1],
    "linalg.eigh": lambda w, c: np.linalg.eigh(c.S + np.diag(w))[0] + np.sum(
        np.abs(np.linalg.eigh(c.S + np.diag(w))[1]), axis=0),
    "linalg.eigvalsh": lambda w, c: np.linalg.eigvalsh(c.S + np.diag(w)),
    "linalg.pinv": lambda w, c: np.linalg.pinv(c.X * w) @ c.X[:, 0],
    "linalg.norm (vector, Frobenius, rows, 2)": lambda w, c: (
        np.linalg.norm(c.X @ w) + np.linalg.norm(c.X * w) + np.linalg.norm(c.X * w, axis=1)
        + np.linalg.norm(c.A + np.diag(w), 2)),
    "linalg.cond": lambda w, c: np.linalg.cond(c.A + np.diag(w)),
    "linalg.tensorsolve, multi_dot": lambda w, c: (
        np.linalg.tensorsolve(c.A + np.diag(w), c.B) + np.linalg.multi_dot([c.X, c.A, w])[:4]),
    "linalg.matrix_power": lambda w, c: np.linalg.matrix_power(c.A * w, 2),
    "fft.fft": lambda w, c: np.abs(np.fft.fft(c.X * w, axis=1)) ** 2,
    "fft.rfft, irfft": lambda w, c: np.fft.irfft(np.fft.rfft(c.X * w, axis=1) * 1.5, n=4,
                                                 axis=1),
    "fft.fft2, ifft": lambda w, c: np.abs(np.fft.fft2(c.X[:4] * w)) + np.real(np.fft.ifft(w * w)),
    "matmul": lambda w, c: c.X @ w + (w @ c.X.T),
    "einsum": lambda w, c: np.einsum("ij,j->i", c.X, w) + np.einsum("ij,ik,j->k", c.X, c.X,
                                                                     w)[0],
    "tensordot, dot, outer": lambda w, c: (np.tensordot(c.X, w, axes=1) + np.dot(c.X, w)
                                           + np.sum(np.outer(w, w))),
    "where": lambda w, c: np.where(c.X @ w > 0, (c.X @ w) ** 2, -(c.X @ w)),
    "logsumexp": lambda w, c: logsumexp(c.X * w, axis=1),
    "softmax": lambda w, c: softmax(c.X * w, axis=1),
    "x[int], x[bool NumPy mask]": lambda w, c: (c.X * w)[3] + (c.X @ w)[
        onp.array([True, False] * 4)],
    "fancy-index adjoint, take": lambda w, c: (c.X @ w)[onp.array([0, 3, 3, 7])]
    + np.take(c.X @ w, onp.array([1, 1, 5, 2])),
    "x[idx] = v": _setitem,
    "x += y, aliases, views": _alias_and_views,
    "np.add.at": _add_at,
}
# np.add.at on a plain Dask array is Dask's own error (no ufunc.at): checkpoint's forward pass
SKIP = {("np.add.at", "checkpoint")}


def _leaves(t):
    return wengert.tree.leaves(t)


@pytest.mark.parametrize("tname", list(TRANSFORMS))
@pytest.mark.parametrize("case", list(LAZY))
@pytest.mark.parametrize("dask_w", [False, pytest.param(True, marks=pytest.mark.slow)],
                         ids=["NumPy w", "Dask w"])
def test_stays_lazy_and_equals_numpy(case, tname, dask_w):
    if (case, tname) in SKIP:
        pytest.skip("Dask's own limit, outside wengert")
    f, T = LAZY[case], TRANSFORMS[tname]
    expected = T(f, W, NP)
    with CountComputes() as c:
        out = T(f, dask_(W) if dask_w else W, DK)
    assert c.n == 0, f"{case} / {tname}: {c.n} compute(s) while building the result"
    assert all(isinstance(v, da.Array) for v in _leaves(out)), \
        [type(v).__name__ for v in _leaves(out)]
    got = _leaves(wengert.compute(out))
    assert len(got) == len(_leaves(expected))
    for g, e in zip(got, _leaves(expected)):
        assert onp.shape(g) == onp.shape(e)
        onp.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-10)


def _lstsq(w, c):
    return np.linalg.lstsq(c.X, c.X @ w, rcond=None)[0]


REFUSED = {
    "det": lambda w, c: np.linalg.det(c.A + np.diag(w)),
    "eig": lambda w, c: np.real(np.linalg.eig(c.A + np.diag(w))[0]),
    "eigvals": lambda w, c: np.real(np.linalg.eigvals(c.A + np.diag(w))),
    "lstsq": _lstsq,
}


@pytest.mark.parametrize("tname", ["grad", "jvp", "hessian", "checkpoint", "vmap"])
@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_before_any_compute(name, tname):
    named = {"eigvals": "eig"}.get(name, name)   # computed by eig
    with CountComputes() as c, pytest.raises(TypeError, match=rf"numpy\.linalg\.{named}: "
                                             "cannot run lazily on a Dask array"):
        TRANSFORMS[tname](REFUSED[name], W, DK)
    assert c.n == 0


def test_plain_calls_on_dask_arrays_are_lazy_or_refused():
    # outside any transform too: NumPy's functions would compute (or, for cholesky,
    # return Dask's upper factor); what Dask lacks runs as NumPy's function per chunk
    with CountComputes() as c:
        low = np.linalg.cholesky(DK.S)
        q, r = np.linalg.qr(DK.X)
        s = np.linalg.svd(DK.X, compute_uv=False)
        x = np.linalg.solve(DK.A, DK.B)
        n = np.linalg.vector_norm(DK.X, axis=1)
        rank = np.linalg.matrix_rank(da.stack([DK.A, da.ones((4, 4))]))
        sign, logdet = np.linalg.slogdet(DK.A)
        for fun in (np.linalg.det, np.linalg.eig):
            with pytest.raises(TypeError, match=f"numpy.linalg.{fun.__name__}: cannot run"):
                fun(DK.A)
    assert c.n == 0
    assert list(rank.compute()) == [4, 1]
    onp.testing.assert_allclose(sign.compute() * onp.exp(logdet.compute()), onp.linalg.det(A),
                                rtol=1e-12)
    onp.testing.assert_allclose(low.compute(), onp.linalg.cholesky(S), rtol=1e-12)
    onp.testing.assert_allclose((q @ r).compute(), X, atol=1e-12)
    onp.testing.assert_allclose(s.compute(), onp.linalg.svd(X, compute_uv=False), rtol=1e-12)
    onp.testing.assert_allclose(x.compute(), onp.linalg.solve(A, B), rtol=1e-12)
    onp.testing.assert_allclose(n.compute(), onp.linalg.norm(X, axis=1), rtol=1e-12)


def test_a_stack_of_matrices_is_solved_one_matrix_at_a_time_lazily():
    # Dask's linalg takes single matrices: stacks (and vmap, jacobian) loop lazily
    a = onp.stack([A, S, A.T])
    b = RNG.standard_normal((3, 4, 2))
    with CountComputes() as c:
        x = np.linalg.solve(dask_(a), dask_(b))
        ai = np.linalg.inv(dask_(a))
        bv = np.linalg.solve(dask_(a), B)       # a 1-d b is one vector for every matrix
    assert c.n == 0
    onp.testing.assert_allclose(x.compute(), onp.linalg.solve(a, b), rtol=1e-10)
    onp.testing.assert_allclose(ai.compute(), onp.linalg.inv(a), rtol=1e-10)
    onp.testing.assert_allclose(bv.compute(), onp.linalg.solve(a, B), rtol=1e-10)


def test_writes_do_not_change_the_callers_dask_array():
    x = dask_(X.copy())
    before = x.name
    g = wengert.grad(lambda w: np.sum(_setitem(w, Consts(lambda a: x if a is X else
                                                          dask_(a)))))(W)
    assert x.name == before
    onp.testing.assert_allclose(x.compute(), X)
    onp.testing.assert_allclose(g.compute(), wengert.grad(lambda w: np.sum(_setitem(w, NP)))(W),
                                rtol=1e-12)


def test_a_dask_index_in_a_write_is_refused():
    with CountComputes() as c, pytest.raises(TypeError, match=r"x\[idx\] = v.*Dask"):
        wengert.grad(lambda w: np.sum(np.index_update(DK.X @ w, da.from_array(onp.array([1])),
                                                      w[0])))(W)
    assert c.n == 0


def test_inner_over_dask_data():
    with CountComputes() as c:
        v = np.inner(DK.X, W)
    assert c.n == 0
    onp.testing.assert_allclose(v.compute(), onp.inner(X, W), rtol=1e-12)


def test_reshape_method_of_a_dask_box():
    g = wengert.grad(lambda w: np.sum((DK.X * w).reshape(-1) ** 2))(W)
    onp.testing.assert_allclose(g.compute(), wengert.grad(
        lambda w: np.sum((X * w).reshape(-1) ** 2))(W), rtol=1e-12)


def test_linalg_tensordot_with_negative_axes_over_dask_data():
    # dask.array.tensordot misreads negative axes (a wrong value, shape (2,) here): the
    # array-API name makes them non-negative first
    f = lambda w, X: np.linalg.tensordot(X, w, axes=([-1], [-1]))    # noqa: E731
    with CountComputes() as c:
        v, t = wengert.jvp(lambda w: f(w, DK.X), (W,), (V,))
    assert c.n == 0
    e, et = wengert.jvp(lambda w: f(w, X), (W,), (V,))
    onp.testing.assert_allclose(v.compute(), e, rtol=1e-12)
    onp.testing.assert_allclose(t.compute(), et, rtol=1e-12)


def test_numpy_tensordot_with_negative_axes_over_dask_data():
    v = np.tensordot(DK.X, W, axes=([-1], [-1]))
    onp.testing.assert_allclose(v.compute(), X @ W, rtol=1e-12)


def test_a_cotangent_chunked_unlike_the_output():
    out, back = wengert.vjp(lambda w: np.sum(DK.X * w, axis=-1), W)
    (g,) = back(da.ones(8, chunks=8))
    onp.testing.assert_allclose(g.compute(), X.sum(axis=0), rtol=1e-12)
