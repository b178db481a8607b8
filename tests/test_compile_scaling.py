"""What ``wengert.compile``'s first calls cost as the program grows: the first call of a
signature traces (its result is the traced call's), the second generates the code,
and neither grows faster than the program (benchmarks/compile_scaling.py times them)."""
import gc
import operator
import time

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
import wengert._compile as compile_module
from wengert._compile._scalar import scalar_op as _scalar_op


def _chain(x, n_blocks):
    y = x
    for _ in range(n_blocks):
        y = wnp.exp(wnp.sin(y) * x + 0.5) / 2.0
    return y


def _cpu_best(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _count_sources(monkeypatch):
    """A list that gets an item each time a compiled function generates its code."""
    made = []
    source = compile_module.Source

    def counting(*args, **kwargs):
        made.append(1)
        return source(*args, **kwargs)

    monkeypatch.setattr(compile_module, "Source", counting)
    return made


def test_the_first_call_traces_the_second_interprets_and_the_code_comes_when_it_pays(
        monkeypatch):
    made = _count_sources(monkeypatch)
    monkeypatch.setattr(compile_module, "_CODEGEN_COST", 20.0)   # (timing noise)
    g = wengert.grad(lambda x: wnp.sum(_chain(x, 20)))
    c = wengert.compile(g)
    x = np.linspace(0.1, 0.5, 4)
    first = c(x)
    assert made == [] and np.array_equal(first, g(x))
    assert np.array_equal(c(x), g(x)) and made == []      # interpreted
    calls = 2
    while not made:      # the code is generated once the runs took about as long as that
        assert np.array_equal(c(2 * x), g(2 * x))
        calls += 1
        assert calls < 10_000
    assert made == [1] and calls > 2
    assert np.array_equal(c(3 * x), g(3 * x)) and made == [1]
    assert c.stats()["traces"] == 1


def test_with_interpretation_off_the_second_call_generates_the_code(monkeypatch):
    made = _count_sources(monkeypatch)
    monkeypatch.setattr(compile_module, "INTERPRET_FIRST", [False])
    g = wengert.grad(lambda x: wnp.sum(_chain(x, 20)))
    c = wengert.compile(g)
    x = np.linspace(0.1, 0.5, 4)
    assert np.array_equal(c(x), g(x)) and made == []
    assert np.array_equal(c(x), g(x)) and made == [1]
    assert np.array_equal(c(2 * x), g(2 * x)) and made == [1]


def test_source_of_a_signature_traced_once_generates_its_code():
    c = wengert.compile(wengert.grad(lambda x: wnp.sin(x) * x))
    assert c(0.5) == wengert.grad(lambda x: wnp.sin(x) * x)(0.5)
    assert "sin(x0)" in c.source(0.5) and c.stats()["traces"] == 1


def test_the_first_call_grows_linearly_and_costs_a_few_eager_gradients():
    """It was 12-13 eager gradients (tracing, code generation and Python's compile
    together); now it is tracing alone, about 4.  Generous bounds on CPU-time ratios
    measured in one process: a quadratic first call would be 25x at five times the size."""
    g_small = wengert.grad(lambda x: _chain(x, 200))      # 1,000 operations
    g_large = wengert.grad(lambda x: _chain(x, 1000))     # 5,000 operations
    small = _cpu_best(lambda: wengert.compile(g_small)(0.3), 3)
    large = _cpu_best(lambda: wengert.compile(g_large)(0.3), 3)
    eager = _cpu_best(lambda: g_large(0.3), 3)
    assert large / small < 10, (small, large)
    assert large / eager < 9, (large, eager)


@pytest.mark.parametrize("op, ufunc", [(operator.add, np.add), (operator.sub, np.subtract),
                                       (operator.mul, np.multiply),
                                       (operator.truediv, np.true_divide)])
def test_scalar_operations_while_tracing_are_numpys_bits_or_numpys_own_call(op, ufunc):
    rng = np.random.default_rng(0)
    values = list(rng.standard_normal(200) * 10.0 ** rng.integers(-320, 308, 200)) + [
        0.0, -0.0, 1e308, -1e308, 5e-324, 2.2250738585072014e-308, np.inf, -np.inf, np.nan]
    pairs = [(a, b) for a in values[::7] for b in values[::5]] + [
        (a, b) for a in values[-9:] for b in values[-9:]]
    computed = 0
    for a, b in pairs:
        got = _scalar_op(op, float(a), float(b))
        with np.errstate(all="raise"):
            try:
                want = ufunc(np.float64(a), np.float64(b))
            except FloatingPointError:
                assert got is None, (a, b)    # NumPy signals: it runs itself
                continue
        if got is not None:
            computed += 1
            assert type(got) is np.float64 and got.tobytes() == want.tobytes(), (a, b)
    assert computed > len(pairs) // 3


def test_an_overflow_while_tracing_signals_as_numpy_does():
    g = wengert.grad(lambda x: wnp.sin(x * 1e308) * x)
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError):
            g(10.0)
        with pytest.raises(FloatingPointError):
            wengert.compile(g)(10.0)
    c = wengert.compile(g)
    assert c(1.0) == g(1.0) and c(1.0) == g(1.0)
