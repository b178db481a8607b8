"""Joining and splitting: ``concatenate`` (a linear primitive; declared in
:mod:`._wrapped`, its rules are here), the stacks composed of it, and the splits
(each piece a slice of the input, so each is traced)."""
import numpy as _np

from .._core import defbatch, defjvp_any, defvjp_any
from ._batchrules import front, provide
from ._dispatch import asarray, equivalent, shape, val
from ._indexing import getitem
from ._reshape import (along, atleast_1d, atleast_2d, atleast_3d, expand_dims, ndim_of,
                       normalize_axis, require_ndim, reshape)
from ._unbroadcast import unbroadcast
from ._wrapped import _concat, concatenate, ravel


def _concat_vjp(argnum, g, ans, axis, *arrays):
    sizes = [shape(a)[axis] for a in arrays]
    start = int(_np.sum(sizes[:argnum - 1]))
    idx = [slice(None)] * len(shape(g))
    idx[axis] = slice(start, start + sizes[argnum - 1])
    # a real array joined to complex ones gets the real part of the cotangent
    return unbroadcast(getitem(g, tuple(idx)), arrays[argnum - 1])


def _concat_jvp(argnum, t, ans, axis, *arrays):
    parts = [t if j == argnum - 1 else _np.zeros(shape(a), _np.result_type(val(t)))
             for j, a in enumerate(arrays)]
    return _concat(axis, *parts)


def _concat_batched(args, dims, kwargs):
    axis, arrays = args[0], args[1:]
    arrays = front(arrays, dims[1:])
    return _concat(axis + 1, *arrays), 0


defvjp_any(_concat, _concat_vjp)
defjvp_any(_concat, _concat_jvp)
defbatch(_concat, _concat_batched)


# -- composed: stacking ----------------------------------------------------------------
def stack(arrays, axis=0, **kwargs):
    """``numpy.stack`` of plain and traced arrays."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to stack")
    axis = axis % (len(shape(arrays[0])) + 1)
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis)


provide(stack=stack)


def hstack(tup, **kwargs):
    arrs = [atleast_1d(a) for a in tup]
    return concatenate(arrs, axis=0 if len(shape(arrs[0])) == 1 else 1)


def vstack(tup, **kwargs):
    return concatenate([atleast_2d(a) for a in tup], axis=0)


def column_stack(tup):
    """``numpy.column_stack``: 1-d arrays become columns, 2-d arrays are joined as
    they are, along the second axis."""
    cols = []
    for a in tup:
        a = asarray(a)
        cols.append(reshape(a, (-1, 1)) if ndim_of(a) < 2 else a)
    return concatenate(cols, axis=1)


def row_stack(tup, **kwargs):
    """``numpy.row_stack``: NumPy's (deprecated) alias of ``vstack``."""
    return vstack(tup, **kwargs)


def dstack(tup):
    """``numpy.dstack``: join along the third axis after ``atleast_3d``."""
    arrays = [atleast_3d(a) for a in tup]
    return concatenate(arrays, axis=2)


def append(arr, values, axis=None):
    """``numpy.append``: ``values`` joined after ``arr`` (both flattened when
    ``axis`` is None)."""
    arr, values = asarray(arr), asarray(values)
    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([arr, values], axis=axis)


# -- splitting: each piece is a slice of the input, so each is traced ------------------
def _split_points(n, indices_or_sections, fun):
    try:
        points = [int(i) for i in indices_or_sections]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"wengert.numpy.{fun}: the number of sections must be "
                             f"larger than 0, got {sections}") from None
        each, extra = divmod(n, sections)
        # the first `extra` pieces get one more entry
        sizes = [each + 1] * extra + [each] * (sections - extra)
        return [0] + list(_np.cumsum(sizes)), sections
    return [0] + points + [n], len(points) + 1


def array_split(ary, indices_or_sections, axis=0):
    """``numpy.array_split``: a list of slices of ``ary`` along ``axis`` (with a
    number of sections that does not divide the axis, the first pieces are
    one longer)."""
    ary = asarray(ary)
    axis = normalize_axis(axis, ndim_of(ary), "array_split")
    points, count = _split_points(shape(ary)[axis], indices_or_sections, "array_split")
    return [getitem(ary, along(axis, slice(int(points[i]), int(points[i + 1]))))
            for i in range(count)]


def split(ary, indices_or_sections, axis=0):
    """``numpy.split``: a list of slices of ``ary`` along ``axis``, each traced.

    ``indices_or_sections`` is a number of equal sections or a sorted list of the
    indices where the axis is cut.

    Example:
        >>> import numpy as np, wengert, wengert.numpy as wnp, wengert.numpy._shape as S
        >>> def f(x):
        ...     a, b = S.split(x, 2)
        ...     return wnp.sum(a * b)
        >>> wengert.grad(f)(np.array([1.0, 2.0, 3.0, 4.0]))
        array([3., 4., 1., 2.])
    """
    ary = asarray(ary)
    axis = normalize_axis(axis, ndim_of(ary), "split")
    n = shape(ary)[axis]
    if _np.ndim(indices_or_sections) == 0 and int(indices_or_sections) > 0 \
            and n % int(indices_or_sections):
        raise ValueError(f"wengert.numpy.split: an axis of length {n} does not split into "
                         f"{int(indices_or_sections)} equal sections; use array_split for "
                         "unequal pieces")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """``numpy.hsplit``: split along the second axis (the first for 1-d arrays)."""
    ary = asarray(ary)
    require_ndim(ary, 1, "hsplit", "hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if ndim_of(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    """``numpy.vsplit``: split along the first axis of an array of 2 or more dimensions."""
    ary = asarray(ary)
    require_ndim(ary, 2, "vsplit", "vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """``numpy.dsplit``: split along the third axis of an array of 3 or more dimensions."""
    ary = asarray(ary)
    require_ndim(ary, 3, "dsplit", "dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


for _np_fun, _ours in ((_np.concatenate, concatenate), (_np.stack, stack),
                       (_np.hstack, hstack), (_np.vstack, vstack),
                       (_np.column_stack, column_stack), (_np.dstack, dstack),
                       (_np.append, append), (_np.split, split),
                       (_np.array_split, array_split), (_np.hsplit, hsplit),
                       (_np.vsplit, vsplit), (_np.dsplit, dsplit)):
    equivalent(_np_fun, _ours)
# row_stack: deprecated in NumPy 2, gone in some version; in NumPy 1 it is vstack itself
if getattr(_np, "row_stack", _np.vstack) is not _np.vstack:
    equivalent(_np.row_stack, row_stack)
del _np_fun, _ours
