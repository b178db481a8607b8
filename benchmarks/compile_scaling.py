"""``python -m benchmarks.compile_scaling``: the first calls of ``wengert.compile``
against one eager gradient, as the program grows.

The program is W1's chain (``sin, *, +, exp, /`` repeated, every block using
``x``) on a Python float and on a 16-element array, at 1,000 to 100,000
operations.  For each size it reports one eager ``grad`` call; the compiled
function's first call, which traces (its result is the traced call's); its second
call, which builds the interpreted program (the recorded calls run by a loop) and
runs it; a later interpreted call; the call at which the code is generated (once
the interpreted runs took about as long as generating it is estimated to take), and
what that costs (``source``: simplifying the graph and writing the Python source;
``py compile``: Python's ``compile`` of it); one call of the generated code; and the
ratios of the first call, and of the two first calls together, to the eager
gradient.  Each time is the best of ``--repeats`` fresh runs.  Issue 12 (item 15)
asks for tracing plus code generation within 5x one eager gradient at every size up
to 100,000 operations.

Times are wall-clock seconds; ``--clock cpu`` measures this process's CPU time
instead, which other processes competing for the CPUs disturb far less (the
program is single-threaded, so on a quiet machine the two agree).
"""
import argparse
import gc
import sys
import time

import numpy as np

import wengert
import wengert.numpy as wnp
from wengert import tree
from wengert._compile import _build, _no_cycle_collection, _signature, _trace

from . import harness
from .workloads import chain

SIZES = (1000, 10000, 20000, 100000)
QUICK_SIZES = (1000, 5000)


def program(n_ops, kind):
    """``(gradient function, argument)`` of the chain with ``n_ops`` operations."""
    nb = n_ops // 5
    x = 0.3 if kind == "scalar" else np.linspace(0.1, 0.5, 16)
    return wengert.grad(lambda x: wnp.sum(chain(x, wnp.sin, wnp.exp, nb))), x


_clock = [time.perf_counter]     # or time.process_time (--clock cpu)


def _best(fn, repeats):
    clock = _clock[0]
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        t0 = clock()
        fn()
        best = min(best, clock() - t0)
    return best


def phases(g, x):
    """Seconds of (generating the source, Python's compile of it) at the second call,
    through the same steps a compiled function takes."""
    leaves, in_def = tree.flatten(((x,), {}))
    key, dynamic = _signature(leaves, in_def)
    with _no_cycle_collection():
        traced, _, _ = _trace(g, leaves, in_def, dynamic, "chain", False)
    clock = _clock[0]
    gc.collect()
    t0 = clock()
    src = traced.source()
    t1 = clock()
    _build(src, in_def, leaves, dynamic)
    return t1 - t0, clock() - t1


def _two_calls(g, x):
    """Seconds of a fresh compiled function's first, second and third calls."""
    clock = _clock[0]
    c = wengert.compile(g)
    gc.collect()
    t0 = clock()
    c(x)
    t1 = clock()
    c(x)
    t2 = clock()
    c(x)
    return t1 - t0, t2 - t1, clock() - t2


def _until_generated(g, x):
    """``(calls, seconds)``: the calls of a fresh compiled function up to the one that
    generates its code, and one call of the generated code."""
    c = wengert.compile(g)
    calls = 0
    while not (c._fast and hasattr(c._fast[0], "source")):
        c(x)
        calls += 1
    clock = _clock[0]
    t0 = clock()
    c(x)
    return calls, clock() - t0


def measure(n_ops, kind, repeats):
    """One row: sizes and seconds for ``n_ops`` operations of the ``kind`` chain."""
    g, x = program(n_ops, kind)
    eager = _best(lambda: g(x), repeats)
    calls = [_two_calls(g, x) for _ in range(repeats)]
    first, second, third = (min(c[i] for c in calls) for i in range(3))
    c = wengert.compile(g)
    c(x)
    assert np.allclose(c(x), g(x), rtol=1e-12, atol=0)   # the program computes the gradient
    split = min((phases(g, x) for _ in range(repeats)), key=sum)
    until, generated = _until_generated(g, x)
    return {"ops": n_ops, "kind": kind, "eager": eager, "first": first, "second": second,
            "third": third, "until": until, "generated": generated,
            "source": split[0], "compile": split[1], "ratio": first / eager,
            "ratio2": (first + second) / eager}


HEADER = (f"  {'ops':>7s} {'argument':8s} {'eager grad':>10s} {'1st call':>9s} "
          f"{'2nd call':>9s} {'3rd call':>9s} {'codegen at':>10s} {'source':>7s} "
          f"{'py comp.':>8s} {'generated':>9s} {'1st/eager':>9s} {'(1st+2nd)/eager':>15s}")


def row_line(r):
    return (f"  {r['ops']:7d} {r['kind']:8s} {r['eager']:10.4f} {r['first']:9.4f} "
            f"{r['second']:9.4f} {r['third']:9.4f} {'call ' + str(r['until']):>10s} "
            f"{r['source']:7.4f} {r['compile']:8.4f} {r['generated']:9.4f} "
            f"{r['ratio']:8.1f}x {r['ratio2']:14.1f}x")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.compile_scaling", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES} only")
    p.add_argument("--sizes", default=None,
                   help=f"comma-separated operation counts (default {','.join(map(str, SIZES))})")
    p.add_argument("--repeats", type=int, default=None,
                   help="fresh runs per time, the best kept (default 3; 1 above 20,000 ops)")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall-clock time (default) or this process's CPU time")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    _clock[0] = time.process_time if args.clock == "cpu" else time.perf_counter
    sizes = QUICK_SIZES if args.quick else SIZES
    if args.sizes:
        sizes = tuple(int(s) for s in args.sizes.split(","))
    print(harness.machine_line())
    warning = harness.contention_warning()
    if warning:
        print(warning)
    print("compile's first calls against one eager gradient (W1's chain; best of fresh runs; "
          f"{'CPU' if args.clock == 'cpu' else 'wall-clock'} seconds; 'codegen at': the call "
          "that generates the code)")
    print(HEADER)
    rows = []
    for kind in ("scalar", "array16"):
        for n in sizes:
            repeats = args.repeats or (3 if n <= 20000 else 1)
            rows.append(measure(n, kind, repeats))
            print(row_line(rows[-1]))
            sys.stdout.flush()
    print(f"load average after the run: {harness.load():.2f}")
    return rows


if __name__ == "__main__":
    main()
