"""``python -m benchmarks [--quick] [--only W1,W3]``: run the benchmark suite."""
import argparse
import sys

try:
    import wengert  # noqa: F401
except ImportError:
    sys.exit("python -m benchmarks: cannot import wengert; run it from the repository root "
             "with PYTHONPATH=src, or after pip install -e .")

from . import harness, memory, targets, training, workloads  # noqa: E402

SPEED = {"W1": workloads.w1, "W2": workloads.w2, "W3": workloads.w3, "W4": workloads.w4,
         "W5": workloads.w5, "W8": workloads.w8, "W9": training.w9}
MEMORY = {"W6": memory.w6, "W7": memory.w7, "W10": memory.w10}
ALL = list(SPEED) + list(MEMORY)


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="small sizes and few rounds: a smoke run of every workload")
    p.add_argument("--only", default=",".join(ALL),
                   help="comma-separated workloads to run, e.g. W1,W3 (default: all)")
    p.add_argument("--rounds", type=int, default=None,
                   help="timing rounds per workload (default 15, or 5 with --quick)")
    args = p.parse_args(argv)
    chosen = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in chosen if w not in ALL]
    if unknown:
        p.error(f"--only: unknown workload(s) {', '.join(unknown)}; choose from {', '.join(ALL)}")
    args.only = chosen
    return args


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    size = workloads.QUICK if args.quick else workloads.FULL
    rounds = args.rounds or (5 if args.quick else 15)
    target = 0.01 if args.quick else 0.05        # seconds per timing sample
    peers = harness.available_peers()
    targets.ACTIVE[0] = not args.quick
    print(harness.machine_line())
    print(f"sizes: {size}; {rounds} rounds, order rotated each round; spread = interquartile "
          "range / median; × floor = median over rounds of the time / hand-written NumPy's "
          "time in the same round")
    warning = harness.contention_warning()
    if warning:
        print(warning)
    missing = [p for p in harness.PEERS if p not in peers]
    if missing:
        print(f"peers not installed, skipped in every workload: {', '.join(missing)} "
              "(pip install autograd torch jax)")
    for name in args.only:
        if name in SPEED:
            for w in SPEED[name](size, peers):
                harness.run_workload(w, rounds, target)
        else:
            MEMORY[name](size, peers)
        sys.stdout.flush()
    print(f"\nload average after the run: {harness.load():.2f}")


if __name__ == "__main__":
    main()
