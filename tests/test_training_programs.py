"""fit keeps its compiled programs from one call to the next (as jax.jit keeps its
own): the same loss, optimizer and parameter layout trace nothing anew, and the kept
programs keep no loss alive."""
import gc
import itertools
import weakref

import numpy
import pytest

import wengert.numpy as np
from wengert import optim
from wengert.training import fit
from wengert.tree import flatten


def _params(shape=(3, 5)):
    rng = numpy.random.default_rng(1)
    return {"w": rng.standard_normal(shape), "b": rng.standard_normal(shape[1]),
            "v": rng.standard_normal(shape[1])}


def _data(n=30):
    rng = numpy.random.default_rng(2)
    return rng.standard_normal((n, 3)), rng.standard_normal(n)


def _assert_trees_equal(a, b):
    la, da = flatten(a)
    lb, db = flatten(b)
    assert da == db
    for x, y in zip(la, lb):
        numpy.testing.assert_array_equal(x, y)


def test_fit_traces_a_loss_once_for_its_optimizer_and_layout_and_keeps_no_loss_alive():
    x, y = _data()
    traces = itertools.count()      # (a list here would be read as part of the loss)

    def loss(p, x, y):
        next(traces)            # runs only while a program is traced
        return np.mean((np.tanh(x @ p["w"] + p["b"]) @ p["v"] - y) ** 2)

    opt = optim.adam(0.1)
    runs = [fit(loss, _params(), (x, y), opt, epochs=2, batch_size=7, progress=False)]
    first = next(traces)        # traces of the first fit (batches of 7, the last of 2)
    assert first >= 2
    runs += [fit(loss, _params(), (x, y), opt, epochs=2, batch_size=7, progress=False)
             for _ in range(2)]
    assert next(traces) == first + 1    # none since
    for r in runs[1:]:
        _assert_trees_equal(r[0], runs[0][0])
        _assert_trees_equal(r[1]["opt_state"], runs[0][1]["opt_state"])
    fit(loss, _params(), (x, y), optim.adam(0.1), epochs=2, batch_size=7, progress=False)
    assert next(traces) == 2 * first + 2    # another optimizer: its own programs
    # full batches: a signature of their own, with eager's numbers
    assert fit(loss, _params(), (x, y), opt, epochs=1, progress=False)[1]["loss"] == \
        fit(loss, _params(), (x, y), opt, epochs=1, progress=False, compile=False)[1]["loss"]
    ref = weakref.ref(loss)
    del loss
    gc.collect()
    assert ref() is None


SCALE = [1.0]


def _scaled_loss(p, x, y):
    return SCALE[0] * np.mean((x @ p["w"] @ p["v"] - y) ** 2)


def test_kept_programs_see_what_the_loss_reads_now():
    # compile's guards hold across fit calls: a changed global array is read anew
    x, y = _data()
    opt = optim.sgd(0.1)
    for scale in (1.0, 3.0):
        SCALE[0] = scale
        runs = [fit(_scaled_loss, _params(), (x, y), opt, epochs=3, progress=False, compile=c)
                for c in (True, False)]
        _assert_trees_equal(runs[0][0], runs[1][0])
        assert runs[0][1]["loss"] == runs[1][1]["loss"]
    SCALE[0] = 1.0


def test_a_bound_method_loss_gets_fresh_programs_and_stays_collectable():
    class Model:
        def loss(self, p, x, y):
            return np.mean((x @ p["w"] @ p["v"] - y) ** 2)

    model = Model()
    x, y = _data()
    opt = optim.adam(0.1)
    first = fit(model.loss, _params(), (x, y), opt, epochs=2, progress=False)
    again = fit(model.loss, _params(), (x, y), opt, epochs=2, progress=False)
    _assert_trees_equal(first[0], again[0])
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_a_loss_with_kept_programs_pickles_without_them():
    cloudpickle = pytest.importorskip("cloudpickle")
    x, y = _data()

    def loss(p, x, y):
        return np.mean((x @ p["w"] @ p["v"] - y) ** 2)

    fit(loss, _params(), (x, y), optim.adam(0.1), epochs=2, progress=False)
    again = cloudpickle.loads(cloudpickle.dumps(loss))
    assert not getattr(again, "_wengert_fit_programs", {})
    assert fit(again, _params(), (x, y), optim.adam(0.1), epochs=2, progress=False)[1]["loss"] \
        == fit(loss, _params(), (x, y), optim.adam(0.1), epochs=2, progress=False)[1]["loss"]
