"""``wengert.builtins``: autograd's container helpers.

wengert traces the leaves of containers, so Python's own ``tuple``, ``list``
and ``dict`` work on traced values as they are; ``isinstance`` and ``type``
look through boxes (``isinstance(x, float)`` is true for a traced float).
A container that is itself traced (the result of a primitive that returns a
tuple or dict, or the input of :func:`wengert.tracer.trace`) is a
``SequenceBox`` or ``DictBox``, indexed through ``container_take``.

Example:
    >>> import wengert
    >>> from wengert.builtins import isinstance, tuple
    >>> def f(x):
    ...     assert isinstance(x, float)
    ...     a, b = tuple((x * x, 2.0 * x))
    ...     return a + b
    >>> wengert.grad(f)(3.0)
    8.0
"""
import builtins as _builtins

from ._core import (Box, ContainerVSpace, box_value, def_linear, def_loop_only, defjvp_any,
                    defvjp, defvjp_any, getval, primitive, vspace)
from ._core.box import register_box
from .numpy._array_box import SequenceBox

__all__ = ["tuple", "list", "dict", "isinstance", "type", "SequenceBox", "DictBox",
           "container_take", "container_untake", "make_sequence", "ContainerVSpace",
           "SequenceVSpace", "ListVSpace", "TupleVSpace", "DictVSpace", "NamedTupleVSpace",
           "tuple_", "list_", "dict_", "isinstance_", "type_"]

tuple_, list_, dict_, isinstance_, type_ = (_builtins.tuple, _builtins.list, _builtins.dict,
                                            _builtins.isinstance, _builtins.type)
tuple = _builtins.tuple
list = _builtins.list
dict = _builtins.dict

# autograd's separate container spaces are one class here
SequenceVSpace = ListVSpace = TupleVSpace = DictVSpace = NamedTupleVSpace = ContainerVSpace


def isinstance(obj, classinfo):
    """``isinstance`` applied to the value inside any boxes."""
    return isinstance_(getval(obj), classinfo)


def type(obj):
    """``type`` of the value inside any boxes."""
    return type_(getval(obj))


@primitive
def container_take(A, idx):
    """``A[idx]`` for a tuple, list or dict ``A`` (traced as a whole)."""
    return A[idx]


@primitive
def container_untake(x, idx, vs):
    """The container of space ``vs`` that is zero except ``x`` at ``idx``
    (the transpose of :func:`container_take`)."""
    parts = vs.zeros()
    if isinstance_(parts, dict_):
        parts[idx] = x
        return parts
    parts = list_(parts)
    parts[idx] = list_(x) if isinstance_(idx, slice) else x
    return vs.build(parts)


defvjp(container_take, lambda g, ans, A, idx: container_untake(g, idx, vspace(A)))
def_linear(container_take)
defvjp(container_untake, lambda g, ans, x, idx, vs: container_take(g, idx))
def_linear(container_untake)


@primitive
def make_sequence(sequence_type, *args):
    """``sequence_type(args)``, traced as one container (autograd's tuple/list constructor)."""
    return sequence_type(args)


defvjp_any(make_sequence, lambda i, g, ans, seq_type, *args: container_take(g, i - 1))
defjvp_any(make_sequence, lambda i, t, ans, seq_type, *args:
           container_untake(t, i - 1, vspace(ans)))
_CONTAINERS = ("autograd's traced containers (tuples, lists, dicts of traced values) are "
               "built and indexed one example at a time under vmap")
for _f in (container_take, container_untake, make_sequence):
    def_loop_only(_f, _CONTAINERS)


class DictBox(Box):
    """A traced dict: indexing, ``keys``, ``values``, ``items``, ``len``, ``in``, iteration."""

    __slots__ = ()

    def __getitem__(self, key):
        return container_take(self, key)

    def __len__(self):
        return len(box_value(self))

    def __iter__(self):
        return iter(box_value(self))

    def __contains__(self, key):
        return key in box_value(self)

    def keys(self):
        return box_value(self).keys()

    def values(self):
        return [self[k] for k in box_value(self)]

    def items(self):
        return [(k, self[k]) for k in box_value(self)]

    def get(self, key, default=None):
        return self[key] if key in box_value(self) else default


register_box(DictBox, (dict_,))
