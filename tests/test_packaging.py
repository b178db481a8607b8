"""The wheel builds, carries the op table, installs in a fresh virtual environment
and runs the tour from there (NumPy its only dependency)."""
import os
import pathlib
import subprocess
import sys
import venv
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


def test_wheel_installs_in_a_fresh_venv_and_runs_the_tour(tmp_path):
    dist = tmp_path / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                  "--wheel-dir", str(dist)])
    if built.returncode != 0:
        text = built.stdout + built.stderr
        if "No matching distribution" in text or "Could not find a version" in text:
            pytest.skip("the build backend (setuptools) cannot be downloaded here")
        pytest.fail(f"pip wheel failed:\n{text[-3000:]}")
    wheel, = dist.glob("wengert-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "wengert/_specs/__init__.py" in names and "wengert/tree.py" in names
    assert "wengert/py.typed" in names     # PEP 561: type checkers read the hints
    assert any(n.endswith("LICENSE") for n in names)
    assert not any(n.startswith("tests/") for n in names)

    env_dir = tmp_path / "env"
    # the fresh environment sees the system's site-packages only for NumPy, which the
    # wheel requires; wengert itself must come from the wheel
    venv.EnvBuilder(with_pip=False, system_site_packages=False).create(env_dir)
    py = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    # (a folder holding NumPy alone: the test's own site-packages may hold an installed
    # wengert, which pip would then take as already installed)
    import numpy
    numpy_only = tmp_path / "numpy-only"
    numpy_only.mkdir()
    for entry in pathlib.Path(numpy.__file__).parent.parent.iterdir():
        if entry.name == "numpy" or entry.name.startswith(("numpy.libs", "numpy-")):
            (numpy_only / entry.name).symlink_to(entry)
    site = _run([str(py), "-c", "import site; print(site.getsitepackages()[0])"]).stdout.strip()
    pathlib.Path(site, "numpy-from-test.pth").write_text(str(numpy_only) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    installed = _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                      "--no-index", str(wheel)], env=env)
    if installed.returncode != 0 and "no such option: --python" in installed.stderr:
        pytest.skip("pip is older than 22.3 (no --python)")
    assert installed.returncode == 0, installed.stderr[-3000:]
    where = _run([str(py), "-c", "import wengert; print(wengert.__file__)"], env=env,
                 cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert str(env_dir) in where.stdout and str(ROOT) not in where.stdout
    exe = env_dir / ("Scripts" if os.name == "nt" else "bin") / "wengert"
    tour = _run([str(exe), "tour", "--quick", "--out", str(tmp_path / "tour")], env=env,
                cwd=tmp_path)
    assert tour.returncode == 0, (tour.stdout + tour.stderr)[-3000:]
    assert (tmp_path / "tour" / "index.html").exists()
