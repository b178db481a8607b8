"""wengert.nn and wengert.optim: activations and losses against NumPy
references and finite differences; optimizers reach known minima; the seeds'
models (least squares, adaptive basis-function regression, a small network)
train to the expected results."""
import functools

import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert import nn, optim
from wengert.optim import schedules
from wengert.test_util import check_grads


def _softplus_ref(x):
    return numpy.log1p(numpy.exp(-numpy.abs(x))) + numpy.maximum(x, 0)


ACTIVATIONS = [
    (nn.sigmoid, lambda x: 1 / (1 + numpy.exp(-x))),
    (nn.tanh, numpy.tanh),
    (nn.relu, lambda x: numpy.maximum(x, 0)),
    (nn.softplus, _softplus_ref),
    (nn.gelu, lambda x: 0.5 * x * (1 + numpy.tanh(numpy.sqrt(2 / numpy.pi) * (x + 0.044715 * x ** 3)))),
    (nn.softmax, lambda x: numpy.exp(x) / numpy.exp(x).sum(-1, keepdims=True)),
    (nn.log_softmax, lambda x: x - numpy.log(numpy.exp(x).sum(-1, keepdims=True))),
]


@pytest.mark.parametrize("act,ref", ACTIVATIONS, ids=lambda a: getattr(a, "__name__", ""))
def test_activation_values_and_derivatives(act, ref, rng):
    x = rng.uniform(-3, 3, size=(4, 5))
    x[x == 0] = 0.1
    numpy.testing.assert_allclose(act(x), ref(x), rtol=1e-12, atol=1e-14)
    x = x + 0.05 * numpy.sign(x)         # relu: stay away from the kink
    check_grads(act, modes=("fwd", "rev"), order=2)(x)


def test_activations_are_stable_at_extremes():
    x = numpy.array([[-1e4, 0.0, 1e4]])
    with numpy.errstate(over="raise", invalid="raise", divide="raise"):
        assert numpy.allclose(nn.sigmoid(x), [[0, 0.5, 1]])
        assert numpy.allclose(nn.softplus(x), [[0, numpy.log(2), 1e4]])
        assert numpy.allclose(nn.softmax(x), [[0, 0, 1]])
        assert numpy.allclose(nn.log_softmax(x), [[-2e4, -1e4, 0]])
        g = wengert.grad(lambda z: np.sum(nn.log_softmax(z)[:, 2]))(x)
        assert numpy.all(numpy.isfinite(g))


def _xent_ref(z, y):
    logp = z - numpy.log(numpy.exp(z).sum(1, keepdims=True))
    return -logp[numpy.arange(len(y)), y].mean()


def _hinge_ref(s, y):
    total = 0.0
    for i in range(len(y)):
        for j in range(s.shape[1]):
            if j != y[i]:
                total += max(0.0, s[i, j] - s[i, y[i]] + 1.0)
    return total / len(y)


def test_losses_match_references_and_gradients(rng):
    z = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, size=6)
    onehot = numpy.eye(4)[y]
    t = rng.standard_normal((6, 4))
    b = (rng.uniform(size=(6, 4)) > 0.5).astype(float)
    assert numpy.isclose(nn.softmax_cross_entropy(z, y), _xent_ref(z, y))
    assert numpy.isclose(nn.softmax_cross_entropy(z, onehot), _xent_ref(z, y))
    assert numpy.isclose(nn.mse(z, t), ((z - t) ** 2).mean())
    assert numpy.isclose(nn.squared_error(z, t), 0.5 * ((z - t) ** 2).sum())
    sig = 1 / (1 + numpy.exp(-z))
    assert numpy.isclose(nn.logistic_loss(z, b), -(b * numpy.log(sig) + (1 - b) * numpy.log(1 - sig)).mean())
    s = z * 2
    assert numpy.isclose(nn.multiclass_hinge(s, y), _hinge_ref(s, y))
    assert numpy.isclose(nn.multiclass_hinge(s, onehot), _hinge_ref(s, y))
    for loss, target in [(nn.softmax_cross_entropy, y), (nn.softmax_cross_entropy, onehot),
                         (nn.mse, t), (nn.squared_error, t), (nn.logistic_loss, b)]:
        check_grads(functools.partial(loss, labels=target) if loss is nn.softmax_cross_entropy
                    or loss is nn.logistic_loss else (lambda p, _l=loss: _l(p, t)),
                    modes=("fwd", "rev"), order=2)(z)
    check_grads(lambda p: nn.multiclass_hinge(p, y), modes=("fwd", "rev"), order=1)(s + 0.01)


def test_loss_errors_name_function_and_fix():
    with pytest.raises(ValueError, match="softmax_cross_entropy: integer labels must lie in"):
        nn.softmax_cross_entropy(numpy.zeros((2, 3)), numpy.array([0, 3]))
    with pytest.raises(ValueError, match=r"mse: predictions have shape \(3, 1\) but targets \(3,\)"):
        nn.mse(numpy.zeros((3, 1)), numpy.zeros(3))
    with pytest.raises(ValueError, match="multiclass_hinge: logits must be a 2-D"):
        nn.multiclass_hinge(numpy.zeros(3), numpy.array([0]))


def test_initializers_are_seeded_and_scaled():
    a = nn.init.glorot_uniform(numpy.random.default_rng(1), (200, 300))
    b = nn.init.xavier_uniform(numpy.random.default_rng(1), (200, 300))
    numpy.testing.assert_array_equal(a, b)
    assert numpy.isclose(a.var(), 2 / 500, rtol=0.05)
    assert numpy.isclose(nn.init.glorot_normal(numpy.random.default_rng(2), (200, 300)).var(), 2 / 500, rtol=0.05)
    assert numpy.isclose(nn.init.he_normal(numpy.random.default_rng(3), (200, 300)).var(), 2 / 200, rtol=0.05)
    assert numpy.isclose(nn.init.kaiming_uniform(numpy.random.default_rng(4), (200, 300)).var(), 2 / 200, rtol=0.05)
    assert not nn.init.zeros(numpy.random.default_rng(0), (2, 2)).any()
    with pytest.raises(TypeError, match="glorot_uniform: rng must be a numpy.random.Generator.*default_rng"):
        nn.init.glorot_uniform(42, (2, 2))
    with pytest.raises(TypeError, match="MLP.init: rng must be"):
        nn.MLP([2, 1]).init(None)


def test_layers_shapes_and_gradients(rng):
    net = nn.MLP([3, 5, 2], activation=nn.softplus)
    params = net.init(rng)
    x = rng.standard_normal((4, 3))
    assert net.apply(params, x).shape == (4, 2)
    check_grads(lambda p: np.sum(net.apply(p, x) ** 2), modes=("fwd", "rev"), order=2)(params)
    for basis, xs in [(nn.RBFBasis(3), rng.uniform(-1, 1, 5)),
                      (nn.TanhBasis(4), rng.uniform(-1, 1, 5)),
                      (nn.PolynomialBasis(3), rng.uniform(0.5, 2, 5))]:
        model = nn.BasisRegression(basis, w_init=nn.init.normal)
        p = model.init(rng)
        assert model.apply(p, xs).shape == (5,)
        check_grads(lambda q: nn.squared_error(model.apply(q, xs), numpy.zeros(5)),
                    modes=("fwd", "rev"), order=2)(p)
    with pytest.raises(ValueError, match="MLP.apply: expected parameters for 1 layers"):
        nn.MLP([2, 1]).apply([], numpy.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"basis layers take 1-D inputs.*\(3, 2\)"):
        nn.RBFBasis(2).apply(nn.RBFBasis(2).init(rng), numpy.zeros((3, 2)))


# --- optimizers --------------------------------------------------------------

def _minimize(loss, params, opt, steps):
    g = wengert.grad(loss)
    state = opt.init(params)
    for _ in range(steps):
        updates, state = opt.update(g(params), state, params)
        params = optim.apply_updates(params, updates)
    return params


_A = numpy.array([[3.0, 0.5], [0.5, 1.0]])
_B = numpy.array([1.0, -2.0])
_QUAD_MIN = numpy.linalg.solve(_A, _B)


def _quadratic(p):
    x = p["x"]
    return 0.5 * x @ (_A @ x) - _B @ x


def _rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


OPTIMIZERS = {
    "sgd": (optim.sgd(0.3), optim.sgd(2e-3), 10000),
    "momentum": (optim.momentum(0.1, 0.9), optim.momentum(1e-3, 0.9), 4000),
    "nesterov": (optim.sgd(0.1, momentum=0.9, nesterov=True), optim.momentum(1e-3, 0.9, True), 4000),
    "rmsprop": (optim.chain(optim.rmsprop(0.01), ), optim.rmsprop(optim.schedules.exponential_decay(1e-2, 0.1, 4000)), 4000),
    "adam": (optim.adam(0.05), optim.adam(optim.schedules.cosine_decay(0.1, 3000)), 3000),
    "adamw": (optim.adamw(0.05, weight_decay=0.0), optim.adamw(optim.schedules.cosine_decay(0.1, 3000), weight_decay=0.0), 3000),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizers_reach_the_minimum(name):
    quad_opt, rosen_opt, steps = OPTIMIZERS[name]
    p = _minimize(_quadratic, {"x": numpy.zeros(2)}, quad_opt, 600)
    numpy.testing.assert_allclose(p["x"], _QUAD_MIN, atol=5e-3)
    r = _minimize(_rosenbrock, numpy.array([-1.2, 1.0]), rosen_opt, steps)
    numpy.testing.assert_allclose(r, [1.0, 1.0], atol=2e-2)


def test_adamw_decays_weights_towards_zero():
    p = _minimize(lambda p: 0.0 * np.sum(p), numpy.ones(3), optim.adamw(0.1, weight_decay=1.0), 50)
    assert numpy.all(numpy.abs(p) < 0.01)
    with pytest.raises(ValueError, match="add_decayed_weights.update: weight decay needs the parameters"):
        opt = optim.adamw(0.1)
        opt.update(numpy.ones(2), opt.init(numpy.ones(2)))


def test_sgd_least_squares_matches_closed_form(rng):
    # seed 000 eqs. 2-3: full-batch GD converges to the normal-equations solution;
    # per-example SGD with seeded shuffling and a decaying rate gets close to it.
    n = 40
    x = rng.uniform(-1, 1, n)
    phi = numpy.stack([x, x ** 2, numpy.sin(3 * x)], axis=1)
    y = phi @ numpy.array([1.5, -0.5, 0.8]) + 0.3 + 0.1 * rng.standard_normal(n)
    design = numpy.hstack([phi, numpy.ones((n, 1))])
    exact = numpy.linalg.lstsq(design, y, rcond=None)[0]

    def loss(p, ph, t):
        return nn.squared_error(ph @ p["w"] + p["b"], t)

    params = {"w": numpy.zeros(3), "b": numpy.zeros(())}
    gd = _minimize(lambda p: loss(p, phi, y), params, optim.sgd(0.02), 3000)
    numpy.testing.assert_allclose(numpy.append(gd["w"], gd["b"]), exact, atol=1e-6)

    g = wengert.grad(loss)
    opt = optim.sgd(schedules.exponential_decay(0.1, 0.5, 10 * n))
    state, p = opt.init(params), params
    shuffle = numpy.random.default_rng(7)
    for _ in range(60):
        for i in shuffle.permutation(n):
            # eq. 3: one example, w <- w - alpha * phi_n (w^T phi_n + b - y_n)
            updates, state = opt.update(g(p, phi[i:i + 1], y[i:i + 1]), state)
            p = optim.apply_updates(p, updates)
    numpy.testing.assert_allclose(numpy.append(p["w"], p["b"]), exact, atol=2e-2)


def _fixed_basis_error(model, params, x, y):
    """Best w, b for the initial θ (closed form): the fixed-basis model."""
    phi = model_basis(model, params, x)
    design = numpy.hstack([phi, numpy.ones((len(x), 1))])
    coef = numpy.linalg.lstsq(design, y, rcond=None)[0]
    return numpy.mean((design @ coef - y) ** 2), coef


def model_basis(model, params, x):
    w = params["w"]
    cols = []
    for k in range(len(w)):     # read Φ_θ(x) off the model, one unit weight at a time
        e = dict(params, w=numpy.eye(len(w))[k], b=numpy.zeros(()))
        cols.append(model.apply(e, x))
    return numpy.stack(cols, axis=1)


@pytest.mark.parametrize("basis", ["rbf", "tanh"])
def test_learned_basis_beats_fixed_basis(basis):
    data = numpy.random.default_rng(3)
    x = numpy.sort(data.uniform(-1, 1, 60))
    y = numpy.sin(4 * x) * numpy.exp(-x) + 0.05 * data.standard_normal(60)
    layer = nn.RBFBasis(5, -1, 1) if basis == "rbf" else nn.TanhBasis(5, -1, 1)
    model = nn.BasisRegression(layer)
    params = model.init(numpy.random.default_rng(0))
    fixed_mse, coef = _fixed_basis_error(model, params, x, y)
    params = dict(params, w=coef[:-1], b=numpy.asarray(coef[-1]))    # start from the fixed optimum

    def loss(p):
        return nn.mse(model.apply(p, x), y)

    # seed 000: "different learning rates work better for the different sets of parameters"
    opt = optim.multi_transform({"linear": optim.adam(0.02), "theta": optim.adam(0.01)},
                                {"w": "linear", "b": "linear", "theta": "theta"})
    learned = _minimize(loss, params, opt, 400)
    learned_mse = float(loss(learned))
    assert learned_mse < 0.5 * fixed_mse, (learned_mse, fixed_mse)
    assert learned_mse < 0.01


def test_frozen_group_stays_put():
    model = nn.BasisRegression(nn.RBFBasis(3))
    params = model.init(numpy.random.default_rng(0))
    x = numpy.linspace(-1, 1, 10)
    opt = optim.multi_transform({"fit": optim.sgd(0.1), "frozen": optim.set_to_zero()},
                                lambda p: {"w": "fit", "b": "fit", "theta": "frozen"})
    p = _minimize(lambda p: nn.mse(model.apply(p, x), x), params, opt, 5)
    numpy.testing.assert_array_equal(p["theta"]["centers"], params["theta"]["centers"])
    assert not numpy.array_equal(p["w"], params["w"])
    with pytest.raises(ValueError, match=r"multi_transform: labels \['oops'\] have no transform"):
        optim.multi_transform({"fit": optim.sgd(0.1)}, {"w": "fit", "b": "fit", "theta": "oops"}).init(params)
    with pytest.raises(ValueError, match=r"multi_transform: labels at the root have keys \['w'\]"):
        optim.multi_transform({"fit": optim.sgd(0.1)}, {"w": "fit"}).init(params)


def _spiral(rng, n=100):
    t = numpy.sqrt(rng.uniform(0, 1, n)) * 3 * numpy.pi
    arm = numpy.stack([t * numpy.cos(t), t * numpy.sin(t)], 1) / (3 * numpy.pi)
    x = numpy.concatenate([arm, -arm]) + 0.02 * rng.standard_normal((2 * n, 2))
    return x, numpy.repeat([0, 1], n)


def test_mlp_learns_the_spiral():
    x, y = _spiral(numpy.random.default_rng(0))
    net = nn.MLP([2, 32, 32, 2], activation=nn.tanh)
    params = net.init(numpy.random.default_rng(1))
    opt = optim.chain(optim.clip_by_global_norm(10.0), optim.adam(0.02))
    params = _minimize(lambda p: nn.softmax_cross_entropy(net.apply(p, x), y), params, opt, 2000)
    accuracy = numpy.mean(numpy.argmax(net.apply(params, x), 1) == y)
    assert accuracy >= 0.97, accuracy


def test_clip_and_schedules():
    u, _ = optim.clip_by_global_norm(2.0).update({"a": numpy.array([6.0, 8.0])}, ())
    numpy.testing.assert_allclose(u["a"], [1.2, 1.6])
    u, _ = optim.clip_by_global_norm(20.0).update({"a": numpy.array([6.0, 8.0])}, ())
    numpy.testing.assert_allclose(u["a"], [6.0, 8.0])
    assert schedules.exponential_decay(1.0, 0.5, 10, staircase=True)(19) == 0.5
    assert schedules.step_decay(1.0, 5, 0.1)(12) == pytest.approx(0.01)
    assert schedules.cosine_decay(2.0, 10, alpha=0.1)(10) == pytest.approx(0.2)
    w = schedules.warmup(schedules.exponential_decay(1.0, 0.5, 10), 10)
    assert [w(0), w(5), w(10), w(20)] == [0.0, 0.5, 1.0, 0.5]
    opt = optim.sgd(schedules.piecewise_constant(1.0, {2: 0.1}))
    state, steps = opt.init(0.0), []
    for _ in range(3):
        u, state = opt.update(1.0, state)
        steps.append(float(u))
    assert steps == pytest.approx([-1.0, -1.0, -0.1])


def test_optimizer_state_is_plain_data_and_update_is_pure():
    params = {"w": numpy.ones(2)}
    opt = optim.adam(0.1)
    state = opt.init(params)
    before = numpy.array(state[0]["mu"]["w"])
    u1, s1 = opt.update({"w": numpy.ones(2)}, state)
    u2, s2 = opt.update({"w": numpy.ones(2)}, state)
    numpy.testing.assert_array_equal(u1["w"], u2["w"])
    numpy.testing.assert_array_equal(state[0]["mu"]["w"], before)
    assert int(s1[0]["count"]) == 1 and int(state[0]["count"]) == 0
    leaves = wengert.tree.leaves(s1)
    assert all(isinstance(v, numpy.ndarray) for v in leaves)


def test_optimizer_errors_name_function_and_fix():
    with pytest.raises(ValueError, match="scale_by_learning_rate: learning_rate must be >= 0.*positive step"):
        optim.sgd(-0.1)
    with pytest.raises(TypeError, match="chain: argument 1 must be an Optimizer"):
        optim.chain(optim.sgd(0.1), 0.1)
    with pytest.raises(ValueError, match="scale_by_adam: b1 must be a number in"):
        optim.adam(0.1, b1=1.5)
    with pytest.raises(ValueError, match="apply_updates: updates does not have the structure of params"):
        optim.apply_updates({"w": 1.0}, {"w": 1.0, "b": 2.0})
    with pytest.raises(ValueError, match="sgd: nesterov=True needs a momentum"):
        optim.sgd(0.1, nesterov=True)
