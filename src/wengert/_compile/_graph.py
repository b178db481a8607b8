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

Arrays the function did not create while tracing from numbers alone (closed-over
arrays, globals, attributes, items of containers, views of them, arrays made by
plain NumPy) are *live*: the first primitive they reach makes each a node of the
graph (kind "live") that the program reads, by reference, on every call, so
that nothing computed from them is folded into a constant.  Only the results of
primitives applied to numbers and to such folded results are constants, and so
are wengert's own arrays (the seeds, bases and cotangents its rules and transforms
make from constants: :meth:`GraphTrace._internal`).  A live array written into
while tracing (after the trace read it) cannot be replayed: that signature runs
eagerly.
"""
import sys
import traceback

import numpy as _np

from .._core import Box
from .._core.box import Trace, box_trace, box_value
from ._internals import ArrayBox, SequenceBox, _getitem_impl
from ._lifting import _NUMBERS, _Recording, _called_by_machinery, _local, _opaque
from ._ref import Ref
from ._records import _NO_KWARGS, Escape, Guard, Node, _bool_index, _checksum, \
    _foreign, _fun_name, _getitem, _split, _traced_slice
from ._scalar import FLOATS, SCALAR_OPS, scalar_op, user_pow


# Functions whose result depends only on shapes and dtypes: computed from the
# traced values, never recorded.
_STATIC = {_np.shape, _np.ndim, _np.size, _np.result_type, _np.iscomplexobj,
           _np.isrealobj, _np.min_scalar_type, _np.can_cast, _np.may_share_memory,
           _np.shares_memory}
# Functions whose result shape depends on the values of their arguments.
_VALUE_SHAPED = {_np.nonzero, _np.flatnonzero, _np.argwhere, _np.unique, _np.compress,
                 _np.extract, _np.trim_zeros, _np.where, _np.union1d, _np.intersect1d,
                 _np.setdiff1d, _np.setxor1d}


# the function recorded for each primitive (:meth:`GraphTrace.apply`)
_RECORDED = {}
# calls :meth:`GraphTrace._record_simple` leaves to :meth:`GraphTrace.record`
_SLOW = _STATIC | _VALUE_SHAPED | {_getitem_impl}


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

    __slots__ = ("nodes", "guards", "n_inputs", "lifted", "folded", "sums", "known")
    records_calls = True   # apply_raw records any function of values as one call
    node_of = Trace.aux_of   # a tracer's node: the number of the recorded call it is

    def __init__(self):
        super().__init__()
        self.nodes = []
        self.guards = []
        self.n_inputs = 0
        self.lifted = {}    # id(array) -> its live node
        self.folded = {}    # id(array) -> array: computed while tracing from numbers alone
        self.sums = {}      # live node -> checksum of its contents when first read
        self.known = {}     # id(array) -> array: user arrays found by the watch or given
        #                     by keyword (never wengert's own constants)

    # -- live arrays -------------------------------------------------------------------
    def recording(self):
        """A context in which this thread's primitive calls are seen by :meth:`lift`."""
        return _Recording(self)

    def live(self, value):
        """A tracer reading the array ``value`` (which the trace did not compute) on
        every call."""
        k = self.lifted.get(id(value))
        if k is None:
            k = len(self.nodes)
            self.nodes.append(Node(None, (), {}, value, f"live{k}", "live"))
            self.lifted[id(value)] = k
            self.sums[k] = _checksum(value)
        return Tracer(value, self, k)   # a new box: an in-place update rebinds its own

    def is_constant(self, x):
        """Whether ``x`` may be folded: not an array, or one computed from numbers."""
        return type(x) is not _np.ndarray or id(x) in self.folded

    def _internal(self, a):
        """Whether the array ``a``, which the trace did not compute, read by a call from
        wengert's machinery (:func:`_called_by_machinery`), is wengert's own: made by a
        derivative rule or a transform from constants (a seed, a basis, a broadcast
        cotangent), and so a constant.  It is unless the user's code handed it over:
        user arrays reach the machinery as tracers (lifted where the user's code called
        a primitive), except keyword arguments and arrays handed to a transform (a
        tangent of ``jvp``), which are in ``known`` (with every array the watch found)."""
        while type(a) is _np.ndarray:
            if id(a) in self.known or id(a) in self.lifted:
                return False
            a = a.base
        return True

    def lift(self, fun, args, kwargs):
        """``(args, kwargs, fold)`` for a primitive call: live arrays among the arguments
        (and one level into lists and tuples) as tracers; ``fold`` registers the result
        of a call on constants alone (None if the call reads a traced value)."""
        out, constant, internal = None, True, None
        for i, a in enumerate(args):
            t = type(a)
            if t is _np.ndarray:
                if id(a) in self.folded:
                    continue
                if internal is None:
                    internal = _called_by_machinery()
                if internal and self._internal(a):
                    self.folded[id(a)] = a
                    continue
                a = self.live(a)
            elif t is list or t is tuple:
                new = self._lift_seq(a)
                if new is None:
                    continue
                a = new
            elif isinstance(a, Box):
                constant = False
                continue
            else:
                continue
            constant = False
            if out is None:
                out = list(args)
            out[i] = a
        if out is not None:
            args = tuple(out)
        if kwargs:
            for v in kwargs.values():
                if isinstance(v, Box):
                    constant = False
                elif not self.is_constant(v) or (type(v) in (list, tuple) and any(
                        not self.is_constant(x) for x in v)):
                    if internal is None:
                        internal = _called_by_machinery()
                    if internal and all(self._internal(x) for x in (
                            v if type(v) in (list, tuple) else (v,))
                            if type(x) is _np.ndarray):
                        continue
                    for x in (v if type(v) in (list, tuple) else (v,)):
                        if type(x) is _np.ndarray:    # for the rules that will read it
                            self.known[id(x)] = x
                    if constant:
                        # a live array given by keyword: the call is recorded (a keyword
                        # argument of a recorded call is read on every call)
                        return self._record_keyword_call(fun, args, kwargs)
        return args, kwargs, (self._fold if constant else None)

    def _lift_seq(self, seq):
        """``seq`` with its live arrays as tracers, or None if it holds no live array
        and no traced value."""
        out, internal = None, None
        for i, v in enumerate(seq):
            if type(v) is _np.ndarray and id(v) not in self.folded:
                if internal is None:
                    internal = _called_by_machinery()
                if internal and self._internal(v):
                    self.folded[id(v)] = v
                    continue
                v = self.live(v)
            elif not isinstance(v, Box):
                continue
            if out is None:
                out = list(seq)
            out[i] = v
        return None if out is None else type(seq)(out)

    def _record_keyword_call(self, fun, args, kwargs):
        """A call on constants whose keyword arguments hold a live array: its first
        array argument is read as a live array too, so that the call is recorded."""
        for i, a in enumerate(args):
            if type(a) is _np.ndarray:
                return args[:i] + (self.live(a),) + args[i + 1:], kwargs, None
        raise Escape(f"{_fun_name(fun)} reads a closed-over array given by keyword on "
                     "constants alone, which the program cannot record")

    def _fold(self, fun, args, kwargs):
        """``fun(*args, **kwargs)`` on constants alone, its result a constant too (the
        function's insides are not the program's: nothing in them is lifted)."""
        with _opaque():
            result = fun(*args, **kwargs)
        if type(result) is _np.ndarray:
            self.folded[id(result)] = result
        elif type(result) in (tuple, list):
            for r in result:
                if type(r) is _np.ndarray:
                    self.folded[id(r)] = r
        return result

    def written(self):
        """The live nodes whose arrays were written into since the trace first read
        them."""
        return [k for k, s in self.sums.items() if _checksum(self.nodes[k].value) != s]

    # -- entering ----------------------------------------------------------------------
    def new_input(self, value):
        k = len(self.nodes)
        self.nodes.append(Node(None, (), {}, value, f"x{self.n_inputs}", "input"))
        self.n_inputs += 1
        return self._box(value, k)

    def _box(self, value, k):
        t = type(value)
        if t is float or t is _np.ndarray or t is _np.float64:
            return Tracer(value, self, k)
        if t in (tuple, list) or (isinstance(value, tuple) and hasattr(value, "_fields")):
            return TracerSeq(value, self, k)
        return Tracer(value, self, k)

    # -- recording ---------------------------------------------------------------------
    def apply(self, prim, args, kwargs):
        """A primitive applied to tracers (no boxes of higher levels remain)."""
        fun = _RECORDED.get(prim)
        if fun is None:     # the ufunc behind a scalar fast path, which the generated code
            fun = prim.fun  # writes as an operator (found once per primitive)
            fun = _RECORDED[prim] = getattr(fun, "_ufunc", fun)
        return self.record(fun, args, kwargs, prim.name)

    def apply_raw(self, fun, args, kwargs, name=None):
        """A function of values (a non-differentiable function, or NumPy called
        from value-level code)."""
        return self.record(fun, args, kwargs, name)

    def record(self, fun, args, kwargs, name=None):
        if not kwargs and len(args) <= 2:
            out = self._record_simple(fun, args, name)
            if out is not None:
                return out
        return self._record(fun, args, kwargs, name)

    def _record(self, fun, args, kwargs, name):
        found = []     # the nodes among the arguments
        cargs, targs = _split(tuple(args), self, found)
        if kwargs:
            ckwargs, tkwargs = _split(dict(kwargs), self, found)
        else:
            ckwargs = tkwargs = _NO_KWARGS
        if not found or fun in _STATIC:
            return fun(*cargs, **ckwargs)
        stack = getattr(_local, "stack", None)   # as _opaque: the function's insides are
        if stack is not None:                    # not the program's: nothing there is lifted
            stack.append(None)
        try:
            op = SCALAR_OPS.get(fun) if len(cargs) == 2 and not ckwargs else None
            value = None
            if op is not None and type(cargs[0]) in FLOATS and type(cargs[1]) in FLOATS:
                value = scalar_op(op, float(cargs[0]), float(cargs[1]))
            if value is None:
                value = fun(*cargs, **ckwargs)
        finally:
            if stack is not None:
                stack.pop()
        nodes = self.nodes
        k = len(nodes)
        nodes.append(Node(fun, tuple(targs), tkwargs, value, name, deps=tuple(found)))
        t = type(value)
        out = Tracer(value, self, k) if t is float or t is _np.ndarray or t is _np.float64 \
            else self._box(value, k)
        if fun in _VALUE_SHAPED or (fun is _getitem_impl and (
                _bool_index(cargs[1:]) or _traced_slice(args[1:]))):
            self.guard(out, "shape", _np.shape(value))
        return out

    def _record_simple(self, fun, args, name):
        """:meth:`record` of the most common calls, quickly: one or two positional
        arguments, each a tracer of this trace or a Python number, a traced one among
        them (None for any other call, before anything ran)."""
        if fun in _SLOW:
            return None
        a = args[0] if args else None
        if isinstance(a, Box):
            if box_trace(a) is not self:
                return None
            va = box_value(a)
            ka = self.node_of(a)
        elif type(a) in _NUMBERS:
            va, ka = a, None
        else:
            return None
        if len(args) == 2:
            b = args[1]
            if isinstance(b, Box):
                if box_trace(b) is not self:
                    return None
                vb = box_value(b)
                kb = self.node_of(b)
            elif type(b) in _NUMBERS:
                vb, kb = b, None
            else:
                return None
            if ka is None:
                if kb is None:
                    return None
                targs, deps = (va, Ref(kb, vb)), (kb,)
            elif kb is None:
                targs, deps = (Ref(ka, va), vb), (ka,)
            else:
                targs, deps = (Ref(ka, va), Ref(kb, vb)), (ka, kb)
            value = None
            op = SCALAR_OPS.get(fun)
            if op is not None and type(va) in FLOATS and type(vb) in FLOATS:
                value = scalar_op(op, float(va), float(vb))    # nothing else runs
            if value is None:
                value = self._call_opaque(fun, (va, vb))
        elif ka is None:
            return None
        else:
            targs, deps = (Ref(ka, va),), (ka,)
            if type(fun) is _np.ufunc and type(va) in FLOATS:
                value = fun(va)           # NumPy's C code alone: nothing inside to hide
            else:
                value = self._call_opaque(fun, (va,))
        nodes = self.nodes
        k = len(nodes)
        nodes.append(Node(fun, targs, _NO_KWARGS, value, name, "call", deps))
        t = type(value)
        return Tracer(value, self, k) if t is float or t is _np.ndarray or t is _np.float64 \
            else self._box(value, k)

    def _call_opaque(self, fun, cargs):
        """``fun(*cargs)``, its insides not the program's (as :func:`._lifting._opaque`)."""
        stack = getattr(_local, "stack", None)
        if stack is not None:
            stack.append(None)
        try:
            return fun(*cargs)
        finally:
            if stack is not None:
                stack.pop()

    def guard(self, tracer, kind, expected):
        k = self.node_of(tracer)
        for g in self.guards:
            if g.node == k and g.kind == kind and kind != "array" and g.expected == expected:
                return expected
        self.guards.append(Guard(k, kind, expected, _user_line()))
        return expected


def _concretize(tracer, kind, value):
    return box_trace(tracer).guard(tracer, kind, value)


class Tracer(ArrayBox):
    """A traced array or scalar during compilation."""

    __slots__ = ()
    _value_level = True       # a value-level box: value-level code sees it, not its value
    __array_priority__ = 200.0

    # -- NumPy's protocols: every call is recorded ------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        if out is not None or method == "at":
            raise Escape(f"numpy.{ufunc.__name__}.{method} writing into an array "
                         f"({'out=' if out is not None else 'in place'})")
        trace = box_trace(self)
        if _foreign(inputs, trace):
            return NotImplemented   # a box of a higher level handles the call first
        fun = ufunc if method == "__call__" else getattr(ufunc, method)
        return trace.record(fun, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if "out" in kwargs and kwargs["out"] is not None:
            raise Escape(f"{_fun_name(func)} with out=")
        trace = box_trace(self)
        if _foreign(args, trace):
            return NotImplemented
        return trace.record(func, args, kwargs)

    # -- places where Python needs a concrete value: guards ------------------------------
    def __bool__(self):
        return _concretize(self, "bool", bool(box_value(self)))

    def __float__(self):
        return _concretize(self, "value", float(box_value(self)))

    def __int__(self):
        return _concretize(self, "value", int(box_value(self)))

    def __index__(self):
        return _concretize(self, "value", _np.asarray(box_value(self)).__index__())

    def __complex__(self):
        return _concretize(self, "value", complex(box_value(self)))

    def __array__(self, dtype=None, copy=None):
        value = _np.array(box_value(self))
        _concretize(self, "array", value)
        return value if dtype is None else value.astype(dtype)

    def tolist(self):
        value = box_value(self)
        _concretize(self, "array", _np.array(value))
        return _np.asarray(value).tolist()

    def item(self, *args):
        value = _np.asarray(box_value(self)).item(*args)
        if args:
            _concretize(self, "array", _np.array(box_value(self)))
        else:
            _concretize(self, "value", value)
        return value

    def _strip(self):
        return self   # the lowest level: nothing inside to remove

    def __repr__(self):
        k = box_trace(self).node_of(self)
        return f"Tracer(v{k}, shape={self.shape}, dtype={self.dtype})"


def _pow(self, other):
    out = user_pow(self, other, box_trace(self))
    return ArrayBox.__pow__(self, other) if out is None else out


def _rpow(self, other):
    out = user_pow(other, self, box_trace(self))
    return ArrayBox.__rpow__(self, other) if out is None else out


Tracer.__pow__, Tracer.__rpow__ = _pow, _rpow


def _binary(ufunc, reflected=False):
    if reflected:
        return lambda self, other: box_trace(self).record(ufunc, (other, self), {})
    return lambda self, other: box_trace(self).record(ufunc, (self, other), {})


for _name, _uf in (("and", _np.bitwise_and), ("or", _np.bitwise_or), ("xor", _np.bitwise_xor),
                   ("lshift", _np.left_shift), ("rshift", _np.right_shift)):
    setattr(Tracer, f"__{_name}__", _binary(_uf))
    setattr(Tracer, f"__r{_name}__", _binary(_uf, True))
Tracer.__invert__ = lambda self: box_trace(self).record(_np.invert, (self,), {})


class TracerSeq(SequenceBox):
    """A traced tuple (the result of a multi-output function)."""

    __slots__ = ()
    _value_level = True

    def _strip(self):
        return self

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        return box_trace(self).record(_getitem, (self, i), {}, "getitem")



def _register():
    from .._core.box import register_box
    from .._core.vspace import register_vspace, vspace
    register_box(SequenceBox, (TracerSeq,))   # a box of a traced tuple is a tuple's box
    for t in (Tracer, TracerSeq):
        register_vspace(t, lambda tracer: vspace(box_value(tracer)))


_register()
