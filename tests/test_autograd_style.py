"""Small, realistic programs written the way HIPS/autograd users write them.

Each one imports only ``wengert.numpy as np``, autograd's transform names from
``wengert`` and ``wengert.scipy``, checks its gradient against finite differences
with ``check_grads`` and, where it trains something, that the loss goes down.
Plain ``numpy`` appears only to make data.
"""
import numpy
import pytest

pytest.importorskip("scipy", reason="these programs use wengert.scipy (SciPy, in the test extra)")
import scipy.optimize  # noqa: E402

import wengert.numpy as np  # noqa: E402
import wengert.scipy.stats as stats  # noqa: E402
from wengert import grad, hessian_vector_product, value_and_grad  # noqa: E402
from wengert.misc import flatten  # noqa: E402
from wengert.scipy.integrate import odeint  # noqa: E402
from wengert.scipy.signal import convolve  # noqa: E402
from wengert.scipy.special import logsumexp  # noqa: E402
from wengert.test_util import check_grads  # noqa: E402


def data_rng():
    return numpy.random.default_rng(20240601)


# -- 1. logistic regression trained by gradient descent --------------------------------------
def test_logistic_regression_by_gradient_descent():
    rng = data_rng()
    inputs = rng.normal(size=(40, 3))
    targets = (inputs @ numpy.array([1.5, -2.0, 0.5]) + 0.3 * rng.normal(size=40) > 0) * 1.0

    def sigmoid(x):
        return 0.5 * (np.tanh(x / 2.0) + 1.0)

    def training_loss(weights):
        preds = sigmoid(np.dot(inputs, weights))
        label_probabilities = preds * targets + (1 - preds) * (1 - targets)
        return -np.sum(np.log(label_probabilities))

    weights = numpy.zeros(3)
    check_grads(training_loss, modes=["fwd", "rev"], order=2)(weights + 0.1)
    training_gradient = grad(training_loss)
    first = training_loss(weights)
    for _ in range(100):
        weights = weights - 0.01 * training_gradient(weights)
    assert training_loss(weights) < 0.5 * first
    assert numpy.mean((inputs @ weights > 0) == (targets > 0)) > 0.85


# -- 2. a small neural network, flattened parameters, scipy.optimize.minimize(jac=True) --
def init_mlp(rng, sizes, scale=0.5):
    return [(scale * rng.normal(size=(m, n)), scale * rng.normal(size=n))
            for m, n in zip(sizes[:-1], sizes[1:])]


def mlp(params, inputs):
    for w, b in params[:-1]:
        inputs = np.tanh(np.dot(inputs, w) + b)
    w, b = params[-1]
    return np.dot(inputs, w) + b


def test_neural_network_with_flatten_and_scipy_minimize():
    rng = data_rng()
    inputs = numpy.linspace(-2, 2, 30)[:, None]
    targets = numpy.sin(2 * inputs) + 0.05 * rng.normal(size=inputs.shape)
    flat, unflatten = flatten(init_mlp(rng, [1, 8, 1]))

    def objective(flat_params):
        return np.mean((mlp(unflatten(flat_params), inputs) - targets) ** 2)

    check_grads(objective, modes=["fwd", "rev"], order=2)(flat)
    start = objective(flat)
    result = scipy.optimize.minimize(value_and_grad(objective), flat, jac=True,
                                     method="L-BFGS-B", options={"maxiter": 200})
    assert result.fun < 0.1 * start and result.fun < 0.05


# -- 3. Gaussian-process marginal likelihood (Cholesky, multivariate normal) ---------------
def test_gaussian_process_marginal_likelihood():
    rng = data_rng()
    x = numpy.sort(rng.uniform(-3, 3, 12))
    y = numpy.cos(x) + 0.1 * rng.normal(size=12)

    def kernel(log_params, a, b):
        log_amplitude, log_length = log_params[0], log_params[1]
        sq = (a[:, None] - b[None, :]) ** 2
        return np.exp(2 * log_amplitude) * np.exp(-0.5 * sq / np.exp(2 * log_length))

    def covariance(log_params):
        noise = np.exp(2 * log_params[2])
        return kernel(log_params, x, x) + (noise + 1e-6) * np.eye(len(x))

    def log_marginal_likelihood(log_params):
        return stats.multivariate_normal.logpdf(y, np.zeros(len(x)), covariance(log_params))

    def by_cholesky(log_params):     # the same number, written out
        chol = np.linalg.cholesky(covariance(log_params))
        alpha = np.linalg.solve(chol, y)
        return (-0.5 * np.dot(alpha, alpha) - np.sum(np.log(np.diag(chol)))
                - 0.5 * len(x) * np.log(2 * np.pi))

    params = numpy.array([0.1, 0.2, -1.5])
    numpy.testing.assert_allclose(log_marginal_likelihood(params), by_cholesky(params),
                                  rtol=1e-10)
    numpy.testing.assert_allclose(grad(log_marginal_likelihood)(params),
                                  grad(by_cholesky)(params), rtol=1e-8)
    check_grads(by_cholesky, modes=["fwd", "rev"], order=2)(params)
    check_grads(log_marginal_likelihood, modes=["rev"], order=1)(params)
    objective = lambda p: -log_marginal_likelihood(p)
    fitted = scipy.optimize.minimize(value_and_grad(objective), params, jac=True,
                                     method="BFGS", options={"maxiter": 50}).x
    assert objective(fitted) < objective(params) - 1.0


# -- 4. a mixture of Gaussians, log-likelihood by logsumexp ----------------------------------
def test_mixture_of_gaussians_log_likelihood():
    rng = data_rng()
    data = numpy.concatenate([rng.normal(-2, 0.5, 30), rng.normal(1.5, 0.8, 30)])

    def unpack(params):
        return params[:2], params[2:4], params[4:]    # logits, means, log scales

    def log_likelihood(params):
        logits, means, log_scales = unpack(params)
        log_weights = logits - logsumexp(logits)
        z = (data[:, None] - means) / np.exp(log_scales)
        component = -0.5 * z ** 2 - log_scales - 0.5 * np.log(2 * np.pi)
        return np.sum(logsumexp(log_weights + component, axis=1))

    params = numpy.array([0.0, 0.0, -0.5, 0.5, 0.0, 0.0])
    check_grads(log_likelihood, modes=["fwd", "rev"], order=2)(params)
    objective = lambda p: -log_likelihood(p)
    step = grad(objective)
    before = objective(params)
    for _ in range(200):
        params = params - 0.005 * step(params)
    assert objective(params) < before - 20
    means = numpy.sort(unpack(params)[1])
    assert means[0] < -1.0 and means[1] > 0.8


# -- 5. a recurrent network unrolled over a sequence -----------------------------------------
def test_rnn_unrolled_over_a_sequence():
    rng = data_rng()
    sequence = numpy.sin(numpy.linspace(0, 3 * numpy.pi, 16))[:, None]
    hidden = 5
    params = {"w_in": 0.3 * rng.normal(size=(1, hidden)),
              "w_rec": 0.3 * rng.normal(size=(hidden, hidden)),
              "bias": numpy.zeros(hidden),
              "w_out": 0.3 * rng.normal(size=(hidden, 1))}

    def predict_next(params, seq):
        state = np.zeros((1, hidden))
        outputs = []
        for t in range(len(seq) - 1):
            state = np.tanh(np.dot(seq[t:t + 1], params["w_in"])
                            + np.dot(state, params["w_rec"]) + params["bias"])
            outputs.append(np.dot(state, params["w_out"]))
        return np.concatenate(outputs, axis=0)

    def loss(params):
        return np.mean((predict_next(params, sequence) - sequence[1:]) ** 2)

    check_grads(loss, modes=["rev"], order=2)(params)
    check_grads(loss, modes=["fwd"], order=1)(params)
    loss_and_grad = value_and_grad(loss)
    first, _ = loss_and_grad(params)
    for _ in range(60):
        value, g = loss_and_grad(params)
        params = {k: params[k] - 0.2 * g[k] for k in params}
    assert loss(params) < 0.5 * first


# -- 6. a Hessian-free Newton step (conjugate gradients on Hessian-vector products) ---------
def test_hessian_free_newton_step():
    rng = data_rng()
    a = rng.normal(size=(20, 4))
    b = rng.normal(size=20)

    def objective(x):      # smooth and strictly convex: log-cosh regression plus a ridge
        r = np.dot(a, x) - b
        return np.sum(np.log(np.cosh(r))) + 0.1 * np.sum(x ** 2)

    hvp = hessian_vector_product(objective)
    x = numpy.zeros(4)
    check_grads(lambda x, v: hvp(x, v), modes=["fwd", "rev"], order=1)(x + 0.3, numpy.ones(4))

    def newton_direction(x, g, iters=8):
        step, r = numpy.zeros_like(x), -g
        p = r.copy()
        for _ in range(iters):
            hp = hvp(x, p)
            alpha = r @ r / (p @ hp)
            step, r_new = step + alpha * p, r - alpha * hp
            if numpy.linalg.norm(r_new) < 1e-12:
                break
            p, r = r_new + (r_new @ r_new) / (r @ r) * p, r_new
        return step

    values = [objective(x)]
    for _ in range(4):
        x = x + newton_direction(x, grad(objective)(x))
        values.append(objective(x))
    assert all(later < earlier for earlier, later in zip(values, values[1:]))
    assert numpy.linalg.norm(grad(objective)(x)) < 1e-8     # Newton converges fast


# -- 7. Fourier-feature regression with np.fft ------------------------------------------------
def test_fourier_feature_regression():
    n = 32
    t = numpy.arange(n) / n
    signal = numpy.sin(2 * numpy.pi * 3 * t) + 0.5 * numpy.cos(2 * numpy.pi * 5 * t)
    k = 8      # fit the first k rfft coefficients (real and imaginary parts)

    def reconstruct(coefficients):
        spectrum = np.concatenate([coefficients[:k] + 1j * coefficients[k:],
                                   np.zeros(n // 2 + 1 - k)])
        return np.fft.irfft(spectrum, n)

    def loss(coefficients):
        return np.sum((reconstruct(coefficients) - signal) ** 2)

    coefficients = numpy.zeros(2 * k)
    check_grads(loss, modes=["fwd", "rev"], order=2)(coefficients + 0.1)
    # the loss's curvature is 4 / n per coefficient (2 / n for the mean): steps of n / 5
    for _ in range(50):
        coefficients = coefficients - n / 5 * grad(loss)(coefficients)
    assert loss(coefficients) < 1e-6
    # the spectrum of the fit: the two tones, where the signal has them
    power = numpy.abs(numpy.fft.rfft(reconstruct(coefficients)))
    assert set(numpy.argsort(power)[-2:]) == {3, 5}


# -- 8. fitting an ODE's parameters with odeint -----------------------------------------------
def test_ode_parameter_fit():
    times = numpy.linspace(0.0, 2.0, 9)
    y0 = numpy.array([1.0, 0.0])

    def oscillator(y, t, log_omega, damping):    # damped harmonic oscillator
        omega = np.exp(log_omega)
        return np.array([y[1], -omega ** 2 * y[0] - damping * y[1]])

    def trajectory(params):
        return odeint(oscillator, y0, times, (params[0], params[1]), rtol=1e-10, atol=1e-10)

    observed = trajectory(numpy.array([numpy.log(2.0), 0.3]))[:, 0]

    def loss(params):
        return np.sum((trajectory(params)[:, 0] - observed) ** 2)

    params = numpy.array([numpy.log(1.7), 0.1])
    check_grads(loss, modes=["rev"], order=1)(params)
    before = loss(params)
    fitted = scipy.optimize.minimize(value_and_grad(loss), params, jac=True, method="BFGS",
                                     options={"maxiter": 30}).x
    assert loss(fitted) < 1e-3 * before
    numpy.testing.assert_allclose(fitted, [numpy.log(2.0), 0.3], atol=1e-3)


# -- 9. a convolutional layer: einsum over patches, and scipy.signal.convolve --------------
def test_convolutional_layer():
    rng = data_rng()
    images = rng.normal(size=(3, 6, 6))         # batch of 3 one-channel images
    filters = 0.5 * rng.normal(size=(2, 3, 3))   # two 3 x 3 filters

    def conv_einsum(images, filters):
        """'valid' cross-correlation by gathering 3 x 3 patches (as im2col)."""
        patches = np.stack([np.stack([images[:, i:i + 4, j:j + 4] for j in range(3)], axis=-1)
                            for i in range(3)], axis=-2)          # (3, 4, 4, 3, 3)
        return np.einsum("bxyij,fij->bfxy", patches, filters)

    def conv_scipy(images, filters):
        flipped = filters[:, ::-1, ::-1]          # convolve flips; correlate does not
        return np.stack([np.stack([convolve(images[b], flipped[f], mode="valid")
                                   for f in range(2)]) for b in range(3)])

    numpy.testing.assert_allclose(conv_einsum(images, filters), conv_scipy(images, filters),
                                  rtol=1e-12, atol=1e-12)

    def loss(filters, conv):
        features = np.tanh(conv(images, filters))
        return np.sum(np.mean(features, axis=(2, 3)) ** 2)

    check_grads(lambda f: loss(f, conv_einsum), modes=["fwd", "rev"], order=2)(filters)
    check_grads(lambda f: loss(f, conv_scipy), modes=["rev"], order=1)(filters)
    numpy.testing.assert_allclose(grad(loss)(filters, conv_einsum),
                                  grad(loss)(filters, conv_scipy), rtol=1e-10)


# -- 10. sorting-based losses: trimmed mean, median regression, quantile loss ---------------
def test_sorting_based_losses():
    rng = data_rng()
    x = rng.uniform(-1, 1, 25)
    y = 2.0 * x + 0.5 + 0.1 * rng.normal(size=25)
    y[:3] += 8.0                                 # outliers

    def trimmed_loss(params):
        """mean of the 20 smallest squared residuals (robust to the outliers)"""
        residuals = (params[0] * x + params[1] - y) ** 2
        return np.mean(np.sort(residuals)[:20])

    def median_abs_loss(params):
        return np.median(np.abs(params[0] * x + params[1] - y))

    def upper_quantile(params):
        return np.quantile(params[0] * x + params[1] - y, [0.25, 0.9], method="hazen")

    params = numpy.array([1.0, 0.0])
    check_grads(trimmed_loss, modes=["fwd", "rev"], order=2)(params)
    check_grads(median_abs_loss, modes=["fwd", "rev"], order=2)(params)
    check_grads(upper_quantile, modes=["fwd", "rev"], order=2)(params)
    for _ in range(300):
        params = params - 0.05 * grad(trimmed_loss)(params)
    # the outliers were trimmed: the fit is the clean line
    numpy.testing.assert_allclose(params, [2.0, 0.5], atol=0.1)
    assert median_abs_loss(params) < 0.1


# -- 11. NaN-aware statistics inside a loss --------------------------------------------------
def test_nan_aware_statistics():
    readings = numpy.array([[1.0, numpy.nan, 3.0, 2.5], [numpy.nan, 0.5, 0.7, numpy.nan]])

    def robust_center_loss(shift):
        centered = readings - shift
        return np.sum(np.nanmedian(centered, axis=1) ** 2) + np.nanquantile(centered, 0.8)

    shift = numpy.array([[0.2], [0.1]])
    check_grads(robust_center_loss, modes=["fwd", "rev"], order=2)(shift)
    g = grad(lambda r: np.nanpercentile(r, 50.0, method="lower"))(readings)
    assert numpy.count_nonzero(g) == 1 and not numpy.isnan(g).any()
