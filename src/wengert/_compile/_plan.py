"""The plan of the generated code: its statements in order, what each reads, which
are written inline, which write into a dead operand's buffer (:func:`in_place_pick`),
and the names of the values.

A function with thousands of locals is slow to enter and to leave, and keeps every
intermediate array alive until it returns, so the code that runs names its values
``r0, r1, ...`` and hands a name on as soon as the value it held is dead
(:class:`Registers`).  The names are given while the statements are written
(:meth:`._codegen.Source._emit`), from the last reader of each value, known
beforehand from the graph (:func:`plan`).
"""
import numpy as _np

from ._graph import Ref


def plan(nodes, resolve, live, alias, guards, outputs):
    """``(stmts, reads, uses)`` of a simplified graph: ``stmts`` holds ``(k, guard)``
    per statement (``guard`` None: the call of node ``k``), the guards of inputs and
    live arrays first; ``reads`` per statement (and one more: the return), the call
    nodes it reads, each once; ``uses`` how often the program reads each node (outputs
    and guarded nodes 1000 more, so that they are never overwritten in place).
    ``guards`` maps each resolved node to its guards; ``outputs`` holds ``("node", k)``
    or ``("const", value)`` per output."""
    stmts, reads = [], []
    for k, node in enumerate(nodes):
        if node.kind != "call":
            for g in guards.get(k, ()):
                stmts.append((k, g))
                reads.append(())
    uses = {}
    count = uses.get
    for k, node in enumerate(nodes):
        if k not in live or node.kind != "call" or k in alias:
            continue
        stmts.append((k, None))
        read = []
        for j in node.deps:
            j = resolve(j, j)
            uses[j] = count(j, 0) + 1
            if nodes[j].kind == "call" and j not in read:
                read.append(j)
        reads.append(read)
        if k in guards:
            for g in guards[k]:
                stmts.append((k, g))
                reads.append((k,))
    read = []     # the return statement
    for kind, k in outputs:
        if kind == "node":
            j = resolve(k, k)
            uses[j] = count(j, 0) + 1000
            if nodes[j].kind == "call" and j not in read:
                read.append(j)
    reads.append(read)
    for j in guards:
        uses[j] = count(j, 0) + 1000
    return stmts, reads, uses


def plan_inline(stmts, reads, nodes, uses, in_place):
    """The statements that the code that runs writes inside the next statement, its
    only reader, rather than as statements of their own (``np.exp(np.sin(r0) * x0 +
    0.5)``: Python compiles a third fewer statements, and runs them faster): calls of a
    ufunc, without keywords, read once, and by the very next statement, a plain one (not
    an update in place: ``in_place(node)``, asked of arrays only), so that nothing runs
    in a new order.
    Their reads become the reader's, in ``reads`` (changed in place)."""
    inline = set()
    ufunc, ndarray, count = _np.ufunc, _np.ndarray, uses.get
    for i in range(len(stmts) - 1):
        k, g = stmts[i]
        if g is not None or count(k) != 1:
            continue
        node = nodes[k]
        fun = node.fun
        if type(fun) is not ufunc or node.kwargs or fun.nout != 1:
            continue
        r, g = stmts[i + 1]
        if g is not None:
            continue
        after = reads[i + 1]
        if k not in after or (type(node.value) is ndarray and in_place(node)) or (
                type(nodes[r].value) is ndarray and in_place(nodes[r])):
            continue
        inline.add(i)
        merged = list(after)       # the reads of both, each once (k read once: in after)
        merged.remove(k)
        for j in reads[i]:
            if j not in merged:
                merged.append(j)
        reads[i + 1], reads[i] = merged, ()
    return inline


# an update in place pays off from this size on
_INPLACE_BYTES = 1 << 15
# functions known to return a new array that nothing else refers to
_FRESH = {_np.matmul, _np.dot, _np.tensordot, _np.einsum, _np.outer, _np.sum}


def in_place_pick(node, uses, nodes, resolve):
    """``(i, j)``: the elementwise NumPy function of ``node`` may write into its argument
    ``i``, the value of node ``j``: a large array, fresh (a new array nothing else refers
    to) and read nowhere else; or None."""
    fun = node.fun
    if not isinstance(fun, _np.ufunc) or fun.nout != 1 or node.kwargs:
        return None
    out = node.value
    if type(out) is not _np.ndarray or out.nbytes < _INPLACE_BYTES:
        return None   # small arrays: a new one costs less than out= does
    for i, a in enumerate(node.args):
        if type(a) is not Ref:
            continue
        j = resolve(a.k, a.k)
        src = nodes[j]
        if (src.kind == "call" and uses.get(j) == 1 and _is_fresh(src)
                and src.value.shape == out.shape and src.value.dtype == out.dtype):
            return i, j
    return None


def _is_fresh(node):
    v = node.value
    if type(v) is not _np.ndarray or v.base is not None or not v.flags.writeable:
        return False
    fun = node.fun
    return (isinstance(fun, _np.ufunc) or fun in _FRESH) and not node.kwargs


def output_copies(outputs, nodes, resolve):
    """Per output leaf (``("node", k)`` or ``("const", value)``) ``(kind, j, copy, k)``:
    ``j`` the node whose value it is (``resolve(k)``) or the constant, ``copy`` whether
    the program returns a copy (``k`` None for a constant).  Every call returns arrays of its own, as eager
    evaluation does: a constant array, an output that simplification made another
    value (``x * 1`` is ``x``), a value returned twice, or a live array (or a view of
    one) is copied, so that writing into a result never changes an input, a closed-over
    array, another result or the next call's result."""
    lives = [n.value for n in nodes if n.kind == "live"]
    out, seen = [], set()
    for kind, v in outputs:
        if kind == "const":
            out.append(("const", v, isinstance(v, _np.ndarray), None))
            continue
        j = resolve(v)
        value, same = nodes[v].value, nodes[j].value is nodes[v].value
        if nodes[j].kind == "input":
            shared = not same          # eager returned the input itself only if same
        elif nodes[j].kind == "live":
            shared = True
        else:
            shared = j in seen or not same or (type(value) is _np.ndarray and any(
                _np.may_share_memory(value, a) for a in lives))
        seen.add(j)
        out.append(("node", j, shared and isinstance(value, _np.ndarray), v))
    return out


def last_reads(reads):
    """``{node: index of the last statement that reads it}``, from ``reads`` (per
    statement, the nodes it reads)."""
    last = {}
    for i, nodes in enumerate(reads):
        for k in nodes:
            last[k] = i
    return last


class Registers:
    """The free names, and the statements' reads and last readers."""

    __slots__ = ("reads", "last", "free", "count")

    def __init__(self, reads, last):
        self.reads = reads      # per statement, the nodes it reads (each once)
        self.last = last
        # a dict used as an ordered set: O(1) membership, removal and last-in-first-out
        # reuse (a list made this quadratic in the program's length)
        self.free = {}
        self.count = 0

    def release(self, i, names):
        """Free the names of the values statement ``i`` reads for the last time."""
        last = self.last
        for k in self.reads[i]:
            if last[k] == i:
                self.free[names[k]] = None

    def new(self, k):
        """A name for the value of node ``k``: a free one, or a fresh one if none is
        free or nothing reads the value (a guard's value only)."""
        if self.free and k in self.last:
            return self.free.popitem()[0]
        name = f"r{self.count}"
        self.count += 1
        return name

    def keep(self, name, k, i):
        """``name``, freed by statement ``i`` (an update in place of a value dead after
        it), now holds node ``k``'s value: taken again if a later statement reads it."""
        if name in self.free and self.last.get(k, -1) > i:
            del self.free[name]
