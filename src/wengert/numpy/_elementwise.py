"""Elementwise functions (ufuncs).

Each differentiable one states its partial derivatives once, as functions of
``(ans, *args)`` built from wrapped operations; both modes and every order
follow from :func:`def_elementwise`.  Complex values follow autograd's
convention (a holomorphic function's cotangent is ``g * f'(z)``).
"""
import operator as _operator

import numpy as _np

from .._core import Box, declare_elementwise, def_keep, defjvp, defvjp, def_linear, lean_min_bytes
from ._backends import astype as foreign_astype, is_foreign
from ._dispatch import (FLOAT_SCALARS, array_like, casts_to_constant, dtype, equivalent,
                        iscomplexobj, nondiff, shape, some, stand_in, val, wrap)
from ._partials import def_elementwise
from ._unbroadcast import broadcast_like, sum_rule, unbroadcast
from ._wrapped import mean, real


def _mask(condition, like):
    """A constant 0/1 array of the dtype of ``like`` (no derivative flows through it)."""
    dt = dtype(like) if dtype(like).kind in "fc" else float
    if isinstance(condition, Box):  # batched, inside vmap
        return _astype(condition, dt)
    if type(condition) is not _np.ndarray and is_foreign(condition):
        return foreign_astype(condition, dt)  # lazy, on its device: no NumPy array
    return _np.asarray(condition, dtype=dt)


def _weak(x, like):
    """A Python-number constant ``x`` in the dtype of ``like``: NumPy treats Python
    numbers as weakly typed, but ``log(2.0)`` would be a (strong) float64."""
    return _np.asarray(x, dtype(like)) if type(x) in (int, float, complex) else x


def _safe(x, where_zero):
    """``x`` with zeros replaced by ``where_zero`` (keeps rules finite at 0)."""
    return where(val(x) == 0, where_zero, x) if some(val(x) == 0) else x


# -- scalar fast paths ----------------------------------------------------------------


def _wrap_scalar_fast(ufunc, op, nonzero=False):
    """``wrap(ufunc)``, computed with Python's operator when both arguments are Python
    or NumPy float64 scalars: the same IEEE operation (the same bits), without the cost
    of a NumPy ufunc call on scalars (most of the time of scalar code).  A zero
    divisor, and an inf or nan result of two Python floats, go to NumPy (inf or nan with
    NumPy's warning, not ZeroDivisionError), so Python floats behave as float64."""
    def fun(x, y, *rest, **kwargs):
        tx, ty = type(x), type(y)
        if (tx in FLOAT_SCALARS and ty in FLOAT_SCALARS and not rest and not kwargs
                and (not nonzero or y)):
            r = op(x, y)
            # two Python floats: an inf or nan result (an overflow, inf - inf) goes to
            # NumPy too, for its warning (a NumPy float64 operand has NumPy's semantics)
            if tx is not float or ty is not float or r - r == 0.0:
                return r
        # (no empty *rest and **kwargs passed on: arrays' usual call costs less)
        return ufunc(x, y, *rest, **kwargs) if rest or kwargs else ufunc(x, y)

    return wrap(ufunc, fast=stand_in(ufunc, fun, "with a fast path for float scalars"))


# -- linear ---------------------------------------------------------------------------
add = _wrap_scalar_fast(_np.add, _operator.add)
subtract = _wrap_scalar_fast(_np.subtract, _operator.sub)
negative = wrap(_np.negative)
positive = wrap(_np.positive)
imag = wrap(_np.imag)
conjugate = wrap(_np.conjugate)
conj = conjugate
for _f in (add, subtract, negative, positive, conjugate):
    declare_elementwise(_f)       # vmap aligns the batch axes; no rule of their own

# (k: a dtype= casting to integers makes the result a constant: no derivative)
defvjp(add, sum_rule(0), sum_rule(1))
defjvp(add, lambda t, ans, x, y, **k: None if k and casts_to_constant(k) else
       broadcast_like(t, ans),
       lambda t, ans, x, y, **k: None if k and casts_to_constant(k) else
       broadcast_like(t, ans))
defvjp(subtract, sum_rule(0), sum_rule(1, negative))
defjvp(subtract,
       lambda t, ans, x, y, **k: None if k and casts_to_constant(k) else
       broadcast_like(t, ans),
       lambda t, ans, x, y, **k: None if k and casts_to_constant(k) else
       broadcast_like(negative(t), ans))
defvjp(negative, lambda g, ans, x, **k: negative(g))
defvjp(positive, lambda g, ans, x, **k: g)
defvjp(real, lambda g, ans, x: real(g) + 0j if iscomplexobj(x) else g)
defvjp(imag, lambda g, ans, x: -1j * real(g) if iscomplexobj(x) else None)
defvjp(conjugate, lambda g, ans, x, **k: conjugate(g))
for _f in (negative, positive, real, imag, conjugate):
    def_linear(_f)
# what the reverse rules read, so that the tape keeps only that (see _lean.py)
for _f in (add, subtract, negative):
    def_keep(_f)                                        # shapes only
for _f in (real, imag):    # NumPy functions, not ufuncs: declared elementwise for vmap
    declare_elementwise(_f)

# -- unary ----------------------------------------------------------------------------
exp = wrap(_np.exp)
exp2 = wrap(_np.exp2)
expm1 = wrap(_np.expm1)
log = wrap(_np.log)
log2 = wrap(_np.log2)
log10 = wrap(_np.log10)
log1p = wrap(_np.log1p)
sin = wrap(_np.sin)
cos = wrap(_np.cos)
tan = wrap(_np.tan)
arcsin = wrap(_np.arcsin)
arccos = wrap(_np.arccos)
arctan = wrap(_np.arctan)
sinh = wrap(_np.sinh)
cosh = wrap(_np.cosh)
tanh = wrap(_np.tanh)
arcsinh = wrap(_np.arcsinh)
arccosh = wrap(_np.arccosh)
arctanh = wrap(_np.arctanh)
sqrt = wrap(_np.sqrt)
cbrt = wrap(_np.cbrt)
square = wrap(_np.square)
reciprocal = wrap(_np.reciprocal)
deg2rad = wrap(_np.deg2rad)
rad2deg = wrap(_np.rad2deg)
radians = wrap(_np.radians)
degrees = wrap(_np.degrees)
fabs = wrap(_np.fabs)
absolute = wrap(_np.absolute)
abs = absolute

# Python floats: a NumPy float64 scalar would promote float32 and float16 derivatives
_LN2, _LN10 = float(_np.log(2.0)), float(_np.log(10.0))
def_elementwise(exp, lambda ans, x: ans)
def_keep(exp, ans=True)                                 # ans
def_elementwise(exp2, lambda ans, x: ans * _LN2)
def_elementwise(expm1, lambda ans, x: ans + 1)
def_elementwise(log, lambda ans, x: 1 / x)
def_elementwise(log2, lambda ans, x: 1 / (x * _LN2))
def_elementwise(log10, lambda ans, x: 1 / (x * _LN10))
def_elementwise(log1p, lambda ans, x: 1 / (1 + x))
# Squares in rules are products: on a float scalar, ``x ** 2`` is the C library's pow,
# which rounds differently from NumPy's power ufunc and from x * x now and then, so eager
# and compiled code would part in the last bit; x * x is the same everywhere.
def_elementwise(sin, lambda ans, x: cos(x))
def_elementwise(cos, lambda ans, x: negative(sin(x)))
def_elementwise(tan, lambda ans, x: 1 + ans * ans)
def_elementwise(arcsin, lambda ans, x: 1 / sqrt(1 - x * x))
def_elementwise(arccos, lambda ans, x: -1 / sqrt(1 - x * x))
def_elementwise(arctan, lambda ans, x: 1 / (1 + x * x))
def_elementwise(sinh, lambda ans, x: cosh(x))
def_elementwise(cosh, lambda ans, x: sinh(x))
def _tanh_slope(ans, x):
    """1 - ans**2; for a large plain array (the lean tape's size; a few hundred entries are
    small whatever it is set to) computed in one temporary (the same bits as ``1 - ans **
    2``, one array of the data's size fewer at the backward pass's peak)."""
    if type(ans) is _np.ndarray and ans.size > 512 and ans.nbytes >= lean_min_bytes():
        out = _np.square(ans)
        return _np.subtract(1.0, out, out=out)
    return 1 - ans * ans


def_elementwise(tanh, _tanh_slope)
def_keep(tanh, ans=True)                                # reads ans only
def_elementwise(arcsinh, lambda ans, x: 1 / sqrt(x * x + 1))
def_elementwise(arccosh, lambda ans, x: 1 / sqrt(x * x - 1))
def_elementwise(arctanh, lambda ans, x: 1 / (1 - x * x))
def_elementwise(sqrt, lambda ans, x: 0.5 / ans)
def_elementwise(cbrt, lambda ans, x: 1 / (3 * (ans * ans)))
def_elementwise(square, lambda ans, x: 2 * x)
def_keep(square, args={0: (0,)})                        # 2 x
def_elementwise(reciprocal, lambda ans, x: negative(ans * ans))
def_elementwise(deg2rad, lambda ans, x: _np.pi / 180)
def_elementwise(radians, lambda ans, x: _np.pi / 180)
def_elementwise(rad2deg, lambda ans, x: 180 / _np.pi)
def_elementwise(degrees, lambda ans, x: 180 / _np.pi)
def_elementwise(fabs, lambda ans, x: _mask(_np.sign(val(x)), x))

# |z|: sign(x) for real x (0 at 0); conj(z)/|z| for complex z (not holomorphic)
# (the reverse rule reads x only, so that the tape can drop |x|: see _lean.py)
defvjp(absolute, lambda g, ans, x: g * conjugate(x) / _safe(absolute(x), 1.0) if iscomplexobj(x)
       else g * _mask(_np.sign(val(x)), x))
defjvp(absolute, lambda t, ans, x: real(conjugate(x) * t) / _safe(ans, 1.0) if iscomplexobj(x)
       else t * _mask(_np.sign(val(x)), x))
declare_elementwise(absolute)
def_keep(absolute, args={0: (0,)})                      # sign(x), conj(x) / |x|

# -- binary ---------------------------------------------------------------------------
multiply = _wrap_scalar_fast(_np.multiply, _operator.mul)
divide = _wrap_scalar_fast(_np.divide, _operator.truediv, nonzero=True)
true_divide = divide
power = wrap(_np.power)
maximum = wrap(_np.maximum)
minimum = wrap(_np.minimum)
fmax = wrap(_np.fmax)
fmin = wrap(_np.fmin)
arctan2 = wrap(_np.arctan2)
hypot = wrap(_np.hypot)
logaddexp = wrap(_np.logaddexp)
logaddexp2 = wrap(_np.logaddexp2)
mod = wrap(_np.mod)
remainder = mod
fmod = wrap(_np.fmod)


def _ties(x, y, ans):
    """1 where x wins, 0 where it loses, 1/2 at ties (the gradient is split)."""
    vx, vy = val(x), val(y)
    return _mask(_np.where(vx == vy, 0.5, 1.0 * (val(ans) == vx)), ans)


def_elementwise(multiply, lambda ans, x, y: y, lambda ans, x, y: x)
def_keep(multiply, args={0: (1,), 1: (0,)})             # the other factor
def_elementwise(divide, lambda ans, x, y: 1 / y, lambda ans, x, y: negative(ans / y))
def _power_slope(ans, x, y):
    """y x ** (y - 1), but x ** 0 where y == 0 (finite at x == 0); subtracting a bool
    keeps a Python-scalar y weakly typed (no float32 -> float64).  Scalars take power:
    ** of a negative float to a fractional power is complex, and a NumPy scalar's ** is
    the C library's pow, not the ufunc's; arrays and boxes take **, the same power
    without a wrapper call."""
    if type(y) is int and y == 2 and type(x) is _np.ndarray:
        return 2 * x    # a square's (x ** 1 is x: the same bits, one operation fewer)
    if isinstance(x, (_np.ndarray, Box)):
        return y * x ** (y - (val(y) != 0))
    return y * power(x, y - (val(y) != 0))


def_elementwise(power, _power_slope, lambda ans, x, y: ans * log(_safe(_weak(x, ans), 1.0)))
def_keep(power, ans=(1,), args={0: (0, 1), 1: (0,)})  # y x**(y-1); ans log(x)
def_elementwise(maximum, lambda ans, x, y: _ties(x, y, ans), lambda ans, x, y: _ties(y, x, ans))
def_elementwise(minimum, lambda ans, x, y: _ties(x, y, ans), lambda ans, x, y: _ties(y, x, ans))
def_elementwise(fmax, lambda ans, x, y: _ties(x, y, ans), lambda ans, x, y: _ties(y, x, ans))
def_elementwise(fmin, lambda ans, x, y: _ties(x, y, ans), lambda ans, x, y: _ties(y, x, ans))
def_elementwise(arctan2, lambda ans, y, x: x / (x * x + y * y),
                lambda ans, y, x: negative(y) / (x * x + y * y))
def_elementwise(hypot, lambda ans, x, y: x / ans, lambda ans, x, y: y / ans)
def_elementwise(logaddexp, lambda ans, x, y: exp(x - ans), lambda ans, x, y: exp(y - ans))
def_elementwise(logaddexp2, lambda ans, x, y: exp2(x - ans), lambda ans, x, y: exp2(y - ans))
def_elementwise(mod, lambda ans, x, y: _mask(1.0, ans),
                lambda ans, x, y: _mask(-_np.floor_divide(val(x), val(y)), ans))
def_elementwise(fmod, lambda ans, x, y: _mask(1.0, ans),
                lambda ans, x, y: _mask(-_np.trunc(val(x) / val(y)), ans))


# -- with extra arguments -------------------------------------------------------------
_clip_prim = wrap(_np.clip)


def clip(a, a_min=None, a_max=None, **kwargs):
    """``numpy.clip``: the gradient flows to ``a`` on the closed interval
    [a_min, a_max] (slope 1 at the bounds themselves, the interior's, as in PyTorch, so
    that a value resting on a bound still gets a gradient), and to a bound only where
    ``a`` is strictly beyond it.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> [wengert.grad(lambda x: np.clip(x, 0.0, 1.0))(x) for x in (-0.5, 0.0, 1.0, 1.5)]
        [0.0, 1.0, 1.0, 0.0]
    """
    if kwargs:
        a_min = kwargs.pop("min", a_min)
        a_max = kwargs.pop("max", a_max)
    return _clip_prim(a, a_min, a_max)


# ndarray.clip with both bounds calls NumPy's clip ufunc (one bound: maximum or minimum),
# so a plain array clipped to traced bounds reaches the box's __array_ufunc__ with it
_CLIP_UFUNC = getattr(getattr(getattr(_np, "_core", None), "umath", None), "clip", None)
if isinstance(_CLIP_UFUNC, _np.ufunc):
    equivalent(_CLIP_UFUNC, clip)


def _inside(x, lo, hi):
    """Where ``lo <= x <= hi``, broadcast like the bounds (they may be larger than x)."""
    v = val(x)
    return _np.logical_and(True if lo is None else v >= val(lo),
                           True if hi is None else v <= val(hi))


def_elementwise(_clip_prim,
                lambda ans, x, lo, hi: _mask(_inside(x, lo, hi), ans),
                lambda ans, x, lo, hi: _mask(val(x) < val(lo), ans),
                lambda ans, x, lo, hi: _mask(val(x) > val(hi), ans))

_where3 = wrap(_np.where, "numpy.where")


def where(condition, x=None, y=None):
    """``numpy.where``: with three arguments, differentiable in ``x`` and ``y``; with
    one, the (non-differentiable) indices of the nonzero entries.

    Each branch gets a zero cotangent where the other is selected.  That zero then
    meets the unselected branch's own derivative: where that is inf or NaN (``sqrt``
    or ``log`` at 0) the product is NaN, as in JAX and autograd, so
    ``grad(lambda x: where(x > 0, sqrt(x), 0.0))(0.0)`` is NaN.  Keep such a branch's
    input inside its domain with a second ``where``:

    Example:
        >>> import wengert, wengert.numpy as np
        >>> safe = lambda x: np.where(x > 0, np.sqrt(np.where(x > 0, x, 1.0)), 0.0)
        >>> wengert.grad(safe)(0.0), wengert.grad(safe)(4.0)
        (0.0, 0.25)
    """
    if x is None and y is None:
        return _np.where(val(condition))
    return _where3(val(condition), x, y)


defvjp(_where3, None,
       lambda g, ans, c, x, y: unbroadcast(_where3(c, g, 0.0), x),
       lambda g, ans, c, x, y: unbroadcast(_where3(c, 0.0, g), y))
defjvp(_where3, None,
       lambda t, ans, c, x, y: broadcast_like(_where3(c, t, 0.0), ans),
       lambda t, ans, c, x, y: broadcast_like(_where3(c, 0.0, t), ans))
declare_elementwise(_where3)


def _astype_impl(x, dtype):
    if isinstance(x, _np.generic):     # a NumPy scalar stays a scalar, as NumPy's astype
        return x.astype(dtype)
    if type(x) is not _np.ndarray and is_foreign(x):
        return foreign_astype(x, dtype)   # lazy, on its device
    return _np.asarray(x).astype(dtype)


_astype = wrap(_astype_impl, "wengert.numpy.astype")


def astype(x, dtype, **kwargs):
    """``x.astype(dtype)``: differentiable between float and complex dtypes; a cast to
    an integer or boolean dtype is a constant (derivative 0)."""
    dt = _np.dtype(dtype)
    if dt.kind not in "fc":   # piecewise constant: no derivative (as in JAX and autograd)
        return _astype(val(x), dt)
    return _astype(x, dt)


defvjp(_astype, lambda g, ans, x, dt: _astype(real(g) if not iscomplexobj(x) else g, dtype(x)))
def_linear(_astype)
declare_elementwise(_astype)

# -- piecewise constant or not differentiable -----------------------------------------
sign = nondiff(_np.sign)
floor = nondiff(_np.floor)
ceil = nondiff(_np.ceil)
rint = nondiff(_np.rint)
trunc = nondiff(_np.trunc)
fix = nondiff(_np.fix)
round = nondiff(_np.round)
around = round
floor_divide = nondiff(_np.floor_divide)
isfinite = nondiff(_np.isfinite)
isnan = nondiff(_np.isnan)
isinf = nondiff(_np.isinf)
signbit = nondiff(_np.signbit)
equal = nondiff(_np.equal)
not_equal = nondiff(_np.not_equal)
less = nondiff(_np.less)
less_equal = nondiff(_np.less_equal)
greater = nondiff(_np.greater)
greater_equal = nondiff(_np.greater_equal)
logical_and = nondiff(_np.logical_and)
logical_or = nondiff(_np.logical_or)
logical_not = nondiff(_np.logical_not)
logical_xor = nondiff(_np.logical_xor)
isclose = nondiff(_np.isclose)
allclose = nondiff(_np.allclose)

# -- aliases (NumPy 2 spells some ufuncs both ways; these are ours, so they exist on
# NumPy 1.26 too) -----------------------------------------------------------------------
acos, acosh, asin, asinh = arccos, arccosh, arcsin, arcsinh
atan, atanh, atan2, pow = arctan, arctanh, arctan2, power

# -- more differentiable elementwise functions ----------------------------------------
float_power = wrap(_np.float_power)
copysign = wrap(_np.copysign)
sinc = wrap(_np.sinc)
i0 = wrap(_np.i0)

# float_power is power computed in float64 (complex128): the same partials
def_elementwise(float_power,
                lambda ans, x, y: y * float_power(x, y - (val(y) != 0)),
                lambda ans, x, y: ans * log(_safe(x, 1.0)))

# copysign(x, y) = |x| sign(y): slope +-1 in x (0 at x == 0, like fabs), flat in y
def_elementwise(copysign,
                lambda ans, x, y: _mask(_np.sign(val(x)) * _np.copysign(1.0, val(y)), ans),
                lambda ans, x, y: _mask(0.0, ans))


# sinc(x) = sin(pi x) / (pi x).  Its slope (cos(pi x) - sinc(x)) / x cancels badly near
# 0, so for |pi x| < 1 the slope is the Taylor series of d/dx sinc instead: both are
# built from wrapped operations, so every order of derivative is finite at 0.
_SINC_SERIES = [(-1) ** k * 2 * k / float(_np.prod(_np.arange(1.0, 2 * k + 2)))
                for k in range(1, 12)]     # d/ds sin(s)/s = s * sum_k c_k s^(2k-2)


def _sinc_slope(ans, x):
    s = _np.pi * x
    s2 = s * s
    series = _SINC_SERIES[-1]
    for c in reversed(_SINC_SERIES[:-1]):
        series = series * s2 + c
    near = _np.abs(_np.pi * val(x)) < 1.0
    far = (cos(s) - ans) / where(near, 1.0, x)
    return where(near, _np.pi * s * series, far)


def_elementwise(sinc, _sinc_slope)


# i0' = i1, and I_1(x) = (1/2 pi) int_0^{2 pi} exp(x cos t) cos t dt.  The trapezoid rule
# on a periodic analytic integrand converges geometrically; 256 nodes give full double
# precision up to x ~ 710, where numpy.i0 overflows.  Written with wrapped operations,
# so every higher derivative is the same quadrature of the differentiated integrand.
_I0_COS = _np.cos(_np.linspace(0.0, 2 * _np.pi, 256, endpoint=False))


def _i1(x):
    c = _I0_COS.astype(dtype(x)) if dtype(x).kind == "f" else _I0_COS
    xc = x[..., None] * c if len(shape(x)) else x * c
    return mean(expm1(xc) * c, axis=-1)   # expm1: exactly 0 at x == 0


def_elementwise(i0, lambda ans, x: _i1(x))


def angle(z, deg=False):
    """``numpy.angle``: the argument of ``z``, ``arctan2(z.imag, z.real)``.

    For complex ``z`` it is differentiable away from 0 and the negative real axis
    (where it jumps); for real ``z`` it is piecewise constant (0 or pi), so its
    derivative is 0.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> float(np.angle(1j, deg=True))
        90.0
    """
    if not iscomplexobj(z):
        return _np.angle(val(z), deg)
    a = arctan2(imag(z), real(z))
    return a * (180.0 / _np.pi) if deg else a


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """``numpy.nan_to_num``: NaN and infinities replaced by finite numbers.

    The derivative is 1 where ``x`` is finite and 0 where an entry is replaced
    (by a constant).  Complex parts are treated separately.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.sum(np.nan_to_num(x) ** 2))(numpy.array([1.0, numpy.nan]))
        array([2., 0.])
    """
    kw = dict(nan=nan, posinf=posinf, neginf=neginf)
    if iscomplexobj(x):
        return (nan_to_num(real(x), **kw)
                + 1j * nan_to_num(imag(x), **kw))
    v = val(x)
    if v is x:
        return _np.nan_to_num(x, copy=copy, **kw)
    return _where3(_np.isfinite(v), x, _np.nan_to_num(v, **kw))


def real_if_close(a, tol=100):
    """``numpy.real_if_close``: the real part if every imaginary part is within
    ``tol`` machine epsilons of 0, else ``a`` unchanged (the identity, either way,
    for derivatives)."""
    if iscomplexobj(a) and not _np.iscomplexobj(_np.real_if_close(val(a), tol)):
        return real(a)
    return a


def modf(x, *args, **kwargs):
    """``numpy.modf``: (fractional part, integral part).  The fractional part has
    slope 1, the integral part is piecewise constant."""
    x = array_like(x)
    if val(x) is x:
        return _np.modf(x, *args, **kwargs)
    frac, whole = _np.modf(val(x))
    return _where3(_np.isfinite(val(x)), x - whole, frac), whole


def divmod(x, y, *args, **kwargs):
    """``numpy.divmod``: (floor_divide(x, y), mod(x, y)); only the remainder is
    differentiable."""
    if val(x) is x and val(y) is y:
        return _np.divmod(x, y, *args, **kwargs)
    return floor_divide(x, y), mod(x, y)


equivalent(_np.angle, angle)
equivalent(_np.nan_to_num, nan_to_num)
equivalent(_np.real_if_close, real_if_close)
equivalent(_np.modf, modf)
equivalent(_np.divmod, divmod)

# spacing(x), the gap to the next float, is piecewise constant: no derivative
spacing = nondiff(_np.spacing)

# ldexp(x, i) = x * 2**i: linear in x (an exact scaling by a power of two); i is an integer
ldexp = wrap(_np.ldexp)
defvjp(ldexp, lambda g, ans, x, i, **k: unbroadcast(ldexp(g, i), x))
def_linear(ldexp)
declare_elementwise(ldexp)

# nextafter(x, y) is x moved by one step (a spacing, piecewise constant) towards y: slope 1
# in x, piecewise (it jumps where the spacing changes, at powers of two, and where x
# meets y); piecewise constant in y (only the direction matters): slope 0
nextafter = wrap(_np.nextafter)
def_elementwise(nextafter, lambda ans, x, y: _mask(1.0, ans), lambda ans, x, y: _mask(0.0, ans))

# heaviside(x, h): 0 for x < 0, h where x == 0, 1 for x > 0: piecewise constant in x
# (slope 0; it jumps at 0), the identity in h where x == 0 (slope 1 there, else 0)
heaviside = wrap(_np.heaviside)
def_elementwise(heaviside, lambda ans, x, h: _mask(0.0, ans),
                lambda ans, x, h: _mask(val(x) == 0, ans))


def frexp(x, *args, **kwargs):
    """``numpy.frexp``: (mantissa, exponent) with ``x = mantissa * 2**exponent``.

    The mantissa is ``x`` scaled by the power of two ``2**-exponent``, so its slope is
    ``2**-exponent`` (piecewise: it jumps where ``|x|`` crosses a power of two); the
    exponent is an integer (no derivative).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.grad(lambda x: np.frexp(x)[0])(3.0)   # 3 = 0.75 * 2**2
        0.25
    """
    if not isinstance(x, Box):
        return _np.frexp(x, *args, **kwargs)
    e = _np.frexp(val(x))[1]
    return ldexp(x, -e), e


equivalent(_np.frexp, frexp)
