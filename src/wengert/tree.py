"""Nested containers of values ("trees"): flatten to leaves and rebuild.

Tuples (namedtuples included), lists and dicts are containers; ``None`` is an
empty container; so are dataclass instances (each field a child, in the
order of the fields) and instances of any type given to :func:`register`.
Everything else is a leaf.  Shared by the transforms, the optimizers,
``wengert.io`` and the learning code, so a container type registered here
works in all of them.  The conventions are JAX's pytrees': a registered type
says how to split an instance into ``(children, aux)`` and how to rebuild it
from ``aux`` and new children; ``aux`` (static data such as field names or
configuration) must be hashable and comparable, since trees with different
``aux`` are different structures (and ``wengert.compile`` keys on them).

Example:
    >>> from wengert.tree import flatten, unflatten
    >>> leaves, treedef = flatten({"w": [1.0, 2.0], "b": 3.0})
    >>> leaves
    [1.0, 2.0, 3.0]
    >>> unflatten(treedef, [10.0, 20.0, 30.0])
    {'w': [10.0, 20.0], 'b': 30.0}

    A dataclass of parameters is a container without further ado:

    >>> import dataclasses
    >>> @dataclasses.dataclass
    ... class Linear:
    ...     w: object
    ...     b: object
    >>> flatten(Linear(w=1.0, b=2.0))[0]
    [1.0, 2.0]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterable, Sequence, cast

from ._core.vspace import ContainerVSpace as _ContainerVSpace
from ._core.vspace import register_vspace as _register_vspace
from ._core.vspace import vspace as _vspace

if TYPE_CHECKING:
    from ._typing import PyTree, Fn, T, TreeDef

__all__ = ["flatten", "unflatten", "tree_map", "leaves", "register", "register_dataclass",
           "is_node"]

_LEAF = "*"
# type -> (flatten(x) -> (children, aux), unflatten(aux, children) -> x)
_NODES: dict[type, tuple[Callable[[Any], Any], Callable[[Any, list[Any]], Any]]] = {}
_BUILTIN = (list, tuple, dict, type(None))
# Types seen to be leaves (neither a container, a namedtuple, a dataclass nor a registered
# node): flatten tests membership first.  register() takes a type out again.
_LEAF_TYPES: set[type] = set()


def register(cls: type[T], flatten: Callable[[Any], tuple[Sequence[Any], Hashable]],
             unflatten: Callable[[Any, list[Any]], Any]) -> type[T]:
    """Make instances of ``cls`` containers (tree nodes), as JAX's
    ``register_pytree_node``: ``flatten(x)`` returns ``(children, aux)``, a
    sequence of the values inside ``x`` and hashable static data, and
    ``unflatten(aux, children)`` builds an instance back.  ``unflatten`` may be
    given children that are not arrays (traced values, gradients, optimizer
    statistics, ``None``), so it should store them without validating them.

    Returns ``cls``.  Registering a type twice replaces the earlier functions.

    Example:
        >>> import wengert
        >>> class Affine:
        ...     def __init__(self, w, b, name="affine"):
        ...         self.w, self.b, self.name = w, b, name
        >>> _ = register(Affine, lambda a: ((a.w, a.b), a.name),
        ...              lambda name, ch: Affine(*ch, name=name))
        >>> g = wengert.grad(lambda p: p.w * 3.0 + p.b)(Affine(1.0, 2.0))
        >>> type(g).__name__, g.w, g.b, g.name
        ('Affine', 3.0, 1.0, 'affine')
    """
    if not isinstance(cls, type):
        raise TypeError(f"wengert.tree.register: expected a class, got {cls!r}")
    if cls in _BUILTIN:
        raise ValueError(f"wengert.tree.register: {cls.__name__} is already a container")
    if not callable(flatten) or not callable(unflatten):
        raise TypeError("wengert.tree.register(cls, flatten, unflatten): flatten and "
                        "unflatten must be functions")
    _NODES[cls] = (flatten, unflatten)
    _LEAF_TYPES.discard(cls)
    _register_vspace(cls, _NodeVSpace)
    return cls


def register_dataclass(cls: type[T], data_fields: Sequence[str] | None = None,
                       meta_fields: Sequence[str] | None = None) -> type[T]:
    """Register the dataclass ``cls`` with chosen fields: ``data_fields`` are
    children (differentiated, updated by optimizers, saved), ``meta_fields``
    are static configuration kept in the tree structure (part of ``aux``;
    their values must be hashable).  Without arguments, every field is a
    child except those declared ``dataclasses.field(metadata={"static": True})``,
    which is what an unregistered dataclass gets automatically.  Usable as a
    decorator.  Returns ``cls``.

    Example:
        >>> import dataclasses, wengert
        >>> @dataclasses.dataclass
        ... class Layer:
        ...     w: object
        ...     activation: str = dataclasses.field(default="tanh", metadata={"static": True})
        >>> wengert.grad(lambda p: p.w ** 2)(Layer(3.0))
        Layer(w=6.0, activation='tanh')
    """
    import dataclasses as _dc   # loaded already: cls is a dataclass (or a mistake)
    if not _dc.is_dataclass(cls) or not isinstance(cls, type):
        raise TypeError(f"wengert.tree.register_dataclass: {cls!r} is not a dataclass type")
    fields = [f.name for f in _dc.fields(cls)]
    if data_fields is None and meta_fields is None:
        meta_fields = [f.name for f in _dc.fields(cls) if f.metadata.get("static", False)]
    if data_fields is None:
        data_fields = [n for n in fields if n not in set(cast(Sequence[str], meta_fields))]
    if meta_fields is None:
        meta_fields = [n for n in fields if n not in set(data_fields)]
    data_fields, meta_fields = tuple(data_fields), tuple(meta_fields)
    unknown = [n for n in data_fields + meta_fields if n not in fields]
    if unknown or sorted(data_fields + meta_fields) != sorted(fields):
        raise ValueError(
            f"wengert.tree.register_dataclass({cls.__name__}): data_fields and meta_fields "
            f"must name each field once (fields: {fields}; got data {list(data_fields)}, "
            f"meta {list(meta_fields)})")

    def flat(x: Any) -> Any:
        return ([getattr(x, n) for n in data_fields],
                (data_fields, tuple([getattr(x, n) for n in meta_fields])))

    def unflat(aux: Any, children: Any) -> Any:
        # Built without calling __init__ (or __post_init__): children may be traced
        # values, gradients or optimizer statistics, which validation would refuse.
        obj = object.__new__(cls)
        for n, v in zip(data_fields, children):
            object.__setattr__(obj, n, v)
        for n, v in zip(meta_fields, aux[1]):
            object.__setattr__(obj, n, v)
        return obj

    _NODES[cls] = (flat, unflat)
    _LEAF_TYPES.discard(cls)
    _register_vspace(cls, _NodeVSpace)
    return cls


class _NodeVSpace(_ContainerVSpace):
    """The vector space of a dataclass or registered node: that of its children,
    rebuilt with its static data (jacobian, hessian, check_grads and tangents of
    such values need it)."""

    __slots__ = ("aux",)

    def __init__(self, value: Any) -> None:
        flat = _NODES[type(value)][0]
        children, self.aux = flat(value)
        self.kind, self.keys = type(value), None
        self.spaces = tuple(_vspace(v) for v in children)

    def _key(self) -> Any:
        return (self.kind, self.aux, self.spaces)

    def build(self, parts: Iterable[Any]) -> Any:
        return _NODES[self.kind][1](self.aux, list(parts))

    def parts(self, x: Any) -> list[Any]:
        return list(_NODES[self.kind][0](x)[0])


def _node(t: Any) -> Any:
    """``(flatten, unflatten)`` for a node type ``t``, or None for a leaf type."""
    node = _NODES.get(t)
    if node is None and hasattr(t, "__dataclass_fields__") and isinstance(t, type):
        register_dataclass(t)
        node = _NODES[t]
    return node


def is_registered_def(td: TreeDef) -> bool:
    """Whether the tree definition ``td`` is a dataclass's or a registered type's
    node (for code that reads tree definitions, such as ``wengert.compile``)."""
    return td != _LEAF and type(td[1]) is _Aux


def node_functions(cls: type) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``(flatten, unflatten)`` of the node type ``cls`` (see :func:`register`)."""
    node = _node(cls)
    if node is None:
        raise TypeError(f"wengert.tree: {cls.__name__} is not a registered container")
    return node


def is_node(x: Any) -> bool:
    """Whether ``x`` is a container (a tree node) rather than a leaf."""
    t = type(x)
    return (t in _BUILTIN or (isinstance(x, tuple) and hasattr(x, "_fields"))
            or _node(t) is not None)


def flatten(tree: PyTree) -> tuple[list[Any], TreeDef]:
    """``(leaves, treedef)`` with leaves in a fixed depth-first order."""
    leaves: list[Any] = []
    return leaves, _flatten(tree, leaves)


def _flatten(x: Any, leaves: Any) -> Any:
    t = type(x)
    if t is list or t is tuple:
        children = []
        for v in x:
            if type(v) in _LEAF_TYPES:   # (a known leaf type: as the call below would)
                leaves.append(v)
                children.append(_LEAF)
            else:
                children.append(_flatten(v, leaves))
        return (t, None, tuple(children))
    if t is dict:
        keys = tuple(x)
        return (dict, keys, tuple([_flatten(x[k], leaves) for k in keys]))
    if x is None:
        return (None, None, ())
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (t, None, tuple([_flatten(v, leaves) for v in x]))
    if t in _LEAF_TYPES:
        leaves.append(x)
        return _LEAF
    if t in _NODES or hasattr(t, "__dataclass_fields__"):
        node = _node(t)
        if node is not None:
            children, aux = node[0](x)
            return (t, _Aux(aux), tuple([_flatten(v, leaves) for v in children]))
    elif x is not None and not isinstance(x, tuple):
        _LEAF_TYPES.add(t)     # a plain leaf type: later flattens skip the checks above
    leaves.append(x)
    return _LEAF


class _Aux(tuple):
    """A registered node's static data, marked so that ``unflatten`` (and the
    code that reads tree definitions) tells it from a namedtuple's ``None``."""
    __slots__ = ()

    def __new__(cls, aux: Any) -> Any:
        return tuple.__new__(cls, (aux,))

    @property
    def value(self) -> Any:
        return self[0]

    def __repr__(self) -> Any:
        return f"aux({self[0]!r})"


def unflatten(treedef: TreeDef, leaves: Iterable[Any]) -> PyTree:
    """Rebuild a tree of ``treedef``'s shape from ``leaves``."""
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(td: Any, it: Any) -> Any:
    if td is _LEAF:
        return next(it)
    kind, keys, children = td
    if kind is None:
        return None
    parts = [next(it) if c is _LEAF else _unflatten(c, it) for c in children]
    if kind is dict:
        return dict(zip(keys, parts))
    if kind is list or kind is tuple:
        return kind(parts)
    if type(keys) is _Aux:
        return _NODES[kind][1](keys[0], parts)
    return kind(*parts)


def tree_map(fun: Fn, tree: PyTree, *rest: PyTree) -> PyTree:
    """Apply ``fun`` leafwise to one or more trees of the same structure."""
    leaves, td = flatten(tree)
    others = [flatten(r)[0] for r in rest]
    return unflatten(td, [fun(*xs) for xs in zip(leaves, *others)])


def leaves(tree: PyTree) -> list[Any]:
    """The leaves of ``tree`` in order."""
    return flatten(tree)[0]
