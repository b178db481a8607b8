"""The training workflow: fit, callbacks, interruption, saving, datasets."""
import collections
import io as _stdio
import os
import sys
import types

import numpy
import pytest

from wengert import datasets, io, optim
from wengert.training import EarlyStopping, Evaluate, batches, fit


def _linear_problem(noise, n=40, seed=0):
    rng = numpy.random.default_rng(seed)
    x = rng.standard_normal((n, 3))
    y = x @ numpy.array([1.5, -2.0, 0.5]) + 0.3 + noise * rng.standard_normal(n)
    return x, y


def _mse(p, x, y):
    return ((x @ p["w"] + p["b"] - y) ** 2).mean()


def _zeros():
    return {"w": numpy.zeros(3), "b": 0.0}


def test_full_batch_sgd_matches_the_closed_form_least_squares_solution():
    x, y = _linear_problem(noise=0.5)
    params, hist = fit(_mse, _zeros(), (x, y), optim.sgd(0.2), epochs=400, progress=False)
    coef, *_ = numpy.linalg.lstsq(numpy.column_stack([x, numpy.ones(len(x))]), y, rcond=None)
    numpy.testing.assert_allclose(params["w"], coef[:3], atol=1e-8)
    assert params["b"] == pytest.approx(coef[3], abs=1e-8)
    assert hist["loss"][-1] < hist["loss"][0]
    assert len(hist["loss"]) == len(hist["steps"]) == len(hist["seconds"]) == 400
    assert hist["steps"][-1] == 400 and not hist["interrupted"] and hist["stopped_by"] is None


def test_minibatch_sgd_reaches_the_exact_solution_of_a_consistent_system():
    x, y = _linear_problem(noise=0.0)
    params, hist = fit(_mse, _zeros(), (x, y), optim.sgd(0.1), epochs=150, batch_size=8,
                       rng=numpy.random.default_rng(1), progress=False)
    numpy.testing.assert_allclose(params["w"], [1.5, -2.0, 0.5], atol=1e-8)
    assert hist["steps"][-1] == 150 * 5


def test_minibatch_shuffling_is_reproducible_with_the_same_seed():
    x, y = _linear_problem(noise=0.5)
    run = lambda rng: fit(_mse, _zeros(), (x, y), optim.sgd(0.05), epochs=3, batch_size=7,
                          rng=rng, progress=False)
    (p1, h1), (p2, h2) = run(numpy.random.default_rng(5)), run(numpy.random.default_rng(5))
    p3, h3 = run(numpy.random.default_rng(6))
    numpy.testing.assert_array_equal(p1["w"], p2["w"])
    assert h1["loss"] == h2["loss"]
    assert not numpy.array_equal(p1["w"], p3["w"])
    p4, _ = run(5)   # an int seed is the same as default_rng(seed)
    numpy.testing.assert_array_equal(p1["w"], p4["w"])


def test_batches_cover_the_data_once_in_a_seeded_order():
    x = numpy.arange(10)
    got = [b[0] for b in batches((x, -x), batch_size=4, rng=numpy.random.default_rng(0))]
    assert [len(b) for b in got] == [4, 4, 2]
    assert sorted(numpy.concatenate(got).tolist()) == list(range(10))
    assert numpy.concatenate(got).tolist() != list(range(10))
    pairs = list(batches((x, -x), batch_size=3, rng=numpy.random.default_rng(0)))
    assert all(numpy.array_equal(a, -b) for a, b in pairs)   # rows stay together


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    stop = EarlyStopping(patience=3, min_delta=0.01)
    x = numpy.zeros((4, 1))
    params, hist = fit(lambda p, x: (p - 1.0) ** 2, 1.0, (x,), optim.sgd(0.1),
                       epochs=100, callbacks=[stop], progress=False)
    assert len(hist["loss"]) == 4 and hist["stopped_by"] == "EarlyStopping"
    assert stop.best_epoch == 0


def test_evaluate_and_generic_callbacks_add_to_history_and_can_stop():
    x, y = _linear_problem(noise=0.1)
    seen = []

    def stop_at_five(epoch, params, history):
        seen.append(epoch)
        return epoch == 4

    params, hist = fit(_mse, _zeros(), (x, y), optim.sgd(0.1), epochs=50, progress=False,
                       callbacks=[Evaluate("val", lambda p: _mse(p, x[:10], y[:10])), stop_at_five])
    assert seen == [0, 1, 2, 3, 4] and len(hist["val"]) == 5
    assert hist["stopped_by"] == "stop_at_five"
    assert hist["val"][-1] < hist["val"][0]


def test_keyboard_interrupt_from_a_callback_returns_the_last_state():
    x, y = _linear_problem(noise=0.5)

    def interrupt(epoch, params, history):
        if epoch == 3:
            raise KeyboardInterrupt

    kw = dict(batch_size=10, rng=3, progress=False)
    p_int, h_int = fit(_mse, _zeros(), (x, y), optim.adam(0.1), epochs=20,
                       callbacks=[interrupt], **kw)
    p_ref, h_ref = fit(_mse, _zeros(), (x, y), optim.adam(0.1), epochs=4, **kw)
    assert h_int["interrupted"] and not h_ref["interrupted"]
    numpy.testing.assert_array_equal(p_int["w"], p_ref["w"])
    assert h_int["loss"] == h_ref["loss"]
    assert int(h_int["opt_state"][0]["count"]) == 16


def test_keyboard_interrupt_inside_the_loss_keeps_the_last_completed_step():
    x, y = _linear_problem(noise=0.5)
    calls = []

    def flaky(p, x, y):
        calls.append(1)
        if len(calls) == 6:
            raise KeyboardInterrupt
        return _mse(p, x, y)

    out = _stdio.StringIO()
    # compile=False: a compiled step calls the Python loss only while tracing
    p_int, h_int = fit(flaky, _zeros(), (x, y), optim.sgd(0.1), epochs=10, stream=out,
                       compile=False)
    p_ref, _ = fit(_mse, _zeros(), (x, y), optim.sgd(0.1), epochs=5, progress=False)
    numpy.testing.assert_array_equal(p_int["w"], p_ref["w"])
    assert h_int["interrupted"] and len(h_int["loss"]) == 5
    assert "interrupted after 5 steps" in out.getvalue()


def test_compiled_steps_give_the_eager_results_bit_for_bit():
    x, y = _linear_problem(noise=0.5)
    rng_a, rng_b = numpy.random.default_rng(3), numpy.random.default_rng(3)
    runs = [fit(_mse, _zeros(), (x, y), optim.adam(0.05), epochs=4, batch_size=7, rng=r,
                progress=False, compile=c) for r, c in ((rng_a, True), (rng_b, False))]
    (p_c, h_c), (p_e, h_e) = runs
    numpy.testing.assert_array_equal(p_c["w"], p_e["w"])
    assert h_c["loss"] == h_e["loss"]


def test_a_compiled_step_traces_once_per_batch_shape(monkeypatch):
    import wengert._compile as wc
    made = []
    real = wc.compile

    def spy(fun, **kw):
        made.append(real(fun, **kw))
        return made[-1]

    monkeypatch.setattr(wc, "compile", spy)
    x, y = _linear_problem(noise=0.5)
    params = {"w": numpy.zeros(3), "b": numpy.zeros(1)}    # arrays keep their type
    fit(_mse, params, (x, y), optim.adam(0.05), epochs=5, batch_size=len(x) - 3,
        rng=0, progress=False)
    (step,) = made
    # a full batch and the last, shorter one; every later step runs the programs
    assert step.stats() == {"signatures": 2, "traces": 2, "retraces": 0, "eager": 0}
    with pytest.raises(TypeError, match="compile must be True or False"):
        fit(_mse, _zeros(), (x, y), optim.sgd(0.1), compile="yes")


def test_resuming_from_the_returned_optimizer_state_continues_the_run():
    x, y = _linear_problem(noise=0.5)
    p_all, _ = fit(_mse, _zeros(), (x, y), optim.adam(0.05), epochs=6, progress=False)
    p_half, h = fit(_mse, _zeros(), (x, y), optim.adam(0.05), epochs=3, progress=False)
    p_rest, _ = fit(_mse, p_half, (x, y), optim.adam(0.05), epochs=3, progress=False,
                    opt_state=h["opt_state"])
    numpy.testing.assert_allclose(p_rest["w"], p_all["w"], rtol=1e-12)


def test_plain_progress_lines_and_silence(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)        # as on a machine without tqdm
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    x, y = _linear_problem(noise=0.1)
    out = _stdio.StringIO()
    fit(_mse, _zeros(), (x, y), optim.sgd(0.1), epochs=20, log_every=5, stream=out)
    lines = out.getvalue().splitlines()
    assert "wengert[progress]" in lines[0]
    epochs = [ln.split()[1] for ln in lines[1:]]
    assert epochs == ["1/20", "6/20", "11/20", "16/20", "20/20"]
    assert "steps/s" in lines[-1] and "loss" in lines[-1]
    quiet = _stdio.StringIO()
    fit(_mse, _zeros(), (x, y), optim.sgd(0.1), epochs=3, progress=False, stream=quiet)
    assert quiet.getvalue() == ""


def test_progress_bar_without_tqdm_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"wengert\[progress\]"):
        fit(_mse, _zeros(), _linear_problem(0.1), optim.sgd(0.1), progress="bar")


def test_progress_bar_uses_tqdm_when_installed(monkeypatch):
    made = []

    class FakeBar:
        def __init__(self, total, **kw):
            self.total, self.kw, self.n, self.postfix, self.closed = total, kw, 0, None, False
            made.append(self)

        def update(self, k):
            self.n += k

        def set_postfix(self, **kw):
            self.postfix = kw

        def close(self):
            self.closed = True

    auto, std = types.ModuleType("tqdm.auto"), types.ModuleType("tqdm")
    auto.tqdm = std.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm", std)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    out = _stdio.StringIO()
    fit(_mse, _zeros(), _linear_problem(0.1), optim.sgd(0.1), epochs=3, batch_size=16,
        stream=out)
    (bar,) = made
    assert bar.total == 9 and bar.n == 9 and bar.closed and "loss" in bar.postfix
    assert bar.kw["file"] is out and out.getvalue() == ""

    def interrupt(epoch, params, history):
        raise KeyboardInterrupt

    _, hist = fit(_mse, _zeros(), _linear_problem(0.1), optim.sgd(0.1), epochs=3,
                  stream=out, callbacks=[interrupt])
    assert made[1].closed and made[1].n == 1 and hist["interrupted"]
    assert out.getvalue().startswith("fit: interrupted after 1 steps")


def test_batches_rejects_bad_arguments_when_called():
    with pytest.raises(ValueError, match="batches: batch_size must be an int >= 1"):
        batches((numpy.ones(3),), batch_size=0)
    with pytest.raises(ValueError, match="batches: data has no examples"):
        batches((numpy.ones((0, 2)),))


@pytest.mark.parametrize("kwargs, match", [
    (dict(data=(numpy.zeros(3), numpy.zeros(4))), "different numbers of examples"),
    (dict(optimizer=0.1), "optimizer must be an"),
    (dict(epochs=0), "epochs must be an int"),
    (dict(batch_size=2.5), "batch_size must be an int"),
    (dict(rng="seed"), "rng must be None"),
    (dict(progress="fancy"), "progress must be"),
])
def test_fit_rejects_bad_arguments_clearly(kwargs, match):
    args = dict(loss=lambda p, x: (p * x).sum(), params=1.0, data=(numpy.ones(3),),
                optimizer=optim.sgd(0.1), progress=False)
    args.update(kwargs)
    with pytest.raises((TypeError, ValueError), match=match) as err:
        fit(**args)
    assert "fit:" in str(err.value)


# ---- saving and loading ------------------------------------------------------

Pair = collections.namedtuple("Pair", "first second")


def _trained_checkpoint():
    x, y = _linear_problem(noise=0.5)
    params, hist = fit(_mse, _zeros(), (x, y), optim.adam(0.1), epochs=3, progress=False)
    return {"params": params, "opt": hist["opt_state"], "meta": [Pair(1, 2.5), None, True, 0.5]}


def test_save_load_round_trips_params_and_optimizer_state(tmp_path):
    tree = _trained_checkpoint()
    path = tmp_path / "ckpt.npz"
    io.save(path, tree)
    back = io.load(path)
    numpy.testing.assert_array_equal(back["params"]["w"], tree["params"]["w"])
    assert back["params"]["b"] == tree["params"]["b"] and type(back["params"]["b"]) is numpy.float64
    count = back["opt"][0]["count"]
    assert count.shape == () and count.dtype == numpy.int64 and int(count) == 3
    numpy.testing.assert_array_equal(back["opt"][0]["nu"]["w"], tree["opt"][0]["nu"]["w"])
    assert back["meta"] == [(1, 2.5), None, True, 0.5] and type(back["meta"][0]) is tuple
    assert [type(v) for v in back["meta"][0]] == [int, float] and type(back["meta"][3]) is float
    like = io.load(path, like=tree)
    assert type(like["meta"][0]) is Pair
    # resumes training exactly from the loaded state
    x, y = _linear_problem(noise=0.5)
    a, _ = fit(_mse, tree["params"], (x, y), optim.adam(0.1), epochs=2, progress=False,
               opt_state=tree["opt"])
    b, _ = fit(_mse, like["params"], (x, y), optim.adam(0.1), epochs=2, progress=False,
               opt_state=like["opt"])
    numpy.testing.assert_array_equal(a["w"], b["w"])


@pytest.mark.parametrize("change, match", [
    (lambda t: t["params"].update(w=numpy.zeros(4)), r"\['params'\]\['w'\]: shape \(3,\)"),
    (lambda t: t["params"].update(w=numpy.zeros(3, numpy.float32)), r"\['w'\]: dtype float64"),
    (lambda t: t["params"].pop("b"), r"at \['params'\]: keys differ .*not expected: \['b'\]"),
    (lambda t: t["meta"].append(3), r"at \['meta'\]: 4 items in the file, 5 expected"),
    (lambda t: t["opt"][0].update(mu=[1.0]), r"\['opt'\]\[0\]\['mu'\]: a dict in the file, a list"),
])
def test_load_rejects_a_mismatched_tree_naming_the_path(tmp_path, change, match):
    tree = _trained_checkpoint()
    io.save(tmp_path / "c.npz", tree)
    change(tree)
    with pytest.raises(ValueError, match=match):
        io.load(tmp_path / "c.npz", like=tree)


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    path = tmp_path / "p.npz"
    io.save(path, {"w": numpy.ones(3)})
    io.save(path, {"w": numpy.full(3, 2.0)})   # overwrite in place
    assert os.listdir(tmp_path) == ["p.npz"]

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(numpy, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        io.save(path, {"w": numpy.zeros(3)})
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["p.npz"]
    numpy.testing.assert_array_equal(io.load(path)["w"], [2.0, 2.0, 2.0])   # old file intact


def test_save_and_load_errors_are_clear(tmp_path):
    with pytest.raises(TypeError, match=r"save: leaf at \['f'\]"):
        io.save(tmp_path / "x.npz", {"f": object()})
    with pytest.raises(FileNotFoundError, match="save: directory"):
        io.save(tmp_path / "missing" / "x.npz", {"w": 1.0})
    numpy.savez(tmp_path / "plain.npz", x=numpy.ones(2))
    with pytest.raises(ValueError, match="not written by wengert.io.save"):
        io.load(tmp_path / "plain.npz")
    with pytest.raises(FileNotFoundError, match="load: no file"):
        io.load(tmp_path / "nope.npz")
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


# ---- datasets ----------------------------------------------------------------

@pytest.mark.parametrize("make, shape, labels", [
    (lambda rng: datasets.curve(n=30, rng=rng), (30,), None),
    (lambda rng: datasets.spirals(n_per_class=20, classes=3, rng=rng), (60, 2), [0, 1, 2]),
    (lambda rng: datasets.moons(n=25, rng=rng), (25, 2), [0, 1]),
    (lambda rng: datasets.blobs(n_per_class=10, centers=4, dim=3, rng=rng), (40, 3), [0, 1, 2, 3]),
])
def test_datasets_are_deterministic_per_seed_with_the_promised_shapes(make, shape, labels):
    x1, y1 = make(7)
    x2, y2 = make(numpy.random.default_rng(7))
    x3, _ = make(8)
    assert x1.shape == shape and len(y1) == shape[0]
    numpy.testing.assert_array_equal(x1, x2)
    numpy.testing.assert_array_equal(y1, y2)
    assert not numpy.array_equal(x1, x3)
    if labels is not None:
        assert y1.dtype == numpy.int64 and sorted(set(y1.tolist())) == labels
        assert numpy.bincount(y1).min() >= shape[0] // len(labels)


def test_dataset_errors_name_the_function_and_argument():
    with pytest.raises(TypeError, match=r"spirals: rng must be"):
        datasets.spirals(rng=1.5)
    with pytest.raises(ValueError, match=r"curve: kind must be one of"):
        datasets.curve(kind="zigzag")
    with pytest.raises(ValueError, match=r"moons: n must be an int >= 2"):
        datasets.moons(n=1)


def test_load_csv_and_load_arrays(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("x1,x2,y\n1,2,3\n4,5,6\n\n")
    x, y = datasets.load_csv(p, target="y")
    assert x.tolist() == [[1, 2], [4, 5]] and y.tolist() == [3, 6]
    x, y = datasets.load_csv(p, target=0)
    assert x.tolist() == [[2, 3], [5, 6]] and y.tolist() == [1, 4]
    p.write_text("1,2\n3,oops\n")
    with pytest.raises(ValueError, match=r"load_csv: .* line 2 has a non-numeric value"):
        datasets.load_csv(p)
    numpy.savez(tmp_path / "a.npz", x=numpy.ones((3, 2)), y=numpy.zeros(3))
    y, x = datasets.load_arrays(tmp_path / "a.npz", keys=["y", "x"])
    assert x.shape == (3, 2) and y.shape == (3,)
    with pytest.raises(KeyError, match=r"load_arrays: .* no arrays \['z'\]"):
        datasets.load_arrays(tmp_path / "a.npz", keys=["z"])


def test_a_non_finite_loss_stops_with_a_warning_and_the_last_finite_parameters():
    calls = []

    def blows_up(p, x):
        calls.append(float(getattr(p, "_value", p)))
        return (p - 1.0) ** 2 * (1.0 if len(calls) < 4 else float("nan"))

    with pytest.warns(RuntimeWarning, match=r"fit: the loss became nan at epoch 4, step 4"):
        p, hist = fit(blows_up, 0.0, (numpy.zeros(2),), optim.sgd(0.25), epochs=10,
                      progress=False)
    assert p == calls[2] and hist["stopped_by"] == "non-finite loss"
    assert len(hist["loss"]) == 3 and int(hist["opt_state"][0]["count"]) == 2


def test_progress_goes_to_stderr_by_default(capsys):
    fit(_mse, _zeros(), _linear_problem(0.1), optim.sgd(0.1), epochs=3, progress="plain")
    out, err = capsys.readouterr()
    assert out == "" and "fit:" in err


def test_plot_true_draws_the_loss_curve_when_training_ends():
    plt = pytest.importorskip("matplotlib.pyplot")
    before = set(plt.get_fignums())
    _, hist = fit(_mse, _zeros(), _linear_problem(0.1), optim.sgd(0.1), epochs=4,
                  progress=False, plot=True)
    [new] = set(plt.get_fignums()) - before
    [line] = plt.figure(new).axes[0].get_lines()
    numpy.testing.assert_allclose(line.get_ydata(), hist["loss"])
    plt.close(new)
    with pytest.raises(TypeError, match="fit: plot must be True or False, got 'yes'"):
        fit(_mse, _zeros(), _linear_problem(0.1), optim.sgd(0.1), plot="yes")


def test_the_notebook_bar_is_chosen_only_when_ipywidgets_is_installed(monkeypatch):
    # tqdm.auto without ipywidgets warns "IProgress not found" and falls back; choose
    # the text bar ourselves instead
    import importlib.util
    from wengert import training
    auto, std = types.ModuleType("tqdm.auto"), types.ModuleType("tqdm")
    auto.tqdm, std.tqdm = "auto bar", "text bar"
    monkeypatch.setitem(sys.modules, "tqdm", std)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    find_spec = importlib.util.find_spec
    for installed, bar in ((False, "text bar"), (True, "auto bar")):
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a, _i=installed: (
            (object() if _i else None) if name == "ipywidgets" else find_spec(name, *a)))
        assert training._tqdm() == bar


@pytest.mark.parametrize("loss_name", ["softmax_cross_entropy", "logistic_loss"])
def test_classification_losses_read_labels_as_inputs_when_compiled(loss_name):
    # they once called numpy.asarray on the labels, which made compile guard the
    # labels' values: every new batch retraced, and after 8 the step ran eagerly
    import wengert
    from wengert import nn
    rng = numpy.random.default_rng(0)
    loss_fn = getattr(nn, loss_name)
    if loss_name == "softmax_cross_entropy":
        make = lambda: (rng.standard_normal((6, 3)), rng.integers(0, 3, 6))   # noqa: E731
    else:
        make = lambda: (rng.standard_normal(6), (rng.random(6) > 0.5) * 1.0)  # noqa: E731
    step = wengert.compile(wengert.value_and_grad(loss_fn))
    for _ in range(4):
        z, labels = make()
        got, want = step(z, labels), wengert.value_and_grad(loss_fn)(z, labels)
        assert got[0] == want[0]
        numpy.testing.assert_array_equal(got[1], want[1])
    assert step.stats()["traces"] == 1


def test_an_optimizer_whose_state_changes_structure_still_trains_compiled():
    # fit carries the compiled step's parameters and state as lists of leaves, in the
    # structure of the initial state; a state that changes structure switches to trees
    def init(params):
        return ()

    def update(g, state, params=None):
        seen = state["seen"] + 1.0 if state else numpy.ones(())
        return optim.base.tree_apply("test", lambda x: -0.1 * x, g), {"seen": seen}

    x, y = _linear_problem(noise=0.5)
    runs = [fit(_mse, _zeros(), (x, y), optim.Optimizer(init, update), epochs=6,
                progress=False, compile=c,
                callbacks=[lambda e, p, h: h.setdefault("w", []).append(p["w"]) and False])
            for c in (True, False)]
    (p_c, h_c), (p_e, h_e) = runs
    numpy.testing.assert_array_equal(p_c["w"], p_e["w"])
    assert float(h_c["opt_state"]["seen"]) == float(h_e["opt_state"]["seen"]) == 6.0
    assert h_c["loss"] == h_e["loss"]
    for a, b in zip(h_c["w"], h_e["w"]):
        numpy.testing.assert_array_equal(a, b)
