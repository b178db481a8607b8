"""wengert.selfcheck() from the installed package, and docs/coverage.md up to date."""
import importlib.util
import io
import pathlib

import numpy
import pytest

import wengert
from wengert.extend import defjvp, defvjp, primitive
from wengert.test_util import op_spec

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_selfcheck_reports_per_op():
    out = io.StringIO()
    report = wengert.selfcheck("matmul", stream=out)
    assert report.ok and len(report.results) >= 5
    assert "agree with finite differences" in out.getvalue()


def test_selfcheck_takes_a_list_of_names_and_specs():
    cube = primitive(lambda x: x ** 3)
    defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)
    defjvp(cube, lambda g, ans, x: 3 * g * x ** 2)
    report = wengert.selfcheck(["tanh", "solve", op_spec(cube, (3,), name="cube")])
    names = [r.op for r in report.results]
    assert report.ok and "cube[(3,)]" in names
    assert any("tanh" in n for n in names) and any("solve" in n for n in names)
    with pytest.raises(ValueError, match="no op spec matches 'no-such-op'"):
        wengert.selfcheck(["tanh", "no-such-op"])
    with pytest.raises(TypeError, match="a name .* or an op spec"):
        wengert.selfcheck([numpy.tanh])


def test_selfcheck_catches_a_wrong_user_rule():
    @primitive
    def twice(x):
        return 2.0 * x

    defvjp(twice, lambda ans, x: lambda g: 2.0 * g)
    defjvp(twice, lambda g, ans, x: 2.1 * g)  # wrong on purpose
    report = wengert.selfcheck([op_spec(twice, (3,), name="twice")])
    assert not report.ok
    (failure,) = report.failures
    assert failure.op == "twice[(3,)]" and failure.status == "FAIL"
    assert "forward-mode" in failure.message and "twice" in str(report)


def test_selfcheck_reports_a_crashing_rule():
    @primitive
    def broken(x):
        return numpy.sin(x)

    defvjp(broken, lambda ans, x: lambda g: g * undefined_name)  # noqa: F821
    defjvp(broken, lambda g, ans, x: g * numpy.cos(x))
    report = wengert.selfcheck([op_spec(broken, (2,))], modes=["rev"], order=1)
    assert report.failures[0].status == "ERROR" and "NameError" in report.failures[0].message


def test_selfcheck_cli():
    from wengert.cli import main
    assert main(["selfcheck", "tanh"]) == 0


@pytest.mark.skipif(importlib.util.find_spec("scipy") is None,
                    reason="the committed page lists wengert.scipy, which needs SciPy")
def test_coverage_page_is_up_to_date():
    from wengert._coverage import render
    page = (ROOT / "docs" / "coverage.md").read_text()
    assert page == render(), ("docs/coverage.md is out of date; rebuild it with "
                              "`python -m wengert._coverage > docs/coverage.md`")
