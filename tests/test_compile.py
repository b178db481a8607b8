"""wengert.compile: traced once per signature, run as generated NumPy code.

The compiled result must equal eager evaluation (to the last bit where the
operations are the same), for every operation of the op table; Python control
flow on traced values must be guarded, never baked in; what cannot be recorded
must run eagerly with a warning.
"""
import re
import warnings

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert import tree

# every test runs with a traced signature's program interpreted first, and generated at once
pytestmark = pytest.mark.usefixtures("compile_tier")


def _kind(x):
    # float and NumPy's float64 (a subclass of float) are one kind: Python floats that
    # eager code leaves plain are traced by compile and may come back as float64
    return float if type(x) is np.float64 else type(x)


def _same(a, b):
    la, lb = tree.leaves(a), tree.leaves(b)
    return len(la) == len(lb) and all(
        _kind(x) is _kind(y) and np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True)
        and np.asarray(x).dtype == np.asarray(y).dtype for x, y in zip(la, lb))


def _mlp_loss(params, X, Y):
    h = X
    for W, b in params[:-1]:
        h = wnp.tanh(h @ W + b)
    W, b = params[-1]
    return wnp.mean((h @ W + b - Y) ** 2)


def _mlp(rng, sizes=(4, 8, 8, 1), batch=5):
    params = [(rng.standard_normal((m, n)), rng.standard_normal(n))
              for m, n in zip(sizes[:-1], sizes[1:])]
    return params, rng.standard_normal((batch, sizes[0])), rng.standard_normal((batch, 1))


def test_grad_of_mlp_equals_eager_and_source_is_straight_line(rng):
    g = wengert.grad(_mlp_loss)
    fast = wengert.compile(g)
    params, X, Y = _mlp(rng)
    assert _same(fast(params, X, Y), g(params, X, Y))          # the traced call
    params2, X2, Y2 = _mlp(rng)
    assert _same(fast(params2, X2, Y2), g(params2, X2, Y2))    # the generated program
    src = fast.source(params, X, Y)
    assert src.count("np.tanh(") == 2 and "@" in src and ".T" in src
    assert "for " not in src and "while " not in src and "if " not in src   # no guards needed
    assert "cast(" not in src and "** 1" not in src and "* 1\n" not in src  # identities dropped
    assert fast.stats() == {"signatures": 1, "traces": 1, "retraces": 0, "eager": 0}
    run = fast.executed_source(params, X, Y)          # what runs: checks, then registers
    assert "raise _Miss" in run
    registers = set(re.findall(r"\br\d+\b", run))
    assert 0 < len(registers) < len(re.findall(r"\bv\d+ = ", src)) / 2


def test_value_and_grad_of_dict_params_and_training_step(rng):
    def loss(p, x):
        return wnp.sum(wnp.tanh(x @ p["w"]) * p["scale"])

    def step(p, x, lr):
        value, g = wengert.value_and_grad(loss)(p, x)
        return value, {k: p[k] - lr * g[k] for k in p}

    fast = wengert.compile(step)
    p = {"w": rng.standard_normal(3), "scale": 0.7}
    x = rng.standard_normal((4, 3))
    for _ in range(3):
        got, want = fast(p, x, 0.1), step(p, x, 0.1)
        assert _same(got, want)
        p = got[1]
    assert fast.stats()["traces"] == 1
    fast(p, x, 0.2)            # a Python float is traced: no new signature...
    assert fast.stats()["traces"] == 1
    fast(p, x[:2], 0.1)        # ...a new shape is
    assert fast.stats()["signatures"] == 2


@pytest.mark.parametrize("transform", [wengert.jacobian, wengert.hessian, wengert.jacfwd,
                                       wengert.jacrev])
def test_jacobians_and_hessians(transform, rng):
    f = transform(lambda x: wnp.tanh(x) * wnp.sum(x ** 2))
    fast = wengert.compile(f)
    for _ in range(2):
        x = rng.standard_normal(3)
        assert _same(fast(x), f(x))


def test_python_control_flow_is_guarded(rng):
    def f(x):
        if wnp.sum(x) > 0:          # depends on the value: a guard, never baked in
            return wnp.sum(x ** 2)
        return wnp.sum(wnp.sin(x))

    g = wengert.grad(f)
    fast = wengert.compile(g)
    x = np.abs(rng.standard_normal(3))
    assert _same(fast(x), g(x))
    assert _same(fast(-x), g(-x))            # the guard fails: traced again
    assert _same(fast(2 * x), g(2 * x))      # both variants are kept
    assert _same(fast(-2 * x), g(-2 * x))
    assert fast.stats()["traces"] == 2 and fast.stats()["retraces"] == 1
    assert "raise _Retrace" in fast.source(x)


def test_concrete_values_are_guarded(rng):
    def f(x, n):
        y = x
        for _ in range(int(n[0])):       # int() of a traced value: a value guard
            y = wnp.sin(y)
        return wnp.sum(y)

    g = wengert.grad(f)
    fast = wengert.compile(g)
    x = rng.standard_normal(3)
    for n in (2.0, 3.0, 2.0):
        assert _same(fast(x, np.array([n])), g(x, np.array([n])))


def test_too_many_retraces_run_eagerly_with_a_warning(rng):
    def f(x, s):
        return wnp.sum(x * float(s[0]))       # a new value every call: its guard fails

    g = wengert.grad(f)
    fast = wengert.compile(g, max_traces=2)
    x = np.arange(3.0)
    for i in range(2):
        assert _same(fast(x, np.array([i + 1.0])), g(x, np.array([i + 1.0])))
    with pytest.warns(RuntimeWarning, match="running eagerly.*guards failed"):
        assert _same(fast(x, np.array([5.0])), g(x, np.array([5.0])))
    assert fast.stats()["eager"] == 1


def test_value_dependent_shapes_are_guarded(rng):
    g = wengert.grad(lambda x: wnp.sum(x[x > 0] ** 2))
    fast = wengert.compile(g)
    for x in ([1.0, -2.0, 3.0], [1.0, 2.0, 3.0], [-1.0, -2.0, 3.0]):
        x = np.array(x)
        assert _same(fast(x), g(x))


def test_unrecordable_operations_run_eagerly(rng):
    def f(x):
        out = np.zeros(3)
        np.add.at(out, [0, 0, 1], wnp.sin(x))   # plain NumPy, writing into a plain array
        return out

    fast = wengert.compile(f)
    x = rng.standard_normal(3)
    with pytest.warns(RuntimeWarning, match="runs eagerly.*add.at"):
        assert _same(fast(x), f(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _same(fast(x + 1), f(x + 1))     # warned once


def test_random_numbers_are_not_baked_in(rng):
    def noisy(x):
        return x + np.random.standard_normal(3)

    with pytest.warns(RuntimeWarning, match="numpy.random"):
        wengert.compile(noisy)(np.zeros(3))
    np.random.seed(0)
    np.random.standard_normal(1)   # mid-block: a draw leaves the generator's key as it is
    with pytest.warns(RuntimeWarning, match="numpy.random"):
        wengert.compile(noisy)(np.zeros(3))
    with pytest.raises(TypeError, match="random generator"):
        wengert.compile(lambda x, r: x)(np.zeros(3), rng)


def _scalar_chain(n):
    """x -> n blocks of exp(sin(y) * x + 0.5) / 2: a chain of scalar operations."""
    def chain(x):
        y = x
        for _ in range(n):
            y = wnp.exp(wnp.sin(y) * x + 0.5) / 2.0
        return y
    return chain


def test_scalar_code_and_scalar_math(rng):
    g = wengert.grad(_scalar_chain(20))
    exact = wengert.compile(g)
    assert _same(exact(0.3), g(0.3)) and _same(exact(0.4), g(0.4))
    assert type(exact(0.4)) is float
    fast = wengert.compile(g, scalar_math=True)
    assert fast(0.3) == pytest.approx(g(0.3), rel=1e-13)
    assert fast(0.4) == pytest.approx(g(0.4), rel=1e-13)
    assert "math_sin(" in fast.source(0.3)
    # where math raises (overflow), the call reruns with NumPy's semantics
    big = wengert.compile(wengert.grad(lambda x: wnp.exp(x) * 2.0), scalar_math=True)
    big(1.0)
    with np.errstate(over="ignore"):
        assert big(1000.0) == np.inf


def test_adjoints_accumulate_in_place_into_temporaries(rng):
    W = rng.standard_normal((64, 64))

    def f(x):
        h = wnp.tanh(x @ W)
        return wnp.sum(h * h) + wnp.sum(wnp.sin(h))     # h fans out: its adjoints add

    g = wengert.grad(f)
    fast = wengert.compile(g)
    x = rng.standard_normal((64, 64))
    assert _same(fast(x), g(x))
    assert _same(fast(x * 2), g(x * 2))
    assert "+=" in fast.source(x)


def test_called_inside_a_transform_it_runs_eagerly(rng):
    fast = wengert.compile(lambda x: wnp.sum(wnp.sin(x) ** 2))
    x = rng.standard_normal(3)
    assert _same(wengert.grad(fast)(x), wengert.grad(lambda x: wnp.sum(wnp.sin(x) ** 2))(x))


def test_cache_is_bounded(rng):
    fast = wengert.compile(wengert.grad(lambda x: wnp.sum(x ** 3)), max_cache=2)
    for n in (2, 3, 4, 5):
        assert _same(fast(np.ones(n)), 3 * np.ones(n))
    assert fast.stats()["signatures"] == 2
    fast.clear()
    assert fast.stats()["signatures"] == 0


def test_errors():
    with pytest.raises(TypeError, match="expected a function"):
        wengert.compile(3)
    fast = wengert.compile(lambda x: wnp.log(x))
    with pytest.raises(TypeError):
        fast()
    assert wengert.compile(fast).fun is fast.fun


def test_readme_shows_the_generated_source():
    import pathlib
    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    shown = readme.split("prints the derivative as code", 1)[1].split("```\n", 2)[1]

    def loss(w, x, y):
        return wnp.mean((wnp.tanh(x @ w) - y) ** 2)

    fast = wengert.compile(wengert.grad(loss))
    assert fast.source(np.ones(3), np.eye(3), np.zeros(3)) + "\n" == shown


def test_a_changing_int_argument_is_flagged(rng):
    fast = wengert.compile(lambda x, step: wnp.sum(x) * step)
    fast(np.ones(2), 1)
    with pytest.warns(RuntimeWarning, match="int changed value.*traced and compiled anew"):
        fast(np.ones(2), 2)
    assert fast(np.ones(2), 3) == 6.0


def test_results_never_share_memory_with_inputs_constants_or_each_other():
    x = np.arange(3.0)
    fast = wengert.compile(lambda x: (x * 1.0, wnp.sin(x), wnp.sin(x), np.zeros(2) + 0.0))
    for _ in range(3):                       # the traced call, then the program
        a, b, c, zeros = fast(x)
        assert a is not x and b is not c and not np.shares_memory(b, c)
        assert np.array_equal(zeros, [0.0, 0.0])
        a += 1.0                             # writing into results changes nothing else
        c += 1.0
        zeros += 1.0
        assert np.array_equal(x, np.arange(3.0))
    assert fast(x)[0] is not fast(x)[0]


def test_slices_with_traced_bounds_are_guarded():
    def f(x, n):
        return wnp.sum(x[:wnp.argmax(n)] ** 2)       # the result's length depends on n

    g = wengert.grad(f)
    fast = wengert.compile(g)
    x = np.arange(5.0)
    for hot in (2, 3, 0, 2):
        n = np.eye(5)[hot]
        assert _same(fast(x, n), g(x, n))


def test_each_trace_is_logged_at_info_under_the_wengert_logger(caplog):
    fast = wengert.compile(lambda x: wnp.sin(x) * 2.0)
    with caplog.at_level("INFO", logger="wengert"):
        fast(np.ones(3))
        fast(np.ones(3) + 1)            # same signature: no new trace
        fast(np.ones(4))                # a new shape: traced again
    traced = [r for r in caplog.records if r.name == "wengert.compile"]
    assert [r.getMessage().split(": ")[1] for r in traced] == [
        "traced this signature (trace 1 of at most 8)"] * 2


def test_a_function_named_like_a_value_is_called_not_renamed():
    # the generated code names values v0, v1, ...; a function of the user's recorded
    # whole under such a name was once taken for a value and renamed to a register
    from wengert.extend import defjvp, defvjp, primitive

    def v1(x):
        return 2.0 * x

    double = primitive(v1)
    defvjp(double, lambda ans, x: lambda g: 2.0 * g)
    defjvp(double, lambda g, ans, x: 2.0 * g)
    g = wengert.grad(lambda x: wnp.sum(wnp.sin(double(wnp.cos(x)) * x)))
    fast = wengert.compile(g)
    x = np.linspace(0.1, 0.9, 4)
    for _ in range(3):     # the first call returns the traced values; the next run the code
        assert _same(fast(x), g(x))
        x = x + 0.25


def test_inlined_calls_keep_every_value_and_its_order():
    # the code that runs writes a ufunc call read once by the next statement inside it:
    # fewer statements, the same operations in the same order (bit-identical results)
    g = wengert.grad(_scalar_chain(30))
    fast = wengert.compile(g)
    for x in (0.3, np.float64(0.7), 1.1):
        assert _same(fast(x), g(x))
    text, run = fast.source(0.3), fast.executed_source(0.3)
    assert re.search(r"np[._]exp\(", run) and len(re.findall(r"\br\d+ = ", run)) < len(
        re.findall(r"\bv\d+ = ", text)) * 2 / 3
    assert fast.source(0.3) == text        # written once, asked again


def test_machinery_is_every_module_of_the_core_and_the_transforms():
    # calls from these modules on wengert's own arrays fold to constants; a module of
    # the transforms missing here would make its constants live arrays
    import os
    import wengert._core
    import wengert.transforms
    from wengert._compile import _lifting
    for mod in (wengert._core, wengert.transforms):
        path = os.path.abspath(mod.__file__)
        files = ([os.path.join(os.path.dirname(path), f) for f in os.listdir(os.path.dirname(path))
                  if f.endswith(".py")] if path.endswith("__init__.py") else [path])
        assert files
        for f in files:
            assert f.startswith(_lifting._MACHINERY), f


def test_code_generation_pauses_the_cycle_collector_and_restores_it():
    import gc
    seen = []

    def f(x):
        return wnp.sum(wnp.sin(x) * x)

    g = wengert.grad(f)
    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            fast = wengert.compile(g)
            assert _same(fast(np.ones(3)), g(np.ones(3)))
            seen.append(gc.isenabled())
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [True, False]       # as the caller left it, on or off
