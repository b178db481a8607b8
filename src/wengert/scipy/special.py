"""``wengert.scipy.special``: SciPy's special functions with derivatives.

Each differentiable function states its partial derivatives once, with
``def_elementwise``, built from wrapped functions (``d gammaln = digamma``,
``d digamma = polygamma(1, .)``, ``d iv(v, x) = (iv(v-1, x) + iv(v+1, x)) / 2``
...), so both modes work to any order.  Orders of Bessel functions, the ``n``
of ``polygamma`` and the ``d`` of ``multigammaln`` are fixed (not
differentiable).  ``betainc``, ``gammainc`` and ``gammaincc`` are differentiable
in their shape parameters too, with no closed form: term by term of their power
series (positive terms summed in logs; ``betainc`` reflected to ``x <= 1/2``),
absolute error below about 1e-12 (``betainc`` for ``a, b`` up to about 100;
inside ``vmap``/``compile`` ``gammainc(c)`` for ``x`` up to about 400).  Plain ``scipy.special`` ufuncs applied to traced values are
routed here too.

Example:
    >>> import wengert
    >>> from wengert.scipy import special
    >>> float(wengert.grad(special.gammaln)(3.0))    # digamma(3) = 1.5 - euler_gamma
    0.9227843350984671
"""
import numpy as _np
import scipy.special as _sp

import wengert.numpy as wnp
from wengert._core import Box, primitive
from wengert.numpy._elementwise import def_elementwise
from wengert.numpy._dispatch import array_like, asarray, dtype, nondiff, some, val, wrap
from wengert.numpy._elementwise import _weak

__all__ = [
    "beta", "betainc", "betaln", "digamma", "erf", "erfc", "erfcinv", "erfinv", "expit",
    "gamma", "gammainc", "gammaincc", "gammaln", "gammasgn", "i0", "i1", "iv", "ive", "j0",
    "j1", "jn", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr",
    "ndtri", "polygamma", "psi", "rgamma", "softmax", "stdtr", "xlog1py", "xlogy", "y0", "y1",
    "yn",
]

# Python floats, so float32 derivatives stay float32
_SQRT_PI = float(_np.sqrt(_np.pi))
_SQRT_2PI = float(_np.sqrt(2 * _np.pi))
_LOG_PI = float(_np.log(_np.pi))


def _like_x(fun, name):
    """A primitive for ``fun(n, x)`` whose result has ``x``'s float dtype (SciPy's
    integer-order loops compute float32 arguments in float64)."""
    def impl(n, x):
        out = fun(n, x)
        # dtype(x), not x: NumPy 2 types a Python float weakly, so result_type(1.0,
        # float16) is float16 (a Python float is float64 here, as NumPy computes it)
        dt = _np.result_type(dtype(x), _np.float16)
        return out.astype(dt, copy=False) if getattr(out, "dtype", dt) != dt else out
    impl.__name__ = impl.__qualname__ = name.rsplit(".", 1)[-1]
    impl.__doc__ = f"``{name}(n, x)``, differentiable in ``x`` (``n`` is fixed)."
    return primitive(impl, name)


def _not_differentiable_in(fun, arg, fix):
    def partial(ans, *args):
        raise NotImplementedError(
            f"scipy.special.{fun}: no derivative with respect to {arg} (it has no closed "
            f"form in special functions); {fix}")
    return partial


def _const(fun, *args):
    """``fun(*args)``, a Python float when every argument is a Python number (NumPy
    float64 scalars are strongly typed: they would promote float32 derivatives)."""
    out = fun(*args)
    return float(out) if all(type(a) in (int, float) for a in args) else out


def _ratio_or_zero(x, y, bad_y):
    """``x / y``, but 0 where ``x == 0`` and ``y == bad_y`` (the limit of
    ``x log y``'s partial derivative along x = 0 is 0)."""
    bad = (val(x) == 0) & (val(y) == bad_y)
    if not some(bad):
        return x / y
    return wnp.where(bad, 0.0, x / wnp.where(bad, 1.0, y))


# -- logistic ---------------------------------------------------------------------------------
expit = wrap(_sp.expit, "scipy.special.expit")
logit = wrap(_sp.logit, "scipy.special.logit")
def_elementwise(expit, lambda ans, x: ans * (1 - ans))
def_elementwise(logit, lambda ans, x: 1 / (x * (1 - x)))

# -- error function and normal distribution ---------------------------------------------------
erf = wrap(_sp.erf, "scipy.special.erf")
erfc = wrap(_sp.erfc, "scipy.special.erfc")
erfinv = wrap(_sp.erfinv, "scipy.special.erfinv")
erfcinv = wrap(_sp.erfcinv, "scipy.special.erfcinv")
ndtr = wrap(_sp.ndtr, "scipy.special.ndtr")
log_ndtr = wrap(_sp.log_ndtr, "scipy.special.log_ndtr")
ndtri = wrap(_sp.ndtri, "scipy.special.ndtri")
def_elementwise(erf, lambda ans, x: 2 / _SQRT_PI * wnp.exp(-(x * x)))
def_elementwise(erfc, lambda ans, x: -2 / _SQRT_PI * wnp.exp(-(x * x)))
def_elementwise(erfinv, lambda ans, x: _SQRT_PI / 2 * wnp.exp(ans * ans))
def_elementwise(erfcinv, lambda ans, x: -_SQRT_PI / 2 * wnp.exp(ans * ans))
def_elementwise(ndtr, lambda ans, x: wnp.exp(-(x * x) / 2) / _SQRT_2PI)
# pdf / cdf computed in logs: finite far in the left tail, where both underflow
def_elementwise(log_ndtr, lambda ans, x: wnp.exp(-(x * x) / 2 - ans) / _SQRT_2PI)
def_elementwise(ndtri, lambda ans, x: _SQRT_2PI * wnp.exp(ans * ans / 2))

# -- gamma and beta ---------------------------------------------------------------------------
gamma = wrap(_sp.gamma, "scipy.special.gamma")
gammaln = wrap(_sp.gammaln, "scipy.special.gammaln")
rgamma = wrap(_sp.rgamma, "scipy.special.rgamma")
digamma = wrap(_sp.digamma, "scipy.special.digamma")
psi = digamma
polygamma = _like_x(_sp.polygamma, "scipy.special.polygamma")
gammasgn = nondiff(_sp.gammasgn)
def_elementwise(gamma, lambda ans, x: ans * digamma(x))
def_elementwise(gammaln, lambda ans, x: digamma(x))
def_elementwise(rgamma, lambda ans, x: -ans * digamma(x))
def_elementwise(digamma, lambda ans, x: polygamma(1, x))
def_elementwise(polygamma, None, lambda ans, n, x: polygamma(n + 1, x))

beta = wrap(_sp.beta, "scipy.special.beta")
betaln = wrap(_sp.betaln, "scipy.special.betaln")
def_elementwise(beta, lambda ans, a, b: ans * (digamma(a) - digamma(a + b)),
                lambda ans, a, b: ans * (digamma(b) - digamma(a + b)))
def_elementwise(betaln, lambda ans, a, b: digamma(a) - digamma(a + b),
                lambda ans, a, b: digamma(b) - digamma(a + b))

betainc = wrap(_sp.betainc, "scipy.special.betainc")
gammainc = wrap(_sp.gammainc, "scipy.special.gammainc")
gammaincc = wrap(_sp.gammaincc, "scipy.special.gammaincc")


# Derivatives in the shape parameters, which have no closed form: term by term of series
# of positive terms t_n written in logs (the sums are wengert.numpy operations, so every
# higher order follows through digamma and polygamma).
#   I_y(p, q) = sum_n t_n,  log t_n = (p+n) log y + q log(1-y) + gammaln(p+q+n)
#                                     - gammaln(q) - gammaln(p+n+1)
#   (the hypergeometric series of the regularized incomplete beta function), used for
#   y <= 1/2 only: for x > 1/2, I_x(a, b) = 1 - I_{1-x}(b, a), so y = min(x, 1-x) and
#   the ratio of successive terms tends to y <= 1/2.  _BETA_TERMS = 300 terms reach
#   double precision (absolute error below 1e-13) for a, b up to about 100.
#   P(a, x) = sum_n t_n,  log t_n = (a+n) log x - x - gammaln(a+n+1),
#   with enough terms to pass the largest term (n near x): 40 + x + 12 sqrt(x) of them,
#   absolute error below 1e-12 (inside vmap / compile, where the values are not known
#   while tracing, a fixed 600 terms: x up to about 400).
_BETA_TERMS = 300


def _series_axis(v):
    return wnp.expand_dims(v, -1)


def _betainc_shape_partials(a, b, x):
    """(d/da, d/db) of betainc(a, b, x), elementwise."""
    vx = val(x)
    flip = vx > 0.5                                             # value-level masks
    inside = (vx > 0) & (vx < 1)                                # 0 at x = 0 and x = 1
    p, q = wnp.where(flip, b, a), wnp.where(flip, a, b)
    y = wnp.where(inside, wnp.where(flip, 1 - x, x), 0.25)
    n = _np.arange(_BETA_TERMS, dtype=_np.result_type(dtype(y), _np.float16))
    P, Q, Y = _series_axis(p), _series_axis(q), _series_axis(y)
    log_y, log_1my = wnp.log(Y), wnp.log1p(-Y)
    t = wnp.exp((P + n) * log_y + Q * log_1my + gammaln(P + Q + n) - gammaln(Q)
                - gammaln(P + n + 1))
    common = digamma(P + Q + n)
    d_p = wnp.sum(t * (log_y + common - digamma(P + n + 1)), axis=-1)
    d_q = wnp.sum(t * (log_1my + common - digamma(Q)), axis=-1)
    da = wnp.where(inside, wnp.where(flip, -d_q, d_p), 0.0)
    db = wnp.where(inside, wnp.where(flip, -d_p, d_q), 0.0)
    return da, db


def _gammainc_shape_partial(a, x):
    """d/da of gammainc(a, x), elementwise (d/da gammaincc is its negative)."""
    vx = val(x)
    inside = vx > 0
    xs = wnp.where(inside, x, 1.0)
    if isinstance(vx, Box):
        terms = 600
    else:
        top = float(_np.max(vx)) if _np.size(vx) else 0.0
        terms = int(40 + top + 12 * top ** 0.5)
    n = _np.arange(terms, dtype=_np.result_type(dtype(xs), _np.float16))
    A, X = _series_axis(a), _series_axis(xs)
    log_x = wnp.log(X)
    t = wnp.exp((A + n) * log_x - X - gammaln(A + n + 1))
    return wnp.where(inside, wnp.sum(t * (log_x - digamma(A + n + 1)), axis=-1), 0.0)


def_elementwise(betainc, lambda ans, a, b, x: _betainc_shape_partials(a, b, x)[0],
                lambda ans, a, b, x: _betainc_shape_partials(a, b, x)[1],
                # the beta density; xlogy/xlog1py keep it finite at x = 0, 1 when a or b is 1
                # (SciPy's xlogy computes a Python-number a with a float32 x in float64)
                lambda ans, a, b, x: wnp.exp(xlogy(_weak(a - 1, x), x)
                                             + xlog1py(_weak(b - 1, x), -x)
                                             - _const(betaln, a, b)))
def_elementwise(gammainc, lambda ans, a, x: _gammainc_shape_partial(a, x),
                lambda ans, a, x: wnp.exp(xlogy(_weak(a - 1, x), x) - x - _const(gammaln, a)))
def_elementwise(gammaincc, lambda ans, a, x: -_gammainc_shape_partial(a, x),
                lambda ans, a, x: -wnp.exp(xlogy(_weak(a - 1, x), x) - x - _const(gammaln, a)))

stdtr = wrap(_sp.stdtr, "scipy.special.stdtr")
def_elementwise(stdtr, _not_differentiable_in("stdtr", "df", "pass df as a constant"),
                lambda ans, df, t: wnp.exp(_const(gammaln, (df + 1) / 2)
                                           - _const(gammaln, df / 2)
                                           - (df + 1) / 2 * wnp.log1p(t * t / df))
                / (df * _np.pi) ** 0.5)


def multigammaln(a, d):
    """``scipy.special.multigammaln``: the log of the multivariate gamma function
    of dimension ``d`` (an int, fixed), composed from ``gammaln``.

    Example:
        >>> import wengert
        >>> from wengert.scipy.special import multigammaln
        >>> round(float(wengert.grad(multigammaln)(3.0, 2)), 6)   # digamma(3) + digamma(2.5)
        1.625941
    """
    d = int(d)
    bad = val(a) <= 0.5 * (d - 1)
    if not isinstance(bad, Box) and _np.any(bad):
        raise ValueError(f"multigammaln: every element of a must be > (d - 1) / 2 = "
                         f"{0.5 * (d - 1)}; got min {_np.min(val(a))}")
    total = d * (d - 1) / 4 * _LOG_PI
    for j in range(d):
        total = total + gammaln(a - 0.5 * j)
    if isinstance(bad, Box):
        # inside vmap / compile the check cannot raise for some examples only: those
        # outside the domain get NaN (a value-level box has no Python truth value)
        total = wnp.where(bad, _np.nan, total)
    return total


# -- x log y ----------------------------------------------------------------------------------
xlogy = wrap(_sp.xlogy, "scipy.special.xlogy")
xlog1py = wrap(_sp.xlog1py, "scipy.special.xlog1py")
# d/dy is x / y, taken as 0 on the line x = 0 (where x log y is identically 0), also at y = 0
def_elementwise(xlogy, lambda ans, x, y: wnp.log(y), lambda ans, x, y: _ratio_or_zero(x, y, 0))
def_elementwise(xlog1py, lambda ans, x, y: wnp.log1p(y),
                lambda ans, x, y: _ratio_or_zero(x, 1 + y, 0))

# -- Bessel functions (derivatives w.r.t. the argument; the order is fixed) -------------------
i0 = wrap(_sp.i0, "scipy.special.i0")
i1 = wrap(_sp.i1, "scipy.special.i1")
iv = wrap(_sp.iv, "scipy.special.iv")
ive = wrap(_sp.ive, "scipy.special.ive")
j0 = wrap(_sp.j0, "scipy.special.j0")
j1 = wrap(_sp.j1, "scipy.special.j1")
jn = wrap(_sp.jn, "scipy.special.jn")
y0 = wrap(_sp.y0, "scipy.special.y0")
y1 = wrap(_sp.y1, "scipy.special.y1")
yn = _like_x(_sp.yn, "scipy.special.yn")


def _sign(x):
    return _np.sign(val(x)).astype(dtype(x) if dtype(x).kind == "f" else float)


def_elementwise(i0, lambda ans, x: i1(x))
def_elementwise(i1, lambda ans, x: (i0(x) + iv(2, x)) / 2)     # i1' without i1(x) / x
def_elementwise(iv, None, lambda ans, v, x: (iv(v - 1, x) + iv(v + 1, x)) / 2)
# ive = iv exp(-|x|)
def_elementwise(ive, None, lambda ans, v, x: (ive(v - 1, x) + ive(v + 1, x)) / 2 - _sign(x) * ans)
def_elementwise(j0, lambda ans, x: -j1(x))
def_elementwise(j1, lambda ans, x: (j0(x) - jn(2, x)) / 2)
def_elementwise(jn, None, lambda ans, n, x: (jn(n - 1, x) - jn(n + 1, x)) / 2)
def_elementwise(y0, lambda ans, x: -y1(x))
def_elementwise(y1, lambda ans, x: (y0(x) - yn(2, x)) / 2)
def_elementwise(yn, None, lambda ans, n, x: (yn(n - 1, x) - yn(n + 1, x)) / 2)


# -- log-sum-exp and softmax ------------------------------------------------------------------
def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``scipy.special.logsumexp``: ``log(sum(b * exp(a), axis))``, computed (and
    differentiated) stably by shifting ``a`` by its maximum, a constant.

    Differentiable in ``a`` and ``b``; the gradient with respect to ``a`` is the
    softmax weights ``b * exp(a - ans)``, finite for inputs of any size.  With
    ``return_sign=True`` returns ``(log|s|, sign(s))``, the sign a constant.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> from wengert.scipy.special import logsumexp
        >>> wengert.grad(logsumexp)(np.array([1000.0, -1000.0, 1000.0]))
        array([0.5, 0. , 0.5])
    """
    a, b = array_like(a), array_like(b)
    # value-level code on ``val(a)``: under vmap / compile it stays batched / traced
    va = asarray(val(a))
    fdt = dtype(va) if dtype(va).kind in "fc" else _np.dtype(float)
    if va.size:
        shift = wnp.max(wnp.real(va), axis=axis, keepdims=True)
        shift = wnp.where(wnp.isfinite(shift), shift, 0).astype(fdt)
    else:
        shift = _np.zeros((1,) * va.ndim, fdt)
    terms = wnp.exp(a - shift)
    if b is not None:
        terms = b * terms
    s = wnp.sum(terms, axis=axis, keepdims=True)
    if return_sign:
        sign = wnp.sign(val(s))
        s = wnp.absolute(s)
    with _np.errstate(divide="ignore"):     # log(0) = -inf: every term is 0
        out = wnp.log(s) + shift
    if not keepdims:
        out = wnp.squeeze(out, axis=axis)
    if return_sign:
        return out, (sign if keepdims else wnp.squeeze(sign, axis=axis))
    return out


def softmax(x, axis=None):
    """``scipy.special.softmax``: ``exp(x - logsumexp(x, axis))``.

    Example:
        >>> import numpy
        >>> from wengert.scipy.special import softmax
        >>> softmax(numpy.log(numpy.array([1.0, 3.0])))
        array([0.25, 0.75])
    """
    return wnp.exp(x - logsumexp(x, axis=axis, keepdims=True))


def log_softmax(x, axis=None):
    """``scipy.special.log_softmax``: ``x - logsumexp(x, axis)``, stable for large inputs.

    Example:
        >>> import numpy
        >>> from wengert.scipy.special import log_softmax
        >>> log_softmax(numpy.array([1000.0, 1000.0]))
        array([-0.69314718, -0.69314718])
    """
    return x - logsumexp(x, axis=axis, keepdims=True)
