"""Scalars: how tracing computes and records them, compiled code on Python floats, and
which of NumPy's float64 functions Python's ``math`` module computes bit for bit.

Compiled scalar code runs on Python floats where that gives NumPy's bits, because a
NumPy call on a scalar costs several times a ``math`` call (``scalar_math=True``: the
``math`` module for every function it has, a last bit apart from NumPy's at times).  Exact by IEEE 754 in
both, on every machine: ``+``, ``-``, ``*``, ``/``, negation and ``abs``.  Exact where
both call the same C library function: NumPy computes ``sin``, ``cos`` and ``sqrt`` of
float64 either with the C library's ``sin``/``cos``/``sqrt`` (which ``math`` calls too)
or, in some builds and on some CPUs, with its own vectorized code, which differs in the
last bit on a share of arguments.  So these three are used only after
:func:`exact_functions` finds both giving the same bits on a fixed set of about
15,000 arguments (every scale from subnormals to 1e308, both signs, a dense grid
around zero, the neighbours of multiples of pi/2, random bit patterns), checked once
per process; a function computed differently differs on hundreds of them.  ``exp``,
``log``, ``tanh`` and the others stay NumPy's: on x86-64 with AVX-512, NumPy's own
``exp`` differs from the C library's in about one argument in twenty.
"""
import math
import operator
import sys
import threading

import numpy as _np

from .._core import Box
from .._core.box import box_trace, box_value
from ._lifting import _called_by_machinery
from ._ref import Ref

# Python's math module for scalar code (all of it with scalar_math=True; by default the
# functions that give NumPy's bits: abs, and those exact_functions finds)
_MATH = {_np.sin: "math.sin", _np.cos: "math.cos", _np.tan: "math.tan", _np.exp: "math.exp",
         _np.log: "math.log", _np.sqrt: "math.sqrt", _np.tanh: "math.tanh",
         _np.sinh: "math.sinh", _np.cosh: "math.cosh", _np.arctan: "math.atan",
         _np.arcsin: "math.asin", _np.arccos: "math.acos", _np.log1p: "math.log1p",
         _np.expm1: "math.expm1", _np.absolute: "abs", _np.fabs: "abs"}
_MATH_BINARY = {_np.add: "+", _np.subtract: "-", _np.multiply: "*", _np.true_divide: "/"}


def math_call(fun, args, namespace, scalar_math):
    """``fun(*args)`` (``args`` written out already) on Python floats with the math
    module or an operator, or None where neither applies (unless ``scalar_math``: where
    neither gives NumPy's bits).  A math function is bound in ``namespace`` as
    ``math_sin`` (one global lookup)."""
    if fun in _MATH_BINARY and len(args) == 2:
        return f"{args[0]} {_MATH_BINARY[fun]} {args[1]}"
    if fun in _MATH and len(args) == 1 and (scalar_math or _MATH[fun] == "abs"
                                            or fun in exact_functions()):
        name = _MATH[fun].replace(".", "_")
        if name != "abs":
            namespace[name] = getattr(math, name[5:])
        return f"{name}({args[0]})"
    if fun is _np.negative:
        return f"-{args[0]}"
    return None


def is_scalar_float(v):
    return type(v) is float or type(v) is _np.float64


def scalar_args(node):
    """Whether every argument of ``node`` is a float64 scalar or an int."""
    if node.kwargs:
        return False
    for a in node.args:
        v = a.value if type(a) is Ref else a
        t = type(v)
        if t is not float and t is not _np.float64 and t is not int:
            return False
    return True


def scalar_out(v, as_type, isfinite=math.isfinite):
    """A scalar result of scalar code as ``as_type`` (eager's type), or an error (the
    call then runs NumPy's code) if it is not finite."""
    if isfinite(v):
        return as_type(v)
    raise FloatingPointError("a scalar result is not finite")


# NumPy ufunc -> the name of the math function with the same definition
_CANDIDATES = {_np.sin: "sin", _np.cos: "cos", _np.sqrt: "sqrt"}
_lock = threading.Lock()
_found = []    # [frozenset of the ufuncs that passed], once checked


def exact_functions():
    """The ufuncs among ``sin``, ``cos`` and ``sqrt`` whose float64 results equal the
    ``math`` module's, bit for bit, on the whole check set."""
    with _lock:
        if not _found:
            _found.append(frozenset(f for f, name in _CANDIDATES.items()
                                    if _same_bits(f, getattr(math, name))))
        return _found[0]


def _arguments(nonnegative):
    rng = _np.random.default_rng(20261205)
    scales = 10.0 ** _np.linspace(-320.0, 308.0, 2001)
    grid = _np.linspace(-64.0, 64.0, 2001)
    k = _np.arange(-200, 201) * (_np.pi / 2)
    near = _np.concatenate([k, _np.nextafter(k, _np.inf), _np.nextafter(k, -_np.inf)])
    bits = rng.integers(0, 0x7FEFFFFFFFFFFFFF, 2000, dtype=_np.int64).view(_np.float64)
    special = _np.array([0.0, 5e-324, 2.2250738585072014e-308, 1.0, 1e22, 1.7976931348623157e308])
    x = _np.concatenate([scales, _np.abs(grid), near[near >= 0], bits, special])
    return x if nonnegative else _np.concatenate([x, -x, grid])


def _same_bits(ufunc, fun):
    x = _arguments(nonnegative=ufunc is _np.sqrt)
    with _np.errstate(all="ignore"):
        want = ufunc(x)
        scalar = [ufunc(v) for v in x[::97].tolist()]     # the scalar path too
    got = _np.array([fun(v) for v in x.tolist()])
    return (_np.array_equal(want.view(_np.int64), got.view(_np.int64)) and
            _np.array_equal(_np.array(scalar).view(_np.int64), got[::97].view(_np.int64)))


# -- while tracing ------------------------------------------------------------------------
# +, -, * and / of two float64 scalars: Python's operators compute the same IEEE
# operation as NumPy's ufuncs (the same bits), at a fraction of a ufunc call's cost
SCALAR_OPS = {_np.add: operator.add, _np.subtract: operator.sub, _np.multiply: operator.mul,
               _np.true_divide: operator.truediv}
FLOATS = {float, _np.float64}
_TINY = sys.float_info.min


def scalar_op(op, a, b):
    """``op(a, b)`` of two Python floats as a NumPy float64, what the ufunc returns, or
    None where the ufunc may signal (a zero divisor, an overflow, an underflow, an
    invalid operation, a zero result): it then runs itself, with NumPy's errors."""
    if op is operator.truediv and not b:
        return None
    r = op(a, b)
    return _np.float64(r) if _TINY <= abs(r) < _INF else None


_INF = float("inf")


def user_pow(a, b, trace):
    """``a ** b`` written by the user's code on traced scalars (Python or NumPy float64,
    or an int with one): there eager evaluation runs the values' own operator, the C
    library's ``pow``, which is not NumPy's ``power`` ufunc on every CPU (AVX-512 builds
    compute that one differently, in the last bit); recorded as ``operator.pow``.  None
    elsewhere, and where wengert's own rules compute a power (they call the ufunc)."""
    va = box_value(a) if isinstance(a, Box) else a
    vb = box_value(b) if isinstance(b, Box) else b
    ta, tb = type(va), type(vb)
    if ta not in _POW_SCALARS or tb not in _POW_SCALARS or (ta is int and tb is int):
        return None
    for x in (a, b):
        if isinstance(x, Box) and box_trace(x) is not trace:
            return None
    if _called_by_machinery():
        return None
    return trace.record(operator.pow, (a, b), {})


_POW_SCALARS = {float, _np.float64, int}
