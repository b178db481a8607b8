"""``wengert.builtins``: autograd's container helpers.

wengert traces the leaves of containers, so Python's own ``tuple``, ``list``
and ``dict`` work on traced values as they are; ``isinstance`` looks through
boxes (``isinstance(x, float)`` is true for a traced float).
"""
import builtins as _builtins

from ._core import getval

tuple = _builtins.tuple
list = _builtins.list
dict = _builtins.dict


def isinstance(obj, classinfo):
    """``isinstance`` applied to the value inside any boxes."""
    return _builtins.isinstance(getval(obj), classinfo)


def type(obj):
    """``type`` of the value inside any boxes."""
    return _builtins.type(getval(obj))
