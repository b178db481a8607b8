"""Vector spaces of differentiable values: zeros, ones, addition, inner products.

The core registers Python scalars and containers (tuple, list, dict); the NumPy
layer registers arrays and NumPy scalars.
"""

from .box import Box

_vspace_types = {}
_vspace_finders = []


def register_vspace(value_type, factory):
    """``factory(value) -> VSpace`` for values of exactly ``value_type``."""
    _vspace_types[value_type] = factory


def register_vspace_finder(finder):
    """``finder(value) -> factory or None``, asked (in order of registration) only for a
    value whose type no registered type matches: a layer can then register the types of a
    library it must not import itself (the NumPy layer's Dask arrays, say) the first time
    such a value is seen."""
    _vspace_finders.append(finder)


def vspace(value):
    """The vector space a (possibly boxed) value lives in.

    Example:
        >>> from wengert.extend import vspace
        >>> vspace((1.0, [2.0, 3.0])).size
        3
    """
    while isinstance(value, Box) and not value._value_level:
        value = value._value
    factory = _vspace_types.get(type(value))
    if factory is None:
        if isinstance(value, tuple):  # namedtuples
            factory = ContainerVSpace
        else:
            for t, f in _vspace_types.items():
                if isinstance(value, t):
                    factory = f
                    break
    if factory is None:
        for find in _vspace_finders:
            factory = find(value)
            if factory is not None:
                break
    if factory is None:
        raise TypeError(
            f"cannot differentiate with respect to a value of type {type(value).__name__}; "
            "differentiable values are floats, complex numbers, float/complex NumPy arrays "
            "and tuples, lists and dicts of them")
    return factory(value)


class VSpace:
    """A vector space: the type, shape and dtype of a value and its tangents.

    Subclasses written for autograd work as they are: they override
    ``zeros``, ``ones``, ``standard_basis``, ``randn`` and the underscored
    ``_add``, ``_scalar_mul``, ``_inner_prod``, ``_covector``, keep their
    description in instance attributes, and call ``register(value_type)``.
    """

    __slots__ = ()
    iscomplex = False
    mappings = _vspace_types   # value type -> factory, as autograd's VSpace.mappings

    def __init__(self, value=None):
        pass

    @classmethod
    def register(cls, value_type, vspace_maker=None):
        """Use ``vspace_maker`` (default: this class) for values of ``value_type``."""
        register_vspace(value_type, vspace_maker or cls)

    def zeros(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def ones(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def standard_basis(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def randn(self, rng=None):  # pragma: no cover - abstract
        raise NotImplementedError

    def add(self, a, b):
        return self._add(a, b)

    def _add(self, a, b):
        return add_any(a, b)

    def mut_add(self, x_prev, x_new):
        return self.add(self.zeros() if x_prev is None else x_prev, x_new)

    def scalar_mul(self, x, a):
        return self._scalar_mul(x, a)

    def _scalar_mul(self, x, a):
        return x * a

    def inner(self, a, b):
        return self._inner_prod(a, b)

    def inner_prod(self, a, b):
        return self.inner(a, b)

    def _inner_prod(self, a, b):  # pragma: no cover - abstract
        raise NotImplementedError

    def covector(self, x):
        return self._covector(x)

    def _covector(self, x):
        return x

    def cast(self, x):
        """``x``, a plain (untraced) cotangent or tangent computed for a value of this
        space, as a value of this space: its type, dtype and shape (an array space turns
        a broadcast or promoted result back into one of the argument's kind).  The
        transforms cast every gradient they return.  Default: ``x`` unchanged."""
        return x

    def _key(self):
        # autograd-style subclasses describe themselves in instance attributes
        return tuple(sorted(getattr(self, "__dict__", {}).items()))

    def __eq__(self, other):
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self):
        try:
            return hash((type(self), self._key()))
        except TypeError:
            return hash(type(self))

    def __repr__(self):
        return f"{type(self).__name__}{self._key()}"


class ScalarVSpace(VSpace):
    """Python ``float`` and ``complex``."""

    __slots__ = ("type",)
    shape = ()
    size = 1

    def __init__(self, value):
        self.type = type(value)

    @property
    def iscomplex(self):
        return self.type is complex

    @property
    def dtype(self):
        return self.type

    def _key(self):
        return (self.type,)

    def zeros(self):
        return self.type(0.0)

    def ones(self):
        return self.type(1.0)

    def standard_basis(self):
        yield self.type(1.0)
        if self.iscomplex:
            yield 1j

    def randn(self, rng=None):
        if rng is None:
            import random as rng   # only checkers draw random directions
        if self.iscomplex:
            return complex(rng.gauss(0, 1), rng.gauss(0, 1))
        return rng.gauss(0, 1)

    def scalar_mul(self, x, a):
        return x * a

    def inner(self, a, b):
        return (a * b.conjugate()).real if self.iscomplex else a * b

    def covector(self, x):
        return x.conjugate() if self.iscomplex else x


class ContainerVSpace(VSpace):
    """Tuples (including namedtuples), lists and dicts of differentiable values."""

    __slots__ = ("kind", "keys", "spaces")

    def __init__(self, value):
        self.kind = type(value)
        if isinstance(value, dict):
            self.keys = tuple(value)
            self.spaces = tuple(vspace(value[k]) for k in self.keys)
        else:
            self.keys = None
            self.spaces = tuple(vspace(v) for v in value)

    def _key(self):
        return (self.kind, self.keys, self.spaces)

    @property
    def size(self):
        return sum(s.size for s in self.spaces)

    @property
    def shape(self):
        return tuple(s.shape for s in self.spaces)

    @property
    def iscomplex(self):
        return any(s.iscomplex for s in self.spaces)

    def build(self, parts):
        parts = list(parts)
        if self.keys is not None:
            return self.kind(zip(self.keys, parts))
        if self.kind in (tuple, list):
            return self.kind(parts)
        return self.kind(*parts)  # namedtuple

    def parts(self, x):
        if self.keys is not None:
            return [x[k] for k in self.keys]
        return list(x)

    def zeros(self):
        return self.build(s.zeros() for s in self.spaces)

    def ones(self):
        return self.build(s.ones() for s in self.spaces)

    def randn(self, rng=None):
        return self.build(s.randn(rng) for s in self.spaces)

    def standard_basis(self):
        for i, s in enumerate(self.spaces):
            for b in s.standard_basis():
                yield self.build(b if j == i else t.zeros() for j, t in enumerate(self.spaces))

    def scalar_mul(self, x, a):
        return self.build(s.scalar_mul(p, a) for s, p in zip(self.spaces, self.parts(x)))

    def inner(self, a, b):
        return sum(s.inner(p, q) for s, p, q in zip(self.spaces, self.parts(a), self.parts(b)))

    def covector(self, x):
        return self.build(s.covector(p) for s, p in zip(self.spaces, self.parts(x)))


register_vspace(float, ScalarVSpace)
register_vspace(complex, ScalarVSpace)
register_vspace(tuple, ContainerVSpace)
register_vspace(list, ContainerVSpace)
register_vspace(dict, ContainerVSpace)


def add_any(a, b):
    """``a + b`` for cotangents and tangents, containers included; ``None`` is zero."""
    if a is None:
        return b
    if b is None:
        return a
    t = type(a)
    if t is tuple or t is list:
        return t(add_any(x, y) for x, y in zip(a, b))
    if t is dict:
        return {k: add_any(a[k], b[k]) for k in a}
    return a + b
