"""Factorizations beyond the op table: lstsq batched by vmap without the loop
fallback (full and deficient rank) and compiled; qr(mode='complete') of tall
matrices (the extra columns of q differentiated, gauge-free projectors); SciPy's
cho_factor with cho_solve.

Every derivative is checked against finite differences in both modes at order 2.
"""
import warnings

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert.test_util import check_grads


from vmap_checks import loop as _loop, vmap_no_fallback as _vmap_no_fallback  # noqa: E402


# -- lstsq: branch-free rank, batched without the loop ----------------------------------------
def _lstsq_loss(a, b):
    x, res, rank, sv = wnp.linalg.lstsq(a, b)
    return wnp.sum(x ** 2) + wnp.sum(res) + wnp.sum(sv)


def test_lstsq_vmaps_without_loop_full_rank():
    rng = np.random.default_rng(3)
    A, B = rng.standard_normal((4, 5, 3)), rng.standard_normal((4, 5))
    x, res, rank, sv = _vmap_no_fallback(wnp.linalg.lstsq, A, B)
    for i in range(4):
        ref = np.linalg.lstsq(A[i], B[i])
        for o, r in zip((x, res, rank, sv), ref):
            np.testing.assert_allclose(o[i], r, rtol=1e-10)
    assert rank.dtype == np.int32 and res.shape == (4, 1)
    check_grads(lambda a, b: wnp.sum(wengert.vmap(_lstsq_loss)(a, b)))(A, B)


def test_lstsq_same_deficient_rank_batches_and_differing_rank_raises():
    rng = np.random.default_rng(4)
    u = rng.standard_normal((3, 5, 1))
    A = u @ rng.standard_normal((3, 1, 3))               # rank 1, every example
    B = rng.standard_normal((3, 5))
    x, res, rank, sv = _vmap_no_fallback(wnp.linalg.lstsq, A, B)
    np.testing.assert_array_equal(rank, [1, 1, 1])
    assert res.shape == (3, 0)                           # NumPy: empty when rank-deficient
    np.testing.assert_allclose(x, np.stack([np.linalg.lstsq(a, b)[0] for a, b in zip(A, B)]))
    A[1] = rng.standard_normal((5, 3))                   # example 1 has full rank
    with pytest.raises(ValueError, match="lstsq inside wengert.vmap: the rank of a differs"):
        wengert.vmap(wnp.linalg.lstsq)(A, B)
    # wide matrices have empty residuals whatever the rank: no error
    x = _vmap_no_fallback(lambda a, b: wnp.linalg.lstsq(a, b)[0], np.swapaxes(A, 1, 2), B[:, :3])
    assert x.shape == (3, 5)


def test_lstsq_under_compile_equals_eager():
    rng = np.random.default_rng(5)
    g = wengert.grad(_lstsq_loss, (0, 1))
    fast = wengert.compile(g)
    for _ in range(2):
        a, b = rng.standard_normal((5, 3)), rng.standard_normal(5)
        for o, r in zip(fast(a, b), g(a, b)):
            np.testing.assert_allclose(o, r, rtol=1e-10)


# -- qr(mode='complete') of tall matrices -----------------------------------------------------
def _complete(a):
    return wnp.linalg.qr(a, mode="complete")


@pytest.mark.parametrize("shape,dtype", [((5, 2), np.float64), ((2, 4, 3), np.float64),
                                         ((4, 2), np.complex128), ((3, 1), np.float32)])
def test_qr_complete_tall_matches_numpy_and_differentiates(shape, dtype):
    rng = np.random.default_rng(6)
    a = rng.standard_normal(shape)
    if dtype == np.complex128:
        a = a + 1j * rng.standard_normal(shape)
    a = a.astype(dtype)
    (q, r), (dq, dr) = wengert.jvp(_complete, (a,), (np.ones_like(a),))
    ref_q, ref_r = np.linalg.qr(a, mode="complete")
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(q, ref_q, atol=tol)
    np.testing.assert_allclose(r, ref_r, atol=tol)
    assert q.dtype == dr.dtype == dtype
    if dtype == np.float32:
        return
    # the whole q, extra columns included, against finite differences of NumPy's
    w = rng.standard_normal(shape[-2:][:1] * 2)
    check_grads(lambda a: wnp.sum(wnp.abs(_complete(a)[0] * w) ** 2 * wnp.real(_complete(a)[0]))
                + wnp.sum(wnp.real(_complete(a)[1]) ** 3))(a)
    m, n = shape[-2:]
    eps = 1e-6
    num = (np.linalg.qr(a + eps, mode="complete")[0]
           - np.linalg.qr(a - eps, mode="complete")[0]) / (2 * eps)
    np.testing.assert_allclose(dq, num, atol=1e-6)


def test_qr_complete_tall_projector_is_gauge_free_and_vmaps():
    rng = np.random.default_rng(7)
    a = rng.standard_normal((5, 2))

    def proj(a):                              # the projector onto the complement
        q2 = _complete(a)[0][:, 2:]
        return q2 @ q2.T

    eye_minus = lambda a: wnp.eye(5) - a @ wnp.linalg.solve(a.T @ a, a.T)
    np.testing.assert_allclose(wengert.jacobian(proj)(a), wengert.jacobian(eye_minus)(a),
                               atol=1e-12)
    A = rng.standard_normal((3, 5, 2))
    q, r = _vmap_no_fallback(_complete, A)
    np.testing.assert_allclose(q, np.linalg.qr(A, mode="complete")[0], atol=1e-12)
    g = wengert.grad(lambda a: wnp.sum(_complete(a)[0][:, 3:] ** 3))
    np.testing.assert_allclose(_vmap_no_fallback(g, A), np.stack(_loop(g, A)), atol=1e-12)


# -- cho_factor + cho_solve -------------------------------------------------------------------
@pytest.mark.parametrize("lower", [False, True])
def test_cho_factor_matches_scipy_and_differentiates_with_cho_solve(lower):
    pytest.importorskip("scipy")
    import scipy.linalg as sla
    from wengert.scipy import linalg as L
    rng = np.random.default_rng(9)
    m = rng.standard_normal((3, 3))
    a, b = m @ m.T + 3 * np.eye(3), rng.standard_normal((3, 2))
    c, low = wengert.jvp(lambda a: L.cho_factor(a, lower=lower)[0], (a,), (np.eye(3),))[0], lower
    np.testing.assert_allclose(c, sla.cho_factor(a, lower=lower)[0], rtol=1e-12)
    solve = lambda a, b: L.cho_solve(L.cho_factor(a, lower=lower), b)
    np.testing.assert_allclose(solve(a, b), np.linalg.solve(a, b), rtol=1e-12)
    check_grads(solve)(a, b)
    # the triangle read gets the whole (symmetric) derivative of b^T a^-1 b
    g = wengert.grad(lambda a: wnp.sum(b * solve(a, b)))(a)
    full = -sum(np.outer(v, v) for v in np.linalg.solve(a, b).T)
    tri = np.tril if lower else np.triu
    np.testing.assert_allclose(g, tri(full + full.T - np.diag(np.diag(full))), rtol=1e-10)
    with warnings.catch_warnings():       # solve_triangular loops under vmap (no rule yet)
        warnings.simplefilter("ignore")
        batched = wengert.vmap(solve)(np.stack([a, 2 * a]), np.stack([b, b]))
    np.testing.assert_allclose(batched[1], np.linalg.solve(2 * a, b), rtol=1e-12)
