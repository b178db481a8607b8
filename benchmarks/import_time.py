"""Import time (W6): ``import wengert`` and ``import wengert.numpy`` against ``import numpy``.

``python -m benchmarks.import_time [--rounds 21] [--top 12]`` prints W6's import table and
the modules wengert adds to NumPy's, each with its median self-time from
``python -X importtime`` (time spent in that module itself, not its imports): these are
less noisy than wall time on a busy machine, and they say where the time goes.

Every import runs in a fresh interpreter. Each round runs every import once, in an order
rotated from round to round, so that a change in the machine's load hits all of them
alike; the ratio is the median over rounds of (time / NumPy's time in the same round).
Imports read bytecode caches, as an installed package does (one untimed run writes them;
with ``PYTHONDONTWRITEBYTECODE`` set and no caches, every import would compile every
module, which measures the compiler rather than the import).
"""
import argparse
import os
import statistics
import subprocess
import sys

TARGET = 1.2          # issue 16: import wengert within 1.2x of import numpy
# why a run can miss it (measured 2026-12-05, when it was last examined)
WHY = ("near the bound and noisy: wengert's 39 modules take 9.0 ms of self-time against "
       "NumPy's 60 (15%), and each module costs about 75 µs to find and load even when "
       "empty (40 empty modules: 3 ms); 1.15-1.19x in a 41-round run, 1.16x and 1.26x for "
       "the same work (wengert, wengert.numpy) in one 15-round run; merging them into "
       "15 larger modules would take about 1.8 ms more off")
SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH")) if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def wall_seconds(module, env):
    """Wall time of ``import module`` in a fresh interpreter (seconds)."""
    code = (f"import time; t = time.perf_counter(); import {module}; "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def self_times(module, env):
    """{module name: self-time in µs} of every module ``import module`` loads, from
    ``python -X importtime`` in a fresh interpreter."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         env=env, capture_output=True, text=True, check=True).stderr
    times = {}
    for line in err.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _, name = line[len("import time:"):].split("|")
            times[name.strip()] = int(own)
    return times


def measure(modules, rounds, profiled=("numpy", "wengert")):
    """Wall times {module: [seconds per round]} of ``modules`` (the first is the
    baseline), and the median self-times {module: {loaded module: µs}} of ``profiled``."""
    env = _env()
    for m in modules:
        wall_seconds(m, env)        # writes the bytecode caches; not timed
    walls = {m: [] for m in modules}
    selfs = {m: {} for m in profiled}
    for r in range(rounds):
        k = r % len(modules)
        for m in modules[k:] + modules[:k]:
            walls[m].append(wall_seconds(m, env))
        for m in profiled:
            for name, us in self_times(m, env).items():
                selfs[m].setdefault(name, []).append(us)
    selfs = {m: {n: statistics.median(v) for n, v in t.items()} for m, t in selfs.items()}
    return walls, selfs


def report(walls, selfs, top=12, out=print):
    """Print the table: median wall time, ratio to the first module, added ms; then the
    modules ``wengert`` loads beyond NumPy's and their self-times."""
    base_name = next(iter(walls))
    base = walls[base_name]
    t0 = statistics.median(base)
    out(f"  {'import':34s} {'median ms':>12s} {'spread':>8s} {'× numpy':>9s} {'+ ms':>8s}")
    rows = {}
    for m, xs in walls.items():
        med = statistics.median(xs)
        ratio = statistics.median(x / b for x, b in zip(xs, base))
        spread = 100 * (statistics.quantiles(xs, n=4)[2] - statistics.quantiles(xs, n=4)[0]) \
            / med if len(xs) >= 4 else 0.0
        flag = "" if m == base_name or not m.startswith("wengert") else \
            ("  (target ≤ %.1f×: met)" % TARGET if ratio <= TARGET
             else "  (target ≤ %.1f×: NOT met; %s)" % (TARGET, WHY))
        rows[m] = ratio
        out(f"  {m:34s} {1e3 * med:12.1f} {spread:7.1f}% {ratio:8.2f}× "
            f"{1e3 * (med - t0):8.1f}{flag}")
    if "wengert" in selfs and base_name in selfs:
        extra = {n: us for n, us in selfs["wengert"].items() if n not in selfs[base_name]}
        total = sum(selfs[base_name].values())
        out(f"  python -X importtime, median self-times: numpy's {len(selfs[base_name])} "
            f"modules {total / 1e3:.1f} ms; the {len(extra)} more that import wengert loads "
            f"{sum(extra.values()) / 1e3:.1f} ms ({100 * sum(extra.values()) / total:.0f}%)")
        if top:
            largest = sorted(extra.items(), key=lambda kv: -kv[1])[:top]
            out("    " + ", ".join(f"{n} {us / 1e3:.2f}" for n, us in largest))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.import_time", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=21, help="fresh interpreters per import")
    p.add_argument("--top", type=int, default=12,
                   help="how many of wengert's modules to list by self-time")
    args = p.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    walls, selfs = measure(["numpy", "wengert", "wengert.numpy"], args.rounds)
    print(f"import time, fresh interpreters, median of {args.rounds} rounds")
    report(walls, selfs, args.top)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
