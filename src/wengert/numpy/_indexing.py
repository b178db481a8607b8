"""Indexing: ``x[idx]`` and its adjoint (linear primitives), and the NumPy functions
that gather entries by index (take, repeat, roll, insert, delete, resize, trim_zeros).

The gathers that NumPy defines by index arithmetic run NumPy's own function on an
array of positions, then index the traced array with the result: the semantics are
NumPy's by construction, and the derivatives those of indexing.
"""
import numpy as _np

from .._core import Box, def_array_args, def_linear, defbatch, defjvp, defvjp
from ._batchrules import (data_dependent, provide, repeat as repeat_unbatched, size, to0,
                          with_loop)
from ._backends import is_foreign, untake
from ._dispatch import array_like, asarray, dtype, equivalent, recorded, shape, val, wrap
from ._reshape import cast_like, normalize_axis, transpose
from ._wrapped import concatenate, moveaxis, ravel, reshape


def _is_basic(idx):
    items = idx if type(idx) is tuple else (idx,)
    return all(i is None or i is Ellipsis or type(i) in (int, slice) or
               isinstance(i, _np.integer) for i in items)


def _getitem_impl(x, idx):
    return x[idx]


def _untake_impl(g, idx, xshape):
    """The adjoint of ``x[idx]``: zeros of ``x``'s shape with ``g`` added at ``idx``
    (repeated indices accumulate)."""
    if type(g) is not _np.ndarray and is_foreign(g):
        return untake(g, idx, xshape)
    out = _np.zeros(xshape, dtype=_np.result_type(g))
    if _is_basic(idx):
        out[idx] = g
    else:
        _np.add.at(out, idx, g)
    return out


getitem = wrap(_getitem_impl, "wengert.numpy.getitem")
_untake = wrap(_untake_impl, "wengert.numpy.untake")
defvjp(getitem, lambda g, ans, x, idx: _untake(g, idx, shape(x)))
def_linear(getitem)
defvjp(_untake, lambda g, ans, _, idx, xshape: getitem(g, idx))
def_linear(_untake)
# An index has no derivative: a traced one (say, an integer cast of a traced value)
# is read as a constant, as NumPy reads indices.
for _f in (getitem, _untake):
    defvjp(_f, lambda g, ans, *args: None, argnums=(1,))
    defjvp(_f, lambda t, ans, *args: None, argnums=(1,))
    def_array_args(_f, None)    # an index tuple is not an array


def _sequence_item_impl(seq, i):
    return seq[i]


sequence_item = wrap(_sequence_item_impl, "wengert.numpy.sequence_item")
defvjp(sequence_item, lambda g, ans, seq, i: tuple(g if j == i % len(seq) else None
                                                     for j in range(len(seq))))
defjvp(sequence_item, lambda t, ans, seq, i: t[i])
def_array_args(sequence_item, None)    # the sequence is a sequence


# -- batching: a full slice in front of the index ----------------------------------------
def _is_array(i):
    return not (i is None or i is Ellipsis or type(i) in (int, slice) or
                isinstance(i, _np.integer))


def index_dim(idx):
    """Where the batch axis lands in ``x[(slice(None),) + idx]``: axis 0, unless
    NumPy moves separated advanced indices (integers count as advanced next to
    index arrays) to the front."""
    if not any(_is_array(i) for i in idx):
        return 0
    adv = [k for k, i in enumerate(idx) if not (i is None or i is Ellipsis or type(i) is slice)]
    if adv[-1] - adv[0] + 1 == len(adv):
        return 0
    arrays = [_np.asarray(idx[k]) for k in adv]
    return len(_np.broadcast_shapes(*((1,) if a.dtype == bool else a.shape for a in arrays)))


def _mask_error():
    return data_dependent(
        "boolean mask indexing x[mask] with a batched mask",
        "the result's shape is the number of True entries of the mask, which differs "
        "from example to example",
        "use wengert.numpy.where(mask, x, 0.0) (with a sum) instead")


def _batched_index(idx, dims, nd, n, x_batched):
    """NumPy's per-example index ``idx`` (a tuple holding batched index arrays,
    ``dims`` their batch axes) as one index of the batched array.

    Returns ``(index, perm, out_dim)``: ``x[index]`` (``x`` batched at axis 0 if
    ``x_batched``, else unbatched; ``nd`` its per-example rank) transposed by
    ``perm`` (if not None) holds the examples' results along ``out_dim``; or
    None when an index kind is left to the loop.  Batched index arrays get their
    batch axis in front of the broadcast advanced-index shape; a batched ``x``
    is indexed by ``arange(n)`` there too.  NumPy puts the advanced-index axes
    where the advanced indices stand when they are adjacent, and in front when
    they are separated: the batch axis follows them."""
    items, bdims = [], []
    for i, d in zip(idx, dims):
        if d is not None:
            if dtype(i) == bool:
                raise _mask_error()
            items.append(to0(i, d))
            bdims.append(True)
            continue
        if type(i) is list:
            i = _np.asarray(i)
        if _is_array(i) and dtype(i) == bool:
            if not len(shape(i)):
                return None
            parts = _np.nonzero(i)          # the same mask for every example
            items.extend(parts)
            bdims.extend([False] * len(parts))
        else:
            items.append(i)
            bdims.append(False)
    if any(i is Ellipsis for i in items):
        k = next(k for k, i in enumerate(items) if i is Ellipsis)
        used = sum(i is not None for i in items) - 1
        items[k:k + 1] = [slice(None)] * (nd - used)
        bdims[k:k + 1] = [False] * (nd - used)
    adv = [k for k, i in enumerate(items) if not (i is None or type(i) is slice)]
    ranks = [len(shape(i)) - b for i, b in zip(items, bdims)]
    r = max(ranks[k] for k in adv)
    for k in adv:
        if bdims[k] and ranks[k] < r:
            s = shape(items[k])
            items[k] = reshape(items[k], s[:1] + (1,) * (r - ranks[k]) + s[1:])
    adjacent = adv[-1] - adv[0] + 1 == len(adv)
    before = adv[0] if adjacent else 0     # items before them are slices and None: an axis each
    if not x_batched:
        return tuple(items), None, before
    rows = _np.arange(n).reshape((n,) + (1,) * r)
    perm = None
    if before:    # the rows index is separated from them: NumPy moves every advanced axis first
        perm = (0,) + tuple(range(1 + r, 1 + r + before)) + tuple(range(1, 1 + r))
    return (rows,) + tuple(items), perm, 0


def _index_tuple(idx, di):
    if type(idx) is tuple:
        return idx, (di if type(di) is tuple else (None,) * len(idx))
    return (idx,), (di,)


def _getitem_batched(args, dims, kwargs):
    (x, idx), (dx, di) = args, dims
    idx, di = _index_tuple(idx, di)
    if all(d is None for d in di):
        # an index compile records is one array for every example, as a plain one:
        # gathered once, as eager evaluation does
        if any(isinstance(i, Box) and not recorded(i) for i in idx):
            return None
        return getitem(to0(x, dx), (slice(None),) + idx), index_dim(idx)
    n = size(args, dims)
    nd = len(shape(x)) - (dx is not None)
    plan = _batched_index(idx, di, nd, n, dx is not None)
    if plan is None:
        return None
    index, perm, out_dim = plan
    out = getitem(x if dx is None else to0(x, dx), index)
    if perm is not None:
        out = transpose(out, perm + tuple(range(len(perm), len(shape(out)))))
    return out, out_dim


def _untake_batched(args, dims, kwargs):
    (g, idx, xshape), (dg, di, _) = args, dims
    idx, di = _index_tuple(idx, di)
    if all(d is None for d in di):
        if dg is None:
            return None
        g = moveaxis(g, dg, index_dim(idx)) if dg != index_dim(idx) else g
        n = shape(g)[index_dim(idx)]
        return _untake(g, (slice(None),) + idx, (n,) + tuple(xshape)), 0
    # a batched index: each example scatters into zeros of its own
    n = size(args, dims)
    plan = _batched_index(idx, di, len(xshape), n, True)
    if plan is None:
        return None
    index, perm, _ = plan
    g = repeat_unbatched(g, n) if dg is None else to0(g, dg)
    if perm is not None:
        perm = perm + tuple(range(len(perm), len(shape(g))))
        g = transpose(g, tuple(_np.argsort(perm)))
    return _untake(g, index, (n,) + tuple(xshape)), 0


defbatch(getitem, with_loop(getitem, _getitem_batched))
defbatch(_untake, with_loop(_untake, _untake_batched))
defbatch(sequence_item, lambda args, dims, kwargs: (
    (args[0][args[1]], dims[0][args[1]]) if type(dims[0]) in (tuple, list) else
    (sequence_item(*args), dims[0])))
provide(getitem=getitem)


# -- composed: gathers ---------------------------------------------------------------------
def take(a, indices, axis=None, out=None, mode="raise"):
    """``numpy.take``, as indexing (so repeated indices accumulate gradients)."""
    if out is not None or mode != "raise":
        raise TypeError("wengert.numpy.take: out= and mode= are not supported on traced values")
    if axis is None:
        return getitem(ravel(a), indices)
    axis = axis % len(shape(a))
    return getitem(a, (slice(None),) * axis + (asarray(val(indices)),))  # batched: kept


def repeat(a, repeats, axis=None):
    """``numpy.repeat``, as indexing (each copy's gradient adds to its source)."""
    if axis is None:
        a, axis = ravel(a), 0
    axis = axis % len(shape(a))
    idx = _np.repeat(_np.arange(shape(a)[axis]), repeats)
    return getitem(a, (slice(None),) * axis + (idx,))


def _positions(x):
    """The flat position of each entry of ``x``, in ``x``'s shape (a constant)."""
    return _np.arange(int(_np.prod(shape(x)))).reshape(shape(x))


def _gather_flat(x, positions):
    """``ravel(x)[positions]``: the entries of ``x`` at the given flat positions."""
    return getitem(ravel(x), _np.asarray(positions, dtype=_np.intp))


def roll(a, shift, axis=None):
    """``numpy.roll``: shift entries cyclically along ``axis`` (or the flattened
    array); ``shift`` and ``axis`` may be tuples."""
    a = asarray(a)
    return _gather_flat(a, _np.roll(_positions(a), shift, axis))


def insert(arr, obj, values, axis=None):
    """``numpy.insert``: ``values`` inserted before the indices ``obj`` along
    ``axis`` (into the flattened array if None); ``arr`` and ``values`` are
    differentiable, broadcast values' cotangents are summed.

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> S.insert(np.array([1.0, 2.0, 3.0]), 1, [8.0, 9.0])
        array([1., 8., 9., 2., 3.])
    """
    arr = asarray(arr)
    values = cast_like(values, arr)
    n_arr = int(_np.prod(shape(arr)))
    # insert the positions of the values among the positions of arr, NumPy's way
    value_positions = n_arr + _positions(values)
    where = _np.insert(_positions(arr), obj, value_positions, axis=axis)
    return _gather_flat(concatenate([ravel(arr), ravel(values)]), where)


def delete(arr, obj, axis=None):
    """``numpy.delete``: ``arr`` without the entries ``obj`` along ``axis``
    (of the flattened array if None)."""
    arr = asarray(arr)
    return _gather_flat(arr, _np.delete(_positions(arr), obj, axis=axis))


def resize(a, new_shape):
    """``numpy.resize``: the flattened ``a`` repeated cyclically to fill
    ``new_shape`` (zeros if ``a`` is empty)."""
    a = asarray(a)
    if int(_np.prod(shape(a))) == 0:
        return _np.zeros(new_shape, dtype(a))
    return _gather_flat(a, _np.resize(_positions(a), new_shape))


def trim_zeros(filt, trim="fb", axis=None):
    """``numpy.trim_zeros``: ``filt`` without its leading (``'f'``) and trailing
    (``'b'``) zeros, along ``axis`` (all axes if None), as NumPy 2.2 does for
    arrays of any dimension (NumPy 1 knows 1-d only).

    The boundaries depend on which values are zero, a piecewise-constant choice
    with no derivative; the kept values are differentiable (a slice)."""
    filt = array_like(filt)
    if not isinstance(filt, Box) and axis is None and _np.ndim(filt) == 1:
        return _np.trim_zeros(filt, trim)    # NumPy's own (it keeps a list a list)
    trim = trim.lower()
    if trim not in ("fb", "bf", "f", "b"):
        raise ValueError(f"wengert.numpy.trim_zeros: trim must be 'f', 'b' or 'fb', "
                         f"got {trim!r}")
    v = _np.asarray(val(filt))
    filt = filt if isinstance(filt, Box) else v
    n = v.ndim
    axes = range(n) if axis is None else \
        {normalize_axis(a, n, "trim_zeros") for a in _np.atleast_1d(axis)}
    nonzero = _np.argwhere(v != 0)
    index = []
    for ax in range(n):
        if ax not in axes:
            index.append(slice(None))
        elif len(nonzero) == 0:
            index.append(slice(0, 0))
        else:
            start = int(nonzero[:, ax].min()) if "f" in trim else None
            stop = int(nonzero[:, ax].max()) + 1 if "b" in trim else None
            index.append(slice(start, stop))
    return getitem(filt, tuple(index))


for _np_fun, _ours in ((_np.take, take), (_np.repeat, repeat), (_np.roll, roll),
                       (_np.insert, insert), (_np.delete, delete), (_np.resize, resize),
                       (_np.trim_zeros, trim_zeros)):
    equivalent(_np_fun, _ours)
del _np_fun, _ours
