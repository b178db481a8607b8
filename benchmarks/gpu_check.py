"""The GPU check: wengert on CuPy arrays, run whenever a GPU machine is available.

(a) runs the backend test set (tests/test_backends.py) with CuPy (and JAX, whose arrays
    live on the GPU there) as backends, in float64 and float32;
(b) times W2's gradient (tanh MLP 784-512-512-10, softmax cross-entropy) at batch 4096
    with wengert on CuPy, PyTorch on CUDA and JAX (jit) on the GPU, and prints the ratios
    (goal: wengert within 1.3x of PyTorch CUDA).

Usage (from the repository root; needs cupy, pytest for (a), and torch/jax for the
peers; the GPU machine reaches no package registry, so bring pytest's wheels if it lacks
them: the check says so):

    PYTHONPATH=src python benchmarks/gpu_check.py            # on the GPU machine (~2 min)
    PYTHONPATH=src python benchmarks/gpu_check.py --dry-run  # anywhere: the CuPy-like
        # stand-in of tests/foreign_arrays.py in CuPy's place, a small batch, CPU peers

It prints one line per check and exits non-zero if a test failed.
"""
import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time

import numpy as onp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [os.path.join(ROOT, "src"), os.path.join(ROOT, "tests"), ROOT]

SIZES = [784, 512, 512, 10]
TEST_TIMEOUT_S = 120     # per precision: the script must fit in about five minutes


def run_tests(dry_run):
    """The backend test set on CuPy (the stand-in on a dry run), in both precisions."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.join(ROOT, "src"), os.environ.get("PYTHONPATH", "")]))
    # on the GPU machine: CuPy, and JAX's arrays (on its GPU) through the array API adapter
    selection = "standin or numpy" if dry_run else "cupy or jax"
    if importlib.util.find_spec("pytest") is None:
        # the GPU machine reaches no package registry: bring the wheels along
        print(f"tests [{selection}]: NOT RUN: pytest is not installed in {sys.executable}; on "
              "a machine with the registry run `pip download pytest -d wheels`, bring "
              "wheels/ along, and here `pip install --no-index wheels/*.whl`", flush=True)
        return True
    failed = False
    for dtype in ("float64", "float32"):
        env["WENGERT_BACKEND_DTYPE"] = dtype
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 os.path.join(ROOT, "tests", "test_backends.py"), "-k", selection],
                env=env, cwd=ROOT, capture_output=True, text=True, timeout=TEST_TIMEOUT_S)
        except subprocess.TimeoutExpired as e:
            print(f"tests [{selection}] {dtype}: TIMED OUT after {TEST_TIMEOUT_S} s\n"
                  f"{(e.stdout or b'')[-2000:]!r}", flush=True)
            failed = True
            continue
        tail = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"tests [{selection}] {dtype}: {tail} ({time.perf_counter() - t0:.0f} s)",
              flush=True)
        if proc.returncode != 0:
            failed = True
            print(proc.stdout[-4000:], proc.stderr[-2000:], sep="\n")
    return failed


def _median_ms(fn, sync, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def time_w2(dry_run, batch, repeats):
    """Median ms of one W2 gradient per implementation, and the ratios to wengert."""
    import wengert
    import wengert.numpy as wnp
    from benchmarks.workloads import mlp_loss, mlp_loss_torch, mlp_params

    results = {}
    for dtype in (onp.float32, onp.float64):
        rng = onp.random.default_rng(0)
        params = mlp_params(rng, SIZES, dtype)
        X = rng.standard_normal((batch, SIZES[0])).astype(dtype)
        Y = onp.eye(SIZES[-1], dtype=dtype)[rng.integers(0, SIZES[-1], batch)]
        name = onp.dtype(dtype).name
        grad = wengert.grad(mlp_loss)

        if dry_run:
            from foreign_arrays import to_device
            put, sync, label = to_device, (lambda: None), "wengert standin"
        else:
            import cupy as cp
            put, label = cp.asarray, "wengert cupy"

            def sync():
                cp.cuda.Device().synchronize()
        dparams = [(put(W), put(b)) for W, b in params]
        dX, dY = put(X), put(Y)
        row = {label: _median_ms(lambda: grad(dparams, dX, dY, wnp, "xent"), sync, repeats)}

        try:
            import torch
            dev = "cpu" if dry_run or not torch.cuda.is_available() else "cuda"
            tparams = [(torch.tensor(W, device=dev, requires_grad=True),
                        torch.tensor(b, device=dev, requires_grad=True)) for W, b in params]
            tX, tY = torch.tensor(X, device=dev), torch.tensor(Y, device=dev)
            flat = [p for pair in tparams for p in pair]

            def torch_grad():
                return torch.autograd.grad(mlp_loss_torch(tparams, tX, tY, "xent"), flat)
            tsync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)
            row[f"torch {dev}"] = _median_ms(torch_grad, tsync, repeats)
        except ImportError:
            pass
        try:
            import jax
            import jax.numpy as jnp
            if dtype == onp.float64:
                jax.config.update("jax_enable_x64", True)
            jparams = [(jnp.asarray(W), jnp.asarray(b)) for W, b in params]
            jX, jY = jnp.asarray(X), jnp.asarray(Y)
            jgrad = jax.jit(jax.grad(lambda p, x, y: mlp_loss(p, x, y, jnp, "xent")))
            row[f"jax jit {jax.default_backend()}"] = _median_ms(
                lambda: jax.block_until_ready(jgrad(jparams, jX, jY)), lambda: None, repeats)
        except ImportError:
            pass
        ours = row[label]
        ratios = ", ".join(f"{k} {ours / v:.2f}x" for k, v in row.items() if k != label)
        times = ", ".join(f"{k} {v:.3f} ms" for k, v in row.items())
        print(f"W2 {'-'.join(map(str, SIZES))} batch {batch} {name}: {times}; "
              f"wengert / peer: {ratios or '(no peers installed)'}", flush=True)
        results[name] = row
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true",
                    help="the CuPy-like stand-in in CuPy's place, a small batch (any machine)")
    ap.add_argument("--batch", type=int, default=None, help="W2's batch (default 4096; "
                    "256 on a dry run)")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--no-tests", action="store_true", help="only the timings")
    args = ap.parse_args(argv)
    if not args.dry_run:
        import cupy  # noqa: F401  (fail early and clearly without it)
    batch = args.batch or (256 if args.dry_run else 4096)
    repeats = args.repeats or (3 if args.dry_run else 20)
    failed = False if args.no_tests else run_tests(args.dry_run)
    time_w2(args.dry_run, batch, repeats)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
