"""fit's compiled steps with all parameters packed into one vector (elementwise
optimizers): the same numbers as eager steps, bit for bit, and the same state."""
import numpy
import pytest

import wengert.numpy as np
from wengert import optim
from wengert.optim.base import is_elementwise
from wengert.training import fit
from wengert.tree import flatten
from wengert._fit_steps import _PackedRun


def _params(dtype=numpy.float64):
    rng = numpy.random.default_rng(1)
    # odd sizes: every array but the first is padded to start on 16 bytes
    return {"w": rng.standard_normal((3, 5)).astype(dtype),
            "layers": [rng.standard_normal(5).astype(dtype),
                       {"c": numpy.full(1, 0.25, dtype=dtype)}],
            "v": rng.standard_normal(5).astype(dtype)}


def _loss(p, x, y):
    h = np.tanh(x @ p["w"] + p["layers"][0]) * p["layers"][1]["c"]
    return np.mean((h @ p["v"] - y) ** 2)


def _data(n=30):
    rng = numpy.random.default_rng(2)
    return rng.standard_normal((n, 3)), rng.standard_normal(n)


OPTIMIZERS = {
    "adam": lambda: optim.adam(0.05),
    "adamw": lambda: optim.adamw(0.05, weight_decay=0.1),
    "sgd": lambda: optim.sgd(0.1),
    "nesterov": lambda: optim.sgd(0.1, momentum=0.9, nesterov=True),
    "rmsprop": lambda: optim.rmsprop(0.01, momentum=0.5),
    "clip, schedule": lambda: optim.chain(
        optim.clip(0.3), optim.scale_by_adam(),
        optim.scale_by_learning_rate(optim.schedules.exponential_decay(0.1, 0.5, 4))),
}


def _assert_trees_equal(a, b):
    la, da = flatten(a)
    lb, db = flatten(b)
    assert da == db
    for x, y in zip(la, lb):
        assert type(x) is type(y)
        numpy.testing.assert_array_equal(x, y)
        assert numpy.asarray(x).dtype == numpy.asarray(y).dtype


@pytest.mark.parametrize("dtype", [numpy.float64, numpy.float32])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_packed_steps_give_the_eager_results_bit_for_bit(name, dtype):
    x, y = _data()
    params, opt = _params(dtype), OPTIMIZERS[name]()
    assert _PackedRun.make(_loss, opt, params, opt.init(params)) is not None
    seen = {True: [], False: []}
    runs = {c: fit(_loss, params, (x, y), opt, epochs=5, batch_size=7, rng=4, progress=False,
                   compile=c, callbacks=[lambda e, p, h, c=c: seen[c].append(p) and False])
            for c in (True, False)}
    (p_c, h_c), (p_e, h_e) = runs[True], runs[False]
    _assert_trees_equal(p_c, p_e)
    _assert_trees_equal(h_c["opt_state"], h_e["opt_state"])
    assert h_c["loss"] == h_e["loss"]
    for a, b in zip(seen[True], seen[False]):     # what the callbacks saw, epoch by epoch
        _assert_trees_equal(a, b)
    # the arrays returned own their memory: not views into the packed vector
    assert all(a.base is None for a in flatten(p_c)[0])


def test_a_packed_run_resumes_from_its_state_and_from_an_eager_runs_state():
    x, y = _data()
    opt = optim.adam(0.05)
    p_all, h_all = fit(_loss, _params(), (x, y), opt, epochs=6, progress=False)
    for compiled in (True, False):
        p_half, h = fit(_loss, _params(), (x, y), opt, epochs=3, progress=False,
                        compile=compiled)
        assert flatten(h["opt_state"])[1] == flatten(opt.init(_params()))[1]
        p_rest, h_rest = fit(_loss, p_half, (x, y), opt, epochs=3, progress=False,
                             opt_state=h["opt_state"])
        _assert_trees_equal(p_rest, p_all)
        _assert_trees_equal(h_rest["opt_state"], h_all["opt_state"])


def test_a_packed_run_stops_at_a_nonfinite_loss_and_on_ctrl_c_like_an_eager_one():
    x, y = _data()

    def interrupt(epoch, params, history):
        if epoch == 3:
            raise KeyboardInterrupt

    runs = [fit(_loss, _params(), (x, y), optim.adam(0.1), epochs=10, progress=False,
                compile=c, callbacks=[interrupt]) for c in (True, False)]
    _assert_trees_equal(runs[0][0], runs[1][0])
    assert runs[0][1]["interrupted"] and runs[0][1]["loss"] == runs[1][1]["loss"]

    def explode(p, x, y):       # descent drives c up until exp overflows
        return _loss(p, x, y) - np.sum(np.exp(50.0 * p["layers"][1]["c"]))

    with pytest.warns(RuntimeWarning):
        runs = [fit(explode, _params(), (x, y), optim.sgd(0.1), epochs=10, progress=False,
                    compile=c) for c in (True, False)]
    _assert_trees_equal(runs[0][0], runs[1][0])
    assert runs[0][1]["stopped_by"] == runs[1][1]["stopped_by"] == "non-finite loss"
    assert runs[0][1]["loss"] == runs[1][1]["loss"] and len(runs[0][1]["loss"]) >= 1


def test_packing_applies_only_where_it_gives_the_same_numbers_and_pays():
    params = _params()

    def packs(opt, p=params):
        return _PackedRun.make(_loss, opt, p, opt.init(p)) is not None

    assert packs(optim.adam(0.1)) and is_elementwise(optim.adam(0.1))
    # a global norm sums over all arrays together: packed, its sums would run in another order
    assert not is_elementwise(optim.clip_by_global_norm(1.0))
    assert not packs(optim.chain(optim.clip_by_global_norm(1.0), optim.adam(0.1)))
    assert not packs(optim.multi_transform({"a": optim.sgd(0.1), "b": optim.adam(0.1)},
                                           {"w": "a", "layers": "b", "v": "b"}))
    mine = optim.Optimizer(lambda p: (), lambda g, s, p=None: (g, s))
    assert not packs(mine)
    # arrays of several dtypes, Python numbers, a single array, large arrays
    mixed = dict(params, v=params["v"].astype(numpy.float32))
    assert not packs(optim.adam(0.1), mixed)
    assert not packs(optim.adam(0.1), dict(params, v=1.0))
    assert not packs(optim.adam(0.1), {"w": params["w"]})
    # leaf by leaf, NumPy turns a 0-d parameter into a scalar; packed, it would stay an array
    assert not packs(optim.adam(0.1), dict(params, v=numpy.asarray(1.0)))
    big = {"w": numpy.zeros((300, 300)), "b": numpy.zeros(300)}
    assert not packs(optim.adam(0.1), big)


def test_an_optimizer_state_of_another_structure_is_not_packed():
    params = _params()
    opt = optim.adam(0.1)
    state = opt.init(params)
    state[0]["mu"] = [state[0]["mu"]]       # not the structure init gives
    assert _PackedRun.make(_loss, opt, params, state) is None


def test_a_packed_run_whose_state_changes_structure_goes_on_with_trees(monkeypatch):
    import wengert._fit_steps as steps
    fell_back = []
    as_trees = steps._PackedRun.as_trees
    monkeypatch.setattr(steps._PackedRun, "as_trees",
                        lambda self, *a: fell_back.append(1) or as_trees(self, *a))

    def update(g, state, params=None):      # its state is () at first, then a dict
        seen = state["seen"] + 1.0 if state else numpy.ones(())
        return optim.base.tree_apply("test", lambda x: -0.1 * x, g), {"seen": seen}

    opt = optim.base.elementwise(optim.Optimizer(lambda params: (), update))
    x, y = _data()
    runs = [fit(_loss, _params(), (x, y), opt, epochs=6, progress=False, compile=c)
            for c in (True, False)]
    assert fell_back == [1]
    _assert_trees_equal(runs[0][0], runs[1][0])
    assert float(runs[0][1]["opt_state"]["seen"]) == 6.0
    assert runs[0][1]["loss"] == runs[1][1]["loss"]


ELEMENTWISE = {
    "scale": lambda: optim.scale(-0.5),
    "scale_by_learning_rate": lambda: optim.scale_by_learning_rate(
        optim.schedules.cosine_decay(0.1, 5)),
    "trace": lambda: optim.trace(0.9, nesterov=True),
    "scale_by_rms": lambda: optim.scale_by_rms(0.9),
    "scale_by_adam": lambda: optim.scale_by_adam(),
    "add_decayed_weights": lambda: optim.add_decayed_weights(0.1),
    "clip": lambda: optim.clip(0.2),
    "set_to_zero": lambda: optim.set_to_zero(),
    "sgd": lambda: optim.sgd(0.1),
    "momentum": lambda: optim.momentum(0.1),
    "rmsprop": lambda: optim.rmsprop(0.1, momentum=0.9),
    "adam": lambda: optim.adam(0.1),
    "adamw": lambda: optim.adamw(0.1),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_transformations_update_a_concatenation_as_they_update_its_parts(name):
    # what packing relies on: updating the parameters concatenated into one vector gives
    # each entry the number that updating its own array gives, bit for bit
    opt = ELEMENTWISE[name]()
    assert is_elementwise(opt)
    rng = numpy.random.default_rng(3)
    params = [rng.standard_normal(4), rng.standard_normal((2, 3))]
    state, flat_state = opt.init(params), opt.init(numpy.concatenate([p.ravel() for p in params]))
    for _ in range(3):
        grads = [rng.standard_normal(p.shape) for p in params]
        flat = [numpy.concatenate([a.ravel() for a in x]) for x in (grads, params)]
        u, state = opt.update(grads, state, params)
        u_flat, flat_state = opt.update(flat[0], flat_state, flat[1])
        numpy.testing.assert_array_equal(numpy.concatenate([a.ravel() for a in u]), u_flat)
        params = optim.apply_updates(params, u)


@pytest.mark.parametrize("rate", [0.05, optim.schedules.cosine_decay(0.1, 4)])
def test_adam_is_the_chain_of_its_scaling_and_learning_rate_with_one_multiplication(rate):
    # adam folds the learning rate into the bias correction's factor: one multiplication
    # of every entry instead of two, so results may differ from the chain in the last bit
    fused = optim.adam(rate)
    chained = optim.chain(optim.scale_by_adam(), optim.scale_by_learning_rate(rate))
    rng = numpy.random.default_rng(4)
    params = {"w": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    s_f, s_c = fused.init(params), chained.init(params)
    assert flatten(s_f)[1] == flatten(s_c)[1]
    for _ in range(6):
        g = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        (u_f, s_f), (u_c, s_c) = fused.update(g, s_f, params), chained.update(g, s_c, params)
        for k in params:
            numpy.testing.assert_allclose(u_f[k], u_c[k], rtol=4e-16, atol=0)
        _assert_trees_equal(s_f, s_c)
    with pytest.raises(ValueError, match="adam.update: state must be the tuple of 2 states"):
        fused.update(g, s_f[0], params)
