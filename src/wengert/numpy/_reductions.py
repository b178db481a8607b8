"""Reductions with ``axis`` and ``keepdims``: reverse and forward rules side by side."""
import functools as _functools
import math as _math

import numpy as _np

from .._core import Box, def_keep, def_linear, defbatch, defjvp, defvjp
from . import _elementwise
from ._backends import dask_array, is_dask, is_foreign, lazy_like, to_backend
from ._batchrules import axis_rule
from ._dispatch import (FLOAT_SCALARS, array_like, dtype, equivalent, guard_casts, iscomplexobj,
                        innermost, shape, some, val, wrap)
from ._wrapped import (broadcast_to, concatenate, diagonal, flip, mean, moveaxis, ravel,
                       reshape, sum)


def _casts(dtype):
    """Whether ``dtype=`` makes the result an integer (or bool): a constant."""
    return _np.dtype(dtype).kind not in "fc"


def _axes(axis, ndim):
    """The axes a reduction over ``axis`` reduces, sorted and nonnegative.  A 0-d value
    has none: NumPy accepts ``axis=0`` (or -1) there and reduces nothing."""
    if axis is None or ndim == 0:
        return tuple(range(ndim))
    if isinstance(axis, int) or _np.ndim(axis) == 0:
        axis = (int(axis),)
    return tuple(sorted(a % ndim for a in axis))


def _kept_shape(xshape, axis):
    """The shape of a reduction with ``keepdims=True``."""
    axes = _axes(axis, len(xshape))
    return tuple(1 if i in axes else n for i, n in enumerate(xshape))


def _count(xshape, axis):
    axes = _axes(axis, len(xshape))
    return _math.prod([xshape[a] for a in axes])   # (exact: no int64 overflow)


_FLOAT_SCALARS = FLOAT_SCALARS + (_np.float32,)


def _traced(v):
    return isinstance(v, Box) or (type(v) in (list, tuple) and any(map(_traced, v)))


def _honours_out(np_fun):
    """A function composed of differentiable operations, given ``out=`` as ``np_fun``:
    with nothing traced it is ``np_fun`` itself (NumPy's writing and casting); with a
    traced argument the result is written into ``out``, which must be traced (a plain
    ``out`` would drop the derivative: a clear error), as ``np_fun`` on traced values
    does."""
    def decorate(ours):
        code = ours.__code__      # (its parameters, read without inspect: import time)
        params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
        at = params.index("out")

        @_functools.wraps(ours)
        def honouring(*args, **kwargs):
            if len(params) >= len(args) > at:   # (more: Python's error for the call)
                args, kwargs = args[:at], {**dict(zip(params[at:], args[at:])), **kwargs}
            out = kwargs.pop("out", None)
            if out is None:
                return ours(*args, **kwargs)
            if not (_traced(out) or _traced(args) or _traced(list(kwargs.values()))):
                return np_fun(*args, out=out, **kwargs)
            from ._array_box import _store     # (it builds on this module)
            return _store(np_fun.__name__, ours(*args, **kwargs), out, True)

        return honouring

    return decorate


def expand(g, x, axis=None, keepdims=False):
    """Broadcast a reduced cotangent ``g`` back to the shape of ``x``."""
    xshape = shape(x)
    vx = x if type(x) is _np.ndarray else val(x)
    if type(vx) is not _np.ndarray and type(vx) not in FLOAT_SCALARS and not is_dask(vx) \
            and is_foreign(innermost(vx)):
        g = to_backend(g, innermost(vx))   # a NumPy constant on x's library and device
    elif type(vx) is not _np.ndarray and is_dask(vx):
        # a NumPy cotangent broadcast to a Dask array's shape: lazily, and in x's chunks
        # (one root chunk feeding every chunk of x makes Dask hold more of x in memory)
        g = lazy_like(g)
        if not keepdims:
            g = reshape(g, _kept_shape(xshape, axis))
        if is_dask(g):
            # Dask broadcasts only a cotangent chunked as x is along the axes they share
            want = tuple(c if n == m else (n,) for c, n, m in zip(vx.chunks, g.shape, xshape))
            if g.chunks != want:
                g = g.rechunk(want)
            return dask_array().broadcast_to(g, xshape, chunks=vx.chunks)
        return broadcast_to(g, xshape)
    if type(g) in _FLOAT_SCALARS and axis is None and len(xshape) and \
            _math.prod(xshape) <= 4096:
        out = _np.empty(xshape, type(g))   # a full reduction of a small array: filling is
        out.fill(g)                        # cheaper (numpy.full's steps, without its frame)
        return out
    if not keepdims:
        g = reshape(g, _kept_shape(xshape, axis))
    return broadcast_to(g, xshape)


def _masked(g, where):
    """``g`` where the reduction's ``where=`` holds, 0 elsewhere."""
    return g if where is True else _elementwise.where(where, g, 0.0)


def _count_where(x, axis, where):
    """How many entries each mean averages (a constant of ``x``'s dtype)."""
    if where is True:
        return _count(shape(x), axis)
    n = _np.sum(_np.broadcast_to(where, shape(x)), axis=_axes(axis, len(shape(x))),
                keepdims=True)
    return n.astype(dtype(x))


def _in_space_of(g, x, result_dtype):
    """A cotangent ``g`` of a result computed in ``result_dtype`` (``dtype=``), in
    ``x``'s space: its real part for a real ``x``, in ``x``'s dtype."""
    if result_dtype is None or _np.dtype(result_dtype) == dtype(x):
        return g
    if iscomplexobj(g) and not iscomplexobj(x):
        g = _elementwise.real(g)
    return _elementwise.astype(g, dtype(x))


def _filled(g, x, axis, dtype, where, count):
    """The cotangent of a whole small float array's sum (``count`` 1) or mean (``count``
    its size) for a float ``g``: ``g / count`` in every entry, as expand fills it; None
    for any other case."""
    if ((type(g) is _np.float64 or type(g) is float) and type(x) is _np.ndarray and axis is None
            and dtype is None and where is True and 0 < x.size <= 4096 and x.ndim):
        out = _np.empty(x.shape, type(g))
        out.fill(g / x.size if count else g)
        return out
    return None


def _sum_vjp(g, ans, x, axis=None, dtype=None, out=None, keepdims=False, where=True, **k):
    filled = _filled(g, x, axis, dtype, where, False)
    if filled is not None:
        return filled
    if dtype is not None and _casts(dtype):
        return None
    return _masked(expand(_in_space_of(g, x, dtype), x, axis, keepdims), where)


defvjp(sum, _sum_vjp)
def_linear(sum)
guard_casts(sum, jvp_only=True)
defbatch(sum, axis_rule(sum))
def_keep(sum)                                           # shapes only

def _mean_vjp(g, ans, x, axis=None, dtype=None, out=None, keepdims=False, where=True, **k):
    filled = _filled(g, x, axis, dtype, where, True)   # (a loss: at once)
    if filled is not None:
        return filled
    if dtype is not None and _casts(dtype):
        return None
    if where is True:
        return expand(_in_space_of(g, x, dtype) / _count(shape(x), axis), x, axis, keepdims)
    return _masked(expand(_in_space_of(g, x, dtype), x, axis, keepdims)
                   / _count_where(x, axis, where), where)


defvjp(mean, _mean_vjp)
def_linear(mean)
guard_casts(mean, jvp_only=True)
defbatch(mean, axis_rule(mean))
def_keep(mean)                                          # shapes only


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
    defbatch(_f, axis_rule(_f))


def _reversed_cumsum(g, x, axis):
    """cumsum's adjoint: sums of ``g`` from each position to the end."""
    if axis is None:
        return reshape(flip(cumsum(flip(g, 0), 0), 0), shape(x))
    return reshape(flip(cumsum(flip(g, axis), axis), axis), shape(x))


cumsum = wrap(_np.cumsum)
defvjp(cumsum, lambda g, ans, x, axis=None, dtype=None, out=None:
       _reversed_cumsum(_in_space_of(g, x, dtype), x, axis))
def_linear(cumsum)
guard_casts(cumsum)
defbatch(cumsum, axis_rule(cumsum, none="flat"))


@_honours_out(_np.var)
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
    """``numpy.var`` (composed from differentiable operations)."""
    if dtype is not None and _casts(dtype) and not _traced(a):     # NumPy's, a constant
        return _np.var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, **kwargs)
    a = array_like(a)
    _check_floating(dtype, "var")
    # as NumPy: the mean and the sum of squares in dtype, the deviations in between not
    d = a - mean(a, axis=axis, dtype=dtype, keepdims=True)
    sq = _elementwise.real(d * _elementwise.conjugate(d)) if _np.iscomplexobj(val(a)) else d * d
    total = sum(sq, axis=axis, dtype=dtype, keepdims=keepdims)
    return total / _dof(_count(shape(a), axis), ddof, total)


def _check_floating(dtype, name):
    """Refuse an integer ``dtype=`` for a statistic of traced values."""
    if dtype is not None and _np.dtype(dtype).kind not in "fc":
        raise TypeError(f"{name}: dtype={_np.dtype(dtype)} computes in integers (NumPy "
                        "truncates), which has no derivative; pass a floating dtype, or use "
                        f"numpy.{name}(wengert.stop_gradient(a), dtype=...) for the constant")


def _dof(n, ddof, total):
    """The divisor of a variance, ``max(n - ddof, 0)`` as NumPy takes it, a NumPy scalar of
    ``total``'s dtype: with no degrees of freedom left the variance is NaN (or inf), with
    NumPy's warning, and so are its derivatives; a Python 0 would raise ZeroDivisionError
    in them."""
    return _np.asarray(_np.maximum(n - ddof, 0), dtype(total))[()]


@_honours_out(_np.std)
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
    """``numpy.std`` (composed from differentiable operations).

    Along one element (with ``ddof < 1``) the deviation from the mean is exactly 0 for
    every ``a``: ``std`` and ``var`` are then the same function, identically 0, whose
    derivatives are 0 at every order (as finite differences and autograd give); that is
    computed as ``var``, since the chain rule through ``sqrt`` at 0 would give 0 * inf =
    NaN."""
    if dtype is not None and _casts(dtype) and not _traced(a):     # NumPy's, a constant
        return _np.std(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, **kwargs)
    a = array_like(a)
    v = var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims)
    return v if _count(shape(a), axis) == 1 and ddof < 1 else _elementwise.sqrt(v)


@_honours_out(_np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """``numpy.trace`` (composed from ``diagonal`` and ``sum``)."""
    return sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


equivalent(_np.var, var)
equivalent(_np.std, std)
equivalent(_np.trace, trace)


# -- products -----------------------------------------------------------------------------
# Both rules are exact when entries are exactly zero, at every order: they only divide
# by entries that are nonzero, and handle the first zero of each row by its own term.
def _last_axis(x, axis):
    """``x`` with ``axis`` moved last (the rules below work along the last axis)."""
    return x if axis in (-1, len(shape(x)) - 1) else moveaxis(x, axis, -1)


def _revcumsum(v):
    return flip(cumsum(flip(v, -1), axis=-1), -1)


def _first_zero(x):
    """Constant masks along the last axis: entries before each row's first zero,
    and each row's first zero."""
    zero = val(x) == 0
    seen = _np.cumsum(zero, axis=-1)
    return seen == 0, zero & (seen == 1)


def _no_zeros_left(before, depth):
    if isinstance(before, Box):   # batched (vmap): rows differ, recurse to the row length
        return depth == 0
    return before.all()


def _depth(x, depth):
    return (shape(x)[-1] if depth is None else depth) - 1


def _cumprod_ct(g, y, x, depth=None):
    """The cotangent of ``x`` for ``y = cumprod(x, axis=-1)``: sum over k >= i of
    g_k dy_k/dx_i.  Before the first zero z that is revcumsum(g y)_i / x_i; at z it
    is revcumsum(g y')_z with y' the cumprod of x with x_z := 1; after z it is x_z
    times the cotangent for x with x_z := 1 (recursively, one zero at a time; under
    vmap, where rows differ, as many times as a row may have zeros)."""
    before, first = _first_zero(x)
    if _no_zeros_left(before, depth):
        return _revcumsum(g * y) / x
    depth = _depth(x, depth)
    x1 = _elementwise.where(first, 1.0, x)
    y1 = cumprod(x1, axis=-1)
    x_z = sum(_elementwise.where(first, x, 0.0), axis=-1, keepdims=True)
    head = _revcumsum(g * y) / _elementwise.where(before, x, 1.0)
    return _elementwise.where(before, head,
                   _elementwise.where(first, _revcumsum(g * y1),
                                      x_z * _cumprod_ct(g, y1, x1, depth)))


def _cumprod_tangent(t, y, x, depth=None):
    """The tangent of ``y = cumprod(x, axis=-1)`` (same decomposition as above)."""
    before, first = _first_zero(x)
    if _no_zeros_left(before, depth):
        return y * cumsum(t / x, axis=-1)
    depth = _depth(x, depth)
    x1 = _elementwise.where(first, 1.0, x)
    y1 = cumprod(x1, axis=-1)
    x_z = sum(_elementwise.where(first, x, 0.0), axis=-1, keepdims=True)
    t_z = sum(_elementwise.where(first, t, 0.0), axis=-1, keepdims=True)
    head = y * cumsum(t / _elementwise.where(before, x, 1.0), axis=-1)
    return _elementwise.where(before, head,
                   t_z * y1 + x_z * _cumprod_tangent(_elementwise.where(first, 0.0, t), y1, x1,
                                                     depth))


def _cumprod_rule(rule, d, ans, x, axis, out_shape):
    if axis is None or not shape(x):    # (a 0-d x with axis=0 gives a 1-d result)
        return reshape(rule(ravel(d), ans, ravel(x)), out_shape)
    axis = axis % len(shape(x))
    out = rule(_last_axis(d, axis), _last_axis(ans, axis), _last_axis(x, axis))
    return out if axis == len(shape(x)) - 1 else moveaxis(out, -1, axis)


cumprod = wrap(_np.cumprod)
defvjp(cumprod, lambda g, ans, x, axis=None, dtype=None, out=None:
       _in_space_of(_cumprod_rule(_cumprod_ct, g, ans, x, axis, shape(x)), x, dtype))
defjvp(cumprod, lambda t, ans, x, axis=None, dtype=None, out=None:
       _cumprod_rule(_cumprod_tangent, broadcast_to(t, shape(x)), ans, x, axis, shape(ans)))
guard_casts(cumprod)
defbatch(cumprod, axis_rule(cumprod, none="flat"))


def _others(x, axis):
    """The product of the other entries of each group reduced by ``prod``, from an
    exclusive cumulative product from each end (exact with zeros)."""
    xshape = shape(x)
    axes = _axes(axis, len(xshape))
    if not axes:
        return _np.ones(xshape, dtype(x))
    k = len(axes)
    moved = moveaxis(x, axes, tuple(range(-k, 0)))
    mshape = shape(moved)
    flat = reshape(moved, tuple(mshape[:-k]) + (_count(xshape, axes),))
    one = _np.ones(tuple(mshape[:-k]) + (1,), dtype(x))
    left = cumprod(concatenate([one, flat[..., :-1]], axis=-1), axis=-1)
    right = flip(cumprod(flip(concatenate([flat[..., 1:], one], axis=-1), -1), axis=-1), -1)
    return moveaxis(reshape(left * right, mshape), tuple(range(-k, 0)), axes)


def _prod_slope(x, axis, initial, where):
    """d prod / d x, entry by entry (entries outside ``where`` count as 1)."""
    slope = _others(x if where is True else _elementwise.where(where, x, 1.0), axis)
    if initial is not _np._NoValue:
        slope = slope * initial
    return _masked(slope, where)


prod = wrap(_np.prod)
defvjp(prod, lambda g, ans, x, axis=None, dtype=None, out=None, keepdims=False,
       initial=_np._NoValue, where=True:
       expand(_in_space_of(g, x, dtype), x, axis, keepdims) * _prod_slope(x, axis, initial, where))
defjvp(prod, lambda t, ans, x, axis=None, dtype=None, out=None, keepdims=False,
       initial=_np._NoValue, where=True:
       sum(t * _prod_slope(x, axis, initial, where), axis=axis, keepdims=keepdims))
guard_casts(prod)
defbatch(prod, axis_rule(prod))


# -- differences, averages, ranges ----------------------------------------------------
_NOVALUE = _np._NoValue


def diff(a, n=1, axis=-1, prepend=_NOVALUE, append=_NOVALUE):
    """``numpy.diff``: the n-th differences along ``axis``, after joining
    ``prepend`` and ``append`` (scalars are broadcast); all differentiable.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.sum(np.diff(x) ** 2))(numpy.array([0.0, 1.0, 3.0]))
        array([-2., -2.,  4.])
    """
    a, prepend, append = array_like(a), array_like(prepend), array_like(append)
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative but got {n!r}")
    if n == 0:
        return a
    xshape = shape(a)
    if not xshape:
        raise ValueError("diff: the input must be at least one-dimensional; "
                         "use wengert.numpy.atleast_1d(a) first")
    axis = axis % len(xshape)
    parts = []
    for extra in (prepend, a, append):
        if extra is _NOVALUE:
            continue
        if extra is not a and len(shape(extra)) == 0:
            extra = broadcast_to(extra, xshape[:axis] + (1,) + xshape[axis + 1:])
        parts.append(extra)
    if len(parts) > 1:
        a = concatenate(parts, axis=axis)
    lo = (slice(None),) * axis + (slice(None, -1),)
    hi = (slice(None),) * axis + (slice(1, None),)
    for _ in range(n):
        a = a[hi] - a[lo]
    return a


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """``numpy.average``, differentiable in ``a`` and in ``weights`` (1-d weights
    apply along an integer ``axis``); ``returned=True`` also gives the sum of the
    weights.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([1.0, 3.0])
        >>> wengert.grad(lambda w: np.average(x, weights=w))(numpy.array([1.0, 1.0]))
        array([-0.5,  0.5])
    """
    a, weights = array_like(a), array_like(weights)
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims)
        scl = _np.asarray(_count(shape(a), axis), dtype(avg))
    else:
        if not isinstance(weights, Box):    # plain weights: NumPy's result dtype
            weights = _np.asarray(weights)
            kind_a = dtype(a).kind
            weights = weights.astype(_np.result_type(
                dtype(a), weights.dtype, *(("f8",) if kind_a not in "fc" else ())))
        xshape, wshape = shape(a), shape(weights)
        if wshape != xshape:
            if axis is None:
                raise TypeError("average: axis must be given when the shapes of a and "
                                f"weights differ ({xshape} and {wshape})")
            if len(wshape) != 1 or not isinstance(axis, (int, _np.integer)):
                raise TypeError("average: weights must be 1-d (along an integer axis) or "
                                f"have the shape of a {xshape}, not {wshape}")
            axis = axis % len(xshape)
            if wshape[0] != xshape[axis]:
                raise ValueError(f"average: the length of weights ({wshape[0]}) differs "
                                 f"from a.shape[{axis}] ({xshape[axis]})")
            weights = reshape(weights, tuple(xshape[axis] if i == axis else 1
                                               for i in range(len(xshape))))
            weights = broadcast_to(weights, xshape)
        scl = sum(weights, axis=axis, keepdims=keepdims)
        if not isinstance(val(scl), Box) and _np.any(val(scl) == 0):
            raise ZeroDivisionError("average: the weights sum to zero along some axis, "
                                    "so they cannot be normalized")
        avg = sum(a * weights, axis=axis, keepdims=keepdims) / scl
    if returned:
        if shape(scl) != shape(avg):
            scl = broadcast_to(scl, shape(avg))
        return avg, scl
    return avg


@_honours_out(_np.ptp)
def ptp(a, axis=None, out=None, keepdims=False):
    """``numpy.ptp``: max - min (ties split the gradient, as in max and min)."""
    return max(a, axis=axis, keepdims=keepdims) - min(a, axis=axis, keepdims=keepdims)


# -- ignoring NaNs: NaN entries are replaced by a neutral constant (so they get a zero
# cotangent, never a NaN) ----------------------------------------------------------------
def _nan_filled(a, fill):
    a = array_like(a)
    isnan = _np.isnan(val(a))
    return _elementwise.where(isnan, fill, a) if some(isnan) else a


def _nan_count(a, axis, keepdims):
    a = array_like(a)
    n = _np.sum(~_np.isnan(val(a)), axis=_axes(axis, len(shape(a))), keepdims=keepdims)
    dt = dtype(a) if dtype(a).kind in "fc" else float
    return _elementwise.astype(n, dt) if isinstance(n, Box) else _np.asarray(n, dt)


@_honours_out(_np.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
    """``numpy.nansum``: the sum with NaNs counted as 0 (and given no gradient)."""
    return sum(_nan_filled(a, 0.0), axis=axis, dtype=dtype, keepdims=keepdims, **kwargs)


@_honours_out(_np.nanprod)
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
    """``numpy.nanprod``: the product with NaNs counted as 1."""
    return prod(_nan_filled(a, 1.0), axis=axis, dtype=dtype, keepdims=keepdims, **kwargs)


@_honours_out(_np.nancumsum)
def nancumsum(a, axis=None, dtype=None, out=None):
    """``numpy.nancumsum``: the cumulative sum with NaNs counted as 0."""
    return cumsum(_nan_filled(a, 0.0), axis=axis, dtype=dtype)


@_honours_out(_np.nancumprod)
def nancumprod(a, axis=None, dtype=None, out=None):
    """``numpy.nancumprod``: the cumulative product with NaNs counted as 1."""
    return cumprod(_nan_filled(a, 1.0), axis=axis, dtype=dtype)


@_honours_out(_np.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False):
    """``numpy.nanmean``: the mean of the entries that are not NaN (NaN, with a
    zero gradient, for an all-NaN slice).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.nanmean(x))(numpy.array([1.0, numpy.nan, 3.0]))
        array([0.5, 0. , 0.5])
    """
    if dtype is not None and _casts(dtype) and not _traced(a):     # NumPy's, a constant
        return _np.nanmean(a, axis=axis, dtype=dtype, keepdims=keepdims)
    _check_floating(dtype, "nanmean")
    total = nansum(a, axis=axis, dtype=dtype, keepdims=keepdims)
    n = _nan_count(a, axis, keepdims)
    return total / (n if dtype is None else _elementwise.astype(n, dtype))


@_honours_out(_np.nanvar)
def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
    """``numpy.nanvar``: the variance of the entries that are not NaN."""
    a = array_like(a)
    d = _nan_filled(a - nanmean(a, axis=axis, keepdims=True), 0.0)
    sq = _elementwise.real(d * _elementwise.conjugate(d)) if _np.iscomplexobj(val(a)) else d * d
    return sum(sq, axis=axis, keepdims=keepdims) / (_nan_count(a, axis, keepdims) - ddof)


@_honours_out(_np.nanstd)
def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
    """``numpy.nanstd``: the standard deviation of the entries that are not NaN."""
    return _elementwise.sqrt(nanvar(a, axis=axis, ddof=ddof, keepdims=keepdims))


def _nan_extreme(reduce, fill, a, axis, keepdims):
    a = array_like(a)
    out = reduce(_nan_filled(a, fill), axis=axis, keepdims=keepdims)
    all_nan = _np.all(_np.isnan(val(a)), axis=_axes(axis, len(shape(a))), keepdims=keepdims)
    return _elementwise.where(all_nan, _np.nan, out) if some(all_nan) else out


@_honours_out(_np.nanmax)
def nanmax(a, axis=None, out=None, keepdims=False):
    """``numpy.nanmax``: the maximum ignoring NaNs (ties split the gradient)."""
    return _nan_extreme(max, -_np.inf, a, axis, keepdims)


@_honours_out(_np.nanmin)
def nanmin(a, axis=None, out=None, keepdims=False):
    """``numpy.nanmin``: the minimum ignoring NaNs (ties split the gradient)."""
    return _nan_extreme(min, _np.inf, a, axis, keepdims)


for _np_fun, _ours in ((_np.diff, diff), (_np.average, average), (_np.ptp, ptp),
                       (_np.nansum, nansum), (_np.nanprod, nanprod),
                       (_np.nancumsum, nancumsum), (_np.nancumprod, nancumprod),
                       (_np.nanmean, nanmean), (_np.nanvar, nanvar), (_np.nanstd, nanstd),
                       (_np.nanmax, nanmax), (_np.nanmin, nanmin)):
    equivalent(_np_fun, _ours)
