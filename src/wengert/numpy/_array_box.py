"""Traced arrays: operator overloading and NumPy's dispatch protocols.

One box class serves reverse and forward mode alike (the trace decides what a
box means); every operator routes to a wrapped ``wengert.numpy`` function.
Plain ``numpy`` calls on a box are routed the same way through
``__array_ufunc__`` / ``__array_function__``, or rejected with an error naming
the function, never silently turned into constants.
"""
import numpy as _np

from .._core import Box, getval, register_box

from . import _elementwise as E, _linalg as L, _reductions as R, _shape as S, _sorting as SO
from ._dispatch import _EQUIVALENTS


def _leaving_tape(what, fix):
    return TypeError(
        f"{what} on a traced value would drop its derivative (the result would be a "
        f"constant and its gradient silently zero); {fix}")


class ArrayBox(Box):
    """A traced float, complex, NumPy scalar or array."""

    __slots__ = ()
    __array_priority__ = 100.0

    # -- properties that do not depend on the trace --------------------------------
    shape = property(lambda self: _np.shape(self._value) if not isinstance(self._value, Box)
                     else self._value.shape)
    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: int(_np.prod(self.shape)))
    dtype = property(lambda self: _dtype(self._value))
    T = property(lambda self: S.transpose(self))
    real = property(lambda self: E.real(self))
    imag = property(lambda self: E.imag(self))

    def __len__(self):
        return len(self._value)

    def __bool__(self):
        return bool(self._value)

    def __hash__(self):
        return id(self)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d traced array")
        return (self[i] for i in range(self.shape[0]))

    # -- arithmetic ---------------------------------------------------------------
    def __neg__(self): return E.negative(self)
    def __pos__(self): return self
    def __abs__(self): return E.absolute(self)
    def __add__(self, other): return E.add(self, other)
    def __radd__(self, other): return E.add(other, self)
    def __sub__(self, other): return E.subtract(self, other)
    def __rsub__(self, other): return E.subtract(other, self)
    def __mul__(self, other): return E.multiply(self, other)
    def __rmul__(self, other): return E.multiply(other, self)
    def __truediv__(self, other): return E.divide(self, other)
    def __rtruediv__(self, other): return E.divide(other, self)
    def __pow__(self, other): return E.power(self, other)
    def __rpow__(self, other): return E.power(other, self)
    def __matmul__(self, other): return L.matmul(self, other)
    def __rmatmul__(self, other): return L.matmul(other, self)
    def __mod__(self, other): return E.mod(self, other)
    def __rmod__(self, other): return E.mod(other, self)
    def __floordiv__(self, other): return E.floor_divide(self, other)
    def __rfloordiv__(self, other): return E.floor_divide(other, self)

    # comparisons are not differentiable: they compare the values
    def __eq__(self, other): return _np.equal(_val(self), _val(other))
    def __ne__(self, other): return _np.not_equal(_val(self), _val(other))
    def __lt__(self, other): return _np.less(_val(self), _val(other))
    def __le__(self, other): return _np.less_equal(_val(self), _val(other))
    def __gt__(self, other): return _np.greater(_val(self), _val(other))
    def __ge__(self, other): return _np.greater_equal(_val(self), _val(other))

    # -- indexing -----------------------------------------------------------------
    def __getitem__(self, idx):
        return S.getitem(self, idx)

    def __setitem__(self, idx, value):
        raise TypeError(
            "item assignment on a traced array is not supported yet (it would need "
            "copy-on-write tracing); build the array functionally instead, e.g. with "
            "wengert.numpy.where, concatenate or stack")

    # -- leaving the tape ---------------------------------------------------------
    def __float__(self):
        raise _leaving_tape("float()", "use wengert.numpy functions instead of math "
                            "functions, or wengert.stop_gradient(x) if a constant is meant")

    def __int__(self):
        raise _leaving_tape("int()", "use wengert.stop_gradient(x) first if a constant is meant")

    def __complex__(self):
        raise _leaving_tape("complex()", "use wengert.stop_gradient(x) if a constant is meant")

    def __array__(self, dtype=None, copy=None):
        raise _leaving_tape(
            "numpy.asarray / numpy.array", "use wengert.numpy.array or wengert.numpy.stack "
            "to build arrays from traced values, or wengert.stop_gradient(x) if a "
            "constant is meant")

    def tolist(self):
        raise _leaving_tape("tolist()", "index the array instead, or use wengert.stop_gradient")

    def item(self, *args):
        raise _leaving_tape("item()", "index the array instead, or use wengert.stop_gradient")

    # -- NumPy's dispatch protocols -----------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        name = getattr(ufunc, "__name__", str(ufunc))
        if method != "__call__" or kwargs.get("out") is not None:
            raise TypeError(
                f"numpy.{name}.{method}{' with out=' if kwargs.get('out') is not None else ''} "
                "is not supported on traced values; call wengert.numpy."
                f"{name} without out= instead")
        kwargs.pop("out", None)
        fun = _EQUIVALENTS.get(ufunc)
        if fun is None:
            raise NotImplementedError(
                f"numpy.{name} has no derivative rule in wengert; add one with "
                f"wengert.extend.primitive and defvjp/defjvp, or wrap its argument in "
                "wengert.stop_gradient if a constant is meant")
        return fun(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        fun = _EQUIVALENTS.get(func)
        if fun is None:
            mod = getattr(func, "__module__", "numpy") or "numpy"
            raise NotImplementedError(
                f"{mod}.{func.__name__} has no derivative rule in wengert; use "
                f"wengert.numpy's version if it has one, add a rule with "
                "wengert.extend.primitive and defvjp/defjvp, or wrap the argument in "
                "wengert.stop_gradient if a constant is meant")
        return fun(*args, **kwargs)

    # -- ndarray methods ----------------------------------------------------------
    def sum(self, *a, **k): return R.sum(self, *a, **k)
    def mean(self, *a, **k): return R.mean(self, *a, **k)
    def max(self, *a, **k): return R.max(self, *a, **k)
    def min(self, *a, **k): return R.min(self, *a, **k)
    def prod(self, *a, **k): return _np.prod(self, *a, **k)  # NumPy's dispatch names it
    def var(self, *a, **k): return R.var(self, *a, **k)
    def std(self, *a, **k): return R.std(self, *a, **k)
    def cumsum(self, *a, **k): return R.cumsum(self, *a, **k)
    def cumprod(self, *a, **k): return R.cumprod(self, *a, **k)
    def ptp(self, *a, **k): return R.ptp(self, *a, **k)
    def compress(self, condition, axis=None): return SO.compress(condition, self, axis)
    def choose(self, choices, mode="raise"): return SO.choose(self, choices, mode=mode)
    def dot(self, other): return L.dot(self, other)
    def ravel(self, order="C"): return S.ravel(self, order)
    def flatten(self, order="C"): return S.ravel(self, order)
    def squeeze(self, axis=None): return S.squeeze(self, axis)
    def swapaxes(self, a, b): return S.swapaxes(self, a, b)
    def clip(self, a_min=None, a_max=None): return E.clip(self, a_min, a_max)
    def conj(self): return E.conjugate(self)
    def conjugate(self): return E.conjugate(self)
    def astype(self, dtype, **k): return E.astype(self, dtype)
    def copy(self): return self
    def round(self, decimals=0): return E.round(self, decimals)
    def trace(self, *a, **k): return R.trace(self, *a, **k)
    def diagonal(self, *a, **k): return S.diagonal(self, *a, **k)
    def repeat(self, *a, **k): return S.repeat(self, *a, **k)
    def take(self, *a, **k): return S.take(self, *a, **k)
    def argmax(self, *a, **k): return _np.argmax(_val(self), *a, **k)
    def argmin(self, *a, **k): return _np.argmin(_val(self), *a, **k)
    def argsort(self, *a, **k): return _np.argsort(_val(self), *a, **k)
    def nonzero(self): return _np.nonzero(_val(self))
    def all(self, *a, **k): return _np.all(_val(self), *a, **k)
    def any(self, *a, **k): return _np.any(_val(self), *a, **k)

    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        return S.reshape(self, shape, order=order)

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], int)):
            axes = axes[0]
        return S.transpose(self, axes or None)


def _val(x):
    return getval(x) if isinstance(x, Box) else x  # a batched value stays batched


def _dtype(x):
    x = _val(x)
    if isinstance(x, (_np.ndarray, _np.generic)):
        return x.dtype
    return _np.result_type(x)


class SequenceBox(Box):
    """A traced tuple or list (the result of a multi-output primitive)."""

    __slots__ = ()

    def __len__(self):
        return len(self._value)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        return S.sequence_item(self, i)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


register_box(ArrayBox, default=True)
register_box(SequenceBox, (tuple, list, SequenceBox))  # a box of a traced tuple too
