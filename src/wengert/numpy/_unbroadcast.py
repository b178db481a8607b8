"""The one helper every broadcasting rule uses."""
import numpy as _np

from .._core import Box
from ._backends import is_dask, lazy_like
from ._dispatch import FLOAT_SCALARS, casts_to_constant, iscomplexobj, shape, val
from ._wrapped import broadcast_to, real, sum

_add_reduce = _np.add.reduce


def unbroadcast(g, x):
    """Sum the cotangent ``g`` down to the shape of the argument ``x`` (the
    reverse of broadcasting) and drop an imaginary part ``x`` cannot have."""
    tg = type(g)
    if tg in FLOAT_SCALARS and type(x) in FLOAT_SCALARS:
        return g  # scalar code: nothing to do
    if tg is _np.ndarray and type(x) is _np.ndarray and g.shape == x.shape and (
            g.dtype.kind != "c" or x.dtype.kind == "c"):
        return g  # the common case: nothing to sum, no imaginary part to drop
    if tg is _np.ndarray and type(x) is _np.ndarray and g.ndim >= x.ndim:
        # plain arrays (a bias's cotangent, say): NumPy's own methods, the same sums as
        # below without the dispatch of the wrapped functions
        # (ndarray.sum is add.reduce behind a Python frame of NumPy's: called directly)
        xshape = x.shape
        lead = g.ndim - len(xshape)
        if lead > 0:
            g = _add_reduce(g, 0 if lead == 1 else tuple(range(lead)))
        if 1 in xshape:
            axes = tuple(i for i, n in enumerate(xshape) if n == 1 and g.shape[i] != 1)
            if axes:
                g = _add_reduce(g, axes, None, None, True)
        return g.real if g.dtype.kind == "c" and x.dtype.kind != "c" else g
    # (a box's own shape property: one call fewer than shape's)
    gshape = g.shape if isinstance(g, Box) else shape(g)
    xshape = x.shape if isinstance(x, Box) else shape(x)
    if gshape != xshape:
        lead = len(gshape) - len(xshape)
        if lead > 0:
            g = sum(g, axis=tuple(range(lead)))
        axes = tuple(i for i, n in enumerate(xshape) if n == 1 and gshape[lead + i] != 1)
        if axes:
            g = sum(g, axis=axes, keepdims=True)
    if iscomplexobj(g) and not iscomplexobj(x):
        g = real(g)
    return g


def broadcast_like(t, ans):
    """Broadcast a tangent ``t`` up to the shape of the output ``ans``."""
    if shape(t) != shape(ans):
        if type(val(ans)) is not _np.ndarray and is_dask(val(ans)):
            t = lazy_like(t)    # not a NumPy array of a Dask array's size
        t = broadcast_to(t, shape(ans))
    return t


def sum_rule(argnum, negate=None):
    """The reverse rule of argument ``argnum`` of a sum (``add``), or of a difference
    with ``negate`` (``negative``) for the subtrahend: the cotangent, negated, summed to
    the argument's shape; a symbolic zero for a ``dtype=`` that casts to integers.  A
    real array cotangent of the argument's own shape (the usual case) is returned at
    once, without unbroadcast's call, and so is one broadcast along a new leading axis (a
    bias's, summed over the rows)."""
    def rule(g, ans, *args, **kwargs):
        if kwargs and casts_to_constant(kwargs):
            return None
        if negate is not None:
            g = negate(g)
        x = args[argnum]
        if type(g) is _np.ndarray and type(x) is _np.ndarray and g.dtype.kind != "c":
            gshape, xshape = g.shape, x.shape
            if gshape == xshape:
                return g
            if gshape[1:] == xshape:
                return _add_reduce(g, 0)    # a bias's: summed over the rows, as below
        return unbroadcast(g, x)
    return rule
