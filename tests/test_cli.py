"""The command line: ``wengert tour`` / ``python -m wengert tour``, ``--version``."""
import os
import pathlib
import subprocess
import sys
import time

import pytest

import wengert
import wengert.numpy as np
from wengert.cli import main

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"


@pytest.fixture(scope="module")
def tour_run(tmp_path_factory):
    """The quick tour's stdout and report folder (the full tour: tests/test_tour.py)."""
    import io
    from contextlib import redirect_stdout
    out = tmp_path_factory.mktemp("tour")
    buf = io.StringIO()
    with redirect_stdout(buf):
        rc = main(["tour", "--quick", "--out", str(out)])
    assert rc == 0
    return buf.getvalue(), out


@pytest.fixture(scope="module")
def tour_text(tour_run):
    return tour_run[0]


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC)] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def test_tour_shows_the_key_numbers(tour_text):
    for number in ["3.0118", "-13.7240", "2.016647", "-13.723962",   # Griewank (000)
                   "1.5059", "2.8437", "-2.8437", "1.3513", "-1.9800", "0.0200",
                   "x=96", "y=288", "z=288", "h1=48", "h2=144", "h=24",  # diamond (001)
                   "dz/dx = 108", "dy/dx = 6",
                   "-12.00", "0.73", "-0.59", "0.39", "-0.53",          # circuits (002/003)
                   "False", "(AD: True)"]:                               # FD vs AD (002)
        assert number in tour_text, number
    # the notes' y = 2.0167 comes from multiplying rounded factors; the tour shows how
    assert "1.4924 * 1.3513 = 2.0167" in tour_text


def test_tour_has_one_header_per_section_and_is_short(tour_text):
    lines = tour_text.splitlines()
    headers = [line for line in lines if line.startswith("[")]
    assert [h.split("]")[0] + "]" for h in headers] == ["[Adams]", "[tape]",
                                                        "[CS 4740, CS231n]", "[CS231n]",
                                                        "[CS 4740]"]
    assert len(lines) < 120
    assert max(len(line) for line in lines) <= 110


def _row(text, first):
    """The numbers of the table row whose first cell is ``first``."""
    for line in text.splitlines():
        cells = line.split()
        if cells and cells[0] == first:
            return [float(c) for c in cells if _is_number(c)]
    raise AssertionError(f"no row {first!r}")


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def test_tour_numbers_are_the_librarys(tour_text):
    # v_6 row: value, tangent for x1, adjoint; recomputed here independently
    def y(x1, x2):
        return (np.sin(x1 / x2) + x1 / x2 - np.exp(x2)) * (x1 / x2 - np.exp(x2))

    value, tangent, adjoint = _row(tour_text, "v_6")
    assert value == round(float(y(1.5, 0.5)), 4)
    assert tangent == round(float(wengert.grad(y)(1.5, 0.5)), 4)
    assert adjoint == 1.0
    assert _row(tour_text, "v_b")[-1] == round(float(wengert.grad(y, 1)(1.5, 0.5)), 4)
    # the neuron's input wires: value and gradient
    dw0 = float(wengert.grad(lambda w0: 1 / (1 + np.exp(-(w0 * -1.0 + 6.0 - 3.0))))(2.0))
    assert _row(tour_text, "w0") == [2.0, round(dw0, 2)]


def test_quick_and_out_write_the_report(tour_run):
    text, out = tour_run
    assert "(quick)" in text.splitlines()[0]
    assert {"index.html", "tour.txt", "circuit.dot"} <= {p.name for p in out.iterdir()}
    assert f"open {out / 'index.html'}" in text
    from wengert.cli import _parser
    assert _parser().parse_args(["tour"]).out == "wengert-tour"   # the default folder


def test_version_help_and_usage_errors(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"wengert {wengert.__version__}"
    assert main(["--help"]) == 0
    assert "tour" in capsys.readouterr().out
    assert main(["no-such-command"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main([]) == 1   # no command: print the help
    assert "usage" in capsys.readouterr().out


def test_python_dash_m_wengert_tour(tour_run, tmp_path):
    text, out = tour_run
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wengert", "tour", "--quick", "--out",
                           str(tmp_path)], env=_env(), capture_output=True, text=True,
                          timeout=120)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    assert done.stdout == text.replace(str(out), str(tmp_path))   # seeded: the same numbers
    assert elapsed < 30.0


def test_cli_imports_the_tour_lazily():
    code = ("import sys, wengert.cli; "
            "print(any(m in sys.modules for m in ('wengert.tour', 'scipy', 'matplotlib')))")
    done = subprocess.run([sys.executable, "-c", code], env=_env(),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
