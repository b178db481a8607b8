"""Numerical checks of the numpy-more area that are not op specs: exact derivatives
of products at zeros (against brute force), NaN handling, values equal to
NumPy's on traced inputs, conventions at ties and kinks, and error messages."""
import itertools

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert.numpy import _elementwise as E, _reductions as R, _sorting as SO

ZEROS = [np.array([0.0, 2.0, 0.0, 3.0, -0.5]), np.array([1.5, 0.0, -2.0, 1.0]),
         np.array([0.0, 0.0, 0.0]), np.array([2.0, -1.0, 0.5]), np.array([0.0])]


def _prod_except(x, skip):
    return float(np.prod([v for j, v in enumerate(x) if j not in skip]))


def _cumprod_derivative(x, idx):
    """d^m cumprod(x) / dx_i1 ... dx_im, brute force (cumprod is multilinear)."""
    if len(set(idx)) < len(idx):
        return np.zeros(len(x))
    return np.array([_prod_except(x[:k + 1], idx) if max(idx) <= k else 0.0
                     for k in range(len(x))])


@pytest.mark.parametrize("x", ZEROS, ids=lambda x: str(list(x)))
def test_cumprod_with_zeros_exact_to_third_order(x):
    n = len(x)
    f = lambda v: R.cumprod(v)                                           # noqa: E731
    jac = np.stack([_cumprod_derivative(x, (i,)) for i in range(n)], axis=1)
    np.testing.assert_array_equal(wengert.jacrev(f)(x), jac)
    np.testing.assert_array_equal(wengert.jacfwd(f)(x), jac)
    hess = np.zeros((n, n, n))
    third = np.zeros((n, n, n, n))
    for i, j in itertools.product(range(n), repeat=2):
        hess[:, i, j] = _cumprod_derivative(x, (i, j))
        for k in range(n):
            third[:, i, j, k] = _cumprod_derivative(x, (i, j, k))
    np.testing.assert_array_equal(wengert.jacfwd(wengert.jacrev(f))(x), hess)
    np.testing.assert_array_equal(wengert.jacrev(wengert.jacfwd(f))(x), hess)
    np.testing.assert_array_equal(wengert.jacfwd(wengert.jacrev(wengert.jacrev(f)))(x), third)


@pytest.mark.parametrize("x", ZEROS, ids=lambda x: str(list(x)))
def test_prod_with_zeros_exact_to_second_order(x):
    n = len(x)
    grad = np.array([_prod_except(x, (i,)) for i in range(n)])
    hess = np.array([[_prod_except(x, (i, j)) if i != j else 0.0 for j in range(n)]
                     for i in range(n)])
    np.testing.assert_array_equal(wengert.grad(R.prod)(x), grad)
    np.testing.assert_array_equal(wengert.jacfwd(R.prod)(x), grad)
    np.testing.assert_array_equal(wengert.hessian(R.prod)(x), hess)
    np.testing.assert_array_equal(wengert.jacfwd(wengert.grad(R.prod))(x), hess)


def test_prod_with_zeros_along_axes_and_method():
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 4.0]])
    expected = np.array([[6.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(wengert.grad(lambda x: wnp.sum(R.prod(x, axis=1)))(x),
                                  expected)
    np.testing.assert_array_equal(wengert.grad(lambda x: wnp.sum(x.prod(axis=1)))(x), expected)
    assert not np.isnan(wengert.grad(lambda x: wnp.sum(R.prod(x, axis=0)))(x)).any()


def test_nan_reductions_ignore_nans():
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanmean(x, axis=1)
    with np.errstate(all="ignore"):          # 0 / 0 in the all-NaN row, as in NumPy
        g = wengert.grad(lambda x: R.nanmean(x, axis=1)[0])(x)
    np.testing.assert_array_equal(g, [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0]])
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(R.nanmean(x, axis=1), expected)
    for f in (R.nansum, R.nanmean, R.nanvar, R.nanstd, R.nanmax, R.nanmin, R.nanprod):
        with np.errstate(all="ignore"):      # the all-NaN row
            g = wengert.grad(lambda v: f(v, axis=1)[0])(x)
        assert np.isfinite(g).all() and (g[np.isnan(x)] == 0).all(), f.__name__
    assert np.isnan(R.nanmax(x, axis=1)[1])
    np.testing.assert_array_equal(wengert.grad(lambda v: R.nanmax(v, axis=1)[1])(x), np.zeros((2, 3)))


def test_nan_to_num_passes_gradient_only_where_finite():
    x = np.array([1.0, np.nan, np.inf, -np.inf, -2.0])
    g = wengert.grad(lambda v: wnp.sum(E.nan_to_num(v, posinf=5.0) * 3.0))(x)
    np.testing.assert_array_equal(g, [3.0, 0.0, 0.0, 0.0, 3.0])
    z = np.array([complex(1.0, np.nan), complex(np.inf, 2.0)])
    with np.errstate(over="ignore"):         # the largest float times 3j
        g = wengert.grad(lambda v: wnp.sum(wnp.real(E.nan_to_num(v) * np.array([2.0, 3.0j]))))(z)
    np.testing.assert_array_equal(g, [2.0, 0.0 + 3.0j])     # finite parts only


def test_sinc_derivatives_at_zero():
    d = wengert.deriv
    assert float(d(E.sinc)(0.0)) == 0.0
    np.testing.assert_allclose(float(d(d(E.sinc))(0.0)), -np.pi ** 2 / 3, rtol=1e-14)
    np.testing.assert_allclose(float(d(d(d(E.sinc)))(0.0)), 0.0, atol=1e-12)
    np.testing.assert_allclose(float(d(d(d(d(E.sinc))))(0.0)), np.pi ** 4 / 5, rtol=1e-12)
    # both formulas agree where they meet
    for x in (1 / np.pi - 1e-12, 1 / np.pi + 1e-12):
        exact = (np.cos(np.pi * x) - np.sinc(x)) / x
        np.testing.assert_allclose(float(wengert.grad(E.sinc)(x)), exact, rtol=1e-12)


def test_i0_derivative_is_i1():
    # I_1 at 1, 10 and 700 (Abramowitz & Stegun; the last from I_1 ~ e^x / sqrt(2 pi x)
    # (1 - 3 / 8x - 15 / 128x^2)) and 0 at 0
    x = np.array([0.0, 1.0, 10.0, -1.0])
    expected = np.array([0.0, 0.5651591039924851, 2670.988303701255, -0.5651591039924851])
    np.testing.assert_allclose(wengert.elementwise_grad(E.i0)(x), expected, rtol=1e-13)
    big = 700.0
    asym = np.exp(big) / np.sqrt(2 * np.pi * big) * (1 - 3 / (8 * big) - 15 / (128 * big ** 2))
    np.testing.assert_allclose(float(wengert.grad(E.i0)(big)), asym, rtol=1e-8)


def test_sort_ties_follow_stable_order():
    x = np.array([2.0, 1.0, 2.0, 1.0])
    weights = np.array([1.0, 10.0, 100.0, 1000.0])
    g = wengert.grad(lambda v: wnp.sum(SO.sort(v) * weights))(x)
    np.testing.assert_array_equal(g, [100.0, 1.0, 1000.0, 10.0])    # stable argsort
    g = wengert.grad(lambda v: SO.median(v))(np.array([3.0, 1.0, 2.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.5, 0.5])


@pytest.mark.parametrize("name, ours, theirs", [
    ("sort", lambda x: SO.sort(x, axis=0), lambda x: np.sort(x, axis=0)),
    ("sort(None)", lambda x: SO.sort(x, axis=None), lambda x: np.sort(x, axis=None)),
    ("partition", lambda x: SO.partition(x, 2, axis=1), lambda x: np.partition(x, 2, axis=1)),
    ("quantile", lambda x: SO.quantile(x, [0.1, 0.5, 0.77], axis=1, keepdims=True),
     lambda x: np.quantile(x, [0.1, 0.5, 0.77], axis=1, keepdims=True)),
    ("percentile", lambda x: SO.percentile(x, 33.0, axis=(0, 1)),
     lambda x: np.percentile(x, 33.0, axis=(0, 1))),
    ("median", lambda x: SO.median(x, axis=0), lambda x: np.median(x, axis=0)),
    ("median(None)", SO.median, np.median),
    ("diff", lambda x: R.diff(x, 2, prepend=0.0), lambda x: np.diff(x, 2, prepend=0.0)),
    ("average", lambda x: R.average(x, 1, [1.0, 2.0, 3.0, 4.0, 5.0]),
     lambda x: np.average(x, 1, [1.0, 2.0, 3.0, 4.0, 5.0])),
    ("ptp", lambda x: R.ptp(x, 0), lambda x: np.ptp(x, 0)),
    ("prod", lambda x: R.prod(x, 1), lambda x: np.prod(x, 1)),
    ("cumprod", lambda x: R.cumprod(x, 0), lambda x: np.cumprod(x, 0)),
    ("select", lambda x: SO.select([x > 0.5, x < -0.5], [x, 2 * x], -1.0),
     lambda x: np.select([x > 0.5, x < -0.5], [x, 2 * x], -1.0)),
    ("piecewise", lambda x: SO.piecewise(x, [x > 0.5, x > 0], [wnp.sin, wnp.exp, 7.0]),
     lambda x: np.piecewise(x, [x > 0.5, x > 0], [np.sin, np.exp, 7.0])),
    ("choose", lambda x: SO.choose((x > 0).astype(int), [x, -x]),
     lambda x: np.choose((x > 0).astype(int), [x, -x])),
    ("extract", lambda x: SO.extract(x > 0, x), lambda x: np.extract(x > 0, x)),
    ("compress", lambda x: SO.compress([1, 0, 1], x, 0), lambda x: np.compress([1, 0, 1], x, 0)),
    ("sinc", E.sinc, np.sinc), ("i0", E.i0, np.i0), ("angle", lambda x: E.angle(x + 1j * x[::-1]),
                                                     lambda x: np.angle(x + 1j * x[::-1])),
])
def test_traced_values_equal_numpy(name, ours, theirs):
    x = np.random.default_rng(3).uniform(-2.0, 2.0, (3, 5))
    _, value = wengert.make_vjp(ours)(x)
    expected = theirs(x)
    assert np.shape(value) == np.shape(expected) and np.result_type(value) == expected.dtype
    np.testing.assert_array_equal(value, expected)


def test_plain_numpy_calls_dispatch_here():
    x = np.array([3.0, 0.0, 2.0])
    np.testing.assert_array_equal(wengert.grad(lambda v: np.prod(v))(x), [0.0, 6.0, 0.0])
    np.testing.assert_array_equal(wengert.grad(lambda v: np.sort(v)[0])(x), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(wengert.grad(lambda v: np.nansum(v * np.sinc(v)))(x),
                                  wengert.grad(lambda v: wnp.sum(v * E.sinc(v)))(x))


def test_nondiff_and_piecewise_constant():
    x = np.array([0.5, -1.5])
    for ours, theirs in ((lambda v: E.heaviside(v, 0.5), lambda v: np.heaviside(v, 0.5)),
                         (E.spacing, np.spacing)):
        # a constant factor: the gradient of sum(v * c(v)) is c(v)
        np.testing.assert_array_equal(wengert.grad(lambda v: wnp.sum(v * ours(v)))(x), theirs(x))
    # a real argument's angle is 0 or pi: no derivative
    np.testing.assert_array_equal(wengert.grad(lambda v: wnp.sum(v * E.angle(v)))(x),
                                  [0.0, np.pi])
    # copysign has slope +-1 in x and none in y
    g = wengert.grad(lambda v: wnp.sum(E.copysign(v, np.array([-1.0, -1.0]))))(x)
    np.testing.assert_array_equal(g, [-1.0, 1.0])


def test_float_power_is_float64_and_finite_at_zero():
    x = np.array([0.0, 2.0], np.float32)
    assert E.float_power(x, 2.0).dtype == np.float64
    np.testing.assert_array_equal(wengert.elementwise_grad(lambda v: E.float_power(v, 2.0))(x),
                                  [0.0, 4.0])


def test_errors_name_the_function_and_fix():
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"quantile.*not a valid method; use one of"):
        wengert.grad(lambda v: SO.quantile(v, 0.5, method="no-such-method"))(x)
    with pytest.raises(ValueError, match=r"[Qq]uantiles? must be in the range \[0, 1\]"):
        wengert.grad(lambda v: SO.quantile(v, 1.5))(x)
    with pytest.raises(ValueError, match=r"choose.*mode='wrap'"):
        wengert.grad(lambda v: wnp.sum(SO.choose(np.array([0, 2, 1]), [v, v])))(x)
    with pytest.raises(ValueError, match=r"diff.*non-negative"):
        wengert.grad(lambda v: wnp.sum(R.diff(v, -1)))(x)
    with pytest.raises(TypeError, match=r"average.*axis must be given"):
        wengert.grad(lambda v: R.average(v[None], weights=v))(x)
    with pytest.raises(ZeroDivisionError, match=r"average.*sum to zero"):
        wengert.grad(lambda v: R.average(v, weights=v - 2.0))(x)
    with pytest.raises(TypeError, match=r"select.*entry 0.*boolean"):
        wengert.grad(lambda v: wnp.sum(SO.select([np.array([1, 0, 1])], [v])))(x)
    with pytest.raises(ValueError, match=r"piecewise.*funclist"):
        wengert.grad(lambda v: wnp.sum(SO.piecewise(v, [v > 1], [wnp.sin, wnp.cos, 1.0])))(x)
