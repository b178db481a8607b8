"""``wengert tour``: every section printed, every promised file written, the
claims it makes (learned bases beat fixed ones, >= 97% on the spirals, finite
differences err where AD does not) hold, and a second run prints the same."""
import html
import io
import sys

import pytest

from wengert import tour
from wengert.cli import main

PLOTS = ["loss_curves.png", "basis_fit.png", "spirals_boundary.png", "fd_error.png"]
ALWAYS = ["circuit.dot", "tour.txt", "index.html"]
SECTIONS = ["1. The lecture notes' worked examples", "2. Adaptive basis-function regression",
            "3. An MLP on the spirals", "4. Finite differences against exact derivatives",
            "5. The report"]


def _has_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """The quick tour through the command line's entry point."""
    from contextlib import redirect_stdout
    out = tmp_path_factory.mktemp("quick")
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["tour", "--quick", "--out", str(out)]) == 0
    return buf.getvalue(), out


def _numbers_part(text):
    """Sections 1-4: everything but the report section (which names the folder)."""
    return text.split("\n5. The report")[0]


def test_quick_tour_prints_every_section_in_order(quick):
    text, _ = quick
    positions = [text.find(s) for s in SECTIONS]
    assert -1 not in positions, [s for s, p in zip(SECTIONS, positions) if p < 0]
    assert positions == sorted(positions)
    # section 1 shows Griewank's trace through wengert.explain.trace: the notes' names
    assert "v_6  multiply(v_5, v_4)  2.0166   3.0118    1.0000" in text


def test_quick_tour_writes_every_promised_file(quick):
    text, out = quick
    written = {p.name for p in out.iterdir()}
    expected = ALWAYS + (PLOTS if _has_matplotlib() else [])
    assert set(expected) <= written, set(expected) - written
    for name in expected:
        assert (out / name).stat().st_size > 0, name
    page = (out / "index.html").read_text()
    for name in expected:
        if name != "index.html":
            assert f'"{name}"' in page, name    # every file is linked or shown
    assert "2. Adaptive basis-function regression" in page   # the printed text is included
    assert (out / "tour.txt").read_text() == text
    assert (out / "circuit.dot").read_text().startswith("digraph")
    if "circuit.svg" in written:
        assert "<svg" in (out / "circuit.svg").read_text()[:2000]
    else:   # the report says why the SVG is missing
        assert "circuit.svg skipped" in text and "circuit.svg skipped" in page


@pytest.fixture(scope="module")
def without_matplotlib(tmp_path_factory):
    """The quick tour again, as if matplotlib were not installed."""
    out = tmp_path_factory.mktemp("no-matplotlib")
    with pytest.MonkeyPatch.context() as mp:
        for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
            mp.delitem(sys.modules, name)
        mp.setitem(sys.modules, "matplotlib", None)   # `import matplotlib` now fails
        buf = io.StringIO()
        result = tour.run(out, quick=True, stream=buf)
    return result, buf.getvalue(), out


def test_without_matplotlib_the_tour_still_runs_and_says_which_extra(without_matplotlib):
    result, text, out = without_matplotlib
    assert 'pip install "wengert[plot]"' in text
    assert not any(name.endswith(".png") for name in result["files"])
    written = {p.name for p in out.iterdir()}
    assert set(ALWAYS) <= written and not any(n.endswith(".png") for n in written)
    assert 'pip install "wengert[plot]"' in html.unescape((out / "index.html").read_text())


def test_a_second_run_prints_the_same_numbers(quick, without_matplotlib):
    assert _numbers_part(without_matplotlib[1]) == _numbers_part(quick[0])


def test_quick_tour_claims_hold(without_matplotlib):
    result = without_matplotlib[0]
    fixed_train, fixed_test = result["basis"]["fixed"]
    learned_train, learned_test = result["basis"]["learned"]
    assert learned_train < fixed_train and learned_test < fixed_test
    # the fixed model cannot beat its own least-squares optimum; learning theta does
    best_train, best_test = result["best_fixed"]
    assert best_train <= fixed_train + 1e-12
    assert learned_test < best_test
    assert result["spirals_accuracy"] >= 0.97
    fd = result["fd"]
    errors, best = fd["errors"], min(fd["errors"])
    assert errors[0] > 100 * best and errors[-1] > 100 * best   # truncation / round-off
    assert fd["ad_error"] < 1e-12 < best


def test_the_full_settings_meet_the_claims_too():
    settings = tour._settings(quick=False)
    lines, spirals = tour._spirals(settings)
    assert spirals["accuracy"] >= 0.97
    assert "(the claim: >= 97%: met" in lines[-1]
    _, basis = tour._basis_regression(settings)
    assert basis["learned"]["test"] < basis["fixed"]["test"]
    assert basis["learned"]["train"] < basis["fixed"]["train"]


def test_an_unusable_out_folder_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["tour", "--quick", "--out", str(blocker / "report")]) == 2
    err = capsys.readouterr().err
    assert "cannot create the report folder" in err and "--out DIR" in err
