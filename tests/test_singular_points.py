"""Python floats at singular points behave like NumPy float64: the same values (inf,
nan) and derivatives in both modes and at second order, with NumPy's warnings (or its
FloatingPointError under numpy.errstate(all="raise")), never ZeroDivisionError."""
import numpy
import pytest

import wengert
import wengert.numpy as np

CASES = {
    "log at 0": (np.log, 0.0),
    "log2 at 0": (np.log2, 0.0),
    "log10 at 0": (np.log10, 0.0),
    "x**0.5 at 0": (lambda x: x ** 0.5, 0.0),
    "x**-1.0 at 0": (lambda x: x ** -1.0, 0.0),
    "x**0.5 at -1": (lambda x: x ** 0.5, -1.0),
    "x/x at 0": (lambda x: x / x, 0.0),
    "1/x at 0": (lambda x: 1.0 / x, 0.0),
    "arctanh at 1": (np.arctanh, 1.0),
    "arcsin at 1": (np.arcsin, 1.0),
    "arctan2(x, 0) at 0": (lambda x: np.arctan2(x, 0.0), 0.0),
    "arctan2(x, int 0) at 0": (lambda x: np.arctan2(x, 0), 0.0),
    "x**3 at 1e200": (lambda x: x ** 3, 1e200),
    "x*x at 1e200": (lambda x: x * x, 1e200),
    "x+x at 1e308": (lambda x: x + x, 1e308),
}

TRANSFORMS = {
    "value": lambda f: lambda x: wengert.value_and_grad(f)(x)[0],
    "grad": wengert.grad,
    "deriv": wengert.deriv,
    "second": lambda f: wengert.grad(wengert.grad(f)),
    "fwd-over-rev": lambda f: wengert.deriv(wengert.grad(f)),
}


def _same(a, b):
    a, b = complex(a), complex(b)
    assert (a == b) or (a != a and b != b) or (numpy.isnan(a) and numpy.isnan(b)), (a, b)


@pytest.mark.parametrize("how", sorted(TRANSFORMS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_python_float_behaves_as_float64(case, how):
    f, x = CASES[case]
    t = TRANSFORMS[how](f)
    with numpy.errstate(all="ignore"):
        want = t(numpy.float64(x))
        got = t(x)
    assert not isinstance(got, complex)
    _same(got, want)


@pytest.mark.parametrize("case", ["log at 0", "x/x at 0", "arctanh at 1", "x**-1.0 at 0",
                                  "x*x at 1e200"])
def test_python_float_raises_or_warns_as_numpy_does(case):
    f, x = CASES[case]
    for how in ("grad", "deriv"):
        t = TRANSFORMS[how](f)
        with numpy.errstate(all="raise"):
            with pytest.raises(FloatingPointError):
                t(numpy.float64(x))
            with pytest.raises(FloatingPointError):
                t(x)
        with numpy.errstate(all="warn"):
            with pytest.warns(RuntimeWarning):
                t(x)


def test_fast_paths_keep_python_floats_finite_and_fast():
    assert type(wengert.grad(lambda x: x * x + x / 2.0 - 1.0)(3.0)) is float
    assert wengert.grad(lambda x: x * x + x / 2.0 - 1.0)(3.0) == 6.5


def test_list_constants_in_elementwise_rules():
    x = numpy.array([1.5, 2.5])
    numpy.testing.assert_allclose(wengert.grad(lambda v: np.sum(v / [1.0, 2.0]))(x), [1, 0.5])
    numpy.testing.assert_allclose(wengert.grad(lambda v: np.sum(v ** [1.0, 2.0]))(x), [1, 5])
    numpy.testing.assert_allclose(wengert.grad(lambda v: np.sum(np.arctan2(v, [1.0, 2.0])))(x),
                                  [1 / (1 + 1.5 ** 2), 2 / (4 + 2.5 ** 2)])
