"""``wengert.numpy.linalg``: NumPy's linear algebra with derivatives.

Differentiable here, in reverse and forward mode, to any order, on stacks of
matrices (leading dimensions) where NumPy accepts them: ``inv``, ``det``,
``slogdet``, ``solve``, ``pinv``, ``lstsq``, ``cholesky``, ``qr``, ``eigh``,
``eigvalsh``, ``eig``, ``eigvals``, ``svd``, ``norm`` (every differentiable
vector and matrix order), ``cond``, ``matrix_power``, ``multi_dot``,
``tensorinv`` and ``tensorsolve``, and NumPy 2's array-API names ``vector_norm``,
``matrix_norm``, ``vecdot``, ``matrix_transpose``, ``outer``, ``trace``,
``diagonal``, ``cross``, ``matmul``, ``tensordot`` and ``svdvals`` (with NumPy's
signatures), for real and complex matrices (complex cotangents follow autograd's
convention: they pair with tangents by ``Re(sum(cotangent * tangent))``).
``matrix_rank`` is not differentiable (an integer).  Every other name of
``numpy.linalg`` (``LinAlgError``) is passed through.

Decompositions return plain tuples on traced values (NumPy's named tuples on
plain ones); unpack them.  Eigenvectors and singular vectors are defined only
up to a sign (a phase, for complex ones) and only where the eigenvalues
(singular values) are distinct: differentiate functions that do not depend on
that choice, such as ``V @ diag(f(w)) @ V.T`` or ``abs(V) ** 2``.
"""
import numpy as _np
import numpy.linalg as _la

from .._core import Box, defjvp, defvjp, notrace_primitive, primitive
from .._core.batching import BatchBox
from . import _elementwise as E, _linalg as L, _reductions as R, _shape as S
from ._dispatch import array_like, dtype, equivalent, iscomplexobj, nondiff, shape, val, wrap
from ._sorting import take_along_axis
from ._unbroadcast import unbroadcast


def _T(x):
    return S.swapaxes(x, -1, -2)


inv = wrap(_la.inv)
defvjp(inv, lambda g, ans, a: E.negative(L.matmul(_T(ans), L.matmul(g, _T(ans)))))
defjvp(inv, lambda t, ans, a: E.negative(L.matmul(ans, L.matmul(t, ans))))

det = wrap(_la.det)


def _matrix(x):
    """A scalar (or a stack of them) as a stack of 1 x 1 matrices, to scale matrices."""
    return S.expand_dims(S.expand_dims(x, -1), -1)


# The derivative of det is the adjugate: d det(A) = tr(adj(A) dA), adj(A) = det(A) A^-1
# where A is invertible.  The adjugate is a polynomial in A, defined everywhere: at a
# singular A it is computed from the cofactors (the determinants of the minors, so that
# every higher derivative is det's rule again), or, for matrices larger than
# _MINORS_UP_TO, from the singular value decomposition A = U diag(s) Vh:
# adj(A) = det(U) det(Vh) Vh^H diag(prod_{j != i} s_j) U^H.
_MINORS_UP_TO = 24


def _adjugate(a):
    """adj(A) of a (near-)singular A (or of a stack of matrices, one of them so)."""
    n = shape(a)[-1]
    if n == 1:
        return E.astype(_np.ones(shape(a)), dtype(a))
    if n <= _MINORS_UP_TO:
        keep = _np.array([[j for j in range(n) if j != i] for i in range(n)])
        minors = S.getitem(a, (Ellipsis, keep[:, None, :, None], keep[None, :, None, :]))
        signs = ((-1.0) ** _np.add.outer(_np.arange(n), _np.arange(n))).astype(
            _np.finfo(dtype(a)).dtype)
        return _T(det(minors) * signs)          # adj = the transposed cofactor matrix
    u, s, vh = svd(a)
    scale = _matrix(det(u) * det(vh))
    others = R._others(s, -1)                  # prod_{j != i} s_j, exact with zeros
    return scale * L.matmul(_T(E.conjugate(vh)) * S.expand_dims(others, -2),
                            _T(E.conjugate(u)))


def _rcond_impl(a):
    """The smallest reciprocal condition number (1-norm) of a stack of matrices; 0 for
    a singular one."""
    try:
        ainv = _la.inv(a)
    except _la.LinAlgError:
        return 0.0
    with _np.errstate(all="ignore"):
        r = 1.0 / (_la.norm(a, 1, axis=(-2, -1)) * _la.norm(ainv, 1, axis=(-2, -1)))
    return float(_np.nan_to_num(_np.min(r)))


_rcond = notrace_primitive(_rcond_impl)


def _inverse_if_accurate(a):
    """inv(A) where det(A) inv(A) is an accurate adjugate, else None: A singular, or so
    close to it (reciprocal condition number below sqrt(eps)) that det(A) inv(A), a
    tiny number times a huge one, has lost its digits."""
    va = val(a)
    tol = _np.sqrt(_np.finfo(dtype(a)).eps)
    if isinstance(va, Box):
        if getattr(va._trace, "records_calls", False):
            # compile: the test is recorded, and guarded (a retrace when it changes)
            return inv(a) if bool(_rcond(va) > tol) else None
        try:                            # vmap: a singular example raises
            return inv(a)
        except _la.LinAlgError:
            return None
    try:
        ainv = inv(a)
    except _la.LinAlgError:
        return None
    vi = val(ainv)
    with _np.errstate(all="ignore"):
        rcond = 1.0 / (_la.norm(va, 1, axis=(-2, -1)) * _la.norm(vi, 1, axis=(-2, -1)))
    return ainv if _np.all(rcond > tol) else None


def _det_vjp(g, ans, a):
    ainv = _inverse_if_accurate(a)
    if ainv is None:         # (near-)singular: the adjugate, defined everywhere
        return _matrix(g) * _T(_adjugate(a))
    return _matrix(g * ans) * _T(ainv)


def _det_jvp(t, ans, a):
    ainv = _inverse_if_accurate(a)
    slope = _adjugate(a) if ainv is None else _matrix(ans) * ainv
    return R.trace(L.matmul(slope, t), axis1=-2, axis2=-1)


defvjp(det, _det_vjp)
defjvp(det, _det_jvp)

solve = wrap(_la.solve)


def _col(x, b):
    """numpy.linalg.solve reads a 1-d ``b`` as one vector and any other ``b`` as a
    stack of matrices: as a matrix, ``x`` for such a ``b`` is one column."""
    return S.expand_dims(x, -1) if len(shape(b)) == 1 else x


def _uncol(x, b):
    return S.getitem(x, (Ellipsis, 0)) if len(shape(b)) == 1 else x


def _solve_vjp_a(g, ans, a, b):
    gb = solve(_T(a), _col(g, b))
    return unbroadcast(E.negative(L.matmul(gb, _T(_col(ans, b)))), a)


def _solve_vjp_b(g, ans, a, b):
    return unbroadcast(_uncol(solve(_T(a), _col(g, b)), b), b)


defvjp(solve, _solve_vjp_a, _solve_vjp_b)
defjvp(solve, lambda t, ans, a, b: E.negative(_uncol(solve(a, L.matmul(t, _col(ans, b))), b)),
       lambda t, ans, a, b: solve(a, t))


# -- helpers for the decompositions -------------------------------------------------------
def _traced(*xs):
    return any(isinstance(x, Box) for x in xs)


def _H(x):
    """The conjugate transpose of (a stack of) matrices."""
    return E.conjugate(_T(x)) if iscomplexobj(x) else _T(x)


def _conj(x):
    return E.conjugate(x) if iscomplexobj(x) else x


def _re(x):
    return E.real(x) if iscomplexobj(x) else x


def _real_dtype(x):
    dt = dtype(x)
    return _np.finfo(dt).dtype if dt.kind in "fc" else _np.dtype(float)


def _eye(n, like):
    """A constant identity matrix in the real dtype of ``like`` (float32 stays float32)."""
    return _np.eye(n, dtype=_real_dtype(like))


def _diag(x):
    return S.diagonal(x, 0, -2, -1)


def _diag_embed(v):
    """A stack of diagonal matrices with ``v`` (..., n) on the diagonal."""
    return S.expand_dims(v, -1) * _eye(shape(v)[-1], v)


def _zero_tangent(x):
    return _np.zeros(shape(x), dtype(x))


def _part(seq, i):
    """Part ``i`` of a multi-output cotangent (``None``: a symbolic zero)."""
    return None if seq is None else seq[i]


def _add(*terms):
    terms = [t for t in terms if t is not None]
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def _gaps(w):
    """F[..., i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    n = shape(w)[-1]
    eye = _eye(n, w)
    return (1.0 - eye) / (S.expand_dims(w, -2) - S.expand_dims(w, -1) + eye)


def _square(name, a):
    s = shape(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"wengert.numpy.linalg.{name}: expected a (stack of) square "
                         f"matrices, got shape {tuple(s)}")


# Functions that read one triangle of a Hermitian matrix (eigh, cholesky) see, for a
# tangent dA, the Hermitian tangent P(dA) built from that triangle (NumPy ignores the
# imaginary part of the diagonal); the reverse rules apply P's adjoint.
def _strict_triangle(n, lower, like):
    m = _np.tri(n, n, -1, dtype=_real_dtype(like))
    return m if lower else m.T


def _hermitian_part(t, lower):
    n = shape(t)[-1]
    tri = t * _strict_triangle(n, lower, t)
    return tri + _H(tri) + _re(t) * _eye(n, t)


def _hermitian_part_adjoint(g, lower):
    n = shape(g)[-1]
    return (g + _H(g)) * _strict_triangle(n, lower, g) + _re(g) * _eye(n, g)


# -- slogdet --------------------------------------------------------------------------------
def _slogdet_impl(a):
    sign, logabsdet = _la.slogdet(a)
    return sign, logabsdet


_slogdet = primitive(_slogdet_impl, "numpy.linalg.slogdet")


def _slogdet_vjp(g, ans, a):
    # d logabsdet = Re tr(A^-1 dA); for complex A, d sign = sign * i Im tr(A^-1 dA)
    gl, gs = _part(g, 1), _part(g, 0)
    coef = gl
    if iscomplexobj(a) and gs is not None:
        c = E.real(1j * gs * ans[0])
        coef = -1j * c if coef is None else coef - 1j * c
    if coef is None:
        return None
    return S.expand_dims(S.expand_dims(coef, -1), -1) * _T(inv(a))


def _slogdet_jvp(t, ans, a):
    tr = R.sum(_diag(solve(a, t)), axis=-1)
    if iscomplexobj(a):
        return ans[0] * (1j * E.imag(tr)), E.real(tr)
    return _zero_tangent(ans[0]), tr


defvjp(_slogdet, _slogdet_vjp)
defjvp(_slogdet, _slogdet_jvp)


def slogdet(a):
    """Sign and natural logarithm of the absolute value of the determinant, for
    a matrix or a stack of them (``numpy.linalg.slogdet``).

    The log-determinant is differentiable wherever the determinant is nonzero:
    its derivative is ``inv(a).T``.  The sign of a real matrix is piecewise
    constant (its derivative is zero); that of a complex one moves with the
    phase of the determinant.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
        >>> wengert.grad(lambda a: np.linalg.slogdet(a)[1])(a)
        array([[ 0.6, -0.2],
               [-0.2,  0.4]])
    """
    a = array_like(a)
    if not _traced(a):
        return _la.slogdet(a)
    _square("slogdet", a)
    return _slogdet(a)


# -- pinv and lstsq --------------------------------------------------------------------------
pinv = wrap(_la.pinv)


# For matrices whose rank does not change (full rank, or cut by rcond), with P = pinv(A):
#   dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P
# and the reverse rule is its transpose for the pairing Re(sum(cotangent * tangent)).
# With hermitian=True NumPy reads the lower triangle only: P = pinv(H(A)) for the
# Hermitian matrix H(A) built from it, so the rules run on H(A) and H(dA) (H's adjoint
# for the reverse rule).
def _pinv_hermitian(args, kwargs):
    return bool(kwargs.get("hermitian") or (len(args) > 1 and args[1]))


def _pinv_jvp(t, ans, a, *args, **kwargs):
    if _pinv_hermitian(args, kwargs):
        a, t = _hermitian_part(a, True), _hermitian_part(t, True)
    p, ph, th = ans, _H(ans), _H(t)
    return (E.negative(L.matmul(p, L.matmul(t, p)))
            + L.matmul(p, L.matmul(ph, th - L.matmul(L.matmul(th, a), p)))
            + L.matmul(th - L.matmul(p, L.matmul(a, th)), L.matmul(ph, p)))


def _pinv_vjp(g, ans, a, *args, **kwargs):
    hermitian = _pinv_hermitian(args, kwargs)
    if hermitian:
        a = _hermitian_part(a, True)
    pt, pc, ac, gh = _T(ans), _conj(ans), _conj(a), _H(g)
    ga = (E.negative(L.matmul(pt, L.matmul(g, pt)))
          + L.matmul(gh - L.matmul(ac, L.matmul(pc, gh)), L.matmul(pc, pt))
          + L.matmul(L.matmul(pt, pc), gh - L.matmul(L.matmul(gh, pc), ac)))
    return unbroadcast(_hermitian_part_adjoint(ga, True) if hermitian else ga, a)


defvjp(pinv, _pinv_vjp)
defjvp(pinv, _pinv_jvp)
pinv.__doc__ = """Moore-Penrose pseudo-inverse (``numpy.linalg.pinv``) of a real or
    complex matrix or a stack of them, differentiable wherever the rank (after
    the ``rcond`` cut-off) does not change: full-rank matrices of any shape.
    With ``hermitian=True``, like NumPy, it reads the lower triangle of ``a``
    only (the Hermitian matrix built from it), so the cotangent of ``a`` lives
    on that triangle.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.linalg.pinv(x)[0, 0])(np.array([[2.0]]))
        array([[-0.25]])
    """


def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b`` (``numpy.linalg.lstsq``):
    ``(x, residuals, rank, sv)``.

    On traced values ``x`` is ``pinv(a) @ b`` (the minimum-norm solution NumPy
    returns), differentiable in ``a`` and ``b`` (real or complex) where the
    rank of ``a`` is constant; ``residuals`` (the squared norms of
    ``b - a @ x``, for full column rank and more rows than columns, else
    empty) and ``sv`` (the singular values of ``a``) are differentiable too;
    ``rank`` is an integer.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> a = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> b = np.array([1.0, 2.0, 2.0])
        >>> wengert.grad(lambda b: np.linalg.lstsq(a, b)[0][0])(b)
        array([ 0.66666667, -0.33333333,  0.33333333])
    """
    a = array_like(a)
    b = array_like(b)
    if not _traced(a, b):
        return _la.lstsq(a, b, rcond=rcond)
    m, n = shape(a)[-2:]
    eps = float(_np.finfo(_real_dtype(a)).eps)
    cut = eps * max(m, n) if rcond is None else (eps if rcond < 0 else rcond)
    x = L.matmul(pinv(a, cut), b)
    sv = svd(a, compute_uv=False)
    if min(m, n) == 0:
        return x, _np.zeros((0,), _real_dtype(a)), _np.int32(0), sv
    # NumPy's rank: the singular values above cut * the largest.  Value-level code on
    # val(sv), so that under vmap / compile it is batched / traced, not a Python branch
    s = val(sv)
    rank = R.sum(s > cut * R.max(s, axis=-1, keepdims=True), axis=-1).astype(_np.int32)
    if m > n and _agreed(rank == n, "lstsq", "the rank of a"):
        r = b - L.matmul(a, x)
        residuals = R.sum(_re(r * _conj(r)), axis=0)
        if len(shape(b)) == 1:
            residuals = S.reshape(residuals, (1,))
    else:
        residuals = _np.zeros((0,), _real_dtype(a))
    return x, residuals, rank, sv


def _agreed(flag, fun, what):
    """``bool(flag)`` for a flag that selects the *shape* of a result.  Inside
    ``vmap`` every example must agree (a batch has one shape), else a clear
    error; inside ``compile`` the test becomes a guard of the compiled program."""
    if not isinstance(flag, BatchBox):
        return bool(flag)
    raw = flag
    while isinstance(raw, BatchBox):
        raw = raw._value
    if bool(_np.all(raw)):
        return True
    if not bool(_np.any(raw)):
        return False
    raise ValueError(
        f"wengert.numpy.linalg.{fun} inside wengert.vmap: {what} differs between "
        "examples, so its results have different shapes per example (NumPy returns "
        "empty residuals for rank-deficient a); loop over the examples, or compute the "
        "residuals yourself as sum(abs(b - a @ x) ** 2, axis=0)")


# -- cholesky -------------------------------------------------------------------------------
def _cholesky_lower(a):
    return _la.cholesky(a)


_cholesky = primitive(_cholesky_lower, "numpy.linalg.cholesky")


# A = L L^H with L lower: dL = L Phi(L^-1 dA L^-H), Phi keeping the strictly lower
# triangle and half the diagonal
def _phi(x):
    n = shape(x)[-1]
    return x * (_strict_triangle(n, True, x) + 0.5 * _eye(n, x))


def _cholesky_jvp(t, ans, a):
    z = solve(ans, _hermitian_part(t, True))
    return L.matmul(ans, _phi(_H(solve(ans, _H(z)))))


def _cholesky_vjp(g, ans, a):
    y = _phi(L.matmul(_T(ans), g))
    s = _T(solve(_H(ans), _T(solve(_T(ans), y))))
    return _hermitian_part_adjoint(s, True)


defvjp(_cholesky, _cholesky_vjp)
defjvp(_cholesky, _cholesky_jvp)


def cholesky(a, /, *, upper=False):
    """Cholesky factor of a (stack of) Hermitian positive-definite matrices
    (``numpy.linalg.cholesky``): lower ``L`` with ``a = L @ L.conj().T``, or
    upper ``U = L.conj().T`` with ``upper=True`` (NumPy 2).

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
    q, r = _la.qr(a)
    return q, r


_qr = primitive(_qr_impl, "numpy.linalg.qr")


# A = Q R (m >= n, reduced; LAPACK gives R a real diagonal, complex A included).  With
# D = dA R^-1 and C = Q^H D, Omega = Q^H dQ is skew-Hermitian and dR R^-1 = C - Omega upper
# triangular with a real diagonal, so Omega is the strictly lower triangle of C minus its
# conjugate transpose, plus i Im(diag C); then dR = (C - Omega) R and dQ = D - Q (C - Omega).
def _qr_k(c):
    low = c * _strict_triangle(shape(c)[-1], True, c)
    k = c - low + _H(low)
    return k - 1j * _diag_embed(E.imag(_diag(c))) if iscomplexobj(c) else k


def _qr_k_adjoint(gk):
    mask = _strict_triangle(shape(gk)[-1], True, gk)
    gc = gk - gk * mask + _H(gk) * mask
    return gc - 1j * _diag_embed(E.imag(_diag(gk))) if iscomplexobj(gk) else gc


def _qr_jvp(t, ans, a):
    q, r = ans[0], ans[1]
    d = _T(solve(_T(r), _T(t)))
    k = _qr_k(L.matmul(_H(q), d))
    return d - L.matmul(q, k), L.matmul(k, r)


# The transpose of the forward rule for the pairing Re(sum(cotangent * tangent)).
def _qr_vjp(g, ans, a):
    q, r = ans[0], ans[1]
    gq, gr = _part(g, 0), _part(g, 1)
    gk = _add(None if gr is None else L.matmul(gr, _T(r)),
              None if gq is None else E.negative(L.matmul(_T(q), gq)))
    gd = L.matmul(_conj(q), _qr_k_adjoint(gk))
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
        q, r = _qr(S.getitem(a, (Ellipsis, slice(None), slice(None, m))))
        r = S.concatenate([r, L.matmul(_H(q), S.getitem(a, (Ellipsis, slice(None),
                                                             slice(m, None))))], axis=-1)
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
        xnorm2 = R.sum(_re(rest * _conj(rest)), axis=-1)
        valpha = val(alpha)
        flat = val(xnorm2) == 0                                  # value-level masks
        if cplx:
            flat = flat & (E.imag(valpha) == 0)
        sign = E.where(_re(valpha) >= 0, 1.0, -1.0).astype(_real_dtype(a))
        beta = E.where(flat, _re(alpha), -sign * E.sqrt(_re(alpha * _conj(alpha)) + xnorm2))
        tau = (beta - alpha) / E.where(flat, 1.0, beta)
        v = S.concatenate([_np.ones(tuple(shape(alpha)) + (1,), dtype(a)),
                           rest / S.expand_dims(E.where(flat, 1.0, alpha - beta), -1)],
                          axis=-1)
        col, row = S.expand_dims(v, -1), S.expand_dims(_conj(v), -2)
        block = r[..., k:, :]                                    # r <- H^H r
        block = block - S.expand_dims(S.expand_dims(_conj(tau), -1), -1) * col * L.matmul(
            row, block)
        r = S.concatenate([r[..., :k, :], block], axis=-2) if k else block
        qb = q[..., :, k:]                                       # q <- q H
        qb = qb - L.matmul(qb, col) * S.expand_dims(S.expand_dims(tau, -1), -1) * row
        q = S.concatenate([q[..., :, :k], qb], axis=-1) if k else qb
    return q, r * _np.triu(_np.ones((m, n), _real_dtype(a)))


# -- eigh and eigvalsh -----------------------------------------------------------------------
def _eigh_impl(a, UPLO="L"):
    w, v = _la.eigh(a, UPLO)
    return w, v


_eigh = primitive(_eigh_impl, "numpy.linalg.eigh")


# With X = V^H dA V (dA Hermitian, from the triangle NumPy reads):
#   dw = Re diag(X),  dV = V (F * X),  F[i, j] = 1 / (w[j] - w[i]) off the diagonal
def _eigh_jvp(t, ans, a, UPLO="L"):
    w, v = ans[0], ans[1]
    x = L.matmul(_H(v), L.matmul(_hermitian_part(t, UPLO == "L"), v))
    return _re(_diag(x)), L.matmul(v, _gaps(w) * x)


def _eigh_vjp(g, ans, a, UPLO="L"):
    w, v = ans[0], ans[1]
    gw, gv = _part(g, 0), _part(g, 1)
    gx = _add(None if gw is None else _diag_embed(gw),
              None if gv is None else _gaps(w) * L.matmul(_T(v), gv))
    return _hermitian_part_adjoint(L.matmul(_conj(v), L.matmul(gx, _T(v))), UPLO == "L")


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
    w, v = _la.eig(a)
    return w, v


_eig = primitive(_eig_impl, "numpy.linalg.eig")


# A V = V diag(w), columns of V of unit norm.  With X = V^-1 dA V and Y = F * X:
#   dw = diag(X),  dV = V Y - V diag(Re diag(V^H V Y))   (the second term keeps |v| = 1)
def _eig_jvp(t, ans, a):
    w, v = ans[0], ans[1]
    x = solve(v, L.matmul(t, v))
    y = _gaps(w) * x
    vy = L.matmul(v, y)
    return _diag(x), vy - v * S.expand_dims(_re(R.sum(_conj(v) * vy, axis=-2)), -2)


def _eig_vjp(g, ans, a):
    w, v = ans[0], ans[1]
    gw, gv = _part(g, 0), _part(g, 1)
    gx = None
    if gv is not None:
        vg = L.matmul(_T(v), gv)
        gy = vg - L.matmul(_T(v), _conj(v)) * S.expand_dims(_re(_diag(vg)), -2)
        gx = _gaps(w) * gy
    gx = _add(None if gw is None else _diag_embed(gw), gx)
    # a real matrix gets the real part of the (complex) cotangent
    return unbroadcast(solve(_T(v), L.matmul(gx, _T(v))), a)


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
    u, s, vh = _la.svd(a, full_matrices=full_matrices)
    return u, s, vh


_svd = primitive(_svd_impl, "numpy.linalg.svd")


def _svd_blocks(x, k, axis):
    """The leading ``k`` columns (axis -1) or rows (axis -2) of ``x``, and the rest (None
    if there is none: the reduced decomposition, or a square matrix)."""
    if x is None or shape(x)[axis] == k:
        return x, None
    lead, rest = [Ellipsis, slice(None), slice(None)], [Ellipsis, slice(None), slice(None)]
    lead[axis], rest[axis] = slice(None, k), slice(k, None)
    return S.getitem(x, tuple(lead)), S.getitem(x, tuple(rest))


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
    p = L.matmul(_H(u), L.matmul(t, v))
    e = _gaps(s * s)
    row, col = S.expand_dims(s, -2), S.expand_dims(s, -1)
    du = L.matmul(u, e * (p * row + _H(p) * col))
    if iscomplexobj(p):
        du = du + u * S.expand_dims(1j * E.imag(_diag(p)) / s, -2)
    dv = L.matmul(v, e * (p * col + _H(p) * row))
    if m > n:
        tv = L.matmul(t, v)
        du = du + (tv - L.matmul(u, L.matmul(_H(u), tv))) / row
    if n > m:
        tu = L.matmul(th, u)
        dv = dv + (tu - L.matmul(v, L.matmul(vh, tu))) / row
    dvh = _H(dv)
    if u2 is not None:
        du = S.concatenate([du, E.negative(L.matmul(u / row, L.matmul(vh, L.matmul(th, u2))))],
                           axis=-1)
    if vh2 is not None:
        dvh = S.concatenate([dvh, E.negative(L.matmul(L.matmul(vh2, th),
                                                       L.matmul(u / row, vh)))], axis=-2)
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
    row, col = S.expand_dims(s, -2), S.expand_dims(s, -1)
    gp, extra = [], []
    if gs is not None:
        gp.append(_diag_embed(gs))
    if gu is not None:
        ug = L.matmul(_T(u), gu)
        j = e * ug
        gp.append((j + _H(j)) * row)
        if iscomplexobj(ug):
            gp.append(_diag_embed(1j * E.imag(_diag(ug)) / s))
        if m > n:
            extra.append(L.matmul((gu - L.matmul(uc, ug)) / row, vt))
    if gvh is not None:
        gv = _H(gvh)
        vg = L.matmul(vt, gv)
        kk = e * vg
        gp.append(col * (kk + _H(kk)))
        if n > m:
            extra.append(L.matmul(uc / row, _H(gv - L.matmul(_T(vh), vg))))
    if gu2 is not None:
        extra.append(E.negative(L.matmul(L.matmul(_conj(u2), _H(gu2)),
                                         L.matmul(uc / row, vt))))
    if gvh2 is not None:
        extra.append(E.negative(L.matmul(L.matmul(uc / row, vt),
                                         L.matmul(_H(gvh2), _conj(vh2)))))
    if gp:
        extra.append(L.matmul(uc, L.matmul(_add(*gp), vt)))
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
    return u, s, _H(u * S.expand_dims(sgn, -2))


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


# -- norms and condition numbers ------------------------------------------------------------
def norm(x, ord=None, axis=None, keepdims=False):
    """``numpy.linalg.norm`` of vectors (any order) and matrices (``'fro'``,
    ``'nuc'``, 1, -1, 2, -2, inf, -inf), composed from differentiable operations.

    Matrix orders 2, -2 and ``'nuc'`` use the singular values (differentiable
    where they are distinct and, for ``'nuc'``, nonzero; real or complex matrices);
    1, -1, inf and -inf are the extreme column or row sums of absolute values
    (at a tie, the gradient is split equally among the tied columns or rows).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.linalg.norm(x, 1))(np.array([[1.0, 2.0], [3.0, 1.0]]))
        array([[1., 0.],
               [1., 0.]])
    """
    nd = len(shape(x))
    if axis is None and nd == 2 and ord is not None:
        axis = (0, 1)
    if axis is not None and _np.ndim(axis) == 1 and len(axis) == 2:
        return _matrix_norm(x, ord, tuple(int(a) % nd for a in axis), keepdims)
    if axis is None and nd > 1 and ord is not None:
        raise ValueError(f"wengert.numpy.linalg.norm: ord={ord!r} needs a vector or matrix "
                         f"(or axis=), got shape {tuple(shape(x))}")
    if axis is not None and _np.ndim(axis) == 1:
        (axis,) = axis
    ab = E.absolute(x)
    if ord in (None, 2):
        # square: one cotangent 2 g |x| (ab * ab would make g |x| twice, then add)
        return E.sqrt(R.sum(E.square(ab), axis=axis, keepdims=keepdims))
    if ord == _np.inf:
        return R.max(ab, axis=axis, keepdims=keepdims)
    if ord == -_np.inf:
        return R.min(ab, axis=axis, keepdims=keepdims)
    if ord == 1:
        return R.sum(ab, axis=axis, keepdims=keepdims)
    if ord == 0:
        raise TypeError("wengert.numpy.linalg.norm: ord=0 counts nonzeros and is not "
                        "differentiable")
    if isinstance(ord, str):
        raise ValueError(f"wengert.numpy.linalg.norm: ord={ord!r} is for matrices; pass a "
                         "2-d array or a pair of axes")
    return R.sum(ab ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, axes, keepdims):
    row, col = axes
    if row == col:
        raise ValueError("wengert.numpy.linalg.norm: the two axes must differ")
    if ord in (None, "fro"):
        ab = E.absolute(x)
        out = E.sqrt(R.sum(ab * ab, axis=axes))
    elif ord in (1, -1):
        sums = R.sum(E.absolute(x), axis=row)
        ext = R.max if ord == 1 else R.min
        out = ext(sums, axis=col - 1 if col > row else col)
    elif ord in (_np.inf, -_np.inf):
        sums = R.sum(E.absolute(x), axis=col)
        ext = R.max if ord == _np.inf else R.min
        out = ext(sums, axis=row - 1 if row > col else row)
    elif ord in (2, -2, "nuc"):
        s = svd(S.moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
        out = (R.max(s, axis=-1) if ord == 2 else R.min(s, axis=-1) if ord == -2
               else R.sum(s, axis=-1))
    else:
        raise ValueError(f"wengert.numpy.linalg.norm: invalid norm order {ord!r} for "
                         "matrices")
    if keepdims:
        for ax in sorted(axes):
            out = S.expand_dims(out, ax)
    return out


def cond(x, p=None):
    """Condition number of a (stack of) matrices (``numpy.linalg.cond``):
    ``s_max / s_min`` from the singular values for ``p`` in (None, 2, -2),
    otherwise ``norm(x, p) * norm(inv(x), p)``."""
    x = array_like(x)
    if not _traced(x):
        return _la.cond(x, p)
    if p in (None, 2, -2):
        s = svd(x, compute_uv=False)
        big, small = S.getitem(s, (Ellipsis, 0)), S.getitem(s, (Ellipsis, -1))
        return big / small if p != -2 else small / big
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


matrix_rank = nondiff(_la.matrix_rank)


# -- tensor versions ------------------------------------------------------------------------
def tensorinv(a, ind=2):
    """``numpy.linalg.tensorinv``: the inverse of ``a`` read as a matrix whose rows
    are its first ``ind`` axes (composed from ``reshape`` and ``inv``)."""
    a = array_like(a)
    if not _traced(a):
        return _la.tensorinv(a, ind)
    s = tuple(shape(a))
    rows = int(_np.prod(s[:ind]))
    return S.reshape(inv(S.reshape(a, (rows, -1))), s[ind:] + s[:ind])


def tensorsolve(a, b, axes=None):
    """``numpy.linalg.tensorsolve``: ``x`` with ``tensordot(a, x, x.ndim) == b``
    (composed from ``transpose``, ``reshape`` and ``solve``)."""
    a = array_like(a)
    b = array_like(b)
    if not _traced(a, b):
        return _la.tensorsolve(a, b, axes)
    nd = len(shape(a))
    if axes is not None:
        order = [k for k in range(nd) if k not in [ax % nd for ax in axes]]
        a = S.transpose(a, tuple(order + [ax % nd for ax in axes]))
    xshape = tuple(shape(a))[len(shape(b)):]
    rows = int(_np.prod(shape(b)))
    x = solve(S.reshape(a, (rows, -1)), S.reshape(b, (rows,)))
    return S.reshape(x, xshape)


def matrix_power(a, n):
    """``numpy.linalg.matrix_power`` by repeated squaring (differentiable)."""
    if n < 0:
        a, n = inv(a), -n
    if n == 0:
        return _np.broadcast_to(_np.eye(shape(a)[-1]), shape(a)).copy()
    result = None
    while n:
        if n & 1:
            result = a if result is None else L.matmul(result, a)
        n >>= 1
        if n:
            a = L.matmul(a, a)
    return result


def multi_dot(arrays, *, out=None):
    """``numpy.linalg.multi_dot`` (left to right)."""
    arrays = list(arrays)
    result = arrays[0]
    for a in arrays[1:]:
        result = L.dot(result, a)
    return result


for _np_fun, _ours in ((_la.norm, norm), (_la.matrix_power, matrix_power),
                       (_la.multi_dot, multi_dot), (_la.slogdet, slogdet), (_la.lstsq, lstsq),
                       (_la.cholesky, cholesky), (_la.qr, qr), (_la.eigh, eigh),
                       (_la.eigvalsh, eigvalsh), (_la.eig, eig), (_la.eigvals, eigvals),
                       (_la.svd, svd), (_la.cond, cond), (_la.tensorinv, tensorinv),
                       (_la.tensorsolve, tensorsolve)):
    equivalent(_np_fun, _ours)


def T(x):
    """The transpose of the last two axes (autograd's helper).

    Example:
        >>> import numpy
        >>> T(numpy.zeros((4, 2, 3))).shape
        (4, 3, 2)
    """
    return S.swapaxes(x, -1, -2)


def _dot(a, b):
    # autograd's private stacked matrix product, which some of its users import
    return L.matmul(a, b)


def __getattr__(name):
    # Names without a derivative rule: NumPy's own, for plain values.  Applied to a
    # traced value, NumPy's dispatch reaches ArrayBox.__array_function__, which
    # raises an error naming the function.
    return getattr(_la, name)


# -- NumPy 2's array-API names ----------------------------------------------------------------
# Composed from differentiable operations, with NumPy's signatures (positional-only arrays,
# keyword-only options); plain values go to NumPy's own function, so results, dtypes and
# errors on them are NumPy's (NumPy 1.x has none of these: there they are composed too).
_NUMPY2 = hasattr(_la, "vector_norm")


def _last_two(name, x):
    if len(shape(x)) < 2:
        raise ValueError(f"wengert.numpy.linalg.{name}: x must be (a stack of) matrices, "
                         f"with at least 2 dimensions; got shape {tuple(shape(x))}")


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """``numpy.linalg.vector_norm``: the ``ord``-norm of ``x`` as a vector over ``axis``
    (None: every axis; a tuple: those axes together, of any number), unlike ``norm``
    never a matrix norm.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.linalg.vector_norm(x))(np.array([[3.0], [4.0]]))
        array([[0.6],
               [0.8]])
    """
    if _NUMPY2 and not _traced(x):
        return _la.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    xshape = tuple(shape(x))
    nd = len(xshape)
    if axis is None or isinstance(axis, tuple):
        axes = tuple(range(nd)) if axis is None else tuple(int(k) % max(nd, 1) for k in axis)
        if axis is not None and (len(set(axes)) != len(axes)
                                 or not all(-nd <= k < nd for k in axis)):
            raise ValueError(f"wengert.numpy.linalg.vector_norm: axis={axis} must name "
                             f"distinct axes of an array of dimension {nd}")
        rest = tuple(k for k in range(nd) if k not in axes)
        x = S.reshape(S.transpose(x, axes + rest),
                      (int(_np.prod([xshape[k] for k in axes])),) + tuple(xshape[k] for k in rest))
        out = norm(x, ord, axis=0)
    else:
        axes = (int(axis) % nd,) if nd else (int(axis),)
        out = norm(x, ord, axis=axis)
    if keepdims:
        out = S.reshape(out, tuple(1 if k in axes else n for k, n in enumerate(xshape)))
    return out


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """``numpy.linalg.matrix_norm``: ``norm(x, ord, axis=(-2, -1))`` of (a stack of)
    matrices (``'fro'``, ``'nuc'``, 1, -1, 2, -2, inf, -inf)."""
    if _NUMPY2 and not _traced(x):
        return _la.matrix_norm(x, keepdims=keepdims, ord=ord)
    _last_two("matrix_norm", x)
    return norm(x, ord, axis=(-2, -1), keepdims=keepdims)


def vecdot(x1, x2, /, *, axis=-1):
    """``numpy.linalg.vecdot``: ``sum(conj(x1) * x2, axis)``, broadcasting."""
    if _NUMPY2 and not _traced(x1, x2):
        return _la.vecdot(x1, x2, axis=axis)
    return R.sum(E.conjugate(x1) * x2, axis=axis)


def matrix_transpose(x, /):
    """``numpy.linalg.matrix_transpose``: the last two axes swapped."""
    if _NUMPY2 and not _traced(x):
        return _la.matrix_transpose(x)
    _last_two("matrix_transpose", x)
    return _T(x)


def outer(x1, x2, /):
    """``numpy.linalg.outer`` of two vectors (unlike ``numpy.outer``, 1-d only)."""
    if _NUMPY2 and not _traced(x1, x2):
        return _la.outer(x1, x2)
    if len(shape(x1)) != 1 or len(shape(x2)) != 1:
        raise ValueError(f"wengert.numpy.linalg.outer: x1 and x2 must be 1-d; got shapes "
                         f"{tuple(shape(x1))} and {tuple(shape(x2))} (numpy.outer flattens)")
    return L.outer(x1, x2)


def trace(x, /, *, offset=0, dtype=None):
    """``numpy.linalg.trace``: sums of the ``offset`` diagonals of the last two axes."""
    if _NUMPY2 and not _traced(x):
        return _la.trace(x, offset=offset, dtype=dtype)
    _last_two("trace", x)
    return R.trace(x, offset, axis1=-2, axis2=-1, dtype=dtype)


def diagonal(x, /, *, offset=0):
    """``numpy.linalg.diagonal``: the ``offset`` diagonals of the last two axes."""
    if _NUMPY2 and not _traced(x):
        return _la.diagonal(x, offset=offset)
    _last_two("diagonal", x)
    return S.diagonal(x, offset, -2, -1)


def cross(x1, x2, /, *, axis=-1):
    """``numpy.linalg.cross`` of 3-vectors along ``axis`` (unlike ``numpy.cross``, no
    2-vectors), broadcasting."""
    if _NUMPY2 and not _traced(x1, x2):
        return _la.cross(x1, x2, axis=axis)
    n1, n2 = tuple(shape(x1))[axis], tuple(shape(x2))[axis]
    if n1 != 3 or n2 != 3:
        raise ValueError(f"wengert.numpy.linalg.cross: x1 and x2 must be (arrays of) "
                         f"3-vectors along axis {axis}; got {n1} and {n2} components")
    return L.cross(x1, x2, axis=axis)


def matmul(x1, x2, /):
    """``numpy.linalg.matmul``: ``numpy.matmul`` without its ufunc options."""
    return _la.matmul(x1, x2) if _NUMPY2 and not _traced(x1, x2) else L.matmul(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    """``numpy.linalg.tensordot``: ``numpy.tensordot`` with ``axes`` keyword-only."""
    if _NUMPY2 and not _traced(x1, x2):
        return _la.tensordot(x1, x2, axes=axes)
    return L.tensordot(x1, x2, axes)


def svdvals(x, /):
    """``numpy.linalg.svdvals``: the singular values, ``svd(x, compute_uv=False)``
    (differentiable where they are distinct)."""
    return _la.svdvals(x) if _NUMPY2 and not _traced(x) else svd(x, compute_uv=False)


for _ours in (vector_norm, matrix_norm, vecdot, matrix_transpose, outer, trace, diagonal, cross,
              matmul, tensordot, svdvals):
    if _NUMPY2:
        equivalent(getattr(_la, _ours.__name__), _ours)
