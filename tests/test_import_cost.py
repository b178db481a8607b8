"""``import wengert`` loads only what ``wengert.grad`` needs; everything else (the
autograd-compatible names, ``custom_jvp``, the public submodules, ``wengert.numpy.linalg``
and ``fft``) loads on first use and then behaves exactly as if imported eagerly.

The checks run in fresh interpreters and look at ``sys.modules``: they do not time
anything (``python -m benchmarks --only W6`` does)."""
import json
import os
import subprocess
import sys

import numpy
import pytest

import wengert
import wengert.numpy as wnp

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

# Never loaded by ``import wengert`` / ``import wengert.numpy``.
HEAVY = ["wengert.explain", "wengert._compile", "wengert._specs", "wengert._selfcheck",
         "wengert.nn", "wengert.optim", "wengert.training", "wengert.plot", "wengert.scipy",
         "wengert.numpy._batching", "wengert.numpy.linalg", "wengert.numpy.fft",
         "wengert.custom", "wengert.core", "matplotlib", "scipy", "numpy.typing",
         # rarely used parts of the NumPy layer and the transforms (loaded on first use)
         "wengert.numpy._sets", "wengert.numpy._misc", "wengert.numpy._nondiff",
         "wengert.numpy._index_tricks", "wengert.numpy.numpy_wrapper", "wengert.numpy._pad",
         "wengert.numpy._inplace", "wengert.numpy._namespace_array",
         "wengert.numpy._sorting", "wengert.numpy._selection", "wengert.numpy._dask_ops",
         "wengert.transforms._jacobian", "wengert.transforms._checkpoint",
         "wengert.transforms._tape", "wengert._typing",
         # standard-library modules NumPy does not load either
         "threading", "random", "dataclasses"]


def run(code):
    """Run ``code`` in a fresh interpreter; its last printed line, read as JSON."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (SRC, os.environ.get("PYTHONPATH")) if p))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["wengert", "wengert.numpy"])
def test_import_loads_nothing_heavy(module):
    loaded = run(f"import sys, json, {module}\n"
                 f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert loaded == []


def test_numpy_alone_loads_none_of_the_standard_library_modules_checked():
    # Otherwise the check above would test nothing about wengert for them.
    loaded = run("import sys, json, numpy\n"
                 "print(json.dumps([m for m in ['threading', 'random', 'dataclasses'] "
                 "if m in sys.modules]))")
    assert loaded == []


def test_grad_runs_without_loading_the_heavy_modules():
    loaded = run("import sys, json, wengert, wengert.numpy as np\n"
                 "g = wengert.grad(lambda x: np.sum(np.tanh(x) ** 2))(np.ones(3))\n"
                 "v, t = wengert.jvp(lambda x: np.sin(x) * x, (np.ones(2),), (np.ones(2),))\n"
                 "assert g.shape == (3,) and t.shape == (2,)\n"
                 f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert loaded == []


def test_lazy_names_are_the_modules_attributes():
    import importlib
    for name, (module, attr) in wengert._LAZY.items():
        assert getattr(wengert, name) is getattr(
            importlib.import_module(f"wengert.{module}"), attr), name
    for name in wengert._SUBMODULES:
        assert getattr(wengert, name) is importlib.import_module(f"wengert.{name}"), name
    for name in wnp._SUBMODULES:
        assert getattr(wnp, name) is importlib.import_module(f"wengert.numpy.{name}"), name
    for name, (module, attr) in wnp._LAZY.items():
        assert getattr(wnp, name) is getattr(
            importlib.import_module(f"wengert.numpy.{module}"), attr), name
    assert wnp.trapz is wnp.trapezoid
    for name, module in wengert.transforms._LAZY.items():
        assert getattr(wengert.transforms, name) is getattr(
            importlib.import_module(f"wengert.transforms.{module}"), name), name


def test_from_import_dir_and_all_in_a_fresh_interpreter():
    result = run(
        "import json, wengert, wengert.numpy as wnp\n"
        "from wengert import custom_vjp, make_ggnvp, primitive, nn, dict as d\n"
        "from wengert.numpy import linalg\n"
        "import wengert.custom, wengert.differential_operators, wengert.extend\n"
        "ok = [custom_vjp is wengert.custom.custom_vjp,\n"
        "      make_ggnvp is wengert.differential_operators.make_ggnvp,\n"
        "      primitive is wengert.extend.primitive, nn.__name__ == 'wengert.nn',\n"
        "      linalg.__name__ == 'wengert.numpy.linalg', d is wengert.builtins.dict]\n"
        "names = set(dir(wengert))\n"
        "missing = sorted((set(wengert.__all__) | set(wengert._LAZY) | set(wengert._SUBMODULES))"
        " - names)\n"
        "unresolved = [n for n in wengert.__all__ if not hasattr(wengert, n)]\n"
        "np_missing = sorted({'linalg', 'fft', 'random', 'sin', 'grad'} - set(dir(wnp)))\n"
        "print(json.dumps([ok, missing, unresolved, np_missing]))")
    ok, missing, unresolved, np_missing = result
    assert all(ok), ok
    assert missing == [] and unresolved == []
    assert np_missing == ["grad"]    # (a check that dir(wengert.numpy) is not everything)


def test_star_import_is_unchanged():
    # wengert's __all__ (all resolvable); wengert.numpy exports NumPy's names, as before.
    names = run("import json\nfrom wengert import *\n"
                "print(json.dumps(sorted(n for n in dir() if not n.startswith('_'))))")
    assert set(names) >= set(wengert.__all__) - {"json"}
    names = run("import json\nfrom wengert.numpy import *\n"
                "print(json.dumps([linalg.__name__, fft.__name__, sin.__module__]))")
    assert names[:2] == ["wengert.numpy.linalg", "wengert.numpy.fft"]


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'wengert' has no attribute 'nonesuch'"):
        wengert.nonesuch
    with pytest.raises(AttributeError, match="'wengert.numpy' has no attribute 'nonesuch'"):
        wnp.nonesuch
    assert not hasattr(wengert, "_compile_nonesuch")


@pytest.mark.parametrize("expr, expected", [
    # d/dA det(A) = det(A) A^{-T}; at A = 2 I (2x2): 4 * I / 2 = 2 I
    ("numpy.linalg.det(a)", [[2.0, 0.0], [0.0, 2.0]]),
    # d/dx sum(real(fft(x))) = (sum_k cos(2 pi k n / 2))_n = (2, 0)
    ("numpy.real(numpy.fft.fft(a[0])).sum()", [[2.0, 0.0], [0.0, 0.0]]),
])
def test_plain_numpy_call_on_a_traced_value_loads_the_rules(expr, expected):
    # wengert.numpy.linalg / fft not imported: NumPy's dispatch reaches the traced value,
    # which loads them and answers with their derivative rules (not an error).
    got = run("import json, sys, numpy, wengert\n"
              "before = 'wengert.numpy.linalg' in sys.modules\n"
              f"g = wengert.grad(lambda a: {expr})(2.0 * numpy.eye(2))\n"
              "print(json.dumps([before, g.tolist()]))")
    assert got[0] is False
    numpy.testing.assert_allclose(got[1], expected, atol=1e-12)


@pytest.mark.parametrize("expr, expected", [
    # a NumPy function whose rule is loaded on first use: d/dx sum(unique(x)^2) puts 2x on
    # each first occurrence
    ("(numpy.unique(x) ** 2).sum()", [2.0, 4.0, 0.0]),
    # a ufunc among them (not differentiable: the value is a constant)
    ("x.sum() + numpy.gcd(numpy.array([4, 6]), 2).sum()", [1.0, 1.0, 1.0]),
    ("numpy.pad(x, 1, 'edge').sum()", [2.0, 1.0, 2.0]),
    ("numpy.trapezoid(x * x)", [1.0, 4.0, 2.0]),
])
def test_plain_numpy_call_loads_the_lazily_loaded_rules(expr, expected):
    got = run("import json, sys, numpy, wengert\n"
              "before = [m for m in ('wengert.numpy._sets', 'wengert.numpy._nondiff', "
              "'wengert.numpy._pad', 'wengert.numpy._misc') if m in sys.modules]\n"
              f"g = wengert.grad(lambda x: {expr})(numpy.array([1.0, 2.0, 2.0]))\n"
              "print(json.dumps([before, g.tolist()]))")
    assert got[0] == []
    numpy.testing.assert_allclose(got[1], expected, atol=1e-12)


def test_writes_into_traced_arrays_load_their_rules_on_first_use():
    # x[i] = v, x += y and ufunc.at on a traced array: the in-place layer loads then
    got = run("import json, sys, numpy, wengert, wengert.numpy as wnp\n"
              "before = 'wengert.numpy._inplace' in sys.modules\n"
              "def f(x):\n"
              "    y = x * 1.0\n"
              "    y[0] = 3.0 * x[1]\n"
              "    y += x\n"
              "    numpy.add.at(y, [2, 2], x[0])\n"
              "    return wnp.sum(y ** 2)\n"
              "g = wengert.grad(f)(numpy.array([1.0, 2.0, 3.0]))\n"
              "print(json.dumps([before, g.tolist()]))")
    # y = (x0 + 3 x1, 2 x1, 2 x2 + 2 x0): f' = 2 y0 (1, 3, 0) + 2 y1 (0, 2, 0) + 2 y2 (2, 0, 2)
    y = [7.0, 4.0, 8.0]
    want = [2 * y[0] + 4 * y[2], 6 * y[0] + 4 * y[1], 4 * y[2]]
    assert got[0] is False
    numpy.testing.assert_allclose(got[1], want, atol=1e-12)


def test_autograd_primitive_tables_list_lazily_loaded_rules():
    got = run("import json, wengert, wengert.core\n"
              "names = {p.name for p in wengert.core.primitive_vjps._prims().values()}\n"
              "print(json.dumps(['numpy.linalg.det' in names, 'numpy.fft.fft' in names]))")
    assert got == [True, True]


@pytest.mark.parametrize("setup, expected", [
    ("", [True, 0]),                                   # the collector runs again after it
    ("gc.disable()\n", [False, 0]),                    # a program's own pause is kept
    ("x = [[] for _ in range(10)]\ngc.freeze()\n", None),  # objects it froze stay frozen
])
def test_import_leaves_the_cycle_collector_as_it_found_it(setup, expected):
    got = run(f"import gc, json, numpy\n{setup}before = gc.get_freeze_count()\n"
              "import wengert\n"
              "print(json.dumps([gc.isenabled(), gc.get_freeze_count(), before]))")
    if expected is None:
        assert got[0] is True and got[1] == got[2] > 0
    else:
        assert got[:2] == expected


def test_array_api_adapter_loads_with_the_first_array_api_only_array():
    pytest.importorskip("array_api_strict")
    got = run("import json, sys, numpy, wengert, wengert.numpy as wnp, array_api_strict as xp\n"
              "before = 'wengert.numpy._namespace_array' in sys.modules\n"
              "g = wengert.grad(lambda x: wnp.sum(wnp.sin(x) * x))(xp.asarray([0.5, 1.0]))\n"
              "print(json.dumps([before, type(g).__module__.split('.')[0], "
              "[float(g[0]), float(g[1])]]))")
    x = numpy.array([0.5, 1.0])
    assert got[:2] == [False, "array_api_strict"]
    numpy.testing.assert_allclose(got[2], numpy.cos(x) * x + numpy.sin(x), rtol=1e-15)
