"""The records of a traced call: its nodes (:class:`Node`), guards (:class:`Guard`),
the arguments of a recorded call split into values and references
(:func:`_split`), and the tests on them that :mod:`._graph` makes while recording."""
import zlib

import numpy as _np

from .._core import Box
from .._core.box import box_trace, box_value
from ._lifting import _called_by_machinery
from ._ref import Ref

_NO_KWARGS = {}    # the keywords of a call without any (never written into)


class Escape(Exception):
    """An operation that cannot be recorded faithfully (the compiled function
    falls back to eager evaluation for this signature)."""


class Node:
    """One recorded call ``fun(*args, **kwargs)``: ``args`` and ``kwargs`` keep the
    tracers in place (their nodes are the inputs); ``value`` is the traced result;
    ``name`` an input's (``x0``), a live array's or None."""

    __slots__ = ("fun", "args", "kwargs", "value", "name", "kind", "deps")

    def __init__(self, fun, args, kwargs, value, name, kind="call", deps=()):
        self.fun = fun
        self.args = args
        self.kwargs = kwargs
        self.value = value
        self.name = name
        self.kind = kind   # "input", "call"
        self.deps = deps   # the nodes among the arguments (every Ref's k, in order)


class Guard:
    """The compiled program is valid only while ``kind`` of node ``node`` gives
    ``expected`` ("bool", "value", "array" or "shape")."""

    __slots__ = ("node", "kind", "expected", "where")

    def __init__(self, node, kind, expected, where):
        self.node = node
        self.kind = kind
        self.expected = expected
        self.where = where


def _checksum(a):
    """A checksum of the contents of the array ``a`` (with its shape and dtype)."""
    data = a if a.flags.c_contiguous else _np.ascontiguousarray(a)
    try:
        return (a.shape, a.dtype.str, zlib.crc32(memoryview(data).cast("B")))
    except (TypeError, ValueError):    # object arrays and the like: their bytes
        return (a.shape, a.dtype.str, data.tobytes())


def _getitem(x, idx):
    return x[idx]


def _index_items(rest):
    """The items of the index in ``getitem``'s arguments after the array."""
    idx = rest[0] if rest else ()
    return idx if type(idx) is tuple else (idx,)


def _bool_index(rest):
    return any(getattr(i, "dtype", None) is not None and i.dtype == bool
               for i in _index_items(rest))


def _traced_slice(rest):
    """Whether an index holds a slice with a traced bound (``x[:n]``): the result's
    shape then depends on a value."""
    return any(type(i) is slice and any(isinstance(v, Box) for v in (i.start, i.stop, i.step))
               for i in _index_items(rest))


def _fun_name(fun):
    if isinstance(fun, _np.ufunc):
        return f"numpy.{fun.__name__}"
    mod = getattr(fun, "__module__", None) or ""
    return f"{mod}.{getattr(fun, '__name__', type(fun).__name__)}".lstrip(".")


def _split(x, trace, found):
    """``(concrete, template)``: ``x`` with this trace's tracers replaced by their values
    (to call the function now) and by :class:`Ref` (to record the call), in nested
    tuples, lists, dicts and slices; ``found`` collects the nodes of the tracers seen."""
    if isinstance(x, Box):
        if box_trace(x) is trace:
            k = trace.node_of(x)
            found.append(k)
            value = box_value(x)
            return value, Ref(k, value)
        raise Escape(f"a value of another trace ({type(x).__name__}) reached a compiled "
                     "function's recording")
    t = type(x)
    if t is _np.ndarray and id(x) not in trace.folded:     # read on every call
        if _called_by_machinery() and trace._internal(x):
            trace.folded[id(x)] = x
            return x, x
        k = trace.node_of(trace.live(x))
        found.append(k)
        return x, Ref(k, x)
    if t is tuple or t is list:
        concrete, template = [], []
        for v in x:      # one level inline: most arguments are tracers and plain numbers
            if isinstance(v, Box):
                if box_trace(v) is not trace:
                    return _split(v, trace, found)   # raises
                k = trace.node_of(v)
                found.append(k)
                value = box_value(v)
                concrete.append(value)
                template.append(Ref(k, value))
            elif type(v) in _NESTED or type(v) is _np.ndarray:
                c, r = _split(v, trace, found)
                concrete.append(c)
                template.append(r)
            else:
                concrete.append(v)
                template.append(v)
        return (tuple(concrete), tuple(template)) if t is tuple else (concrete, template)
    if t is dict:
        parts = {k: _split(v, trace, found) for k, v in x.items()}
        return {k: c for k, (c, _) in parts.items()}, {k: r for k, (_, r) in parts.items()}
    if t is slice and any(isinstance(v, Box) for v in (x.start, x.stop, x.step)):
        parts = [_split(v, trace, found) for v in (x.start, x.stop, x.step)]
        return slice(*(c for c, _ in parts)), slice(*(r for _, r in parts))
    return x, x


_NESTED = {tuple, list, dict, slice}


def _foreign(args, trace):
    """Whether a box of another (higher) trace is among ``args``."""
    for a in args:
        for x in (a if type(a) in (list, tuple) else (a,)):
            if isinstance(x, Box) and box_trace(x) is not trace:
                return True
    return False
