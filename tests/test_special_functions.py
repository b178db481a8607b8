"""scipy.special's functions beyond the op table: logsumexp, softmax, log_softmax and
multigammaln batched by vmap without the loop fallback and compiled without value
guards; the derivatives of betainc, gammainc and gammaincc in their shape
parameters, against Richardson-extrapolated finite differences of SciPy's.

Every derivative is checked against finite differences in both modes at order 2.
"""

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert.test_util import check_grads

special = pytest.importorskip("wengert.scipy.special")


from vmap_checks import loop as _loop, vmap_no_fallback as _vmap_no_fallback  # noqa: E402


# -- logsumexp / softmax / log_softmax / multigammaln under vmap and compile ------------------
SOFTMAX_FAMILY = [
    lambda x: special.logsumexp(x),
    lambda x: special.logsumexp(x, axis=1, b=wnp.array([1.0, 2.0, 0.5])),
    lambda x: special.logsumexp(x - 900.0, axis=0, keepdims=True),
    lambda x: special.logsumexp(x, return_sign=True, b=-1.0)[0],
    lambda x: special.softmax(x, axis=-1),
    lambda x: special.log_softmax(x, axis=0),
    lambda x: special.multigammaln(x ** 2 + 2.0, 3),
]


@pytest.mark.parametrize("k", range(len(SOFTMAX_FAMILY)))
def test_softmax_family_vmaps_without_loop_and_differentiates(k):
    f = SOFTMAX_FAMILY[k]
    X = np.random.default_rng(k).standard_normal((4, 2, 3))
    out = _vmap_no_fallback(f, X)
    np.testing.assert_allclose(out, np.stack(_loop(f, X)), rtol=1e-12)
    # derivatives through the vmapped function, both modes, order 2
    check_grads(lambda x: wnp.sum(wengert.vmap(f)(x) ** 2))(X)
    # per-example gradients
    g = wengert.grad(lambda x: wnp.sum(wnp.sin(f(x))))
    np.testing.assert_allclose(_vmap_no_fallback(g, X), np.stack(_loop(g, X)), rtol=1e-10)


def test_logsumexp_sign_is_batched():
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    b = np.array([[1.0, -1.0], [1.0, 1.0]])
    out, sign = _vmap_no_fallback(lambda x, b: special.logsumexp(x, b=b, return_sign=True),
                                  X, b)
    np.testing.assert_array_equal(sign, [-1.0, 1.0])
    np.testing.assert_allclose(out, [np.log(np.e ** 2 - np.e), np.log(np.exp(-3) + np.exp(.5))])


def test_logsumexp_compiles_without_guards():
    g = wengert.grad(lambda x: special.logsumexp(x) + wnp.sum(special.log_softmax(x)))
    fast = wengert.compile(g)
    rng = np.random.default_rng(0)
    x1, x2 = rng.standard_normal(5), 800 + rng.standard_normal(5)
    for x in (x1, x2):
        np.testing.assert_allclose(fast(x), g(x), rtol=1e-12)
    guards = [ln for ln in fast.source(x1).splitlines() if "_Retrace" in ln]
    assert all(ln.strip().startswith("if np.shape(") for ln in guards)   # no value guards
    assert fast.stats()["retraces"] == 0


def test_multigammaln_domain_error_plain_and_nan_per_example_under_vmap():
    with pytest.raises(ValueError, match=r"multigammaln: every element of a must be > \(d - 1\)"):
        special.multigammaln(np.array([3.0, 0.7]), 3)
    with pytest.raises(ValueError, match="multigammaln"):
        wengert.grad(lambda a: special.multigammaln(a, 3))(0.7)
    out = _vmap_no_fallback(lambda a: special.multigammaln(a, 3), np.array([3.0, 0.7]))
    assert out[0] == pytest.approx(float(__import__("scipy.special").special.multigammaln(3.0, 3)))
    assert np.isnan(out[1])


# -- betainc / gammainc / gammaincc in their shape parameters ---------------------------------
def _reference_partial(f, args, i, h=1e-4):
    """Richardson-extrapolated central difference of SciPy's function (error ~h^4)."""
    def d(h):
        up, down = list(args), list(args)
        up[i] += h
        down[i] -= h
        return (f(*up) - f(*down)) / (2 * h)
    return (4 * d(h / 2) - d(h)) / 3


@pytest.mark.parametrize("a,b,x", [(2.0, 3.5, 0.3), (0.7, 1.0, 0.8), (5.0, 0.5, 0.97),
                                   (30.0, 40.0, 0.45), (1.5, 2.5, 0.01)])
def test_betainc_shape_derivatives_accurate(a, b, x):
    import scipy.special as sp
    ga, gb = wengert.grad(special.betainc, (0, 1))(a, b, x)
    assert ga == pytest.approx(_reference_partial(sp.betainc, (a, b, x), 0), abs=1e-9)
    assert gb == pytest.approx(_reference_partial(sp.betainc, (a, b, x), 1), abs=1e-9)


@pytest.mark.parametrize("a,x", [(0.8, 0.5), (2.0, 3.0), (3.5, 30.0), (10.0, 0.1), (50.0, 60.0)])
def test_gammainc_shape_derivatives_accurate(a, x):
    import scipy.special as sp
    ref = _reference_partial(sp.gammainc, (a, x), 0)
    assert wengert.grad(special.gammainc)(a, x) == pytest.approx(ref, abs=1e-9)
    assert wengert.grad(special.gammaincc)(a, x) == pytest.approx(-ref, abs=1e-9)


def test_incomplete_shape_derivatives_order_2_vmap_and_edges():
    rng = np.random.default_rng(8)
    a, b = rng.uniform(0.5, 3, 4), rng.uniform(0.5, 3, 4)
    x = rng.uniform(0.05, 0.95, 4)
    check_grads(lambda a, b, x: wnp.sum(special.betainc(a, b, x) ** 2))(a, b, x)
    check_grads(lambda a, x: wnp.sum(special.gammaincc(a, x) * special.gammainc(a, x)))(
        a, 3 * x)
    g = wengert.grad(lambda a, b, x: special.betainc(a, b, x) + special.gammainc(a, 4 * x),
                     (0, 1))
    out = _vmap_no_fallback(g, a, b, x)
    ref = _loop(g, a, b, x)
    for k in range(2):
        np.testing.assert_allclose(out[k], [r[k] for r in ref], rtol=1e-12)
    # at x = 0 and x = 1 the functions are constant in a and b
    assert wengert.grad(special.betainc, (0, 1))(2.0, 3.0, 0.0) == (0.0, 0.0)
    assert wengert.grad(special.betainc, (0, 1))(2.0, 3.0, 1.0) == (0.0, 0.0)
    assert wengert.grad(special.gammainc)(2.0, 0.0) == 0.0
