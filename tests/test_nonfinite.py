"""explain.detect_nonfinite under every transform, and in threads."""
import threading

import numpy as onp
import pytest

import wengert
import wengert.numpy as np
from wengert import explain
from wengert._core import hooks

from source_lines import line_of as _line_of


def log_each(v):
    return np.log(v)   # NaN for a negative entry


def sqrt_each(v):
    return np.sqrt(v)  # value 0 at 0, derivative inf


def sum_sqrt(v):
    s = np.sqrt(v)     # the Hessian differentiates sqrt's reverse rule
    return np.sum(s)


def sum_pow(v):
    p = v ** 1.5       # gradient 1.5 * sqrt(v) is finite at 0, the Hessian is not
    return np.sum(p)


def _message(run):
    with pytest.raises(FloatingPointError) as e:
        with explain.detect_nonfinite():
            run()
    return str(e.value)


TWO = onp.array([1.0, 0.0])


@pytest.mark.parametrize("run, fun, words", [
    (lambda: wengert.jacfwd(sqrt_each)(TWO), sqrt_each, ("numpy.sqrt", "tangent", "under vmap")),
    (lambda: wengert.jacrev(sqrt_each)(TWO), sqrt_each, ("numpy.sqrt", "reverse pass")),
    (lambda: wengert.vmap(wengert.grad(log_each))(onp.array([1.0, -1.0])), log_each,
     ("numpy.log", "forward pass", "under vmap")),
    (lambda: wengert.vmap(wengert.grad(sqrt_each))(TWO), sqrt_each,
     ("numpy.sqrt", "reverse pass", "under vmap")),
    (lambda: wengert.hessian(sum_pow)(TWO), sum_pow, ("numpy.power", "reverse rule of")),
])
def test_nonfinite_values_are_found_under_every_transform(run, fun, words):
    msg = _message(run)
    for w in words:
        assert w in msg, msg
    line = _line_of(fun, "# ")
    assert line in msg, msg


def test_under_hessian_the_users_operation_and_line_are_named_first():
    msg = _message(lambda: wengert.hessian(sum_sqrt)(TWO))
    assert msg.startswith(f"detect_nonfinite: the reverse rule of numpy.sqrt called at "
                          f"{_line_of(sum_sqrt, 'np.sqrt(v)')} produced inf"), msg
    assert "numpy.divide inside the rule" in msg


def test_compiled_functions_run_eagerly_while_detecting():
    fast = wengert.compile(wengert.grad(lambda v: np.sum(sqrt_each(v))))
    with onp.errstate(all="ignore"):
        assert onp.isinf(fast(TWO)[1])            # compiled, not watched
        assert onp.isinf(fast(TWO)[1])            # the compiled program runs
    msg = _message(lambda: fast(TWO))
    assert "numpy.sqrt" in msg and _line_of(sqrt_each, "# ") in msg
    onp.testing.assert_allclose(fast(onp.array([4.0])), [0.25])   # compiled again after
    assert fast.stats()["eager"] == 0


def test_detecting_in_one_thread_leaves_other_threads_alone():
    """8 threads: one detects (on finite gradients) while seven compute gradients
    through NaN forward values, which must not raise."""
    stop = threading.Event()
    errors, detector_calls = [], [0]

    def detector():
        while not stop.is_set():
            try:
                with explain.detect_nonfinite():
                    wengert.grad(lambda x: np.sum(np.sin(x)))(onp.ones(3))
                detector_calls[0] += 1
            except Exception as e:  # noqa: BLE001 - collected and reported below
                errors.append(e)

    def worker():
        f = wengert.grad(lambda x: np.sum(np.where(x > 0, np.log(np.abs(x)), 0.0)))
        for _ in range(60):
            try:
                with onp.errstate(all="ignore"):
                    g = f(onp.array([1.0, 0.0, 2.0]))
                assert g[0] == 1.0 and g[2] == 0.5
            except Exception as e:  # noqa: BLE001
                errors.append(e)

    threads = [threading.Thread(target=detector)]
    threads += [threading.Thread(target=worker) for _ in range(7)]
    for t in threads:
        t.start()
    for t in threads[1:]:
        t.join()
    stop.set()
    threads[0].join()
    assert errors == [] and detector_calls[0] > 0
    assert hooks.observers == []


def test_the_decorator_form_is_safe_in_threads():
    @explain.detect_nonfinite()
    def checked(x):
        return wengert.grad(lambda v: np.sum(np.sqrt(v)))(x)

    results = []

    def run(x):
        try:
            results.append(("ok", float(checked(x)[0])))
        except FloatingPointError:
            results.append(("nan", None))

    threads = [threading.Thread(target=run, args=(onp.array([0.0 if i % 2 else 4.0]),))
               for i in range(8) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == sorted([("ok", 0.25)] * 20 + [("nan", None)] * 20,
                                              key=str)
    assert hooks.observers == []


def test_gates_mark_only_their_own_threads_recording():
    """Thread A's gate runs while thread B's explain.trace started after A's is
    still recording: A's table shows A's gate, B's table shows none."""
    @explain.gate("square_it")
    def square_it(x):
        return x * x

    a_started, b_started, a_done = threading.Event(), threading.Event(), threading.Event()
    tables = {}

    def fun_a(x):
        a_started.set()
        assert b_started.wait(5)
        return square_it(x) + 1.0

    def fun_b(x):
        b_started.set()
        assert a_done.wait(5)
        return x * x + 1.0

    def run_a():
        tables["a"] = explain.trace(fun_a, 2.0)
        a_done.set()

    def run_b():
        assert a_started.wait(5)
        tables["b"] = explain.trace(fun_b, 3.0)

    threads = [threading.Thread(target=run_a), threading.Thread(target=run_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.op for r in tables["a"].rows] == ["input", "square_it", "add"]
    assert [r.op for r in tables["b"].rows] == ["input", "multiply", "add"]


def sqrt_then_many(x):
    y = np.sqrt(x)        # cotangent inf at 0
    for _ in range(50):
        y = y + 1.0
    return y


def test_memory_for_locations_is_bounded(monkeypatch):
    from wengert.explain import nonfinite
    msg = _message(lambda: wengert.grad(sqrt_then_many)(0.0))
    assert _line_of(sqrt_then_many, "np.sqrt(x)") in msg
    monkeypatch.setattr(nonfinite, "_REMEMBERED", 10)   # only the latest 10 are kept
    msg = _message(lambda: wengert.grad(sqrt_then_many)(0.0))
    assert "backward pass of numpy.sqrt" in msg and "its line was not recorded" in msg
