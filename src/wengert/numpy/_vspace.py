"""Vector spaces of NumPy scalars and arrays."""
import math as _math

import numpy as _np

from .._core import Box, VSpace, register_box, register_vspace, register_vspace_finder
from ._backends import (astype, cast_dask, dask_array, device_of, dtype_kind, full_on, is_dask,
                        is_foreign, namespace_of, numpy_dtype, to_backend)
from ._namespace_only import _load_adapter, is_namespace_only, seen

_PLAIN_SCALARS = frozenset((float, complex, int, _np.float64, _np.float32, _np.complex128))


class ArrayVSpace(VSpace):
    """Float or complex arrays and scalars of one shape and dtype."""

    __slots__ = ("shape", "dtype", "scalar")

    def __init__(self, value):
        self.shape = _np.shape(value)
        self.dtype = _np.result_type(value)
        # a scalar comes back as a scalar of its own type (Python float stays
        # float, a NumPy scalar a NumPy scalar), an array as an array
        self.scalar = (type(value) if type(value) in (float, complex) else
                       not isinstance(value, _np.ndarray))

    def _key(self):
        return (self.shape, self.dtype)

    @property
    def size(self):
        return _math.prod(self.shape)

    @property
    def iscomplex(self):
        return self.dtype.kind == "c"

    def cast(self, x):
        """``x`` as a value of this space (dtype, shape, scalar or array).  A Dask array
        (the gradient of a NumPy parameter over Dask data) stays a lazy Dask array of
        this space's shape and dtype: computing it is the user's call."""
        t = type(x)
        if t is not _np.ndarray and t not in _PLAIN_SCALARS and is_dask(x):
            return cast_dask(x, self.shape, self.dtype)
        x = _np.asarray(x)
        if x.dtype != self.dtype:
            if x.dtype.kind == "c" and self.dtype.kind != "c":
                x = x.real
            x = x.astype(self.dtype)
        if x.shape != self.shape:
            x = _np.broadcast_to(x, self.shape).copy()
        if self.scalar:
            return self.scalar(x) if self.scalar in (float, complex) else x[()]
        return x

    def zeros(self):
        return self.cast(_np.zeros(self.shape, self.dtype))

    def ones(self):
        return self.cast(_np.ones(self.shape, self.dtype))

    def standard_basis(self):
        for i in range(self.size):
            e = _np.zeros(self.size, self.dtype)
            e[i] = 1
            yield self.cast(e.reshape(self.shape))
        if self.iscomplex:
            for i in range(self.size):
                e = _np.zeros(self.size, self.dtype)
                e[i] = 1j
                yield self.cast(e.reshape(self.shape))

    def randn(self, rng=None):
        rng = _np.random.default_rng() if rng is None else rng
        x = rng.standard_normal(self.shape)
        if self.iscomplex:
            x = x + 1j * rng.standard_normal(self.shape)
        return self.cast(x)

    def scalar_mul(self, x, a):
        return x * a

    def inner(self, a, b):
        """Real inner product ``Re(sum(a * conj(b)))``; differentiable when
        ``a`` or ``b`` is traced."""
        if isinstance(a, Box) or isinstance(b, Box):
            from . import _elementwise, _reductions
            p = _reductions.sum(_elementwise.multiply(a, _elementwise.conj(b))
                                if self.iscomplex else _elementwise.multiply(a, b))
            return _elementwise.real(p) if self.iscomplex else p
        a, b = _np.asarray(a), _np.asarray(b)
        return float(_np.real(_np.vdot(b, a))) if self.iscomplex else float(_np.vdot(a, b))

    def covector(self, x):
        if self.iscomplex and isinstance(x, Box):
            from . import _elementwise
            return _elementwise.conj(x)
        return _np.conj(x) if self.iscomplex else x


for _t in (_np.ndarray, float, complex, _np.float16, _np.float32, _np.float64,
           _np.longdouble, _np.complex64, _np.complex128, _np.clongdouble):
    register_vspace(_t, ArrayVSpace)


class ForeignArrayVSpace(ArrayVSpace):
    """Float or complex arrays of another library than NumPy (CuPy's, or any with
    ``__array_namespace__``), of one shape, dtype and device: every value it makes (zeros,
    ones, casts, basis vectors) is an array of that library on that device, made with its
    namespace (a NumPy value is transferred explicitly).  Registered the first time such an
    array is differentiated (wengert imports none of these libraries)."""

    __slots__ = ("like",)

    def __init__(self, value):
        self.shape = tuple(int(n) for n in value.shape)
        self.dtype = value.dtype
        self.scalar = False
        # an empty array of the value's library, dtype and device: what new values are
        # made like (holding the value itself would keep it alive)
        self.like = namespace_of(value).reshape(value, (-1,))[:0]

    def _key(self):
        return (self.shape, self.dtype, type(self.like), str(device_of(self.like)))

    @property
    def iscomplex(self):
        return dtype_kind(self.dtype) == "c"

    def cast(self, x):
        x = to_backend(x, self.like)
        if x.dtype != self.dtype:
            if dtype_kind(x.dtype) == "c" and not self.iscomplex:
                x = namespace_of(self.like).real(x)
            x = astype(x, self.dtype)
        if tuple(x.shape) != self.shape:
            x = namespace_of(self.like).broadcast_to(x, self.shape)
        return x

    def zeros(self):
        return full_on(self.like, self.shape, 0)     # made on the device, not copied there

    def ones(self):
        return full_on(self.like, self.shape, 1)

    def standard_basis(self):
        size, dt = self.size, numpy_dtype(self.dtype)
        for unit in ((1, 1j) if self.iscomplex else (1,)):
            for i in range(size):
                e = _np.zeros(size, dt)
                e[i] = unit
                yield self.cast(e.reshape(self.shape))

    def inner(self, a, b):
        """Real inner product, a 0-d array of the space's library for plain values."""
        if isinstance(a, Box) or isinstance(b, Box):
            return ArrayVSpace.inner(self, a, b)
        xp = namespace_of(self.like)
        if self.iscomplex:
            return xp.real(xp.sum(a * xp.conj(b)))
        return xp.sum(a * b)

    def covector(self, x):
        if self.iscomplex and not isinstance(x, Box):
            return namespace_of(self.like).conj(x)
        return ArrayVSpace.covector(self, x)


class DaskArrayVSpace(ArrayVSpace):
    """Float or complex Dask arrays of one shape and dtype; every value it makes (zeros,
    ones, casts) is a lazy Dask array.  Registered the first time a Dask array is
    differentiated (wengert does not import Dask)."""

    __slots__ = ()

    def __init__(self, value):
        if any(_math.isnan(n) for n in value.shape):
            raise TypeError(
                "cannot differentiate with respect to a Dask array of unknown shape "
                f"{value.shape}; call x.compute_chunk_sizes() first")
        self.shape = tuple(int(n) for n in value.shape)
        self.dtype = _np.dtype(value.dtype)
        self.scalar = False

    def cast(self, x):
        return cast_dask(x, self.shape, self.dtype)

    def zeros(self):
        return dask_array().zeros(self.shape, dtype=self.dtype)

    def ones(self):
        return dask_array().ones(self.shape, dtype=self.dtype)

    def standard_basis(self):
        for e in ArrayVSpace.standard_basis(self):
            yield self.cast(e)

    def randn(self, rng=None):
        return self.cast(ArrayVSpace.randn(self, rng))

    def inner(self, a, b):
        """Real inner product, a lazy 0-d Dask array for plain values."""
        if isinstance(a, Box) or isinstance(b, Box):
            return ArrayVSpace.inner(self, a, b)
        da = dask_array()
        p = da.sum(a * da.conj(b)) if self.iscomplex else da.sum(a * b)
        return p.real if self.iscomplex else p

    def covector(self, x):
        if self.iscomplex and not isinstance(x, Box):
            return dask_array().conj(x)
        return ArrayVSpace.covector(self, x)


def _adapted_vspace(value):
    """The space of an array-API-only array, seen through the adapter."""
    return ForeignArrayVSpace(_load_adapter()(value))


def _find_vspace(value):
    if is_dask(value):
        register_vspace(type(value), DaskArrayVSpace)
        return DaskArrayVSpace
    if is_namespace_only(value):
        # an array-API-only array: seen through the adapter in every box and space
        from ._array_box import NamespaceArrayBox
        seen.append(True)
        register_vspace(type(value), _adapted_vspace)
        register_box(NamespaceArrayBox, (type(value),))
        return _adapted_vspace
    if is_foreign(value):
        register_vspace(type(value), ForeignArrayVSpace)
        from ._array_box import ForeignArrayBox
        register_box(ForeignArrayBox, (type(value),))
        return ForeignArrayVSpace
    return None


register_vspace_finder(_find_vspace)
