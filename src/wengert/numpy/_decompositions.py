"""The decompositions of ``wengert.numpy.linalg``: ``cholesky``, ``qr``, ``eigh`` /
``eigvalsh``, ``eig`` / ``eigvals`` and ``svd``, each a primitive on stacks of matrices
with its reverse, forward and batching rules (the public names and their documentation
are those of ``wengert.numpy.linalg``, which re-exports them).
"""
import numpy as _np
import numpy.linalg as _la

from .._core import defjvp, defvjp, primitive
from . import _dask_ops, _elementwise, _linalg, _reductions, _shape
from ._dispatch import array_like, dtype, iscomplexobj, shape, val
from ._sorting import take_along_axis
from ._unbroadcast import unbroadcast
from ._linalg_base import (_H, _T, _add, _batch_stacked, _conj, _diag, _diag_embed, _eye, _gaps,
                           _hermitian_part, _hermitian_part_adjoint, _part, _re, _real_dtype,
                           _square, _strict_triangle, _traced, solve)


# -- cholesky -------------------------------------------------------------------------------
def _cholesky_lower(a):
    return _dask_ops.cholesky(a) if _dask_ops.on_dask(a) else _la.cholesky(a)


_cholesky = primitive(_cholesky_lower, "numpy.linalg.cholesky")
_batch_stacked(_cholesky)


# A = L L^H with L lower: dL = L Phi(L^-1 dA L^-H), Phi keeping the strictly lower
# triangle and half the diagonal
def _phi(x):
    n = shape(x)[-1]
    return x * (_strict_triangle(n, True, x) + 0.5 * _eye(n, x))


def _cholesky_jvp(t, ans, a):
    z = solve(ans, _hermitian_part(t, True))
    return _linalg.matmul(ans, _phi(_H(solve(ans, _H(z)))))


def _cholesky_vjp(g, ans, a):
    y = _phi(_linalg.matmul(_T(ans), g))
    s = _T(solve(_H(ans), _T(solve(_T(ans), y))))
    return _hermitian_part_adjoint(s, True)


defvjp(_cholesky, _cholesky_vjp)
defjvp(_cholesky, _cholesky_jvp)


def cholesky(a, /, *, upper=False):
    """Cholesky factor of a (stack of) Hermitian positive-definite matrices
    (``numpy.linalg.cholesky``): lower ``L`` with ``a = L @ _linalg.conj().T``, or
    upper ``U = _linalg.conj().T`` with ``upper=True`` (NumPy 2).

    Like NumPy it reads one triangle of ``a`` only (the lower one, or the upper
    one with ``upper=True``), so the cotangent of ``a`` lives on that triangle.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> a = np.array([[4.0, 2.0], [2.0, 5.0]])
        >>> wengert.grad(lambda a: np.linalg.cholesky(a)[1, 0])(a)   # a[1, 0] / sqrt(a[0, 0])
        array([[-0.125,  0.   ],
               [ 0.5  ,  0.   ]])
    """
    a = array_like(a)
    if not _traced(a):
        if upper:  # NumPy 1.26 has no upper=: the same construction as below
            return _np.conj(_np.swapaxes(_la.cholesky(_np.conj(_np.swapaxes(a, -1, -2))),
                                         -1, -2))
        return _la.cholesky(a)
    _square("cholesky", a)
    if upper:  # NumPy reads the upper triangle: the lower factor of a^H, transposed back
        return _H(_cholesky(_H(a)))
    return _cholesky(a)


# -- qr -------------------------------------------------------------------------------------
def _qr_impl(a):
    q, r = _dask_ops.qr(a) if _dask_ops.on_dask(a) else _la.qr(a)
    return q, r


_qr = primitive(_qr_impl, "numpy.linalg.qr")
_batch_stacked(_qr)


# A = Q R (m >= n, reduced; LAPACK gives R a real diagonal, complex A included).  With
# D = dA R^-1 and C = Q^H D, Omega = Q^H dQ is skew-Hermitian and dR R^-1 = C - Omega upper
# triangular with a real diagonal, so Omega is the strictly lower triangle of C minus its
# conjugate transpose, plus i Im(diag C); then dR = (C - Omega) R and dQ = D - Q (C - Omega).
def _qr_k(c):
    low = c * _strict_triangle(shape(c)[-1], True, c)
    k = c - low + _H(low)
    return k - 1j * _diag_embed(_elementwise.imag(_diag(c))) if iscomplexobj(c) else k


def _qr_k_adjoint(gk):
    mask = _strict_triangle(shape(gk)[-1], True, gk)
    gc = gk - gk * mask + _H(gk) * mask
    return gc - 1j * _diag_embed(_elementwise.imag(_diag(gk))) if iscomplexobj(gk) else gc


def _qr_jvp(t, ans, a):
    q, r = ans[0], ans[1]
    d = _T(solve(_T(r), _T(t)))
    k = _qr_k(_linalg.matmul(_H(q), d))
    return d - _linalg.matmul(q, k), _linalg.matmul(k, r)


# The transpose of the forward rule for the pairing Re(sum(cotangent * tangent)).
def _qr_vjp(g, ans, a):
    q, r = ans[0], ans[1]
    gq, gr = _part(g, 0), _part(g, 1)
    gk = _add(None if gr is None else _linalg.matmul(gr, _T(r)),
              None if gq is None else _elementwise.negative(_linalg.matmul(_T(q), gq)))
    gd = _linalg.matmul(_conj(q), _qr_k_adjoint(gk))
    if gq is not None:
        gd = gq + gd
    return unbroadcast(_T(solve(r, _T(gd))), a)


defvjp(_qr, _qr_vjp)
defjvp(_qr, _qr_jvp)


def qr(a, mode="reduced"):
    """QR decomposition of a (stack of) real or complex matrices
    (``numpy.linalg.qr``).

    Differentiable where the leading square block has full rank, with
    ``mode='reduced'`` (``(q, r)``), ``'r'`` (``r`` only) and ``'complete'``.
    Like LAPACK, ``r``'s diagonal is real (complex matrices included) with
    whatever signs the factorization gives; the derivative keeps them, and
    keeps the diagonal real.

    ``mode='complete'`` of a tall matrix (more rows than columns): the last
    ``m - n`` columns of ``q`` are one orthonormal basis of the complement of
    ``a``'s columns, any rotation of which would factor ``a`` as well.  The
    derivative is that of NumPy's basis (LAPACK's Householder reflections,
    recomputed with differentiable operations), so it matches finite
    differences of ``numpy.linalg.qr`` itself, in both modes, at any order.
    Functions of ``q[:, n:]`` that do not depend on the basis (such as the
    projector ``q[:, n:] @ q[:, n:].T``) have the same derivative for every
    choice; NumPy's basis jumps where a column being reduced is already zero
    below the diagonal, and there the derivative is that of the branch taken.
    ``mode='reduced'`` is cheaper when the extra columns are not needed.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> a = np.array([[3.0, 1.0], [4.0, 2.0]])
        >>> wengert.grad(lambda a: np.sum(np.linalg.qr(a, mode="r") ** 2))(a)
        array([[6., 2.],
               [8., 4.]])
    """
    a = array_like(a)
    if not _traced(a):
        return _la.qr(a, mode)
    m, n = shape(a)[-2:]
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"wengert.numpy.linalg.qr: mode={mode!r} is not differentiable; "
                         "use 'reduced', 'complete' or 'r'")
    if mode == "complete" and m > n:
        return _householder_qr(a)
    if m < n:
        # Householder QR of [x | y] reflects by the first m columns only: q comes from
        # x, and the rest of r is q^H y
        q, r = _qr(_shape.getitem(a, (Ellipsis, slice(None), slice(None, m))))
        rest = _shape.getitem(a, (Ellipsis, slice(None), slice(m, None)))
        r = _shape.concatenate([r, _linalg.matmul(_H(q), rest)], axis=-1)
    else:
        q, r = _qr(a)
    return r if mode == "r" else (q, r)


# The complete q of a tall matrix: its last m - n columns span the orthogonal complement
# of a's columns, and any rotation of them would do (the factorization does not fix them);
# NumPy's are those of LAPACK's Householder reflections, q = H_1 ... H_n.  No rule on the
# factors alone can give their derivative, so the reflections are recomputed here with
# differentiable operations, as LAPACK's xLARFG chooses them: for the column x = (alpha,
# rest) below the diagonal, beta = -sign(Re alpha) |x|, tau = (beta - alpha) / beta,
# v = (1, rest / (alpha - beta)), H = I - tau v v^H, and H = I (tau = 0) when rest = 0
# and alpha is real.  Every order, both modes, vmap and compile follow from the
# operations.  Where some rest is exactly 0 NumPy's q jumps (beta changes sign for a
# tiny rest), so there the derivative is that of the branch LAPACK takes.
def _householder_qr(a):
    m, n = shape(a)[-2:]
    cplx = iscomplexobj(a)
    q = _np.broadcast_to(_np.eye(m, dtype=dtype(a)), tuple(shape(a)[:-2]) + (m, m))
    r = a
    for k in range(n):
        x = r[..., k:, k]
        alpha, rest = x[..., 0], x[..., 1:]
        xnorm2 = _reductions.sum(_re(rest * _conj(rest)), axis=-1)
        valpha = val(alpha)
        flat = val(xnorm2) == 0                                  # value-level masks
        if cplx:
            flat = flat & (_elementwise.imag(valpha) == 0)
        sign = _elementwise.where(_re(valpha) >= 0, 1.0, -1.0).astype(_real_dtype(a))
        beta = _elementwise.where(
            flat, _re(alpha), -sign * _elementwise.sqrt(_re(alpha * _conj(alpha)) + xnorm2))
        tau = (beta - alpha) / _elementwise.where(flat, 1.0, beta)
        v = _shape.concatenate([_np.ones(tuple(shape(alpha)) + (1,), dtype(a)),
                                rest / _shape.expand_dims(
                                    _elementwise.where(flat, 1.0, alpha - beta), -1)],
                               axis=-1)
        col, row = _shape.expand_dims(v, -1), _shape.expand_dims(_conj(v), -2)
        block = r[..., k:, :]                                    # r <- H^H r
        tau_c = _shape.expand_dims(_shape.expand_dims(_conj(tau), -1), -1)
        block = block - tau_c * col * _linalg.matmul(row, block)
        r = _shape.concatenate([r[..., :k, :], block], axis=-2) if k else block
        qb = q[..., :, k:]                                       # q <- q H
        qb = qb - _linalg.matmul(qb, col) * _shape.expand_dims(
            _shape.expand_dims(tau, -1), -1) * row
        q = _shape.concatenate([q[..., :, :k], qb], axis=-1) if k else qb
    return q, r * _np.triu(_np.ones((m, n), _real_dtype(a)))


# -- eigh and eigvalsh -----------------------------------------------------------------------
def _eigh_impl(a, UPLO="L"):
    if _dask_ops.on_dask(a):
        return _dask_ops.whole(lambda x: tuple(_la.eigh(x, UPLO)), a, "(n,n)->(n),(n,n)",
                               (_dask_ops.real_dtype(a), a.dtype))
    w, v = _la.eigh(a, UPLO)
    return w, v


_eigh = primitive(_eigh_impl, "numpy.linalg.eigh")
_batch_stacked(_eigh)


# With X = V^H dA V (dA Hermitian, from the triangle NumPy reads):
#   dw = Re diag(X),  dV = V (F * X),  F[i, j] = 1 / (w[j] - w[i]) off the diagonal
def _eigh_jvp(t, ans, a, UPLO="L"):
    w, v = ans[0], ans[1]
    x = _linalg.matmul(_H(v), _linalg.matmul(_hermitian_part(t, UPLO == "L"), v))
    return _re(_diag(x)), _linalg.matmul(v, _gaps(w) * x)


def _eigh_vjp(g, ans, a, UPLO="L"):
    w, v = ans[0], ans[1]
    gw, gv = _part(g, 0), _part(g, 1)
    gx = _add(None if gw is None else _diag_embed(gw),
              None if gv is None else _gaps(w) * _linalg.matmul(_T(v), gv))
    return _hermitian_part_adjoint(_linalg.matmul(_conj(v), _linalg.matmul(gx, _T(v))), UPLO == "L")


defvjp(_eigh, _eigh_vjp)
defjvp(_eigh, _eigh_jvp)


def _check_uplo(name, UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError(f"wengert.numpy.linalg.{name}: UPLO must be 'L' or 'U', got {UPLO!r}")


def eigh(a, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of a (stack of) real symmetric or
    complex Hermitian matrices (``numpy.linalg.eigh``): ``(w, v)``.

    Like NumPy it reads one triangle of ``a`` (``UPLO``), so the cotangent of
    ``a`` lives on that triangle.  The eigenvalues are differentiable where
    they are distinct; so are the eigenvectors, up to their sign (phase): at a
    repeated eigenvalue the eigenvectors are not differentiable (not even
    unique), and the derivative is infinite or NaN.  Differentiate functions
    that do not depend on the sign or phase, such as ``v @ diag(f(w)) @ v.T``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> a = np.array([[2.0, 1.0], [1.0, 2.0]])
        >>> wengert.grad(lambda a: np.linalg.eigh(a)[0][1])(a)   # largest eigenvalue
        array([[0.5, 0. ],
               [1. , 0.5]])
    """
    a = array_like(a)
    if not _traced(a):
        return _la.eigh(a, UPLO)
    _square("eigh", a)
    _check_uplo("eigh", UPLO)
    return _eigh(a, UPLO)


def eigvalsh(a, UPLO="L"):
    """Eigenvalues of a (stack of) symmetric or Hermitian matrices
    (``numpy.linalg.eigvalsh``), differentiable where they are distinct."""
    a = array_like(a)
    if not _traced(a):
        return _la.eigvalsh(a, UPLO)
    return eigh(a, UPLO)[0]


# -- eig and eigvals -------------------------------------------------------------------------
def _eig_impl(a):
    if _dask_ops.on_dask(a):
        raise _dask_ops.refuse("eig")
    w, v = _la.eig(a)
    return w, v


_eig = primitive(_eig_impl, "numpy.linalg.eig")
_batch_stacked(_eig)


# A V = V diag(w), columns of V of unit norm.  With X = V^-1 dA V and Y = F * X:
#   dw = diag(X),  dV = V Y - V diag(Re diag(V^H V Y))   (the second term keeps |v| = 1)
def _eig_jvp(t, ans, a):
    w, v = ans[0], ans[1]
    x = solve(v, _linalg.matmul(t, v))
    y = _gaps(w) * x
    vy = _linalg.matmul(v, y)
    return _diag(x), vy - v * _shape.expand_dims(_re(_reductions.sum(_conj(v) * vy, axis=-2)), -2)


def _eig_vjp(g, ans, a):
    w, v = ans[0], ans[1]
    gw, gv = _part(g, 0), _part(g, 1)
    gx = None
    if gv is not None:
        vg = _linalg.matmul(_T(v), gv)
        gy = vg - _linalg.matmul(_T(v), _conj(v)) * _shape.expand_dims(_re(_diag(vg)), -2)
        gx = _gaps(w) * gy
    gx = _add(None if gw is None else _diag_embed(gw), gx)
    # a real matrix gets the real part of the (complex) cotangent
    return unbroadcast(solve(_T(v), _linalg.matmul(gx, _T(v))), a)


defvjp(_eig, _eig_vjp)
defjvp(_eig, _eig_jvp)


def eig(a):
    """Eigenvalues and right eigenvectors (unit norm) of a (stack of) square
    matrices (``numpy.linalg.eig``): ``(w, v)``, complex where NumPy's are.

    Differentiable where the eigenvalues are distinct; the eigenvectors only up
    to their phase (differentiate phase-independent functions of them, such as
    ``abs(v) ** 2`` or ``v @ diag(f(w)) @ inv(v)``).  The eigenvalues are
    holomorphic in ``a``; a real ``a`` gets a real cotangent.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> a = np.array([[1.0, 2.0], [0.0, 3.0]])
        >>> wengert.grad(lambda a: np.linalg.eig(a)[0][1])(a)   # the eigenvalue 3
        array([[0., 0.],
               [1., 1.]])
    """
    a = array_like(a)
    if not _traced(a):
        return _la.eig(a)
    _square("eig", a)
    return _eig(a)


def eigvals(a):
    """Eigenvalues of a (stack of) square matrices (``numpy.linalg.eigvals``),
    differentiable where they are distinct."""
    a = array_like(a)
    if not _traced(a):
        return _la.eigvals(a)
    return eig(a)[0]


# -- svd --------------------------------------------------------------------------------------
def _svd_impl(a, full_matrices=False):
    if _dask_ops.on_dask(a):
        return _dask_ops.svd(a, full_matrices)
    u, s, vh = _la.svd(a, full_matrices=full_matrices)
    return u, s, vh


_svd = primitive(_svd_impl, "numpy.linalg.svd")
_batch_stacked(_svd)


def _svd_blocks(x, k, axis):
    """The leading ``k`` columns (axis -1) or rows (axis -2) of ``x``, and the rest (None
    if there is none: the reduced decomposition, or a square matrix)."""
    if x is None or shape(x)[axis] == k:
        return x, None
    lead, rest = [Ellipsis, slice(None), slice(None)], [Ellipsis, slice(None), slice(None)]
    lead[axis], rest[axis] = slice(None, k), slice(k, None)
    return _shape.getitem(x, tuple(lead)), _shape.getitem(x, tuple(rest))


# A = U diag(s) V^H (reduced, k = min(m, n) singular values), P = U^H dA V and
# E[i, j] = 1 / (s[j]^2 - s[i]^2) off the diagonal:
#   ds = Re diag(P),  dU = U (E * (P S + S P^H) + i Im diag(P) / S) + (I - U U^H) dA V S^-1,
#   dV = V (E * (S P + P^H S)) + (I - V V^H) dA^H U S^-1
# (the projections vanish when U, respectively V, is square).  A complex pair (u_i, v_i)
# is unique up to a common phase: the gauge chosen puts the phase change i Im P_ii / s_i
# into u_i (V^H dV has a zero diagonal).  The extra columns U2 of a full U (m > n) are any
# orthonormal basis of the complement of U's columns; the gauge U2^H dU2 = 0 gives
#   dU2 = -U S^-1 V^H dA^H U2,  and likewise  dV2^H = -V2^H dA^H U S^-1 V^H  (n > m).
# The reverse rule is the transpose of each term for the pairing Re(sum(cotangent * tangent)).
def _svd_jvp(t, ans, a, full_matrices=False):
    s = ans[1]
    k = shape(s)[-1]
    (u, u2), (vh, vh2) = _svd_blocks(ans[0], k, -1), _svd_blocks(ans[2], k, -2)
    v, th = _H(vh), _H(t)
    m, n = shape(a)[-2:]
    p = _linalg.matmul(_H(u), _linalg.matmul(t, v))
    e = _gaps(s * s)
    row, col = _shape.expand_dims(s, -2), _shape.expand_dims(s, -1)
    du = _linalg.matmul(u, e * (p * row + _H(p) * col))
    if iscomplexobj(p):
        du = du + u * _shape.expand_dims(1j * _elementwise.imag(_diag(p)) / s, -2)
    dv = _linalg.matmul(v, e * (p * col + _H(p) * row))
    if m > n:
        tv = _linalg.matmul(t, v)
        du = du + (tv - _linalg.matmul(u, _linalg.matmul(_H(u), tv))) / row
    if n > m:
        tu = _linalg.matmul(th, u)
        dv = dv + (tu - _linalg.matmul(v, _linalg.matmul(vh, tu))) / row
    dvh = _H(dv)
    if u2 is not None:
        du = _shape.concatenate([du, _elementwise.negative(_linalg.matmul(
            u / row, _linalg.matmul(vh, _linalg.matmul(th, u2))))], axis=-1)
    if vh2 is not None:
        dvh = _shape.concatenate([dvh, _elementwise.negative(_linalg.matmul(
            _linalg.matmul(vh2, th), _linalg.matmul(u / row, vh)))], axis=-2)
    return du, _re(_diag(p)), dvh


def _svd_vjp(g, ans, a, full_matrices=False):
    s = ans[1]
    k = shape(s)[-1]
    (u, u2), (vh, vh2) = _svd_blocks(ans[0], k, -1), _svd_blocks(ans[2], k, -2)
    (gu, gu2), (gvh, gvh2) = _svd_blocks(_part(g, 0), k, -1), _svd_blocks(_part(g, 2), k, -2)
    gs = _part(g, 1)
    m, n = shape(a)[-2:]
    uc, vt = _conj(u), _conj(vh)          # U and V transposed into the pairing: conj(U), V^T
    e = _gaps(s * s)
    row, col = _shape.expand_dims(s, -2), _shape.expand_dims(s, -1)
    gp, extra = [], []
    if gs is not None:
        gp.append(_diag_embed(gs))
    if gu is not None:
        ug = _linalg.matmul(_T(u), gu)
        j = e * ug
        gp.append((j + _H(j)) * row)
        if iscomplexobj(ug):
            gp.append(_diag_embed(1j * _elementwise.imag(_diag(ug)) / s))
        if m > n:
            extra.append(_linalg.matmul((gu - _linalg.matmul(uc, ug)) / row, vt))
    if gvh is not None:
        gv = _H(gvh)
        vg = _linalg.matmul(vt, gv)
        kk = e * vg
        gp.append(col * (kk + _H(kk)))
        if n > m:
            extra.append(_linalg.matmul(uc / row, _H(gv - _linalg.matmul(_T(vh), vg))))
    if gu2 is not None:
        extra.append(_elementwise.negative(_linalg.matmul(_linalg.matmul(_conj(u2), _H(gu2)),
                                                          _linalg.matmul(uc / row, vt))))
    if gvh2 is not None:
        extra.append(_elementwise.negative(_linalg.matmul(_linalg.matmul(uc / row, vt),
                                                          _linalg.matmul(_H(gvh2), _conj(vh2)))))
    if gp:
        extra.append(_linalg.matmul(uc, _linalg.matmul(_add(*gp), vt)))
    return unbroadcast(_add(*extra), a)


defvjp(_svd, _svd_vjp)
defjvp(_svd, _svd_jvp)


def _svd_hermitian(a, compute_uv):
    """NumPy's construction for hermitian=True, from ``eigh`` (which reads the lower
    triangle): singular values |w| in descending order, u the matching eigenvectors and
    vh = (u * sign(w))^H, so the vectors are the ones NumPy returns."""
    w, v = eigh(a)
    sgn = _np.copysign(1.0, val(w)).astype(_real_dtype(a))  # piecewise constant
    order = _np.argsort(_np.abs(val(w)), axis=-1)[..., ::-1]
    sgn = _np.take_along_axis(sgn, order, axis=-1)
    s = take_along_axis(w, order, axis=-1) * sgn
    if not compute_uv:
        return s
    u = take_along_axis(v, order[..., None, :], axis=-1)
    return u, s, _H(u * _shape.expand_dims(sgn, -2))


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """Singular value decomposition of a (stack of) real or complex matrices
    (``numpy.linalg.svd``): ``(u, s, vh)`` with ``a = u @ diag(s) @ vh``, or
    ``s`` alone with ``compute_uv=False``.

    The singular values are differentiable where they are distinct and
    nonzero (a repeated or zero singular value is a kink); the singular vectors
    there too, up to a common sign (phase, for complex matrices) of matching
    columns of ``u`` and rows of ``vh``: differentiate functions that do not
    depend on that choice, such as ``u @ diag(f(s)) @ vh`` or ``abs(u) ** 2``
    (the derivative rule picks the gauge that changes the phase of ``u`` only).
    With ``full_matrices=True`` a non-square matrix also has extra singular
    vectors, any orthonormal basis of the complement: only functions that do
    not depend on that basis, such as ``u2 @ u2.conj().T``, are differentiable
    (the rule picks the gauge ``u2^H du2 = 0``).  With ``hermitian=True`` the
    decomposition is NumPy's, built from ``eigh`` (the lower triangle of
    ``a``), differentiable where the eigenvalues are nonzero and their absolute
    values distinct.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> a = np.array([[3.0, 0.0], [0.0, 1.0]])
        >>> wengert.grad(lambda a: np.linalg.svd(a, compute_uv=False)[0])(a)
        array([[1., 0.],
               [0., 0.]])
    """
    a = array_like(a)
    if not _traced(a):
        return _la.svd(a, full_matrices, compute_uv, hermitian)
    if len(shape(a)) < 2:
        raise ValueError(f"wengert.numpy.linalg.svd: expected a (stack of) matrices, got "
                         f"shape {tuple(shape(a))}")
    if hermitian:
        _square("svd(hermitian=True)", a)
        return _svd_hermitian(a, compute_uv)
    full = bool(full_matrices and compute_uv)
    u, s, vh = _svd(a, full)
    return (u, s, vh) if compute_uv else s
