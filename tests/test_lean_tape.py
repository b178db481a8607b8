"""The lean tape: a value no reverse rule reads is not kept on the tape.

The declarations (``def_keep`` next to each primitive's rules) are checked by running every operation of the
op table with every array hollowed out (threshold 0): a rule reading a value it
declared it does not need would read NaN and its gradient would differ.
"""
import warnings

import numpy as np
import pytest

import wengert
import wengert._core
import wengert.numpy as wnp
from wengert import tree
from wengert._core import tape as _tape
from wengert._specs import OP_SPECS
from wengert.test_util import check_grads


def _grads(spec, args):
    def loss(*a):
        return sum(wnp.sum(wnp.real(leaf) * 0.7) for leaf in tree.leaves(spec.fun(*a)))
    return wengert.grad(loss, argnum=tuple(range(len(args))))(*args)


def test_every_op_gives_the_same_gradient_on_a_lean_tape(monkeypatch):
    rng = np.random.default_rng(0)
    samples = [(s, s.sample(rng)) for s in OP_SPECS if s.is_float64 and not s.xfail]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = [_grads(s, a) for s, a in samples]
        monkeypatch.setattr(_tape, "_lean_bytes", [0])     # hollow out every array
        lean = [_grads(s, a) for s, a in samples]
    bad = [str(s) for (s, _), f, g in zip(samples, full, lean)
           if not all(np.array_equal(x, y, equal_nan=True)
                      for x, y in zip(tree.leaves(f), tree.leaves(g)))]
    assert not bad, bad


def test_lean_tape_at_second_order_and_in_forward_over_reverse(monkeypatch, rng):
    monkeypatch.setattr(_tape, "_lean_bytes", [0])
    W = rng.standard_normal((3, 3))

    def f(x):
        h = wnp.tanh(x @ W)
        return wnp.sum(wnp.exp(h) * x - h) / 2
    check_grads(f, modes=["fwd", "rev"], order=2)(rng.standard_normal((2, 3)))


def test_residual_chain_keeps_one_array_per_layer():
    """x <- x + w tanh(x): only tanh's output stays on the tape (measured: the tape
    holds one full array per layer instead of four)."""
    x = np.random.default_rng(0).standard_normal((64, 256))     # 128 KiB per array

    def f(x):
        for w in (0.5, -0.3, 0.2):
            x = x + w * wnp.tanh(x)
        return wnp.sum(x)

    trace = wengert._core.TapeTrace()
    box = trace.new_input(x)
    f(box)
    held = {id(a): a.nbytes for e in trace.entries if e is not None
            for a in (*e[1], e[3]) if type(a) is np.ndarray and a.base is None}
    assert len(held) == 3      # the three tanh outputs
    assert pytest.approx(wengert.grad(f)(x)) == _reference(x)


def _reference(x):
    g = np.ones_like(x)
    ts = []
    for w in (0.5, -0.3, 0.2):
        t = np.tanh(x)
        ts.append((w, t))
        x = x + w * t
    for w, t in reversed(ts):
        g = g + g * w * (1 - t * t)
    return g
