"""More of NumPy's namespace: convolution, statistics, interpolation, polynomials,
array-API names.

Almost everything here is *composed* from differentiable operations, so both
modes and every order come for free; only ``convolve`` (full mode) is a
primitive of its own, and its rules are convolutions again.
"""
import numpy as _np

from .._core import Box, box_value, def_linear, defbatch, defvjp
from ._batchrules import to0
from . import _elementwise, _linalg, _reductions, _shape
from ._dispatch import array_like, asarray, equivalent, shape, val, wrap


def _flip1(x):
    return _shape.getitem(x, slice(None, None, -1))


# -- convolution ------------------------------------------------------------------------
def _convolve_full_impl(a, v):
    return _np.convolve(a, v, "full")


_convolve_full = wrap(_convolve_full_impl, "wengert.numpy.convolve_full")


# c[k] = sum_i a[i] v[k - i]: the cotangent of a is the valid correlation of g with v
defvjp(_convolve_full,
       lambda g, ans, a, v: _shape.getitem(_convolve_full(g, _flip1(v)),
                                           slice(shape(v)[0] - 1, shape(v)[0] - 1 + shape(a)[0])),
       lambda g, ans, a, v: _shape.getitem(_convolve_full(g, _flip1(a)),
                                           slice(shape(a)[0] - 1, shape(a)[0] - 1 + shape(v)[0])))
def_linear(_convolve_full, argnums=(0, 1))


def _toeplitz(v, m):
    """The matrix ``T`` (of the last axis of ``v``, leading axes kept) with
    ``T @ a == convolve(a, v)`` for an ``a`` of length ``m``: ``T[k, i] = v[k - i]``."""
    n = shape(v)[-1]
    zeros = _np.zeros(shape(v)[:-1] + (m - 1,), _np.result_type(val(v)))
    padded = _shape.concatenate([zeros, v, zeros], axis=-1)
    k, i = _np.ogrid[:m + n - 1, :m]
    return _shape.getitem(padded, (Ellipsis, k - i + m - 1))


def _convolve_full_batch(args, dims, kwargs):
    """NumPy's convolve takes one pair of vectors: a batch of them is a product with
    the Toeplitz matrix of one side (the unbatched one when there is one; the product
    is symmetric)."""
    (a, v), (da, dv) = args, dims
    if da is None:                  # convolve(a, v) == convolve(v, a)
        (a, v), (da, dv) = (v, a), (dv, da)
    a = to0(a, da)
    t = _toeplitz(v if dv is None else to0(v, dv), shape(a)[-1])
    if dv is None:
        return _linalg.matmul(a, _shape.transpose(t)), 0
    return _shape.getitem(_linalg.matmul(t, _shape.expand_dims(a, -1)), (Ellipsis, 0)), 0


defbatch(_convolve_full, _convolve_full_batch)


def convolve(a, v, mode="full"):
    """``numpy.convolve`` of 1-D sequences, differentiable in both.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.grad(lambda a: np.sum(np.convolve(a, np.array([1.0, 2.0]))))(np.ones(3))
        array([3., 3., 3.])
    """
    if len(shape(a)) != 1 or len(shape(v)) != 1:
        raise ValueError("wengert.numpy.convolve: a and v must be 1-D (as for numpy.convolve)")
    m, n = shape(a)[0], shape(v)[0]
    if m == 0 or n == 0:
        raise ValueError("wengert.numpy.convolve: a and v cannot be empty")
    full = _convolve_full(a, v)
    if mode == "full":
        return full
    lo = min(m, n)
    if mode == "same":
        start, length = (lo - 1) // 2, max(m, n)
    elif mode == "valid":
        start, length = lo - 1, max(m, n) - lo + 1
    else:
        raise ValueError(f"wengert.numpy.convolve: mode must be 'full', 'same' or 'valid', "
                         f"got {mode!r}")
    return _shape.getitem(full, slice(start, start + length))


def correlate(a, v, mode="valid"):
    """``numpy.correlate`` (conjugating ``v`` as NumPy does), differentiable in both."""
    return convolve(a, _elementwise.conjugate(_flip1(v)), mode)


# -- statistics ---------------------------------------------------------------------------
def _cov_weights(w, name, n, fweights):
    """NumPy's checks of ``fweights`` / ``aweights`` (same messages)."""
    if not isinstance(w, Box):
        w = _np.asarray(w)
    v = _physical(w)   # elementwise checks hold for every example of a vmap at once
    if fweights and not _np.all(v == _np.around(v)):
        raise TypeError(f"cov: {name} must be integer (as in NumPy)")
    ws = shape(w)
    if len(ws) > 1:
        raise RuntimeError(f"cov: cannot handle multidimensional {name} (as in NumPy); "
                           f"give one weight per observation, shape ({n},)")
    if ws[0] != n:
        raise RuntimeError(f"cov: incompatible numbers of samples and {name}: {ws[0]} "
                           f"weights for {n} observations (as in NumPy)")
    if _np.any(v < 0):
        raise ValueError(f"cov: {name} cannot be negative (as in NumPy)")
    return w if isinstance(w, Box) else w.astype(float)


def _physical(x):
    while isinstance(x, Box):
        x = box_value(x)
    return _np.asarray(x)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
        *, dtype=None):
    """``numpy.cov``, composed from differentiable operations: differentiable in
    ``m``, ``y`` and the observation weights ``aweights`` (and ``fweights``,
    whose values must be whole numbers, as a smooth function of them).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> m = numpy.array([[0.0, 1.0, 3.0], [1.0, 0.0, 2.0]])
        >>> float(np.cov(m, fweights=[1, 2, 1])[0, 1])
        0.75
        >>> wengert.grad(lambda w: np.cov(m, aweights=w)[0, 0])(numpy.ones(3)).round(3)
        array([ 0.111, -0.722,  0.611])
    """
    X = _shape.atleast_2d(m)
    if not rowvar and shape(X)[0] != 1:
        X = _shape.transpose(X)
    if y is not None:
        Y = _shape.atleast_2d(y)
        if not rowvar and shape(Y)[0] != 1:
            Y = _shape.transpose(Y)
        X = _shape.concatenate([X, Y], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    n = shape(X)[1]
    w = None
    if fweights is not None:
        w = _cov_weights(fweights, "fweights", n, True)
    if aweights is not None:
        aweights = _cov_weights(aweights, "aweights", n, False)
        w = aweights if w is None else w * aweights
    if w is None:
        X = X - _reductions.mean(X, axis=1, keepdims=True)
        fact = n - ddof
        Xw = X
    else:
        w_sum = _reductions.sum(w)
        X = X - _reductions.sum(X * w, axis=1, keepdims=True) / w_sum
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = w_sum - ddof
        else:
            fact = w_sum - ddof * _reductions.sum(w * aweights) / w_sum
        Xw = X * w
    if _np.any(_physical(fact) <= 0):   # NumPy divides by zero then (inf/NaN entries)
        fact = _elementwise.where(fact > 0, fact, 0.0)
    c = _linalg.matmul(X, _shape.transpose(_elementwise.conjugate(Xw))) / fact
    return _shape.squeeze(c)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """``numpy.corrcoef``, composed from ``cov``."""
    c = cov(x, y, rowvar)
    if len(shape(c)) == 0:
        return c / c
    d = _elementwise.sqrt(_elementwise.real(_shape.diagonal(c)))
    return c / _shape.reshape(d, (-1, 1)) / _shape.reshape(d, (1, -1))


# -- interpolation and calculus ---------------------------------------------------------
def interp(x, xp, fp, left=None, right=None, period=None):
    """``numpy.interp``: piecewise-linear, differentiable in ``x``, ``xp`` and ``fp``
    (at a knot, the slope of the segment to its right)."""
    if period is not None:
        raise NotImplementedError("wengert.numpy.interp: period= is not supported yet")
    vx, vxp = asarray(val(x)), asarray(val(xp))   # (batched values of vmap stay batched)
    n = vxp.shape[0]
    i = _np.clip(_np.searchsorted(vxp, vx, side="right"), 1, n - 1)
    x0, x1 = _shape.getitem(xp, i - 1), _shape.getitem(xp, i)
    y0, y1 = _shape.getitem(fp, i - 1), _shape.getitem(fp, i)
    y = y0 + (x - x0) * (y1 - y0) / (x1 - x0)
    lo = _shape.getitem(fp, 0) if left is None else left
    hi = _shape.getitem(fp, n - 1) if right is None else right
    y = _elementwise.where(vx < vxp[0], lo, y)
    return _elementwise.where(vx > vxp[-1], hi, y)


def gradient(f, *varargs, axis=None, edge_order=1):
    """``numpy.gradient`` with uniform (scalar) spacings: central differences inside,
    one-sided at the edges (``edge_order`` 1 or 2)."""
    nd = len(shape(f))
    axes = list(range(nd)) if axis is None else [a % nd for a in _np.atleast_1d(axis)]
    spacing = list(varargs) if varargs else [1.0] * len(axes)
    if len(spacing) == 1:
        spacing = spacing * len(axes)
    if any(_np.ndim(val(h)) != 0 for h in spacing):
        raise NotImplementedError("wengert.numpy.gradient: coordinate arrays are not supported "
                                  "yet; pass scalar spacings")
    out = []
    for ax, h in zip(axes, spacing):
        def sl(start, stop=None):
            idx = [slice(None)] * nd
            idx[ax] = slice(start, stop) if stop is not None or start is None else start
            return _shape.getitem(f, tuple(idx))
        n = shape(f)[ax]
        inner = (sl(2, n) - sl(0, n - 2)) / (2.0 * h)
        if edge_order == 1:
            first = (sl(1, 2) - sl(0, 1)) / h
            last = (sl(n - 1, n) - sl(n - 2, n - 1)) / h
        else:
            first = (-1.5 * sl(0, 1) + 2.0 * sl(1, 2) - 0.5 * sl(2, 3)) / h
            last = (0.5 * sl(n - 3, n - 2) - 2.0 * sl(n - 2, n - 1) + 1.5 * sl(n - 1, n)) / h
        out.append(_shape.concatenate([first, inner, last], axis=ax))
    return out[0] if len(out) == 1 else tuple(out)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """``numpy.trapezoid``: the trapezoidal rule, differentiable in ``y`` and ``x``."""
    y, x = array_like(y), array_like(x)
    nd = len(shape(y))
    axis = axis % nd

    def sl(s):
        idx = [slice(None)] * nd
        idx[axis] = s
        return _shape.getitem(y, tuple(idx))

    if x is None:
        d = dx
    else:
        d = _shape.getitem(x, slice(1, None)) - _shape.getitem(x, slice(None, -1))
        if len(shape(x)) == 1 and nd > 1:
            d = _shape.reshape(d, (-1,) + (1,) * (nd - 1 - axis))
    return _reductions.sum(d * (sl(slice(1, None)) + sl(slice(None, -1))) / 2.0, axis=axis)


# -- polynomials (coefficients highest power first, as numpy.polyval) --------------------
def polyval(p, x):
    """``numpy.polyval`` by Horner's rule, differentiable in ``p`` and ``x``."""
    if isinstance(p, (list, tuple)):
        p = _shape.array(p) if any(isinstance(c, Box) for c in p) else _np.asarray(p)
    y = x * 0.0
    for k in range(shape(p)[0]):
        y = y * x + _shape.getitem(p, k)
    return y


def _pad_front(p, n):
    extra = n - shape(p)[0]
    return p if extra <= 0 else _shape.concatenate([_np.zeros(extra, _np.result_type(val(p))), p])


def polyadd(a1, a2):
    """``numpy.polyadd``."""
    n = max(shape(a1)[0], shape(a2)[0])
    return _pad_front(a1, n) + _pad_front(a2, n)


def polysub(a1, a2):
    """``numpy.polysub``."""
    n = max(shape(a1)[0], shape(a2)[0])
    return _pad_front(a1, n) - _pad_front(a2, n)


def polymul(a1, a2):
    """``numpy.polymul``: a convolution of the coefficients."""
    return convolve(_shape.atleast_1d(a1), _shape.atleast_1d(a2))


def polyder(p, m=1):
    """``numpy.polyder``: the m-th derivative's coefficients."""
    p = array_like(p)
    for _ in range(m):
        n = shape(p)[0] - 1
        if n <= 0:
            return _np.zeros(1)
        p = _shape.getitem(p, slice(0, n)) * _np.arange(n, 0, -1.0)
    return p


def polyint(p, m=1, k=None):
    """``numpy.polyint``: the m-th antiderivative (integration constants ``k``)."""
    ks = [0.0] * m if k is None else list(_np.atleast_1d(k))
    for j in range(m):
        n = shape(p)[0]
        const = _np.full(1, ks[j], _np.result_type(val(p), float))
        p = _shape.concatenate([p / _np.arange(n, 0, -1.0), const])
    return p


def vander(x, N=None, increasing=False):
    """``numpy.vander``: columns are powers of ``x``."""
    x = array_like(x)
    n = shape(x)[0] if N is None else N
    powers = range(n) if increasing else range(n - 1, -1, -1)
    return _shape.stack([x ** k if k else _np.ones(shape(x), _np.result_type(val(x), float))
                         for k in powers], axis=1)


# -- assembling ---------------------------------------------------------------------------
def _depth(arrays):
    return 1 + _depth(arrays[0]) if isinstance(arrays, list) else 0


def block(arrays):
    """``numpy.block`` of nested lists of plain and traced arrays."""
    depth = _depth(arrays)

    def assemble(a, level):
        if not isinstance(a, list):
            return a
        parts = [assemble(x, level + 1) for x in a]
        nd = max(depth, *(len(shape(p)) for p in parts))
        parts = [_shape.reshape(p, (1,) * (nd - len(shape(p))) + tuple(shape(p))) for p in parts]
        return _shape.concatenate(parts, axis=-(depth - level))

    return assemble(arrays, 0)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """``numpy.meshgrid`` of plain and traced 1-D arrays."""
    nd = len(xi)
    out = []
    for i, x in enumerate(xi):
        s = [1] * nd
        s[i] = -1
        if indexing == "xy" and nd > 1 and i < 2:
            s[0], s[1] = s[1], s[0]
        out.append(_shape.reshape(x, tuple(s)))
    if sparse:
        return out
    full = _np.broadcast_shapes(*(shape(o) for o in out))
    return [_shape.broadcast_to(o, full) for o in out]


def unwrap(p, discont=None, axis=-1, *, period=2 * _np.pi):
    """``numpy.unwrap``: adds constant multiples of ``period`` (slope 1)."""
    p = array_like(p)
    vp = val(p)
    return p + (_np.unwrap(vp, discont, axis, period=period) - vp)


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``numpy.apply_along_axis`` for traced arrays: a loop over the other axes."""
    moved = _shape.moveaxis(arr, axis, -1)
    lead = shape(moved)[:-1]
    rows = [func1d(_shape.getitem(moved, idx), *args, **kwargs) for idx in _np.ndindex(*lead)]
    res = _shape.stack(rows)
    k = len(shape(res)) - 1  # the dimensions of one result
    res = _shape.reshape(res, tuple(lead) + tuple(shape(res)[1:]))
    axis = axis % (len(lead) + 1)
    if k == 0:
        return res
    return _shape.moveaxis(res, tuple(range(len(lead), len(lead) + k)),
                           tuple(range(axis, axis + k)))


def ediff1d(ary, to_end=None, to_begin=None):
    """``numpy.ediff1d``: differences of the flattened array."""
    flat = _shape.ravel(ary)
    parts = [_shape.getitem(flat, slice(1, None)) - _shape.getitem(flat, slice(None, -1))]
    if to_begin is not None:
        parts.insert(0, _shape.ravel(to_begin))
    if to_end is not None:
        parts.append(_shape.ravel(to_end))
    return _shape.concatenate(parts) if len(parts) > 1 else parts[0]


# -- array-API names (NumPy 2) ------------------------------------------------------------
def matrix_transpose(x):
    """Swap the last two axes."""
    return _shape.swapaxes(x, -1, -2)


def vecdot(x1, x2, axis=-1, **kwargs):
    """``sum(conj(x1) * x2, axis)``."""
    return _reductions.sum(_elementwise.conjugate(x1) * x2, axis=axis)


def matvec(x1, x2, **kwargs):
    """Matrix-vector products over the last axes (broadcasting)."""
    return _shape.getitem(_linalg.matmul(x1, _shape.expand_dims(x2, -1)), (Ellipsis, 0))


def vecmat(x1, x2, **kwargs):
    """Vector-matrix products, conjugating the vector."""
    rows = _linalg.matmul(_shape.expand_dims(_elementwise.conjugate(x1), -2), x2)
    return _shape.getitem(rows, (Ellipsis, 0, slice(None)))


def cumulative_sum(x, axis=None, dtype=None, out=None, include_initial=False):
    """``numpy.cumulative_sum``."""
    if axis is None:
        if len(shape(x)) > 1:
            raise ValueError("cumulative_sum: axis is required for arrays of more than 1-D")
        axis = 0
    c = _reductions.cumsum(x, axis=axis)
    if not include_initial:
        return c
    zshape = list(shape(c))
    zshape[axis] = 1
    return _shape.concatenate([_np.zeros(zshape, _np.result_type(val(c))), c], axis=axis)


def unstack(x, axis=0):
    """``numpy.unstack``: the slices along ``axis``, each traced."""
    moved = _shape.moveaxis(x, axis, 0)
    return tuple(_shape.getitem(moved, i) for i in range(shape(moved)[0]))


for _name, _ours in (("convolve", convolve), ("correlate", correlate), ("cov", cov),
                     ("corrcoef", corrcoef), ("interp", interp), ("gradient", gradient),
                     ("trapezoid", trapezoid), ("trapz", trapezoid), ("polyval", polyval),
                     ("polyadd", polyadd), ("polysub", polysub), ("polymul", polymul),
                     ("polyder", polyder), ("polyint", polyint), ("vander", vander),
                     ("block", block), ("meshgrid", meshgrid), ("unwrap", unwrap),
                     ("apply_along_axis", apply_along_axis), ("ediff1d", ediff1d),
                     ("matrix_transpose", matrix_transpose), ("vecdot", vecdot),
                     ("matvec", matvec), ("vecmat", vecmat),
                     ("cumulative_sum", cumulative_sum), ("unstack", unstack)):
    if hasattr(_np, _name):  # some are NumPy 2 only (or 1.x only)
        equivalent(getattr(_np, _name), _ours)
