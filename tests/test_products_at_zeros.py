"""prod and cumprod at zeros: their derivatives there are exact (products are
multilinear), checked against brute force to third order in both modes."""
import itertools

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp

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
    f = lambda v: wnp.cumprod(v)                                           # noqa: E731
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
    np.testing.assert_array_equal(wengert.grad(wnp.prod)(x), grad)
    np.testing.assert_array_equal(wengert.jacfwd(wnp.prod)(x), grad)
    np.testing.assert_array_equal(wengert.hessian(wnp.prod)(x), hess)
    np.testing.assert_array_equal(wengert.jacfwd(wengert.grad(wnp.prod))(x), hess)


def test_prod_with_zeros_along_axes_and_method():
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 4.0]])
    expected = np.array([[6.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(wengert.grad(lambda x: wnp.sum(wnp.prod(x, axis=1)))(x),
                                  expected)
    np.testing.assert_array_equal(wengert.grad(lambda x: wnp.sum(x.prod(axis=1)))(x), expected)
    assert not np.isnan(wengert.grad(lambda x: wnp.sum(wnp.prod(x, axis=0)))(x)).any()
