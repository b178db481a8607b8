"""``wengert.misc``: helpers autograd users rely on.

``flatten(tree) -> (vector, unflatten)`` turns a tree of arrays into one flat
vector (differentiably) and back, e.g. for ``scipy.optimize``;
``const_graph`` replays a recorded graph; ``optimizers`` has autograd's
``sgd``/``rmsprop``/``adam`` loops and ``fixed_points`` differentiates
through fixed-point iterations.

Example:
    >>> from wengert.misc import flatten
    >>> flatten({"b": 1.0, "a": 2.0})[0]   # dict entries by sorted key
    array([2., 1.])
"""
from . import fixed_points, flatten as _flatten_module, optimizers, tracers  # noqa: F401
from .flatten import flatten, flatten_func
from .tracers import const_graph

__all__ = ["flatten", "flatten_func", "const_graph", "fixed_points", "optimizers", "tracers"]
