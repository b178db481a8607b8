"""Reverse mode: the tape (Wengert list) and its one-loop backward pass."""
from collections import namedtuple
import sys

from . import hooks
from .batching import holds_batched
from .box import Box, Trace, _box_types, _default_box, new_box
from .rules import vjp_rule
from .vspace import add_any

_observers = hooks.observers       # (the same list: watch and unwatch change it in place)
_box_type = _box_types.get


# lean(keep, args, ans, parents) -> (args, ans) to keep on the tape: what no reverse
# rule reads replaced by stand-ins holding no memory (set by the NumPy layer)
_lean = [None]
_lean_bytes = [float("inf")]   # values smaller than this (in .nbytes) are never dropped
_lean_types = set()            # the types of values that can be dropped (arrays)


def set_lean(fun, min_bytes, types):
    _lean[0] = fun
    _lean_bytes[0] = min_bytes
    _lean_types.clear()
    _lean_types.update(types)


def lean_min_bytes():
    """The size (``nbytes``) from which values may be dropped from the tape: the one
    threshold, set by :func:`set_lean`."""
    return _lean_bytes[0]


# accumulate(cts, node, g) -> the cotangent of node plus g, added in place into the one
# held by cts when nothing else holds it, for cotangents of the given types (arrays);
# set by the NumPy layer.  Other cotangents are added with add_any.
_accumulate = [None]
_accumulate_types = set()


def set_accumulate(fun, types):
    _accumulate[0] = fun
    _accumulate_types.clear()
    _accumulate_types.update(types)


def _refs(x):
    return sys.getrefcount(x)


def _refs_of_a_local():
    value = object()      # held by this local name alone, as the backward pass holds ans
    return _refs(value)


# _refs(ans) for an ans that the backward pass alone holds; -1 (never in place) where
# reference counts are not exact
_SOLE = (_refs_of_a_local() if hasattr(sys, "getrefcount")
         and getattr(sys, "_is_gil_enabled", lambda: True)() else -1)


# One tape entry, by name (the tape stores plain tuples in this order: building a
# named record per operation would cost the eager pass; readers get this view).
Entry = namedtuple("Entry", "prim args kwargs ans parents")
Entry.__doc__ = """One recorded operation: the primitive, its unboxed arguments and keyword
arguments, its output, and ``parents``, the ``(argnum, node)`` pairs of the arguments
that are boxes of the same tape."""


class TapeTrace(Trace):
    """Records each primitive applied to its boxes, in execution order.

    ``entries[k]`` is ``(prim, args, kwargs, ans, parents)`` for the operation
    that produced node ``k`` (``None`` for an input), where ``args`` are the
    unboxed arguments and ``parents`` lists ``(argnum, node)`` for the
    arguments that are boxes of this tape.
    """

    __slots__ = ("entries", "recording", "lean", "release", "inplace")

    def __init__(self):
        super().__init__()
        self.entries = []
        self.recording = True
        self.lean = True    # drop what no reverse rule reads (False: keep every value)
        # the tape is read by one backward pass only: it drops each entry's values as
        # soon as the pass is past it (a vjp function that may be called again: False)
        self.release = False
        # the nodes of large outputs whose primitive has an in-place reverse rule (see
        # rules.def_vjp_inplace): the backward pass considers these alone
        self.inplace = set()

    node_of = Trace.aux_of      # a box's node index on this tape

    def entry(self, k):
        """Node ``k``'s operation as an :data:`Entry` (``None`` for an input)."""
        e = self.entries[k]
        return None if e is None else Entry._make(e)

    def new_input(self, value):
        """A box for an input (a leaf of the graph)."""
        k = len(self.entries)
        self.entries.append(None)
        return new_box(value, self, k)

    def new_inputs(self, values):
        """Boxes for several inputs at once, and their nodes (one call for a tree of
        parameters, instead of one per leaf)."""
        entries = self.entries
        k = len(entries)
        entries.extend([None] * len(values))
        get, default = _box_type, _default_box[0]
        boxes = [get(type(v), default)(v, self, k + i) for i, v in enumerate(values)]
        return boxes, list(range(k, k + len(values)))

    def apply(self, prim, args, kwargs):
        # (the hottest function of the eager pass: a counter instead of enumerate, the
        # module-level lookups bound once; measured, see benchmarks W1)
        vals = list(args)
        parents = []
        lower = False
        i = 0
        for a in args:
            if isinstance(a, Box):
                if a._trace is self:
                    v = vals[i] = a._value
                    parents.append((i, a._aux))
                    if isinstance(v, Box):  # a box of a lower level inside ours
                        lower = True
                else:
                    lower = True
            elif (type(a) is tuple or type(a) is list) and holds_batched(a):
                lower = True   # an index tuple holding a batched index, say
            i += 1
        if lower:
            ans = prim.wrapped(*vals, **kwargs)
        else:
            ans = prim.fun(*vals, **kwargs) if kwargs else prim.fun(*vals)
        if _observers:
            hooks.notify("forward", prim, ans, vals)
        if not self.recording:
            return ans
        entries = self.entries
        k = len(entries)
        t = type(ans)
        if prim.keep is not None and self.lean and (
                (t in _lean_types and ans.nbytes >= _lean_bytes[0]) or
                (type(vals[0]) in _lean_types and vals[0].nbytes >= _lean_bytes[0])):
            kept, kept_ans = _lean[0](prim.keep, vals, ans, parents)
            entries.append((prim, kept, kwargs, kept_ans, parents))
            if prim.vjp_inplace is not None:
                self.inplace.add(k)
        else:
            entries.append((prim, vals, kwargs, ans, parents))
        return _box_type(t, _default_box[0])(ans, self, k)   # new_box, inlined

    def backward(self, seeds, wanted, observe=None):
        """Walk the tape once, from the last seed back to the first wanted node.

        ``seeds`` is a list of ``(node, cotangent)``; ``wanted`` a collection
        of nodes whose total cotangents are returned as ``{node: cotangent}``
        (nodes that receive none are absent).  Cotangents *add* where a value
        fans out.  Only a loop: a chain of any length is fine.

        ``observe(k, g, argnum, parent, gi)``, when given, is called for every
        cotangent ``gi`` that node ``k`` (whose total cotangent is ``g``) sends back to
        its argument ``argnum``, which is node ``parent`` (debugging views draw the
        gradient on every wire with it).
        """
        cts = {}
        for k, g in seeds:
            prev = cts.get(k)
            cts[k] = g if prev is None else add_any(prev, g)
        if not cts or not wanted:
            return {}
        wanted = set(wanted)
        lo = min(wanted)
        out = {}
        entries = self.entries
        release = self.release
        marked = self.inplace
        accumulate, acc_types = _accumulate[0], _accumulate_types
        for k in range(max(cts), lo - 1, -1):
            g = cts.pop(k, None)
            if g is None:
                continue
            if k in wanted:
                out[k] = g
            entry = entries[k]
            if entry is None:
                continue
            if release:   # no later step reads this entry: its values go with the locals
                entries[k] = None
            prim, args, kwargs, ans, parents = entry
            entry = None   # (its tuple goes now: a released entry then holds nothing)
            # (the adding of a cotangent into cts is written out in both branches below:
            # a shared helper would cost a call per cotangent on the hottest loop, and
            # would hold a reference that stops accumulate from adding in place)
            if prim.vjp_joint is not None:
                gs = prim.vjp_joint([a for a, _ in parents], g, ans, *args, **kwargs)
                for (argnum, pk), gi in zip(parents, gs):
                    if gi is not None:
                        if observe is not None:
                            observe(k, g, argnum, pk, gi)
                        if _observers:
                            hooks.notify("reverse", prim, gi, (argnum, ans))
                        prev = cts.get(pk)
                        if prev is None:
                            cts[pk] = gi
                        elif type(prev) in acc_types:
                            prev = None     # accumulate counts the references to cts[pk]
                            cts[pk] = accumulate(cts, pk, gi)
                        else:
                            cts[pk] = add_any(prev, gi)
                            prev = None
                gs = gi = None     # (a reference left here would keep cts' arrays shared)
            else:
                vjps = prim.vjps
                if (marked and k in marked and release and observe is None
                        and not _observers and _refs(ans) == _SOLE):
                    inplace = prim.vjp_inplace
                    if vjps.get(0) is inplace[0]:
                        vjps = inplace[1]   # ans is seen by nothing else: its memory is free
                for argnum, pk in parents:
                    rule = vjps.get(argnum) or vjp_rule(prim, argnum)
                    gi = rule(g, ans, *args, **kwargs) if kwargs else rule(g, ans, *args)
                    if gi is None:
                        continue
                    if observe is not None:
                        observe(k, g, argnum, pk, gi)
                    if _observers:
                        hooks.notify("reverse", prim, gi, (argnum, ans))
                    prev = cts.get(pk)
                    if prev is None:
                        cts[pk] = gi
                    elif type(prev) in acc_types:
                        prev = None
                        cts[pk] = accumulate(cts, pk, gi)
                    else:
                        cts[pk] = add_any(prev, gi)
                        prev = None
        return out
