"""Tracing a computation into a graph of NumPy calls.

A :class:`GraphTrace` is the lowest-level trace of a compilation.  Its boxes
(:class:`Tracer`) carry the concrete value of the first call, so every
operation runs for real while it is recorded, and the traced call returns the
eager result.  Primitives applied to tracers are recorded whole (their NumPy
function, never their Python insides); value-level code that calls NumPy
directly on a tracer (masks, comparisons, shapes of results) reaches the trace
through NumPy's dispatch protocols and is recorded too, so nothing computed from
an input is ever baked in as a constant.

Where Python itself needs a concrete value (``if x > 0:``, ``float(x)``,
``int(n)``, ``numpy.asarray(x)``) the trace records a *guard*: the compiled
program checks that the value is the same and, if not, the call is traced
again.  Operations whose result shape depends on values (boolean masks,
``nonzero``, ``unique``) get a guard on that shape.
"""
import sys
import traceback

import numpy as _np

from .._core import Box
from .._core.box import Trace
from ..numpy._array_box import ArrayBox, SequenceBox
from ..numpy._shape import _getitem_impl


class Escape(Exception):
    """An operation that cannot be recorded faithfully (the compiled function
    falls back to eager evaluation for this signature)."""


class Node:
    """One recorded call ``fun(*args, **kwargs)``: ``args`` and ``kwargs`` keep the
    tracers in place (their nodes are the inputs); ``value`` is the traced result."""

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


# Functions whose result depends only on shapes and dtypes: computed from the
# traced values, never recorded.
_STATIC = {_np.shape, _np.ndim, _np.size, _np.result_type, _np.iscomplexobj,
           _np.isrealobj, _np.min_scalar_type, _np.can_cast, _np.may_share_memory,
           _np.shares_memory}
# Functions whose result shape depends on the values of their arguments.
_VALUE_SHAPED = {_np.nonzero, _np.flatnonzero, _np.argwhere, _np.unique, _np.compress,
                 _np.extract, _np.trim_zeros, _np.where, _np.union1d, _np.intersect1d,
                 _np.setdiff1d, _np.setxor1d}


def _user_line():
    """``file:line`` of the innermost frame outside wengert and NumPy."""
    for frame, lineno in traceback.walk_stack(sys._getframe(1)):
        fname = frame.f_code.co_filename
        if ("/wengert/" not in fname and "/numpy/" not in fname and "<__array_function__" not in fname
                and not fname.startswith("<frozen")):
            return f"{fname}:{lineno}"
    return "<unknown>"




class GraphTrace(Trace):
    """Records every operation on its tracers, in order."""

    __slots__ = ("nodes", "guards", "n_inputs")
    records_calls = True   # apply_raw records any function of values as one call

    def __init__(self):
        super().__init__()
        self.nodes = []
        self.guards = []
        self.n_inputs = 0

    # -- entering ----------------------------------------------------------------------
    def new_input(self, value):
        k = len(self.nodes)
        self.nodes.append(Node(None, (), {}, value, f"x{self.n_inputs}", "input"))
        self.n_inputs += 1
        return self._box(value, k)

    def _box(self, value, k):
        if type(value) in (tuple, list) or (isinstance(value, tuple) and hasattr(value, "_fields")):
            return TracerSeq(value, self, k)
        return Tracer(value, self, k)

    # -- recording ---------------------------------------------------------------------
    def apply(self, prim, args, kwargs):
        """A primitive applied to tracers (no boxes of higher levels remain)."""
        fun = prim.fun
        return self.record(getattr(fun, "_ufunc", fun), args, kwargs, prim.name)  # the ufunc
        # behind a scalar fast path, which the generated code writes as an operator

    def apply_raw(self, fun, args, kwargs, name=None):
        """A function of values (a non-differentiable function, or NumPy called
        from value-level code)."""
        return self.record(fun, args, kwargs, name)

    def record(self, fun, args, kwargs, name=None):
        found = []
        cargs, targs = _split(tuple(args), self, found)
        ckwargs, tkwargs = _split(dict(kwargs), self, found) if kwargs else (kwargs, {})
        if not found or fun in _STATIC:
            return fun(*cargs, **ckwargs)
        value = fun(*cargs, **ckwargs)
        k = len(self.nodes)
        self.nodes.append(Node(fun, targs, tkwargs, value, name or _fun_name(fun),
                               deps=tuple(t._aux for t in found)))
        out = self._box(value, k)
        if fun in _VALUE_SHAPED or (fun is _getitem_impl and (
                _bool_index(cargs[1:]) or _traced_slice(args[1:]))):
            self.guard(out, "shape", _np.shape(value))
        return out

    def guard(self, tracer, kind, expected):
        for g in self.guards:
            if g.node == tracer._aux and g.kind == kind and kind != "array" and \
                    g.expected == expected:
                return expected
        self.guards.append(Guard(tracer._aux, kind, expected, _user_line()))
        return expected


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


class Ref:
    """A recorded argument that is the value of node ``k`` (tracers may later be
    rebound to other nodes by in-place updates; a reference never changes)."""

    __slots__ = ("k", "value")

    def __init__(self, k, value):
        self.k = k
        self.value = value


def _split(x, trace, found):
    """``(concrete, template)``: ``x`` with this trace's tracers replaced by their values
    (to call the function now) and by :class:`Ref` (to record the call), in nested
    tuples, lists, dicts and slices; ``found`` collects the tracers seen."""
    if isinstance(x, Box):
        if x._trace is trace:
            found.append(x)
            return x._value, Ref(x._aux, x._value)
        raise Escape(f"a value of another trace ({type(x).__name__}) reached a compiled "
                     "function's recording")
    t = type(x)
    if t is tuple or t is list:
        concrete, template = [], []
        for v in x:      # one level inline: most arguments are tracers and plain numbers
            if isinstance(v, Box):
                if v._trace is not trace:
                    return _split(v, trace, found)   # raises
                found.append(v)
                concrete.append(v._value)
                template.append(Ref(v._aux, v._value))
            elif type(v) in _NESTED:
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
            if isinstance(x, Box) and x._trace is not trace:
                return True
    return False


def _concretize(tracer, kind, value):
    return tracer._trace.guard(tracer, kind, value)


class Tracer(ArrayBox):
    """A traced array or scalar during compilation."""

    __slots__ = ()
    _batched = True       # a value-level box: value-level code sees it, not its value
    __array_priority__ = 200.0

    # -- NumPy's protocols: every call is recorded ------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        if out is not None or method == "at":
            raise Escape(f"numpy.{ufunc.__name__}.{method} writing into an array "
                         f"({'out=' if out is not None else 'in place'})")
        if _foreign(inputs, self._trace):
            return NotImplemented   # a box of a higher level handles the call first
        fun = ufunc if method == "__call__" else getattr(ufunc, method)
        return self._trace.record(fun, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if "out" in kwargs and kwargs["out"] is not None:
            raise Escape(f"{_fun_name(func)} with out=")
        if _foreign(args, self._trace):
            return NotImplemented
        return self._trace.record(func, args, kwargs)

    # -- places where Python needs a concrete value: guards ------------------------------
    def __bool__(self):
        return _concretize(self, "bool", bool(self._value))

    def __float__(self):
        return _concretize(self, "value", float(self._value))

    def __int__(self):
        return _concretize(self, "value", int(self._value))

    def __index__(self):
        return _concretize(self, "value", _np.asarray(self._value).__index__())

    def __complex__(self):
        return _concretize(self, "value", complex(self._value))

    def __array__(self, dtype=None, copy=None):
        value = _np.array(self._value)
        _concretize(self, "array", value)
        return value if dtype is None else value.astype(dtype)

    def tolist(self):
        _concretize(self, "array", _np.array(self._value))
        return _np.asarray(self._value).tolist()

    def item(self, *args):
        value = _np.asarray(self._value).item(*args)
        if args:
            _concretize(self, "array", _np.array(self._value))
        else:
            _concretize(self, "value", value)
        return value

    def _strip(self):
        return self   # the lowest level: nothing inside to remove

    def __repr__(self):
        return f"Tracer(v{self._aux}, shape={self.shape}, dtype={self.dtype})"


def _binary(ufunc, reflected=False):
    if reflected:
        return lambda self, other: self._trace.record(ufunc, (other, self), {})
    return lambda self, other: self._trace.record(ufunc, (self, other), {})


for _name, _uf in (("and", _np.bitwise_and), ("or", _np.bitwise_or), ("xor", _np.bitwise_xor),
                   ("lshift", _np.left_shift), ("rshift", _np.right_shift)):
    setattr(Tracer, f"__{_name}__", _binary(_uf))
    setattr(Tracer, f"__r{_name}__", _binary(_uf, True))
Tracer.__invert__ = lambda self: self._trace.record(_np.invert, (self,), {})


class TracerSeq(SequenceBox):
    """A traced tuple (the result of a multi-output function)."""

    __slots__ = ()
    _batched = True

    def _strip(self):
        return self

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        return self._trace.record(_getitem, (self, i), {}, "getitem")



def _register():
    from .._core.box import register_box
    from .._core.vspace import register_vspace, vspace
    register_box(SequenceBox, (TracerSeq,))   # a box of a traced tuple is a tuple's box
    for t in (Tracer, TracerSeq):
        register_vspace(t, lambda tracer: vspace(tracer._value))


_register()
