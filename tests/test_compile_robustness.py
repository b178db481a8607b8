"""wengert.compile on odd arguments, changing constants, threads and large programs.

Every compiled call must equal eager evaluation; the generated source must
never hold text taken from a user object's ``__repr__`` (constants are bound by
reference); what compile cannot see change must be documented, and what it can
see (a random generator drawn from, a closed-over array rebound or rewritten)
must not give stale numbers.
"""
import enum
import functools
import threading
import warnings

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert import tree


def _close(a, b):
    la, lb = tree.leaves(a), tree.leaves(b)
    return len(la) == len(lb) and all(np.allclose(x, y, rtol=1e-12, atol=0)
                                      for x, y in zip(la, lb))


X = np.array([0.5, -1.0, 2.0])


class Color(enum.Enum):
    RED = 1
    BLUE = 2


class Scale:
    factor = 3.0


class Holder:
    def __init__(self):
        self.s = 2.0


# -- arguments that are not arrays: constants of the signature ----------------------------
STATIC_ARGS = {
    "function": (lambda v, act: wnp.sum(act(v)), wnp.tanh),
    "partial": (lambda v, act: wnp.sum(act(v) ** 2), functools.partial(wnp.multiply, 3.0)),
    "enum": (lambda v, e: wnp.sum(v * e.value), Color.BLUE),
    "class": (lambda v, k: wnp.sum(v * k.factor), Scale),
    "object": (lambda v, h: wnp.sum(v * h.s), Holder()),
    "dtype": (lambda v, d: wnp.sum(v.astype(d) ** 2), np.dtype("float32")),
    "frozenset": (lambda v, fs: wnp.sum(v * len(fs)), frozenset({1, 2})),
    "enum keys": (lambda v, d: wnp.sum(v * d[Color.RED] + d[Color.BLUE]),
                  {Color.RED: 2.0, Color.BLUE: 1.0}),
    "inf key": (lambda v, d: wnp.sum(v * d[float("inf")]), {float("inf"): 2.0}),
    "nan and -0.0 keys": (lambda v, d: wnp.sum(v * d[-0.0]), {-0.0: 2.0, float("nan"): 1.0}),
}


@pytest.mark.parametrize("case", list(STATIC_ARGS))
def test_static_argument_kinds_compile_and_rerun(case):
    f, arg = STATIC_ARGS[case]
    g = wengert.grad(f)
    c = wengert.compile(g)
    want = g(X, arg)
    for _ in range(3):     # the second call used to raise NameError: name 'c1' is not defined
        assert _close(c(X, arg), want)
    assert c.stats()["traces"] == 1


def test_a_different_function_argument_is_a_new_signature():
    c = wengert.compile(wengert.grad(lambda v, act: wnp.sum(act(v))))
    assert _close(c(X, wnp.tanh), wengert.grad(lambda v: wnp.sum(wnp.tanh(v)))(X))
    assert _close(c(X, wnp.sin), np.cos(X))
    assert _close(c(X, wnp.tanh), 1 - np.tanh(X) ** 2)
    assert c.stats()["signatures"] == 2


class Hostile(str):
    """A str whose repr is code: pasting it into the source would run it."""
    calls = 0

    def __repr__(self):
        Hostile.calls += 1
        return "__import__('os')._exit(3)"


class HostileName:
    """An object whose every text is hostile."""

    def __repr__(self):
        Hostile.calls += 1
        return "__import__('os')._exit(3)"

    __str__ = __repr__

    def __call__(self, v):
        return v * 2.0


def test_no_repr_of_user_objects_reaches_the_source():
    Hostile.calls = 0
    key = Hostile("k")

    def f(v, d, h):
        return {Hostile("out"): wnp.sum(v * d[key]) + wnp.sum(h(v)), Color.RED: v + 1}
    c = wengert.compile(f)
    args = (X, {key: 2.0}, HostileName())
    want = f(*args)
    for _ in range(3):
        got = c(*args)
        assert set(got) == set(want) and all(_close(got[k], want[k]) for k in want)
    src = c.source(*args) + c.executed_source(*args)
    assert "_exit" not in src
    assert Hostile.calls == 0


def test_hostile_function_names_are_sanitized():
    def act(v):
        return v * 3.0
    act.__name__ = "x); import os; os._exit(3); ("
    c = wengert.compile(lambda v, a: wnp.sum(a(v)))
    assert _close(c(X, act), np.sum(X * 3.0))
    assert _close(c(X, act), np.sum(X * 3.0))
    assert "_exit" not in c.executed_source(X, act)


def test_negative_literal_base_of_a_power():
    # -2.0 ** x parses as -(2.0 ** x): constants are written with their sign in parentheses
    f = lambda v: wnp.sum(wnp.power(-2.0, v) + wnp.power(-3, v))
    x = np.array([1.0, 2.0])
    c = wengert.compile(f)
    assert [c(x) for _ in range(2)] == [f(x)] * 2


# -- threads ---------------------------------------------------------------------------------
def test_concurrent_first_calls_share_the_cache_safely():
    """8 threads make first calls with 6 signatures through a cache of 4 (evictions and
    traces interleave); every call returns the eager gradient and nothing raises.  Before
    the cache had a lock, this raised "OrderedDict mutated during iteration" or KeyError."""
    import sys
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)      # switch threads as often as possible
    g = wengert.grad(lambda w, x: wnp.sum(wnp.tanh(x @ w) ** 2))
    problems = []
    try:
        for _ in range(15):
            c = wengert.compile(g, max_cache=4)
            barrier = threading.Barrier(8)

            def work(t):
                barrier.wait()
                for i in range(16):
                    n = 1 + (t + i) % 6
                    w, x = np.full(n, 0.1 * (t + 1)), np.eye(n)
                    try:
                        if not np.allclose(c(w, x), g(w, x), rtol=1e-12, atol=0):
                            problems.append(("wrong", t, n))
                    except Exception as e:   # noqa: BLE001 - any exception is the failure
                        problems.append(repr(e))
            threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    finally:
        sys.setswitchinterval(old)
    assert problems == []


def test_one_thread_traces_a_signature_while_the_others_wait():
    g = wengert.grad(lambda w: wnp.sum(wnp.sin(w) ** 2))
    c = wengert.compile(g)
    barrier = threading.Barrier(8)
    out = []

    def work():
        barrier.wait()
        out.append(c(X))
    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 8 and all(_close(o, g(X)) for o in out)
    assert c.stats()["traces"] == 1
