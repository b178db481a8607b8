"""``python -m benchmarks.distributed``: the full-batch gradient of logistic regression,
in one process against ``wengert.distributed.DataParallel`` on a ``LocalCluster``.

For each number of rows (default 1e5, 1e6, 1e7; ``--sizes``) with ``--features``
columns, it times ``value_and_grad`` of the mean logistic loss over all rows:
``wengert.value_and_grad`` on NumPy arrays in this process, and the same loss
through ``DataParallel`` on an embedded ``LocalCluster`` of ``--workers`` workers
of one thread each (in this process; ``--processes`` for worker processes), with
one shard per worker.  Each time is the best of ``--repeats`` calls after one
warm-up call.  It also reports the cluster path's fixed cost (a call on 100 rows),
its start-up (cluster start, placing the shards, the first call) and the
break-even number of rows: measured when the cluster wins at a size, otherwise
estimated from the times as the size where a fixed cost plus the work shared by
the workers would equal the single-process time.

Needs the dask extra (``pip install "wengert[dask]"``).  Times are wall-clock and
depend on how many CPU cores are free: with fewer free cores than workers, the
cluster cannot win.
"""
import argparse
import os
import time

import numpy as np

import wengert
import wengert.numpy as wnp
from wengert.distributed import DataParallel


def logistic(p, X, y):
    z = X @ p["w"] + p["b"]
    return (wnp.logaddexp(0.0, z) - y * z).mean()


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


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks.distributed", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1e5,1e6,1e7", help="rows, comma-separated")
    ap.add_argument("--features", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--processes", action="store_true", help="worker processes, not threads")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    d = args.features
    kind = "processes" if args.processes else "threads in this process"
    print(f"logistic regression, {d} features, float64; {os.cpu_count()} CPUs; LocalCluster of "
          f"{args.workers} workers x 1 thread ({kind}); best of {args.repeats} calls")
    p = {"w": np.zeros(d), "b": 0.0}

    X, y = make_data(100, d)
    t = time.perf_counter()
    dp = DataParallel(logistic, (X, y), reduction="mean", n_workers=args.workers,
                      processes=args.processes)
    started = time.perf_counter() - t
    t = time.perf_counter()
    dp.value_and_grad(p)
    first = time.perf_counter() - t
    fixed = best(lambda: dp.value_and_grad(p), max(args.repeats, 20))
    client = dp.client
    print(f"cluster start and placing the shards {started:.2f} s, first call {first:.3f} s, "
          f"fixed cost per call (100 rows) {fixed * 1e3:.1f} ms")

    print(f"{'rows':>10} {'one process':>12} {'cluster':>10} {'ratio':>7}")
    rows = []
    for n in sizes:
        X, y = make_data(n, d)
        single = best(lambda: wengert.value_and_grad(logistic)(p, X, y), args.repeats)
        with DataParallel(logistic, (X, y), reduction="mean", client=client) as big:
            v, g = big.value_and_grad(p)
            v0, g0 = wengert.value_and_grad(logistic)(p, X, y)
            assert abs(v - v0) <= 1e-12 * abs(v0)
            assert np.allclose(g["w"], g0["w"], rtol=1e-10, atol=1e-15)
            cluster = best(lambda: big.value_and_grad(p), args.repeats)
        rows.append((n, single, cluster))
        print(f"{n:>10,} {single * 1e3:>10.1f}ms {cluster * 1e3:>8.1f}ms "
              f"{single / cluster:>6.2f}x")
        del X, y
    dp.close()

    # the smallest size from which the cluster wins at every larger size measured
    from_here = [rows[i][0] for i in range(len(rows)) if all(c < s for _, s, c in rows[i:])]
    if from_here:
        print(f"break-even: the cluster is faster from {from_here[0]:,} rows on (measured)")
    elif any(c < s for _, s, c in rows):
        print("break-even: none that holds: the cluster won at "
              f"{', '.join(f'{n:,}' for n, s, c in rows if c < s)} rows but not beyond "
              "(timings disturbed by other work on the machine?)")
    else:
        # single ~ a n; cluster ~ c + a' n: equal where n = c / (a - a')
        n, s, c = rows[-1]
        a, a2 = s / n, (c - fixed) / n
        if a > a2:
            print(f"break-even: not reached up to {n:,} rows; estimated at about "
                  f"{fixed / (a - a2):,.0f} rows")
        else:
            print(f"break-even: none: per row, the cluster path costs {a2 / a:.2f}x one process "
                  "here (too few free cores for the workers to run in parallel)")


if __name__ == "__main__":
    main()
