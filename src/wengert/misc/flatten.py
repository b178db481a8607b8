"""Flatten a parameter tree to one vector and back, differentiably.

The vector lists the leaves in autograd's order: tuples and lists in order,
dicts by sorted key (whatever order the dict was built in), so a vector made
by autograd code (an optimizer's result, a covariance matrix's rows) pairs
with the same parameters here.
"""
import numpy as _np

from .. import numpy as wnp
from .. import tree as _tree

__all__ = ["flatten", "flatten_func"]


def _sorted_positions(td, positions):
    """Leaf positions (insertion order) listed in autograd's order: dicts by sorted key."""
    if td == _tree._LEAF:
        return [next(positions)]
    kind, keys, children = td
    parts = [_sorted_positions(c, positions) for c in children]
    if kind is dict:
        parts = [parts[i] for i in sorted(range(len(keys)), key=lambda i: keys[i])]
    return [p for part in parts for p in part]


def flatten(value):
    """``(vector, unflatten)``: the leaves of ``value`` raveled and concatenated
    (dict entries by sorted key), and a function rebuilding a tree of the same
    structure, shapes and dtypes from such a vector.  Both directions can be
    differentiated.

    Example:
        >>> import numpy
        >>> from wengert.misc import flatten
        >>> vec, unflatten = flatten({"w": numpy.ones((2, 2)), "b": 3.0})
        >>> vec   # "b" sorts before "w"
        array([3., 1., 1., 1., 1.])
        >>> unflatten(vec * 2)["b"]
        6.0
    """
    leaves, treedef = _tree.flatten(value)
    order = _sorted_positions(treedef, iter(range(len(leaves))))
    shapes = [_np.shape(leaves[j]) for j in order]
    sizes = [int(_np.prod(s)) for s in shapes]
    scalars = [type(leaves[j]) if type(leaves[j]) in (float, complex) else None for j in order]
    if not leaves:
        return _np.zeros(0), lambda vec: _tree.unflatten(treedef, [])
    vector = wnp.concatenate([wnp.ravel(leaves[j]) for j in order])

    def unflatten(vec):
        parts, start = [None] * len(order), 0
        for j, shape, size, scalar in zip(order, shapes, sizes, scalars):
            part = wnp.reshape(vec[start:start + size], shape)
            if scalar is not None and isinstance(part, _np.ndarray):
                part = scalar(part)  # a traced part stays traced
            parts[j] = part
            start += size
        return _tree.unflatten(treedef, parts)

    return vector, unflatten


def flatten_func(func, example):
    """``(flat_func, unflatten, flat_example)``: ``flat_func(vector, *args)`` is
    ``func`` on the tree ``unflatten(vector)``, its result flattened too.

    Example:
        >>> import numpy
        >>> f, unflatten, x0 = flatten_func(lambda p: {"s": p["a"] + p["b"]},
        ...                                 {"a": 1.0, "b": numpy.array([2.0, 3.0])})
        >>> x0, f(x0)
        (array([1., 2., 3.]), array([3., 4.]))
    """
    flat_example, unflatten = flatten(example)

    def flat_func(flat_x, *args):
        return flatten(func(unflatten(flat_x), *args))[0]

    return flat_func, unflatten, flat_example
