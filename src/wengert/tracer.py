"""``wengert.tracer``: autograd's tracing API, on wengert's traces.

``trace(start_node, fun, x)`` evaluates ``fun(x)`` and builds a graph of
user-defined ``Node`` objects, one per primitive applied to a value that
depends on ``x``, exactly as autograd's ``tracer.trace`` does: each node is
constructed as ``NodeType(value, fun, args, kwargs, parent_argnums, parents)``
and the root with ``NodeType.new_root(*root_args)``.  It is a third reading of
the same primitives that reverse mode (the tape) and forward mode (dual
numbers) read, so it nests with ``grad`` and friends in any order.

Example (a printing tracer, as in autograd's print_trace example, in miniature):
    >>> import wengert.numpy as np
    >>> from wengert.tracer import Node, trace
    >>> class Names(Node):
    ...     def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
    ...         self.names = [n for p in parents for n in p.names] + [fun.__name__]
    ...     def initialize_root(self):
    ...         self.names = []
    >>> value, node = trace(Names.new_root(), lambda x: np.sin(x) * 2.0, 1.0)
    >>> node.names
    ['sin', 'multiply']
"""
from ._core import Box, box_value, getval, new_box, notrace_primitive, primitive
from ._core.box import Trace
from .util import subvals, toposort

__all__ = ["Node", "trace", "primitive", "notrace_primitive", "getval", "isbox", "new_box",
           "Box", "register_notrace", "toposort", "subvals", "box_types", "notrace_primitives"]

# Node type -> primitives that pass values through untraced for that node type
notrace_primitives = {}


class Node:
    """Base class of the nodes a :func:`trace` builds.  Subclasses define
    ``__init__(self, value, fun, args, kwargs, parent_argnums, parents)`` for
    the result of primitive ``fun`` applied to ``args`` (the values of the
    traced arguments at positions ``parent_argnums``, whose nodes are
    ``parents``), and ``initialize_root(self, *args, **kwargs)`` for the root."""

    __slots__ = ()

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        raise NotImplementedError(f"{type(self).__name__} must define __init__")

    def initialize_root(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define initialize_root")

    @classmethod
    def new_root(cls, *args, **kwargs):
        """A root node: ``initialize_root`` instead of ``__init__``."""
        root = cls.__new__(cls)
        root.initialize_root(*args, **kwargs)
        return root


class NodeTrace(Trace):
    """One :func:`trace` call: its boxes carry user ``Node`` objects as their aux."""

    __slots__ = ()

    node_of = Trace.aux_of      # a box's user Node

    def apply(self, prim, args, kwargs):
        vals = list(args)
        argnums, parents = [], []
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Box):
                if self.owns(a):
                    v = vals[i] = box_value(a)
                    argnums.append(i)
                    parents.append(self.node_of(a))
                    lower = lower or isinstance(v, Box)
                else:
                    lower = True
        ans = prim.wrapped(*vals, **kwargs) if lower else prim.fun(*vals, **kwargs)
        node_type = type(parents[0])
        if prim.wrapped in notrace_primitives.get(node_type, ()):
            return ans
        node = node_type(ans, prim.wrapped, tuple(vals), kwargs, tuple(argnums), tuple(parents))
        return new_box(ans, self, node)


def trace(start_node, fun, x):
    """Evaluate ``fun(x)`` with ``x`` traced from ``start_node``.

    Returns ``(end_value, end_node)``; ``end_node`` is None when the result
    does not depend on ``x``.
    """
    t = NodeTrace()
    end_box = fun(new_box(x, t, start_node))
    if t.owns(end_box):
        return box_value(end_box), t.node_of(end_box)
    return end_box, None


def isbox(x):
    """Whether ``x`` is a traced value (a box of any trace)."""
    return isinstance(x, Box)


def register_notrace(trace_type, primitive_fun):
    """Let ``primitive_fun``'s results pass through traces of ``trace_type``
    (a Node class) untraced.

    Example:
        >>> import wengert.numpy as np
        >>> class Ops(Node):
        ...     def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        ...         self.ops = parents[0].ops + [fun.__name__]
        ...     def initialize_root(self):
        ...         self.ops = []
        >>> register_notrace(Ops, np.floor)
        >>> trace(Ops.new_root(), lambda x: np.floor(x) + np.exp(x), 0.5)[1].ops
        ['exp', 'add']
    """
    notrace_primitives.setdefault(trace_type, set()).add(primitive_fun)


def box_types():
    """The box classes wengert uses (for ``isinstance`` checks)."""
    from ._core.box import _box_types, _default_box
    return set(_box_types.values()) | {_default_box[0]}
