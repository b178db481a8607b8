"""Reductions at the edges of their domains, where NumPy still gives a value: an ``axis``
on a 0-d value, one element with ``ddof=1``, length-1 axes; and keyword arguments
(``dtype=``, ``out=``) that must be honoured.  Derivatives there are values (or NaN where
NumPy's value is NaN), never an exception."""
import warnings

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp

# second derivatives of these piecewise-linear functions are 0: not worth a warning here
pytestmark = pytest.mark.filterwarnings("ignore:Output seems independent")

SEEDS = np.array([1.0, 2.0])


def _derivatives(f, x):
    """f's reverse and forward derivatives at ``x``, and both second derivatives."""
    d1 = [wengert.grad(f)(x), wengert.make_jvp(f)(x)(np.ones_like(x))[1]]
    d2 = [wengert.grad(wengert.grad(f))(x),
          wengert.make_jvp(lambda y: wengert.make_jvp(f)(y)(np.ones_like(y))[1])(x)(
              np.ones_like(x))[1]]
    return d1, d2


# -- an axis on a 0-d value ---------------------------------------------------------------
# NumPy's reductions accept axis=0 (or -1) on a 0-d value and reduce nothing: each of these
# is then the identity (cumprod: a one-element vector), with slope 1 (prod(initial=c): c).
ZERO_D = {
    "max(axis=0)": lambda x: wnp.max(x, axis=0),
    "max(axis=-1,keepdims)": lambda x: wnp.max(x, axis=-1, keepdims=True),
    "min(axis=0)": lambda x: wnp.min(x, axis=0),
    "min(axis=-1,keepdims)": lambda x: wnp.min(x, axis=-1, keepdims=True),
    "prod(axis=0)": lambda x: wnp.prod(x, axis=0),
    "prod(axis=-1,keepdims)": lambda x: wnp.prod(x, axis=-1, keepdims=True),
    "cumprod(axis=0)": lambda x: wnp.sum(wnp.cumprod(x, axis=0)),
    "cumprod(axis=-1)": lambda x: wnp.sum(wnp.cumprod(x, axis=-1)),
    "norm(ord=-inf,axis=0)": lambda x: wnp.linalg.norm(x, ord=-np.inf, axis=0),
    "norm(ord=inf,axis=0)": lambda x: wnp.linalg.norm(x, ord=np.inf, axis=0),
}


@pytest.mark.parametrize("x", [0.7, 0.0, np.array(0.7)], ids=["float", "zero", "0-d"])
@pytest.mark.parametrize("name", ZERO_D)
def test_axis_on_0d_value(name, x):
    f = ZERO_D[name]
    if name.startswith("norm") and x == 0:
        pytest.skip("|x| has slope 0 at 0 by convention")
    assert float(f(x)) == float(np.asarray(x))
    (rev, fwd), (rev2, fwd2) = _derivatives(f, x)
    assert float(rev) == 1.0 and float(fwd) == 1.0
    assert float(rev2) == 0.0 and float(fwd2) == 0.0


def test_prod_initial_on_0d_value():
    f = lambda x: wnp.prod(x, axis=0, initial=2.0)     # noqa: E731
    assert f(0.5) == np.prod(np.array(0.5), axis=0, initial=2.0)
    (rev, fwd), _ = _derivatives(f, 0.5)
    assert float(rev) == 2.0 and float(fwd) == 2.0


def test_cumprod_of_0d_value_is_1d():
    assert wnp.cumprod(np.array(3.0), axis=0).shape == np.cumprod(np.array(3.0), axis=0).shape
    jac = wengert.jacobian(lambda x: wnp.cumprod(x, axis=0))(np.array(3.0))
    assert jac.shape == (1,) and jac[0] == 1.0


@pytest.mark.parametrize("name", ["max(axis=0)", "prod(axis=0)", "cumprod(axis=0)"])
def test_axis_on_0d_value_under_vmap(name):
    """vmap over seeds, the 0-d primal unbatched: the batching rules keep the axis of a
    0-d example."""
    f = ZERO_D[name]
    got = wengert.vmap(lambda s: wengert.make_jvp(f)(0.7)(s)[1])(SEEDS)
    np.testing.assert_array_equal(got, SEEDS)
    got = wengert.vmap(lambda x: wengert.grad(f)(x))(np.array([0.7, -0.2]))
    np.testing.assert_array_equal(got, [1.0, 1.0])


def test_squeeze_of_0d_examples_under_vmap():
    """NumPy's squeeze accepts axis=0 or -1 on a 0-d value (a no-op); so does its batching
    rule, and for any other axis it raises NumPy's error."""
    x = np.array([1.0, 2.0])
    for axis in (0, -1):
        np.testing.assert_array_equal(wengert.vmap(lambda v: wnp.squeeze(v, axis=axis))(x), x)
    with pytest.raises(np.exceptions.AxisError):
        wengert.vmap(lambda v: wnp.squeeze(v, axis=1))(x)


def test_logsumexp_with_b_of_scalars_under_vmap():
    special = pytest.importorskip("scipy.special")
    from wengert.scipy.special import logsumexp
    f = lambda a: logsumexp(a, axis=0, b=1.7)      # noqa: E731
    assert f(0.3) == pytest.approx(special.logsumexp(0.3, axis=0, b=1.7), rel=1e-15)
    got = wengert.vmap(lambda s: wengert.make_jvp(f)(0.3)(s)[1])(SEEDS)
    np.testing.assert_allclose(got, SEEDS, rtol=1e-15)
    got = wengert.vmap(lambda s: wengert.make_vjp(f)(0.3)[0](s))(SEEDS)
    np.testing.assert_allclose(got, SEEDS, rtol=1e-15)


# -- no degrees of freedom left: var and std --------------------------------------------------
@pytest.mark.parametrize("fun", [wnp.var, wnp.std], ids=["var", "std"])
@pytest.mark.parametrize("x", [0.7, np.array(0.7), np.array([0.7])], ids=["float", "0-d", "1"])
def test_ddof_1_of_one_element_is_nan_with_nan_derivatives(fun, x):
    """NumPy gives NaN (with its RuntimeWarning); so are the derivatives (as in JAX), not
    ZeroDivisionError."""
    f = lambda y: fun(y, ddof=1)      # noqa: E731
    with pytest.warns(RuntimeWarning):
        assert np.isnan(f(x)) and np.isnan(getattr(np, fun.__name__)(x, ddof=1))
    with np.errstate(all="ignore"):
        for d in [*_derivatives(f, x)[0], *_derivatives(f, x)[1]]:
            assert np.all(np.isnan(d))


def test_ddof_beyond_count_divides_by_zero_as_numpy():
    """NumPy divides by max(n - ddof, 0): inf here, never a negative variance."""
    x = np.array([1.0, 2.0])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert wnp.var(x, ddof=3) == np.var(x, ddof=3) == np.inf
        assert wnp.std(x, ddof=3) == np.inf


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_var_keeps_dtype(dt):
    x = np.array([0.5, 0.25, 2.0], dt)
    for kw in ({}, {"ddof": 1}):
        assert wnp.var(x, **kw).dtype == np.var(x, **kw).dtype == dt
        assert wengert.grad(lambda y: wnp.var(y, **kw))(x).dtype == dt


# -- std along one element ------------------------------------------------------------------
# There x - mean(x) is exactly 0 for every x: std is the zero function, with derivative 0 at
# every order (finite differences give 0; autograd gives 0; JAX's chain rule through sqrt at
# 0 gives NaN).  At a point where several entries are equal, std is not differentiable (like
# a norm at 0): that stays NaN.
@pytest.mark.parametrize("kw", [{"axis": 1}, {"axis": -1, "keepdims": True}, {"axis": (1,)}])
def test_std_along_one_element_has_zero_derivatives(kw):
    x = np.array([[0.7], [-0.2]])
    w = np.array([1.0, 3.0]).reshape(np.std(x, **kw).shape)
    f = lambda y: wnp.sum(wnp.std(y, **kw) * w)     # noqa: E731
    np.testing.assert_array_equal(wnp.std(x, **kw), np.std(x, **kw))
    for d in [wengert.grad(f)(x), wengert.make_jvp(f)(x)(np.ones_like(x))[1],
              wengert.hessian(f)(x),
              wengert.make_jvp(lambda y: wengert.make_jvp(f)(y)(np.ones_like(y))[1])(x)(
                  np.ones_like(x))[1]]:
        np.testing.assert_array_equal(d, np.zeros_like(d))
    h = 1e-6
    fd = (np.std(x + h, **kw) - np.std(x - h, **kw)) / (2 * h)
    np.testing.assert_array_equal(fd, 0.0)


def test_std_of_0d_and_one_element_values():
    for x in (0.7, np.array(0.7), np.array([0.7]), np.array([2.0 + 1.0j])):
        assert wnp.std(x) == np.std(x) == 0.0
        assert np.asarray(wnp.std(x)).dtype == np.std(x).dtype
        assert np.all(wengert.grad(lambda y: wnp.std(y))(x) == 0.0)
    assert wnp.std(np.float32(2.0)).dtype == np.float32


# -- keyword arguments honoured ---------------------------------------------------------------
OUT_FUNCS = ["trace", "var", "std", "ptp", "nansum", "nanprod", "nanmean", "nanvar",
             "nanstd", "nanmax", "nanmin"]


@pytest.mark.parametrize("name", OUT_FUNCS)
def test_out_is_written_on_plain_arrays(name):
    x = np.array([[1.0, 2.0], [np.nan if name.startswith("nan") else 3.0, 5.0]])
    out = np.zeros(())
    assert getattr(wnp, name)(x, out=out) is out
    assert out == getattr(np, name)(x)


def test_out_given_by_position_and_to_cumulative_functions():
    x = np.arange(4.0).reshape(2, 2)
    out = np.zeros(())
    assert wnp.trace(x, 0, 0, 1, None, out) is out and out == 3.0
    out = np.zeros(2)
    assert wnp.nancumsum(np.array([1.0, np.nan]), out=out) is out
    np.testing.assert_array_equal(out, [1.0, 1.0])


@pytest.mark.parametrize("numpy_dispatch", [False, True], ids=["wengert.numpy", "numpy"])
def test_out_of_traced_values(numpy_dispatch):
    """A traced out= receives the result and its derivative; a plain one is refused, as
    NumPy's functions on traced values do."""
    xp = np if numpy_dispatch else wnp
    x = np.arange(4.0).reshape(2, 2)

    def f(y):
        out = wnp.as_traced(np.zeros(()), like=y)
        assert xp.trace(y, out=out) is out
        return out
    np.testing.assert_array_equal(wengert.grad(f)(x), np.eye(2))

    def g(y):
        out = wnp.as_traced(np.zeros(2), like=y)
        xp.var(y, axis=0, out=out)
        return wnp.sum(out)
    np.testing.assert_array_equal(wengert.grad(g)(x),
                                  wengert.grad(lambda y: wnp.sum(wnp.var(y, axis=0)))(x))
    with pytest.raises(TypeError, match=r"numpy\.trace\(\.\.\., out=\.\.\.\) into a plain"):
        wengert.grad(lambda y: xp.trace(y, out=np.zeros(())))(x)


@pytest.mark.parametrize("name", ["nansum", "nanprod", "nancumsum", "nancumprod"])
def test_nan_reductions_honour_dtype(name):
    x = np.array([[0.5, np.nan], [2.0, 3.0]], np.float32)
    got, want = getattr(wnp, name)(x, dtype=np.float64), getattr(np, name)(x, dtype=np.float64)
    assert got.dtype == want.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    g = wengert.grad(lambda y: wnp.sum(getattr(wnp, name)(y, dtype=np.float64)))(x)
    assert g.dtype == np.float32 and g[0, 1] == 0.0


@pytest.mark.parametrize("name", ["var", "std", "nanmean"])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_statistics_are_computed_in_dtype(name, dt):
    """dtype= is honoured (was ignored): NumPy's result is that of the input cast to it;
    the gradient comes back in the input's dtype."""
    for x in (np.array([1.5, 2.5, 4.0], np.float32), np.array([1.5, 2.5, 4.1])):
        got, want = getattr(wnp, name)(x, dtype=dt), getattr(np, name)(x, dtype=dt)
        assert got == want and got.dtype == want.dtype == dt
        assert wengert.grad(lambda y: getattr(wnp, name)(y, dtype=dt))(x).dtype == x.dtype


def test_variance_in_integers_is_numpys_constant_or_a_clear_error():
    x = np.array([1.5, 2.5, 4.0])
    assert wnp.var(x, dtype=int) == np.var(x, dtype=int) and wnp.std(x, dtype=int).dtype.kind == "i"
    with pytest.raises(TypeError, match=r"var: dtype=int64 computes in integers"):
        wengert.grad(lambda y: wnp.var(y, dtype=int))(x)
