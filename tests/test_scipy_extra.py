"""wengert.scipy beyond the op table: odeint against closed forms and finite
differences, log-sum-exp at extreme inputs, errors, and lazy imports."""
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("scipy")

import wengert  # noqa: E402
import wengert.numpy as wnp  # noqa: E402
from wengert.scipy import integrate, linalg, special  # noqa: E402

TIGHT = dict(rtol=1e-11, atol=1e-11)


# -- odeint -----------------------------------------------------------------------------------------
def test_odeint_matches_the_closed_form_of_linear_decay():
    # y' = -k y: y(t) = y0 exp(-k (t - t0)); derivatives in y0, k and every time
    t = np.array([0.1, 0.5, 1.2])
    y0, k = np.array([2.0, -1.0]), 0.7

    def final(y0, t, k):
        return wnp.sum(integrate.odeint(lambda y, s, k: -k * y, y0, t, (k,), **TIGHT)[-1])

    exact = np.sum(y0) * np.exp(-k * (t[-1] - t[0]))
    assert np.isclose(final(y0, t, k), exact, rtol=1e-9)
    g_y0, g_t, g_k = wengert.grad(final, (0, 1, 2))(y0, t, k)
    np.testing.assert_allclose(g_y0, np.exp(-k * (t[-1] - t[0])) * np.ones(2), rtol=1e-8)
    np.testing.assert_allclose(g_t, [k * exact, 0.0, -k * exact], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(g_k, -(t[-1] - t[0]) * exact, rtol=1e-8)


def _dynamics(y, t, a, c):
    return wnp.tanh(wnp.dot(a, y)) * c + wnp.sin(t) * y


def test_odeint_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    y0, t = np.array([1.0, 0.5]), np.array([0.0, 0.4, 1.0])
    a, c = np.array([[-0.5, 0.3], [0.2, -0.4]]), 0.7
    w = rng.normal(size=(3, 2))

    def loss(y0, t, a, c):
        return wnp.sum(w * integrate.odeint(_dynamics, y0, t, (a, c), **TIGHT))

    grads = wengert.grad(loss, (0, 1, 2, 3))(y0, t, a, c)
    args = [y0, t, a, c]
    for i, g in enumerate(grads):
        v = rng.normal(size=np.shape(args[i]))
        eps = 1e-5
        hi = list(args)
        lo = list(args)
        hi[i] = args[i] + eps * v
        lo[i] = args[i] - eps * v
        numerical = (loss(*hi) - loss(*lo)) / (2 * eps)
        assert np.isclose(np.sum(g * v), numerical, rtol=1e-6, atol=1e-8), i


def test_odeint_forward_mode_agrees_with_reverse():
    y0, t = np.array([1.0, 0.5]), np.array([0.0, 0.4, 1.0])
    a = np.array([[-0.5, 0.3], [0.2, -0.4]])
    f = lambda a: integrate.odeint(_dynamics, y0, t, (a, 0.7), **TIGHT)  # noqa: E731
    np.testing.assert_allclose(wengert.jacfwd(f)(a), wengert.jacrev(f)(a), rtol=1e-8, atol=1e-10)


def test_odeint_second_derivatives_through_the_solution_raise():
    f = lambda k: wnp.sum(integrate.odeint(lambda y, s, k: -k * y, np.array([1.0]),  # noqa: E731
                                           np.array([0.0, 1.0]), (k,)))
    with pytest.raises(NotImplementedError, match="odeint: derivatives of order 2"):
        wengert.grad(wengert.grad(f))(0.5)


# -- log-sum-exp ------------------------------------------------------------------------------------
def test_logsumexp_is_stable_at_extreme_inputs():
    a = np.array([1000.0, -1000.0, 1000.0, 999.0])
    assert np.isclose(special.logsumexp(a), 1000.0 + np.log(2.0 + np.exp(-1.0)))
    g = wengert.grad(special.logsumexp)(a)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, np.exp(a - special.logsumexp(a)), rtol=1e-12)
    h = wengert.hessian(special.logsumexp)(-a)
    assert np.all(np.isfinite(h))
    assert np.allclose(np.sum(h, axis=0), 0.0)     # softmax weights always sum to one


def test_logsumexp_matches_scipy():
    import scipy.special as sp
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for kwargs in [{}, dict(axis=0), dict(axis=1, keepdims=True), dict(b=np.abs(b), axis=1),
                   dict(b=b, return_sign=True, axis=0)]:
        ours, theirs = special.logsumexp(a, **kwargs), sp.logsumexp(a, **kwargs)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    x = np.array([-np.inf, -np.inf])
    assert special.logsumexp(x) == -np.inf


def test_log_softmax_gradient_at_large_inputs():
    g = wengert.grad(lambda x: special.log_softmax(x)[0])(np.array([1000.0, -1000.0]))
    np.testing.assert_allclose(g, [0.0, 0.0], atol=1e-300)


# -- special values, errors -------------------------------------------------------------------------
def test_xlogy_and_xlog1py_are_finite_at_x_zero():
    assert wengert.grad(special.xlogy, 1)(0.0, 0.0) == 0.0
    assert wengert.grad(special.xlog1py, 1)(0.0, -1.0) == 0.0
    assert wengert.grad(special.xlogy, 1)(2.0, 4.0) == 0.5


def test_parameters_without_a_derivative_name_themselves():
    # (betainc / gammainc are differentiable in a and b now: tests/test_special_functions.py)
    with pytest.raises(NotImplementedError, match="stdtr: no derivative with respect to df"):
        wengert.grad(lambda df: special.stdtr(df, 0.5))(3.0)
    assert wengert.grad(lambda x: special.gammasgn(x) * x)(-1.5) == 1.0   # a constant sign
    with pytest.raises(ValueError, match="solve_triangular: trans must be"):
        linalg.solve_triangular(np.eye(2), np.ones(2), trans="X")


def test_plain_scipy_ufuncs_on_traced_values_are_differentiated():
    import scipy.special as sp
    x = np.array([0.3, 1.5])
    np.testing.assert_allclose(wengert.grad(lambda x: wnp.sum(sp.gammaln(x)))(x), sp.digamma(x))


def test_expm_derivative_matches_scipy_frechet():
    import scipy.linalg as sla
    rng = np.random.default_rng(1)
    a, e = rng.normal(size=(3, 3)) / 2, rng.normal(size=(3, 3))
    _, tangent = wengert.jvp(linalg.expm, (a,), (e,))
    np.testing.assert_allclose(tangent, sla.expm_frechet(a, e, compute_expm=False), rtol=1e-10)



@pytest.mark.parametrize("a", [0.3, np.array(0.3), np.array([0.3]), 0.3 + 0.2j],
                         ids=["float", "0-d", "1-element", "complex"])
def test_expm_of_a_scalar_is_exp_as_a_1x1_matrix(a):
    """SciPy reads a scalar (or a one-element vector) as a 1 x 1 matrix; the derivatives
    are those of exp, in both modes and at second order, and exactly linear in the
    direction (the 1 x 1 Frechet derivative is expm(a) e)."""
    import scipy.linalg as sla
    np.testing.assert_allclose(linalg.expm(a), sla.expm(a), rtol=1e-15)
    out, tangent = wengert.jvp(linalg.expm, (a,), (np.ones_like(a),))
    np.testing.assert_allclose(tangent, np.exp(a).reshape(1, 1), rtol=1e-15)
    assert np.all(wengert.jvp(linalg.expm, (a,), (2 * np.ones_like(a),))[1] == 2 * tangent)
    f = lambda x: wnp.real(linalg.expm(x)[0, 0])      # noqa: E731
    if np.iscomplexobj(a):
        a = np.real(a)
    g = wengert.grad(f)(a)
    assert np.shape(g) == np.shape(a)
    np.testing.assert_allclose(g, np.exp(a), rtol=1e-15)
    np.testing.assert_allclose(wengert.grad(wengert.grad(f))(a) if np.ndim(a) == 0 else
                               wengert.hessian(f)(a).ravel(), np.exp(a), rtol=1e-15)

# -- imports ----------------------------------------------------------------------------------------
def _modules_after(code):
    out = subprocess.run([sys.executable, "-c", code + "; import sys; print(sorted(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return eval(out)  # a list of strings printed by ourselves


def test_integer_order_functions_keep_python_floats_in_float64():
    # NumPy 2 types a Python float weakly: polygamma's result dtype "like x" was float16,
    # and every derivative through digamma on Python floats had 10 significant bits
    import scipy.special as ss
    assert wengert.grad(special.digamma)(1.0) == ss.polygamma(1, 1.0)
    assert wengert.grad(special.digamma)(np.array(1.0)) == ss.polygamma(1, 1.0)
    assert wengert.grad(special.polygamma, argnum=1)(1, 1.0) == ss.polygamma(2, 1.0)
    assert wengert.grad(special.yn, argnum=1)(2, 1.5) == (ss.yn(1, 1.5) - ss.yn(3, 1.5)) / 2
    assert wengert.hessian(special.gammaln)(2.5) == ss.polygamma(1, 2.5)
    for n, x in [(1, 1.0), (1, 1), (np.array([0, 2]), 0.5)]:
        assert special.polygamma(n, x).dtype == np.float64
    for x in (np.float32(0.5), np.ones(2, np.float32)):
        assert special.polygamma(1, x).dtype == np.float32   # float32 stays float32


def test_import_wengert_does_not_import_scipy():
    mods = _modules_after("import wengert, wengert.numpy")
    assert not [m for m in mods if m == "scipy" or m.startswith("scipy.")]


def test_wengert_scipy_submodules_import_only_their_part_of_scipy():
    mods = _modules_after("import wengert.scipy")
    assert not [m for m in mods if m.startswith("scipy.")]
    mods = _modules_after("import wengert.scipy.special")
    assert "scipy.special" in mods
    assert "scipy.integrate" not in mods and "scipy.signal" not in mods


def test_without_scipy_the_error_says_how_to_install_it():
    # a None entry in sys.modules makes SciPy unimportable
    code = ("import sys; sys.modules['scipy'] = None\n"
            "try:\n    import wengert.scipy\nexcept ImportError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert 'pip install "wengert[scipy]"' in out


def test_odeint_takes_containers_among_its_arguments():
    """autograd's ode_net example passes a network's parameters, a list of (W, b)
    pairs, as one argument of the ODE: integrated and differentiated as the arrays."""
    from wengert.scipy.integrate import odeint
    y0, t = np.array([1.0, -0.5]), np.linspace(0.0, 1.0, 5)
    W, b = np.array([[-0.3, 0.8], [-0.6, -0.2]]), np.array([0.1, -0.2])

    def nested(W, b):
        f = lambda y, t, params: wnp.tanh(params[0][0] @ y + params[0][1])
        return wnp.sum(odeint(f, y0, t, ([(W, b)],), rtol=1e-10, atol=1e-10) ** 2)

    def flat(W, b):
        f = lambda y, t, W, b: wnp.tanh(W @ y + b)
        return wnp.sum(odeint(f, y0, t, (W, b), rtol=1e-10, atol=1e-10) ** 2)

    assert np.allclose(nested(W, b), flat(W, b), rtol=1e-12, atol=0)
    got = wengert.grad(nested, argnum=(0, 1))(W, b)
    want = wengert.grad(flat, argnum=(0, 1))(W, b)
    for g, w in zip(got, want):
        assert np.allclose(g, w, rtol=1e-7, atol=1e-10)
    fd = (flat(W, b + np.array([1e-6, 0.0])) - flat(W, b - np.array([1e-6, 0.0]))) / 2e-6
    assert np.isclose(got[1][0], fd, rtol=1e-5)
