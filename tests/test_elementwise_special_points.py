"""Elementwise functions at their special points: nan_to_num passes a gradient only
where its input is finite; sinc's derivatives at 0 and where its two formulas meet;
i0's derivative is i1; functions that are piecewise constant or have no derivative
in an argument (heaviside, spacing, the angle of a real number, copysign's sign);
float_power at 0."""
import numpy as np

import wengert
import wengert.numpy as wnp


def test_nan_to_num_passes_gradient_only_where_finite():
    x = np.array([1.0, np.nan, np.inf, -np.inf, -2.0])
    g = wengert.grad(lambda v: wnp.sum(wnp.nan_to_num(v, posinf=5.0) * 3.0))(x)
    np.testing.assert_array_equal(g, [3.0, 0.0, 0.0, 0.0, 3.0])
    z = np.array([complex(1.0, np.nan), complex(np.inf, 2.0)])
    with np.errstate(over="ignore"):         # the largest float times 3j
        g = wengert.grad(lambda v: wnp.sum(wnp.real(wnp.nan_to_num(v) * np.array([2.0, 3.0j]))))(z)
    np.testing.assert_array_equal(g, [2.0, 0.0 + 3.0j])     # finite parts only


def test_sinc_derivatives_at_zero():
    d = wengert.deriv
    assert float(d(wnp.sinc)(0.0)) == 0.0
    np.testing.assert_allclose(float(d(d(wnp.sinc))(0.0)), -np.pi ** 2 / 3, rtol=1e-14)
    np.testing.assert_allclose(float(d(d(d(wnp.sinc)))(0.0)), 0.0, atol=1e-12)
    np.testing.assert_allclose(float(d(d(d(d(wnp.sinc))))(0.0)), np.pi ** 4 / 5, rtol=1e-12)
    # both formulas agree where they meet
    for x in (1 / np.pi - 1e-12, 1 / np.pi + 1e-12):
        exact = (np.cos(np.pi * x) - np.sinc(x)) / x
        np.testing.assert_allclose(float(wengert.grad(wnp.sinc)(x)), exact, rtol=1e-12)


def test_i0_derivative_is_i1():
    # I_1 at 1, 10 and 700 (Abramowitz & Stegun; the last from I_1 ~ e^x / sqrt(2 pi x)
    # (1 - 3 / 8x - 15 / 128x^2)) and 0 at 0
    x = np.array([0.0, 1.0, 10.0, -1.0])
    expected = np.array([0.0, 0.5651591039924851, 2670.988303701255, -0.5651591039924851])
    np.testing.assert_allclose(wengert.elementwise_grad(wnp.i0)(x), expected, rtol=1e-13)
    big = 700.0
    asym = np.exp(big) / np.sqrt(2 * np.pi * big) * (1 - 3 / (8 * big) - 15 / (128 * big ** 2))
    np.testing.assert_allclose(float(wengert.grad(wnp.i0)(big)), asym, rtol=1e-8)


def test_nondiff_and_piecewise_constant():
    x = np.array([0.5, -1.5])
    for ours, theirs in ((lambda v: wnp.heaviside(v, 0.5), lambda v: np.heaviside(v, 0.5)),
                         (wnp.spacing, np.spacing)):
        # a constant factor: the gradient of sum(v * c(v)) is c(v)
        np.testing.assert_array_equal(wengert.grad(lambda v: wnp.sum(v * ours(v)))(x), theirs(x))
    # a real argument's angle is 0 or pi: no derivative
    np.testing.assert_array_equal(wengert.grad(lambda v: wnp.sum(v * wnp.angle(v)))(x),
                                  [0.0, np.pi])
    # copysign has slope +-1 in x and none in y
    g = wengert.grad(lambda v: wnp.sum(wnp.copysign(v, np.array([-1.0, -1.0]))))(x)
    np.testing.assert_array_equal(g, [-1.0, 1.0])


def test_float_power_is_float64_and_finite_at_zero():
    x = np.array([0.0, 2.0], np.float32)
    assert wnp.float_power(x, 2.0).dtype == np.float64
    np.testing.assert_array_equal(wengert.elementwise_grad(lambda v: wnp.float_power(v, 2.0))(x),
                                  [0.0, 4.0])
