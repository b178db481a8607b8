"""W6 (import time, peak memory of W2) and W7 (peak memory of a residual chain's
gradient, with and without ``wengert.checkpoint``).

Peak memory is measured with ``tracemalloc``, which sees NumPy's array buffers
(NumPy reports them to it) and Python objects, but not PyTorch's or JAX's
allocators: peers are left out of the memory tables for that reason.
"""
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np

import wengert
import wengert.numpy as wnp

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


def import_seconds(module, repeats):
    """Median wall time of ``import module`` in fresh interpreters (seconds)."""
    code = (f"import time; t = time.perf_counter(); import {module}; "
            "print(time.perf_counter() - t)")
    env = dict(os.environ)
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    # Users import from bytecode caches: allow them and write them with one untimed run
    # (with PYTHONDONTWRITEBYTECODE set, every import would recompile every module).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times), times


def w6(size, peers, out=print):
    """Import time of wengert (and installed peers) against NumPy; W2's peak memory."""
    repeats = {FULL: 9, QUICK: 3, TINY: 1}[size]
    out(f"\nW6: import time (fresh interpreters, median of {repeats}) and peak memory of W2")
    t_np, _ = import_seconds("numpy", repeats)
    out(f"  {'import':34s} {'median ms':>12s} {'spread':>8s} {'× numpy':>9s} {'+ ms':>8s}")
    rows = {}
    for module in ["numpy", "wengert"] + [p for p in peers]:
        med, xs = import_seconds(module, repeats) if module != "numpy" else (t_np, _)
        rows[module] = med
        spread = 100 * (max(xs) - min(xs)) / med if len(xs) > 1 else 0.0
        out(f"  {module:34s} {1e3 * med:12.1f} {spread:7.1f}% {med / t_np:8.2f}× "
            f"{1e3 * (med - t_np):8.1f}")
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
