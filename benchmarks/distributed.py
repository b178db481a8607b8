"""``python -m benchmarks.distributed``: full-batch gradients over many rows, three ways.

For each number of rows (default 1e5, 1e6, 1e7; ``--sizes``) with ``--features``
columns, it times ``value_and_grad`` of the mean loss over all rows of two models
(``--models``): logistic regression, and a small MLP (one tanh hidden layer of
``--hidden`` units, squared error).  Three columns:

- **one process**: ``wengert.value_and_grad`` on NumPy arrays in this process;
- **cluster**: ``wengert.distributed.DataParallel`` on an embedded ``LocalCluster``
  of ``--workers`` workers of one thread each (threads of this process;
  ``--processes`` for worker processes), one shard per worker;
- **lazy Dask**: ``wengert.value_and_grad`` over the same data as a ``dask.array``
  (chunks of ``--chunk`` rows, Dask's threaded scheduler) with NumPy parameters,
  then ``wengert.compute`` of the value and gradient in one pass; the time includes
  building the graph.

Each time is the best of ``--repeats`` calls after one warm-up call; every column's
result is checked against the one-process gradient.  It also reports the cluster
path's fixed cost (a call on 100 rows), its start-up, and for each model and path the
break-even number of rows: measured when the path wins at a size and every larger one,
otherwise estimated from the times as the size where a fixed cost plus the work shared
by the workers would equal the one-process time.

``--huge`` instead measures the larger-than-memory case: ``value_and_grad`` of least
squares and of logistic regression over ``--huge-gb`` GB (default 32) of float64 data
generated lazily by ``dask.array.random`` with a seed (never materialized), both
gradients evaluated in one ``wengert.compute`` pass; it prints the time and this
process's peak resident memory.  Reproduce the README figure with::

    PYTHONPATH=src python -m benchmarks.distributed --huge

Needs the dask extra (``pip install "wengert[dask]"``).  Times are wall-clock and
depend on how many CPU cores are free: with fewer free cores than workers, neither
the cluster nor Dask's threads can win.
"""
import argparse
import os
import resource
import sys
import time

import numpy as np

import wengert
import wengert.numpy as wnp


def logistic(p, X, y):
    z = X @ p["w"] + p["b"]
    return (wnp.logaddexp(0.0, z) - y * z).mean()


def mlp(p, X, y):
    h = wnp.tanh(X @ p["W1"] + p["b1"])
    return ((h @ p["w2"] + p["b2"] - y) ** 2).mean()


def params_of(model, d, hidden):
    if model == "logistic":
        return {"w": np.zeros(d), "b": 0.0}
    rng = np.random.default_rng(1)
    return {"W1": rng.standard_normal((d, hidden)) / np.sqrt(d), "b1": np.zeros(hidden),
            "w2": rng.standard_normal(hidden) / np.sqrt(hidden), "b2": 0.0}


MODELS = {"logistic": logistic, "mlp": mlp}


def make_data(n, d, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    return X, y


def best(fn, repeats):
    fn()                                  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def close(g, g0):
    return all(np.allclose(a, b, rtol=1e-9, atol=1e-15)
               for a, b in zip(wengert.tree.leaves(g), wengert.tree.leaves(g0)))


def break_even(rows, fixed):
    """A sentence on where a path (times ``rows``: (n, one process, path)) overtakes
    one process, measured or estimated."""
    from_here = [rows[i][0] for i in range(len(rows)) if all(c < s for _, s, c in rows[i:])]
    if from_here:
        return f"faster from {from_here[0]:,} rows on (measured)"
    if any(c < s for _, s, c in rows):
        return ("none that holds: it won at "
                f"{', '.join(f'{n:,}' for n, s, c in rows if c < s)} rows but not beyond "
                "(timings disturbed by other work on the machine?)")
    # one process ~ a n; the path ~ c + a' n: equal where n = c / (a - a')
    n, s, c = rows[-1]
    a, a2 = s / n, (c - fixed) / n
    if a > a2 > 0:
        return f"not reached up to {n:,} rows; estimated at about {fixed / (a - a2):,.0f} rows"
    return (f"none: per row it costs {max(a2, 0) / a:.2f}x one process here (too few free "
            "cores for its workers to run in parallel)")


def run_table(args):
    import dask
    import dask.array as da
    from wengert.distributed import DataParallel

    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    d = args.features
    kind = "processes" if args.processes else "threads in this process"
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {d} features, float64, "
          f"MLP hidden {args.hidden}; {os.cpu_count()} CPUs, load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; LocalCluster of {args.workers} workers "
          f"x 1 thread ({kind}); lazy Dask: chunks of {args.chunk:,} rows, threaded "
          f"scheduler; best of {args.repeats} calls")

    X, y = make_data(100, d)
    t = time.perf_counter()
    dp = DataParallel(logistic, (X, y), reduction="mean", n_workers=args.workers,
                      processes=args.processes)
    started = time.perf_counter() - t
    p = params_of("logistic", d, args.hidden)
    t = time.perf_counter()
    dp.value_and_grad(p)
    first = time.perf_counter() - t
    fixed = best(lambda: dp.value_and_grad(p), max(args.repeats, 20))
    client = dp.client
    Xd, yd = da.from_array(X, chunks=(50, -1)), da.from_array(y, chunks=50)
    with dask.config.set(scheduler="threads"):
        lazy_fixed = best(lambda: wengert.compute(wengert.value_and_grad(logistic)(p, Xd, yd)),
                          max(args.repeats, 20))
    print(f"cluster: start and placing the shards {started:.2f} s, first call {first:.3f} s, "
          f"fixed cost per call (100 rows) {fixed * 1e3:.1f} ms; lazy Dask: fixed cost per "
          f"call (100 rows, 2 chunks) {lazy_fixed * 1e3:.1f} ms")

    print(f"{'model':>9} {'rows':>11} {'one process':>12} {'cluster':>10} {'lazy Dask':>10} "
          f"{'cluster/1':>9} {'Dask/1':>7}")
    table = {m: ([], []) for m in models}
    for n in sizes:
        X, y = make_data(n, d)
        Xd = da.from_array(X, chunks=(args.chunk, -1))
        yd = da.from_array(y, chunks=args.chunk)
        for m in models:
            loss, p = MODELS[m], params_of(m, d, args.hidden)
            vg = wengert.value_and_grad(loss)
            single = best(lambda: vg(p, X, y), args.repeats)
            v0, g0 = vg(p, X, y)
            with DataParallel(loss, (X, y), reduction="mean", client=client) as big:
                v, g = big.value_and_grad(p)
                assert abs(v - v0) <= 1e-10 * abs(v0) and close(g, g0), m
                cluster = best(lambda: big.value_and_grad(p), args.repeats)
            with dask.config.set(scheduler="threads"):
                v, g = wengert.compute(vg(p, Xd, yd))
                assert abs(v - v0) <= 1e-10 * abs(v0) and close(g, g0), m
                lazy = best(lambda: wengert.compute(vg(p, Xd, yd)), args.repeats)
            table[m][0].append((n, single, cluster))
            table[m][1].append((n, single, lazy))
            print(f"{m:>9} {n:>11,} {single * 1e3:>10.1f}ms {cluster * 1e3:>8.1f}ms "
                  f"{lazy * 1e3:>8.1f}ms {cluster / single:>8.2f}x {lazy / single:>6.2f}x",
                  flush=True)
        del X, y, Xd, yd
    dp.close()
    for m in models:
        print(f"break-even, {m}: cluster {break_even(table[m][0], fixed)}; "
              f"lazy Dask {break_even(table[m][1], lazy_fixed)}")


def run_huge(args):
    """Least squares and logistic regression over ``args.huge_gb`` GB generated lazily."""
    import dask.array as da

    d = args.huge_features
    n = int(args.huge_gb * 1e9 / (8 * d))
    chunk = args.huge_chunk
    rng = da.random.default_rng(0)
    X = rng.standard_normal((n, d), chunks=(chunk, d))
    w_true = np.linspace(-1.0, 1.0, d)
    y = X @ w_true + da.random.default_rng(1).standard_normal(n, chunks=chunk)
    t = (y > 0).astype(float) * 2.0 - 1.0

    def least_squares(w, X, y):
        return wnp.mean((X @ w - y) ** 2)

    def logistic_pm(w, X, t):
        return wnp.mean(wnp.logaddexp(0.0, -t * (X @ w)))

    w = np.zeros(d)
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {n:,} rows x {d} features "
          f"float64 = {n * d * 8 / 1e9:.1f} GB generated lazily (chunks of {chunk:,} rows), "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, machine memory "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
          flush=True)
    start = time.perf_counter()
    out = (wengert.value_and_grad(least_squares)(w, X, y),
           wengert.value_and_grad(logistic_pm)(w, X, t))
    built = time.perf_counter() - start
    (v1, g1), (v2, g2) = wengert.compute(out)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20   # KiB -> GiB
    print(f"least squares {v1:.6f}, logistic {v2:.6f}; |g| {np.linalg.norm(g1):.4g}, "
          f"{np.linalg.norm(g2):.4g}")
    print(f"graph built in {built:.2f} s; value and gradient of both in {took:.1f} s; "
          f"peak resident memory of this process {peak:.2f} GiB")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks.distributed", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1e5,1e6,1e7", help="rows, comma-separated")
    ap.add_argument("--models", default="logistic,mlp", help="logistic, mlp or both")
    ap.add_argument("--features", type=int, default=16)
    ap.add_argument("--hidden", type=int, default=16, help="the MLP's hidden units")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--processes", action="store_true", help="worker processes, not threads")
    ap.add_argument("--chunk", type=int, default=250_000, help="rows per Dask chunk")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--huge", action="store_true",
                    help="the larger-than-memory run instead of the table")
    ap.add_argument("--huge-gb", type=float, default=32.0)
    ap.add_argument("--huge-features", type=int, default=100)
    ap.add_argument("--huge-chunk", type=int, default=100_000)
    args = ap.parse_args(argv)
    try:
        import dask  # noqa: F401
    except ImportError:
        sys.exit('this benchmark needs the dask extra: pip install "wengert[dask]"')
    if args.huge:
        run_huge(args)
    else:
        run_table(args)


if __name__ == "__main__":
    main()
