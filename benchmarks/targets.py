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
    "per operation here; ours runs about 5 Python frames forward and 3 per parent backward: "
    "an optional compiled tape loop would close it",
    ("W3", "wengert grad"): "measured 2026-12-05 (CPU time, one BLAS thread): 79.6 µs "
    "against the floor's 26.5 (3.0x; 2.95-2.98x in this harness on a quiet machine), at "
    "the bound: its NumPy calls are 28 against the floor's 24 and take 29 µs (the compiled "
    "gradient makes the same calls in that time), the other 50 µs are Python: 6 to box "
    "the parameter tree, about 1.5 per recorded operation and 1.1 per reverse rule over "
    "their NumPy calls, 7 of backward loop, 3 in grad's entry and exit; a compiled tape "
    "loop would take it clearly under",
    ("W4", "wengert hessian"): "measured 2026-12-05 (CPU time, one BLAS thread): 434 µs "
    "against the closed form's 117 (3.7x; 3.9-4.1x in this harness, where BLAS threads "
    "speed the floor); at A 6×4, where NumPy's work is negligible, the eager Hessian "
    "takes 249 µs: that much is Python (two recorded passes and the batched one, about "
    "30 operations at 8 µs), the rest is the compiled program's 143 µs of NumPy plus the "
    "diagonal seed's few extra products. Its 160 KB blocks of rows are also mapped fresh "
    "by glibc on every call unless a larger block was freed earlier in the process "
    "(malloc's mmap threshold follows the largest freed block): then 88 page faults per "
    "call add 190 µs of system time",
    ("W4", "wengert compile"): "reverse over reverse makes five elementwise operations on "
    "the 100×200 block of rows (four products and a sum, 57 µs here) where the closed form "
    "makes one product; compile keeps eager's operations bit for bit, so it cannot factor "
    "them",
    ("W9 spirals", "wengert fit (compiled steps)"): "against JAX (measured 2026-12-05, CPU "
    "time): its XLA fuses what NumPy runs as separate passes over the 240×32 "
    "arrays (tanh 2×13 µs, bias-gradient sums 3×5 µs, broadcast bias adds 2×4 µs, matmuls "
    "about 45 µs of a 155 µs step); Adam, packed into one vector, is 14 µs of it; summing "
    "bias gradients as ones @ g would take 8% off but changes their bits",
    ("W9 MLP", "wengert fit (compiled steps)"): "against JAX (measured 2026-12-05, CPU "
    "time, one BLAS thread): Adam over the 784×256 weights is 13 NumPy passes of 1.6 MB "
    "(the square root alone 0.23 ms a step) where XLA makes one fused loop; the gradients "
    "cost what hand-written NumPy's do",
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
