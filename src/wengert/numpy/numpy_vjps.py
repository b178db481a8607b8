"""``wengert.numpy.numpy_vjps``: helpers autograd's rule authors import.

``unbroadcast(g, target_meta)`` sums a cotangent back down to the shape of a
broadcast argument (``target_meta`` is :func:`metadata` of that argument) and
``unbroadcast_f(target, f)`` wraps a cotangent function with it; the other
helpers reshape cotangents of reductions.  All are built from differentiable
operations, so rules written with them can be differentiated again.

Example (a rule for a broadcasting primitive, in autograd's style):
    >>> import numpy, wengert
    >>> from wengert.extend import primitive, defvjp
    >>> from wengert.numpy.numpy_vjps import unbroadcast_f
    >>> mul = primitive(numpy.multiply)
    >>> defvjp(mul, lambda ans, x, y: unbroadcast_f(x, lambda g: g * y),
    ...        lambda ans, x, y: unbroadcast_f(y, lambda g: g * x))
    >>> wengert.grad(lambda x: wengert.numpy.sum(mul(x, numpy.ones(3))))(2.0)
    3.0
"""
import numpy as _np

from .._core import getval, vspace
from ..core import SparseObject, VJPNode, defvjp, defvjp_argnum
from ..tracer import primitive, register_notrace
from . import _elementwise
from . import _reductions
from . import _shape
from .numpy_boxes import ArrayBox
from .numpy_wrapper import metadata

__all__ = ["unbroadcast", "unbroadcast_f", "unbroadcast_einsum", "match_complex",
           "repeat_to_match_shape", "balanced_eq", "replace_zero", "ArrayBox", "SparseObject",
           "VJPNode", "defvjp", "defvjp_argnum", "primitive", "register_notrace", "vspace"]


def unbroadcast(x, target_meta, broadcast_idx=0):
    """Sum ``x`` down to the shape in ``target_meta`` (``(shape, ndim, dtype,
    iscomplex)``), dropping the imaginary part for a real target."""
    target_shape, target_ndim, _, target_iscomplex = target_meta
    while _np.ndim(getval(x)) > target_ndim:
        x = _reductions.sum(x, axis=broadcast_idx)
    for axis, size in enumerate(target_shape):
        if size == 1 and _np.shape(getval(x))[axis] != 1:
            x = _reductions.sum(x, axis=axis, keepdims=True)
    if _np.iscomplexobj(getval(x)) and not target_iscomplex:
        x = _elementwise.real(x)
    return x


def unbroadcast_f(target, f):
    """``g -> unbroadcast(f(g), metadata(target))``."""
    target_meta = metadata(target)
    return lambda g: unbroadcast(f(g), target_meta)


def unbroadcast_einsum(x, target_meta, subscript):
    """Unbroadcast for ``einsum``'s ellipsis: sum over the broadcast axes that
    ``subscript`` (the operand's subscripts) maps onto the ellipsis."""
    if "..." not in subscript:
        return x
    if subscript.startswith("..."):
        return unbroadcast(x, target_meta, 0)
    if subscript.endswith("..."):
        return unbroadcast(x, target_meta, -1)
    return unbroadcast(x, target_meta, subscript.index("..."))


def match_complex(target, x):
    """``x`` made real when ``target`` is real, as complex as it is otherwise."""
    target_iscomplex = _np.iscomplexobj(getval(target))
    x_iscomplex = _np.iscomplexobj(getval(x))
    if x_iscomplex and not target_iscomplex:
        return _elementwise.real(x)
    if not x_iscomplex and target_iscomplex:
        return x + 0j
    return x


def repeat_to_match_shape(g, shape, dtype, axis, keepdims):
    """``(g broadcast to shape, number of elements summed)`` for the cotangent
    of a reduction over ``axis`` of an array of ``shape``."""
    if shape == ():
        return g, 1
    axis = list(axis) if isinstance(axis, tuple) else axis
    new_shape = _np.array(shape)
    new_shape[axis] = 1
    num_reps = _np.prod(_np.array(shape)[axis])
    return _shape.broadcast_to(_shape.reshape(g, tuple(new_shape)), shape), num_reps


def balanced_eq(x, z, y):
    """1 where ``x == z``, 1/2 where also ``y == z`` (ties of max/min share the cotangent)."""
    x, z, y = getval(x), getval(z), getval(y)
    return (x == z) / (1.0 + (x == y))


def replace_zero(x, val):
    """``x`` with its zeros replaced by ``val``."""
    return _elementwise.where(x, x, val)
