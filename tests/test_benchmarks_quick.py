"""The benchmark suite's correctness checks at tiny sizes (no timing), so that
``python -m benchmarks`` cannot silently rot."""
import pathlib
import sys

import numpy as np
import pytest

ROOT = str(pathlib.Path(__file__).resolve().parents[1])
if ROOT not in sys.path:               # benchmarks/ sits at the repository root
    sys.path.insert(0, ROOT)

from benchmarks import __main__ as cli  # noqa: E402
from benchmarks import harness, memory, workloads  # noqa: E402


def _tiny_workloads():
    for make in cli.SPEED.values():
        yield from make(workloads.TINY, [])
    yield memory.w7_workload(workloads.TINY)[0]


@pytest.mark.parametrize("w", list(_tiny_workloads()), ids=lambda w: w.name)
def test_every_implementation_matches_the_floor(w):
    assert "wengert" in " ".join(w.impls), f"{w.name} has no wengert implementation"
    w.check()


def test_check_catches_a_wrong_derivative():
    (w,) = workloads.w3(workloads.TINY, [])
    right = w.impls["wengert grad"]
    w.impls["wengert grad"] = lambda: [(dW * 1.001, db) for dW, db in right()]
    with pytest.raises(AssertionError, match="W3 wengert grad: leaf 0 differs"):
        w.check()


def test_floors_agree_with_finite_differences():
    x, nb = 0.3, 4
    h = 1e-6
    fd = (workloads.chain(x + h, np.sin, np.exp, nb) - workloads.chain(x - h, np.sin, np.exp, nb)) / (2 * h)
    assert workloads.chain_grad_floor(x, nb) == pytest.approx(fd, rel=1e-7)
    rng = np.random.default_rng(0)
    xs, ws = rng.standard_normal((3, 3)), [0.1, 0.2]
    e = np.zeros((3, 3))
    e[1, 2] = h
    fd = (memory.residual(xs + e, ws, np) - memory.residual(xs - e, ws, np)) / (2 * h)
    assert memory.residual_grad_floor(xs, ws)[1, 2] == pytest.approx(fd, rel=1e-7)


def test_timing_rotates_and_reports(capsys):
    calls = []
    samples = harness.measure({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                              rounds=2, target=1e-4)
    assert [len(v) for v in samples.values()] == [2, 2]
    assert calls[:2] == ["a", "b"]       # each warmed up once before timing
    (w,) = workloads.w3(workloads.TINY, [])
    harness.run_workload(w, rounds=2, target=1e-4)
    table = capsys.readouterr().out
    assert "W3" in table and "wengert grad" in table and "1.00×" in table


def test_memory_peak_sees_numpy_arrays():
    peak, _ = memory.peak_bytes(lambda: np.ones(100_000).sum())
    assert peak >= 800_000


def test_cli_rejects_unknown_workloads(capsys):
    with pytest.raises(SystemExit):
        cli.parse(["--only", "W1,W99"])
    assert "unknown workload(s) W99" in capsys.readouterr().err
    assert cli.parse(["--only", "w1, W3"]).only == ["W1", "W3"]


def test_target_lines_say_met_or_why_not():
    from benchmarks import targets
    medians = {"wengert grad": 2.0, "wengert compile": 0.06}
    ratios = {"wengert grad": 40.0, "wengert compile": 1.2}
    out = targets.lines("W1", medians, ratios, "µs")
    assert out[0].startswith("target: wengert grad ≤ 1.5 µs: 2 µs, NOT met (a minimal tape")
    assert out[1] == "target: wengert compile ≤ 1.5× the floor: 1.20×, met"
    fit = "wengert fit (compiled steps)"
    out = targets.lines("W9 MLP", {fit: 1.0, "jax jit + optax": 1.0},
                        {fit: 1.08, "jax jit + optax": 0.78}, "ms")
    assert out[0].endswith("1.08×, met") and "NOT met (against JAX" in out[1]
    targets.ACTIVE[0] = False
    try:
        assert targets.lines("W1", medians, ratios, "µs") == []
    finally:
        targets.ACTIVE[0] = True
