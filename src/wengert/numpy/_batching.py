"""What ``wengert.vmap`` adds to the NumPy layer (loaded with the first ``vmap``).

* the batched box (:class:`BatchedArrayBox`): an array inside ``vmap``, whose shape is
  one example's;
* NumPy calls of value-level code on batched values (masks, branches computed with
  ``val``): run as our function where there is one, else on the raw examples, with
  the rules of plain NumPy functions in ``_RAW``;
* :func:`configure`: the hooks the core's batch trace calls.

A primitive's batching rule is declared next to its other rules (``defbatch``, with
the builders of :mod:`._batchrules`; ``declare_elementwise`` for broadcasting ones).
A primitive without one is run once per example (a Python loop) with a one-time
warning naming it: slow, never wrong.
"""
import dis
import sys
import threading

import numpy as _np

from .._core import box_trace, defbatch, getval, no_rule_message, register_vspace
from .._core.batching import BatchBox, batch_trace_of, configure
# (fft and linalg declare their primitives' batching rules when imported: a plain
# numpy.linalg or numpy.fft call on a batched value finds them through dispatch)
from . import fft as _fft, linalg as _la  # noqa: F401
from ._array_box import ArrayBox, SequenceBox
from ._views import in_item_assignment as _in_item_assignment
from ._dispatch import _EQUIVALENTS, equivalent_of, innermost, shape
from ._batchrules import (axis_rule as _axis_rule, elementwise as _elementwise,
                          front as _front, get_arg as _get, loop as _loop, name_of as _name,
                          repeat as _bcast, with_loop as _with_loop, take as _take)


# -- the batched box ----------------------------------------------------------------------
def _vmap_error(what):
    return TypeError(
        f"{what} of a batched value inside wengert.vmap: the value differs from "
        "example to example, so data-dependent Python control flow (if/while on "
        "values, float(), int(), .item()) cannot be vectorized; use wengert.numpy.where "
        "or other array operations instead, or loop over the examples without vmap")


class BatchedArrayBox(BatchBox, ArrayBox):
    """An array inside ``vmap``: ``_value`` holds every example (the batch axis
    at ``_aux``); shape, ndim, size and len are those of one example."""

    __slots__ = ()

    @property
    def shape(self):    # (the fields themselves: hot, as ArrayBox.shape)
        s = shape(self._value)
        d = self._aux
        return s[:d] + s[d + 1:]

    dtype = property(lambda self: _np.result_type(innermost(self)))

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
        return f"BatchedArrayBox(per-example shape {self.shape}, level={box_trace(self).level})"

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
    fun = _EQUIVALENTS.get(func) or equivalent_of(func)
    try:
        active = _local.active
    except AttributeError:
        active = _local.active = set()
    if fun is None or func in active:
        if kwargs.get("out") is not None:
            raise TypeError(f"{_name(func)}(..., out=...) on batched values is not supported "
                            "inside wengert.vmap; use the returned value instead")
        trace = batch_trace_of(args)
        stripped = [getval(a) if type(a) not in (list, tuple) else
                    type(a)(getval(x) for x in a) for a in args]
        if any(_differs(s, a) for s, a in zip(stripped, args)):  # a derivative would be lost
            raise NotImplementedError(
                f"{no_rule_message(_name(func))}; use wengert.numpy's "
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
    """The rule of a primitive without its own: elementwise ones align the batch axes;
    the others loop over the examples (silently when declared ``def_loop_only``)."""
    if prim.loop_only is None and _is_ufunc(prim):
        return _elementwise(prim.wrapped)
    return _loop(prim.wrapped, prim.name, prim.loop_only)


configure(box=_new_box, rule=_prim_rule, raw_rule=_raw_rule, repeat=_bcast)


# -- vector spaces of batched values: those of one example -----------------------------------------
def _batched_vspace(box):
    from ._vspace import ArrayVSpace
    vs = ArrayVSpace.__new__(ArrayVSpace)
    vs.shape, vs.dtype = box.shape, box.dtype
    vs.scalar = not vs.shape and _np.generic
    return vs


register_vspace(BatchedArrayBox, _batched_vspace)
