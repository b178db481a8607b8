"""W6 (import time, peak memory of W2), W7 (peak memory of a residual chain's
gradient, with and without ``wengert.checkpoint``) and W10 (peak memory of the value
and gradient of eight losses of one large array, against hand-written NumPy).

Peak memory is measured with ``tracemalloc``, which sees NumPy's array buffers
(NumPy reports them to it) and Python objects, but not PyTorch's or JAX's
allocators: peers are left out of the memory tables for that reason.
"""
import time
import tracemalloc

import numpy as np

import wengert
import wengert.numpy as wnp
import wengert.scipy.special

from . import import_time
from .harness import Workload
from .workloads import FULL, QUICK, TINY, _mlp

MB = 2 ** 20


def peak_bytes(fn):
    """(peak bytes allocated above the starting level while ``fn()`` runs, its result)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak, result


def w6(size, peers, out=print):
    """Import time of wengert (and installed peers) against NumPy; W2's peak memory."""
    rounds = {FULL: 15, QUICK: 3, TINY: 1}[size]
    out(f"\nW6: import time (fresh interpreters, rotated order, median of {rounds} rounds; "
        "× numpy = median of the ratio within a round) and peak memory of W2")
    walls, selfs = import_time.measure(["numpy", "wengert", "wengert.numpy"] + list(peers),
                                       rounds)
    rows = import_time.report(walls, selfs, top=8, out=out)
    w = w2_memory(size)
    out(f"  {'W2 float64 gradient, peak memory':34s} {'MB':>12s} {'':8s} {'× floor':>9s}")
    floor = w["numpy (hand-written)"]
    for name, peak in w.items():
        out(f"  {name:38s} {peak / MB:8.1f} {'':8s} {peak / floor:8.2f}×")
    out("  (tracemalloc cannot see PyTorch's or JAX's allocators: peers are not measured)")
    return rows, w


def w2_memory(size):
    """Peak bytes of one W2 float64 gradient, hand-written and by wengert."""
    (w,) = [x for x in _w2_workloads(size) if "float64" in x.name]
    w.check()
    peaks = {}
    for name in ("numpy (hand-written)", "wengert grad"):
        w.impls[name]()              # warm-up, so that only the call itself is measured
        peaks[name] = peak_bytes(w.impls[name])[0]
    return peaks


def _w2_workloads(size):
    sizes, batch = {FULL: ([784, 512, 512, 10], 128), QUICK: ([784, 128, 128, 10], 32),
                    TINY: ([12, 8, 8, 3], 4)}[size]
    return [_mlp("W2 float64", "", sizes, batch, "xent", np.float64, [], 1e-10, False)]


# -- W7 ---------------------------------------------------------------------------------------
def residual(x, ws, xp):
    """x ← x + w·tanh(x) for each w; returns Σ x."""
    for w in ws:
        x = x + w * xp.tanh(x)
    return xp.sum(x)


def residual_grad_floor(x, ws, g=None):
    """By hand: keep each layer's tanh output t, then g ← g + g·w·(1 - t²) backwards
    (``g``, the cotangent of the output, defaults to ones and is updated in place)."""
    ts = []
    for w in ws:
        t = np.tanh(x)
        ts.append(t)
        x = x + w * t
    g = np.ones_like(x) if g is None else g
    for w, t in zip(reversed(ws), reversed(ts)):
        t *= t                         # in place: t is not needed again
        np.subtract(1, t, out=t)
        t *= w
        t *= g
        g += t
    return g


def residual_grad_floor_checkpointed(x, ws, every):
    """By hand with checkpoints: keep only each segment's input in the forward pass,
    recompute the segment's tanh outputs during the backward pass."""
    starts = list(range(0, len(ws), every))
    inputs = []
    for i in starts:
        inputs.append(x)
        for w in ws[i:i + every]:
            x = x + w * np.tanh(x)
    g = np.ones_like(x)
    for i, x0 in zip(reversed(starts), reversed(inputs)):
        g = residual_grad_floor(x0, ws[i:i + every], g)
    return g


def residual_checkpointed(x, ws, every):
    """The residual chain with ``wengert.checkpoint`` around each run of ``every`` layers."""
    segment = wengert.checkpoint(lambda x, seg: _segment(x, seg))
    for i in range(0, len(ws), every):
        x = segment(x, tuple(ws[i:i + every]))
    return wnp.sum(x)


def _segment(x, seg):
    for w in seg:
        x = x + w * wnp.tanh(x)
    return x


def w7_workload(size):
    n, layers = {FULL: (1000, 50), QUICK: (300, 20), TINY: (6, 5)}[size]
    every = max(1, round(layers ** 0.5))
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, n))
    ws = [0.1] * layers
    g_plain = wengert.grad(lambda x: residual(x, ws, wnp))
    g_ckpt = wengert.grad(lambda x: residual_checkpointed(x, ws, every))
    impls = {"numpy (hand-written)": lambda: residual_grad_floor(x, ws),
             f"numpy (hand-written), ckpt every {every}":
                 lambda: residual_grad_floor_checkpointed(x, ws, every),
             "wengert grad": lambda: g_plain(x),
             f"wengert grad, checkpoint every {every}": lambda: g_ckpt(x)}
    return Workload("W7", f"gradient of a {layers}-layer residual chain x ← x + 0.1·tanh(x), "
                    f"x {n}×{n} float64: peak memory", impls, "numpy (hand-written)",
                    rtol=1e-12), n, layers


def w7(size, peers, out=print):
    """Peak memory (and the time of that one call) of W7's implementations."""
    w, n, layers = w7_workload(size)
    w.check()
    out(f"\n{w.name}: {w.title}")
    out(f"  {'implementation':38s} {'peak MB':>8s} {'× floor':>9s} {'× one array':>12s} "
        f"{'time s':>8s}")
    floor = None
    peaks = {}
    for name, fn in w.impls.items():
        t0 = time.perf_counter()
        peak, _ = peak_bytes(fn)
        dt = time.perf_counter() - t0
        floor = floor or peak
        peaks[name] = peak
        out(f"  {name:38s} {peak / MB:8.1f} {peak / floor:8.2f}× {peak / (8 * n * n):11.1f} "
            f"{dt:8.3f}")
    out("  (one call each, under tracemalloc; peers are not measured: tracemalloc cannot see "
        "their allocators)")
    return peaks


# -- W10 --------------------------------------------------------------------------------------
# Value and gradient of eight small losses of one large array, by hand and by wengert.
# Hand-written NumPy is written the way a careful person would (temporaries freed as soon
# as possible, in-place updates of arrays nobody else holds): the floor.
def _hand_sum_sq(x):
    v = np.sum(x * x)
    g = x * 2.0
    return v, g


def _hand_cube(x):
    v = np.sum(x ** 3)
    g = x * x
    g *= 3.0
    return v, g


def _hand_mean_sq(x):
    d = x - 1.0
    v = np.mean(d * d)
    d *= 2.0 / d.size
    return v, d


def _hand_tanh_x(x):
    t = np.tanh(x)
    v = np.sum(t * x)
    g = t * t                      # d/dx tanh(x)·x = tanh(x) + x·(1 - tanh(x)²)
    np.subtract(1.0, g, out=g)
    g *= x
    g += t
    return v, g


def _hand_logsumexp(x):
    m = np.max(x)
    e = x - m
    np.exp(e, out=e)
    s = np.sum(e)
    e /= s
    return m + np.log(s), e


def _hand_norm(x):
    v = np.sqrt(np.sum(x * x))
    return v, x / v


def _hand_inplace(x):
    y = x.copy()
    y[: x.shape[0] // 2] = 0.0
    v = np.sum(y * y)
    y *= 2.0
    return v, y


def _logsumexp_by_hand(x):
    m = wnp.max(x)
    return m + wnp.log(wnp.sum(wnp.exp(x - m)))


def _write_then_square(x):
    y = x * 1.0
    y[: x.shape[0] // 2] = 0.0
    return wnp.sum(y ** 2)


W10_CASES = [   # (name, wengert loss, hand-written value and gradient)
    ("sum(x*x)", lambda x: wnp.sum(x * x), _hand_sum_sq),
    ("sum(x**3)", lambda x: wnp.sum(x ** 3), _hand_cube),
    ("mean((x-1)**2)", lambda x: wnp.mean((x - 1.0) ** 2), _hand_mean_sq),
    ("sum(tanh(x)*x)", lambda x: wnp.sum(wnp.tanh(x) * x), _hand_tanh_x),
    ("logsumexp(x)", lambda x: wengert.scipy.special.logsumexp(x), _hand_logsumexp),
    ("m+log(sum(exp(x-m)))", lambda x: _logsumexp_by_hand(x), _hand_logsumexp),
    ("norm(x)", lambda x: wnp.linalg.norm(x), _hand_norm),
    ("y[:n/2]=0; sum(y**2)", _write_then_square, _hand_inplace),
]


def w10_cases(size):
    """(name, wengert value_and_grad, hand-written) for each case, and the input."""
    n = {FULL: 200 * MB // 8, QUICK: MB, TINY: 1000}[size]     # 200 MB, 8 MB, 8 kB
    x = np.random.default_rng(9).uniform(-2.0, 2.0, n)
    return [(name, wengert.value_and_grad(f), hand) for name, f, hand in W10_CASES], x


def w10(size, peers, out=print):
    """Peak memory of value_and_grad of eight losses, as a multiple of the input's size."""
    cases, x = w10_cases(size)
    out(f"\nW10: value and gradient of eight losses of one float64 array of "
        f"{x.nbytes / MB:.0f} MB: peak memory")
    out(f"  {'loss':26s} {'wengert':>9s} {'by hand':>9s} {'excess':>8s}")
    rows = {}
    for name, vg, hand in cases:
        v, g = vg(x)
        hv, hg = hand(x)
        if not (np.allclose(v, hv, rtol=1e-9) and np.allclose(g, hg, rtol=1e-9, atol=1e-300)):
            raise AssertionError(f"W10 {name}: wengert and the hand-written gradient differ")
        del v, g, hv, hg
        multiples = []
        for fn in (vg, hand):
            peak, _ = peak_bytes(lambda fn=fn: fn(x))
            multiples.append(1 + peak / x.nbytes)     # the input counts as one
        rows[name] = tuple(multiples)
        out(f"  {name:26s} {multiples[0]:8.2f}× {multiples[1]:8.2f}× "
            f"{multiples[0] - multiples[1]:+7.2f}")
    out("  (peak of NumPy's allocations under tracemalloc during one call, the input "
        "included, in units of the input's size; the result is held when the peak is read)")
    return rows
