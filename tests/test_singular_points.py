"""Python floats at singular points behave like NumPy float64: the same values (inf,
nan) and derivatives in both modes and at second order, with NumPy's warnings (or its
FloatingPointError under numpy.errstate(all="raise")), never ZeroDivisionError."""
import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert.test_util import check_grads

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


# -- the determinant's derivative at singular matrices: the adjugate -------------------------
SINGULAR = numpy.array([[1.0, 2.0], [2.0, 4.0]])
ADJ_T = numpy.array([[4.0, -2.0], [-2.0, 1.0]])      # adj(A)^T = the cofactor matrix


def _cofactors(a):
    n = a.shape[0]
    return numpy.array([[(-1) ** (i + j) * numpy.linalg.det(numpy.delete(numpy.delete(
        a, i, 0), j, 1)) for j in range(n)] for i in range(n)])


def test_det_gradient_at_a_singular_matrix_is_the_adjugate():
    numpy.testing.assert_array_equal(wengert.grad(np.linalg.det)(SINGULAR), ADJ_T)
    t = numpy.array([[0.5, -1.0], [2.0, 3.0]])
    _, tangent = wengert.jvp(np.linalg.det, (SINGULAR,), (t,))
    assert tangent == numpy.sum(ADJ_T * t)
    numpy.testing.assert_array_equal(wengert.grad(lambda a: np.linalg.det(a))(
        numpy.stack([SINGULAR, numpy.eye(2)])[0]), ADJ_T)


def test_det_second_derivative_at_the_zero_matrix():
    # det of 2 x 2 is ad - bc: its Hessian is constant
    h = wengert.hessian(np.linalg.det)(numpy.zeros((2, 2))).reshape(4, 4)
    numpy.testing.assert_array_equal(h, numpy.fliplr(numpy.diag([1.0, -1.0, -1.0, 1.0])))


@pytest.mark.parametrize("n", [3, 30])
def test_det_gradient_near_singular_matches_the_cofactors(n, monkeypatch):
    rng = numpy.random.default_rng(1)
    a = rng.standard_normal((n, n - 1)) @ rng.standard_normal((n - 1, n))   # det ~ 1e-16
    want = _cofactors(a)
    got = wengert.grad(np.linalg.det)(a)
    numpy.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12 * numpy.abs(want).max())
    if n < 10:  # second order: det(A) inv(A)'s own derivative there had lost its digits
        check_grads(np.linalg.det, order=2)(a)
    import wengert.numpy.linalg as wla
    monkeypatch.setattr(wla, "_MINORS_UP_TO", 1)     # the SVD formula
    numpy.testing.assert_allclose(wengert.grad(np.linalg.det)(a), want, rtol=1e-9,
                                  atol=1e-12 * numpy.abs(want).max())


def test_compiled_det_gradient_follows_singularity():
    g = wengert.compile(wengert.grad(np.linalg.det))
    regular = numpy.array([[2.0, 1.0], [1.0, 3.0]])
    numpy.testing.assert_allclose(g(regular), numpy.linalg.det(regular) *
                                  numpy.linalg.inv(regular).T)
    numpy.testing.assert_array_equal(g(SINGULAR), ADJ_T)
    numpy.testing.assert_allclose(g(regular), numpy.linalg.det(regular) *
                                  numpy.linalg.inv(regular).T)


# -- conventions at kinks and in where, as documented -----------------------------------------
def test_clip_at_its_bounds_passes_the_gradient_to_its_argument():
    for x, want in ((-0.5, 0.0), (0.0, 1.0), (0.3, 1.0), (1.0, 1.0), (1.5, 0.0)):
        assert wengert.grad(lambda v: np.clip(v, 0.0, 1.0))(x) == want
        assert wengert.deriv(lambda v: np.clip(v, 0.0, 1.0))(x) == want
    # a traced bound gets the gradient only where the argument is strictly beyond it
    lo_grad = wengert.grad(lambda lo, x: np.clip(x, lo, 1.0))
    assert [lo_grad(0.0, x) for x in (-0.5, 0.0, 0.5)] == [1.0, 0.0, 0.0]
    # the same variable as argument and bound: the partials add up to the slope 1
    assert wengert.grad(lambda v: np.clip(v, v, 1.0))(0.25) == 1.0


def test_where_gives_nan_from_an_unselected_singular_branch_and_the_double_where_fixes_it():
    single = wengert.grad(lambda x: np.where(x > 0, np.sqrt(x), 0.0))
    double = wengert.grad(lambda x: np.where(x > 0, np.sqrt(np.where(x > 0, x, 1.0)), 0.0))
    with numpy.errstate(all="ignore"):
        assert numpy.isnan(single(0.0))
    assert double(0.0) == 0.0 and double(4.0) == 0.25 and single(4.0) == 0.25
