"""The first tier of a compiled program: the recorded calls, run in order by a loop.

Generating and compiling Python source costs about twice the tracing (for a program of
100,000 operations, seconds), which only pays off once the program runs many times.
So a traced signature first runs as an :class:`Interpreted` program: the graph's calls
exactly as recorded (no simplification: the same NumPy calls on the same values as
eager evaluation, so the same bits), each value dropped after its last reader, every
guard checked where its value is made, behind the same generated signature check as
generated code.  Building it is one pass over the graph.  Once the time spent running
it reaches the estimated cost of generating the code, the code is generated and
replaces it (:meth:`Compiled._promote`): at most about as much time goes to code
generation as went to running the program, and code generation is never paid by a
function called a few times.
"""
import operator
import time

import numpy as _np

from .. import tree as _tree
from ._entry import Names, _Miss, _Retrace
from ._plan import output_copies
from ._records import _NESTED
from ._ref import Ref

# step codes: how a call reads its arguments
_GENERAL, _ONE, _TWO, _REF_CONST, _CONST_REF = range(5)
_DROP_BYTES = 4096
ndarray = _np.ndarray


class Interpreted:
    """The program of one traced call, run by :meth:`run` on the traced leaves' values.
    ``spent`` is the time it ran so far (building included); ``on_hot``, called once
    ``spent`` reaches ``budget`` seconds, generates the code."""

    def __init__(self, traced, budget, on_hot):
        t0 = time.perf_counter()
        trace = traced.trace
        nodes = trace.nodes
        n = len(nodes)
        self.n = n
        guards = {}
        for g in trace.guards:
            guards.setdefault(g.node, []).append(g)
        # Values worth dropping once dead: arrays of 4 KB or more (a list of a program's
        # smaller values costs little, finding their last readers as much as running it)
        last = {}             # large value -> the last call that reads it
        for k, node in enumerate(nodes):
            if last:
                for j in node.deps:
                    if j in last:
                        last[j] = k
            value = node.value
            if type(value) is ndarray and value.nbytes >= _DROP_BYTES and node.kind == "call":
                last[k] = -1
        free_after = {}       # call node -> the large values dead after it
        if last:
            for kind, k in traced.outputs:
                if kind == "node":
                    last.pop(k, None)
            for j, k in last.items():
                free_after.setdefault(k if k >= 0 else j, []).append(j)
        inputs, lives, first, steps = [], [], [], []
        append, get, free_get, no = steps.append, guards.get, free_after.get, ()
        power, ref, nested = _np.power, Ref, _NESTED
        for k, node in enumerate(nodes):
            kind = node.kind
            if kind == "call":
                fun, args = node.fun, node.args
                n_args = len(args)
                if node.kwargs or n_args > 2 or not n_args:
                    append(_general(fun, k, node, free_get(k, no), get(k, no)))
                    continue
                a = args[0]
                if n_args == 1:
                    if type(a) is ref:
                        append((_ONE, fun, k, a.k, None, free_get(k, no), get(k, no)))
                    else:
                        append(_general(fun, k, node, free_get(k, no), get(k, no)))
                    continue
                if fun is power and any(
                        type(x.value if type(x) is ref else x) is ndarray for x in args):
                    fun = operator.pow    # as generated code writes it (``a ** 2`` is
                    #                       NumPy's square, not its power ufunc)
                b = args[1]
                ra, rb = type(a) is ref, type(b) is ref
                if ra and rb:
                    append((_TWO, fun, k, a.k, b.k, free_get(k, no), get(k, no)))
                elif ra and type(b) not in nested:
                    append((_REF_CONST, fun, k, a.k, b, free_get(k, no), get(k, no)))
                elif rb and type(a) not in nested:
                    append((_CONST_REF, fun, k, a, b.k, free_get(k, no), get(k, no)))
                else:
                    append(_general(fun, k, node, free_get(k, no), get(k, no)))
            elif kind == "input":
                inputs.append(k)
                first.extend(get(k, no))
            else:   # a live array: read where it lies
                lives.append((k, node.value))
                first.extend(get(k, no))
        self.inputs = tuple(inputs)
        self.lives = tuple(lives)
        self.first = tuple(first)
        self.steps = tuple(steps)
        self.outputs = tuple(output_copies(traced.outputs, nodes, _same_node))
        self.out_def = traced.out_def
        self.budget = budget
        self.on_hot = on_hot
        self.spent = time.perf_counter() - t0

    def run(self, values):
        """The program's result for the traced leaves' ``values``."""
        t0 = time.perf_counter()
        regs = [None] * self.n
        for k, v in zip(self.inputs, values):
            regs[k] = v
        for k, v in self.lives:
            regs[k] = v
        for g in self.first:
            _check(g, regs[g.node])
        for code, fun, k, a, b, free, guards in self.steps:
            if code == _ONE:
                regs[k] = fun(regs[a])
            elif code == _TWO:
                regs[k] = fun(regs[a], regs[b])
            elif code == _REF_CONST:
                regs[k] = fun(regs[a], b)
            elif code == _CONST_REF:
                regs[k] = fun(a, regs[b])
            else:
                regs[k] = fun(*_fill(a, regs), **_fill(b, regs))
            if guards:
                for g in guards:
                    _check(g, regs[k])
            if free:
                for j in free:
                    regs[j] = None
        out = []
        for kind, v, copy, _ in self.outputs:
            if kind == "node":
                v = regs[v]
            out.append(v.copy() if copy else v)
        result = _tree.unflatten(self.out_def, out)
        self.spent += time.perf_counter() - t0
        if self.spent >= self.budget and self.on_hot is not None:
            hot, self.on_hot = self.on_hot, None
            hot()
        return result


def _same_node(k):
    return k          # nothing simplified: every node is its own


def _general(fun, k, node, free, guards):
    """The step of a call read through :func:`_fill` (keywords, nested arguments)."""
    return (_GENERAL, fun, k, _template(tuple(node.args)), _template(dict(node.kwargs)),
            free, guards)


def _holds_ref(x):
    """Whether the recorded argument ``x`` holds a traced value (nested in tuples, lists,
    dicts and slices, as :func:`._graph._split` records them)."""
    t = type(x)
    if t is Ref:
        return True
    if t is tuple or t is list:
        return any(_holds_ref(v) for v in x)
    if t is dict:
        return any(_holds_ref(v) for v in x.values())
    if t is slice:
        return any(_holds_ref(v) for v in (x.start, x.stop, x.step))
    return False


class _Tmpl:
    """A recorded argument holding traced values: ``kind`` ("ref", tuple, list, dict,
    slice) and its parts."""

    __slots__ = ("kind", "parts")

    def __init__(self, kind, parts):
        self.kind, self.parts = kind, parts


def _template(x):
    """``x`` with each part that holds a traced value made a :class:`_Tmpl` (constants
    stay as they are)."""
    t = type(x)
    if t is Ref:
        return _Tmpl("ref", x.k)
    if not _holds_ref(x):
        return x
    if t is tuple or t is list:
        return _Tmpl(t, [_template(v) for v in x])
    if t is dict:
        return _Tmpl(dict, {key: _template(v) for key, v in x.items()})
    return _Tmpl(slice, [_template(v) for v in (x.start, x.stop, x.step)])


def _fill(x, regs):
    """The value of a :func:`_template` for the values in ``regs``."""
    if type(x) is tuple:         # the positional arguments (a tuple of parts)
        return tuple([_value(v, regs) for v in x])
    if type(x) is dict:          # the keyword arguments
        return {key: _value(v, regs) for key, v in x.items()}
    return _value(x, regs)


def _value(x, regs):
    if type(x) is not _Tmpl:
        return x
    kind, parts = x.kind, x.parts
    if kind == "ref":
        return regs[parts]
    if kind is dict:
        return {key: _value(v, regs) for key, v in parts.items()}
    values = [_value(v, regs) for v in parts]
    if kind is slice:
        return slice(*values)
    return values if kind is list else tuple(values)


def _check(g, v):
    """Raise ``_Retrace`` unless guard ``g`` holds for the value ``v`` (the generated
    code's :meth:`._codegen.Source._guard`, the same tests)."""
    kind, expected = g.kind, g.expected
    if kind == "bool":
        failed = not v if expected else bool(v)
    elif kind == "value":
        failed = v != expected
    elif kind == "shape":
        failed = _np.shape(v) != expected
    else:
        nan = expected.dtype.kind in "fc"
        failed = not _np.array_equal(v, expected, equal_nan=nan)
    if failed:
        raise _Retrace(g.where)


def interpreted_entry(traced, in_def, leaves, dynamic, budget, on_hot):
    """``(entry, program)``: the entry function of an :class:`Interpreted` program,
    with the generated code's signature check (it raises ``_Miss`` for another
    signature) and the watch's checks, and the program."""
    from ._watch import check_lines
    program = Interpreted(traced, budget, on_hot)
    inputs = [traced.trace.nodes[k].name for k in program.inputs]
    names = Names(traced.name, inputs)
    names.checks = check_lines(traced.watches, names.bind_hidden, traced.lives)
    head = names.entry_head(in_def, leaves, dynamic)
    body = f"    return _run(({''.join(x + ', ' for x in inputs)}))\n"
    namespace = dict(names.namespace)
    namespace.update(_Retrace=_Retrace, _Miss=_Miss, _run=program.run)
    exec(compile(head + body, f"<wengert.compile {traced.name}, interpreted>", "exec"),
         namespace)
    return namespace[f"{traced.name}_entry"], program
