"""Arrays that offer only the Python array API (``__array_namespace__``), such as
``array_api_strict``'s: an adapter that answers NumPy's protocols for them.

wengert's rules call NumPy functions on values (``numpy.sin(x)``).  CuPy and Dask arrays
answer those through ``__array_ufunc__`` / ``__array_function__``; an array that has only
``__array_namespace__`` would be converted by NumPy (silently to a NumPy array, or with an
error on a device NumPy cannot read).  So where such an array enters a transform (its box
is made, its vector space found, ``vmap`` batches it), it is wrapped in a
:class:`NamespaceArray`, which implements both protocols by calling the library's
namespace (``numpy.arcsin`` is ``xp.asin``, ``numpy.concatenate`` is ``xp.concat``, ...)
with NumPy's type promotion, exposes NumPy dtypes (rules read ``x.dtype.kind``) and
refuses ``__array__``; the transforms unwrap it on the way out (:func:`unwrap_tree`), so
the user gets the library's arrays back, on their device.  A NumPy function the
namespace lacks raises an error naming the function and the library.
"""
import math as _math

import numpy as _np

from .._core import Box, register_box, register_vspace
from . import _namespace_only
from ._namespace_only import is_compat_array, numpy_dtype, raw_namespace, unwrap_tree

# NumPy's ufunc names whose array API function has another name
_RENAMED = {
    "absolute": "abs", "arccos": "acos", "arccosh": "acosh", "arcsin": "asin",
    "arcsinh": "asinh", "arctan": "atan", "arctan2": "atan2", "arctanh": "atanh",
    "power": "pow", "true_divide": "divide", "conjugate": "conj", "invert": "bitwise_invert",
    "left_shift": "bitwise_left_shift", "right_shift": "bitwise_right_shift",
    "concatenate": "concat", "amax": "max", "amin": "min", "cumsum": "cumulative_sum",
    "cumprod": "cumulative_prod", "around": "round",
}
# keyword arguments NumPy's functions receive that mean "the default" here
_DEFAULTS = {"out": None, "where": True, "order": "C", "casting": "same_kind",
             "subok": True, "initial": _np._NoValue, "dtype": None}


class NamespaceArray:
    """An array of an array-API-only library, seen through NumPy's protocols."""

    __slots__ = ("raw",)
    __array_priority__ = 100

    def __init__(self, raw):
        self.raw = raw

    # -- what rules read ----------------------------------------------------------------
    shape = property(lambda self: tuple(self.raw.shape))
    ndim = property(lambda self: self.raw.ndim)
    size = property(lambda self: _math.prod(self.raw.shape))
    dtype = property(lambda self: numpy_dtype(self.raw.dtype))
    device = property(lambda self: self.raw.device)
    T = property(lambda self: _call("permute_dims", self, tuple(range(self.ndim))[::-1]))
    mT = property(lambda self: _call("matrix_transpose", self))
    real = property(lambda self: _call("real", self))
    imag = property(lambda self: _call("imag", self))

    def __array_namespace__(self, api_version=None):
        return AdaptedNamespace(raw_namespace(self.raw))

    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"{_library(self)} arrays are not converted to NumPy arrays by "
                        "wengert (that would leave their device); this is a bug in a rule: "
                        "please report it")

    def __repr__(self):
        return f"NamespaceArray({self.raw!r})"

    def __len__(self):
        return self.shape[0]

    def __bool__(self):
        return bool(self.raw)

    def __float__(self):
        return float(self.raw)

    def __index__(self):
        return int(self.raw)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def astype(self, dtype, copy=True, **kwargs):
        ns = raw_namespace(self.raw)
        return NamespaceArray(ns.astype(self.raw, library_dtype(ns, dtype)))

    def reshape(self, *shape, order="C"):
        return _np.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes):
        return _np.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    def sum(self, *a, **k): return _np.sum(self, *a, **k)
    def copy(self): return _call("asarray", self, copy=True)
    def ravel(self): return _np.ravel(self)
    def conj(self): return _call("conj", self)
    def item(self): return float(raw_namespace(self.raw).reshape(self.raw, ()))

    # -- NumPy's protocols --------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__":
            raise _missing(f"numpy.{ufunc.__name__}.{method}", self)
        _drop_defaults(f"numpy.{ufunc.__name__}", self, kwargs)
        ns = raw_namespace(self.raw)
        name = _RENAMED.get(ufunc.__name__, ufunc.__name__)
        fun = getattr(ns, name, None)
        if fun is None:
            raise _missing(f"numpy.{ufunc.__name__}", self)
        args = [_to_raw(x, self) for x in inputs]
        # NumPy's promotion (a bool or int operand of an arithmetic ufunc, float32 with a
        # Python float): cast the arrays to the dtypes of the loop NumPy would run
        try:
            loop = ufunc.resolve_dtypes(tuple(_dtype_for_resolve(a) for a in args)
                                        + (None,) * ufunc.nout)
        except (TypeError, ValueError):
            loop = None
        if loop is not None:
            args = [ns.astype(a, library_dtype(ns, dt))
                    if _is_raw(a) and numpy_dtype(a.dtype) != dt else a
                    for a, dt in zip(args, loop)]
        return _wrap(fun(*args))

    def __array_function__(self, func, types, args, kwargs):
        name = func.__name__
        if func.__module__ == "numpy.linalg":
            return _call_linalg(name, self, args, kwargs)
        special = _FUNCTIONS.get(name)
        if special is not None:
            return special(self, *args, **kwargs)
        _drop_defaults(f"numpy.{name}", self, kwargs)
        return _call(_RENAMED.get(name, name), *args, **kwargs)

    # -- indexing -----------------------------------------------------------------------
    def __getitem__(self, idx):
        return _getitem(self, idx)

    # -- operators (NumPy's ufuncs; an operand that defers, a box, answers itself) -------
    def _op(ufunc, reflected=False):  # noqa: N805  (a helper run in the class body)
        def op(self, other):
            if _defers(other):
                return NotImplemented
            return ufunc(other, self) if reflected else ufunc(self, other)
        return op

    __add__, __radd__ = _op(_np.add), _op(_np.add, True)
    __sub__, __rsub__ = _op(_np.subtract), _op(_np.subtract, True)
    __mul__, __rmul__ = _op(_np.multiply), _op(_np.multiply, True)
    __truediv__, __rtruediv__ = _op(_np.true_divide), _op(_np.true_divide, True)
    __pow__, __rpow__ = _op(_np.power), _op(_np.power, True)
    __matmul__, __rmatmul__ = _op(_np.matmul), _op(_np.matmul, True)
    __and__, __rand__ = _op(_np.bitwise_and), _op(_np.bitwise_and, True)
    __or__, __ror__ = _op(_np.bitwise_or), _op(_np.bitwise_or, True)
    __lt__, __le__ = _op(_np.less), _op(_np.less_equal)
    __gt__, __ge__ = _op(_np.greater), _op(_np.greater_equal)
    __eq__, __ne__ = _op(_np.equal), _op(_np.not_equal)
    __hash__ = None
    del _op

    def __neg__(self):
        return _np.negative(self)

    def __invert__(self):
        return _np.invert(self)

    def __abs__(self):
        return _np.absolute(self)


class AdaptedNamespace:
    """A library's namespace whose functions take and return :class:`NamespaceArray`."""

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name):
        fun = getattr(self._ns, name)
        if not callable(fun) or isinstance(fun, type):
            return fun

        def adapted(*args, **kwargs):
            if kwargs.get("dtype") is not None:
                kwargs["dtype"] = library_dtype(self._ns, kwargs["dtype"])
            return _wrap(fun(*unwrap_tree(args), **unwrap_tree(kwargs)))
        return adapted


# -- helpers -------------------------------------------------------------------------------


def library_dtype(ns, dt):
    """The dtype of namespace ``ns`` named like the NumPy dtype (or type) ``dt``."""
    if dt is None:
        return None
    if not isinstance(dt, (_np.dtype, type, str)):
        return dt                    # already the library's
    name = _np.dtype(dt).name
    return getattr(ns, name)


def _library(x):
    return type(x.raw).__module__.split(".")[0]


def _missing(what, like):
    return TypeError(f"{what}: not supported on {_library(like)} arrays (its array API "
                     f"namespace has no such function); compute this part with the "
                     f"library's own namespace, or on NumPy arrays")


def _drop_defaults(what, like, kwargs):
    kwargs.pop("optimize", None)        # NumPy's einsum speed hint
    for k in list(kwargs):
        if k in _DEFAULTS and kwargs[k] is _DEFAULTS[k]:
            del kwargs[k]
        elif k in ("out", "where", "order", "casting", "subok", "initial"):
            raise TypeError(f"{what}(..., {k}={kwargs[k]!r}): not supported on "
                            f"{_library(like)} arrays; leave {k} at its default")


def _is_raw(x):
    return (hasattr(type(x), "__array_namespace__") or is_compat_array(x)) and not isinstance(
        x, (_np.ndarray, _np.generic, NamespaceArray))


def _defers(other):
    return isinstance(other, Box) or getattr(other, "__array_ufunc__", False) is None


def _to_raw(x, like):
    """An operand for the library: its array, a Python scalar, or a NumPy value moved to
    ``like``'s device (the explicit transfer of a constant a rule made with NumPy)."""
    t = type(x)
    if t is NamespaceArray:
        return x.raw
    if t is _np.ndarray and x.ndim or t is list:
        ns = raw_namespace(like.raw)
        a = _np.asarray(x)
        return ns.asarray(a, dtype=library_dtype(ns, a.dtype), device=like.raw.device)
    if isinstance(x, (_np.generic, _np.ndarray)):
        return x.item()
    return x


def _dtype_for_resolve(a):
    if _is_raw(a):
        return numpy_dtype(a.dtype)
    if type(a) is bool:
        return _np.dtype(bool)
    if type(a) in (int, float, complex):
        return type(a)
    return None


def _wrap(r):
    if _is_raw(r):
        return NamespaceArray(r)
    if type(r) is tuple or type(r) is list:
        return type(r)(_wrap(v) for v in r)
    return r


def _like_of(args):
    for a in args:
        if type(a) is NamespaceArray:
            return a
        if type(a) in (list, tuple):
            found = _like_of(a)
            if found is not None:
                return found
    return None


def _operand(x, like):
    if type(x) is list or type(x) is tuple:
        return type(x)(_operand(v, like) for v in x)
    return _to_raw(x, like) if type(x) is not int else x


def _call(name, *args, **kwargs):
    """``xp.<name>(*args, **kwargs)`` on the library's arrays, wrapped back."""
    like = _like_of(args)
    if like is None:
        like = _like_of(list(kwargs.values()))
    ns = raw_namespace(like.raw)
    fun = getattr(ns, name, None)
    if fun is None:
        raise _missing(f"numpy.{name}", like)
    args = [_to_raw(a, like) if type(a) in (NamespaceArray, _np.ndarray) else
            [_to_raw(v, like) for v in a] if type(a) is list and _like_of(a) is not None else
            tuple(_to_raw(v, like) for v in a) if type(a) is tuple and _like_of(a) is not None
            else a
            for a in args]
    if "dtype" in kwargs:
        kwargs["dtype"] = library_dtype(ns, kwargs["dtype"])
    return _wrap(fun(*args, **{k: unwrap_tree(v) for k, v in kwargs.items()}))


def _call_linalg(name, like, args, kwargs):
    ns = raw_namespace(like.raw)
    linalg = getattr(ns, "linalg", None)
    if name == "norm" and linalg is not None:    # the array API splits NumPy's norm
        return _norm(like, linalg, *args, **kwargs)
    fun = getattr(linalg, name, None)
    if fun is None:
        raise _missing(f"numpy.linalg.{name}", like)
    _drop_defaults(f"numpy.linalg.{name}", like, kwargs)
    return _wrap(fun(*[_to_raw(a, like) for a in args], **kwargs))


def _norm(like, linalg, x, ord=None, axis=None, keepdims=False):
    x = _to_raw(x, like)
    if type(axis) in (tuple, list) and len(axis) == 2:
        if tuple(a % x.ndim for a in axis) != (x.ndim - 2, x.ndim - 1):
            raise _missing("numpy.linalg.norm over axes other than the last two", like)
        return _wrap(linalg.matrix_norm(x, ord="fro" if ord is None else ord,
                                        keepdims=keepdims))
    if axis is None and x.ndim == 2 and ord not in (None, 2, "fro"):
        return _wrap(linalg.matrix_norm(x, ord=ord, keepdims=keepdims))
    return _wrap(linalg.vector_norm(x, axis=_axis(axis), ord=2 if ord is None else ord,
                                    keepdims=keepdims))


def _axis(axis):
    return tuple(axis) if type(axis) is list else axis


def _reduction(name, numeric=True):
    def reduce(like, a, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        _drop_defaults(f"numpy.{name}", like, kwargs)
        x = a
        if numeric and a.dtype.kind == "b":
            x = a.astype(_np.int64)
        return _call(name, x, axis=_axis(axis), keepdims=keepdims,
                     **({"dtype": dtype} if dtype is not None else {}))
    return reduce


def _extreme(name):
    def reduce(like, a, axis=None, out=None, keepdims=False, **kwargs):
        _drop_defaults(f"numpy.{name}", like, kwargs)
        return _call(name, a, axis=_axis(axis), keepdims=keepdims)
    return reduce


def _moments(name):
    def reduce(like, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kwargs):
        _drop_defaults(f"numpy.{name}", like, kwargs)
        return _call(name, a, axis=_axis(axis), correction=ddof, keepdims=keepdims)
    return reduce


def _reshape(like, a, shape=None, order="C", **kwargs):
    shape = kwargs.pop("newshape", shape)
    _drop_defaults("numpy.reshape", like, dict(order=order))
    return _call("reshape", a, (shape,) if type(shape) is int else tuple(shape))


def _transpose(like, a, axes=None):
    n = _np.ndim(a)
    return _call("permute_dims", a, tuple(range(n))[::-1] if axes is None else
                 tuple(ax % n for ax in axes))


def _swapaxes(like, a, i, j):
    axes = list(range(_np.ndim(a)))
    axes[i], axes[j] = axes[j], axes[i]
    return _call("permute_dims", a, tuple(axes))


def _squeeze(like, a, axis=None):
    if axis is None:
        axis = tuple(k for k, n in enumerate(_np.shape(a)) if n == 1)
    return _call("squeeze", a, axis=_axis(axis))


def _take(like, a, indices, axis=None, out=None, mode="raise"):
    if axis is None:
        a, axis = _call("reshape", a, (-1,)), 0
    idx = _np.asarray(indices) if type(indices) is not NamespaceArray else indices
    if type(idx) is _np.ndarray and idx.ndim != 1:
        flat = _call("take", a, _to_raw(idx.reshape(-1), like), axis=axis)
        s = _np.shape(a)
        return _call("reshape", flat, s[:axis] + idx.shape + s[axis + 1:])
    return _call("take", a, _to_raw(idx, like) if type(idx) is _np.ndarray else idx,
                 axis=axis)


def _result_type(like, *args):
    return _np.result_type(*[a.dtype if type(a) is NamespaceArray else a for a in args])


def _dot(like, a, b):
    if _np.ndim(a) <= 2 and _np.ndim(b) <= 2 and _np.ndim(a) and _np.ndim(b):
        return _np.matmul(a, b)
    if not _np.ndim(a) or not _np.ndim(b):
        return _np.multiply(a, b)
    return _call("tensordot", a, b, axes=([-1], [-2]))


def _like_creation(name):
    def create(like, a, *args, dtype=None, **kwargs):
        _drop_defaults(f"numpy.{name}", like, kwargs)
        return _call(name, a, *args, **({"dtype": dtype} if dtype is not None else {}))
    return create


_FUNCTIONS = {
    "sum": _reduction("sum"), "prod": _reduction("prod"), "mean": _reduction("mean"),
    "max": _extreme("max"), "min": _extreme("min"), "amax": _extreme("max"),
    "amin": _extreme("min"), "any": _extreme("any"), "all": _extreme("all"),
    "var": _moments("var"), "std": _moments("std"),
    "reshape": _reshape, "ravel": lambda like, a, order="C": _reshape(like, a, (-1,), order),
    "transpose": _transpose, "swapaxes": _swapaxes, "squeeze": _squeeze, "take": _take,
    "result_type": _result_type, "dot": _dot,
    "tensordot": lambda like, a, b, axes=2: _call(
        "tensordot", a, b, axes=axes if type(axes) is int else tuple(map(tuple, axes))),
    "shape": lambda like, a: _np.shape(a) if type(a) is not NamespaceArray else a.shape,
    "ndim": lambda like, a: a.ndim, "size": lambda like, a: a.size,
    "iscomplexobj": lambda like, a: a.dtype.kind == "c",
    "isrealobj": lambda like, a: a.dtype.kind != "c",
    "copy": lambda like, a, **k: _call("asarray", a, copy=True),
    "zeros_like": _like_creation("zeros_like"), "ones_like": _like_creation("ones_like"),
    "empty_like": _like_creation("zeros_like"), "full_like": _like_creation("full_like"),
    "concatenate": lambda like, arrays, axis=0, **k: _call("concat", list(arrays), axis=axis),
    "stack": lambda like, arrays, axis=0, **k: _call("stack", list(arrays), axis=axis),
    "real": lambda like, a: _call("real", a) if a.dtype.kind == "c" else a,
    "imag": lambda like, a: _call("imag", a) if a.dtype.kind == "c" else _call("zeros_like", a),
}


def _getitem(x, idx):
    """``x[idx]`` with NumPy's meaning: one integer array among slices (``x[[0, 2], 1:]``),
    which the array API does not index with, is a ``take`` along its axis."""
    items = idx if type(idx) is tuple else (idx,)
    items = tuple(_np.asarray(i) if type(i) is list else i for i in items)
    arrays = [k for k, i in enumerate(items)
              if type(i) in (_np.ndarray, NamespaceArray) and i.ndim > 0]
    ns = raw_namespace(x.raw)
    if len(arrays) != 1 or items[arrays[0]].dtype.kind not in "iu":
        raw = tuple(_to_raw(i, x) if type(i) in (_np.ndarray, NamespaceArray) else i
                    for i in items)
        return _index(x, raw)
    k = arrays[0]
    if any(i is Ellipsis for i in items):
        e = next(j for j, i in enumerate(items) if i is Ellipsis)
        n_real = sum(1 for i in items if i is not None and i is not Ellipsis)
        items = items[:e] + (slice(None),) * (x.ndim - n_real) + items[e + 1:]
        k = next(j for j, i in enumerate(items) if type(i) in (_np.ndarray, NamespaceArray)
                 and i.ndim > 0)
    n_real = sum(1 for i in items if i is not None)
    items = items + (slice(None),) * (x.ndim - n_real)
    arr = items[k]
    basic = _index(x, items[:k] + (slice(None),) + items[k + 1:])
    axis = sum(1 for i in items[:k] if i is None or type(i) is slice)
    flat = arr.reshape(-1) if type(arr) is _np.ndarray else _call("reshape", arr, (-1,))
    taken = _call("take", basic, _to_raw(flat, x), axis=axis)
    s = basic.shape
    out = _call("reshape", taken, s[:axis] + tuple(arr.shape) + s[axis + 1:])
    advanced = [j for j, i in enumerate(items) if j == k or type(i) is int
                or isinstance(i, _np.integer)]
    if advanced != list(range(advanced[0], advanced[-1] + 1)) and axis:
        # separated advanced indices: NumPy puts the array's axes first
        n = len(arr.shape)
        order = tuple(range(axis, axis + n)) + tuple(range(axis)) + tuple(
            range(axis + n, out.ndim))
        out = _call("permute_dims", out, order)
    del ns
    return out


def _index(x, items):
    if not any(i is Ellipsis for i in items) and sum(i is not None for i in items) < x.ndim:
        items = items + (Ellipsis,)     # NumPy's implicit trailing slices
    try:
        return _wrap(x.raw[items])
    except IndexError as e:
        raise TypeError(f"x[{items!r}]: not supported on {_library(x)} arrays ({e})") from e


# From now on values can be adapters: the helpers recognise them, and their boxes and
# vector spaces are the foreign arrays' (registered here, when the first one is made).
_namespace_only.NamespaceArray = NamespaceArray
from ._array_box import NamespaceArrayBox  # noqa: E402
from ._vspace import ForeignArrayVSpace  # noqa: E402
register_vspace(NamespaceArray, ForeignArrayVSpace)
register_box(NamespaceArrayBox, (NamespaceArray,))
