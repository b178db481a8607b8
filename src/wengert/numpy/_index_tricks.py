"""Index tricks: ``r_`` and ``c_`` with traced arrays, and the index helpers.

``r_[a, b]`` and ``c_[a, b]`` join traced arrays the way NumPy's do (slices such
as ``r_[0:3]`` are constants, a leading string like ``'0,2,1'`` sets the axis,
the minimum number of dimensions and where an upgraded array's shape goes).
The index helpers (``ix_``, ``flatnonzero``, ``argwhere``, ``unravel_index``,
``ravel_multi_index``, ``indices``, ``tri``) return integers, booleans or
constants: they have no derivative, and boxes are stripped from their
arguments.
"""
import numpy as _np

from .._core import Box
from . import _elementwise, _shape
from ._dispatch import dtype, nondiff, shape

ix_ = nondiff(_np.ix_)
flatnonzero = nondiff(_np.flatnonzero)
argwhere = nondiff(_np.argwhere)
unravel_index = nondiff(_np.unravel_index)
ravel_multi_index = nondiff(_np.ravel_multi_index)
indices = nondiff(_np.indices)
tri = nondiff(_np.tri)


def _plain(item):
    """``item`` with each traced value replaced by zeros of its shape and dtype
    (for asking NumPy what the joined array's dtype is)."""
    if isinstance(item, Box):
        return _np.zeros(shape(item), dtype(item))
    if type(item) in (list, tuple) and _shape._contains_box(item):
        return _np.asarray([_plain(i) for i in item])
    return item


def _upgrade(x, ndmin, trans1d):
    """``x`` with ones added to its shape up to ``ndmin`` dimensions; its own shape
    starts at position ``trans1d`` (counted from the end, as NumPy's ``-1`` does,
    when negative)."""
    s = tuple(shape(x))
    extra = ndmin - len(s)
    if extra <= 0:
        return x
    start = trans1d if trans1d >= 0 else trans1d + extra + 1
    start = min(max(start, 0), extra)
    return _shape.reshape(x, (1,) * start + s + (1,) * (extra - start))


class _Concatenator:
    """``r_`` / ``c_``: ``obj[a, b, ...]`` joins ``a``, ``b``, ... along an axis.

    Example:
        >>> import numpy as np, wengert, wengert.numpy as wnp
        >>> from wengert.numpy._index_tricks import c_, r_
        >>> wengert.grad(lambda x: wnp.sum(r_[0:2, x, 5.0] ** 2))(np.array([1.0, 2.0]))
        array([2., 4.])
        >>> c_[np.array([1.0, 2.0]), np.array([3.0, 4.0])]
        array([[1., 3.],
               [2., 4.]])
    """

    def __init__(self, name, axis, ndmin, trans1d):
        self._name = name
        self._defaults = (axis, ndmin, trans1d)

    def __repr__(self):
        return f"wengert.numpy.{self._name}"

    def _directive(self, text):
        if text in ("r", "c"):
            raise ValueError(
                f"wengert.numpy.{self._name}: the matrix directive {text!r} builds a "
                "numpy.matrix, which traced values do not support; join 2-d arrays instead")
        parts = text.split(",")
        try:
            values = [int(p) for p in parts]
        except ValueError:
            raise ValueError(f"wengert.numpy.{self._name}: unknown directive {text!r}; use "
                             "'axis', 'axis,ndmin' or 'axis,ndmin,trans1d'") from None
        if len(values) > 3:
            raise ValueError(f"wengert.numpy.{self._name}: directive {text!r} has more than "
                             "3 entries (axis, ndmin, trans1d)")
        return tuple(values) + self._defaults[len(values):]

    def __getitem__(self, key):
        items = key if isinstance(key, tuple) else (key,)
        numpy_version = getattr(_np, self._name)
        if not _shape._contains_box(list(items)):
            return numpy_version[key]
        axis, ndmin, trans1d = self._defaults
        if items and isinstance(items[0], str):
            axis, ndmin, trans1d = self._directive(items[0])
            items = items[1:]
        for item in items:
            if isinstance(item, str):
                raise ValueError(f"wengert.numpy.{self._name}: a string directive must be "
                                 f"the first entry, got {item!r} later")
        # NumPy says which dtype the joined array has (scalars are weakly typed)
        joined_dtype = numpy_version[tuple(_plain(i) for i in key)].dtype
        pieces = []
        for item in items:
            if isinstance(item, slice):
                item = _np.r_[item]         # a constant range: NumPy's own
            piece = _shape.asarray(item)
            if dtype(piece) != joined_dtype:
                piece = _elementwise.astype(piece, joined_dtype) if isinstance(piece, Box) else \
                    _np.asarray(piece, joined_dtype)
            pieces.append(_upgrade(piece, ndmin, trans1d))
        return _shape.concatenate(pieces, axis=axis)

    def __len__(self):
        return 0


r_ = _Concatenator("r_", 0, 1, -1)
r_.__doc__ = """``numpy.r_``: join along the first axis; traced arrays stay traced."""
c_ = _Concatenator("c_", -1, 2, 0)
c_.__doc__ = """``numpy.c_``: 1-d arrays become columns, joined along the last axis."""
