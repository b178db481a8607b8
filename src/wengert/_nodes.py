"""Graph nodes that differentiate, for programs that drive
:func:`wengert.tracer.trace` themselves (autograd's ``VJPNode``, ``JVPNode``
and ``backward_pass``), and autograd's sparse-cotangent type.  They read the
same rule registries as the tape and the dual numbers.
"""
from ._core import Box, get_primitive, jvp_rule, vjp_rule, vspace
from ._core.vspace import add_any
from .tracer import Node, trace
from .util import toposort

__all__ = ["VJPNode", "JVPNode", "backward_pass", "SparseObject", "SparseBox"]


class VJPNode(Node):
    """A node that knows the reverse rules of the primitive that made it;
    :func:`backward_pass` walks a graph of them.

    Example:
        >>> import wengert.numpy as np
        >>> _, end = trace(VJPNode.new_root(), lambda x: np.exp(x) * x, 0.0)
        >>> float(backward_pass(1.0, end))
        1.0
    """

    __slots__ = ("parents", "vjp")

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        self.parents = parents
        prim = get_primitive(fun)

        def vjp(g):
            if prim.vjp_joint is not None:
                return prim.vjp_joint(list(parent_argnums), g, value, *args, **kwargs)
            return [vjp_rule(prim, i)(g, value, *args, **kwargs) for i in parent_argnums]

        self.vjp = vjp

    def initialize_root(self):
        self.parents = []
        self.vjp = lambda g: ()


def backward_pass(g, end_node):
    """Propagate cotangent ``g`` from ``end_node`` to the root; return the root's cotangent."""
    outgrads = {end_node: g}
    for node in toposort(end_node):
        g = outgrads.pop(node, None)
        if g is None or not node.parents:
            continue
        for parent, pg in zip(node.parents, node.vjp(g)):
            if pg is not None:
                outgrads[parent] = add_any(outgrads.get(parent), pg)
    return g


class JVPNode(Node):
    """A node carrying the tangent ``g`` of its value, computed by the forward
    rules of the primitive that made it.

    Example:
        >>> import wengert.numpy as np
        >>> _, end = trace(JVPNode.new_root(2.0), lambda x: np.sin(x) * 3.0, 0.0)
        >>> float(end.g)
        6.0
    """

    __slots__ = ("g",)

    def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
        prim = get_primitive(fun)
        tangents = [p.g for p in parents]
        if prim.jvp_joint is not None:
            self.g = prim.jvp_joint(list(parent_argnums), tangents, value, *args, **kwargs)
            return
        out = None
        for i, t in zip(parent_argnums, tangents):
            out = add_any(out, jvp_rule(prim, i)(t, value, *args, **kwargs))
        self.g = vspace(value).zeros() if out is None else out

    def initialize_root(self, g):
        self.g = g


class SparseObject:
    """autograd's sparse cotangent: a vector space ``vs`` and a function
    ``mut_add(x)`` adding it into a dense value ``x`` (wengert's own rules
    return dense cotangents; this type is here for code that builds them).

    Example:
        >>> import numpy
        >>> from wengert.extend import vspace
        >>> def add_at_0(x):
        ...     x[0] += 1.0
        ...     return x
        >>> s = SparseObject(vspace(numpy.zeros(2)), add_at_0)
        >>> s.mut_add(numpy.zeros(2))
        array([1., 0.])
    """

    __slots__ = ("vs", "mut_add")

    def __init__(self, vs, mut_add):
        self.vs = vs
        self.mut_add = mut_add


class SparseBox(Box):
    """The box type autograd uses for traced :class:`SparseObject` values."""

    __slots__ = ()


