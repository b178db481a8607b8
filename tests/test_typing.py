"""Type hints of the public API: mypy passes on the modules listed under
``[tool.mypy]`` in pyproject.toml, the hints reach users (a wrong call is
reported), and the ``py.typed`` marker is declared as package data (the wheel
test in test_packaging.py checks that it is in the wheel).

The mypy runs skip when mypy is not installed (it is in the ``test`` extra).
The cache lives in the temporary directory, one per checkout: a cold run takes
about 8 s of CPU, a warm one under a second.
"""
import hashlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import textwrap

import pytest

try:
    import tomllib
except ImportError:    # Python 3.10
    tomllib = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _mypy(*args):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install wengert[test])")
    key = hashlib.sha1(ROOT.encode()).hexdigest()[:12]
    cache = os.path.join(tempfile.gettempdir(), f"wengert-mypy-cache-{key}")
    cmd = [sys.executable, "-m", "mypy", "--cache-dir", cache, "--no-error-summary", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _config():
    if tomllib is None:
        pytest.skip("reading pyproject.toml needs Python 3.11 (tomllib)")
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)


def test_public_modules_pass_mypy():
    res = _mypy()  # the files and options of [tool.mypy] in pyproject.toml
    assert res.returncode == 0, f"mypy found problems:\n{res.stdout}{res.stderr}"


def test_wrong_calls_are_reported(tmp_path):
    """The hints say something: mistakes in calls to the public API are caught."""
    user = tmp_path / "user_code.py"
    user.write_text(textwrap.dedent("""\
        import numpy
        import wengert
        from wengert import nn, optim

        layer = nn.Linear("3", 2)
        opt = optim.adam(learning_rate="fast")
        g = wengert.grad(lambda x: x ** 2, argnum="x")
        vg = wengert.value_and_grad(lambda x: x ** 2, argnum="x")
        params = optim.apply_updates({"w": numpy.zeros(2)}, {"w": numpy.ones(2)})
        reveal_type(params)
        reveal_type(wengert.stop_gradient(1.5))
    """))
    res = _mypy(str(user))
    assert res.returncode == 1, res.stdout + res.stderr
    lines = {}
    for line in res.stdout.splitlines():
        where, _, message = line.partition(": ")
        lines.setdefault(int(where.rsplit(":", 1)[1]), []).append(message)

    def said(n, *parts):
        return any(all(p in m for p in parts) for m in lines.get(n, []))

    assert said(5, '"Linear"', 'incompatible type "str"', 'expected "int"'), res.stdout
    assert said(6, '"learning_rate"', 'incompatible type "str"'), res.stdout
    assert said(7, '"argnum"', 'incompatible type "str"'), res.stdout
    assert said(8, '"argnum"', 'incompatible type "str"'), res.stdout
    # apply_updates and stop_gradient return the structure they are given
    assert said(10, "Revealed type", "dict[", "str, numpy.ndarray"), res.stdout
    assert said(11, "Revealed type", 'float"'), res.stdout


def test_py_typed_ships_with_the_package():
    assert os.path.isfile(os.path.join(ROOT, "src", "wengert", "py.typed"))
    data = _config()["tool"]["setuptools"]["package-data"]["wengert"]
    assert "py.typed" in data


def test_listed_modules_must_be_fully_annotated():
    """Every file mypy checks is under ``disallow_untyped_defs``, so a new
    unannotated public function fails the run above instead of going unchecked."""
    mypy = _config()["tool"]["mypy"]
    strict = {m for o in mypy["overrides"] if o.get("disallow_untyped_defs")
              for m in o["module"]}
    for path in mypy["files"]:
        full = os.path.join(ROOT, path)
        files = ([os.path.join(path, f) for f in os.listdir(full) if f.endswith(".py")]
                 if os.path.isdir(full) else [path])
        for f in files:
            mod = f[len("src/"):-len(".py")].replace("/", ".").removesuffix(".__init__")
            parent = mod.rsplit(".", 1)[0]
            assert mod in strict or parent + ".*" in strict, f"{f} ({mod}) is not strict"
