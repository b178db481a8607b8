"""``numpy.pad`` for traced arrays: every mode but ``'empty'``, composed of indexing,
joining, broadcasting and reductions (so derivatives of every order, both modes)."""
import numpy as _np

from .._core import Box
from ._creation import contains_box
from ._dispatch import array_like, asarray, dtype as _dtype_of, equivalent, shape, val
from ._indexing import getitem
from ._reductions import max as _max, mean as _mean, min as _min, sum as _sum
from ._reshape import along, cast_like, ndim_of
from ._wrapped import broadcast_to, concatenate, reshape

_PAD_OPTIONS = {"constant": {"constant_values"}, "edge": set(), "wrap": set(),
                "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
                "linear_ramp": {"end_values"}, "mean": {"stat_length"},
                "median": {"stat_length"}, "maximum": {"stat_length"},
                "minimum": {"stat_length"}}


def _pairs(x, ndim, name, integral=False):
    """A (before, after) pair per axis, as NumPy reads ``pad_width`` and friends."""
    arr = _np.asarray(x)
    if integral and arr.dtype.kind not in "iu":
        raise TypeError(f"wengert.numpy.pad: {name} must be of integral type, got {x!r}")
    try:
        pairs = _np.broadcast_to(arr, (ndim, 2))
    except ValueError:
        raise ValueError(f"wengert.numpy.pad: {name}={x!r} is neither one value, a "
                         f"(before, after) pair nor one pair per axis ({ndim})") from None
    if integral and (pairs < 0).any():
        raise ValueError(f"wengert.numpy.pad: {name} must not be negative, got {x!r}")
    return pairs


def _along_axis(values, axis, ndim):
    """A 1-d constant shaped to broadcast along ``axis`` of an ``ndim``-d array."""
    return _np.reshape(values, (1,) * axis + (-1,) + (1,) * (ndim - axis - 1))


def _real_dtype(x):
    return _np.finfo(_dtype_of(x)).dtype if _dtype_of(x).kind in "fc" else _np.dtype(float)


def _median_keep(x, axis):
    """The median along ``axis`` (kept as length 1); ties share the gradient equally."""
    v = asarray(val(x))   # (a batched value of vmap stays batched)
    n = v.shape[axis]
    ordered = _np.sort(v, axis=axis)
    out = 0.0
    ranks = sorted({(n - 1) // 2, n // 2})
    for r in ranks:
        value = _np.take(ordered, [r], axis=axis)
        hit = v == value
        share = (hit / hit.sum(axis=axis, keepdims=True)).astype(_real_dtype(x))
        out = out + _sum(x * share, axis=axis, keepdims=True)
    return out / len(ranks) if len(ranks) > 1 else out


def _pad_stat(x, axis, before, after, mode, lengths):
    n = shape(x)[axis]
    reduce = {"mean": _mean, "maximum": _max, "minimum": _min}.get(mode)
    parts = []
    for width, length, first in ((before, lengths[0], True), (after, lengths[1], False)):
        if width == 0:
            continue
        length = n if length is None else min(int(length), n)
        if length <= 0:
            raise ValueError(f"wengert.numpy.pad: stat_length={length} yields no value "
                             f"for mode {mode!r}; give at least 1")
        region = getitem(x, along(axis, slice(0, length) if first else slice(n - length, n)))
        stat = _median_keep(region, axis) if reduce is None else \
            reduce(region, axis=axis, keepdims=True)
        block = list(shape(x))
        block[axis] = width
        parts.append((first, broadcast_to(stat, tuple(block))))
    return concatenate([p for first, p in parts if first] + [x]
                       + [p for first, p in parts if not first], axis=axis)


def _pad_ramp(x, axis, before, after, ends):
    n, nd = shape(x)[axis], ndim_of(x)
    dt = _real_dtype(x)
    parts = []
    if before:
        edge = getitem(x, along(axis, slice(0, 1)))
        t = _along_axis(_np.arange(before, dtype=dt) / dt.type(before), axis, nd)
        parts.append(ends[0] + (edge - ends[0]) * t)
    parts.append(x)
    if after:
        edge = getitem(x, along(axis, slice(n - 1, n)))
        t = _along_axis(_np.arange(after - 1, -1, -1, dtype=dt) / dt.type(after), axis, nd)
        parts.append(ends[1] + (edge - ends[1]) * t)
    return concatenate(parts, axis=axis)


def _pad_gather(x, axis, before, after, mode, reflect_type):
    """edge, wrap, reflect, symmetric: NumPy's padding of the positions ``0..n-1``
    says which entry each padded place copies.  An 'odd' reflection is
    ``+-`` the copied entry plus multiples of the two edge entries; NumPy's odd
    padding of three probe vectors reads off those coefficients."""
    n, nd = shape(x)[axis], ndim_of(x)
    width = (before, after)
    source = _np.pad(_np.arange(n), width, mode)
    out = getitem(x, along(axis, source))
    if reflect_type != "odd" or mode not in ("reflect", "symmetric") or n == 1:
        return out
    dt = _real_dtype(x)
    inner = _np.ones(n)
    inner[[0, -1]] = 0.0
    sign = _np.pad(inner, width, mode, reflect_type="odd")
    first, last = _np.zeros(n), _np.zeros(n)
    first[0] = last[-1] = 1.0
    coef_first = _np.pad(first, width, mode, reflect_type="odd")
    coef_last = _np.pad(last, width, mode, reflect_type="odd")
    x_first = getitem(x, along(axis, slice(0, 1)))
    x_last = getitem(x, along(axis, slice(n - 1, n)))
    return (out * _along_axis(sign.astype(dt), axis, nd)
            + x_first * _along_axis(coef_first.astype(dt), axis, nd)
            + x_last * _along_axis(coef_last.astype(dt), axis, nd))


def _pad_constant(x, axis, before, after, values):
    parts = []
    for width, value in ((before, values[0]), (after, values[1])):
        block = list(shape(x))
        block[axis] = width
        if isinstance(value, Box):
            parts.append(broadcast_to(cast_like(value, x), tuple(block)) if width else None)
        else:
            parts.append(_np.full(block, value, dtype=_dtype_of(x)) if width else None)
    return concatenate([p for p in (parts[0], x, parts[1]) if p is not None], axis=axis)


def pad(array, pad_width, mode="constant", **kwargs):
    """``numpy.pad`` for traced arrays: every mode but ``'empty'`` (whose padding is
    uninitialized) and callables.

    Each axis is padded in turn, as NumPy does (so corners come from the last
    axis).  ``constant``: ``constant_values`` (may be traced); ``edge``, ``wrap``,
    ``reflect``, ``symmetric`` (``reflect_type='even'`` or ``'odd'``): copies
    of entries; ``linear_ramp``: ramps from ``end_values`` to the edge;
    ``mean``, ``median``, ``maximum``, ``minimum``: a statistic of the first and
    last ``stat_length`` entries.  Ties of ``maximum``, ``minimum`` and
    ``median`` share the gradient equally.

    Example:
        >>> import numpy as np, wengert, wengert.numpy as wnp
        >>> wnp.pad(np.array([1.0, 2.0, 3.0]), (2, 1), "reflect")
        array([3., 2., 1., 2., 3., 2.])
        >>> wengert.grad(lambda x: wnp.sum(wnp.pad(x, 1, "edge")))(np.array([1.0, 2.0, 3.0]))
        array([2., 1., 2.])
    """
    array = array_like(array)
    values = kwargs.get("constant_values", 0)
    if not isinstance(array, Box) and not contains_box(values):
        return _np.pad(array, pad_width, mode, **kwargs)
    if callable(mode) or mode not in _PAD_OPTIONS:
        hint = ("its padding is uninitialized, so it has no derivative; use "
                "mode='constant'" if mode == "empty" else
                f"use one of {sorted(_PAD_OPTIONS)}")
        raise ValueError(f"wengert.numpy.pad: mode={mode!r} is not supported on traced "
                         f"values; {hint}")
    unknown = set(kwargs) - _PAD_OPTIONS[mode]
    if unknown:
        raise ValueError(f"wengert.numpy.pad: mode {mode!r} takes no keyword argument(s) "
                         f"{sorted(unknown)}; it accepts {sorted(_PAD_OPTIONS[mode]) or 'none'}")
    x = asarray(array)
    nd = ndim_of(x)
    widths = _pairs(pad_width, nd, "pad_width", integral=True)
    if mode == "constant":
        if isinstance(values, Box):
            if ndim_of(values) == 0:
                values = reshape(values, (1, 1))
            values = broadcast_to(values, (nd, 2))
        else:
            values = _pairs(values, nd, "constant_values")
    elif mode == "linear_ramp":
        ends = _pairs(kwargs.get("end_values", 0), nd, "end_values")
    elif mode in ("mean", "median", "maximum", "minimum"):
        lengths = kwargs.get("stat_length")
        lengths = [(None, None)] * nd if lengths is None else \
            _pairs(lengths, nd, "stat_length", integral=True)
    reflect_type = kwargs.get("reflect_type", "even")
    if reflect_type not in ("even", "odd"):
        raise ValueError(f"wengert.numpy.pad: reflect_type must be 'even' or 'odd', "
                         f"got {reflect_type!r}")
    for axis in range(nd):
        before, after = (int(w) for w in widths[axis])
        if before == after == 0:
            continue
        if mode == "constant":
            x = _pad_constant(x, axis, before, after, (values[axis, 0], values[axis, 1]))
            continue
        if shape(x)[axis] == 0:
            raise ValueError(f"wengert.numpy.pad: can't extend the empty axis {axis} with "
                             f"mode {mode!r}; use mode='constant'")
        if mode == "linear_ramp":
            x = _pad_ramp(x, axis, before, after, (ends[axis, 0].item(), ends[axis, 1].item()))
        elif mode in ("mean", "median", "maximum", "minimum"):
            x = _pad_stat(x, axis, before, after, mode, lengths[axis])
        else:
            x = _pad_gather(x, axis, before, after, mode, reflect_type)
    return x


equivalent(_np.pad, pad)
