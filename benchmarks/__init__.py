"""wengert's benchmark suite (issue 4): workloads W1-W7 against hand-written
NumPy backprop (the floor) and, when installed, HIPS/autograd, PyTorch (CPU)
and JAX (CPU, eager and jit).

Run from the repository root::

    PYTHONPATH=src python -m benchmarks            # the full run (a few minutes)
    PYTHONPATH=src python -m benchmarks --quick    # a smoke run at small sizes
    PYTHONPATH=src python -m benchmarks --only W1,W3
    PYTHONPATH=src python -m benchmarks.compile_scaling   # compile's first call, 1k-100k ops

Every implementation is first checked to compute the floor's derivative; then
all are timed in rotating order and one table per workload reports medians,
spread and ratios to the floor, all measured in the same run.
"""
