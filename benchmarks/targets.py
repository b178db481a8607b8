"""Issue 16's speed targets, checked against each run: ``python -m benchmarks`` prints,
under each workload's table, whether each target was met, and for a target that was
not, why (as measured when it was last examined; the reason names what would close it).

A target is ``(implementation, bound, against)``: the implementation's median time per
operation in the workload's unit (``against`` "unit"), its ratio to the floor ("floor"),
or its ratio to another implementation's in the same rounds (an implementation's name).
"""
# the targets are for the full sizes: a --quick run (smaller sizes) checks none
ACTIVE = [True]

TARGETS = {
    "W1": [("wengert grad", 1.5, "unit"), ("wengert compile", 1.5, "floor")],
    "W3": [("wengert grad", 3.0, "floor"), ("wengert compile", 1.2, "floor")],
    "W4": [("wengert hessian", 4.0, "floor"), ("wengert compile", 1.0, "floor")],
    "W5 tall": [("wengert jacobian", 5.0, "floor"), ("wengert compile", 2.0, "floor")],
    "W5 wide": [("wengert jacobian", 5.0, "floor"), ("wengert compile", 2.0, "floor")],
    "W9 spirals": [("wengert fit (compiled steps)", 1.1, "floor"),
                   ("wengert fit (compiled steps)", 1.0, "torch eager + torch.optim"),
                   ("wengert fit (compiled steps)", 1.3, "jax jit + optax")],
    "W9 MLP": [("wengert fit (compiled steps)", 1.1, "floor"),
               ("wengert fit (compiled steps)", 1.0, "torch eager + torch.optim"),
               ("wengert fit (compiled steps)", 1.3, "jax jit + optax")],
}

# why a target is missed, as last measured (2026-12-05, issue 16's note)
WHY = {
    ("W1", "wengert grad"): "a minimal tape of Python floats with no checks costs 0.81 µs "
    "per operation here; ours runs about 5 Python frames forward and 3 per parent backward "
    "(2.5 µs of CPU alone): an optional compiled tape loop would close it. In this "
    "process, which holds JAX's and PyTorch's objects, the cycle collector's full "
    "collections add the rest (with it paused, 53x the floor; with JAX and PyTorch "
    "imported, 40% of an eager gradient's time goes to 3 full collections per 100 "
    "gradients)",
    ("W3", "wengert grad"): "measured 2026-12-05 (CPU time, one BLAS thread): 72 µs "
    "against the floor's 26.7 (2.70-2.73x, alternated with the code before at 2.93-3.02x; "
    "741k instructions against 341k, callgrind): its NumPy calls are 30 against the "
    "floor's 24 (the loss value itself, which the floor never computes: the square, "
    "mean's sum and division; mean's filled cotangent and the square's slope 2z before "
    "its product, where the floor scales z - Y once), and about 45 µs are Python: 11 "
    "recordings (1,850 bytecodes), a 17-node backward loop (1,430), the rules (900), "
    "grad's entry and exit (1,000: the argument check, the parameter list split and "
    "rebuilt, 17 boxes); those walks written with C-level map and frozenset calls ran "
    "fewer bytecodes but more instructions on Python 3.11 (measured, reverted); a "
    "compiled tape loop would take it clearly under",
    ("W4", "wengert hessian"): "measured 2026-12-05 (CPU time, one BLAS thread): 0.356 ms "
    "against the closed form's 0.119 (3.0-3.1x): its NumPy work is the closed form's "
    "(the identity's rows times Aᵀ stay A scaled by vectors until one product of A's "
    "size, then the matrix product; compiled 0.93x); the rest is Python: at A 6×4 the "
    "Hessian takes about 220 µs (two recorded passes and the batched one: 760 Python "
    "frames, 1.68M instructions against compiled's 0.10M). In a process that has freed "
    "no larger block glibc still maps its 160 KB block fresh and trims the heap on every "
    "call (46 page faults a call, about 140 µs more; the code before: 85), none after a "
    "larger block was freed (the harness's runs); an in-place sum of the identity's part "
    "into the matrix product (four temporaries of 80-160 KB down to two) would end it",
    ("W4", "wengert compile"): "the closed form's two large operations (one product of A's "
    "size, one matrix product) and about as many small ones; it adds the identity as a "
    "100×100 constant where the closed form adds 1 to 100 entries: 0.93x",
    ("W9 spirals", "wengert fit (compiled steps)"): "against JAX (measured 2026-12-05): "
    "JAX's time moves between 114 and 155 ms from run to run on this shared 2-CPU machine "
    "while fit's stays at 155-162 ms (2% spread); on one CPU with one BLAS thread fit "
    "takes 1.07-1.10x JAX's time. XLA fuses what NumPy runs as separate passes over the "
    "240×32 arrays (tanh 2×13 µs, bias-gradient sums 3×5 µs, broadcast bias adds 2×4 µs, "
    "of a 150 µs step); Adam, packed into one vector, is 14 µs of it",
    ("W9 MLP", "wengert fit (compiled steps)"): "against JAX (measured 2026-12-05): on one "
    "CPU with one BLAS thread fit takes 1.15-1.23x JAX's time: the two 128×784×256 "
    "products (2.2 of 3.4 ms a step) run at BLAS speed in both; Adam's 12 NumPy passes "
    "over the 784×256 weights take 0.7 ms where XLA runs one fused loop on both CPUs (a "
    "helper thread for Adam lost: OpenBLAS's idle worker spins on the second CPU after "
    "each product)",
}


def lines(name, medians, ratios, unit):
    """The target lines for workload ``name``: ``medians`` and ``ratios`` (to the floor)
    by implementation, ``unit`` the medians' unit."""
    out = []
    for impl, bound, against in TARGETS.get(name, ()) if ACTIVE[0] else ():
        if impl not in medians or (against not in ("unit", "floor") and against not in ratios):
            continue
        if against == "unit":
            value, text = medians[impl], f"≤ {bound:g} {unit}"
            shown = f"{value:.3g} {unit}"
        elif against == "floor":
            value, text = ratios[impl], f"≤ {bound:g}× the floor"
            shown = f"{value:.2f}×"
        else:
            value, text = ratios[impl] / ratios[against], f"≤ {bound:g}× {against}"
            shown = f"{value:.2f}×"
        met = value <= bound
        why = "" if met else f" ({WHY.get((name, impl), 'not examined yet')})"
        out.append(f"target: {impl} {text}: {shown}, {'met' if met else 'NOT met'}{why}")
    return out
