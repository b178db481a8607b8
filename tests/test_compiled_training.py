"""A compiled training step with wengert.optim traces once and runs compiled after."""
import warnings

import numpy as onp
import pytest

import wengert
import wengert.numpy as np
from wengert import optim


def _loss(p, x, y):
    return np.mean((np.tanh(x @ p["w"]) @ p["v"] - y) ** 2)


def _data():
    rng = onp.random.default_rng(0)
    p = {"w": rng.normal(size=(3, 8)), "v": rng.normal(size=8)}
    return p, rng.normal(size=(20, 3)), rng.normal(size=20)


OPTIMIZERS = {
    "adam": lambda: optim.adam(0.01),
    "adamw": lambda: optim.adamw(0.01),
    "sgd": lambda: optim.sgd(0.1),
    "momentum": lambda: optim.momentum(0.1),
    "rmsprop": lambda: optim.rmsprop(0.01),
    "chain": lambda: optim.chain(optim.clip_by_global_norm(1.0), optim.adam(0.01)),
}


def _train_step(opt):
    def step(p, s, x, y):
        loss, g = wengert.value_and_grad(_loss)(p, x, y)
        u, s = opt.update(g, s, p)
        return loss, optim.apply_updates(p, u), s

    return step


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_compiled_step_traces_once_and_matches_eager(name):
    opt = OPTIMIZERS[name]()

    step = _train_step(opt)
    compiled = wengert.compile(step)
    p, x, y = _data()
    s = opt.init(p)
    pe, se = p, s
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # no guard-failure or fallback warning
        for _ in range(10):
            loss, p, s = compiled(p, s, x, y)
            loss_e, pe, se = step(pe, se, x, y)
    assert compiled.stats() == {"signatures": 1, "traces": 1, "retraces": 0, "eager": 0}
    onp.testing.assert_allclose(loss, loss_e, rtol=1e-12)
    for k in p:
        onp.testing.assert_allclose(p[k], pe[k], rtol=1e-12, atol=1e-14)
    for c in _counts(s):       # step counts stay 0-d int64 arrays, compiled or not
        assert type(c) is onp.ndarray and c.shape == () and c.dtype == onp.int64 and c == 10


def _counts(state):
    if isinstance(state, dict):
        return ([state["count"]] if "count" in state else []) + [
            c for k, v in state.items() if k != "count" for c in _counts(v)]
    if isinstance(state, (tuple, list)):
        return [c for v in state for c in _counts(v)]
    return []


def test_adam_state_count_is_an_array_and_update_matches_the_formula():
    opt = optim.scale_by_adam()
    s = opt.init(0.0)
    u, s = opt.update(2.0, s)
    assert type(s["count"]) is onp.ndarray and int(s["count"]) == 1
    assert abs(float(u) - 1.0) < 1e-6    # first Adam step: sign(g)
    u, s = opt.update(2.0, {"count": 1, "mu": s["mu"], "nu": s["nu"]})   # a plain int count
    assert int(s["count"]) == 2


def test_guard_failure_warning_names_the_users_file_and_line():
    def step(n, x):
        return x * float(n)       # float() of a traced value: a guard, new values fail it
    compiled = wengert.compile(step, max_traces=2)
    with pytest.warns(RuntimeWarning) as record:
        for i in range(12):
            compiled(onp.asarray(float(i)), onp.ones(2))
    texts = [str(w.message) for w in record]
    guard = [t for t in texts if "guards failed" in t]
    assert guard, texts
    assert f"{__file__}:" in guard[0], guard[0]
    line = step.__code__.co_firstlineno + 1
    assert f"{__file__}:{line}" in guard[0], guard[0]
    assert any(w.filename == __file__ for w in record)   # reported at the caller's line


SCHEDULES = {
    "exponential": lambda: optim.schedules.exponential_decay(0.1, 0.5, 3),
    "staircase": lambda: optim.schedules.exponential_decay(0.1, 0.5, 3, staircase=True,
                                                           end_value=0.02),
    "cosine": lambda: optim.schedules.cosine_decay(0.1, 5),
    "step": lambda: optim.schedules.step_decay(0.1, 2),
    "piecewise": lambda: optim.schedules.piecewise_constant(0.1, {3: 0.5, 6: 0.1}),
    "warmup": lambda: optim.schedules.warmup(optim.schedules.cosine_decay(0.1, 5), 3),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedules_of_an_array_count_equal_those_of_an_int(name):
    sched = SCHEDULES[name]()
    for t in range(12):
        assert float(sched(onp.asarray(t, dtype=onp.int64))) == pytest.approx(sched(t), rel=1e-15)
        assert type(sched(t)) is float


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_compiled_step_with_a_schedule_traces_once(name):
    opt = optim.adam(SCHEDULES[name]())

    step = _train_step(opt)
    compiled = wengert.compile(step)
    p, x, y = _data()
    s = opt.init(p)
    pe, se = p, s
    for _ in range(10):     # the schedules change value at steps 2, 3, 5 and 6
        loss, p, s = compiled(p, s, x, y)
        _, pe, se = step(pe, se, x, y)
    assert compiled.stats()["traces"] == 1
    onp.testing.assert_allclose(p["w"], pe["w"], rtol=1e-12, atol=1e-14)


TRANSFORMS = {
    "clip_by_global_norm": lambda: optim.chain(optim.clip_by_global_norm(1.0), optim.sgd(0.05)),
    "clip": lambda: optim.chain(optim.clip(0.01), optim.adam(0.01)),
    "nesterov": lambda: optim.sgd(0.05, momentum=0.9, nesterov=True),
    "rmsprop_momentum": lambda: optim.rmsprop(0.01, momentum=0.5),
    "multi_transform": lambda: optim.multi_transform(
        {"fast": optim.adam(0.05), "frozen": optim.set_to_zero()}, {"w": "fast", "v": "frozen"}),
    "scaled": lambda: optim.chain(optim.add_decayed_weights(1e-3), optim.scale(-0.05)),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_every_gradient_transformation_compiles_once_over_many_steps(name):
    # 60 steps: the gradient norm falls through clip_by_global_norm's threshold on the
    # way (it once chose its factor with a Python branch: a guard, traced again per side)
    opt = TRANSFORMS[name]()
    step = _train_step(opt)
    compiled = wengert.compile(step)
    p, x, y = _data()
    s = opt.init(p)
    pe, se = p, s
    norms = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(60):
            norms.append(float(optim.global_norm(wengert.grad(_loss)(p, x, y))))
            loss, p, s = compiled(p, s, x, y)
            loss_e, pe, se = step(pe, se, x, y)
            assert loss == loss_e
    assert compiled.stats() == {"signatures": 1, "traces": 1, "retraces": 0, "eager": 0}
    for k in p:
        onp.testing.assert_array_equal(p[k], pe[k])
    if name == "clip_by_global_norm":
        assert max(norms) > 1.0 > min(norms), norms
