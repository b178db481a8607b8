"""Nested containers of values ("trees"): flatten to leaves and rebuild.

Tuples (namedtuples included), lists and dicts are containers; ``None`` is an
empty container; everything else is a leaf.  Shared by the transforms and the
learning code.

Example:
    >>> from wengert.tree import flatten, unflatten
    >>> leaves, treedef = flatten({"w": [1.0, 2.0], "b": 3.0})
    >>> leaves
    [1.0, 2.0, 3.0]
    >>> unflatten(treedef, [10.0, 20.0, 30.0])
    {'w': [10.0, 20.0], 'b': 30.0}
"""

_LEAF = "*"


def flatten(tree):
    """``(leaves, treedef)`` with leaves in a fixed depth-first order."""
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(x, leaves):
    t = type(x)
    if t is list or t is tuple:
        return (t, None, tuple([_flatten(v, leaves) for v in x]))
    if t is dict:
        keys = tuple(x)
        return (dict, keys, tuple([_flatten(x[k], leaves) for k in keys]))
    if x is None:
        return (None, None, ())
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (t, None, tuple([_flatten(v, leaves) for v in x]))
    leaves.append(x)
    return _LEAF


def unflatten(treedef, leaves):
    """Rebuild a tree of ``treedef``'s shape from ``leaves``."""
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(td, it):
    if td is _LEAF:
        return next(it)
    kind, keys, children = td
    if kind is None:
        return None
    parts = [_unflatten(c, it) for c in children]
    if kind is dict:
        return dict(zip(keys, parts))
    if kind is list or kind is tuple:
        return kind(parts)
    return kind(*parts)


def tree_map(fun, tree, *rest):
    """Apply ``fun`` leafwise to one or more trees of the same structure."""
    leaves, td = flatten(tree)
    others = [flatten(r)[0] for r in rest]
    return unflatten(td, [fun(*xs) for xs in zip(leaves, *others)])


def leaves(tree):
    """The leaves of ``tree`` in order."""
    return flatten(tree)[0]
