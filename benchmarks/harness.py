"""Timing, comparison and table printing shared by every workload."""
import dataclasses
import datetime
import importlib.util
import os
import platform
import statistics
import sys
import time

import numpy as np
from . import targets

PEERS = ("autograd", "torch", "jax")


def available_peers():
    """Names of the peer libraries importable here (none is required)."""
    return [p for p in PEERS if importlib.util.find_spec(p) is not None]


def machine_line():
    """One line naming the machine, the versions and the date of this run."""
    import wengert
    parts = [f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
             f"{os.cpu_count()} CPUs", platform.machine(), f"Python {platform.python_version()}",
             f"NumPy {np.__version__}", f"wengert {wengert.__version__}"]
    for name in available_peers():
        parts.append(f"{name} {getattr(__import__(name), '__version__', '?')}")
    return ", ".join(parts) + f", load average {load():.2f}"


def load():
    """The 1-minute load average (0 where the OS does not report one)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def contention_warning():
    """A warning line when other processes compete for the CPUs, else None.

    Multithreaded BLAS sharing cores with another busy process can run many
    times slower (threads spin waiting for each other), so such a run's
    array workloads say little.
    """
    busy = load()
    if busy > 0.5:
        return (f"WARNING: load average {busy:.2f} over the last minute: other processes compete "
                "for the CPUs; array workloads may be many times slower and noisier than on "
                "a quiet machine")
    return None


@dataclasses.dataclass
class Workload:
    """A derivative computed several ways.

    ``impls`` maps an implementation's name to a zero-argument callable that
    returns the derivative; ``floor`` names the hand-written NumPy one every
    other is checked against (relative tolerance ``rtol`` of the largest entry)
    and divided by.  ``extra`` maps names to callables that are timed but not
    checked (forward passes, for instance).  ``per`` divides every time for
    the table (W1 reports time per operation) and ``unit`` names the result.
    """
    name: str
    title: str
    impls: dict
    floor: str
    rtol: float
    extra: dict = dataclasses.field(default_factory=dict)
    per: float = 1.0
    unit: str = "ms"
    notes: list = dataclasses.field(default_factory=list)
    summarize: object = None   # optional: samples -> extra lines for the table

    def check(self):
        """Assert that every implementation computes the floor's derivative."""
        want = _leaves(self.impls[self.floor]())
        for name, fn in self.impls.items():
            if name == self.floor:
                continue
            got = _leaves(fn())
            assert len(got) == len(want), (
                f"{self.name} {name}: {len(got)} gradient leaves, the floor has {len(want)}")
            for i, (g, w) in enumerate(zip(got, want)):
                assert g.shape == w.shape, (
                    f"{self.name} {name}: leaf {i} has shape {g.shape}, the floor {w.shape}")
                scale = max(float(np.max(np.abs(w))), 1e-300) if w.size else 1.0
                err = float(np.max(np.abs(g - w))) / scale if w.size else 0.0
                assert err <= self.rtol, (
                    f"{self.name} {name}: leaf {i} differs from the floor by {err:.2e} "
                    f"(relative to its largest entry; tolerance {self.rtol:.0e})")


def _leaves(x):
    """Flatten a derivative (array, float, tensor, or nested tuple/list/dict) to float64 arrays."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in _leaves(x[k])]
    if isinstance(x, (tuple, list)):
        return [leaf for item in x for leaf in _leaves(item)]
    if hasattr(x, "detach"):          # a torch tensor
        x = x.detach().numpy()
    return [np.asarray(x, dtype=np.float64)]


def _calls_per_sample(fn, target):
    """How many calls of ``fn`` take about ``target`` seconds (at least one)."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target or n >= 1 << 20:
            return max(1, int(n * target / max(dt, 1e-9)))
        n *= 4


def measure(fns, rounds, target):
    """Time every callable of ``fns`` (a dict) for ``rounds`` rounds, rotating
    the order each round, each sample about ``target`` seconds long.

    Returns ``{name: [seconds per call, one per round]}``.
    """
    names = list(fns)
    for name in names:           # warm-up: caches, allocator, JIT compilation
        fns[name]()
    number = {name: _calls_per_sample(fns[name], target) for name in names}
    samples = {name: [] for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            fn, n = fns[name], number[name]
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - t0) / n)
    return samples


def spread(xs):
    """Interquartile range relative to the median, in percent."""
    if len(xs) < 4:
        return 100 * (max(xs) - min(xs)) / statistics.median(xs)
    q = statistics.quantiles(xs, n=4)
    return 100 * (q[2] - q[0]) / statistics.median(xs)


def run_workload(w, rounds, target, out=print):
    """Check ``w``, time it and print its table."""
    w.check()
    fns = dict(w.impls)
    fns.update(w.extra)
    samples = measure(fns, rounds, target)
    floor = samples[w.floor]
    scale = {"s": 1.0, "ms": 1e3, "µs": 1e6}[w.unit]
    out(f"\n{w.name}: {w.title}")
    out(f"  {'implementation':34s} {'median ' + w.unit:>12s} {'spread':>8s} {'× floor':>9s}")
    medians, ratios = {}, {}
    for name, xs in samples.items():
        med = medians[name] = statistics.median(xs) * scale / w.per
        # ratios per round, then their median: drift between rounds cancels
        ratio = ratios[name] = statistics.median(x / f for x, f in zip(xs, floor))
        noisy = "  noisy" if spread(xs) > 25 else ""
        out(f"  {name:34s} {med:12.4g} {spread(xs):7.1f}% {ratio:8.2f}×{noisy}")
    if w.summarize is not None:
        for line in w.summarize(samples):
            out(f"  {line}")
    for line in w.notes:
        out(f"  {line}")
    for line in targets.lines(w.name, medians, ratios, w.unit):
        out(f"  {line}")
    return samples
