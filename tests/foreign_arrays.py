"""A CuPy-like array for tests: an array that lives on another "device" and refuses to
become a NumPy array.

``DeviceArray`` wraps a NumPy array and behaves as ``cupy.ndarray`` does where it
matters to a differentiation library:

* ``numpy.asarray(a)`` raises ``TypeError`` (CuPy's ``__array__`` refuses implicit
  conversion; ``a.get()`` is the explicit copy to the host);
* NumPy functions and ufuncs on it answer through ``__array_ufunc__`` (NEP 13) and
  ``__array_function__`` (NEP 18) and return ``DeviceArray``; reductions return 0-d
  arrays, not NumPy scalars, as CuPy's do;
* mixing with a NumPy array that is not 0-d raises ``TypeError`` (CuPy refuses implicit
  host-to-device transfers), Python and NumPy scalars are fine;
* a binary operator with an operand of another type defers to it (returns
  ``NotImplemented``) only when that operand's ``__array_ufunc__`` is None, or when it
  has none and a higher ``__array_priority__``; otherwise it calls the NumPy ufunc, so
  the operand's ``__array_ufunc__`` answers (CuPy's ``_should_use_rop``);
* ``__array_namespace__`` returns a namespace whose ``asarray`` is the explicit
  host-to-device transfer and whose other functions are NumPy's on the device.

Not shipped: only the tests use it.  ``benchmarks/gpu_check.py --dry-run`` uses it in
CuPy's place.
"""
import numpy as np

DEVICE = "standin:0"

_SCALARS = (bool, int, float, complex, np.generic)


def _refuse(x):
    return TypeError(
        f"Unsupported type {type(x)}: a DeviceArray does not mix with a NumPy array of "
        f"shape {np.shape(x)} (no implicit host-to-device transfer; use xp.asarray)")


def _unwrap(x, allow_host_index=False):
    """``x`` with every DeviceArray replaced by its data (in lists, tuples, dicts)."""
    t = type(x)
    if t is DeviceArray:
        return x._data
    if t is np.ndarray:
        if x.ndim == 0 or (allow_host_index and x.dtype.kind in "biu"):
            return x
        raise _refuse(x)
    if t is list or t is tuple:
        return t(_unwrap(v, allow_host_index) for v in x)
    if t is dict:
        return {k: _unwrap(v, allow_host_index) for k, v in x.items()}
    return x


def _wrap(x):
    t = type(x)
    if t is np.ndarray or isinstance(x, np.generic):
        return DeviceArray(np.asarray(x))
    if t is tuple or t is list:
        return t(_wrap(v) for v in x)
    return x


def _handled(x):
    return (type(x) is DeviceArray or isinstance(x, _SCALARS) or type(x) is np.ndarray
            or x is None)


def _should_defer(other):
    try:
        u = other.__array_ufunc__
    except AttributeError:
        return getattr(other, "__array_priority__", 0) > DeviceArray.__array_priority__
    return u is None


def _binary(ufunc):
    def op(self, other):
        if type(other) is not DeviceArray and _should_defer(other):
            return NotImplemented
        return ufunc(self, other)

    def rop(self, other):
        if type(other) is not DeviceArray and _should_defer(other):
            return NotImplemented
        return ufunc(other, self)
    return op, rop


class DeviceArray:
    """An array on the stand-in device (see the module's docstring)."""

    __slots__ = ("_data",)
    __array_priority__ = 100

    def __init__(self, data):
        if type(data) is not np.ndarray:
            raise TypeError(f"DeviceArray wraps a NumPy array, not {type(data).__name__}")
        self._data = data

    # -- conversion -------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. "
                        "Please use `.get()` to construct a NumPy array explicitly.")

    def get(self):
        """A copy on the host (CuPy's ``get``)."""
        return self._data.copy()

    def __array_namespace__(self, api_version=None):
        return xp

    device = property(lambda self: DEVICE)

    def to_device(self, device, stream=None):
        if device != DEVICE:
            raise ValueError(f"only {DEVICE!r} is known")
        return self

    def item(self):
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __float__(self):
        return float(self._data)

    def __int__(self):
        return int(self._data)

    def __complex__(self):
        return complex(self._data)

    def __bool__(self):
        return bool(self._data)

    def __index__(self):
        return self._data.__index__()

    def __repr__(self):
        return f"DeviceArray({self._data!r})"

    def __format__(self, spec):
        return format(self._data, spec)

    # -- attributes -------------------------------------------------------------
    shape = property(lambda self: self._data.shape)
    dtype = property(lambda self: self._data.dtype)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)
    itemsize = property(lambda self: self._data.itemsize)
    nbytes = property(lambda self: self._data.nbytes)
    T = property(lambda self: DeviceArray(self._data.T))
    mT = property(lambda self: DeviceArray(np.swapaxes(self._data, -1, -2)))
    real = property(lambda self: DeviceArray(np.asarray(self._data.real)))
    imag = property(lambda self: DeviceArray(np.asarray(self._data.imag)))

    def __len__(self):
        return len(self._data)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    # -- NEP 13 / NEP 18 --------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__":
            return NotImplemented
        for x in inputs + tuple(kwargs.get("out", ())):
            if not _handled(x):
                return NotImplemented
        out = kwargs.pop("out", None)
        result = ufunc(*_unwrap(inputs), **_unwrap(kwargs))
        if out is not None:
            for o, r in zip(out, result if type(result) is tuple else (result,)):
                o._data[...] = r
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        for t in types:
            if t is not DeviceArray and t is not np.ndarray:
                return NotImplemented
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))

    # -- indexing ---------------------------------------------------------------
    def __getitem__(self, idx):
        return _wrap(self._data[_unwrap(idx, allow_host_index=True)])

    def __setitem__(self, idx, value):
        self._data[_unwrap(idx, allow_host_index=True)] = _unwrap(value)

    # -- operators --------------------------------------------------------------
    __add__, __radd__ = _binary(np.add)
    __sub__, __rsub__ = _binary(np.subtract)
    __mul__, __rmul__ = _binary(np.multiply)
    __truediv__, __rtruediv__ = _binary(np.true_divide)
    __floordiv__, __rfloordiv__ = _binary(np.floor_divide)
    __mod__, __rmod__ = _binary(np.remainder)
    __pow__, __rpow__ = _binary(np.power)
    # CuPy's @ runs its own matmul, not NumPy's ufunc: an operand of another type that
    # does not defer (``__array_ufunc__`` not None) is refused, not asked
    __matmul__, __rmatmul__ = _binary(lambda a, b: _own_matmul(a, b))   # (defined below)
    __and__, __rand__ = _binary(np.logical_and)
    __or__, __ror__ = _binary(np.logical_or)
    __lt__, _ = _binary(np.less)
    __le__, _ = _binary(np.less_equal)
    __gt__, _ = _binary(np.greater)
    __ge__, _ = _binary(np.greater_equal)
    __eq__, _ = _binary(np.equal)
    __ne__, _ = _binary(np.not_equal)
    __hash__ = None

    def __neg__(self):
        return np.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return np.absolute(self)

    def __invert__(self):
        return np.invert(self)

    # -- methods (as cupy.ndarray's) --------------------------------------------
    def astype(self, dtype, copy=True, **kwargs):
        return DeviceArray(self._data.astype(dtype, copy=copy))

    def copy(self):
        return DeviceArray(self._data.copy())

    def reshape(self, *shape, order="C"):
        return DeviceArray(self._data.reshape(*shape, order=order))

    def transpose(self, *axes):
        return DeviceArray(self._data.transpose(*axes))

    def ravel(self, order="C"):
        return DeviceArray(self._data.ravel(order))

    def flatten(self):
        return DeviceArray(self._data.flatten())

    def squeeze(self, axis=None):
        return DeviceArray(self._data.squeeze(axis))

    def swapaxes(self, a, b):
        return DeviceArray(self._data.swapaxes(a, b))

    def conj(self):
        return DeviceArray(np.asarray(self._data.conj()))

    conjugate = conj

    def dot(self, other):
        return np.dot(self, other)

    def sum(self, *a, **k): return np.sum(self, *a, **k)
    def mean(self, *a, **k): return np.mean(self, *a, **k)
    def max(self, *a, **k): return np.max(self, *a, **k)
    def min(self, *a, **k): return np.min(self, *a, **k)
    def prod(self, *a, **k): return np.prod(self, *a, **k)
    def var(self, *a, **k): return np.var(self, *a, **k)
    def std(self, *a, **k): return np.std(self, *a, **k)
    def all(self, *a, **k): return np.all(self, *a, **k)
    def any(self, *a, **k): return np.any(self, *a, **k)
    def argmax(self, *a, **k): return np.argmax(self, *a, **k)
    def argmin(self, *a, **k): return np.argmin(self, *a, **k)
    def cumsum(self, *a, **k): return np.cumsum(self, *a, **k)
    def clip(self, *a, **k): return np.clip(self, *a, **k)
    def take(self, *a, **k): return np.take(self, *a, **k)
    def nonzero(self): return np.nonzero(self)
    def diagonal(self, *a, **k): return np.diagonal(self, *a, **k)

    def fill(self, value):
        self._data.fill(value)


def _own_matmul(a, b):
    for x in (a, b):
        if type(x) is not DeviceArray:
            raise TypeError(f"Unsupported type {type(x)}")
    return DeviceArray(np.matmul(a._data, b._data))


class _Namespace:
    """The stand-in's array namespace (``cupy`` for CuPy): NumPy's functions on the
    device; ``asarray`` and the creation functions make device arrays."""

    __name__ = "standin"

    def asarray(self, x, dtype=None, device=None, copy=None):
        if type(x) is DeviceArray:
            return x if dtype is None else x.astype(dtype)
        return DeviceArray(np.array(_unwrap(x, True) if type(x) in (list, tuple) else x,
                                    dtype=dtype))

    def __getattr__(self, name):
        fun = getattr(np, name)
        if not callable(fun) or isinstance(fun, type):
            return fun

        def on_device(*args, device=None, **kwargs):
            return _wrap(fun(*_unwrap(args, True), **_unwrap(kwargs, True)))
        on_device.__name__ = name
        return on_device


xp = _Namespace()


def __getattr__(name):
    """The module is the stand-in library's top-level namespace too (``cupy`` is both
    CuPy's module and, where its arrays have ``__array_namespace__``, their namespace)."""
    return getattr(xp, name)


def to_device(a):
    """A NumPy array (or a tree of them) as DeviceArrays."""
    if type(a) in (tuple, list):
        return type(a)(to_device(v) for v in a)
    return DeviceArray(np.array(a))
