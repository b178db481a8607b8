"""Simplifying a recorded graph before it is written out.

Passes, in order: identities are dropped (``x * 1``, ``x + 0``, a reshape or a
cast to what ``x`` already is), common subexpressions are merged (:func:`simplify`
gives, for each node dropped, the node whose value it is), and everything no output
or guard needs is removed (:func:`needed`).
"""
import numpy as _np

from ._graph import Ref
from ._internals import ArrayVSpace, _astype_impl


def simplify(nodes):
    """``{k: j}``: call node ``k`` computes what node ``j`` (never itself in the map)
    already holds, as an identity of ``j`` or the same call on the same arguments."""
    alias, seen, deterministic = {}, {}, {}
    get = alias.get

    def key(x):
        """A hashable description of an argument: a node's number for a traced value,
        ``(type, value)`` for a literal, else the identity."""
        t = type(x)
        if t is Ref:
            return get(x.k, x.k)
        if t is tuple or t is list:
            return (t,) + tuple([key(v) for v in x])
        if t is int or t is bool or t is str or x is None or x is Ellipsis:
            return (t, x)
        if t is float or t is complex:
            return (t, repr(x))     # -0.0 and 0.0 apart
        if t is dict:
            return (t,) + tuple([(key(k), key(v)) for k, v in x.items()])
        if t is slice:
            return (t, key(x.start), key(x.stop), key(x.step))
        return ("id", id(x))

    for k, node in enumerate(nodes):
        if node.kind != "call":
            continue
        same = _identity_of(node)
        if same is not None:
            alias[k] = get(same, same)
            continue
        fun = node.fun
        det = deterministic.get(id(fun))
        if det is None:
            det = deterministic[id(fun)] = _deterministic(fun)
        if det:
            parts = [tuple]      # key(node.args), Refs inline: most arguments are
            try:
                for a in node.args:
                    parts.append(get(a.k, a.k) if type(a) is Ref else key(a))
                kwargs = node.kwargs
                sig = (id(fun), tuple(parts), key(kwargs) if kwargs else _NO_KEYWORDS)
            except TypeError:
                continue
            j = seen.get(sig)
            if j is not None and _same_type(nodes[j].value, node.value):
                alias[k] = j
            else:
                seen[sig] = k
    return alias


_NO_KEYWORDS = (dict,)      # key({})


def needed(nodes, alias, roots):
    """The nodes that the nodes ``roots`` (outputs and guards) need, themselves included
    (each node as ``alias`` resolves it)."""
    get = alias.get
    live = set()
    stack = [get(k, k) for k in roots]
    while stack:
        k = stack.pop()
        if k in live:
            continue
        live.add(k)
        node = nodes[k]
        if node.kind == "call":
            stack.extend([get(j, j) for j in node.deps])
    return live


def _same_type(a, b):
    t = type(a)
    if t is not type(b):
        return False
    if t is float or t is _np.float64:
        return True
    if t is _np.ndarray:
        return a.dtype == b.dtype and a.shape == b.shape
    if getattr(a, "dtype", None) != getattr(b, "dtype", None):
        return False
    if type(a) in (tuple, list):
        return len(a) == len(b) and all(_same_type(x, y) for x, y in zip(a, b))
    try:
        return _np.shape(a) == _np.shape(b)
    except ValueError:
        return False


def _deterministic(fun):
    mod = getattr(fun, "__module__", "") or ""
    owner = getattr(fun, "__self__", None)
    return "random" not in mod and not isinstance(owner, (_np.random.Generator,
                                                          _np.random.RandomState))


def _is_const(x, value):
    """``x`` is a constant (not traced) equal to ``value`` everywhere."""
    t = type(x)
    if t is Ref:
        return False
    if t is float or t is int:
        return x == value
    try:
        arr = _np.asarray(x)
    except Exception:
        return False
    return arr.dtype.kind in "biufc" and arr.size > 0 and bool(_np.all(arr == value))


def _is_identity(x):
    """``x`` is a constant (not traced) identity matrix."""
    if type(x) is not _np.ndarray or x.ndim != 2 or x.shape[0] != x.shape[1] or \
            x.dtype.kind not in "biuf":
        return False
    return bool(_np.all(x.diagonal() == 1)) and _np.count_nonzero(x) == x.shape[0]


def _identity_of(node):
    """The node whose value ``node`` merely passes on (``x * 1``, ``x + 0``, a reshape
    or cast to what ``x`` already is), or None."""
    fun, args, out = node.fun, node.args, node.value
    if node.kwargs:
        return None
    try:
        if fun not in _CANDIDATES and (type(fun) is _np.ufunc or getattr(
                fun, "__func__", None) not in _RESHAPES):
            return None     # most calls: not one that can pass its argument on
    except TypeError:       # an unhashable callable: the checks below
        pass
    if (fun is _np.multiply or fun is _np.add) and len(args) == 2:    # most candidates
        unit = 1 if fun is _np.multiply else 0
        a, b = args
        if type(a) is Ref and type(b) is not Ref and _is_const(b, unit) and \
                _same_type(a.value, out):
            return a.k
        if type(b) is Ref and type(a) is not Ref and _is_const(a, unit) and \
                _same_type(b.value, out):
            return b.k
        return None
    candidates = ()
    if fun in (_np.subtract, _np.true_divide, _np.power) and len(args) == 2:
        if _is_const(args[1], 0 if fun is _np.subtract else 1):
            candidates = [(args[0], args[1])]
    elif fun is _np.matmul and len(args) == 2:     # by an identity matrix (a basis)
        candidates = [(args[i], args[1 - i]) for i in (0, 1) if _is_identity(args[1 - i])]
    for x, _ in candidates:
        if type(x) is Ref and _same_type(x.value, out):
            return x.k
    if args and type(args[0]) is Ref and (
            fun in _RESHAPES or getattr(fun, "__func__", None) in _RESHAPES) and \
            _same_type(args[0].value, out):
        return args[0].k
    return None


_RESHAPES = {_np.reshape, _np.ravel, _np.squeeze, _np.asarray, _np.ascontiguousarray,
             _np.broadcast_to, _np.real_if_close,
             _astype_impl,          # wengert.numpy's astype: a cast to what it already is
             ArrayVSpace.cast}      # a cast to the type the value already has
_CANDIDATES = _RESHAPES | {_np.multiply, _np.add, _np.subtract, _np.true_divide, _np.power,
                           _np.matmul}
