"""Sorting, order statistics and selection, built from indexing.

A sort is a gather by ``argsort``: the permutation is a constant (computed from
the values), and the gather is ``getitem``, whose rules (a scatter-add and its
adjoint) already hold for every order and both modes.  Ties follow NumPy's
stable order: the cotangent of the k-th sorted value goes to the entry a stable
``argsort`` puts k-th.  Quantiles interpolate between gathered values; selections
(``select``, ``choose``, ``piecewise``) are ``where`` and scatters of the picked
values, so only the picked entries get cotangents.
"""
import numpy as _np

from . import _elementwise as E, _reductions as R, _shape as S
from ._dispatch import dtype, equivalent, shape, val


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
    indices = _np.asarray(indices)
    if indices.dtype.kind not in "iu":
        raise IndexError("take_along_axis: indices must be an integer array, not "
                         f"{indices.dtype}")
    if _plain(arr):
        return _np.take_along_axis(arr, indices, axis=axis)
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("take_along_axis: with axis=None the indices must be 1-d, not "
                             f"{indices.ndim}-d")
        return S.getitem(S.ravel(arr), indices)
    nd = len(shape(arr))
    if indices.ndim != nd:
        raise ValueError(f"take_along_axis: indices ({indices.ndim}-d) and arr ({nd}-d) "
                         "must have the same number of dimensions")
    axis = axis % nd
    grid = [indices if d == axis else
            _np.arange(n).reshape((1,) * d + (n,) + (1,) * (nd - d - 1))
            for d, n in enumerate(shape(arr))]
    return S.getitem(arr, tuple(grid))


def sort(a, axis=-1, kind=None, order=None, **kwargs):
    """``numpy.sort`` (``axis=None`` sorts the flattened array).  Differentiable as
    a gather: ties keep NumPy's stable order.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([3.0, 1.0, 2.0])
        >>> wengert.grad(lambda x: np.sort(x)[0] * 10 + np.sort(x)[2])(x)
        array([ 1., 10.,  0.])
    """
    if _plain(a):
        return _np.sort(a, axis=axis, kind=kind, order=order, **kwargs)
    if order is not None:
        raise TypeError("sort: order= (structured arrays) is not supported on traced values")
    if axis is None:
        a, axis = S.ravel(a), -1
    return take_along_axis(a, _np.argsort(val(a), axis=axis, kind="stable"), axis)


def msort(a):
    """``sort(a, axis=0)`` (NumPy's ``msort``, removed in NumPy 2)."""
    return sort(a, axis=0)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``numpy.partition``: a gather by ``numpy.argpartition`` (the same
    arrangement NumPy gives)."""
    if _plain(a):
        return _np.partition(a, kth, axis=axis, kind=kind, order=order)
    if order is not None:
        raise TypeError("partition: order= is not supported on traced values")
    if axis is None:
        a, axis = S.ravel(a), -1
    return take_along_axis(a, _np.argpartition(val(a), kth, axis=axis, kind=kind), axis)


# -- order statistics ---------------------------------------------------------------------
def _sorted_last(a, axis):
    """``a`` with the reduced axes flattened into one last axis, sorted along it."""
    nd = len(shape(a))
    axes = R._axes(axis, nd)
    k = len(axes)
    if k == 0:      # a 0-d array: one value
        return S.reshape(a, (1,)), axes
    moved = S.moveaxis(a, axes, tuple(range(-k, 0))) if k < nd or axes != tuple(range(nd)) \
        else a
    lead = shape(moved)[:nd - k]
    flat = S.reshape(moved, tuple(lead) + (-1,))
    return sort(flat, axis=-1), axes


def _finish(res, a, axes, qnd, keepdims):
    """``res`` has q's dimensions first, then the kept ones; restore keepdims."""
    if not keepdims:
        return res
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape(a)))
    return S.reshape(res, shape(res)[:qnd] + kept)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None, interpolation=None):
    """``numpy.quantile`` with the (default) ``linear`` method: interpolation
    between two sorted values, differentiable in ``a`` (through the gathered
    values) and in ``q`` (between the sample points).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([4.0, 1.0, 2.0, 3.0])
        >>> wengert.grad(lambda x: np.quantile(x, 0.5))(x)
        array([0. , 0. , 0.5, 0.5])
    """
    method = interpolation or method
    if _plain(a, q):
        kw = {} if weights is None else {"weights": weights}
        return _np.quantile(a, q, axis=axis, out=out, overwrite_input=overwrite_input,
                            method=method, keepdims=keepdims, **kw)
    if method != "linear" or weights is not None:
        raise NotImplementedError(
            f"quantile: only method='linear' without weights is differentiable, not "
            f"method={method!r}{' with weights' if weights is not None else ''}; "
            "apply wengert.stop_gradient to the argument if a constant is meant")
    qv = _np.asarray(val(q), dtype=float)
    if _np.any((qv < 0) | (qv > 1)):
        raise ValueError("quantile: quantiles must be in the range [0, 1]")
    s, axes = _sorted_last(a, axis)
    n = shape(s)[-1]
    position = qv * (n - 1)
    lo = _np.floor(position).astype(_np.intp)
    hi = _np.minimum(lo + 1, n - 1)
    if val(q) is not q:
        t = q * (n - 1) - lo.astype(dtype(q))  # differentiable in q
    else:                                     # a constant in the dtype of a (float32 stays)
        t = (position - lo).astype(dtype(s) if dtype(s).kind == "f" else float)
    lead_nd = len(shape(s)) - 1

    def gather(i):
        g = S.getitem(s, (Ellipsis, i))       # shape: lead + q.shape
        return S.moveaxis(g, tuple(range(lead_nd)), tuple(range(qv.ndim, qv.ndim + lead_nd))) \
            if lead_nd and qv.ndim else g

    below, above = gather(lo), gather(hi)
    if lead_nd:
        t = S.reshape(t, shape(t) + (1,) * lead_nd)
    step = above - below
    res = E.where(_np.broadcast_to(val(t) >= 0.5, shape(step)),
                  above - step * (1 - t), below + step * t)
    return _finish(res, a, axes, qv.ndim, keepdims)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, interpolation=None):
    """``numpy.percentile``: ``quantile(a, q / 100)`` (see :func:`quantile`)."""
    if _plain(a, q):
        kw = {} if weights is None else {"weights": weights}
        return _np.percentile(a, q, axis=axis, out=out, overwrite_input=overwrite_input,
                              method=interpolation or method, keepdims=keepdims, **kw)
    q = E.divide(q, 100) if val(q) is not q else _np.true_divide(q, 100)
    return quantile(a, q, axis=axis, method=method, keepdims=keepdims, weights=weights,
                    interpolation=interpolation)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``numpy.median``: the middle sorted value, or the mean of the two middle
    ones (which then share the gradient equally).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.median(x))(numpy.array([5.0, 1.0, 3.0]))
        array([0., 0., 1.])
    """
    if _plain(a):
        return _np.median(a, axis=axis, out=out, overwrite_input=overwrite_input,
                          keepdims=keepdims)
    s, axes = _sorted_last(a, axis)
    n = shape(s)[-1]
    middle = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    res = R.mean(S.getitem(s, (Ellipsis, _np.array(middle))), axis=-1)
    return _finish(res, a, axes, 0, keepdims)


# -- selection ----------------------------------------------------------------------------
def select(condlist, choicelist, default=0):
    """``numpy.select``: the first choice whose condition holds (nested
    ``where``); the cotangent goes to the selected choice only.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([-1.0, 2.0])
        >>> wengert.grad(lambda x: np.sum(np.select([x < 0, x > 0], [-x, x ** 2])))(x)
        array([-1.,  4.])
    """
    if len(condlist) != len(choicelist):
        raise ValueError("select: condlist and choicelist must have the same length "
                         f"({len(condlist)} and {len(choicelist)})")
    if _plain(default, *choicelist):
        return _np.select([val(c) for c in condlist], choicelist, default)
    conds = [_np.asarray(val(c)) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != bool:
            raise TypeError(f"select: invalid entry {i} in condlist: it must be a boolean "
                            f"array, not {c.dtype}")
    out = default
    for c, choice in reversed(list(zip(conds, choicelist))):
        out = E.where(c, choice, out)
    return out


def choose(a, choices, out=None, mode="raise"):
    """``numpy.choose``: ``choices[a[i]][i]`` (as ``select``); differentiable in
    the choices, ``a`` is an index array."""
    idx = _np.asarray(val(a))
    if _plain(*choices):
        return _np.choose(idx, choices, out=out, mode=mode)
    n = len(choices)
    if mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = _np.clip(idx, 0, n - 1)
    elif _np.any((idx < 0) | (idx >= n)):
        raise ValueError(f"choose: invalid entry in choice array (indices must be in "
                         f"[0, {n}); pass mode='wrap' or mode='clip' otherwise)")
    return select([idx == k for k in range(n)], list(choices))


def extract(condition, arr):
    """``numpy.extract``: the entries of ``ravel(arr)`` where ``ravel(condition)``
    is nonzero, as indexing."""
    if _plain(arr):
        return _np.extract(condition, arr)
    return S.getitem(S.ravel(arr), _np.nonzero(_np.ravel(val(condition)))[0])


def compress(condition, a, axis=None, out=None):
    """``numpy.compress``: the slices of ``a`` along ``axis`` where ``condition``
    holds, as indexing."""
    if _plain(a):
        return _np.compress(condition, a, axis=axis, out=out)
    idx = _np.nonzero(_np.asarray(val(condition), bool).ravel())[0]
    if axis is None:
        return S.getitem(S.ravel(a), idx)
    return S.take(a, idx, axis=axis)


def piecewise(x, condlist, funclist, *args, **kw):
    """``numpy.piecewise``: each function is applied to the entries where its
    condition holds (a later condition wins where they overlap, as in NumPy);
    its results are scattered into the output, so each entry's cotangent reaches
    only the function that produced it.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> f = lambda x: np.sum(np.piecewise(x, [x < 0], [lambda v: -v, lambda v: v ** 2]))
        >>> wengert.grad(f)(numpy.array([-2.0, 3.0]))
        array([-1.,  6.])
    """
    if _plain(x):
        return _np.piecewise(x, condlist, funclist, *args, **kw)
    xshape = shape(x)
    if _np.isscalar(condlist) or (not isinstance(condlist[0], (list, _np.ndarray))
                                  and len(xshape) != 0):
        condlist = [condlist]
    conds = [_np.broadcast_to(_np.asarray(val(c), bool), xshape) for c in condlist]
    if len(conds) == len(funclist) - 1:
        conds.append(~_np.any(conds, axis=0))
    if len(conds) != len(funclist):
        raise ValueError(f"piecewise: with {len(conds)} condition(s) funclist must have "
                         f"{len(conds)} or {len(conds) + 1} entries, not {len(funclist)}")
    later = _np.zeros(xshape, bool)
    out, constant = None, _np.zeros(xshape, dtype(x))
    for cond, fun in reversed(list(zip(conds, funclist))):
        own = cond & ~later         # where this piece's value is the result
        later = later | cond
        if not callable(fun):
            constant = _np.where(own, fun, constant)
            continue
        if not cond.any():
            continue
        vals = fun(S.getitem(x, cond), *args, **kw)
        if len(shape(vals)) == 0:
            vals = S.broadcast_to(vals, (int(cond.sum()),))
        if not own[cond].all():
            vals = S.getitem(vals, own[cond])
        part = S._untake(vals, own, xshape)
        out = part if out is None else out + part
    return constant if out is None else out + constant


for _np_fun, _ours in ((_np.take_along_axis, take_along_axis), (_np.sort, sort),
                       (_np.partition, partition), (_np.quantile, quantile),
                       (_np.percentile, percentile), (_np.median, median),
                       (_np.select, select), (_np.choose, choose), (_np.extract, extract),
                       (_np.compress, compress), (_np.piecewise, piecewise)):
    equivalent(_np_fun, _ours)
if hasattr(_np, "msort"):
    equivalent(_np.msort, msort)
