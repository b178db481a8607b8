"""``wengert.util``: autograd's small utilities.

Example:
    >>> from wengert.util import subvals
    >>> subvals((1, 2, 3), [(0, "a"), (2, "c")])
    ('a', 2, 'c')
"""
import operator

from ._warn import warn as _warn

__all__ = ["subval", "subvals", "toposort", "func", "quick_grad_check", "deprecation_msg"]


def subvals(x, ivs):
    """The tuple ``x`` with ``x[i]`` replaced by ``v`` for each ``(i, v)`` in ``ivs``."""
    x_ = list(x)
    for i, v in ivs:
        x_[i] = v
    return tuple(x_)


def subval(x, i, v):
    """The tuple ``x`` with ``x[i]`` replaced by ``v``."""
    return subvals(x, [(i, v)])


def toposort(end_node, parents=operator.attrgetter("parents")):
    """The nodes of a graph from ``end_node`` back to its roots, each node after
    every node that uses it (children first), without recursion.

    Example:
        >>> class N:
        ...     def __init__(self, name, *parents):
        ...         self.name, self.parents = name, list(parents)
        >>> a = N("a"); b = N("b", a); c = N("c", a, b)
        >>> [n.name for n in toposort(c)]
        ['c', 'b', 'a']
    """
    # How many edges reach each node from nodes downstream of it ...
    uses = {id(end_node): 0}
    seen = {id(end_node): end_node}
    pending = [end_node]
    while pending:
        for parent in parents(pending.pop()):
            key = id(parent)
            if key not in seen:
                seen[key] = parent
                uses[key] = 0
                pending.append(parent)
            uses[key] += 1
    # ... then a node is emitted once every one of its users has been.
    ready = [end_node]
    while ready:
        node = ready.pop()
        yield node
        for parent in parents(node):
            key = id(parent)
            uses[key] -= 1
            if uses[key] == 0:
                ready.append(parent)


def func(f):
    """The plain function behind a method, e.g. ``func(np.ndarray.sum)``
    (autograd's helper for code that must run on Python 2 and 3)."""
    return getattr(f, "__func__", f)


deprecation_msg = """
The quick_grad_check function is deprecated. See the update guide:
https://github.com/HIPS/autograd/blob/master/docs/updateguide.md"""


def quick_grad_check(fun, arg0, extra_args=(), kwargs={}, verbose=True,  # noqa: B006
                     eps=1e-4, rtol=1e-4, atol=1e-6, rs=None):
    """Deprecated (as in autograd): use :func:`wengert.test_util.check_grads`."""
    _warn(deprecation_msg)
    from .test_util import check_grads
    check_grads(lambda x: fun(x, *extra_args, **kwargs), modes=["rev"], order=1)(arg0)
    if verbose:
        print("Gradient projection OK (numeric grad: see check_grads)")
