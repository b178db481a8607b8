"""One backend test set: the same functions and transforms on NumPy arrays, a CuPy-like
array that refuses conversion to NumPy (``tests/foreign_arrays.py``), ``array_api_strict``
arrays (on its default device, and on ``Device('device1')``, which refuses conversion),
Dask arrays (synchronous scheduler; a callback counts the computes, which must be zero
while a derivative is built) and, where they import, CuPy, JAX and PyTorch (the latter
through array-api-compat).

Each case checks values against NumPy, derivatives against NumPy's derivatives (which
``tests/test_ops.py`` checks against finite differences; NumPy's are checked against
finite differences here too), and that every output is an array of the input's type on the
input's device.  Operators are tried in both orders with a constant of the backend's type.
"""
import contextlib
import importlib
import os

import numpy as onp
import pytest

import wengert
import wengert.numpy as np
from wengert.scipy.special import logsumexp, softmax
from wengert.test_util import check_grads

from foreign_arrays import DeviceArray, to_device


# -- backends --------------------------------------------------------------------------
class Backend:
    """How to move NumPy arrays to a backend and back, and what its arrays look like."""

    def __init__(self, name, put, get, array_type, device=None, computes=None):
        self.name, self.put, self._get, self.array_type = name, put, get, array_type
        self.device = device
        self.computes = computes or contextlib.nullcontext

    def get(self, a):
        if isinstance(a, (tuple, list)):
            return type(a)(self.get(v) for v in a)
        return self._get(a)

    def puts(self, *arrays):
        return tuple(self.put(onp.ascontiguousarray(a, dtype=DTYPE)) for a in arrays)

    def check(self, out):
        """``out`` is an array of this backend, on its device (every leaf of a tuple)."""
        if isinstance(out, (tuple, list)):
            for o in out:
                self.check(o)
            return
        assert isinstance(out, self.array_type), (self.name, type(out))
        if self.device is not None:
            assert out.device == self.device, (out.device, self.device)

    def __repr__(self):
        return self.name


# benchmarks/gpu_check.py runs this file in float32 too (WENGERT_BACKEND_DTYPE=float32):
# then results are compared with float64 NumPy at float32's accuracy
DTYPE = onp.dtype(os.environ.get("WENGERT_BACKEND_DTYPE", "float64"))
TOL = dict(rtol=1e-10, atol=1e-12) if DTYPE == onp.float64 else dict(rtol=2e-4, atol=2e-4)


def _numpy():
    return Backend("numpy", onp.asarray, onp.asarray, (onp.ndarray, onp.generic))


def _standin():
    return Backend("standin", to_device, lambda a: a.get(), DeviceArray, "standin:0")


def _strict(device_name):
    xp = pytest.importorskip("array_api_strict")
    dev = xp.Device(device_name) if device_name else None
    cpu = xp.Device("CPU_DEVICE")

    def put(a):
        return xp.asarray(a, device=dev)

    def get(a):
        return onp.asarray(xp.asarray(a, device=cpu) if a.device != cpu else a)
    return Backend(f"strict-{device_name or 'default'}", put, get, type(xp.asarray(0.0)),
                   put(onp.zeros(1)).device)


def _dask():
    da = pytest.importorskip("dask.array")
    import dask
    from dask.callbacks import Callback

    class Count(Callback):
        n = 0

        def _start(self, dsk):
            Count.n += 1

    @contextlib.contextmanager
    def no_computes():
        Count.n = 0
        with dask.config.set(scheduler="synchronous"), Count():
            yield
        assert Count.n == 0, f"{Count.n} Dask computes while building a derivative"

    def put(a):
        return da.from_array(a, chunks=2)
    return Backend("dask", put, lambda a: onp.asarray(a.compute()), da.Array,
                   computes=no_computes)


def _cupy():
    cp = pytest.importorskip("cupy")
    return Backend("cupy", cp.asarray, lambda a: a.get(), cp.ndarray,
                   cp.zeros(1).device)


def _jax():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    jax.config.update("jax_enable_x64", DTYPE == onp.float64)
    return Backend("jax", jnp.asarray, onp.asarray, jax.Array, jnp.zeros(1).device)


def _torch():
    torch = pytest.importorskip("torch")
    pytest.importorskip("array_api_compat")
    return Backend("torch", torch.asarray, lambda a: a.detach().numpy(), torch.Tensor,
                   torch.zeros(1).device)


BACKENDS = {"numpy": _numpy, "standin": _standin, "strict": lambda: _strict(None),
            "strict-device1": lambda: _strict("device1"), "dask": _dask, "cupy": _cupy,
            "jax": _jax, "torch": _torch}


@pytest.fixture(params=list(BACKENDS))
def backend(request):
    if request.param == "cupy" and importlib.util.find_spec("cupy") is None:
        pytest.skip("cupy is not installed")
    return BACKENDS[request.param]()


# -- functions: f(x, c) -> scalar, x differentiated, c a constant of the backend --------
RNG = onp.random.default_rng(0)
X = RNG.uniform(0.5, 1.5, (3, 4))
C = RNG.uniform(0.5, 1.5, (3, 4))
V = RNG.uniform(0.5, 1.5, 4)

FUNCTIONS = {
    "elementwise": lambda x, c: np.sum(np.sin(x) * np.exp(x) + np.tanh(x) ** 2
                                       + np.log(1 + x * x) + np.sqrt(x)),
    "const_op_x": lambda x, c: np.sum(c + x) + np.sum(c * x) + np.sum(c - x)
    + np.sum(c / x) + np.sum(c ** x),
    "x_op_const": lambda x, c: np.sum(x + c) + np.sum(x * c) + np.sum(x - c)
    + np.sum(x / c) + np.sum(x ** c),
    "const_op_x_functions": lambda x, c: np.sum(np.add(c, x)) + np.sum(np.multiply(c, x))
    + np.sum(np.subtract(c, x)) + np.sum(np.divide(c, x)) + np.sum(np.power(c, x)),
    "const_matmul_x": lambda x, c: np.sum((c.T @ x) ** 2),
    "x_matmul_const": lambda x, c: np.sum((x @ c.T) ** 2),
    "reductions": lambda x, c: np.sum(np.mean(x, axis=0) ** 2) + np.max(x)
    + np.sum(np.sum(x * c, axis=1, keepdims=True) ** 2),
    "broadcasting": lambda x, c: np.sum(x[:, :1] * c + x[0] * c),
    "reshape_transpose": lambda x, c: np.sum(np.reshape(np.transpose(x), (-1,)) ** 3
                                             * np.reshape(c, (12,))),
    "basic_indexing": lambda x, c: np.sum(x[1:, ::2] ** 2) + x[0, 1] * 2.0,
    "fancy_indexing": lambda x, c: np.sum(x[[0, 2, 2], 1:] ** 2) + np.sum(x[:, [3, 3]]),
    "einsum": lambda x, c: np.sum(np.einsum("ij,ij->i", x, c) ** 2),
    "tensordot": lambda x, c: np.sum(np.tensordot(x, c, axes=([1], [1])) ** 2),
    "where": lambda x, c: np.sum(np.where(x > 1.0, x ** 2, x * c)),
    "logsumexp_softmax": lambda x, c: logsumexp(x) + np.sum(softmax(x, axis=1) * c),
    "norm": lambda x, c: np.linalg.norm(x * c),
    "solve_det": lambda x, c: np.sum(np.linalg.solve(c[:, :3], x)) + np.linalg.det(x[:, :3]),
}


def as_backend(backend, f):
    """``f`` of NumPy arrays, with its constant on ``backend``."""
    (cb,) = backend.puts(C)
    return lambda x: f(x, cb)


# backends whose arrays answer NumPy's functions themselves (NEP 13/18)
NUMPY_PROTOCOLS = {"numpy", "standin", "dask", "cupy"}

# array_api_strict's operators take only its own arrays and Python scalars (strict by
# design): ``strict_array + traced_value`` raises its TypeError; np.add(c, x) works
STRICT_REFUSES = {"const_op_x", "const_matmul_x"}


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_value_and_gradient(backend, name):
    f = FUNCTIONS[name]
    (xb,) = backend.puts(X)
    fb = as_backend(backend, f)
    (cb,) = backend.puts(C)
    if backend.name.startswith("strict") and name in STRICT_REFUSES:
        with pytest.raises(TypeError, match="Expected Array or Python scalar"):
            wengert.grad(fb)(xb)
        return
    if backend.name == "dask" and name == "solve_det":
        # Dask's own limit (its LU needs square chunks): its error, unchanged
        with pytest.raises(ValueError, match="square"):
            wengert.grad(f)(xb, cb)
        return
    if backend.name.startswith("strict") and name == "einsum":
        with pytest.raises(TypeError, match="numpy.einsum: not supported on array_api_strict"):
            wengert.grad(f)(xb, cb)
        return
    with backend.computes():
        value, g = wengert.value_and_grad(f)(xb, cb)
        # wengert.numpy on array-API-only arrays outside a transform is NumPy's
        # function (see docs/guide/backends.md); every other backend answers it
        plain = f(xb, cb) if backend.name in NUMPY_PROTOCOLS else value
    backend.check(value)
    backend.check(plain)
    backend.check(g)
    ref = lambda x: f(x, C)  # noqa: E731
    onp.testing.assert_allclose(backend.get(value), ref(X), **TOL)
    onp.testing.assert_allclose(backend.get(plain), ref(X), **TOL)
    onp.testing.assert_allclose(backend.get(g), wengert.grad(ref)(X), **TOL)
    if backend.name == "numpy" and DTYPE == onp.float64:
        check_grads(ref, modes=["fwd", "rev"], order=2)(X)


@pytest.mark.parametrize("name", ["elementwise", "x_matmul_const", "fancy_indexing",
                                  "logsumexp_softmax"])
def test_transforms(backend, name):
    f = FUNCTIONS[name]
    (xb, tb) = backend.puts(X, V[None, :] * onp.ones((3, 1)))
    fb = as_backend(backend, f)
    ref = lambda x: f(x, C)  # noqa: E731
    T = onp.broadcast_to(V, X.shape)
    get = backend.get
    with backend.computes():
        value, g = wengert.value_and_grad(fb)(xb)
        _, vjp_fn = wengert.vjp(fb, xb)
        (g_vjp,) = vjp_fn(backend.puts(onp.ones(()))[0])
        _, jv = wengert.jvp(fb, (xb,), (tb,))
        hv = wengert.hessian_vector_product(fb)(xb, tb)
        gc = wengert.grad(wengert.checkpoint(fb))(xb)
    for what, out in dict(value=value, g=g, g_vjp=g_vjp, jv=jv, hv=hv, gc=gc).items():
        assert isinstance(out, backend.array_type), (what, type(out))
        backend.check(out)
    g_ref = wengert.grad(ref)(X)
    onp.testing.assert_allclose(get(value), ref(X), **TOL)
    for gi in (g, g_vjp, gc):
        onp.testing.assert_allclose(get(gi), g_ref, **TOL)
    onp.testing.assert_allclose(get(jv), onp.sum(g_ref * T), **TOL)
    onp.testing.assert_allclose(get(hv), wengert.hessian_vector_product(ref)(X, T), **TOL)


def test_jacobian_hessian(backend):
    (vb, cb) = backend.puts(V, V[::-1])

    def vec(v):
        return np.tanh(v) * cb + np.sum(v ** 2)

    def ref_vec(v):
        return np.tanh(v) * V[::-1] + np.sum(v ** 2)

    def scalar(v):
        return np.sum(np.sin(v) * cb) ** 2

    def ref_scalar(v):
        return np.sum(np.sin(v) * V[::-1]) ** 2

    with backend.computes():
        jac = wengert.jacobian(vec)(vb)
        hess = wengert.hessian(scalar)(vb)
    backend.check(jac)
    backend.check(hess)
    onp.testing.assert_allclose(backend.get(jac), wengert.jacobian(ref_vec)(V), **TOL)
    onp.testing.assert_allclose(backend.get(hess), wengert.hessian(ref_scalar)(V), **TOL)


def test_vmap(backend):
    (xb, cb) = backend.puts(X, V)

    def row_loss(w):
        return np.sum(np.tanh(w * cb) ** 2)

    with backend.computes():
        per_row = wengert.vmap(wengert.grad(row_loss))(xb)
    backend.check(per_row)
    ref = wengert.vmap(wengert.grad(lambda w: np.sum(np.tanh(w * V) ** 2)))(X)
    onp.testing.assert_allclose(backend.get(per_row), ref, **TOL)


def test_several_parameters(backend):
    """A tree of parameters (an MLP), each leaf's gradient of its own type."""
    (w1, w2, xb, yb) = backend.puts(RNG.standard_normal((4, 5)) * 0.5,
                                    RNG.standard_normal(5) * 0.5, X, X[:, 0])

    def loss(params, x, y):
        a, b = params
        return np.mean((np.tanh(x @ a) @ b - y) ** 2)

    with backend.computes():
        g = wengert.grad(loss)((w1, w2), xb, yb)
    backend.check(g)
    ref = wengert.grad(loss)(tuple(backend.get((w1, w2))), X, X[:, 0])
    for gi, ri in zip(backend.get(g), ref):
        onp.testing.assert_allclose(gi, ri, **TOL)


def test_compile_runs_eagerly_with_a_warning(backend):
    """``wengert.compile`` generates NumPy code: a call with another library's arrays
    runs eagerly (its results stay on that library), and says so once."""
    f = wengert.compile(wengert.grad(FUNCTIONS["elementwise"]))
    (xb,) = backend.puts(X)
    if backend.name == "numpy":
        onp.testing.assert_allclose(f(xb, C), wengert.grad(FUNCTIONS["elementwise"])(X, C),
                                    **TOL)
        return
    (cb,) = backend.puts(C)
    with pytest.warns(UserWarning, match="runs eagerly") as record:
        g = f(xb, cb)
    assert record[0].filename == __file__      # the warning names the caller's line
    backend.check(g)
    onp.testing.assert_allclose(backend.get(g), wengert.grad(FUNCTIONS["elementwise"])(X, C),
                                **TOL)


def test_foreign_constant_matmul_defers_to_the_box():
    """CuPy's ``@`` does not call NumPy's matmul (so ``__array_ufunc__`` is not asked):
    it defers only to an operand whose ``__array_ufunc__`` is None.  A traced array of
    another library reads None there (NumPy, reading the class, still finds the method),
    so ``cupy_constant @ x`` comes back to the box."""
    from wengert.numpy._array_box import ArrayBox, ForeignArrayBox
    (cb, xb) = to_device(C), to_device(X.T)
    with pytest.raises(TypeError, match="Unsupported type"):
        cb @ onp.ones((4, 3))          # the stand-in refuses NumPy operands, as CuPy does
    g = wengert.grad(lambda x: np.sum((cb @ x) ** 2))(xb)
    assert type(g) is DeviceArray
    onp.testing.assert_allclose(g.get(), wengert.grad(lambda x: np.sum((C @ x) ** 2))(X.T))
    assert ForeignArrayBox.__array_ufunc__ is ArrayBox.__array_ufunc__   # what NumPy reads


def test_vmap_of_a_loop_only_op(backend):
    """A primitive that ``vmap`` runs example by example (a fixed point iterates until
    its own tolerance) stacks its results with the backend's own stack."""
    from wengert.misc.fixed_points import fixed_point

    def solve(a):
        return fixed_point(lambda a: lambda x: 0.5 * np.cos(x) * a, a, a * 0.0,
                           lambda x, y: np.max(np.abs(x - y)),
                           1e-12 if DTYPE == onp.float64 else 1e-5)   # reachable in float32

    if backend.name == "dask":
        pytest.skip("a fixed point tests its distance each step: it computes")
    (xb,) = backend.puts(X)
    out = wengert.vmap(solve)(xb)
    backend.check(out)
    onp.testing.assert_allclose(backend.get(out), wengert.vmap(solve)(X), **TOL)


def test_arrays_with_numpy_protocols_but_no_array_namespace(monkeypatch):
    """CuPy arrays before CuPy's array API namespace have ``__array_function__`` but no
    ``__array_namespace__``: their library's top-level module serves as the namespace."""
    from wengert.numpy import _backends
    monkeypatch.delattr(DeviceArray, "__array_namespace__")
    monkeypatch.setattr(_backends, "NUMPY_LIKE_LIBRARIES", {"cupy", "foreign_arrays"})
    (xb, cb) = to_device(X), to_device(C)
    f = FUNCTIONS["fancy_indexing"]
    g = wengert.grad(lambda x: f(x, cb) + np.sum(x * cb))(xb)
    jac = wengert.jacobian(lambda x: np.tanh(x) * cb)(xb)
    assert type(g) is DeviceArray and type(jac) is DeviceArray
    onp.testing.assert_allclose(g.get(), wengert.grad(lambda x: f(x, C) + np.sum(x * C))(X))
    onp.testing.assert_allclose(jac.get(), wengert.jacobian(lambda x: np.tanh(x) * C)(X))


def test_an_op_the_backend_cannot_run_names_op_and_backend(backend):
    (xb,) = backend.puts(X)
    if backend.name == "standin":
        # the index is an array of the library, which offers no scatter-add
        idx = to_device(onp.array([0, 2, 2]))
        with pytest.raises(TypeError, match=r"gradient of x\[idx\].*foreign_arrays"):
            wengert.grad(lambda x: np.sum(x[idx]))(xb)
    elif backend.name == "dask":
        with pytest.raises(TypeError, match="sort.*Dask"):
            with backend.computes():
                wengert.grad(lambda x: np.sum(np.sort(x, axis=1) ** 2))(xb)
    else:
        pytest.skip(f"{backend.name} runs every op of this test set")


def test_zero_gradient_is_made_on_the_backend(backend):
    """A gradient that is zero (an input the output does not depend on) is an array of
    the input's library on its device, made there."""
    (xb, yb) = backend.puts(X, V)
    with backend.computes(), pytest.warns(UserWarning, match="independent"):
        g = wengert.grad(lambda x, y: np.sum(y * 2.0))(xb, yb)
    backend.check(g)
    onp.testing.assert_array_equal(backend.get(g), onp.zeros_like(X))
    with backend.computes():
        gx, gy = wengert.grad(lambda x, y: np.sum(y * 2.0), argnum=(0, 1))(xb, yb)
    backend.check((gx, gy))
    onp.testing.assert_array_equal(backend.get(gy), onp.full(4, 2.0))
