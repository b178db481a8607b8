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

The rules live in three modules, by subject: ``_linalg_base`` (matrix helpers and the
LU family: ``inv``, ``solve``, ``slogdet``), ``_decompositions`` (``cholesky``, ``qr``,
``eigh``, ``eig``, ``svd``) and this one (``det``, ``pinv``, ``lstsq``, norms, the tensor
versions and the array-API names), which holds every public name.
"""
import functools as _functools

import numpy as _np
import numpy.linalg as _la

from .._core import Box, box_trace, box_value, defjvp, defvjp, notrace_primitive
from .._core.batching import BatchBox
from . import _dask_ops, _elementwise, _linalg, _reductions, _shape
from ._dispatch import array_like, dtype, equivalent, innermost, shape, val, wrap
from ._unbroadcast import unbroadcast
# the public names of the other two modules are this module's
from ._decompositions import cholesky, eig, eigh, eigvals, eigvalsh, qr, svd
from ._linalg_base import (_H, _T, _batch_stacked, _conj, _hermitian_part,
                           _hermitian_part_adjoint, _re, _real_dtype, _traced, inv, slogdet,
                           solve)

# documented as this module's, as NumPy's set_module does
for _public in (cholesky, eig, eigh, eigvals, eigvalsh, qr, slogdet, svd):
    _public.__module__ = __name__


@_functools.wraps(_la.det)
def _det_impl(a):
    if _dask_ops.on_dask(a):
        raise _dask_ops.refuse("det", "its derivative rule tests the matrix's condition; "
                               "sign, logdet = np.linalg.slogdet(a) is lazy")
    return _la.det(a)


det = wrap(_la.det, fast=_det_impl)


def _matrix(x):
    """A scalar (or a stack of them) as a stack of 1 x 1 matrices, to scale matrices."""
    return _shape.expand_dims(_shape.expand_dims(x, -1), -1)


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
        return _elementwise.astype(_np.ones(shape(a)), dtype(a))
    if n <= _MINORS_UP_TO:
        keep = _np.array([[j for j in range(n) if j != i] for i in range(n)])
        minors = _shape.getitem(a, (Ellipsis, keep[:, None, :, None], keep[None, :, None, :]))
        signs = ((-1.0) ** _np.add.outer(_np.arange(n), _np.arange(n))).astype(
            _np.finfo(dtype(a)).dtype)
        return _T(det(minors) * signs)          # adj = the transposed cofactor matrix
    u, s, vh = svd(a)
    scale = _matrix(det(u) * det(vh))
    others = _reductions._others(s, -1)                  # prod_{j != i} s_j, exact with zeros
    return scale * _linalg.matmul(_T(_elementwise.conjugate(vh)) * _shape.expand_dims(others, -2),
                                  _T(_elementwise.conjugate(u)))


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
        if box_trace(va).records_calls:
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
    return _reductions.trace(_linalg.matmul(slope, t), axis1=-2, axis2=-1)


defvjp(det, _det_vjp)
defjvp(det, _det_jvp)
_batch_stacked(det)


# -- pinv and lstsq --------------------------------------------------------------------------
@_functools.wraps(_la.pinv)
def _pinv_impl(a, *args, **kwargs):
    if _dask_ops.on_dask(a):
        return _dask_ops.whole(lambda x: _la.pinv(x, *args, **kwargs), a, "(m,n)->(n,m)",
                               (a.dtype,))
    return _la.pinv(a, *args, **kwargs)


pinv = wrap(_la.pinv, fast=_pinv_impl)
_batch_stacked(pinv)


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
    return (_elementwise.negative(_linalg.matmul(p, _linalg.matmul(t, p)))
            + _linalg.matmul(p, _linalg.matmul(ph, th - _linalg.matmul(_linalg.matmul(th, a), p)))
            + _linalg.matmul(th - _linalg.matmul(p, _linalg.matmul(a, th)), _linalg.matmul(ph, p)))


def _pinv_vjp(g, ans, a, *args, **kwargs):
    hermitian = _pinv_hermitian(args, kwargs)
    if hermitian:
        a = _hermitian_part(a, True)
    pt, pc, ac, gh = _T(ans), _conj(ans), _conj(a), _H(g)
    ga = (_elementwise.negative(_linalg.matmul(pt, _linalg.matmul(g, pt)))
          + _linalg.matmul(gh - _linalg.matmul(ac, _linalg.matmul(pc, gh)), _linalg.matmul(pc, pt))
          + _linalg.matmul(_linalg.matmul(pt, pc), gh - _linalg.matmul(_linalg.matmul(gh, pc), ac)))
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
    if _dask_ops.on_dask(innermost(a), innermost(b)):
        raise _dask_ops.refuse("lstsq", "its results' shapes depend on the rank; "
                               "np.linalg.pinv(a) @ b is lazy, and so is, for a tall a of full "
                               "column rank, q, r = np.linalg.qr(a); np.linalg.solve(r, q.T @ b)")
    m, n = shape(a)[-2:]
    eps = float(_np.finfo(_real_dtype(a)).eps)
    cut = eps * max(m, n) if rcond is None else (eps if rcond < 0 else rcond)
    x = _linalg.matmul(pinv(a, cut), b)
    sv = svd(a, compute_uv=False)
    if min(m, n) == 0:
        return x, _np.zeros((0,), _real_dtype(a)), _np.int32(0), sv
    # NumPy's rank: the singular values above cut * the largest.  Value-level code on
    # val(sv), so that under vmap / compile it is batched / traced, not a Python branch
    s = val(sv)
    rank = _reductions.sum(s > cut * _reductions.max(s, axis=-1, keepdims=True), axis=-1)
    rank = rank.astype(_np.int32)
    if m > n and _agreed(rank == n, "lstsq", "the rank of a"):
        r = b - _linalg.matmul(a, x)
        residuals = _reductions.sum(_re(r * _conj(r)), axis=0)
        if len(shape(b)) == 1:
            residuals = _shape.reshape(residuals, (1,))
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
        raw = box_value(raw)
    if bool(_np.all(raw)):
        return True
    if not bool(_np.any(raw)):
        return False
    raise ValueError(
        f"wengert.numpy.linalg.{fun} inside wengert.vmap: {what} differs between "
        "examples, so its results have different shapes per example (NumPy returns "
        "empty residuals for rank-deficient a); loop over the examples, or compute the "
        "residuals yourself as sum(abs(b - a @ x) ** 2, axis=0)")


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
    ab = _elementwise.absolute(x)
    if ord in (None, 2):
        # square: one cotangent 2 g |x| (ab * ab would make g |x| twice, then add)
        return _elementwise.sqrt(
            _reductions.sum(_elementwise.square(ab), axis=axis, keepdims=keepdims))
    if ord == _np.inf:
        return _reductions.max(ab, axis=axis, keepdims=keepdims)
    if ord == -_np.inf:
        return _reductions.min(ab, axis=axis, keepdims=keepdims)
    if ord == 1:
        return _reductions.sum(ab, axis=axis, keepdims=keepdims)
    if ord == 0:
        raise TypeError("wengert.numpy.linalg.norm: ord=0 counts nonzeros and is not "
                        "differentiable")
    if isinstance(ord, str):
        raise ValueError(f"wengert.numpy.linalg.norm: ord={ord!r} is for matrices; pass a "
                         "2-d array or a pair of axes")
    return _reductions.sum(ab ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x, ord, axes, keepdims):
    row, col = axes
    if row == col:
        raise ValueError("wengert.numpy.linalg.norm: the two axes must differ")
    if ord in (None, "fro"):
        ab = _elementwise.absolute(x)
        out = _elementwise.sqrt(_reductions.sum(ab * ab, axis=axes))
    elif ord in (1, -1):
        sums = _reductions.sum(_elementwise.absolute(x), axis=row)
        ext = _reductions.max if ord == 1 else _reductions.min
        out = ext(sums, axis=col - 1 if col > row else col)
    elif ord in (_np.inf, -_np.inf):
        sums = _reductions.sum(_elementwise.absolute(x), axis=col)
        ext = _reductions.max if ord == _np.inf else _reductions.min
        out = ext(sums, axis=row - 1 if row > col else row)
    elif ord in (2, -2, "nuc"):
        s = svd(_shape.moveaxis(x, (row, col), (-2, -1)), compute_uv=False)
        out = (_reductions.max(s, axis=-1) if ord == 2 else _reductions.min(s, axis=-1) if ord == -2
               else _reductions.sum(s, axis=-1))
    else:
        raise ValueError(f"wengert.numpy.linalg.norm: invalid norm order {ord!r} for "
                         "matrices")
    if keepdims:
        for ax in sorted(axes):
            out = _shape.expand_dims(out, ax)
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
        big, small = _shape.getitem(s, (Ellipsis, 0)), _shape.getitem(s, (Ellipsis, -1))
        return big / small if p != -2 else small / big
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


@_functools.wraps(_la.matrix_rank)
def _matrix_rank(A, *args, **kwargs):
    if _dask_ops.on_dask(A):
        return _dask_ops.whole(lambda x: _la.matrix_rank(x, *args, **kwargs), A, "(m,n)->()",
                               (_np.intp,))
    return _la.matrix_rank(A, *args, **kwargs)


matrix_rank = equivalent(_la.matrix_rank, notrace_primitive(_matrix_rank))


# -- tensor versions ------------------------------------------------------------------------
def tensorinv(a, ind=2):
    """``numpy.linalg.tensorinv``: the inverse of ``a`` read as a matrix whose rows
    are its first ``ind`` axes (composed from ``reshape`` and ``inv``)."""
    a = array_like(a)
    if not _traced(a):
        return _la.tensorinv(a, ind)
    s = tuple(shape(a))
    rows = int(_np.prod(s[:ind]))
    return _shape.reshape(inv(_shape.reshape(a, (rows, -1))), s[ind:] + s[:ind])


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
        a = _shape.transpose(a, tuple(order + [ax % nd for ax in axes]))
    xshape = tuple(shape(a))[len(shape(b)):]
    rows = int(_np.prod(shape(b)))
    x = solve(_shape.reshape(a, (rows, -1)), _shape.reshape(b, (rows,)))
    return _shape.reshape(x, xshape)


def matrix_power(a, n):
    """``numpy.linalg.matrix_power`` by repeated squaring (differentiable)."""
    if n < 0:
        a, n = inv(a), -n
    if n == 0:
        return _np.broadcast_to(_np.eye(shape(a)[-1]), shape(a)).copy()
    result = None
    while n:
        if n & 1:
            result = a if result is None else _linalg.matmul(result, a)
        n >>= 1
        if n:
            a = _linalg.matmul(a, a)
    return result


def multi_dot(arrays, *, out=None):
    """``numpy.linalg.multi_dot`` (left to right)."""
    arrays = list(arrays)
    result = arrays[0]
    for a in arrays[1:]:
        result = _linalg.dot(result, a)
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
    return _shape.swapaxes(x, -1, -2)


def _dot(a, b):
    # autograd's private stacked matrix product, which some of its users import
    return _linalg.matmul(a, b)


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
        x = _shape.reshape(_shape.transpose(x, axes + rest),
                           (int(_np.prod([xshape[k] for k in axes])),)
                           + tuple(xshape[k] for k in rest))
        out = norm(x, ord, axis=0)
    else:
        axes = (int(axis) % nd,) if nd else (int(axis),)
        out = norm(x, ord, axis=axis)
    if keepdims:
        out = _shape.reshape(out, tuple(1 if k in axes else n for k, n in enumerate(xshape)))
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
    return _reductions.sum(_elementwise.conjugate(x1) * x2, axis=axis)


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
    return _linalg.outer(x1, x2)


def trace(x, /, *, offset=0, dtype=None):
    """``numpy.linalg.trace``: sums of the ``offset`` diagonals of the last two axes."""
    if _NUMPY2 and not _traced(x):
        return _la.trace(x, offset=offset, dtype=dtype)
    _last_two("trace", x)
    return _reductions.trace(x, offset, axis1=-2, axis2=-1, dtype=dtype)


def diagonal(x, /, *, offset=0):
    """``numpy.linalg.diagonal``: the ``offset`` diagonals of the last two axes."""
    if _NUMPY2 and not _traced(x):
        return _la.diagonal(x, offset=offset)
    _last_two("diagonal", x)
    return _shape.diagonal(x, offset, -2, -1)


def cross(x1, x2, /, *, axis=-1):
    """``numpy.linalg.cross`` of 3-vectors along ``axis`` (unlike ``numpy.cross``, no
    2-vectors), broadcasting."""
    if _NUMPY2 and not _traced(x1, x2):
        return _la.cross(x1, x2, axis=axis)
    n1, n2 = tuple(shape(x1))[axis], tuple(shape(x2))[axis]
    if n1 != 3 or n2 != 3:
        raise ValueError(f"wengert.numpy.linalg.cross: x1 and x2 must be (arrays of) "
                         f"3-vectors along axis {axis}; got {n1} and {n2} components")
    return _linalg.cross(x1, x2, axis=axis)


def matmul(x1, x2, /):
    """``numpy.linalg.matmul``: ``numpy.matmul`` without its ufunc options."""
    return _la.matmul(x1, x2) if _NUMPY2 and not _traced(x1, x2) else _linalg.matmul(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    """``numpy.linalg.tensordot``: ``numpy.tensordot`` with ``axes`` keyword-only."""
    if _NUMPY2 and not _traced(x1, x2):
        return _la.tensordot(x1, x2, axes=axes)
    if not isinstance(axes, int):   # non-negative: Dask's tensordot misreads negative axes
        axes = tuple([a % len(shape(x)) for a in _np.atleast_1d(ax).tolist()]
                     for ax, x in zip(axes, (x1, x2)))
    return _linalg.tensordot(x1, x2, axes)


def svdvals(x, /):
    """``numpy.linalg.svdvals``: the singular values, ``svd(x, compute_uv=False)``
    (differentiable where they are distinct)."""
    return _la.svdvals(x) if _NUMPY2 and not _traced(x) else svd(x, compute_uv=False)


for _ours in (vector_norm, matrix_norm, vecdot, matrix_transpose, outer, trace, diagonal, cross,
              matmul, tensordot, svdvals):
    if _NUMPY2:
        equivalent(getattr(_la, _ours.__name__), _ours)
