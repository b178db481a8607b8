"""Fast paths of wengert.numpy functions (computing NumPy's own result without its
Python-level layers) give NumPy's bits and types, and leave every other case to NumPy."""
import warnings

import numpy
import pytest

import wengert
import wengert.numpy as np

RNG = numpy.random.default_rng(11)


@pytest.mark.parametrize("shape", [(1,), (5,), (16, 1), (37, 91), (3, 4, 5), (100001,)])
def test_mean_of_a_whole_float64_array_is_numpys_bit_for_bit(shape):
    for scale in (1e-300, 1e-5, 1.0, 1e5, 1e300):
        x = RNG.standard_normal(shape) * scale
        got, want = np.mean(x), numpy.mean(x)
        assert type(got) is type(want) and got == want


def test_mean_leaves_other_cases_to_numpy():
    x32 = RNG.standard_normal(7).astype(numpy.float32)
    assert np.mean(x32).dtype == numpy.float32 and np.mean(x32) == numpy.mean(x32)
    ints = numpy.arange(5)
    assert np.mean(ints) == 2.0
    m = RNG.standard_normal((3, 4))
    assert numpy.array_equal(np.mean(m, axis=0), numpy.mean(m, axis=0))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert numpy.isnan(np.mean(numpy.zeros(0)))
    assert any("Mean of empty slice" in str(x.message) for x in w)


def test_mean_in_a_gradient_and_compiled_keeps_its_bits():
    x = RNG.standard_normal((16, 1))
    f = lambda x: np.mean((x - 0.5) ** 2)  # noqa: E731
    g = wengert.grad(f)(x)
    numpy.testing.assert_allclose(g, 2 * (x - 0.5) / x.size, rtol=1e-15)
    fast = wengert.compile(wengert.value_and_grad(f))
    fast(x)
    v, gc = fast(x + 0.25)
    ve, ge = wengert.value_and_grad(f)(x + 0.25)
    assert v == ve and numpy.array_equal(gc, ge)


def test_a_plain_array_times_a_box_records_the_product():
    X = RNG.standard_normal((4, 3))
    W = RNG.standard_normal((3, 2))
    g = wengert.grad(lambda W: np.sum(numpy.tanh(0.0) + X @ W))(W)  # ndarray.__matmul__(X, box)
    numpy.testing.assert_allclose(g, X.sum(axis=0)[:, None] * numpy.ones((1, 2)), rtol=1e-15)


@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_a_whole_small_arrays_sum_and_mean_cotangent_is_filled_as_before(reduce):
    # the filled cotangent of a loss (a float cotangent, no axis) and the general path
    # (axis=, where=, a large array, a float32 cotangent) agree with the formula
    f = getattr(np, reduce)
    for shape in [(3,), (16, 1), (5, 7), (100, 100)]:
        x = RNG.standard_normal(shape)
        want = numpy.full(shape, 1.0 if reduce == "sum" else 1.0 / x.size)
        g = wengert.grad(lambda x: f(x))(x)
        assert g.dtype == numpy.float64 and numpy.array_equal(g, want)
        g = wengert.grad(lambda x: np.sum(f(x, axis=0)) + f(x, where=x > 0))(x)
        pos = x > 0
        want = 1.0 + pos if reduce == "sum" else 1.0 / shape[0] + pos / pos.sum()
        numpy.testing.assert_allclose(g, want, rtol=1e-14)
    x32 = RNG.standard_normal(4).astype(numpy.float32)
    g = wengert.grad(lambda x: f(x))(x32)
    assert g.dtype == numpy.float32
