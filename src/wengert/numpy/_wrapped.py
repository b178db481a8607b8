"""The primitives the rule modules call across one another, declared here without rules.

The rules are mutually recursive (``sum``'s reverse rule broadcasts, ``broadcast_to``'s
sums; a reduction's rule reshapes, flips and joins), so the modules holding them would
import each other.  Instead each primitive below is only *declared* here (wrapped); its
rules are attached in the module named next to it, and every rule module imports this
one.  The import order is then one line: ``_dispatch`` -> this -> ``_unbroadcast`` ->
``_elementwise`` -> ``_reductions`` -> the shape modules.
"""
import numpy as _np

from ._dispatch import method_fast, shape, wrap

# rules in _reductions
sum = wrap(_np.sum, fast=method_fast(_np.sum, "sum"))
mean = wrap(_np.mean)

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
