"""Casts to integer or boolean dtypes carry no derivative, on every path that casts."""
import numpy
import pytest

import wengert
import wengert.numpy as np

X = numpy.array([1.5, 2.5])
ONES = numpy.ones(2)


def _setitem_int(v):
    a = np.as_traced(numpy.zeros(2, dtype=int), like=v)
    a[0] = v[0]
    a[1] = v[1]
    return np.sum(a * v)


# f(v) = sum(c(v) * v) with c(v) = [1, 2] a constant: gradient c, tangent sum(c)
CASTS = {
    "astype(int)": lambda v: np.sum(v.astype(int) * v),
    "astype(bool)": lambda v: np.sum(v.astype(bool) * v * 1.5),   # [1, 1] * 1.5 ... see below
    "astype(uint8)": lambda v: np.sum(v.astype(numpy.uint8) * v),
    "np.astype": lambda v: np.sum(np.astype(v, int) * v),
    "array(dtype=int)": lambda v: np.sum(np.array(v, dtype=int) * v),
    "asarray(dtype=int)": lambda v: np.sum(np.asarray(v, dtype=int) * v),
    "array(list, dtype=int)": lambda v: np.sum(np.array([v[0], v[1]], dtype=int) * v),
    "sum(dtype=int)": lambda v: np.sum(v, dtype=int) / 3.0 * np.sum(v * numpy.array([1.0, 2.0])),
    "numpy.sum(dtype=int)": lambda v: numpy.sum(v, dtype=int) / 3.0 * np.sum(v * [1.0, 2.0]),
    "cumsum(dtype=int)": lambda v: np.sum(np.cumsum(v, dtype=int) / numpy.array([1.0, 1.5]) * v),
    "multiply(dtype=int)": lambda v: np.sum(
        numpy.multiply(v, 1.0, dtype=int, casting="unsafe") * v),
    "item assignment into an int array": _setitem_int,
}
EXPECTED = {"astype(bool)": numpy.array([1.5, 1.5])}


@pytest.mark.parametrize("name", sorted(CASTS))
def test_cast_to_integer_passes_no_derivative(name):
    f = CASTS[name]
    want = EXPECTED.get(name, numpy.array([1.0, 2.0]))
    numpy.testing.assert_allclose(wengert.grad(f)(X), want)
    _, tangent = wengert.jvp(f, (X,), (ONES,))
    numpy.testing.assert_allclose(tangent, want.sum())
    numpy.testing.assert_allclose(wengert.compile(wengert.grad(f))(X), want)


def test_cast_alone_has_zero_gradient():
    g = wengert.grad(lambda v: np.sum(v.astype(int)))
    with pytest.warns(UserWarning, match="independent"):
        numpy.testing.assert_array_equal(g(X), [0.0, 0.0])


def test_cast_under_vmap_is_constant_per_example():
    f = lambda v: np.sum(wengert.vmap(lambda r: r.astype(int) * r)(v))
    numpy.testing.assert_allclose(wengert.grad(f)(X), [1.0, 2.0])


def test_float_casts_stay_differentiable():
    f = lambda v: np.sum(v.astype(numpy.float32) * v)
    numpy.testing.assert_allclose(wengert.grad(f)(X), 2 * X)
    f = lambda v: np.sum(np.real(v.astype(complex) * v))
    numpy.testing.assert_allclose(wengert.grad(f)(X), 2 * X)
    assert np.asarray(X, dtype=int).dtype.kind == "i"


def test_numpy_integer_constructors_of_traced_values_are_constants():
    # autograd's own test_cast_to_int: numpy.int64(W[:, -1]) as indices
    def f(w):
        idx = numpy.int64(w[:, -1])
        assert idx.dtype == numpy.int64 and type(idx) is numpy.ndarray
        return np.sum(w[:, :-1][idx])
    w = numpy.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.7]])
    numpy.testing.assert_array_equal(wengert.grad(f)(w), [[1, 1, 0], [1, 1, 0]])
    g = wengert.grad(lambda v: np.sum(numpy.asarray(v, dtype=bool) * v))(X)
    numpy.testing.assert_array_equal(g, [1.0, 1.0])
    with pytest.raises(TypeError, match="drop its derivative"):
        wengert.grad(lambda v: np.sum(numpy.asarray(v, dtype=float)))(X)


# -- Python numbers where Python's arithmetic raises -------------------------------------------
@pytest.mark.parametrize("zero", [0, 0.0], ids=["int", "float"])
@pytest.mark.parametrize("dt", [numpy.float32, numpy.float64])
def test_division_by_a_python_zero_is_numpys(zero, dt):
    """x / 0 is inf (NumPy, with its warning); so is its derivative 1 / 0, in the dtype of
    x, in both modes: a Python 0 in the partial derivative once raised ZeroDivisionError
    (an int) or made a float32 tangent float64 (a float)."""
    x = numpy.ones(2, dt)
    f = lambda y: np.sum(y / zero)     # noqa: E731
    with numpy.errstate(divide="ignore"):
        g = wengert.grad(f)(x)
        t = wengert.make_jvp(f)(x)(numpy.ones_like(x))[1]
        assert wengert.grad(lambda y: y / zero)(dt(1.0)) == numpy.inf
    assert g.dtype == dt and numpy.all(g == numpy.inf)
    assert numpy.asarray(t).dtype == dt and t == numpy.inf


def test_astype_of_a_numpy_scalar_is_a_scalar_traced_and_compiled():
    # it gave a 0-d array under compile (so a compiled training step turned a float64
    # parameter into a 0-d array, which io.save/load then kept)
    import wengert
    import wengert.numpy as wnp
    f = wengert.compile(lambda x: wnp.astype(x + 1.0, numpy.float64))
    for _ in range(2):                        # the traced call, then the program
        out = f(numpy.float64(0.5))
        assert type(out) is numpy.float64 and out == 1.5
    assert type(wnp.astype(numpy.float32(2.0), numpy.float64)) is numpy.float64
