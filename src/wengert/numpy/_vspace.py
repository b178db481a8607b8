"""Vector spaces of NumPy scalars and arrays."""
import math as _math

import numpy as _np

from .._core import Box, VSpace, register_vspace


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
        """``x`` as a value of this space (dtype, shape, scalar or array)."""
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
