"""``wengert.misc``: helpers autograd users rely on.

``flatten(tree) -> (vector, unflatten)`` turns a tree of arrays into one flat
vector (differentiably) and back, e.g. for ``scipy.optimize``.
"""
from .flatten import flatten

__all__ = ["flatten"]
