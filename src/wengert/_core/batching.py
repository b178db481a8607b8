"""Batching: a trace that maps a function over a batch axis without a loop.

A :class:`BatchTrace` is a trace like the tape and the dual numbers, with its
own level.  Its boxes hold the *physical* batched value (an array with one extra
axis) and, as ``_aux``, the position of the batch axis; everything the traced
function sees (shape, ndim, len) is *per example*.  A primitive applied to
boxes of this trace calls its batching rule ``prim.batch(args, dims, kwargs)
-> (out, out_dim)`` with the unboxed physical values and their batch axes
(``None``: not batched); a primitive without one falls back to a loop over the
batch, with a one-time warning naming it.

Because rules and value-level code look at raw values through ``getval``, a
batched box is never stripped by it: ``getval`` removes differentiation boxes
only, so a mask computed from values under ``vmap`` is itself batched.

The core knows no arrays: the NumPy layer registers the box factory, the
generic rules by primitive kind, and the loop fallback (``configure``).
"""
from .box import Box, Trace, getval


class BatchTrace(Trace):
    """One ``vmap``: ``size`` examples, mapped in one pass."""

    __slots__ = ("size",)

    def __init__(self, size):
        super().__init__()
        self.size = size

    dim_of = Trace.aux_of     # a box's batch axis

    def box(self, value, dim):
        """``value`` (with its batch axis at ``dim``) as a batched value; tuples and
        lists of outputs become tuples and lists of batched values."""
        if dim is None:
            return value
        if type(value) in (tuple, list):
            dims = dim if type(dim) in (tuple, list) else [dim] * len(value)
            return type(value)(self.box(v, d) for v, d in zip(value, dims))
        return _hooks["box"](value, self, dim)

    def lift(self, value):
        """``value`` (the same for every example) as a batched value of this trace."""
        return self.box(_hooks["repeat"](value, self.size), 0)

    def apply(self, prim, args, kwargs):
        vals, dims = self.unbox(args)
        rule = prim.batch or _hooks["rule"](prim)
        out, out_dim = rule(vals, dims, kwargs)
        return self.box(out, out_dim)

    def apply_raw(self, fun, args, kwargs, name=None):
        """Batch a function of values that carry no derivative (a notrace
        function, or a NumPy function called from value-level code)."""
        vals, dims = self.unbox(args)
        out, out_dim = _hooks["raw_rule"](fun, name)(vals, dims, kwargs)
        return self.box(out, out_dim)

    def unbox(self, args):
        vals, dims = list(args), [None] * len(args)
        for i, a in enumerate(args):
            if isinstance(a, Box):
                if a._trace is self:
                    vals[i], dims[i] = a._value, a._aux
            elif type(a) in (list, tuple) and any(
                    isinstance(x, Box) and x._trace is self for x in a):
                inner = [(x._value, x._aux) if isinstance(x, Box) and x._trace is self
                         else (x, None) for x in a]
                vals[i] = type(a)(v for v, _ in inner)
                dims[i] = type(a)(d for _, d in inner)  # a sequence of batch axes
        return vals, dims


def batch_trace_of(args):
    """The highest-level batch trace among ``args`` (top level and one level of
    lists/tuples), or None."""
    top = None
    for a in args:
        for x in (a if type(a) in (list, tuple) else (a,)):
            if isinstance(x, Box) and x._value_level and (top is None or x._trace.level > top.level):
                top = x._trace
    return top


def holds_batched(seq):
    """Whether the list or tuple ``seq`` (an index tuple, say) holds a batched box.

    The tape and the dual trace unbox their own arguments only; a batched box
    inside such an argument belongs to a lower level, which must see the call
    next (raw NumPy would read the box as an array)."""
    for x in seq:
        if isinstance(x, Box) and x._value_level:
            return True
    return False


class BatchBox(Box):
    """Base class of batched boxes; ``getval`` stops at them."""

    __slots__ = ()
    _value_level = True

    def _strip(self):
        """This batched value with the differentiation boxes inside removed."""
        v = getval(self._value)
        return self if v is self._value else type(self)(v, self._trace, self._aux)


def _no_numpy(*a):
    raise RuntimeError("batching needs wengert.numpy to be imported")


_hooks = {"box": lambda v, t, d: BatchBox(v, t, d), "rule": _no_numpy, "raw_rule": _no_numpy,
          "repeat": _no_numpy}


def configure(box=None, rule=None, raw_rule=None, repeat=None):
    """Register ``box(value, trace, dim)`` (the batched box factory),
    ``rule(prim)`` (the rule of a primitive without its own ``batch``),
    ``raw_rule(fun, name)`` (the rule of a plain function of values) and
    ``repeat(value, n)`` (``value`` repeated along a new leading axis)."""
    for k, v in (("box", box), ("rule", rule), ("raw_rule", raw_rule), ("repeat", repeat)):
        if v is not None:
            _hooks[k] = v
