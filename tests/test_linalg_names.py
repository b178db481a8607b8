"""Every name ``numpy.linalg`` exports is differentiable in ``wengert.numpy.linalg``
(with specs in the op table) or explicitly not, with the reason; NumPy 2's array-API
names keep NumPy's signatures, results and errors."""
import inspect

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
import wengert.numpy.linalg as wla
from wengert._core import get_primitive
from wengert._specs import OP_SPECS, cover_name

NUMPY2 = int(np.__version__.split(".")[0]) >= 2

NOT_DIFFERENTIABLE = {
    "LinAlgError": "an exception class",
    "matrix_rank": "an integer (the number of singular values above a tolerance): "
                   "piecewise constant, wrapped as non-differentiable",
}

ARRAY_API = ["vector_norm", "matrix_norm", "vecdot", "matrix_transpose", "outer", "trace",
             "diagonal", "cross", "matmul", "tensordot", "svdvals"]


def _covered():
    names = set()
    for s in OP_SPECS:
        for f in s.covers:
            names.add(cover_name(f))
    return names


def test_every_numpy_linalg_name_is_differentiable_or_says_why_not():
    covered = _covered()
    status = {}
    for name in np.linalg.__all__:
        ours = getattr(wla, name)
        if name in NOT_DIFFERENTIABLE:
            assert inspect.isclass(ours) or getattr(ours, "_notrace", False), name
            status[name] = "not differentiable"
        else:
            assert getattr(ours, "__module__", "").startswith("wengert") or get_primitive(ours), (
                f"wengert.numpy.linalg.{name} is NumPy's own function: no derivative rule")
            assert cover_name(ours) in covered, f"wengert.numpy.linalg.{name} has no spec"
            status[name] = "differentiable"
    assert set(status) == set(np.linalg.__all__)
    if NUMPY2:
        assert all(status[n] == "differentiable" for n in ARRAY_API)


@pytest.mark.skipif(not NUMPY2, reason="NumPy 2's array-API names")
@pytest.mark.parametrize("name", ARRAY_API)
def test_array_api_names_keep_numpys_signature(name):
    assert inspect.signature(getattr(wla, name)) == inspect.signature(getattr(np.linalg, name))


def _cases(rng):
    x = rng.standard_normal((2, 3, 4))
    z = x + 1j * rng.standard_normal((2, 3, 4))
    v, w = rng.standard_normal(3), rng.standard_normal((2, 3))
    yield "vector_norm", (x,), {}
    yield "vector_norm", (x,), {"axis": (2, 0), "keepdims": True, "ord": 3}
    yield "vector_norm", (x,), {"axis": -2, "ord": -np.inf}
    yield "vector_norm", (z,), {"axis": None, "keepdims": True, "ord": 1}
    yield "vector_norm", (np.array(-2.0),), {}
    for ord in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        yield "matrix_norm", (x,), {"ord": ord, "keepdims": True}
    yield "vecdot", (w, v), {}
    yield "vecdot", (z[0], z[0]), {"axis": 0}
    yield "matrix_transpose", (x,), {}
    yield "outer", (v, v[:2]), {}
    yield "trace", (x,), {"offset": 1}
    yield "trace", (x,), {"offset": -1, "dtype": np.complex128}
    yield "diagonal", (z,), {"offset": -1}
    yield "cross", (w, v), {}
    yield "cross", (w.T, w.T[::-1]), {"axis": 0}
    yield "matmul", (x, np.swapaxes(x, -1, -2)), {}
    yield "tensordot", (w, x[0]), {"axes": 1}
    yield "tensordot", (x, x[0]), {}
    yield "svdvals", (z,), {}


@pytest.mark.skipif(not NUMPY2, reason="NumPy 2's array-API names")
def test_array_api_names_compute_numpys_values_on_traced_arrays(rng):
    for name, args, kwargs in _cases(rng):
        want = getattr(np.linalg, name)(*args, **kwargs)
        assert getattr(wla, name)(*args, **kwargs) is not None
        for i in range(len(args)):
            def f(xi, _i=i):
                return getattr(wla, name)(*args[:_i], xi, *args[_i + 1:], **kwargs)
            got, _ = wengert.make_jvp(f)(args[i])(np.ones_like(args[i]))
            assert np.shape(got) == np.shape(want) and np.result_type(got) == want.dtype
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12,
                                       err_msg=f"{name}(**{kwargs})")


@pytest.mark.skipif(not NUMPY2, reason="NumPy 2's array-API names")
def test_plain_numpy_linalg_on_traced_arrays_is_differentiated(rng):
    x = rng.standard_normal((3, 3))

    def f(x):
        return (np.linalg.vector_norm(x, axis=0).sum() + np.linalg.matrix_norm(x, ord="nuc")
                + np.linalg.trace(np.linalg.matrix_transpose(x) @ x)
                + np.linalg.svdvals(x).sum() + np.linalg.vecdot(x, x).sum()
                + np.linalg.diagonal(x).sum() + np.linalg.outer(x[0], x[1]).sum()
                + np.linalg.cross(x[0], x[1]).sum() + np.linalg.matmul(x, x).sum()
                + np.linalg.tensordot(x, x, axes=1).sum())

    def g(x):
        L = wla
        return (L.vector_norm(x, axis=0).sum() + L.matrix_norm(x, ord="nuc")
                + L.trace(L.matrix_transpose(x) @ x) + L.svdvals(x).sum()
                + L.vecdot(x, x).sum() + L.diagonal(x).sum() + L.outer(x[0], x[1]).sum()
                + L.cross(x[0], x[1]).sum() + L.matmul(x, x).sum()
                + L.tensordot(x, x, axes=1).sum())

    np.testing.assert_allclose(wengert.grad(f)(x), wengert.grad(g)(x), rtol=1e-13)


@pytest.mark.skipif(not NUMPY2, reason="NumPy 2's array-API names")
@pytest.mark.parametrize("call, match", [
    (lambda x: wla.outer(x, x), "1-d"),
    (lambda x: wla.cross(x[..., :2], x[..., :2]), "3-vectors"),
    (lambda x: wla.matrix_transpose(x[0, 0]), "at least 2 dimensions"),
    (lambda x: wla.trace(x[0, 0]), "at least 2 dimensions"),
    (lambda x: wla.vector_norm(x, axis=(0, 0)), "distinct axes"),
])
def test_array_api_names_reject_what_numpy_rejects(call, match):
    x = np.ones((2, 3, 3))
    with pytest.raises(ValueError):
        call(x)                                 # NumPy's own error on plain arrays
    with pytest.raises(ValueError, match=match):
        wengert.grad(lambda t: wnp.sum(call(t)))(x)
