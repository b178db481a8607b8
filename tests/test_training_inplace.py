"""fit's packed steps on large float64 parameters with Adam: the compiled program
computes the gradients, and Adam's in-place form updates two alternating sets of
vectors (on two threads for large ones), with eager steps' numbers bit for bit; and
fit keeps its compiled programs from one call to the next."""
import gc
import weakref

import numpy
import pytest

import wengert.numpy as np
import wengert._fit_steps as steps
from wengert import optim
from wengert.optim.base import apply_updates, kernel_of
from wengert.training import fit
from wengert.tree import flatten


def _params():
    rng = numpy.random.default_rng(1)
    return {"w": rng.standard_normal((3, 5)), "b": rng.standard_normal(5),
            "v": rng.standard_normal(5)}


def _loss(p, x, y):
    return np.mean((np.tanh(x @ p["w"] + p["b"]) @ p["v"] - y) ** 2)


def _data(n=30):
    rng = numpy.random.default_rng(2)
    return rng.standard_normal((n, 3)), rng.standard_normal(n)


def _assert_trees_equal(a, b):
    la, da = flatten(a)
    lb, db = flatten(b)
    assert da == db
    for x, y in zip(la, lb):
        assert type(x) is type(y)
        numpy.testing.assert_array_equal(x, y)
        assert numpy.asarray(x).dtype == numpy.asarray(y).dtype


@pytest.fixture(params=["one thread", "two threads"])
def in_place(request, monkeypatch):
    """Every array counts as large (so the in-place form runs), split over two
    threads or not."""
    monkeypatch.setattr(steps, "_PACK_MAX_MEAN_SIZE", 2)
    monkeypatch.setattr(steps, "_SPLIT_MIN", 8)
    monkeypatch.setattr(steps._helper, "enabled", request.param == "two threads")
    return request.param


@pytest.mark.parametrize("opt", [lambda: optim.adam(0.05), lambda: optim.scale_by_adam(),
                                 lambda: optim.adam(optim.schedules.cosine_decay(0.1, 20))],
                         ids=["adam", "scale_by_adam", "adam, schedule"])
def test_in_place_steps_give_the_eager_results_bit_for_bit(in_place, opt):
    x, y = _data()
    params = _params()
    kept = {k: v.copy() for k, v in params.items()}
    run = steps._PackedRun.make(_loss, opt(), params, opt().init(params))
    assert run is not None and run.in_place
    seen = {True: [], False: []}
    runs = {c: fit(_loss, params, (x, y), opt(), epochs=5, batch_size=7, rng=4, progress=False,
                   compile=c, callbacks=[lambda e, p, h, c=c: seen[c].append(p) and False])
            for c in (True, False)}
    (p_c, h_c), (p_e, h_e) = runs[True], runs[False]
    _assert_trees_equal(p_c, p_e)
    _assert_trees_equal(h_c["opt_state"], h_e["opt_state"])
    assert h_c["loss"] == h_e["loss"]
    for a, b in zip(seen[True], seen[False]):
        _assert_trees_equal(a, b)
    _assert_trees_equal(params, kept)       # the caller's arrays are not written
    # the arrays returned own their memory: not views into the vectors of the run
    assert all(a.base is None for a in flatten(p_c)[0] + flatten(h_c["opt_state"])[0] if a.ndim)


def test_an_in_place_run_stops_at_a_nonfinite_loss_and_on_ctrl_c_like_an_eager_one(in_place):
    x, y = _data()

    for edge in (-10.0, 2.5):           # a nan loss at the first step, after some steps
        def explode(p, x, y):           # descent drives v up until the root's argument < 0
            return _loss(p, x, y) - np.sum(p["v"]) + np.sum(np.sqrt(edge - p["v"]))

        with pytest.warns(RuntimeWarning):
            runs = [fit(explode, _params(), (x, y), optim.adam(0.5), epochs=20,
                        progress=False, compile=c) for c in (True, False)]
        # full-batch epochs: one loss a step, until the step whose loss is nan
        assert (len(runs[0][1]["loss"]) == 0) == (edge < 0)
        _assert_trees_equal(runs[0][0], runs[1][0])
        _assert_trees_equal(runs[0][1]["opt_state"], runs[1][1]["opt_state"])
        assert runs[0][1]["stopped_by"] == runs[1][1]["stopped_by"] == "non-finite loss"

    def interrupt(epoch, params, history):
        if epoch == 3:
            raise KeyboardInterrupt

    runs = [fit(_loss, _params(), (x, y), optim.adam(0.1), epochs=10, progress=False,
                compile=c, callbacks=[interrupt]) for c in (True, False)]
    _assert_trees_equal(runs[0][0], runs[1][0])
    assert runs[0][1]["interrupted"] and runs[0][1]["loss"] == runs[1][1]["loss"]


@pytest.mark.parametrize("rate", [0.05, optim.schedules.cosine_decay(0.1, 4), None])
def test_adams_in_place_form_computes_update_and_apply_updates_bit_for_bit(rate):
    opt = optim.scale_by_adam() if rate is None else optim.adam(rate)
    kernel = kernel_of(opt)
    rng = numpy.random.default_rng(6)
    p = rng.standard_normal(40)
    state = opt.init(p)
    spare = opt.init(p)
    p_out = numpy.empty_like(p)
    for _ in range(5):
        g = rng.standard_normal(40) * 10.0 ** rng.integers(-8, 8, 40)
        updates, want_state = opt.update(g, state, p)
        want = apply_updates(p, updates)
        new_state, apply = kernel(state, spare)
        apply(0, 17, g[:17], p, p_out)     # in two parts, as two threads run it
        apply(17, 40, g[17:], p, p_out)
        numpy.testing.assert_array_equal(p_out, want)
        _assert_trees_equal(new_state, want_state)
        spare, state, p, p_out = state, new_state, p_out, p   # the sets alternate
    assert kernel_of(optim.sgd(0.1)) is None and kernel_of(object()) is None


def test_fit_traces_a_loss_once_for_every_call_with_its_layout_and_keeps_no_loss_alive(monkeypatch):
    monkeypatch.setattr(steps, "_PACK_MAX_MEAN_SIZE", 2)
    x, y = _data()
    traced = []

    def loss(p, x, y):
        traced.append(1)
        return _loss(p, x, y)

    first = fit(loss, _params(), (x, y), optim.adam(0.1), epochs=2, batch_size=10,
                progress=False)
    calls = len(traced)
    assert calls >= 1
    # again, with a fresh optimizer: the in-place form's gradient program does not
    # depend on the optimizer, so nothing is traced anew
    again = fit(loss, _params(), (x, y), optim.adam(0.1), epochs=2, batch_size=10,
                progress=False)
    assert len(traced) == calls
    _assert_trees_equal(first[0], again[0])
    # a program with the optimizer in it: traced once for one optimizer, anew for another
    monkeypatch.setattr(steps, "_PACK_MAX_MEAN_SIZE", 16384)
    sgd = optim.sgd(0.1)
    for _ in range(2):
        fit(loss, _params(), (x, y), sgd, epochs=2, batch_size=10, progress=False)
    calls = len(traced)
    fit(loss, _params(), (x, y), sgd, epochs=2, batch_size=10, progress=False)
    assert len(traced) == calls
    fit(loss, _params(), (x, y), optim.sgd(0.1), epochs=2, batch_size=10, progress=False)
    assert len(traced) > calls
    ref = weakref.ref(loss)
    del loss
    gc.collect()
    assert ref() is None


def test_the_helper_thread_and_this_one_update_every_part_once(monkeypatch):
    import threading
    monkeypatch.setattr(steps._helper, "enabled", True)
    main, helped = threading.get_ident(), threading.Event()
    done = []

    def apply(lo, hi, g, p, p_out):
        done.append((lo, threading.get_ident()))
        if threading.get_ident() == main:
            helped.wait(5.0)        # the helper takes a part while this thread is busy
        else:
            helped.set()

    steps._helper.run(apply, [(i, i + 1, None) for i in range(10)], None, None)
    assert sorted(lo for lo, _ in done) == list(range(10))
    assert {t for _, t in done} == {main, next(t for _, t in done if t != main)}

    def fail(lo, hi, g, p, p_out):
        if threading.get_ident() != main:
            helped.set()
            raise FloatingPointError("in the helper")
        helped.wait(5.0)

    helped.clear()
    with pytest.raises(FloatingPointError, match="in the helper"):
        steps._helper.run(fail, [(i, i + 1, None) for i in range(3)], None, None)
