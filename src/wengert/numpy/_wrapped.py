"""The primitives the rule modules call across one another, declared here without rules.

The rules are mutually recursive (``sum``'s reverse rule broadcasts, ``broadcast_to``'s
sums; a reduction's rule reshapes, flips and joins), so the modules holding them would
import each other.  Instead each primitive below is only *declared* here (wrapped); its
rules are attached in the module named next to it, and every rule module imports this
one.  The import order is then one line: ``_dispatch`` -> this -> ``_unbroadcast`` ->
``_elementwise`` -> ``_reductions`` -> the shape modules.
"""
import numpy as _np

from ._dispatch import method_fast, shape, stand_in, wrap

_add_reduce = _np.add.reduce


def _mean(x, *args, **kwargs):
    # the mean of a whole non-empty float64 array as NumPy's computes it (the sum over
    # every axis, divided by the count: the same bits), without its Python-level layers
    if type(x) is _np.ndarray and not args and not kwargs and x.dtype == _F64 and x.size:
        return _add_reduce(x, None) / x.size
    return _np.mean(x, *args, **kwargs)


_F64 = _np.dtype(_np.float64)

# rules in _reductions
sum = wrap(_np.sum, fast=method_fast(_np.sum, "sum"))
mean = wrap(_np.mean, fast=stand_in(_np.mean, _mean, "with a fast path for a whole float64 array"))

# rules in _elementwise
real = wrap(_np.real)

# rules in _reshape
reshape = wrap(_np.reshape)
ravel = wrap(_np.ravel)
moveaxis = wrap(_np.moveaxis)
flip = wrap(_np.flip)
broadcast_to = wrap(_np.broadcast_to)
diagonal = wrap(_np.diagonal)


# rules in _joining
def _concat_impl(axis, *arrays):
    return _np.concatenate(arrays, axis=axis)


_concat = wrap(_concat_impl, "numpy.concatenate")


def concatenate(arrays, axis=0, **kwargs):
    """``numpy.concatenate`` of plain and traced arrays."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    axis = axis % len(shape(arrays[0]))
    return _concat(axis, *arrays)
