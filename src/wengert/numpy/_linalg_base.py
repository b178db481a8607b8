"""The base of ``wengert.numpy.linalg``: matrix helpers and the LU family, ``inv``,
``solve`` and ``slogdet``.

The decompositions' rules (``_decompositions``) and the rest of ``linalg`` use these,
so they sit below both: the import graph of the linear algebra has no cycle.
"""
import functools as _functools

import numpy as _np
import numpy.linalg as _la

from .._core import Box, defbatch, defjvp, defvjp, primitive
from . import _dask_ops, _elementwise, _linalg, _reductions, _shape
from ._batchrules import (pair_to0 as _pair_to0, stacked as _stacked, to_rank as _to_rank,
                          with_loop as _with_loop)
from ._dispatch import array_like, dtype, iscomplexobj, shape, wrap
from ._unbroadcast import unbroadcast


def _T(x):
    return _shape.swapaxes(x, -1, -2)


def _batch_stacked(fun):
    """Declare ``fun``'s batching rule: NumPy's linalg works on stacks of matrices, so a
    batch in the first argument is one call (a loop where another argument is batched)."""
    defbatch(fun, _with_loop(fun, _stacked(fun)))


@_functools.wraps(_la.inv)
def _inv_impl(a):
    return _dask_ops.inv(a) if _dask_ops.on_dask(a) else _la.inv(a)


inv = wrap(_la.inv, fast=_inv_impl)
defvjp(inv, lambda g, ans, a:
       _elementwise.negative(_linalg.matmul(_T(ans), _linalg.matmul(g, _T(ans)))))
defjvp(inv, lambda t, ans, a: _elementwise.negative(_linalg.matmul(ans, _linalg.matmul(t, ans))))
_batch_stacked(inv)

@_functools.wraps(_la.solve)
def _solve_impl(a, b):
    return _dask_ops.solve(a, b) if _dask_ops.on_dask(a, b) else _la.solve(a, b)


solve = wrap(_la.solve, fast=_solve_impl)


def _col(x, b):
    """numpy.linalg.solve reads a 1-d ``b`` as one vector and any other ``b`` as a
    stack of matrices: as a matrix, ``x`` for such a ``b`` is one column."""
    return _shape.expand_dims(x, -1) if len(shape(b)) == 1 else x


def _uncol(x, b):
    return _shape.getitem(x, (Ellipsis, 0)) if len(shape(b)) == 1 else x


def _solve_vjp_a(g, ans, a, b):
    gb = solve(_T(a), _col(g, b))
    return unbroadcast(_elementwise.negative(_linalg.matmul(gb, _T(_col(ans, b)))), a)


def _solve_vjp_b(g, ans, a, b):
    return unbroadcast(_uncol(solve(_T(a), _col(g, b)), b), b)


defvjp(solve, _solve_vjp_a, _solve_vjp_b)
defjvp(solve, lambda t, ans, a, b:
       _elementwise.negative(_uncol(solve(a, _linalg.matmul(t, _col(ans, b))), b)),
       lambda t, ans, a, b: solve(a, t))


def _solve_batch(args, dims, kwargs):
    """A batched solve as one call on stacks, with ``b`` made a stack of matrices (one
    column each) where a 1-d ``b`` per example would be read otherwise."""
    a, b, da, db, ka, kb = _pair_to0(args, dims)
    vec = kb == 1
    if vec and (db is not None or ka > 2):
        b = _shape.expand_dims(b, -1)
        kb = 2
    r = max(ka, kb)
    a, b = _to_rank(a, da, ka, r), _to_rank(b, db, kb, r)
    out = solve(a, b)
    if vec and len(shape(out)) == r + 1 and (db is not None or ka > 2):
        out = _shape.squeeze(out, -1)
    return out, 0


defbatch(solve, _solve_batch)


# -- helpers for the decompositions -------------------------------------------------------
def _traced(*xs):
    """Whether the composed path must run: a value is traced, or a Dask array (NumPy's
    functions would compute it, or, for cholesky, return Dask's upper factor)."""
    return any(isinstance(x, Box) for x in xs) or _dask_ops.on_dask(*xs)


def _H(x):
    """The conjugate transpose of (a stack of) matrices."""
    return _elementwise.conjugate(_T(x)) if iscomplexobj(x) else _T(x)


def _conj(x):
    return _elementwise.conjugate(x) if iscomplexobj(x) else x


def _re(x):
    return _elementwise.real(x) if iscomplexobj(x) else x


def _real_dtype(x):
    dt = dtype(x)
    return _np.finfo(dt).dtype if dt.kind in "fc" else _np.dtype(float)


def _eye(n, like):
    """A constant identity matrix in the real dtype of ``like`` (float32 stays float32)."""
    return _np.eye(n, dtype=_real_dtype(like))


def _diag(x):
    return _shape.diagonal(x, 0, -2, -1)


def _diag_embed(v):
    """A stack of diagonal matrices with ``v`` (..., n) on the diagonal."""
    return _shape.expand_dims(v, -1) * _eye(shape(v)[-1], v)


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
    return (1.0 - eye) / (_shape.expand_dims(w, -2) - _shape.expand_dims(w, -1) + eye)


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
    if _dask_ops.on_dask(a):
        return _dask_ops.whole(_la.slogdet, a, "(n,n)->(),()",
                               (a.dtype, _dask_ops.real_dtype(a)))
    sign, logabsdet = _la.slogdet(a)
    return sign, logabsdet


_slogdet = primitive(_slogdet_impl, "numpy.linalg.slogdet")
_batch_stacked(_slogdet)


def _slogdet_vjp(g, ans, a):
    # d logabsdet = Re tr(A^-1 dA); for complex A, d sign = sign * i Im tr(A^-1 dA)
    gl, gs = _part(g, 1), _part(g, 0)
    coef = gl
    if iscomplexobj(a) and gs is not None:
        c = _elementwise.real(1j * gs * ans[0])
        coef = -1j * c if coef is None else coef - 1j * c
    if coef is None:
        return None
    return _shape.expand_dims(_shape.expand_dims(coef, -1), -1) * _T(inv(a))


def _slogdet_jvp(t, ans, a):
    tr = _reductions.sum(_diag(solve(a, t)), axis=-1)
    if iscomplexobj(a):
        return ans[0] * (1j * _elementwise.imag(tr)), _elementwise.real(tr)
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
