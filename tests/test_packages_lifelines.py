"""lifelines (survival analysis, fitted by autograd gradients and Hessians) on wengert.

lifelines is not in the test extra: the test runs where it is installed and is
skipped elsewhere.  ``autograd`` is aliased to wengert before lifelines is
imported, so lifelines' own code runs unchanged on wengert.  The expected numbers
are lifelines 0.30.3's results under HIPS/autograd 1.9.1 (NumPy 2.4, SciPy 1.17):
parameters from the optimizer, standard errors from the inverse Hessian.
"""
import importlib.util
import sys

import pytest

import wengert.compat

pytestmark = pytest.mark.slow

_PACKAGES = ("autograd", "autograd_gamma", "lifelines")


def _theirs(name):
    return name.split(".")[0] in _PACKAGES


@pytest.fixture
def lifelines():
    if importlib.util.find_spec("lifelines") is None:
        pytest.skip("lifelines is not installed (it is not in the test extra)")
    saved = {n: m for n, m in sys.modules.items() if _theirs(n)}
    for n in saved:
        del sys.modules[n]
    wengert.compat.alias_autograd()
    try:
        import lifelines
        assert sys.modules["autograd"].__name__ == "wengert"
        yield lifelines
    finally:
        wengert.compat.unalias_autograd()
        for n in [n for n in sys.modules if _theirs(n)]:
            del sys.modules[n]
        sys.modules.update(saved)


def _check(fitter, params, errors, loglik):
    summary = fitter.summary
    for name, value in params.items():
        assert summary.loc[name, "coef"] == pytest.approx(value, rel=1e-7)
    for name, value in errors.items():
        assert summary.loc[name, "se(coef)"] == pytest.approx(value, rel=1e-6)
    assert fitter.log_likelihood_ == pytest.approx(loglik, rel=1e-10)


def test_univariate_parametric_fits_match_autograd(lifelines):
    from lifelines.datasets import load_waltons
    df = load_waltons()
    T, E = df["T"], df["E"]
    _check(lifelines.WeibullFitter().fit(T, E),
           {"lambda_": 55.7330969953, "rho_": 3.4505054112},
           {"lambda_": 1.3265042999, "rho_": 0.2433232217}, -672.0621872716684)
    _check(lifelines.PiecewiseExponentialFitter(breakpoints=[20, 40, 60]).fit(T, E),
           {"lambda_0_": 225.0000441465, "lambda_1_": 123.7273045336,
            "lambda_2_": 31.3641862269, "lambda_3_": 4.685587189},
           {"lambda_0_": 60.1338030276, "lambda_1_": 26.3787567404,
            "lambda_2_": 4.0422880862, "lambda_3_": 0.624432193}, -645.5413275234266)
    gg = lifelines.GeneralizedGammaFitter().fit(T, E)
    _check(gg, {"mu_": 4.183185632, "ln_sigma_": -2.0860241736, "lambda_": 3.5089867239},
           {"mu_": 0.022637876, "ln_sigma_": 0.1382671439, "lambda_": 0.5534750401},
           -644.3346289346352)
    # confidence bands come from a Jacobian-vector product of the survival function
    band = gg.confidence_interval_survival_function_
    assert band.notna().all().all() and (band.iloc[:, 0] <= band.iloc[:, 1]).all()


def test_weibull_regression_matches_autograd(lifelines):
    from lifelines.datasets import load_rossi
    aft = lifelines.WeibullAFTFitter().fit(load_rossi(), duration_col="week", event_col="arrest")
    _check(aft,
           {("lambda_", "age"): 0.0407148888, ("lambda_", "fin"): 0.272172396,
            ("lambda_", "prio"): -0.065816588, ("lambda_", "Intercept"): 3.9901230787,
            ("rho_", "Intercept"): 0.3391027393},
           {("lambda_", "age"): 0.0160037663, ("lambda_", "fin"): 0.1379631802,
            ("lambda_", "prio"): 0.0209407666, ("lambda_", "Intercept"): 0.4190994576,
            ("rho_", "Intercept"): 0.0890270694}, -679.9165639475835)
