"""Set operations, counts and histograms of traced values.

Their results are entries of their arguments (``unique``, ``union1d`` ...), sums of
weights (``bincount``, ``histogram``) or bin edges placed between the smallest and the
largest sample: differentiable in those.  *Which* entries, and which bin a sample
falls in, is piecewise constant, so the derivatives are those of the selected entries,
of the weights and of the edges.  Where entries tie the selection is a convention (the
function jumps there): an entry of several equal ones is taken from its first
occurrence (the ``return_index`` of ``numpy.unique``), from the first argument when
both arguments hold it.
"""
import numpy as _np

from .._core import Box, def_linear, defbatch, defvjp, notrace_primitive, primitive
from ._batchrules import to0, with_loop
from ._inplace import index_add
from . import _elementwise, _reductions, _shape
from ._dispatch import dtype, equivalent, recorded, shape, val


def _traced(*xs):
    """Whether any of ``xs`` (or an entry of a list among them) is traced."""
    return any(isinstance(x, Box) or (type(x) in (list, tuple) and _traced(*x)) for x in xs)


def _plain(x):
    """``x`` without differentiation boxes (a value of ``vmap`` or ``compile`` stays)."""
    if type(x) in (list, tuple):
        return type(x)(_plain(v) for v in x)
    return val(x)


# Which entries are selected, and where samples fall, is computed by NumPy's own functions
# on the values: called through these, ``compile`` records each call (with its shape
# guards) and ``vmap`` runs it per example.
_unique = notrace_primitive(_np.unique)
_intersect1d = notrace_primitive(_np.intersect1d)
_setxor1d = notrace_primitive(_np.setxor1d)
_setdiff1d = notrace_primitive(_np.setdiff1d)
_argsort = notrace_primitive(_np.argsort)
_searchsorted = notrace_primitive(_np.searchsorted)
_logical_and = notrace_primitive(_np.logical_and)
_ravel_multi_index = notrace_primitive(_np.ravel_multi_index)
_histogram_bin_edges = notrace_primitive(_np.histogram_bin_edges)
_histogram = notrace_primitive(_np.histogram)
_histogramdd = notrace_primitive(_np.histogramdd)
_bincount_constant = notrace_primitive(_np.bincount)


def _unique_index_impl(v, axis=None, **kwargs):
    return _np.unique(v, return_index=True, axis=axis, **kwargs)[1]


def _unique_parts_impl(v, return_index, return_inverse, return_counts, axis, kwargs):
    return _np.unique(v, return_index, return_inverse, return_counts, axis, **kwargs)[1:]


def _intersect_index_impl(v1, v2, assume_unique):
    return _np.intersect1d(v1, v2, assume_unique, return_indices=True)[1:]


def _setdiff_index_impl(v1, v2, assume_unique):
    v1 = _np.ravel(v1)
    if assume_unique:
        return _np.flatnonzero(_np.isin(v1, v2, assume_unique=True, invert=True))
    index = _np.unique(v1, return_index=True)[1]
    return index[_np.isin(v1[index], v2, assume_unique=True, invert=True)]


_unique_index_raw = notrace_primitive(_unique_index_impl)
_setdiff_index_raw = notrace_primitive(_setdiff_index_impl)
_unique_parts = notrace_primitive(_unique_parts_impl)
_intersect_index_raw = notrace_primitive(_intersect_index_impl)


def _unique_index(v, axis=None, **kwargs):
    """Where each unique value of ``v`` first occurs."""
    if recorded(v):
        _unique(v, axis=axis, **kwargs)     # compile checks its length at every call
    return _unique_index_raw(v, axis, **kwargs)


def _entries(ar, index, axis=None):
    """``ar``'s entries (or slices along ``axis``) at ``index``: differentiable."""
    if axis is None:
        return _shape.getitem(_shape.ravel(ar), index)
    return _shape.getitem(ar, (slice(None),) * (axis % len(shape(ar))) + (index,))


# -- unique and the set operations ----------------------------------------------------------
def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None,
           **kwargs):
    """``numpy.unique``; the unique values are differentiable (each is the entry of
    its first occurrence), the indices and counts are integers.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.sum(np.unique(x) ** 2))(numpy.array([3.0, 1.0, 3.0]))
        array([6., 2., 0.])
    """
    if not isinstance(ar, Box):
        return _np.unique(ar, return_index, return_inverse, return_counts, axis, **kwargs)
    v = val(ar)
    values = _entries(ar, _unique_index(v, axis, **kwargs), axis)
    if not (return_index or return_inverse or return_counts):
        return values
    rest = _unique_parts(v, return_index, return_inverse, return_counts, axis, kwargs)
    return (values,) + tuple(rest[i] for i in range(len(rest)))


def _unique_all_like(np_fun):
    """``numpy.unique_all`` / ``unique_counts`` / ``unique_inverse`` / ``unique_values``
    (NumPy 2): the same named tuple (or array) with differentiable values."""
    if np_fun is None:
        return None
    constant = notrace_primitive(np_fun)

    def fun(x):
        if not isinstance(x, Box):
            return np_fun(x)
        # numpy.unique_all is unique(return_index=True, ..., equal_nan=False)
        values = _entries(x, _unique_index(val(x), equal_nan=False))
        if np_fun is _np.unique_values:
            return values
        res = constant(x)
        return type(np_fun(_np.zeros(1)))(values, *(res[i] for i in range(1, len(res))))

    fun.__name__ = fun.__qualname__ = np_fun.__name__
    fun.__doc__ = (f"``numpy.{np_fun.__name__}``; the unique values are differentiable "
                   "(each is the entry of its first occurrence).")
    return equivalent(np_fun, fun)


unique_all = _unique_all_like(getattr(_np, "unique_all", None))
unique_counts = _unique_all_like(getattr(_np, "unique_counts", None))
unique_inverse = _unique_all_like(getattr(_np, "unique_inverse", None))
unique_values = _unique_all_like(getattr(_np, "unique_values", None))


def union1d(ar1, ar2):
    """``numpy.union1d``: the sorted unique values of both (a value in both is taken
    from ``ar1``)."""
    if not _traced(ar1, ar2):
        return _np.union1d(ar1, ar2)
    return unique(_shape.concatenate([_shape.ravel(ar1), _shape.ravel(ar2)]))


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """``numpy.intersect1d``: the sorted values in both, differentiable as entries of
    ``ar1`` (of ``ar2`` when only ``ar2`` is traced)."""
    if not _traced(ar1, ar2):
        return _np.intersect1d(ar1, ar2, assume_unique, return_indices)
    v1, v2 = val(ar1), val(ar2)
    if recorded(v1) or recorded(v2):
        _intersect1d(v1, v2, assume_unique)     # compile checks its length at every call
    i12 = _intersect_index_raw(v1, v2, assume_unique)
    i1, i2 = i12[0], i12[1]
    values = _entries(ar1, i1) if isinstance(ar1, Box) else _entries(ar2, i2)
    return (values, i1, i2) if return_indices else values


def setdiff1d(ar1, ar2, assume_unique=False):
    """``numpy.setdiff1d``: the values of ``ar1`` not in ``ar2``, differentiable as
    entries of ``ar1`` (``ar2`` only selects them: no derivative)."""
    if not isinstance(ar1, Box):
        return _np.setdiff1d(ar1, _plain(ar2), assume_unique)
    v1, v2 = val(ar1), _plain(ar2)
    if recorded(v1) or recorded(v2):
        _setdiff1d(v1, v2, assume_unique)       # compile checks its length at every call
    return _entries(ar1, _setdiff_index_raw(v1, v2, assume_unique))


def setxor1d(ar1, ar2, assume_unique=False):
    """``numpy.setxor1d``: the sorted values in exactly one of the two, differentiable
    as entries of the one holding them."""
    if not _traced(ar1, ar2):
        return _np.setxor1d(ar1, ar2, assume_unique)
    a, b = (ar1, ar2) if assume_unique else (unique(ar1), unique(ar2))
    both = _shape.concatenate([_shape.ravel(a), _shape.ravel(b)])
    v = val(both)
    want = _setxor1d(_plain(ar1), _plain(ar2), assume_unique)
    order = _argsort(v, kind="stable")
    return _shape.getitem(both, order[_searchsorted(v[order], want)])


# -- counts and histograms ------------------------------------------------------------------
def _bincount_impl(weights, x, minlength):
    return _np.bincount(x, weights, minlength)


# the sum of the weights in each bin: linear in the weights
_bincount = primitive(_bincount_impl, "wengert.numpy.bincount")
defvjp(_bincount, lambda g, ans, weights, x, minlength:   # the sums are float64
       _elementwise.astype(_shape.getitem(g, x), dtype(weights)))
def_linear(_bincount)


def _bincount_batch(args, dims, kwargs):
    """Batched weights, one ``x``: every example's sums in one scatter-add into the
    rows of a zero table (a batched ``x`` runs once per example: the number of bins
    is its largest entry plus one, which can differ between examples)."""
    (weights, x, minlength), (dw, dx, dm) = args, dims
    if dx is not None or dm is not None:
        return None
    weights = to0(weights, dw)
    # NumPy's own checks, bin count and result dtype, on one example's zeros
    first = _np.bincount(x, _np.zeros(shape(weights)[1:], dtype(weights)), minlength)
    table = _np.zeros((shape(weights)[0],) + first.shape, first.dtype)
    return index_add(table, (slice(None), _np.asarray(x)), weights), 0


defbatch(_bincount, with_loop(_bincount, _bincount_batch))


def bincount(x, weights=None, minlength=0):
    """``numpy.bincount``: differentiable (linear) in ``weights``; ``x`` holds integers.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> idx = numpy.array([0, 2, 2])
        >>> wengert.grad(lambda w: np.bincount(idx, weights=w)[2])(numpy.array([1.0, 2.0, 3.0]))
        array([0., 1., 1.])
    """
    if not isinstance(weights, Box):
        return _bincount_constant(x, weights, minlength)
    return _bincount(weights, _plain(x), minlength)


def _edges(a, bins, range, weights):
    """The bin edges of ``numpy.histogram_bin_edges``: the same values, differentiable
    in the sample (through its extremes), in ``range`` and in explicit ``bins``."""
    if _np.ndim(val(bins)) == 1:
        return bins if isinstance(bins, Box) else _np.asarray(bins)
    plain = _histogram_bin_edges(_plain(a), _plain(bins), _plain(range), _plain(weights))
    if not (_traced(range) if range is not None else isinstance(a, Box)):
        return plain
    if range is not None:
        first, last = range
    else:
        first, last = _reductions.min(a), _reductions.max(a)
    # NumPy widens an empty range to +-0.5 (a value-level 0 or 0.5, so compile keeps it)
    half = _elementwise.astype(val(first) == val(last), plain.dtype) * 0.5
    first, last = first - half, last + half
    n = shape(plain)[0] - 1
    # numpy.linspace's arithmetic (k * step + first, the last edge exactly ``last``),
    # so that the values are NumPy's to the bit
    inner = _np.arange(n, dtype=plain.dtype) * ((last - first) / n) + first
    return _shape.concatenate([inner, _shape.reshape(last, (1,)) + _np.zeros(1, plain.dtype)])


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """``numpy.histogram_bin_edges``: differentiable in the sample when the edges are
    placed between its extremes (no ``range``, a number or rule for ``bins``), in
    ``range`` and in explicit ``bins``."""
    if not _traced(a, bins, range):
        return _np.histogram_bin_edges(a, bins, range, _plain(weights))
    return _edges(a, bins, range, weights)


def _bin_index(sample, edges):
    """The bin of each sample under NumPy's rule (``[e_i, e_i+1)``, the last bin
    closed) and whether it falls inside the edges."""
    n = shape(edges)[0] - 1
    idx = _elementwise.where(sample == edges[-1], n - 1,
                             _searchsorted(edges, sample, side="right") - 1)
    return idx, _logical_and(sample >= edges[0], sample <= edges[-1])


def _summed(weights, sample, edges):
    """The sum of the weights of the samples in each bin: linear in the weights."""
    n = shape(edges)[0] - 1
    idx, inside = _bin_index(_shape.ravel(sample), edges)
    # samples outside the edges go to an extra bin, dropped (no boolean mask: vmap)
    counts = _bincount(_shape.ravel(weights), _elementwise.where(inside, idx, n), n + 1)[:n]
    if dtype(weights).kind == "f":      # NumPy sums the weights in their own dtype
        counts = _elementwise.astype(counts, dtype(weights))
    return counts


def histogram(a, bins=10, range=None, density=None, weights=None):
    """``numpy.histogram``: the counts are sums of ``weights`` (linear in them; the bin
    of a sample is piecewise constant in it), the edges are differentiable as in
    :func:`histogram_bin_edges`, and ``density=True`` divides by both.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> a = numpy.array([0.1, 0.2, 0.9])
        >>> wengert.grad(lambda w: np.histogram(a, 2, weights=w)[0][0])(numpy.ones(3))
        array([1., 1., 0.])
    """
    if not _traced(a, bins, range, weights):
        return _np.histogram(a, bins, range, density, weights)
    edges = _edges(a, bins, range, weights)
    if isinstance(weights, Box):
        counts = _summed(weights, val(a), val(edges))
    else:
        counts = _histogram(_plain(a), val(edges), weights=_plain(weights))[0]
    if density:
        return counts / _reductions.diff(edges) / _reductions.sum(counts), edges
    return counts, edges


def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    """``numpy.histogramdd``: differentiable as :func:`histogram`, in ``weights`` and,
    through the bin edges, in the sample's extremes along each dimension."""
    if not _traced(sample, bins, range, weights):
        return _np.histogramdd(sample, bins, range, density, weights)
    if type(sample) in (list, tuple):
        columns = list(sample)
    else:
        columns = [sample[:, i] for i in _np.arange(shape(sample)[1])]
    d = len(columns)
    bins_d = [bins] * d if _np.ndim(val(bins)) == 0 else list(bins)
    range_d = [None] * d if range is None else list(range)
    edges = [_edges(c, b, r, None) for c, b, r in zip(columns, bins_d, range_d)]
    nbins = tuple(shape(e)[0] - 1 for e in edges)
    if isinstance(weights, Box):
        keep, index = True, []
        for c, e in zip(columns, edges):
            i, inside = _bin_index(_shape.ravel(val(c)), val(e))
            keep = _logical_and(keep, inside)
            index.append(_elementwise.where(inside, i, 0))
        total = int(_np.prod(nbins))        # outliers go to an extra bin, dropped
        flat = _elementwise.where(keep, _ravel_multi_index(tuple(index), nbins), total)
        counts = _shape.reshape(_bincount(_shape.ravel(weights), flat, total + 1)[:total], nbins)
    else:
        counts = _histogramdd(tuple(_shape.ravel(val(c)) for c in columns),
                              [val(e) for e in edges], weights=_plain(weights))[0]
    if density:
        total = _reductions.sum(counts)
        for i, e in enumerate(edges):
            counts = counts / _shape.reshape(_reductions.diff(e),
                                             (1,) * i + (-1,) + (1,) * (d - i - 1))
        counts = counts / total
    return counts, edges


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):
    """``numpy.histogram2d``: :func:`histogramdd` of the points ``(x, y)``."""
    if not _traced(x, y, bins, range, weights):
        return _np.histogram2d(x, y, bins, range, density, weights)
    try:
        n = len(bins)
    except TypeError:
        n = 1
    if n not in (1, 2):         # one array of edges for both dimensions
        bins = [bins, bins]
    counts, edges = histogramdd([x, y], bins, range, density, weights)
    return counts, edges[0], edges[1]


for _np_fun, _ours in ((_np.unique, unique), (_np.union1d, union1d),
                       (_np.intersect1d, intersect1d), (_np.setdiff1d, setdiff1d),
                       (_np.setxor1d, setxor1d), (_np.bincount, bincount),
                       (_np.histogram_bin_edges, histogram_bin_edges),
                       (_np.histogram, histogram), (_np.histogramdd, histogramdd),
                       (_np.histogram2d, histogram2d)):
    equivalent(_np_fun, _ours)
