"""Traced arrays: operator overloading and NumPy's dispatch protocols.

One box class serves reverse and forward mode alike (the trace decides what a
box means); every operator routes to a wrapped ``wengert.numpy`` function.
Plain ``numpy`` calls on a box are routed the same way through
``__array_ufunc__`` / ``__array_function__``, or rejected with an error naming
the function, never silently turned into constants.
"""
import ast
import linecache
import math as _math
import sys

import numpy as _np

from .._core import Box, box_trace, box_value, no_rule_message, register_box
from .._core import operator_method as _operator

from . import _elementwise, _linalg, _reductions, _shape
from ._batchrules import provide
from ._namespace_only import adapt
from ._views import PLAIN_TARGET_FIX, getitem, in_item_assignment, track_view
from ._dispatch import innermost, val
from ._dispatch import _EQUIVALENTS, LoadOnUse, equivalent_of as _equivalent_of, shape as _shape_of

# writes (x[i] = v, x += y, out=x): loaded by the first one
_inplace = LoadOnUse(globals(), "_inplace", f"{__package__}._inplace")
# sorting and selecting methods (x.sort(), x.choose(...)): loaded by the first one
_sorting = LoadOnUse(globals(), "_sorting", f"{__package__}._sorting")


def _leaving_tape(what, fix):
    return TypeError(
        f"{what} on a traced value would drop its derivative (the result would be a "
        f"constant and its gradient silently zero); {fix}")


def _calling_expression(frame):
    """The source text of the call ``frame`` is evaluating (Python 3.11+), or None."""
    try:
        lineno, end_lineno, col, end_col = list(frame.f_code.co_positions())[frame.f_lasti // 2]
        lines = [linecache.getline(frame.f_code.co_filename, n).encode()
                 for n in range(lineno, end_lineno + 1)]
    except (AttributeError, IndexError, TypeError):
        return None
    if not all(lines) or col is None or end_col is None:
        return None
    lines[-1] = lines[-1][:end_col]
    lines[0] = lines[0][col:]
    return b"".join(lines).decode(errors="replace")


def _plain_method_fix(frame):
    """The fix for ``W.dot(x)`` (``W`` a NumPy array, ``x`` traced: NumPy converts
    ``x`` with ``__array__``), when that is the call ``frame`` is evaluating."""
    try:
        call = ast.parse(_calling_expression(frame) or "", mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr in _PLAIN_METHODS):
        return None
    name, owner = call.func.attr, ast.unparse(call.func.value)
    args = ", ".join([owner] + [ast.unparse(a) for a in call.args + call.keywords])
    fix = f"np.{name}({args})"
    if name == "dot" and len(call.args) == 1 and not call.keywords:
        fix += f" or {_operand(call.func.value)} @ {_operand(call.args[0])}"
    return (f"{ast.unparse(call)}: a method of a plain NumPy array turns its traced argument "
            f"into a constant (its derivative would be silently zero); write {fix} "
            f"(np: wengert.numpy, or numpy itself, which routes traced arguments to "
            f"wengert), or apply wengert.stop_gradient to the argument if a constant is meant")


def _operand(node):
    """Source of an operand of ``@``, parenthesized unless it is atomic."""
    text = ast.unparse(node)
    atomic = (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant)
    return text if isinstance(node, atomic) else f"({text})"


# ndarray methods taking array arguments (which NumPy converts with __array__), each with a
# function of the same name and meaning in wengert.numpy
_PLAIN_METHODS = frozenset({"dot", "take", "put", "choose", "compress", "searchsorted",
                            "repeat"})


def _memory_access(name, fix="reshape, transpose and indexing are differentiable; read the "
                               "memory of wengert.stop_gradient(x) if a constant is meant"):
    def method(self, *a, **k):
        raise _leaving_tape(f"ndarray.{name}", fix)
    method.__name__ = name
    return method


def _in_place(fun, name):
    """ArrayBox's method for ``x op= other`` with ``fun`` (NumPy's ``name``): a recorded
    copy-on-write update (``_inplace.inplace``, loaded by the first one)."""
    def method(self, other):
        return _inplace.inplace(self, fun, other, name)
    method.__name__ = method.__qualname__ = f"in-place {name}"
    return method


class ArrayBox(Box):
    """A traced float, complex, NumPy scalar or array.

    Writes (``x[i] = v``, ``x += y``, ``out=x``) record a copy-on-write update and
    rebind the box (see ``_inplace``); ``_base`` and ``_views`` link NumPy views
    to their bases (set only on boxes that are or have views); ``_origin`` is the
    tape node a box held before its first write (``Tape.gradient`` differentiates
    with respect to that value).
    """

    __slots__ = ("_base", "_views", "_origin", "__weakref__")
    __array_priority__ = 100.0

    # -- properties that do not depend on the trace --------------------------------
    # (shape, dtype and len read the field itself, not box_value: they are on the hot
    # path of every rule, and a box reading its own field needs no accessor)
    shape = property(lambda self: self._value.shape if type(self._value) is _np.ndarray
                     else _shape_of(self._value))
    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: _math.prod(self.shape))
    dtype = property(lambda self: _dtype(self._value))
    T = property(lambda self: track_view(self, _shape.transpose(self), _shape.transpose))
    real = property(lambda self: track_view(self, _elementwise.real(self), _elementwise.real))
    imag = property(lambda self: _elementwise.imag(self))

    def __len__(self):
        return len(self._value)

    def __bool__(self):
        return bool(box_value(self))

    def __format__(self, spec):
        # f"{x:.3f}" formats the value, as print(x) shows it: a string carries no
        # derivative, so nothing is silently dropped (print-debugging a loss is common)
        if not spec:
            return str(self)
        return format(innermost(self), spec)

    def __hash__(self):
        return id(self)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d traced array")
        return (self[i] for i in range(self.shape[0]))

    # -- arithmetic ---------------------------------------------------------------
    def __neg__(self): return _elementwise.negative(self)
    def __pos__(self): return self
    def __abs__(self): return _elementwise.absolute(self)
    # (the binary operators hand a call with a constant straight to the box's trace)
    __add__, __radd__ = _operator(_elementwise.add), _operator(_elementwise.add, True)
    __sub__ = _operator(_elementwise.subtract)
    __rsub__ = _operator(_elementwise.subtract, True)
    __mul__ = _operator(_elementwise.multiply)
    __rmul__ = _operator(_elementwise.multiply, True)
    __truediv__ = _operator(_elementwise.divide)
    __rtruediv__ = _operator(_elementwise.divide, True)
    __pow__, __rpow__ = _operator(_elementwise.power), _operator(_elementwise.power, True)
    __matmul__, __rmatmul__ = _operator(_linalg.matmul), _operator(_linalg.matmul, True)
    def __mod__(self, other): return _elementwise.mod(self, other)
    def __rmod__(self, other): return _elementwise.mod(other, self)
    def __floordiv__(self, other): return _elementwise.floor_divide(self, other)
    def __rfloordiv__(self, other): return _elementwise.floor_divide(other, self)

    # comparisons are not differentiable: they compare the values
    def __eq__(self, other): return _np.equal(val(self), val(other))
    def __ne__(self, other): return _np.not_equal(val(self), val(other))
    def __lt__(self, other): return _np.less(val(self), val(other))
    def __le__(self, other): return _np.less_equal(val(self), val(other))
    def __gt__(self, other): return _np.greater(val(self), val(other))
    def __ge__(self, other): return _np.greater_equal(val(self), val(other))

    # -- indexing -----------------------------------------------------------------
    def __getitem__(self, idx):
        return getitem(self, idx)

    def __setitem__(self, idx, value):
        _inplace.setitem(self, idx, value)

    # -- in-place arithmetic: in place for arrays (aliases see it), as NumPy ------------
    __iadd__ = _in_place(_elementwise.add, "add")
    __isub__ = _in_place(_elementwise.subtract, "subtract")
    __imul__ = _in_place(_elementwise.multiply, "multiply")
    __itruediv__ = _in_place(_elementwise.divide, "divide")
    __ipow__ = _in_place(_elementwise.power, "power")
    __imatmul__ = _in_place(_linalg.matmul, "matmul")
    __imod__ = _in_place(_elementwise.mod, "remainder")
    __ifloordiv__ = _in_place(_elementwise.floor_divide, "floor_divide")

    # -- leaving the tape ---------------------------------------------------------
    def __float__(self):
        if in_item_assignment():
            raise TypeError(PLAIN_TARGET_FIX)
        raise _leaving_tape("float() (or a math-module function such as math.exp)",
                            "use wengert.numpy functions instead of math functions, or "
                            "wengert.stop_gradient(x) if a constant is meant")

    def __int__(self):
        raise _leaving_tape("int()", "use wengert.stop_gradient(x) first if a constant is meant")

    def __complex__(self):
        raise _leaving_tape("complex()", "use wengert.stop_gradient(x) if a constant is meant")

    def __array__(self, dtype=None, copy=None):
        if dtype is not None and _np.dtype(dtype).kind not in "fc":
            # numpy.int64(x), numpy.asarray(x, dtype=bool): a cast to an integer or
            # boolean is piecewise constant, so the constant drops no derivative
            return _np.asarray(val(self), dtype=dtype)
        if in_item_assignment():
            raise TypeError(PLAIN_TARGET_FIX)
        plain_method = _plain_method_fix(sys._getframe(1))
        if plain_method:
            raise TypeError(plain_method)
        raise _leaving_tape(
            "numpy.asarray / numpy.array", "use wengert.numpy.array or wengert.numpy.stack "
            "to build arrays from traced values, or wengert.stop_gradient(x) if a "
            "constant is meant")

    def tolist(self):
        raise _leaving_tape("tolist()", "index the array instead, or use wengert.stop_gradient")

    def __reduce_ex__(self, protocol):
        raise _leaving_tape("pickling (pickle.dumps, multiprocessing, saving)", _PICKLE_FIX)

    def item(self, *args):
        raise _leaving_tape("item()", "index the array instead, or use wengert.stop_gradient")

    # -- NumPy's dispatch protocols -----------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:   # (a plain array @ a box, say: at once)
            fun = _EQUIVALENTS.get(ufunc)
            if fun is not None:
                return fun(*inputs)
        name = getattr(ufunc, "__name__", str(ufunc))
        if method == "at":
            if not isinstance(inputs[0], ArrayBox):
                raise TypeError(
                    f"numpy.{name}.at into a plain NumPy array cannot record the traced "
                    "values written into it (their derivative would be dropped); create the "
                    "array traced: x = wengert.numpy.as_traced(x, like=v)")
            return _inplace.ufunc_at(ufunc, inputs[0], inputs[1], inputs[2:])
        if method != "__call__":
            raise TypeError(
                f"numpy.{name}.{method} is not supported on traced values; write it with "
                f"wengert.numpy functions (e.g. wengert.numpy.sum for add.reduce)")
        out = kwargs.pop("out", None)
        where = kwargs.pop("where", True)
        fun = _EQUIVALENTS.get(ufunc) or _equivalent_of(ufunc)
        if fun is None:
            raise NotImplementedError(
                f"{no_rule_message('numpy.' + name)}; add one with "
                f"wengert.extend.primitive and defvjp/defjvp, or wrap its argument in "
                "wengert.stop_gradient if a constant is meant")
        if out is None:
            if where is not True:
                raise TypeError(f"numpy.{name}(..., where=...) without out= leaves "
                                "uninitialized values; pass out= as well, or use "
                                "wengert.numpy.where")
            return fun(*inputs, **kwargs)
        return _store(f"{name}", fun(*inputs, **kwargs), out, where)

    def __array_function__(self, func, types, args, kwargs):
        fun = _EQUIVALENTS.get(func) or _equivalent_of(func)
        if fun is None:
            mod = getattr(func, "__module__", "numpy") or "numpy"
            raise NotImplementedError(
                f"{no_rule_message(mod + '.' + func.__name__)}; use "
                f"wengert.numpy's version if it has one, add a rule with "
                "wengert.extend.primitive and defvjp/defjvp, or wrap the argument in "
                "wengert.stop_gradient if a constant is meant")
        out = kwargs.pop("out", None) if "out" in kwargs else None
        result = fun(*args, **kwargs)
        if out is not None:
            return _store(func.__name__, result, out, True)
        if func in _VIEW_FUNCTIONS and args and isinstance(args[0], ArrayBox):
            rest = args[1:]
            track_view(args[0], result, lambda b: fun(b, *rest, **kwargs),
                         readonly=_VIEW_FUNCTIONS[func])
        return result

    # -- ndarray methods ----------------------------------------------------------
    def sum(self, *a, **k): return _reductions.sum(self, *a, **k)
    def mean(self, *a, **k): return _reductions.mean(self, *a, **k)
    def max(self, *a, **k): return _reductions.max(self, *a, **k)
    def min(self, *a, **k): return _reductions.min(self, *a, **k)
    def prod(self, *a, **k): return _np.prod(self, *a, **k)  # NumPy's dispatch names it
    def var(self, *a, **k): return _reductions.var(self, *a, **k)
    def std(self, *a, **k): return _reductions.std(self, *a, **k)
    def cumsum(self, *a, **k): return _reductions.cumsum(self, *a, **k)
    def cumprod(self, *a, **k): return _reductions.cumprod(self, *a, **k)
    def ptp(self, *a, **k): return _reductions.ptp(self, *a, **k)
    def compress(self, condition, axis=None): return _sorting.compress(condition, self, axis)
    def choose(self, choices, mode="raise"): return _sorting.choose(self, choices, mode=mode)
    def dot(self, other): return _linalg.dot(self, other)
    def ravel(self, order="C"):
        return track_view(self, _shape.ravel(self, order), lambda b: _shape.ravel(b, order))

    def flatten(self, order="C"): return _shape.ravel(self, order)
    def squeeze(self, axis=None):
        return track_view(self, _shape.squeeze(self, axis), lambda b: _shape.squeeze(b, axis))

    def swapaxes(self, a1, a2):
        return track_view(self, _shape.swapaxes(self, a1, a2),
                          lambda b: _shape.swapaxes(b, a1, a2))

    def clip(self, a_min=None, a_max=None): return _elementwise.clip(self, a_min, a_max)
    def conj(self): return _elementwise.conjugate(self)
    def conjugate(self): return _elementwise.conjugate(self)
    def astype(self, dtype, **k): return _elementwise.astype(self, dtype)
    def copy(self, order="C"): return _fresh(self)
    def round(self, decimals=0): return _elementwise.round(self, decimals)
    def trace(self, *a, **k): return _reductions.trace(self, *a, **k)
    def diagonal(self, *a, **k):
        return track_view(self, _shape.diagonal(self, *a, **k),
                          lambda b: _shape.diagonal(b, *a, **k), readonly=True)

    def repeat(self, *a, **k): return _shape.repeat(self, *a, **k)
    def take(self, *a, **k): return _shape.take(self, *a, **k)
    def argmax(self, *a, **k): return _np.argmax(val(self), *a, **k)
    def argmin(self, *a, **k): return _np.argmin(val(self), *a, **k)
    def argsort(self, *a, **k): return _np.argsort(val(self), *a, **k)
    def nonzero(self): return _np.nonzero(val(self))
    def all(self, *a, **k): return _np.all(val(self), *a, **k)
    def any(self, *a, **k): return _np.any(val(self), *a, **k)

    # in place, as NumPy's methods
    def fill(self, value):
        _inplace.assign(self, _inplace.index_update(self, Ellipsis, value), "fill")

    def sort(self, axis=-1, kind=None, order=None):
        _inplace.assign(self, _sorting.sort(self, axis, kind, order), "sort")

    def partition(self, kth, axis=-1, kind="introselect", order=None):
        _inplace.assign(self, _sorting.partition(self, kth, axis, kind, order), "partition")

    def put(self, indices, values, mode="raise"):
        if mode != "raise":
            indices = _np.take(_np.arange(self.size), indices, mode=mode)
        flat = _inplace.index_update(_shape.ravel(self), indices, values)
        _inplace.assign(self, _shape.reshape(flat, self.shape), "put")

    def resize(self, *a, **k):
        raise TypeError("resize() changes a traced array's size in place, which cannot be "
                        "recorded; use wengert.numpy.resize(x, shape) and its result")

    def argpartition(self, *a, **k): return _np.argpartition(val(self), *a, **k)
    def searchsorted(self, *a, **k): return _np.searchsorted(val(self), *a, **k)
    def __contains__(self, item): return bool((self == item).any())
    def __divmod__(self, other): return _elementwise.divmod(self, other)
    def __rdivmod__(self, other): return _elementwise.divmod(other, self)
    def __copy__(self): return _fresh(self)
    def __deepcopy__(self, memo): return _fresh(self)
    mT = property(lambda self: track_view(self, _shape.swapaxes(self, -1, -2),
                                            lambda b: _shape.swapaxes(b, -1, -2)))
    itemsize = property(lambda self: self.dtype.itemsize)
    nbytes = property(lambda self: self.size * self.dtype.itemsize)
    device = "cpu"

    def to_device(self, device, /, *, stream=None):
        if device != "cpu":
            raise ValueError(f"traced arrays live on the CPU, not {device!r}")
        return self

    # memory-level access has no derivative: name the fix instead of an AttributeError
    byteswap = _memory_access("byteswap")
    dump = _memory_access("dump")
    dumps = _memory_access("dumps")
    getfield = _memory_access("getfield")
    setfield = _memory_access("setfield")
    setflags = _memory_access("setflags")
    tobytes = _memory_access("tobytes")
    tofile = _memory_access("tofile")
    view = _memory_access("view")
    newbyteorder = _memory_access("newbyteorder")   # NumPy 1.x

    def itemset(self, *args):  # NumPy 1.x: x.itemset(i, v) is x[i] = v
        _inplace.setitem(self, args[0] if len(args) == 2 else args[:-1], args[-1])
    strides = property(_memory_access("strides"))
    flags = property(_memory_access("flags"))
    base = property(_memory_access("base"))
    ctypes = property(_memory_access("ctypes"))
    data = property(_memory_access("data"))
    flat = property(_memory_access("flat", "use x.ravel() (a view you can index and write "
                                           "through) instead"))

    def reshape(self, *shape, order="C"):
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        if order == "C":    # (Dask's reshape takes no order=)
            return track_view(self, _shape.reshape(self, shape),
                              lambda b: _shape.reshape(b, shape))
        return track_view(self, _shape.reshape(self, shape, order=order),
                          lambda b: _shape.reshape(b, shape, order=order))

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], int)):
            axes = axes[0]
        axes = axes or None
        return track_view(self, _shape.transpose(self, axes),
                          lambda b: _shape.transpose(b, axes))


_PICKLE_FIX = ("pickle wengert.stop_gradient(x) if its value is meant, or pickle outside "
               "the differentiated function")


def _fresh(box):
    """A new box for the same traced value (a copy: writes to one leave the other)."""
    trace = box_trace(box)
    return type(box)(box_value(box), trace, trace.aux_of(box))


def _store(name, result, out, where):
    """The ``out=`` of a NumPy call on traced values: write ``result`` into ``out``."""
    outs = out if type(out) is tuple else (out,)
    results = result if len(outs) > 1 else (result,)
    for o, r in zip(outs, results):
        if o is None:
            continue
        if not isinstance(o, ArrayBox):
            raise TypeError(
                f"numpy.{name}(..., out=...) into a plain NumPy array would drop the "
                "derivative of the traced values written into it; drop out= and use the "
                "result, or create the output array traced: out = "
                "wengert.numpy.as_traced(out, like=x)")
        if where is not True:
            r = _elementwise.where(where, r, o)
        _inplace.write_result(name, o, r)
    return out if type(out) is not tuple or len(out) > 1 else out[0]


# NumPy functions that return views of their first argument -> whether read-only
_VIEW_FUNCTIONS = {
    _np.reshape: False, _np.ravel: False, _np.transpose: False, _np.squeeze: False,
    _np.swapaxes: False, _np.moveaxis: False, _np.rollaxis: False, _np.expand_dims: False,
    _np.flip: False, _np.fliplr: False, _np.flipud: False, _np.rot90: False,
    _np.real: False, _np.diagonal: True, _np.broadcast_to: True,
}
for _name in ("matrix_transpose", "permute_dims"):
    if hasattr(_np, _name):
        _VIEW_FUNCTIONS[getattr(_np, _name)] = False


def _dtype(x):
    x = val(x)
    if isinstance(x, (_np.ndarray, _np.generic)):
        return x.dtype
    return _np.result_type(x)


class _DeferringUfunc:
    """``__array_ufunc__`` of :class:`ForeignArrayBox`: read from the class (as NumPy
    reads it) it is ArrayBox's method; read from an instance (as CuPy's operators read
    it, to decide whether to defer) it is None, which makes ``cupy_array @ box`` and
    ``cupy_array + box`` call the box's reflected operator instead of CuPy's own
    (which cannot take a box)."""

    def __get__(self, obj, owner=None):
        return ArrayBox.__array_ufunc__ if obj is None else None


class ForeignArrayBox(ArrayBox):
    """A traced array of another library than NumPy (CuPy's, or one with
    ``__array_namespace__``): operators with that library's arrays come back to the box,
    and its device is its value's."""

    __slots__ = ()
    __array_ufunc__ = _DeferringUfunc()
    dtype = property(lambda self: innermost(self).dtype)
    device = property(lambda self: getattr(innermost(self), "device", None))

    def to_device(self, device, /, *, stream=None):
        if device != self.device:
            raise ValueError(f"a traced array cannot move from {self.device!r} to "
                             f"{device!r}; move the input before differentiating")
        return self


class NamespaceArrayBox(ForeignArrayBox):
    """A traced array of a library that offers only the array API (``array_api_strict``):
    its value is wrapped in the adapter that answers NumPy's protocols
    (:class:`~wengert.numpy._namespace_array.NamespaceArray`)."""

    __slots__ = ()

    def __init__(self, value, trace, aux):
        ForeignArrayBox.__init__(self, adapt(value), trace, aux)

    # an operand of the library (a closed-over constant) is seen through the adapter too,
    # so that the rules' arithmetic on it follows NumPy's promotion
    def __add__(self, other): return _elementwise.add(self, adapt(other))
    def __radd__(self, other): return _elementwise.add(adapt(other), self)
    def __sub__(self, other): return _elementwise.subtract(self, adapt(other))
    def __rsub__(self, other): return _elementwise.subtract(adapt(other), self)
    def __mul__(self, other): return _elementwise.multiply(self, adapt(other))
    def __rmul__(self, other): return _elementwise.multiply(adapt(other), self)
    def __truediv__(self, other): return _elementwise.divide(self, adapt(other))
    def __rtruediv__(self, other): return _elementwise.divide(adapt(other), self)
    def __pow__(self, other): return _elementwise.power(self, adapt(other))
    def __rpow__(self, other): return _elementwise.power(adapt(other), self)
    def __matmul__(self, other): return _linalg.matmul(self, adapt(other))
    def __rmatmul__(self, other): return _linalg.matmul(adapt(other), self)


class SequenceBox(Box):
    """A traced tuple or list (the result of a multi-output primitive)."""

    __slots__ = ()

    def __len__(self):
        return len(box_value(self))

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        return _shape.sequence_item(self, i)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __reduce_ex__(self, protocol):
        raise _leaving_tape("pickling (pickle.dumps, multiprocessing, saving)", _PICKLE_FIX)


register_box(ArrayBox, default=True)
register_box(SequenceBox, (tuple, list, SequenceBox))  # a box of a traced tuple too
provide(SequenceBox=SequenceBox)   # batching rules unpack traced tuples with it
