"""Graph tracers built on :func:`wengert.tracer.trace`: ``const_graph`` and ``full_graph``.

``const_graph(fun)`` records ``fun``'s graph of primitive calls on its first
call and, on later calls, replays the recorded calls on the new inputs
without running ``fun``'s Python code again (its control flow must not depend
on the inputs).  The replay calls the same primitives, so it can be
differentiated.  ``full_graph(fun, *args)`` returns the end node of a graph
whose nodes keep each value and how it was computed.

Example:
    >>> import wengert, wengert.numpy as np
    >>> from wengert.misc.tracers import const_graph
    >>> calls = []
    >>> def f(x):
    ...     calls.append(1)
    ...     return np.sin(x) * x
    >>> fast = const_graph(f)
    >>> float(fast(1.0)) == float(fast(1.0)) == float(np.sin(1.0))
    True
    >>> len(calls), float(wengert.grad(fast)(0.0))
    (1, 0.0)
"""
import functools

from ..tracer import Node, trace
from ..util import subvals, toposort

__all__ = ["const_graph", "const_graph_unary", "full_graph", "ConstGraphNode", "FullGraphNode"]


class ConstGraphNode(Node):
    """A node that can recompute its value from its parents' values."""

    __slots__ = ("parents", "partial_fun")

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        fixed = subvals(args, [(i, None) for i in parent_argnums])  # don't keep traced values

        def partial_fun(parent_values):
            return fun(*subvals(fixed, zip(parent_argnums, parent_values)), **kwargs)

        self.parents = parents
        self.partial_fun = partial_fun

    def initialize_root(self):
        self.parents = []


def const_graph_unary(fun):
    """:func:`const_graph` for a function of one argument."""
    graph = []
    pending = [fun]   # dropped after the recording: fun may hold large bound values

    def maybe_cached_fun(x):
        if graph:
            nodes = graph[0]
            vals = {nodes[0]: x}
            for node in nodes[1:]:
                vals[node] = node.partial_fun([vals[p] for p in node.parents])
            return vals[nodes[-1]]
        root = ConstGraphNode.new_root()
        end_value, end_node = trace(root, pending.pop(), x)
        if end_node is None:
            raise ValueError("const_graph: the output is independent of the input")
        nodes = list(toposort(end_node))[::-1]
        if nodes[0] is not root:
            nodes.insert(0, root)
        graph.append(nodes)
        return end_value

    return maybe_cached_fun


def const_graph(fun, *args, **kwargs):
    """``fun`` (with ``args``/``kwargs`` bound first) recorded once and replayed after."""
    bound = functools.partial(fun, *args, **kwargs)
    cached = const_graph_unary(lambda all_args: bound(*all_args))

    @functools.wraps(fun)
    def replayed(*args):
        return cached(args)

    return replayed


class FullGraphNode(Node):
    """A node keeping its ``value`` and its ``recipe``: ``(fun, args, kwargs, parents)``."""

    __slots__ = ("value", "recipe")

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        self.value = value
        self.recipe = (fun, args, kwargs, list(zip(parent_argnums, parents)))

    def initialize_root(self):
        self.value = None
        self.recipe = (lambda x: x, (), {}, [])


def full_graph(fun, *args, **kwargs):
    """The end node of the graph of ``fun(*args, **kwargs)``, built of :class:`FullGraphNode`."""
    _, end_node = trace(FullGraphNode.new_root(), lambda a: fun(*a, **kwargs), args)
    return end_node
