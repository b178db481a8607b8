"""Peak memory of gradients of one large array (issue 12, item 14), and the safety of
what saves it.

The tape drops what no reverse rule reads (numpy/_lean.py), a single-use tape
(grad, value_and_grad) drops each entry's values as soon as the backward pass is
past it, a cotangent that nothing else holds is accumulated in place, tanh's cotangent
is computed in the memory of its output once nothing else holds that, and ``x * x``
makes its cotangent once.  Peaks are NumPy's allocations seen by tracemalloc (no
timing), compared with hand-written NumPy in benchmarks/memory.py's W10.
"""
import pathlib
import sys

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert._core import defvjp, primitive

ROOT = str(pathlib.Path(__file__).resolve().parents[1])
if ROOT not in sys.path:               # benchmarks/ sits at the repository root
    sys.path.insert(0, ROOT)

from benchmarks import memory, workloads  # noqa: E402

# the excess over hand-written NumPy, in units of the input's size, that each case is
# allowed (one array); max's rule adds its masks (booleans: an eighth of the data each)
EXCESS = {"m+log(sum(exp(x-m)))": 1.25}


def test_w10_values_and_gradients_match_hand_written_numpy():
    rows = memory.w10(workloads.TINY, [], out=lambda *a: None)
    assert len(rows) == len(memory.W10_CASES) == 8


@pytest.mark.parametrize("case", memory.W10_CASES, ids=lambda c: c[0])
def test_peak_memory_within_one_array_of_hand_written(case):
    name, f, hand = case
    x = np.random.default_rng(0).uniform(-2.0, 2.0, 1 << 18)      # 2 MiB
    vg = wengert.value_and_grad(f)
    vg(x)
    ours = memory.peak_bytes(lambda: vg(x))[0] / x.nbytes
    floor = memory.peak_bytes(lambda: hand(x))[0] / x.nbytes
    assert ours <= floor + EXCESS.get(name, 1) + 0.05, (ours, floor)


def test_in_place_accumulation_never_writes_into_an_array_held_elsewhere():
    held = np.full(1 << 14, 2.0)           # 128 KiB: above the lean tape's threshold
    shared = primitive(lambda x: x * 1.0)
    defvjp(shared, lambda g, ans, x: held)                # a cotangent held by the rule
    view = primitive(lambda x: x * 1.0)
    base = np.full((2, 1 << 14), 3.0)
    defvjp(view, lambda g, ans, x: base[0])               # a view of another array
    x = np.ones(1 << 14)
    for p, kept in ((shared, held), (view, base)):
        before = kept.copy()
        g = wengert.grad(lambda x: wnp.sum(p(x)) + wnp.sum(x * x) + wnp.sum(p(x)))(x)
        np.testing.assert_array_equal(kept, before)
        np.testing.assert_array_equal(g, 2 * before.ravel()[:x.size] + 2 * x)


def test_a_vjp_function_can_be_called_again():
    x = np.linspace(-1.0, 1.0, 1 << 14)
    value, back = wengert.vjp(lambda x: wnp.tanh(x) * x ** 2, x)
    first = back(np.ones_like(x))[0].copy()
    np.testing.assert_array_equal(back(np.ones_like(x))[0], first)
    np.testing.assert_allclose(first, wengert.grad(lambda x: wnp.sum(wnp.tanh(x) * x ** 2))(x))


def test_x_times_x_gives_the_same_bits_as_two_products():
    x = np.random.default_rng(1).standard_normal(1 << 14)
    g = wengert.grad(lambda x: wnp.sum(wnp.sin(x) * wnp.sin(x)))(x)
    np.testing.assert_array_equal(g, np.cos(x) * np.sin(x) + np.cos(x) * np.sin(x))
    h = wengert.hessian(lambda x: wnp.sum(x * x) * 0.5)(x[:3])
    np.testing.assert_array_equal(h, np.eye(3))


def test_tanh_slope_of_a_large_array_has_the_bits_of_the_small_formula():
    # a large array's slope is computed in one temporary (square, then 1 - it in place)
    x = np.random.default_rng(1).standard_normal(1 << 14)        # 128 KiB: the large path
    g = wengert.grad(lambda x: wnp.sum(wnp.tanh(x) * x))(x)
    t = np.tanh(x)
    assert np.array_equal(g, x * (1 - t ** 2) + t)
    small = wengert.grad(lambda x: wnp.sum(wnp.tanh(x) * x))(x[:100])   # the plain formula
    assert np.array_equal(small, g[:100])



def test_tanh_cotangent_reuses_its_output_only_when_nothing_else_holds_it():
    x = np.random.default_rng(2).standard_normal(1 << 14)        # 128 KiB: the large path
    t = np.tanh(x)
    expected = x * (1 - t ** 2) + t
    # nothing else holds tanh's output: its memory becomes the cotangent, the same bits
    assert np.array_equal(wengert.grad(lambda x: wnp.sum(wnp.tanh(x) * x))(x), expected)
    # the program keeps tanh's output (as a plain array, or as the output): it must come
    # back unchanged, and the gradient is the same
    kept = []

    def keeping(x):
        y = wnp.tanh(x)
        kept.append(wengert.stop_gradient(y))
        return wnp.sum(y * x)

    assert np.array_equal(wengert.grad(keeping)(x), expected)
    np.testing.assert_array_equal(kept[0], t)
    def with_aux(x):
        y = wnp.tanh(x)
        return wnp.sum(y * x), y          # the same output, handed back as the aux

    value, g = wengert.value_and_grad(with_aux, has_aux=True)(x)
    assert np.array_equal(g, expected)
    np.testing.assert_array_equal(value[1], t)
    # a vjp function is called again: its tape must stay intact
    _, back = wengert.vjp(wnp.tanh, x)
    first = back(np.ones_like(x))[0].copy()
    np.testing.assert_array_equal(back(np.ones_like(x))[0], first)
    np.testing.assert_array_equal(first, 1 - t ** 2)


def test_a_user_rule_replaces_the_in_place_tanh_rule():
    from wengert._core.rules import restore_rules as restore, rules_of as snapshot
    x = np.linspace(-1.0, 1.0, 1 << 14)
    saved = snapshot(wnp.tanh, "reverse")
    try:
        defvjp(wnp.tanh, lambda g, ans, x: g * 3.0)
        np.testing.assert_array_equal(wengert.grad(lambda x: wnp.sum(wnp.tanh(x)))(x),
                                      np.full_like(x, 3.0))
    finally:
        restore(wnp.tanh, "reverse", saved)
    t = np.tanh(x)
    assert np.array_equal(wengert.grad(lambda x: wnp.sum(wnp.tanh(x)))(x), 1 - t ** 2)
