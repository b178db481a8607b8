"""Batching rules of the NumPy primitives (what ``wengert.vmap`` runs).

A rule ``rule(args, dims, kwargs) -> (out, out_dim)`` sees the *physical*
arguments (batched ones carry the batch axis at ``dims[i]``, unbatched ones
have ``dims[i] is None``) and calls wrapped ``wengert.numpy`` operations, so
that lower-level traces (a ``grad`` around the ``vmap``) keep recording.
Most rules move the batch axis to the front and shift axis arguments by one:

* elementwise (broadcasting) primitives: one generic rule that right-aligns
  the per-example ranks, so that broadcasting happens per example;
* reductions, cumulative and axis-permuting operations: the axis arguments
  are shifted past the batch axis;
* indexing prepends a full slice; products become batched ``matmul`` or an
  ``einsum`` with one more letter; linear algebra works on stacks already.

A primitive without a rule is run once per example (a Python loop) with a
one-time warning naming it: slow, never wrong.
"""
import dis
import math as _math
import sys
import threading

import numpy as _np

from .._core import Box, defbatch, get_primitive, getval, register_vspace, registered_primitives
from .._core import batching as _B
from .._warn import warn
from . import _elementwise as E, _linalg as L, _reductions as R, _shape as S
from . import fft as _fft, linalg as _la
from ._array_box import ArrayBox, SequenceBox
from ._inplace import in_item_assignment as _in_item_assignment
from ._dispatch import _EQUIVALENTS, dtype, shape
from ._batchrules import (axis_rule as _axis_rule, data_dependent as _data_dependent,
                          elementwise as _elementwise, first_only as _first_only,
                          front as _front, get_arg as _get, loop as _loop, name_of as _name,
                          pair_to0 as _pair_to0, provide as _provide, put_arg as _put,
                          repeat as _bcast, with_loop as _with_loop, shift as _shift, size as _size, stacked as _stacked,
                          take as _take, to0 as _to0, to_rank as _to_rank)

_provide(reshape=S.reshape, moveaxis=S.moveaxis, broadcast_to=S.broadcast_to,
         getitem=S.getitem, stack=S.stack, SequenceBox=SequenceBox)


# -- the batched box ----------------------------------------------------------------------
def _raw(x):
    """The innermost value, every box of every kind removed (for its dtype)."""
    while isinstance(x, Box):
        x = x._value
    return x


def _vmap_error(what):
    return TypeError(
        f"{what} of a batched value inside wengert.vmap: the value differs from "
        "example to example, so data-dependent Python control flow (if/while on "
        "values, float(), int(), .item()) cannot be vectorized; use wengert.numpy.where "
        "or other array operations instead, or loop over the examples without vmap")


class BatchedArrayBox(_B.BatchBox, ArrayBox):
    """An array inside ``vmap``: ``_value`` holds every example (the batch axis
    at ``_aux``); shape, ndim, size and len are those of one example."""

    __slots__ = ()

    @property
    def shape(self):
        s = shape(self._value)
        d = self._aux
        return s[:d] + s[d + 1:]

    dtype = property(lambda self: _np.result_type(_raw(self._value)))

    def __len__(self):
        s = self.shape
        if not s:
            raise TypeError("len() of a 0-d (per example) batched array")
        return s[0]

    def __bool__(self):
        raise _vmap_error("bool()")

    def __float__(self):
        raise _vmap_error("float()")

    def __int__(self):
        raise _vmap_error("int()")

    def __index__(self):
        raise TypeError(
            "using a batched value as an integer (an index, a slice bound x[:n], "
            "range(n)) inside wengert.vmap: its value differs from example to example, so "
            "the result's shape (or Python's control flow) would depend on it; use a mask "
            "with wengert.numpy.where instead, or loop over the examples without vmap")

    def __complex__(self):
        raise _vmap_error("complex()")

    def __array__(self, dtype=None, copy=None):
        if _in_item_assignment():
            raise TypeError(
                "assigning a batched value into a plain NumPy array (table[i] = x) inside "
                "wengert.vmap cannot store one value per example; build the array with "
                "wengert.numpy operations (where, stack, concatenate) instead")
        if _at_subscript():
            raise TypeError(
                "indexing a plain NumPy array by a batched index (table[i]) inside "
                "wengert.vmap: NumPy reads the index as one array, but it differs from "
                "example to example; index with wengert.numpy.take(table, i, axis=k) or "
                "wengert.numpy.take_along_axis, which batch the index")
        raise _vmap_error("numpy.asarray / numpy.array")

    def item(self, *args):
        raise _vmap_error(".item()")

    def tolist(self):
        raise _vmap_error(".tolist()")

    # logical operators on batched masks (value-level code: no derivative)
    def __invert__(self): return _np.invert(self)
    def __and__(self, other): return _np.bitwise_and(self, other)
    def __rand__(self, other): return _np.bitwise_and(other, self)
    def __or__(self, other): return _np.bitwise_or(self, other)
    def __ror__(self, other): return _np.bitwise_or(other, self)
    def __xor__(self, other): return _np.bitwise_xor(self, other)
    def __rxor__(self, other): return _np.bitwise_xor(other, self)

    def __repr__(self):
        return f"BatchedArrayBox(per-example shape {self.shape}, level={self._trace.level})"

    # NumPy calls from value-level code (masks, branches computed with ``val``)
    # reach these: a function we wrap is run as ours (batched); one we do not
    # (or ours calling NumPy's again) runs on the raw examples.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs.get("out") is not None:
            return ArrayBox.__array_ufunc__(self, ufunc, method, *inputs, **kwargs)
        kwargs.pop("out", None)
        return _dispatch(ufunc, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _dispatch(func, args, kwargs)


def _at_subscript():
    """Whether the Python code that made NumPy read a batched value as an array is a
    subscript (``table[i]``): the caller of ``__array__`` stands at one."""
    try:
        f = sys._getframe(2)
        code, at = f.f_code.co_code, f.f_lasti
        op = dis.opname[code[at]]
        return op == "BINARY_SUBSCR" or (op == "BINARY_OP" and code[at + 1] == _NB_SUBSCR)
    except (AttributeError, IndexError, ValueError):   # another implementation
        return False


_NB_SUBSCR = next((k for k, (_, sym) in enumerate(getattr(dis, "_nb_ops", ()))
                   if sym == "[]"), -1)


# The NumPy functions whose wengert equivalent is running in this thread: a NumPy call
# from inside it (our function calling NumPy's again) runs on the raw examples.  Per
# thread: another thread's call must not make this one's look nested.
_local = threading.local()


def _dispatch(func, args, kwargs):
    fun = _EQUIVALENTS.get(func)
    try:
        active = _local.active
    except AttributeError:
        active = _local.active = set()
    if fun is None or func in active:
        if kwargs.get("out") is not None:
            raise TypeError(f"{_name(func)}(..., out=...) on batched values is not supported "
                            "inside wengert.vmap; use the returned value instead")
        trace = _B.batch_trace_of(args)
        stripped = [getval(a) if type(a) not in (list, tuple) else
                    type(a)(getval(x) for x in a) for a in args]
        if any(_differs(s, a) for s, a in zip(stripped, args)):  # a derivative would be lost
            raise NotImplementedError(
                f"{_name(func)} has no derivative rule in wengert; use wengert.numpy's "
                "version if it has one, add a rule with wengert.extend.primitive and "
                "defvjp/defjvp, or wrap the argument in wengert.stop_gradient if a constant "
                "is meant")
        return trace.apply_raw(func, stripped, kwargs)
    active.add(func)
    try:
        return fun(*args, **kwargs)
    finally:
        active.discard(func)


def _differs(stripped, arg):
    if type(arg) in (list, tuple):
        return any(s is not a for s, a in zip(stripped, arg))
    return stripped is not arg


def _new_box(value, trace, dim):
    if isinstance(value, SequenceBox):  # a lower-level traced tuple: index it out
        return tuple(BatchedArrayBox(value[i], trace, dim) for i in range(len(value)))
    return BatchedArrayBox(value, trace, dim)


# -- helpers --------------------------------------------------------------------------------


def _with_fallback(fun, rule):
    defbatch(fun, _with_loop(fun, rule))


def _set(fun, rule_of_x=None, rule=None):
    if rule is None:
        _with_fallback(fun, _first_only(rule_of_x))
    else:
        get_primitive(fun).batch = rule


# -- elementwise and reductions -----------------------------------------------------------------
for _f in (R.sum, R.mean, R.max, R.min, R.prod):
    get_primitive(_f).batch = _axis_rule(_f)
for _f in (R.cumsum, R.cumprod):
    get_primitive(_f).batch = _axis_rule(_f, none="flat")
get_primitive(E._where3).batch = _elementwise(E._where3)
get_primitive(E._astype).batch = _elementwise(E._astype)

# -- shape -----------------------------------------------------------------------------------------
get_primitive(S.flip).batch = _axis_rule(S.flip)
_set(S.reshape, lambda x, a, k: (
    S.reshape(x, (shape(x)[0],) + _tuple(a[0] if a else k.pop("shape", k.pop("newshape", None))),
              **k), 0) if (a[1:2] or [k.get("order", "C")])[0] == "C" else None)
_set(S.ravel, lambda x, a, k: (S.reshape(x, (shape(x)[0], -1)), 0)
     if (a[:1] or [k.get("order", "C")])[0] == "C" else None)
_set(S.swapaxes, lambda x, a, k: (S.swapaxes(x, *_shift(tuple(a), len(shape(x)) - 1)), 0))
_set(S.moveaxis, lambda x, a, k: (S.moveaxis(x, *(_shift(v, len(shape(x)) - 1) for v in a)), 0))


def _tuple(s):
    return (s,) if isinstance(s, (int, _np.integer)) else tuple(s)


def _transpose(x, a, k):
    n = len(shape(x)) - 1
    axes = _get(a, k, 0, "axes", None)
    axes = tuple(range(n, 0, -1)) if axes is None else _shift(axes, n)
    return S.transpose(x, (0,) + axes), 0


def _squeeze(x, a, k):
    per = shape(x)[1:]
    axis = _get(a, k, 0, "axis", None)
    if not per and axis is not None:
        # NumPy accepts an integer axis 0 or -1 on a 0-d value (and changes nothing);
        # one 0-d example raises NumPy's error for any other
        _np.squeeze(_np.zeros(()), axis)
        return x, 0
    axis = tuple(i + 1 for i, n in enumerate(per) if n == 1) if axis is None else \
        _shift(axis, len(per))
    return S.squeeze(x, axis), 0


def _expand_dims(x, a, k):
    axis = _get(a, k, 0, "axis", None)
    axes = _tuple(axis)
    n = len(shape(x)) - 1 + len(axes)
    return S.expand_dims(x, tuple(int(v) % n + 1 for v in axes)), 0


def _broadcast_to(x, a, k):
    target = _tuple(_get(a, k, 0, "shape", None))
    s = shape(x)
    x = S.reshape(x, s[:1] + (1,) * (len(target) - len(s) + 1) + s[1:])
    return S.broadcast_to(x, s[:1] + target), 0


def _diagonal(x, a, k):
    n = len(shape(x)) - 1
    offset = _get(a, k, 0, "offset", 0)
    axis1, axis2 = _get(a, k, 1, "axis1", 0), _get(a, k, 2, "axis2", 1)
    return S.diagonal(x, offset, axis1 % n + 1, axis2 % n + 1), 0


def _diagonal_adjoint(g, a, k):
    xshape, offset, axis1, axis2 = a
    n = len(xshape)
    return S._diagonal_adjoint(g, shape(g)[:1] + tuple(xshape), offset, axis1 % n + 1,
                               axis2 % n + 1), 0


_set(S.transpose, _transpose)
_set(S.squeeze, _squeeze)
_set(S.expand_dims, _expand_dims)
_set(S.broadcast_to, _broadcast_to)
_set(S.diagonal, _diagonal)
_set(S._diagonal_adjoint, _diagonal_adjoint)


# -- indexing -----------------------------------------------------------------------------------
def _is_array(i):
    return not (i is None or i is Ellipsis or type(i) in (int, slice) or
                isinstance(i, _np.integer))


def _index_dim(idx):
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
    return _data_dependent(
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
            items.append(_to0(i, d))
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
            items[k] = S.reshape(items[k], s[:1] + (1,) * (r - ranks[k]) + s[1:])
    adjacent = adv[-1] - adv[0] + 1 == len(adv)
    before = adv[0] if adjacent else 0     # items before them are slices and None: an axis each
    if not x_batched:
        return tuple(items), None, before
    rows = _np.arange(n).reshape((n,) + (1,) * r)
    perm = None
    if before:    # the rows index is separated from them: NumPy moves every advanced axis first
        perm = (0,) + tuple(range(1 + r, 1 + r + before)) + tuple(range(1, 1 + r))
    return (rows,) + tuple(items), perm, 0


def _as_tuple(idx, di):
    if type(idx) is tuple:
        return idx, (di if type(di) is tuple else (None,) * len(idx))
    return (idx,), (di,)


def _getitem(args, dims, kwargs):
    (x, idx), (dx, di) = args, dims
    idx, di = _as_tuple(idx, di)
    if all(d is None for d in di):
        if any(isinstance(i, Box) for i in idx):
            return None
        return S.getitem(_to0(x, dx), (slice(None),) + idx), _index_dim(idx)
    n = _size(args, dims)
    nd = len(shape(x)) - (dx is not None)
    plan = _batched_index(idx, di, nd, n, dx is not None)
    if plan is None:
        return None
    index, perm, out_dim = plan
    out = S.getitem(x if dx is None else _to0(x, dx), index)
    if perm is not None:
        out = S.transpose(out, perm + tuple(range(len(perm), len(shape(out)))))
    return out, out_dim


def _untake(args, dims, kwargs):
    (g, idx, xshape), (dg, di, _) = args, dims
    idx, di = _as_tuple(idx, di)
    if all(d is None for d in di):
        if dg is None:
            return None
        g = S.moveaxis(g, dg, _index_dim(idx)) if dg != _index_dim(idx) else g
        n = shape(g)[_index_dim(idx)]
        return S._untake(g, (slice(None),) + idx, (n,) + tuple(xshape)), 0
    # a batched index: each example scatters into zeros of its own
    n = _size(args, dims)
    plan = _batched_index(idx, di, len(xshape), n, True)
    if plan is None:
        return None
    index, perm, _ = plan
    g = _bcast(g, n) if dg is None else _to0(g, dg)
    if perm is not None:
        perm = perm + tuple(range(len(perm), len(shape(g))))
        g = S.transpose(g, tuple(_np.argsort(perm)))
    return S._untake(g, index, (n,) + tuple(xshape)), 0


_with_fallback(S.getitem, _getitem)
_with_fallback(S._untake, _untake)
get_primitive(S.sequence_item).batch = lambda args, dims, kwargs: (
    (args[0][args[1]], dims[0][args[1]]) if type(dims[0]) in (tuple, list) else
    (S.sequence_item(*args), dims[0]))


def _concat(args, dims, kwargs):
    axis, arrays = args[0], args[1:]
    arrays = _front(arrays, dims[1:])
    return S._concat(axis + 1, *arrays), 0


get_primitive(S._concat).batch = _concat


_BY_NAME = {p.name: p for p in registered_primitives().values()}
for _n in ("numpy.real", "numpy.imag", "numpy.angle", "numpy.nan_to_num"):
    if _n in _BY_NAME:
        _BY_NAME[_n].batch = _elementwise(_BY_NAME[_n].wrapped)


# -- functions of values only (no derivative) ---------------------------------------------------
def _unbatched_result(fun):
    """``fun`` of the first example: shapes, dtypes, predicates of the type."""

    def rule(args, dims, kwargs):
        return fun(*[_take(v, d, 0) for v, d in zip(args, dims)], **kwargs), None

    return rule


def _like(fun):
    def rule(args, dims, kwargs):
        if any(d is not None for d in dims[1:]):
            return None
        return fun(args[0], *args[1:], **kwargs), dims[0]
    return rule


_RAW = {
    _np.shape: _unbatched_result, _np.ndim: _unbatched_result, _np.size: _unbatched_result,
    _np.result_type: _unbatched_result, _np.iscomplexobj: _unbatched_result,
    _np.isrealobj: _unbatched_result,
    _np.zeros_like: _like, _np.ones_like: _like, _np.empty_like: _like,
    _np.full_like: _like,
    _np.all: _axis_rule, _np.any: _axis_rule, _np.count_nonzero: _axis_rule,
    _np.sum: _axis_rule, _np.max: _axis_rule, _np.min: _axis_rule,
    _np.argmax: lambda f: _axis_rule(f, none="flat"),
    _np.argmin: lambda f: _axis_rule(f, none="flat"),
    _np.argsort: lambda f: _axis_rule(f, default=-1, none="flat"),
    _np.sort: lambda f: _axis_rule(f, default=-1, none="flat"),
    _np.cumsum: lambda f: _axis_rule(f, none="flat"),
    _np.where: lambda f: _elementwise(f),
    _np.take_along_axis: lambda f: _take_along_axis,
    _np.searchsorted: lambda f: _searchsorted,
}


def _searchsorted(args, dims, kwargs):
    if dims[0] is not None or len(args) > 2:
        return None
    return _np.searchsorted(args[0], args[1], **kwargs), dims[1]


def _take_along_axis(args, dims, kwargs):
    axis = _get(args, kwargs, 2, "axis", None)
    if axis is None:
        return None
    arr, idx = _front(args[:2], dims[:2])
    k = len(shape(arr)) - 1
    return _np.take_along_axis(arr, idx, axis=int(axis) % k + 1), 0


def _raw_rule(fun, name=None):
    make = _RAW.get(fun)
    if make is None and isinstance(fun, _np.ufunc):
        make = _elementwise
    if make is None:
        return _loop(fun, name or _name(fun))
    rule = make(fun)
    loop = _loop(fun, name or _name(fun))

    def batch(args, dims, kwargs):
        res = rule(args, dims, kwargs)
        return loop(args, dims, kwargs) if res is None else res

    return batch


def _is_ufunc(prim):
    """Whether ``prim`` is (a wrapper of) a NumPy ufunc: broadcasting, elementwise."""
    if prim.elementwise or isinstance(prim.fun, _np.ufunc):
        return True
    mod, _, name = prim.name.rpartition(".")
    return mod == "numpy" and isinstance(getattr(_np, name, None), _np.ufunc)


def _prim_rule(prim):
    ufunc = _is_ufunc(prim)
    rule = _elementwise(prim.wrapped) if ufunc else \
        _loop(prim.wrapped, prim.name)
    return rule


_B.configure(box=_new_box, rule=_prim_rule, raw_rule=_raw_rule, repeat=_bcast)


# -- vector spaces of batched values: those of one example -----------------------------------------
def _batched_vspace(box):
    from ._vspace import ArrayVSpace
    vs = ArrayVSpace.__new__(ArrayVSpace)
    vs.shape, vs.dtype = box.shape, box.dtype
    vs.scalar = not vs.shape and _np.generic
    return vs


register_vspace(BatchedArrayBox, _batched_vspace)
