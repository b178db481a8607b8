"""wengert.optimize.minimize: SciPy's optimizers with exact gradients and
Hessian-vector products over parameter trees."""
import numpy
import pytest

pytest.importorskip("scipy", reason="wengert.optimize wraps scipy.optimize (SciPy, in the test extra)")

import wengert.numpy as np  # noqa: E402
from wengert.optimize import minimize  # noqa: E402


def rosenbrock(p):
    return (1 - p["x"]) ** 2 + 100 * (p["y"] - p["x"] ** 2) ** 2


@pytest.mark.parametrize("method", ["BFGS", "L-BFGS-B", "Newton-CG", "trust-ncg",
                                    "trust-krylov", "CG"])
def test_rosenbrock_over_a_tree(method):
    result = minimize(rosenbrock, {"x": -1.2, "y": 1.0}, method=method, tol=1e-8,
                      options={"maxiter": 5000})
    assert result.success, result.message
    assert abs(result.x["x"] - 1) < 1e-4 and abs(result.x["y"] - 1) < 1e-4
    assert isinstance(result.x["x"], float) and set(result.jac) == {"x", "y"}


def test_hessian_vector_products_are_used_and_exact():
    calls = []
    A = numpy.array([[3.0, 1.0], [1.0, 2.0]])
    b = numpy.array([1.0, -1.0])

    def quadratic(p, scale):
        calls.append(1)
        w = p[0]
        return scale * (0.5 * w @ A @ w - b @ w)

    result = minimize(quadratic, [numpy.zeros(2)], args=(2.0,), method="Newton-CG")
    assert numpy.allclose(result.x[0], numpy.linalg.solve(A, b), atol=1e-8)
    assert result.nhev >= 1  # SciPy counts Hessian-vector products only when given them


def test_least_squares_matches_the_closed_form(rng):
    X = rng.standard_normal((40, 3))
    y = X @ numpy.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(40)

    def loss(p):
        return 0.5 * np.sum((X @ p["w"] + p["b"] - y) ** 2)

    result = minimize(loss, {"w": numpy.zeros(3), "b": 0.0}, method="BFGS")
    A = numpy.hstack([X, numpy.ones((40, 1))])
    coef = numpy.linalg.lstsq(A, y, rcond=None)[0]
    assert numpy.allclose(result.x["w"], coef[:3], atol=1e-5)
    assert abs(result.x["b"] - coef[3]) < 1e-5


def test_minimize_compiles_its_derivatives_with_the_eager_results(monkeypatch):
    import wengert.optimize as wo
    made = []
    real = wo._compiled_later

    def spy(fun, compiled):
        made.append(real(fun, compiled))
        return made[-1]

    monkeypatch.setattr(wo, "_compiled_later", spy)
    rng = numpy.random.default_rng(0)
    A, b = rng.standard_normal((30, 5)), rng.standard_normal(30)

    def f(p):
        return np.sum(np.log1p(np.exp(A @ p["w"] - b))) + 0.5 * np.sum(p["w"] ** 2)

    for method in ("BFGS", "trust-ncg"):
        made.clear()
        fast = wo.minimize(f, {"w": numpy.zeros(5)}, method=method)
        programs = [m.state["program"] for m in made]
        slow = wo.minimize(f, {"w": numpy.zeros(5)}, method=method, compile=False)
        numpy.testing.assert_array_equal(fast.x["w"], slow.x["w"])   # bit for bit
        assert fast.nit == slow.nit and fast.nfev > wo.EAGER_CALLS
        used = [p for p in programs if p is not None]
        assert used and all(p.stats()["traces"] == 1 for p in used)
    with pytest.raises(TypeError, match="compile must be True or False"):
        wo.minimize(f, {"w": numpy.zeros(5)}, compile="yes")
