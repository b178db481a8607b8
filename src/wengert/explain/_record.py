"""One evaluation, read three ways: values, tangents (forward) and adjoints (reverse).

The inputs are dual numbers (forward mode) boxed again by a tape (reverse
mode), so every tape entry's result carries its tangent; the core's backward
pass over the same operations on plain values then gives the adjoint of every
node and, through its observer, the gradient carried by every wire (for the
circuit diagram).
"""
import inspect

import numpy as _np

from .. import tree
from .._core import DualTrace, Entry, TapeTrace, box_value, getval
from . import groups as _groups


class Recording:
    """Everything ``trace`` and ``graph`` show, indexed by tape node.

    ``names[k]``, ``values[k]``, ``tangents[k]`` (``None`` = zero) and
    ``adjoints[k]`` (``None`` = zero) for node ``k``; ``entries[k]`` its
    operation, a tape :data:`~wengert._core.Entry` (``None`` for an input; its
    arguments and result as recorded: dual numbers); ``inputs`` the input
    nodes; ``out_node`` the output's node (``None`` when the output does not
    depend on the inputs); ``wire_grads[(k, i)]`` the gradient flowing back
    from node ``k`` into its argument ``i``; ``seed`` the output's cotangent
    (ones); ``groups`` the spans named by :func:`~wengert.explain.gate` /
    ``scope``.
    """

    def __init__(self, fun, args, tangent, who):
        self.fun_name = getattr(fun, "__name__", type(fun).__name__)
        if not callable(fun):
            raise TypeError(f"{who}: fun must be callable, got {type(fun).__name__}; "
                            f"pass the function itself, e.g. {who}(f, 1.5, 0.5)")
        if not args:
            raise TypeError(f"{who}: no arguments given; pass the point to evaluate at, "
                            f"e.g. {who}(f, 1.5, 0.5)")
        if tangent is None:
            tangent = tuple(1.0 if i == 0 else 0.0 for i in range(len(args)))
        elif not isinstance(tangent, (tuple, list)) or len(tangent) != len(args):
            raise ValueError(f"{who}: tangent must be a tuple with one entry per argument "
                             f"({len(args)}), got {tangent!r}; e.g. tangent=(1.0, 0.0)")
        pnames = _param_names(fun, len(args))
        dual, tape = DualTrace(), TapeTrace()
        tape.lean = False     # the table shows every value, so the tape keeps them all
        self.names, self.inputs, self.point = {}, [], []
        # each input node's dual number, kept now: a function that writes into its
        # input (x[0] = 0) rebinds the box to a later node
        input_values = {}
        boxed_args = []
        for pname, a, t in zip(pnames, args, tangent):
            leaves, tdef = tree.flatten(a)
            t_leaves = _tangent_leaves(t, leaves, pname, who)
            paths = _paths(a, pname)
            boxes = []
            for j, (leaf, tl) in enumerate(zip(leaves, t_leaves)):
                if not _is_float(leaf):
                    boxes.append(leaf)  # integers, booleans, strings: constants
                    continue
                b = tape.new_input(dual.new_input(leaf, tl))
                k = tape.node_of(b)
                self.names[k] = paths[j] if len(paths) == len(leaves) else f"{pname}[{j}]"
                self.inputs.append(k)
                input_values[k] = box_value(b)
                boxes.append(b)
            boxed_args.append(tree.unflatten(tdef, boxes))
            self.point.append((pname, a))
        spans = _groups._Spans(tape)
        try:
            with _groups.recording(spans):
                out = fun(*boxed_args)
        finally:
            tape.recording = False
        self.groups = spans.sorted_groups()
        self.group_path = {}  # node -> path of the innermost group holding it
        for g in sorted(self.groups, key=lambda g: g.depth):
            for k in range(g.start, g.end):
                self.group_path[k] = g.path
        self.out_node = tape.node_of(out) if tape.owns(out) else None
        self.output = getval(out)
        if isinstance(self.output, (tuple, list, dict)):
            raise TypeError(f"{who}: {self.fun_name} returned a {type(self.output).__name__}; "
                            "explain one output at a time, e.g. lambda *a: f(*a)[0]")
        # every node's operation (None for an input), value and tangent
        n = len(tape.entries)
        self.entries = [tape.entry(k) for k in range(n)]
        self.values, self.tangents = [None] * n, [None] * n
        count = 0
        for k, e in enumerate(self.entries):
            if e is None:
                v = input_values[k]
            else:
                v = e.ans
                count += 1
                self.names[k] = f"v_{count}"
            if dual.owns(v):
                self.tangents[k] = getval(dual.tangent_of(v))
            self.values[k] = getval(v)
        self._backward()

    def _backward(self):
        """The adjoint of every node and the gradient on every wire: one backward pass
        (the core's) over the same operations on plain values, so that the reverse
        rules read no dual numbers."""
        n = len(self.entries)
        self.adjoints = [None] * n
        self.wire_grads = {}
        self.seed = None
        if self.out_node is None:
            return
        out = self.values[self.out_node]
        self.seed = _np.ones_like(out, dtype=float) if _np.ndim(out) else 1.0
        plain = TapeTrace()
        plain.entries = [None if e is None else
                         Entry(e.prim, [getval(a) for a in e.args], e.kwargs, value, e.parents)
                         for e, value in zip(self.entries, self.values)]
        wire_grads = self.wire_grads

        def observe(k, g, argnum, parent, gi):
            wire_grads[(k, argnum)] = getval(gi)

        adjoints = plain.backward([(self.out_node, self.seed)], range(n), observe)
        for k, g in adjoints.items():
            self.adjoints[k] = getval(g)

    def view(self, collapse):
        """Which groups are shown as one gate: a :class:`GroupView`."""
        return GroupView(self, _groups.shown_groups(self.groups, collapse))

    def op_name(self, k):
        """The operation of node ``k`` without the ``numpy.`` prefix."""
        return short_op(self.entries[k].prim.name)


class GroupView:
    """The groups shown collapsed, each with its inputs and outputs.

    ``owner[k]`` is the index (into ``groups``) of the collapsed group that
    holds node ``k`` (absent when node ``k`` is shown itself);
    ``inputs[j]`` the nodes outside group ``j`` that it reads, in order;
    ``outputs[j]`` its nodes read after it (or the output).
    """

    def __init__(self, rec, groups):
        self.groups = groups
        self.owner = {k: j for j, g in enumerate(groups) for k in range(g.start, g.end)}
        self.inputs = [[] for _ in groups]
        self.outputs = [[] for _ in groups]
        used_after = set()
        for k, e in enumerate(rec.entries):
            if e is None:
                continue
            j = self.owner.get(k)
            for _, pk in e.parents:
                if j is not None and self.owner.get(pk) != j and pk not in self.inputs[j]:
                    self.inputs[j].append(pk)
                jp = self.owner.get(pk)
                if jp is not None and jp != j:
                    used_after.add(pk)
        if rec.out_node is not None:
            used_after.add(rec.out_node)
        for j, g in enumerate(groups):
            outs = [k for k in range(g.start, g.end) if k in used_after]
            self.outputs[j] = outs or [g.end - 1]
            # a gate's inputs in the order of its parameters, then anything it captured
            order = {k: i for i, k in enumerate(dict.fromkeys(g.args))}
            self.inputs[j].sort(key=lambda k: order.get(k, len(order)))


def short_op(name):
    """``numpy.sin`` -> ``sin``; ``wengert.numpy.getitem`` -> ``getitem``."""
    for prefix in ("wengert.numpy.", "numpy."):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _param_names(fun, n):
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        else:
            break
    if len(names) < n or len(set(names)) < len(names):
        return [f"x{i + 1}" for i in range(n)]
    return names[:n]


def _paths(x, prefix):
    """Names of the leaves of ``x`` in ``tree.flatten``'s order: ``p['w']``, ``p[0]``."""
    t = type(x)
    if t is dict:
        return [n for k in x for n in _paths(x[k], f"{prefix}[{k!r}]")]
    if t in (list, tuple) or (isinstance(x, tuple) and hasattr(x, "_fields")):
        fields = getattr(x, "_fields", None)
        return [n for i, v in enumerate(x)
                for n in _paths(v, f"{prefix}.{fields[i]}" if fields else f"{prefix}[{i}]")]
    if x is None:
        return []
    return [prefix]


def _is_float(x):
    if isinstance(x, (bool, _np.bool_)):
        return False
    if isinstance(x, (float, complex, _np.floating, _np.complexfloating)):
        return True
    dt = getattr(x, "dtype", None)
    return dt is not None and dt.kind in "fc"


def _tangent_leaves(t, leaves, pname, who):
    if len(leaves) == 1:
        t_leaves = [t]
    elif _np.ndim(t) == 0 and not isinstance(t, (tuple, list, dict)):
        t_leaves = [t] * len(leaves)  # one number for the whole tree
    else:
        t_leaves, _ = tree.flatten(t)
        if len(t_leaves) != len(leaves):
            raise ValueError(f"{who}: the tangent for {pname} has {len(t_leaves)} leaves but "
                             f"{pname} has {len(leaves)}; give one number or a tree like it")
    out = []
    for leaf, tl in zip(leaves, t_leaves):
        if not _is_float(leaf):
            out.append(None)
            continue
        shape = _np.shape(leaf)
        try:
            arr = _np.broadcast_to(_np.asarray(tl, dtype=_np.result_type(leaf, float)), shape)
        except (ValueError, TypeError):
            raise ValueError(f"{who}: the tangent for {pname} ({tl!r}) does not fit its shape "
                             f"{shape}; give a number or an array of shape {shape}") from None
        out.append(arr.copy() if shape else arr[()].item() if isinstance(leaf, float) else arr[()])
    return out
