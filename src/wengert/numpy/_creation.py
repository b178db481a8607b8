"""Arrays made from traced values: ``array``, ``asarray``, ``copy``, ``full``, and the
triangle and diagonal builders (``triu``, ``tril``, ``diag``, ``diagflat``)."""
import numpy as _np

from .._core import Box, box_trace, box_value
from ._dispatch import array_like, asarray as _as_array, dtype as _dtype_of, equivalent, shape
from ._elementwise import astype, where
from ._joining import stack
from ._reshape import _diagonal_adjoint, ndim_of
from ._wrapped import broadcast_to, diagonal, ravel


def contains_box(obj):
    """Whether ``obj`` is a traced value or a (nested) list or tuple holding one."""
    if isinstance(obj, Box):
        return True
    if type(obj) in (list, tuple):
        return any(contains_box(o) for o in obj)
    return False


def _build(obj):
    if type(obj) in (list, tuple):
        return stack([_build(o) for o in obj])
    return obj


def array(object, dtype=None, *args, **kwargs):
    """``numpy.array``; a (nested) list of traced values becomes a traced array."""
    if contains_box(object):
        out = copy(object) if isinstance(object, Box) else _build(object)
        return astype(out, dtype) if dtype is not None else out
    return _np.array(object, dtype, *args, **kwargs)


def asarray(a, dtype=None, *args, **kwargs):
    """``numpy.asarray``; traced values stay traced."""
    if isinstance(a, Box):
        return a if dtype is None else astype(a, dtype)
    if contains_box(a):
        return array(a, dtype)
    return _np.asarray(a, dtype, *args, **kwargs)


def copy(a, order="K", subok=False):
    """``numpy.copy``: traced values are immutable, so their copy is the value itself
    (the identity, derivative 1)."""
    a = array_like(a)
    if isinstance(a, Box):  # a new box: writing into the copy leaves ``a`` alone
        trace = box_trace(a)
        return type(a)(box_value(a), trace, trace.aux_of(a))
    return _np.copy(a, order=order, subok=subok)


def full(shape, fill_value, dtype=None, order="C", **kwargs):
    """``numpy.full``; a traced fill value (a scalar, or an array broadcast to
    ``shape``) gives a traced array, whose derivative sums over the copies."""
    if not contains_box(fill_value):
        return _np.full(shape, fill_value, dtype, order, **kwargs)
    fill = _as_array(fill_value)
    if dtype is not None and _np.dtype(dtype) != _dtype_of(fill):
        fill = astype(fill, dtype)
    return broadcast_to(fill, (shape,) if isinstance(shape, int) else tuple(shape))


def _tri_mask(m, k, lower):
    s = tuple(shape(m))
    rows, cols = (s[-2:] if len(s) >= 2 else (s[-1], s[-1])) if s else (None, None)
    if rows is None:
        raise ValueError(f"wengert.numpy.{'tril' if lower else 'triu'}: the input must "
                         "have at least 1 dimension")
    below = _np.tri(rows, cols, k if lower else k - 1, dtype=bool)
    return below if lower else ~below


def triu(m, k=0):
    """``numpy.triu``: zero the entries below the ``k``-th diagonal (a 1-d input is
    the row of a square matrix)."""
    m = _as_array(m)
    return where(_tri_mask(m, k, lower=False), m, _np.zeros((), _dtype_of(m)))


def tril(m, k=0):
    """``numpy.tril``: zero the entries above the ``k``-th diagonal (a 1-d input is
    the row of a square matrix)."""
    m = _as_array(m)
    return where(_tri_mask(m, k, lower=True), m, _np.zeros((), _dtype_of(m)))


def diag(v, k=0):
    """``numpy.diag``: the ``k``-th diagonal of a 2-d array, or the square matrix
    with the 1-d ``v`` on its ``k``-th diagonal.

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> S.diag(np.array([1.0, 2.0]), 1)
        array([[0., 1., 0.],
               [0., 0., 2.],
               [0., 0., 0.]])
    """
    v = _as_array(v)
    if ndim_of(v) == 1:
        n = shape(v)[0] + abs(int(k))
        return _diagonal_adjoint(v, (n, n), int(k), 0, 1)
    if ndim_of(v) == 2:
        return diagonal(v, int(k))
    raise ValueError(f"wengert.numpy.diag: the input must be 1-d (to build a matrix) or "
                     f"2-d (to read a diagonal); got shape {shape(v)}")


def diagflat(v, k=0):
    """``numpy.diagflat``: the square matrix with the flattened ``v`` on its
    ``k``-th diagonal."""
    return diag(ravel(_as_array(v)), k)


for _np_fun, _ours in ((_np.copy, copy), (_np.triu, triu), (_np.tril, tril),
                       (_np.diag, diag), (_np.diagflat, diagflat)):
    equivalent(_np_fun, _ours)
del _np_fun, _ours
