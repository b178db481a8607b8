"""``wengert.numpy.numpy_jvps``: autograd's forward-mode helpers for rule authors.

Example:
    >>> import numpy, wengert
    >>> from wengert.extend import primitive
    >>> from wengert.numpy.numpy_jvps import defjvp
    >>> cube = primitive(lambda x: x ** 3)
    >>> defjvp(cube, lambda g, ans, x: 3 * x ** 2 * g)
    >>> wengert.deriv(cube)(2.0)
    12.0
"""
from ..core import JVPNode, def_linear, defjvp, defjvp_argnum
from ..tracer import register_notrace
from .numpy_boxes import ArrayBox
from .numpy_vjps import balanced_eq, match_complex, replace_zero

__all__ = ["defjvp", "defjvp_argnum", "def_linear", "JVPNode", "ArrayBox", "register_notrace",
           "balanced_eq", "match_complex", "replace_zero"]
