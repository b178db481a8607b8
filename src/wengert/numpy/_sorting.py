"""Sorting and order statistics, built from indexing.

A sort is a gather by ``argsort``: the permutation is a constant (computed from
the values), and the gather is ``getitem``, whose rules (a scatter-add and its
adjoint) already hold for every order and both modes.  Ties follow NumPy's
stable order: the cotangent of the k-th sorted value goes to the entry a stable
``argsort`` puts k-th.  Quantiles interpolate between gathered values.  The
selections (``select``, ``choose``, ``piecewise`` ...) are in ``_selection``, imported
here too for the modules that take them from this one.
"""
import numpy as _np

from .._core import Box
from . import _elementwise, _reductions, _shape
from ._backends import is_dask, not_lazy
from ._dispatch import array_like, asarray, dtype, equivalent, shape, some, val
from ._selection import choose, compress, extract, piecewise, select  # noqa: F401


def _plain(*xs):
    return all(val(x) is x for x in xs)


def take_along_axis(arr, indices, axis=-1):
    """``numpy.take_along_axis``, as indexing (repeated indices accumulate
    cotangents).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([[3.0, 1.0], [2.0, 5.0]])
        >>> np.take_along_axis(x, numpy.array([[1], [0]]), axis=1)
        array([[1.],
               [2.]])
    """
    indices = asarray(indices)
    if indices.dtype.kind not in "iu":
        raise IndexError("take_along_axis: indices must be an integer array, not "
                         f"{indices.dtype}")
    arr = array_like(arr)
    if _plain(arr):
        return _np.take_along_axis(arr, indices, axis=axis)
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("take_along_axis: with axis=None the indices must be 1-d, not "
                             f"{indices.ndim}-d")
        return _shape.getitem(_shape.ravel(arr), indices)
    nd = len(shape(arr))
    if indices.ndim != nd:
        raise ValueError(f"take_along_axis: indices ({indices.ndim}-d) and arr ({nd}-d) "
                         "must have the same number of dimensions")
    axis = axis % nd
    grid = [indices if d == axis else
            _np.arange(n).reshape((1,) * d + (n,) + (1,) * (nd - d - 1))
            for d, n in enumerate(shape(arr))]
    return _shape.getitem(arr, tuple(grid))


def _order_error(name):
    # A traced array is never structured (fields have no derivative), so order= has no
    # fields to name, as in NumPy; the differentiable way is one permutation for every field.
    return ValueError(
        f"{name}: Cannot specify order when the array has no fields (as in NumPy); a traced "
        "array is never structured, since a structured dtype has no derivative.  Sort the "
        "columns you differentiate by one permutation computed from plain keys, e.g. "
        "i = numpy.lexsort((b, a)) (or numpy.argsort(records, order=('a', 'b'))), then "
        "x[i], y[i]")


def sort(a, axis=-1, kind=None, order=None, **kwargs):
    """``numpy.sort`` (``axis=None`` sorts the flattened array).  Differentiable as
    a gather: ties keep NumPy's stable order.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([3.0, 1.0, 2.0])
        >>> wengert.grad(lambda x: np.sort(x)[0] * 10 + np.sort(x)[2])(x)
        array([ 1., 10.,  0.])

    ``order=`` sorts a plain structured array as NumPy does; traced arrays have
    no fields (a structured dtype has no derivative), so with them it raises
    ``ValueError``: sort the traced columns by one permutation instead,
    ``x[numpy.argsort(records, order="key")]``.
    """
    a = array_like(a)
    if _plain(a):
        return _np.sort(a, axis=axis, kind=kind, order=order, **kwargs)
    if order is not None:
        raise _order_error("sort")
    if axis is None:
        a, axis = _shape.ravel(a), -1
    return take_along_axis(a, _argsort(val(a), axis, "sort"), axis)


def _argsort(v, axis, who):
    """The stable permutation that sorts ``v`` along ``axis`` (a constant of the rule);
    refused for a Dask array, which has no lazy argsort (it would compute)."""
    if type(v) is not _np.ndarray and is_dask(v):
        raise not_lazy(f"wengert.numpy.{who}", "Dask has no lazy argsort")
    return _np.argsort(v, axis=axis, kind="stable")


def msort(a):
    """``sort(a, axis=0)`` (NumPy's ``msort``, removed in NumPy 2)."""
    return sort(a, axis=0)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``numpy.partition``: a gather by ``numpy.argpartition`` (the same
    arrangement NumPy gives)."""
    a = array_like(a)
    if _plain(a):
        return _np.partition(a, kth, axis=axis, kind=kind, order=order)
    if order is not None:
        raise _order_error("partition")
    if axis is None:
        a, axis = _shape.ravel(a), -1
    return take_along_axis(a, _np.argpartition(val(a), kth, axis=axis, kind=kind), axis)


# -- order statistics ---------------------------------------------------------------------
# A quantile is a gather of order statistics: NumPy's methods (Hyndman & Fan 1996, plus
# lower/higher/midpoint/nearest) pick, for each q, a "virtual index" v into the sorted
# sample and interpolate between the order statistics floor(v) and floor(v) + 1 with a
# weight gamma.  The gathered values carry the derivative in ``a``; where gamma is the
# fractional part of v it is also differentiable in q (elsewhere q only picks entries, a
# piecewise-constant choice).  The indices and weights below repeat NumPy's arithmetic
# step by step, so that traced values equal NumPy's bit for bit.
_NUMPY2 = int(_np.__version__.split(".")[0]) >= 2
# NumPy < 2 rounded closest_observation's ties to the even 0-based index (fixed in 2.0)
_CLOSEST_PARITY = 1 if _NUMPY2 else 0


def _hyndman_fan(alpha, beta):
    """The continuous methods' index n q + alpha + q (1 - alpha - beta) - 1 (works on
    traced q too)."""
    return lambda n, q: n * q + (alpha + q * (1 - alpha - beta)) - 1


def _rounded(v, take_lower):
    """floor(v) where ``take_lower(frac, v)`` holds, else floor(v) + 1; at least 0."""
    lower = _np.floor(v)
    idx = _np.where(take_lower(v - lower, v), lower, lower + 1).astype(_np.intp)
    return _np.maximum(idx, 0)


# method -> (n, q) -> the order statistic each quantile takes
_DISCRETE = {
    "inverted_cdf": lambda n, q: _rounded(n * q - 1, lambda frac, v: frac == 0),
    "closest_observation": lambda n, q: _rounded(
        n * q - 1 - 0.5, lambda frac, v: (frac == 0) & (_np.floor(v) % 2 == _CLOSEST_PARITY)),
    "lower": lambda n, q: _np.floor((n - 1) * q).astype(_np.intp),
    "higher": lambda n, q: _np.ceil((n - 1) * q).astype(_np.intp),
    "nearest": lambda n, q: _np.around((n - 1) * q).astype(_np.intp),
}
# method -> (virtual index (n, q), constant weight (frac, v) or None: the weight is the
# fractional part of v, differentiable in q)
_CONTINUOUS = {
    "linear": (lambda n, q: (n - 1) * q, None),
    "interpolated_inverted_cdf": (_hyndman_fan(0, 1), None),
    "hazen": (_hyndman_fan(0.5, 0.5), None),
    "weibull": (_hyndman_fan(0, 0), None),
    "median_unbiased": (_hyndman_fan(1 / 3.0, 1 / 3.0), None),
    "normal_unbiased": (_hyndman_fan(3 / 8.0, 3 / 8.0), None),
    "averaged_inverted_cdf": (lambda n, q: n * q - 1,
                              lambda frac, v: _np.where(frac == 0, 0.5, 1.0)),
    "midpoint": (lambda n, q: 0.5 * (_np.floor((n - 1) * q) + _np.ceil((n - 1) * q)),
                 lambda frac, v: _np.where(v % 1 == 0, 0.0, 0.5)),
}
METHODS = tuple(_DISCRETE) + tuple(_CONTINUOUS)


def _positions(method, n, qv, q):
    """For a slice of ``n`` values: the order statistics ``lo`` and ``hi`` that each
    quantile interpolates between, and the weight of ``hi`` as a plain array (None for a
    discrete method) and, for the smooth methods with a traced ``q``, as a traced value."""
    if method in _DISCRETE:
        i = _DISCRETE[method](n, qv)
        return i, i, None, None
    index, fixed_weight = _CONTINUOUS[method]
    v = _np.asarray(index(n, qv))
    if v.dtype.kind in "iu":        # linear with integer q: an exact order statistic
        return v.astype(_np.intp), v.astype(_np.intp), None, None
    above, below = v >= n - 1, v < 0
    lower = _np.array(_np.floor(v))
    lower[above] = -1                # NumPy's bookkeeping, which the weight inherits
    lower[below] = 0
    lo = _np.where(above, n - 1, lower).astype(_np.intp)
    hi = _np.where(above, n - 1, _np.where(below, 0, lower + 1)).astype(_np.intp)
    frac = v - lower
    if fixed_weight is not None:
        return lo, hi, _np.asarray(fixed_weight(frac, v)).astype(v.dtype), None
    return lo, hi, frac, (index(n, q) - lower if val(q) is not q else None)


def _flat_last(a, axis):
    """``a`` with the reduced axes moved last and flattened into one axis."""
    nd = len(shape(a))
    axes = _reductions._axes(axis, nd)
    k = len(axes)
    if k == 0:      # a 0-d array: one value
        return _shape.reshape(a, (1,)), axes
    moved = _shape.moveaxis(a, axes, tuple(range(-k, 0))) if axes != tuple(range(nd - k, nd)) \
        else a
    return _shape.reshape(moved, tuple(shape(moved)[:nd - k]) + (-1,)), axes


def _sorted_last(a, axis):
    """``a`` with the reduced axes flattened into one last axis, sorted along it, and
    the stable permutation that sorts it (NaNs last)."""
    flat, axes = _flat_last(a, axis)
    order = _argsort(val(flat), -1, "sort-based reduction (median, percentile, quantile)")
    return take_along_axis(flat, order, -1), axes, order


def _finish(res, a, axes, qnd, keepdims):
    """``res`` has q's dimensions first, then the kept ones; restore keepdims."""
    if not keepdims:
        return res
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape(a)))
    return _shape.reshape(res, shape(res)[:qnd] + kept)


def _expand(mask, extra):
    """A lead-shaped mask with ``extra`` trailing axes of length 1."""
    return _np.reshape(mask, _np.shape(mask) + (1,) * extra)


def _nan(like):
    """A NaN of ``like``'s dtype (a Python NaN would promote float32 under NumPy 1)."""
    return _np.asarray(_np.nan, dtype(like))


def _q_first(res, lead_nd, qnd):
    """Move q's dimensions (last) in front of the kept ones, as NumPy orders them."""
    if not (lead_nd and qnd):
        return res
    return _shape.moveaxis(res, tuple(range(lead_nd, lead_nd + qnd)), tuple(range(qnd)))


def _weighted_index(s, order, weights, a, axis, qv, counts, name):
    """inverted_cdf with weights: for each slice the first sorted entry whose share of
    the total weight reaches q (NumPy's cumulative-weight search, repeated exactly)."""
    w = _np.asarray(val(weights))
    xshape = shape(a)
    if w.shape != xshape:
        axes = _reductions._axes(axis, len(xshape)) if axis is not None else None
        if axes is None:
            raise TypeError(f"{name}: axis must be given when the shapes of a {xshape} "
                            f"and weights {w.shape} differ")
        if w.ndim != 1 or len(axes) != 1:
            raise TypeError(f"{name}: weights must have the shape of a {xshape}, or be 1-d "
                            f"along a single axis, not {w.shape}")
        if len(w) != xshape[axes[0]]:
            raise ValueError(f"{name}: the length of weights ({len(w)}) differs from "
                             f"a.shape[{axes[0]}] ({xshape[axes[0]]})")
        w = _np.broadcast_to(_np.reshape(w, tuple(-1 if i == axes[0] else 1
                                                  for i in range(len(xshape)))), xshape)
    if _np.any(w < 0):
        raise ValueError(f"{name}: weights must be non-negative")
    wflat, _ = _flat_last(w, axis)
    ws = _np.take_along_axis(_np.asarray(wflat), order, axis=-1)
    ws = _np.where(_np.arange(ws.shape[-1]) < counts[..., None], ws, 0)   # NaNs weigh 0
    cdf = _np.cumsum(ws, axis=-1, dtype=_np.float64)
    total = cdf[..., -1:]
    if not _np.all(_np.isfinite(total) & (total > 0) | (counts[..., None] == 0)):
        raise ValueError(f"{name}: the weights of a slice include NaN or inf, or are all "
                         "zero; they cannot be normalized")
    with _np.errstate(divide="ignore", invalid="ignore"):   # all-NaN slices: no result
        cdf = cdf / total
    if qv.dtype.kind == "f":
        cdf = cdf.astype(qv.dtype)
    cdf[cdf == 0] = -1         # leading zero weights: q = 0 takes the first weighted entry
    idx = _np.sum(cdf[..., None, :] < _np.reshape(qv, (-1, 1)), axis=-1)
    idx = _np.minimum(idx, _np.maximum(counts, 1)[..., None] - 1)
    return _np.reshape(idx, shape(s)[:-1] + qv.shape)


def _quantiles(a, q, axis, method, keepdims, weights, out, rd, nan, name):
    """The quantiles of ``a`` (q in [0, 1], NaNs ignored if ``nan``) in NumPy's layout:
    q's dimensions first.  ``rd`` is NumPy's result dtype."""
    if out is not None:
        raise TypeError(f"{name}: out= is not supported on traced values; use the result")
    if method not in METHODS:
        raise ValueError(f"{name}: {method!r} is not a valid method; use one of "
                         f"{', '.join(METHODS)}")
    if weights is not None and method != "inverted_cdf":
        raise ValueError(f"{name}: only method='inverted_cdf' supports weights, not "
                         f"method={method!r}")
    if dtype(a).kind == "c":
        raise TypeError(f"{name}: a must be an array of real numbers, not {dtype(a)}")
    qv = _np.asarray(val(q))
    if qv.size and not (qv.min() >= 0 and qv.max() <= 1):
        raise ValueError(f"{name}: quantiles must be in the range [0, 1]")
    s, axes, order = _sorted_last(a, axis)
    lead, n = shape(s)[:-1], shape(s)[-1]
    isnan = _np.isnan(val(s))
    counts = _np.sum(~isnan, axis=-1) if nan else _np.full(lead, n)
    undefined = counts == 0 if nan else isnan[..., -1]     # NaN results
    full = lead + qv.shape
    if weights is not None:
        lo = hi = _weighted_index(s, order, weights, a, axis, qv, counts, name)
        gamma = t = None
    else:
        lo, hi = _np.zeros(full, _np.intp), _np.zeros(full, _np.intp)
        gamma = t = None
        for c in _np.unique(counts):
            if c == 0:
                continue
            sel = counts == c
            lo_c, hi_c, gamma_c, t_c = _positions(method, int(c), qv, q)
            lo[sel], hi[sel] = lo_c, hi_c
            if gamma_c is not None:
                if gamma is None:
                    gamma = _np.zeros(full, gamma_c.dtype)
                gamma[sel] = gamma_c
            if t_c is not None:
                t = t_c if t is None else _elementwise.where(_expand(sel, qv.ndim), t_c, t)

    def gather(idx):
        flat_idx = _np.reshape(idx, lead + (-1,))
        return _shape.reshape(take_along_axis(s, flat_idx, -1), full)

    below = gather(lo)
    if gamma is None:
        res = below
    else:
        above = gather(hi)
        step = above - below
        if t is None:       # constant weights, cast as NumPy casts them
            t, t_up = gamma.astype(rd), (1 - gamma).astype(rd)
        else:
            t_up = 1 - t
        res = _elementwise.where(gamma >= 0.5, above - step * t_up, below + step * t)
    if not isinstance(undefined, Box) and undefined.any() and not (nan or lead or qv.ndim):
        res = _np.asarray(_np.nan, dtype(a))[()]    # NumPy returns the sorted NaN itself
    elif some(undefined):
        res = _elementwise.where(_expand(undefined, qv.ndim), _nan(res), res)
    if nan and counts.size and _np.ravel(counts)[0] == 0 and dtype(res) != dtype(a):
        # NumPy fills its result slice by slice into an array of the first slice's
        # dtype: an all-NaN first slice (a NaN of a's dtype) fixes the result's dtype
        res = _elementwise.astype(res, dtype(a))
    return _finish(_q_first(res, len(lead), qv.ndim), a, axes, qv.ndim, keepdims)


def _result_dtype(np_fun, a, q, axis, method, nan_fun=False):
    """NumPy's result dtype: its promotion of the interpolation weight differs between
    versions (NEP 50) and with how q is passed, so ask NumPy, on a one-element array of
    ``a``'s dtype and dimensions."""
    if method not in _CONTINUOUS:
        return dtype(a)
    probe = _np.zeros((1,) * len(shape(a)), dtype(a))
    return _np.result_type(np_fun(probe, val(q), axis=axis, method=method))


def _plain_call(np_fun, a, q, axis, out, overwrite_input, method, keepdims, weights):
    kw = {} if weights is None else {"weights": weights}
    if keepdims is not _np._NoValue:
        kw["keepdims"] = keepdims
    return np_fun(a, q, axis=axis, out=out, overwrite_input=overwrite_input, method=method,
                  **kw)


def _check_weights_supported(name, weights):
    if weights is not None and not _NUMPY2:
        raise TypeError(f"{name}: weights= needs NumPy >= 2.0 (this is NumPy "
                        f"{_np.__version__})")


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None, interpolation=None):
    """``numpy.quantile``, every ``method``: a gather of order statistics,
    differentiable in ``a`` (through the gathered values) and, for the methods that
    interpolate by the fractional part of the index (``linear``, ``hazen``,
    ``weibull``, ``interpolated_inverted_cdf``, ``median_unbiased``,
    ``normal_unbiased``), in ``q`` between the sample points; elsewhere ``q`` only
    picks entries (a zero derivative).  ``weights=`` (NumPy >= 2, ``inverted_cdf``
    only) select entries: no derivative in the weights.  Ties follow the stable sort
    order, as in :func:`sort`; a slice holding a NaN gives NaN (with no gradient).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([4.0, 1.0, 2.0, 3.0])
        >>> wengert.grad(lambda x: np.quantile(x, 0.5))(x)
        array([0. , 0. , 0.5, 0.5])
        >>> wengert.grad(lambda x: np.quantile(x, 0.5, method="hazen"))(x)
        array([0. , 0. , 0.5, 0.5])
        >>> wengert.grad(lambda q: np.quantile(x, q, method="weibull"))(0.3)
        5.0
    """
    method = interpolation or method
    _check_weights_supported("quantile", weights)
    a = array_like(a)
    q = array_like(q)
    if _plain(a, q):
        return _plain_call(_np.quantile, a, q, axis, out, overwrite_input, method, keepdims,
                           weights)
    rd = _result_dtype(_np.quantile, a, q, axis, method)
    return _quantiles(a, q, axis, method, keepdims, weights, out, rd, False, "quantile")


def _percent(q, name):
    """q / 100, checked to lie in [0, 100]."""
    qv = _np.asarray(val(q))
    if qv.size and not (qv.min() >= 0 and qv.max() <= 100):
        raise ValueError(f"{name}: percentiles must be in the range [0, 100]")
    return _elementwise.divide(q, 100) if val(q) is not q else _np.true_divide(q, 100)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, interpolation=None):
    """``numpy.percentile``: ``quantile(a, q / 100)`` (see :func:`quantile`).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([4.0, 1.0, 2.0, 3.0])
        >>> wengert.grad(lambda x: np.percentile(x, 25, method="lower"))(x)
        array([0., 1., 0., 0.])
    """
    method = interpolation or method
    _check_weights_supported("percentile", weights)
    a = array_like(a)
    q = array_like(q)
    if _plain(a, q):
        return _plain_call(_np.percentile, a, q, axis, out, overwrite_input, method, keepdims,
                           weights)
    rd = _result_dtype(_np.percentile, a, q, axis, method)
    return _quantiles(a, _percent(q, "percentile"), axis, method, keepdims, weights, out, rd,
                      False, "percentile")


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=_np._NoValue, *, weights=None, interpolation=None):
    """``numpy.nanquantile``: :func:`quantile` of the entries that are not NaN (each
    slice has its own count); NaN entries get a zero gradient, and an all-NaN slice
    gives NaN (with no gradient).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([4.0, numpy.nan, 1.0, 2.0])
        >>> wengert.grad(lambda x: np.nanquantile(x, 0.75))(x)
        array([0.5, 0. , 0. , 0.5])
    """
    method = interpolation or method
    _check_weights_supported("nanquantile", weights)
    a = array_like(a)
    q = array_like(q)
    if _plain(a, q):
        return _plain_call(_np.nanquantile, a, q, axis, out, overwrite_input, method,
                           keepdims, weights)
    rd = _result_dtype(_np.nanquantile, a, q, axis, method)
    return _quantiles(a, q, axis, method, keepdims is True, weights, out, rd, True,
                      "nanquantile")


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=_np._NoValue, *, weights=None, interpolation=None):
    """``numpy.nanpercentile``: ``nanquantile(a, q / 100)`` (see :func:`nanquantile`)."""
    method = interpolation or method
    _check_weights_supported("nanpercentile", weights)
    a = array_like(a)
    q = array_like(q)
    if _plain(a, q):
        return _plain_call(_np.nanpercentile, a, q, axis, out, overwrite_input, method,
                           keepdims, weights)
    rd = _result_dtype(_np.nanpercentile, a, q, axis, method)
    return _quantiles(a, _percent(q, "nanpercentile"), axis, method, keepdims is True,
                      weights, out, rd, True, "nanpercentile")


def _middle(a, axis, keepdims, nan):
    """The median of each slice: the middle sorted value, or the mean of the two middle
    ones; over the entries that are not NaN if ``nan``."""
    s, axes, _ = _sorted_last(a, axis)
    n = shape(s)[-1]
    isnan = _np.isnan(val(s))
    if nan:
        counts = _np.sum(~isnan, axis=-1)
        middle = _np.stack([(counts - 1) // 2, counts // 2], axis=-1)   # one twice if odd
        res = _reductions.mean(take_along_axis(s, _np.maximum(middle, 0), -1), axis=-1)
        undefined = counts == 0
    else:
        middle = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
        res = _reductions.mean(_shape.getitem(s, (Ellipsis, _np.array(middle))), axis=-1)
        undefined = isnan[..., -1]
    if some(undefined):
        res = _elementwise.where(undefined, _nan(res), res)
    return _finish(res, a, axes, 0, keepdims)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``numpy.median``: the middle sorted value, or the mean of the two middle
    ones (which then share the gradient equally); ties follow the stable sort order;
    a slice holding a NaN gives NaN (with no gradient).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.median(x))(numpy.array([5.0, 1.0, 3.0]))
        array([0., 0., 1.])
    """
    a = array_like(a)
    if _plain(a):
        return _np.median(a, axis=axis, out=out, overwrite_input=overwrite_input,
                          keepdims=keepdims)
    if out is not None:
        raise TypeError("median: out= is not supported on traced values; use the result")
    return _middle(a, axis, keepdims, nan=False)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=_np._NoValue):
    """``numpy.nanmedian``: :func:`median` of the entries that are not NaN; NaN
    entries get a zero gradient, and an all-NaN slice gives NaN (with no gradient).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([5.0, numpy.nan, 1.0, 3.0])
        >>> wengert.grad(lambda x: np.nanmedian(x))(x)
        array([0., 0., 0., 1.])
    """
    a = array_like(a)
    if _plain(a):
        kw = {} if keepdims is _np._NoValue else {"keepdims": keepdims}
        return _np.nanmedian(a, axis=axis, out=out, overwrite_input=overwrite_input, **kw)
    if out is not None:
        raise TypeError("nanmedian: out= is not supported on traced values; use the result")
    return _middle(a, axis, keepdims is True, nan=True)


for _np_fun, _ours in ((_np.take_along_axis, take_along_axis), (_np.sort, sort),
                       (_np.partition, partition), (_np.quantile, quantile),
                       (_np.percentile, percentile), (_np.median, median),
                       (_np.nanquantile, nanquantile), (_np.nanpercentile, nanpercentile),
                       (_np.nanmedian, nanmedian)):
    equivalent(_np_fun, _ours)
if hasattr(_np, "msort"):
    equivalent(_np.msort, msort)
