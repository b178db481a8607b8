"""`wengert explain "EXPR"`: the trace of an expression, parsed safely (never eval)."""
import pytest

from wengert.cli import main
from wengert.explain._expr import ExpressionError, expression

GRIEWANK = "(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))"


def test_explain_prints_the_notes_trace(capsys, tmp_path):
    dot = tmp_path / "g.dot"
    assert main(["explain", GRIEWANK, "--at", "x1=1.5", "x2=0.5", "--dot", str(dot)]) == 0
    out = capsys.readouterr().out
    for number in ("2.0166", "3.0118", "-13.7240", "1.6487", "1.4924"):
        assert number in out
    assert "x1 " in out and "x2 " in out and dot.read_text().startswith("digraph")


def test_explain_tangent_and_markdown(capsys):
    assert main(["explain", "x * y", "--at", "x=3", "y=2", "--tangent", "y=1",
                 "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.count("|") > 10 and "3.0000" in out  # d(xy)/dy = x = 3


@pytest.mark.parametrize("text, why", [
    ("x.__class__", "Attribute"), ("__import__('os')", "'__import__'"),
    ("(lambda: 1)()", "Lambda"), ("x[0]", "Subscript"), ("open('f')", "'open'"),
    ("y + 1", "unknown variable 'y'"), ("'a' * x", "only numbers"),
    ("[x for x in (1,)]", "ListComp"), ("sum(x, axis=0)", "keyword"),
    ("x if x else 1", "IfExp"), ("x < 1", "Compare"), ("x // 2", "FloorDiv"),
])
def test_explain_rejects_anything_else(text, why):
    with pytest.raises(ExpressionError, match=why):
        expression(text, ["x"])


def test_explain_cli_reports_a_rejected_expression(capsys):
    assert main(["explain", "__import__('os').system('true')", "--at", "x=1"]) == 2
    assert "not allowed" in capsys.readouterr().err
