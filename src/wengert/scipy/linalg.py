"""``wengert.scipy.linalg``: SciPy's linear algebra with derivatives.

Primitives: ``solve_triangular``, ``solve_sylvester``, ``sqrtm``, ``expm`` and
``solve_banded``; ``cho_solve`` is composed from ``solve_triangular`` and
``cho_factor`` from ``numpy.linalg.cholesky``, so the pair is differentiable.  Rules
are written with these same functions, so every order works.  Complex matrices
follow autograd's convention (transposes, not conjugate transposes).

Example:
    >>> import numpy, wengert, wengert.numpy as np
    >>> from wengert.scipy.linalg import expm
    >>> a = numpy.array([[0.0, 1.0], [0.0, 0.0]])
    >>> wengert.grad(lambda a: np.sum(expm(a)))(a).round(6)
    array([[1.5     , 1.      ],
           [2.166667, 1.5     ]])
"""
import functools

import numpy as _np
import scipy.linalg as _sla

import wengert.numpy as wnp
from wengert._core import Box, def_linear, defbatch, defjvp, defvjp, no_rule_message, primitive
from wengert.numpy._batchrules import front, stacked, to0, with_loop
from wengert.numpy._dispatch import iscomplexobj, shape

__all__ = ["cho_factor", "cho_solve", "expm", "solve_banded", "solve_sylvester", "solve_triangular", "sqrtm"]


def _T(x):
    return wnp.swapaxes(x, -1, -2)


@functools.lru_cache(maxsize=None)
def _takes_stacks(fun, nargs):
    """Whether SciPy's ``fun`` maps over leading axes of matrix arguments (SciPy 1.15
    made most of ``scipy.linalg`` do so; older versions raise on a stack)."""
    one = _np.ones((2, 1, 1))
    try:
        return _np.shape(fun(*[one] * nargs)) == (2, 1, 1)
    except (ValueError, TypeError, _np.linalg.LinAlgError):
        return False


def _stacked_if_supported(fun, scipy_fun, nargs):
    """The batching rule of a function of ``nargs`` square matrices that works on
    stacks where SciPy's does: one call on the batch (every argument batched at axis 0,
    unbatched ones repeated); a loop over the examples where SciPy has no stacked
    form or an example is not a matrix."""

    def rule(args, dims, kwargs):
        if not _takes_stacks(scipy_fun, nargs) or any(
                len(shape(v)) - (d is not None) != 2 for v, d in zip(args[:nargs], dims)):
            return None
        return fun(*front(args[:nargs], dims[:nargs]), *args[nargs:], **kwargs), 0

    return with_loop(fun, rule)


def _col(x, b):
    """A 1-d right-hand side as a one-column matrix."""
    return wnp.reshape(x, (-1, 1)) if len(shape(b)) == 1 else x


# -- triangular solves ------------------------------------------------------------------------
_TRANS = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2}


def _solve_triangular_impl(a, b, trans=0, lower=False, unit_diagonal=False):
    return _sla.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


_solve_triangular = primitive(_solve_triangular_impl, "scipy.linalg.solve_triangular")


def _columns_batch(solve, pos, args, dims, kwargs):
    """``solve(..., a, b)`` (``a`` at ``pos``, ``b`` the last argument) with one matrix
    and a batch of right-hand sides: one solve, the examples as extra columns of ``b``
    (None, a loop, when anything else is batched)."""
    b, db = args[-1], dims[-1]
    if any(d is not None for d in dims[:-1]):
        return None
    b = to0(b, db)
    s = shape(b)                                  # (B, n) or (B, n, k)
    cols = wnp.reshape(wnp.moveaxis(b, 0, 1), (s[1], -1))
    x = solve(*args[:-1], cols, **kwargs)
    return wnp.moveaxis(wnp.reshape(x, (s[1], s[0]) + s[2:]), 1, 0), 0


def _solve_triangular_batch(args, dims, kwargs):
    """One matrix, a batch of right-hand sides: one solve, the examples as extra
    columns of ``b``.  A batched matrix runs as a stack where SciPy solves stacks."""
    if dims[0] is not None or any(d is not None for d in dims[2:]):
        return _stacked_triangular(args, dims, kwargs)
    a, b, *rest = args
    out = _columns_batch(lambda a, *r: _solve_triangular(a, r[-1], *r[:-1], **kwargs),
                         0, [a, *rest, b], [None] * (len(args) - 1) + [dims[1]], {})
    return out


def _stacked_triangular(args, dims, kwargs):
    (a, b), (da, db) = args[:2], dims[:2]
    if any(d is not None for d in dims[2:]) or not _takes_stacks(_sla.solve_triangular, 2):
        return None
    vec = len(shape(b)) - (db is not None) == 1
    a, b = front([a, b], [da, db])
    if vec:     # SciPy reads a stacked b as matrices: a vector is one column
        b = wnp.expand_dims(b, -1)
    x = _solve_triangular(a, b, *args[2:], **kwargs)
    return (wnp.squeeze(x, -1) if vec else x), 0


defbatch(_solve_triangular, with_loop(_solve_triangular, _solve_triangular_batch))


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """``scipy.linalg.solve_triangular``: ``x`` with ``op(a) x = b``, ``op`` the
    identity (``trans=0``/``'N'``) or the transpose (``1``/``'T'``).  Only the
    ``lower`` (or upper) triangle of ``a`` is read, and receives a cotangent;
    with ``unit_diagonal`` its diagonal is taken as ones and gets none.

    Example:
        >>> import numpy, wengert
        >>> from wengert.scipy.linalg import solve_triangular
        >>> a = numpy.array([[2.0, 0.0], [1.0, 4.0]])
        >>> solve_triangular(a, numpy.array([2.0, 5.0]), lower=True)
        array([1., 1.])
    """
    if trans not in _TRANS:
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C'; got {trans!r}")
    trans = _TRANS[trans]
    if trans == 2:
        if iscomplexobj(a):
            raise NotImplementedError(
                no_rule_message("scipy.linalg.solve_triangular(trans='C') of a complex matrix")
                + " (it is not holomorphic); pass wengert.numpy.conj(a) with trans='T'")
        trans = 1
    return _solve_triangular(a, b, trans, bool(lower), bool(unit_diagonal))


def _triangle(x, lower, unit_diagonal):
    """``x`` masked to the triangle that ``solve_triangular`` reads (a constant mask)."""
    n = shape(x)[-1]
    mask = _np.tril(_np.ones((n, n)), -1 if unit_diagonal else 0) if lower else \
        _np.triu(_np.ones((n, n)), 1 if unit_diagonal else 0)
    return x * mask.astype(wnp.result_type(x))


def _solve_triangular_vjp_a(g, ans, a, b, trans=0, lower=False, unit_diagonal=False):
    gb = _col(_solve_triangular(a, g, 1 - trans, lower, unit_diagonal), b)
    x = _col(ans, b)
    ga = -(wnp.matmul(gb, _T(x)) if trans == 0 else wnp.matmul(x, _T(gb)))
    return _triangle(ga, lower, unit_diagonal)


def _solve_triangular_jvp_a(t, ans, a, b, trans=0, lower=False, unit_diagonal=False):
    ta = _triangle(t, lower, unit_diagonal)
    rhs = wnp.matmul(ta if trans == 0 else _T(ta), _col(ans, b))
    return -wnp.reshape(_solve_triangular(a, rhs, trans, lower, unit_diagonal), shape(ans))


defvjp(_solve_triangular, _solve_triangular_vjp_a,
       lambda g, ans, a, b, trans=0, lower=False, unit_diagonal=False:
       _solve_triangular(a, g, 1 - trans, lower, unit_diagonal))
defjvp(_solve_triangular, _solve_triangular_jvp_a)
def_linear(_solve_triangular, argnums=(1,))


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``scipy.linalg.cho_factor``: ``(c, lower)`` with the Cholesky factor of the
    Hermitian positive-definite ``a`` in one triangle of ``c`` (upper by default,
    ``a = c^H c``; lower with ``lower=True``, ``a = c c^H``), read from that
    triangle of ``a``.  Like SciPy, the other triangle of ``c`` holds ``a``'s
    entries (``cho_solve`` ignores them).  Differentiable, with ``cho_solve``,
    in both modes to any order (built on ``wengert.numpy.linalg.cholesky``).

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> from wengert.scipy.linalg import cho_factor, cho_solve
        >>> a = numpy.array([[4.0, 2.0], [2.0, 5.0]])
        >>> cho_factor(a)[0]
        array([[2., 1.],
               [2., 2.]])
        >>> b = numpy.array([1.0, 2.0])   # d/da of b^T a^-1 b is -(a^-1 b)(a^-1 b)^T,
        >>> g = wengert.grad(lambda a: b @ cho_solve(cho_factor(a), b))(a)
        >>> g                             # gathered on the upper triangle, the one read
        array([[-0.00390625, -0.046875  ],
               [ 0.        , -0.140625  ]])
    """
    if not isinstance(a, Box):
        return _sla.cho_factor(a, lower=lower, check_finite=check_finite)
    if lower:
        return wnp.linalg.cholesky(a) + wnp.triu(a, 1), True
    return wnp.linalg.cholesky(a, upper=True) + wnp.tril(a, -1), False


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """``scipy.linalg.cho_solve``: solve ``a x = b`` given the Cholesky factor
    ``(c, lower)`` of ``a`` (two triangular solves; differentiable in ``c``, ``b``).

    Example:
        >>> import numpy
        >>> from wengert.scipy.linalg import cho_solve
        >>> c = numpy.array([[2.0, 0.0], [1.0, 1.0]])        # a = c c^T = [[4, 2], [2, 2]]
        >>> cho_solve((c, True), numpy.array([6.0, 4.0]))
        array([1., 1.])
    """
    c, lower = c_and_lower
    if lower:
        y = solve_triangular(c, b, trans=0, lower=True)
        return solve_triangular(c, y, trans=1, lower=True)
    y = solve_triangular(c, b, trans=1, lower=False)
    return solve_triangular(c, y, trans=0, lower=False)


# -- Sylvester equation, square root -----------------------------------------------------------
solve_sylvester = primitive(_sla.solve_sylvester, "scipy.linalg.solve_sylvester")
solve_sylvester.__doc__ = """``scipy.linalg.solve_sylvester``: ``x`` with ``a x + x b = q``,
differentiable in ``a``, ``b`` and ``q``.

Example:
    >>> import numpy
    >>> from wengert.scipy.linalg import solve_sylvester
    >>> solve_sylvester(numpy.eye(2), numpy.eye(2), numpy.eye(2))
    array([[0.5, 0. ],
           [0. , 0.5]])
"""


def _sylvester_adjoint(g, a, b):
    return solve_sylvester(_T(a), _T(b), g)


defvjp(solve_sylvester,
       lambda g, ans, a, b, q: -wnp.matmul(_sylvester_adjoint(g, a, b), _T(ans)),
       lambda g, ans, a, b, q: -wnp.matmul(_T(ans), _sylvester_adjoint(g, a, b)),
       lambda g, ans, a, b, q: _sylvester_adjoint(g, a, b))
defjvp(solve_sylvester,
       lambda t, ans, a, b, q: solve_sylvester(a, b, -wnp.matmul(t, ans)),
       lambda t, ans, a, b, q: solve_sylvester(a, b, -wnp.matmul(ans, t)))
def_linear(solve_sylvester, argnums=(2,))
defbatch(solve_sylvester, _stacked_if_supported(solve_sylvester, _sla.solve_sylvester, 3))


def _sqrtm_impl(a):
    return _sla.sqrtm(a)


sqrtm = primitive(_sqrtm_impl, "scipy.linalg.sqrtm")
sqrtm.__doc__ = """``scipy.linalg.sqrtm``: the principal square root ``x`` of ``a``
(``x @ x == a``); its derivative solves the Sylvester equation
``x dx + dx x = da``.

Example:
    >>> import numpy
    >>> from wengert.scipy.linalg import sqrtm
    >>> sqrtm(numpy.array([[4.0, 0.0], [0.0, 9.0]]))
    array([[2., 0.],
           [0., 3.]])
"""
defvjp(sqrtm, lambda g, ans, a: solve_sylvester(_T(ans), _T(ans), g))
defjvp(sqrtm, lambda t, ans, a: solve_sylvester(ans, ans, t))
defbatch(sqrtm, _stacked_if_supported(sqrtm, _sla.sqrtm, 1))


# -- matrix exponential ------------------------------------------------------------------------
expm = primitive(_sla.expm, "scipy.linalg.expm")
expm.__doc__ = """``scipy.linalg.expm``: the matrix exponential (of a matrix or a stack).

Its Fréchet derivative ``L(a, e)`` is the top-right block of
``expm([[a, e], [0, a]])``; the reverse rule is ``L(a^T, g)``.  Both are
written with ``expm`` itself, so every order works.  A scalar is a 1 x 1 matrix
(as SciPy reads it), where ``L(a, e) = expm(a) e``.
"""


def _expm_frechet(a, e, ans):
    """The derivative of ``expm`` at ``a`` (where it is ``ans``) in the direction ``e``:
    for 1 x 1 matrices ``ans * e`` (exactly linear in ``e``), else the block trick."""
    n = shape(a)[-1]
    if n == 1:
        return ans * e
    zero = _np.zeros(shape(a), dtype=wnp.result_type(a, e))
    block = wnp.concatenate([wnp.concatenate([a, e], axis=-1),
                             wnp.concatenate([zero, a], axis=-1)], axis=-2)
    return expm(block)[..., :n, n:]


def _as_matrix(x):
    """``x`` as SciPy's ``expm`` reads it: a scalar (or one-element vector) is 1 x 1."""
    return wnp.reshape(x, (1, 1)) if len(shape(x)) < 2 else x


defvjp(expm, lambda g, ans, a:
       wnp.reshape(_expm_frechet(_T(_as_matrix(a)), g, _T(ans)), shape(a)))
defjvp(expm, lambda t, ans, a: _expm_frechet(_as_matrix(a), _as_matrix(t), ans))
# SciPy's expm works on stacks; a scalar (1 x 1) example runs once per example
defbatch(expm, with_loop(expm, lambda args, dims, kwargs: None if len(shape(args[0])) < 3
                         else stacked(expm)(args, dims, kwargs)))


# -- banded systems ----------------------------------------------------------------------------
def _band_indices(n, lower, upper):
    i, j = _np.indices((n, n))
    inside = (j - i <= upper) & (i - j <= lower)
    return i[inside], j[inside], (upper + i - j)[inside]


# (on the last two axes: a stack of bands is a stack of matrices, which batches them)
def _band_to_dense_impl(ab, lower, upper):
    ab = _np.asarray(ab)
    n = ab.shape[-1]
    i, j, k = _band_indices(n, lower, upper)
    dense = _np.zeros(ab.shape[:-2] + (n, n), dtype=ab.dtype)
    dense[..., i, j] = ab[..., k, j]
    return dense


def _dense_to_band_impl(dense, lower, upper):
    dense = _np.asarray(dense)
    n = dense.shape[-1]
    i, j, k = _band_indices(n, lower, upper)
    ab = _np.zeros(dense.shape[:-2] + (lower + upper + 1, n), dtype=dense.dtype)
    ab[..., k, j] = dense[..., i, j]
    return ab


# a linear pair, each the other's adjoint: band storage <-> the dense matrix
_band_to_dense = primitive(_band_to_dense_impl, "wengert.scipy.linalg.band_to_dense")
_dense_to_band = primitive(_dense_to_band_impl, "wengert.scipy.linalg.dense_to_band")
defvjp(_band_to_dense, lambda g, ans, ab, lower, upper: _dense_to_band(g, lower, upper))
defvjp(_dense_to_band, lambda g, ans, d, lower, upper: _band_to_dense(g, lower, upper))
def_linear(_band_to_dense)
def_linear(_dense_to_band)
defbatch(_band_to_dense, stacked(_band_to_dense))
defbatch(_dense_to_band, stacked(_dense_to_band))


def _solve_banded_impl(l_and_u, ab, b):
    return _sla.solve_banded(l_and_u, ab, b)


_solve_banded = primitive(_solve_banded_impl, "scipy.linalg.solve_banded")


def _band_transpose(ab, lower, upper):
    """The band storage of the transpose (with ``lower`` and ``upper`` swapped)."""
    return _dense_to_band(_T(_band_to_dense(ab, lower, upper)), upper, lower)


def _solve_banded_vjp_b(g, ans, l_and_u, ab, b):
    lower, upper = l_and_u
    return _solve_banded((upper, lower), _band_transpose(ab, lower, upper), g)


def _solve_banded_vjp_ab(g, ans, l_and_u, ab, b):
    gb = _col(_solve_banded_vjp_b(g, ans, l_and_u, ab, b), b)
    return _dense_to_band(-wnp.matmul(gb, _T(_col(ans, b))), *l_and_u)


def _solve_banded_jvp_ab(t, ans, l_and_u, ab, b):
    rhs = wnp.matmul(_band_to_dense(t, *l_and_u), _col(ans, b))
    return -wnp.reshape(_solve_banded(l_and_u, ab, rhs), shape(ans))


defvjp(_solve_banded, None, _solve_banded_vjp_ab, _solve_banded_vjp_b)
defjvp(_solve_banded, None, _solve_banded_jvp_ab)
def_linear(_solve_banded, argnums=(2,))
defbatch(_solve_banded, with_loop(_solve_banded, lambda args, dims, kwargs:
                                  _columns_batch(_solve_banded, 1, args, dims, kwargs)))


def solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    """``scipy.linalg.solve_banded``: solve ``a x = b`` for a banded ``a`` given in
    band storage ``ab`` (``ab[u + i - j, j] == a[i, j]``), differentiable in
    ``ab`` (its entries outside the band get zero cotangents) and ``b``.

    Example:
        >>> import numpy
        >>> from wengert.scipy.linalg import solve_banded
        >>> ab = numpy.array([[0.0, 1.0, 1.0], [4.0, 4.0, 4.0], [1.0, 1.0, 0.0]])
        >>> solve_banded((1, 1), ab, numpy.array([5.0, 6.0, 5.0]))
        array([1., 1., 1.])
    """
    lower, upper = (int(n) for n in l_and_u)
    return _solve_banded((lower, upper), ab, b)


def __getattr__(name):
    # Any other scipy.linalg name is SciPy's own, for plain values (as autograd exposes
    # the whole namespace); on a traced value it raises an error naming the conversion.
    try:
        return getattr(_sla, name)
    except AttributeError:
        raise AttributeError(f"module 'wengert.scipy.linalg' has no attribute {name!r}") from None
