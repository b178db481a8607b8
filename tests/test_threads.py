"""Transforms in several threads at once give bit-identical results to one thread.

Everything a transform remembers lives on its trace or in thread-local storage
(issue 12, item 12): the batching layer's record of which NumPy function is
running (a global set made ``grad(vmap(f))`` of plain-NumPy code fail with "numpy.sum
has no derivative rule" in other threads), and the observers of
``explain.detect_nonfinite`` (one thread's debugging context made other threads'
gradients raise).  Python switches threads every microsecond here, so that the
calls interleave inside the traces.
"""
import sys
import threading

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert import explain
from wengert._core import hooks

THREADS = 8


@pytest.fixture
def fast_switching():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def _in_threads(fun, calls, background=None):
    """Results of ``fun()`` called ``calls`` times in each of THREADS threads (while
    ``background(stop)`` runs in one more), and the exceptions raised."""
    results, errors, stop = [], [], threading.Event()

    def work():
        for _ in range(calls):
            try:
                results.append(fun())
            except Exception as e:  # noqa: BLE001 - every failure is reported
                errors.append(f"{type(e).__name__}: {e}")

    extra = [threading.Thread(target=background, args=(stop,))] if background else []
    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in extra + threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    for t in extra:
        t.join()
    return results, errors


def _identical(results, ref):
    for out in results:
        for a, b in zip(wengert.tree.leaves(out), wengert.tree.leaves(ref)):
            if not np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True):
                return False
    return True


def _plain_numpy(x):
    return np.sum(np.tanh(x) * x) + np.max(x)     # NumPy's functions on batched values


def test_grad_of_vmap_of_plain_numpy_code(fast_switching):
    X = np.random.default_rng(0).standard_normal((4, 3))
    g = wengert.grad(lambda X: wnp.sum(wengert.vmap(_plain_numpy)(X)))
    ref = g(X)
    results, errors = _in_threads(lambda: g(X), 40)
    assert not errors, errors[:3]
    assert len(results) == THREADS * 40 and _identical(results, ref)


def test_transforms_of_every_kind_together(fast_switching):
    rng = np.random.default_rng(1)
    x, X, y = rng.standard_normal(4), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))

    def loss(x, y):
        return wnp.sum(x[wnp.argsort(y), None] ** 3) + _plain_numpy(x * y)
    jobs = [
        lambda: wengert.vmap(wengert.grad(loss), in_axes=(None, 0))(x, y),
        lambda: wengert.grad(lambda x: wnp.sum(wengert.vmap(loss, in_axes=(None, 0))(x, y)))(x),
        lambda: wengert.vmap(wengert.hessian(lambda x: wnp.sum(wnp.sin(x) * x[::-1])))(X),
        lambda: wengert.jvp(lambda x: wengert.vmap(_plain_numpy)(x), (X,), (y,)),
    ]
    refs = [job() for job in jobs]
    counter = iter(range(10 ** 9))

    def one():
        k = next(counter) % len(jobs)
        return k, jobs[k]()
    results, errors = _in_threads(one, 12)
    assert not errors, errors[:3]
    assert all(_identical([out], refs[k]) for k, out in results)


def test_detect_nonfinite_in_one_thread_leaves_the_others_alone(fast_switching):
    X = np.random.default_rng(2).standard_normal((4, 3))
    with np.errstate(all="ignore"):
        # NaN in the unselected branch of where: a legitimate non-finite intermediate
        g = wengert.grad(lambda X: wnp.sum(wnp.where(X > 0, wnp.log(X) * X, 0.0)))
        ref = g(X)

    def debugging(stop):
        while not stop.is_set():
            with pytest.raises(FloatingPointError):
                with explain.detect_nonfinite():
                    wengert.grad(lambda x: wnp.sum(wnp.log(x - 10.0)))(np.ones(3))

    def call():
        with np.errstate(all="ignore"):
            return g(X)
    results, errors = _in_threads(call, 30, background=debugging)
    assert not errors, errors[:3]
    assert _identical(results, ref)
    assert hooks.observers == []


def test_an_observer_sees_its_own_thread_only():
    seen, ready, done = [], threading.Event(), threading.Event()

    def other():
        ready.wait()
        wengert.grad(lambda x: wnp.sum(wnp.cos(x)))(np.ones(2))
        done.set()

    t = threading.Thread(target=other)
    t.start()
    fn = hooks.watch(lambda event, prim, value, detail: seen.append(prim.name))
    try:
        ready.set()
        done.wait()
        wengert.grad(lambda x: wnp.sum(wnp.sin(x)))(np.ones(2))
    finally:
        hooks.unwatch(fn)
    t.join()
    assert "numpy.sin" in seen and "numpy.cos" not in seen
