"""Boxes, traces and levels: what a traced value is.

A *trace* is one active differentiation (a reverse-mode tape or a forward-mode
dual-number pass).  Each trace has a unique integer ``level``; traces created
later (nested deeper) have higher levels.  A *box* wraps a value that belongs
to one trace.  When a primitive sees boxes of several traces among its
arguments, the highest level handles the call first and hands the unboxed
values (which may still hold boxes of lower levels) back to the primitive, so
every perturbation is processed by its own level and nested derivatives never
mistake an outer perturbation for their own.

This module knows nothing about NumPy: array-aware box classes (operator
overloading) register themselves with :func:`register_box`.
"""
import itertools

_levels = itertools.count(1)


class Trace:
    """Base class of reverse (tape) and forward (dual) traces."""

    __slots__ = ("level", "__weakref__")

    # Whether ``apply_raw(fun, args, kwargs, name)`` records a plain function of this
    # trace's values as one call (``wengert.compile``'s tracing does): code that calls
    # a function of values on a box of such a trace hands the call to it instead.
    records_calls = False

    def __init__(self):
        self.level = next(_levels)

    def apply(self, prim, args, kwargs):  # pragma: no cover - abstract
        raise NotImplementedError

    def owns(self, x):
        """Whether ``x`` is a box of this trace."""
        return isinstance(x, Box) and x._trace is self

    def aux_of(self, box):
        """The bookkeeping this trace keeps in ``box`` (each trace names it: a tape's
        ``node_of``, a dual trace's ``tangent_of``, a batch trace's ``dim_of``)."""
        return box._aux


class Box:
    """A value traced by one trace.

    ``_value`` is the wrapped value (possibly a box of a lower level),
    ``_trace`` the owning trace and ``_aux`` the trace's bookkeeping: the node
    index on a tape, the tangent of a dual number, the batch axis under ``vmap``.
    Code outside the core reads them through ``box_value(box)``, ``box_trace(box)``
    and the trace's own accessor (``node_of``, ``tangent_of``, ``dim_of``).
    """

    __slots__ = ("_value", "_trace", "_aux")
    # a value-level box (vmap's batched values, compile's tracers): value-level code
    # (masks, branches computed with getval) sees the box itself, not its value
    _value_level = False

    def __init__(self, value, trace, aux):
        self._value = value
        self._trace = trace
        self._aux = aux

    def __repr__(self):
        return f"{type(self).__name__}({self._value!r}, level={self._trace.level})"

    @classmethod
    def register(cls, value_type):
        """Trace values of ``value_type`` with this box class (autograd's API)."""
        register_box(cls, (value_type,))


_box_types = {}
_default_box = [Box]


def register_box(box_class, value_types=(), default=False):
    """Use ``box_class`` to wrap values of ``value_types`` (or all values)."""
    for t in value_types:
        _box_types[t] = box_class
    if default:
        _default_box[0] = box_class


def new_box(value, trace, aux):
    """Wrap ``value`` in the box class registered for its type."""
    return _box_types.get(type(value), _default_box[0])(value, trace, aux)


def rebind(box, new):
    """Make ``box`` hold what ``new`` (a box of the same trace) holds: every Python name
    bound to ``box`` then sees ``new``'s value (how an in-place write into a traced
    array is seen through all its aliases, as NumPy's are)."""
    if new._trace is not box._trace:
        raise ValueError("rebind: both boxes must belong to the same trace")
    box._value, box._aux = new._value, new._aux


def is_value_level(x):
    """Whether ``x`` is a value-level box (a batched value under ``vmap``, a tracer of
    ``wengert.compile``), which ``getval`` keeps instead of unwrapping."""
    return isinstance(x, Box) and x._value_level


def box_value(box):
    """The value inside ``box``, one level down (it may be a box of a lower level)."""
    return box._value


def box_trace(box):
    """The trace that owns ``box``."""
    return box._trace


def getval(x):
    """The value of ``x`` with every differentiation box of every level removed.

    Under ``vmap`` a batched value stays batched (its differentiation boxes
    removed): value-level code then computes batched masks and branches."""
    while isinstance(x, Box):
        if x._value_level:
            return x._strip()
        x = x._value
    return x
