"""Flatten a parameter tree to one vector and back, differentiably."""
import numpy as _np

from .. import numpy as wnp
from .. import tree as _tree


def flatten(value):
    """``(vector, unflatten)``: the leaves of ``value`` raveled and concatenated,
    and a function rebuilding a tree of the same structure, shapes and dtypes
    from such a vector.  Both directions can be differentiated.

    Example:
        >>> import numpy
        >>> from wengert.misc import flatten
        >>> vec, unflatten = flatten({"w": numpy.ones((2, 2)), "b": 3.0})
        >>> vec
        array([1., 1., 1., 1., 3.])
        >>> unflatten(vec * 2)["b"]
        6.0
    """
    leaves, treedef = _tree.flatten(value)
    shapes = [_np.shape(leaf) for leaf in leaves]
    sizes = [int(_np.prod(s)) for s in shapes]
    scalars = [type(leaf) if type(leaf) in (float, complex) else None for leaf in leaves]
    if not leaves:
        return _np.zeros(0), lambda vec: _tree.unflatten(treedef, [])
    vector = wnp.concatenate([wnp.ravel(leaf) for leaf in leaves])

    def unflatten(vec):
        parts, start = [], 0
        for shape, size, scalar in zip(shapes, sizes, scalars):
            part = wnp.reshape(vec[start:start + size], shape)
            if scalar is not None and isinstance(part, _np.ndarray):
                part = scalar(part)  # a traced part stays traced
            parts.append(part)
            start += size
        return _tree.unflatten(treedef, parts)

    return vector, unflatten
