"""Compiled scalar code runs on Python floats where that gives NumPy's bits (operators,
``abs``, and ``math.sin``/``cos``/``sqrt`` where this NumPy computes them with the same C
library functions), and NumPy's scalars everywhere else; results are bit for bit
eager's."""
import math

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert import tree

# every test runs with a traced signature's program interpreted first, and generated at once
pytestmark = pytest.mark.usefixtures("compile_tier")
from wengert._compile._scalar import exact_functions


def _bits_equal(a, b):
    la, lb = tree.leaves(a), tree.leaves(b)
    return len(la) == len(lb) and all(
        type(x) is type(y) and np.asarray(x).dtype == np.asarray(y).dtype and
        np.array_equal(np.asarray(x).view(np.int64), np.asarray(y).view(np.int64))
        for x, y in zip(la, lb))


def _mixed(x):
    y = x
    for _ in range(8):
        y = wnp.exp(wnp.sin(y) * x + 0.5) / 2.0 - wnp.sqrt(wnp.abs(wnp.cos(y)) + 1.0)
        y = wnp.tanh(y) * 1.5 + wnp.log(y * y + 2.0) - (-y)
    return y


@pytest.mark.parametrize("transform", [lambda f: f, wengert.grad,
                                       lambda f: wengert.grad(wengert.grad(f))])
def test_scalar_code_is_bit_for_bit_eager(transform):
    g = transform(_mixed)
    c = wengert.compile(g)
    for x in np.linspace(-2.0, 3.0, 101).tolist():
        c(x)
        assert _bits_equal(c(x), g(x)), x
    text = c.source(0.3)
    assert "float(np_exp(" in text and "float(np_tanh(" in text and "float(np_log(" in text
    assert "math_" in text or not exact_functions()     # sin, cos, sqrt: math's where exact
    slow = wengert.compile(g, scalar_math=False)
    assert "math_" not in slow.source(0.3) and "float(" not in slow.source(0.3)
    for x in (0.3, 1.7):
        assert _bits_equal(slow(x), g(x))


def test_the_math_functions_used_give_numpys_bits():
    """On top of the check at first use: 300,000 more arguments of every scale."""
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-20.0, 20.0, 100_000), rng.uniform(-1e6, 1e6, 100_000),
                        10.0 ** rng.uniform(-300, 300, 100_000)])
    assert exact_functions() <= {np.sin, np.cos, np.sqrt}
    for f in exact_functions():
        xs = np.abs(x) if f is np.sqrt else x
        got = np.array([getattr(math, f.__name__)(v) for v in xs.tolist()])
        assert np.array_equal(f(xs).view(np.int64), got.view(np.int64)), f.__name__


def test_where_python_floats_raise_the_call_runs_numpys_code():
    f = wengert.grad(lambda x: wnp.sin(x) / (x - 1.0))
    c = wengert.compile(f)
    c(0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert _bits_equal(c(1.0), f(1.0))              # ZeroDivisionError: NumPy's nan/inf
    g = wengert.grad(lambda x: wnp.exp(x) * x)         # exp overflows: inf, NumPy's warning
    cg = wengert.compile(g)
    cg(1.0)
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert cg(1000.0) == np.inf
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError):
            cg(1000.0)


def test_a_scalar_held_as_a_python_float_is_numpys_again_where_its_type_matters():
    # a NumPy float64 times a float32 array is a float64 array; a Python float times it,
    # a float32 one: the scalar code hands NumPy scalars to such calls
    A = np.linspace(0.0, 1.0, 5, dtype=np.float32)

    def f(x):
        s = wnp.sin(x) * x + 1.0
        return A * s

    c = wengert.compile(f)
    for x in (0.3, 0.7):
        c(x)
        assert _bits_equal(c(x), f(x)) and c(x).dtype == np.float64


def test_power_of_numpy_scalars_is_numpys_power_ufunc():
    # NumPy's power ufunc and the scalars' ** (the C library's pow) differ in the last bit
    # on AVX-512 builds; the program used to write the recorded ufunc as **
    def f(x):
        y = x
        for _ in range(10):
            y = wnp.power(wnp.sin(y) + 1.5, 2.5) * 0.3
        return y

    for mode in (None, False):
        c = wengert.compile(f, scalar_math=mode)
        for x in np.linspace(0.1, 3.0, 60).tolist():
            c(x)
            assert _bits_equal(c(x), f(x)), (mode, x)


def test_array_code_and_numpys_scalars_computed_from_arrays_are_left_as_they_are():
    rng = np.random.default_rng(0)
    W, X = rng.standard_normal((4, 3)), rng.standard_normal((5, 4))

    def loss(W):
        return wnp.mean(wnp.tanh(X @ W) ** 2)

    c = wengert.compile(wengert.value_and_grad(loss))
    c(W)
    assert _bits_equal(c(W), wengert.value_and_grad(loss)(W))
    run = c.executed_source(W)
    assert "_scalar_out" not in run and "float(" not in run and "math_" not in run


def test_a_power_the_user_writes_on_scalars_is_the_values_own_operator():
    # eager evaluation runs float ** float (the C library's pow), not NumPy's power ufunc,
    # which differs from it in the last bit on some CPUs (0.1% of squares with AVX-512)
    def f(x):
        return x ** 2 + x ** 2.5 + 1.3 ** x + (x * 0.7) ** 0.5

    for mode in (None, False):
        c = wengert.compile(f, scalar_math=mode)
        for x in np.linspace(0.1, 3.0, 300).tolist():
            c(x)
            assert c(x) == f(x), (mode, x)


def test_power_gradient_of_numpy_scalars_is_eagers_bits():
    # the power rule took NumPy scalars' ** (the C library's pow) eagerly and the power
    # ufunc once compiled: a last bit apart on some arguments
    f = wengert.grad(lambda x: wnp.power(x, 2.7) * wnp.sin(x))
    fc = wengert.compile(f)
    xs = [np.float64(v) for v in np.random.default_rng(1).uniform(0.1, 30.0, 600)]
    fc(xs[0])
    assert [f(x) for x in xs] == [fc(x) for x in xs]
