"""Reductions with ``axis`` and ``keepdims``: reverse and forward rules side by side."""
import numpy as _np

from .._core import def_linear, defjvp, defvjp
from . import _elementwise as E, _shape as S
from ._dispatch import dtype, equivalent, shape, val, wrap


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int) or _np.ndim(axis) == 0:
        axis = (int(axis),)
    return tuple(sorted(a % ndim if ndim else 0 for a in axis))


def _kept_shape(xshape, axis):
    """The shape of a reduction with ``keepdims=True``."""
    axes = _axes(axis, len(xshape))
    return tuple(1 if i in axes else n for i, n in enumerate(xshape))


def _count(xshape, axis):
    axes = _axes(axis, len(xshape))
    return int(_np.prod([xshape[a] for a in axes])) if axes else 1


def expand(g, x, axis=None, keepdims=False):
    """Broadcast a reduced cotangent ``g`` back to the shape of ``x``."""
    xshape = shape(x)
    if not keepdims:
        g = S.reshape(g, _kept_shape(xshape, axis))
    return S.broadcast_to(g, xshape)


def _masked(g, where):
    """``g`` where the reduction's ``where=`` holds, 0 elsewhere."""
    return g if where is True else E.where(where, g, 0.0)


def _count_where(x, axis, where):
    """How many entries each mean averages (a constant of ``x``'s dtype)."""
    if where is True:
        return _count(shape(x), axis)
    n = _np.sum(_np.broadcast_to(where, shape(x)), axis=_axes(axis, len(shape(x))),
                keepdims=True)
    return n.astype(dtype(x))


sum = wrap(_np.sum)
defvjp(sum, lambda g, ans, x, axis=None, dtype=None, out=None, keepdims=False, where=True, **k:
       _masked(expand(g, x, axis, keepdims), where))
def_linear(sum)

mean = wrap(_np.mean)
defvjp(mean, lambda g, ans, x, axis=None, dtype=None, out=None, keepdims=False, where=True, **k:
       _masked(expand(g, x, axis, keepdims) / _count_where(x, axis, where), where))
def_linear(mean)


def _argmax_mask(ans, x, axis, keepdims, where=True):
    """Where ``x`` attains the extreme value, divided by how many entries tie
    (the gradient is split equally among ties); all 0 where ``initial`` wins.
    A constant."""
    vx = val(x)
    va = val(ans)
    if not keepdims:
        va = _np.reshape(va, _kept_shape(_np.shape(vx), axis))
    hit = (vx == va) & where
    n = _np.sum(hit, axis=_axes(axis, _np.ndim(vx)) or None, keepdims=True)
    dt = _np.result_type(vx)
    return (hit / _np.maximum(n, 1)).astype(dt if dt.kind in "fc" else float, copy=False)


def _extreme_vjp(g, ans, x, axis=None, out=None, keepdims=False, where=True, **k):
    return expand(g, x, axis, keepdims) * _argmax_mask(ans, x, axis, keepdims, where)


def _extreme_jvp(t, ans, x, axis=None, out=None, keepdims=False, where=True, **k):
    return sum(t * _argmax_mask(ans, x, axis, keepdims, where), axis=axis, keepdims=keepdims)


max = wrap(_np.max)
min = wrap(_np.min)
amax = equivalent(_np.amax, max)
amin = equivalent(_np.amin, min)
for _f in (max, min):
    defvjp(_f, _extreme_vjp)
    defjvp(_f, _extreme_jvp)

cumsum = wrap(_np.cumsum)
defvjp(cumsum, lambda g, ans, x, axis=None, dtype=None, out=None:
       S.reshape(S.flip(cumsum(S.flip(g, axis), axis), axis), shape(x)) if axis is not None
       else S.reshape(S.flip(cumsum(S.flip(g, 0), 0), 0), shape(x)))
def_linear(cumsum)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
    """``numpy.var`` (composed from differentiable operations)."""
    d = a - mean(a, axis=axis, keepdims=True)
    sq = E.real(d * E.conjugate(d)) if _np.iscomplexobj(val(a)) else d * d
    return sum(sq, axis=axis, keepdims=keepdims) / (_count(shape(a), axis) - ddof)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
    """``numpy.std`` (composed from differentiable operations)."""
    return E.sqrt(var(a, axis=axis, ddof=ddof, keepdims=keepdims))


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """``numpy.trace`` (composed from ``diagonal`` and ``sum``)."""
    return sum(S.diagonal(a, offset, axis1, axis2), axis=-1)


equivalent(_np.var, var)
equivalent(_np.std, std)
equivalent(_np.trace, trace)
