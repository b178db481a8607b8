"""``wengert.numpy.linalg``: NumPy's linear algebra with derivatives.

Differentiable here: ``inv``, ``det``, ``solve``, ``norm`` (vector norms of any
order, Frobenius for matrices), ``matrix_power``, ``multi_dot``.  Every other
name of ``numpy.linalg`` is passed through for plain values; applied to traced
values it raises an error naming it.
"""
import numpy as _np
import numpy.linalg as _la

from .._core import def_linear, defjvp, defvjp
from . import _elementwise as E, _linalg as L, _reductions as R, _shape as S
from ._dispatch import equivalent, shape, wrap
from ._unbroadcast import unbroadcast


def _T(x):
    return S.swapaxes(x, -1, -2)


inv = wrap(_la.inv)
defvjp(inv, lambda g, ans, a: E.negative(L.matmul(_T(ans), L.matmul(g, _T(ans)))))
defjvp(inv, lambda t, ans, a: E.negative(L.matmul(ans, L.matmul(t, ans))))

det = wrap(_la.det)
defvjp(det, lambda g, ans, a: S.expand_dims(S.expand_dims(g * ans, -1), -1) * _T(inv(a)))
defjvp(det, lambda t, ans, a: ans * R.trace(L.matmul(inv(a), t), axis1=-2, axis2=-1)
       if len(shape(a)) > 2 else ans * R.trace(L.matmul(inv(a), t)))

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


def norm(x, ord=None, axis=None, keepdims=False):
    """``numpy.linalg.norm`` for vector norms of any order and the Frobenius
    norm of matrices, composed from differentiable operations."""
    nd = len(shape(x))
    is_matrix = (axis is None and nd == 2) or (axis is not None and _np.ndim(axis) == 1
                                               and len(axis) == 2)
    if is_matrix and ord not in (None, "fro"):
        raise NotImplementedError(
            f"wengert.numpy.linalg.norm: matrix norm ord={ord!r} has no derivative rule yet; "
            "use ord='fro' or compute it from an SVD")
    ax = None if axis is None and (nd <= 1 or is_matrix) else axis
    if axis is None and nd > 2 and ord is None:
        ax = None
    ab = E.absolute(x)
    if ord in (None, 2, "fro"):
        return E.sqrt(R.sum(ab * ab, axis=ax, keepdims=keepdims))
    if ord == _np.inf:
        return R.max(ab, axis=ax, keepdims=keepdims)
    if ord == -_np.inf:
        return R.min(ab, axis=ax, keepdims=keepdims)
    if ord == 1:
        return R.sum(ab, axis=ax, keepdims=keepdims)
    if ord == 0:
        raise TypeError("wengert.numpy.linalg.norm: ord=0 counts nonzeros and is not "
                        "differentiable")
    return R.sum(ab ** ord, axis=ax, keepdims=keepdims) ** (1.0 / ord)


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
                       (_la.multi_dot, multi_dot)):
    equivalent(_np_fun, _ours)


def __getattr__(name):
    # Names without a derivative rule: NumPy's own, for plain values.  Applied to a
    # traced value, NumPy's dispatch reaches ArrayBox.__array_function__, which
    # raises an error naming the function.
    return getattr(_la, name)
