"""`wengert explain` on bad input: one line on stderr, exit status 2, never a traceback."""
import os
import random

import pytest

from wengert.cli import main
from wengert.explain._expr import FUNCTIONS, MAX_OPERATIONS


def _run(capsys, *argv):
    rc = main(["explain", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def _assert_one_line_error(rc, err, match):
    assert rc == 2
    assert err.count("\n") == 1 and err.startswith("wengert explain: "), err
    assert match in err, err


SUM = "+".join(["x"] * 20_000)
MANY = "+".join(f"x{i}" for i in range(5_000))


@pytest.mark.parametrize("argv, match", [
    (["9**9**9", "--at", "x=1"], "9**9**9 is inf"),
    (["10**400 * x", "--at", "x=1"], "10**400 is inf"),
    (["x ** 1e308", "--at", "x=2"], "x ** 1e308 is inf"),
    (["exp(exp(exp(x)))", "--at", "x=10"], "exp(exp(x)) is inf (an overflow"),
    (["1e400 * x", "--at", "x=1"], "the number 1e400 is too large"),
    (["x / 0", "--at", "x=1"], "x / 0 is inf"),
    (["0 / 0 + x", "--at", "x=1"], "0 / 0 is nan"),
    (["log(x)", "--at", "x=-1"], "log(x) is nan"),
    (["(-8) ** (1/3) + x", "--at", "x=1"], "(-8) ** (1/3) is nan"),
    ([SUM, "--at", "x=1"], "at most 10000 are allowed"),
    (["+".join(["x"] * 1_500), "--at", "x=1"], f"at most {MAX_OPERATIONS} are shown"),
    ([MANY, "--at", *[f"x{i}=1" for i in range(5_000)]], "5000 variables"),
    (["-" * 5_000 + "x", "--at", "x=1"], "nests too deeply to parse"),
    (["*".join(["x"] * 3_000), "--at", "x=1"], "nests too deeply to parse"),
    (["sin(" * 300 + "x" + ")" * 300, "--at", "x=1"], "too many nested parentheses"),
    (["sin(x, x, x)", "--at", "x=1"], "sin takes 1 argument, got 3"),
    (["sin()", "--at", "x=1"], "sin takes 1 argument, got 0"),
    (["max(x, x, x)", "--at", "x=1"], "max takes 2 arguments, got 3"),
    (["mean(x, x)", "--at", "x=1"], "mean takes 1 argument, got 2"),
    (["power(x)", "--at", "x=1"], "power takes 2 arguments, got 1"),
    (["x @ x", "--at", "x=1"], "@ multiplies matrices"),
    (["x.real", "--at", "x=1"], "Attribute is not allowed"),
    (["sin(x)(1)", "--at", "x=1"], "calling the result of a Call"),
    (["", "--at", "x=1"], "cannot parse"),
    (["1if x", "--at", "x=1"], "cannot parse"),
    (["x\0", "--at", "x=1"], "cannot parse"),
    (["x" * 20_000, "--at", "x=1"], "at most 10000"),
    (["y" * 500, "--at", "x=1"], "unknown variable 'yyyy"),
    (["2", "--at", "x=1", "x=2"], "x is given twice"),
    (["x", "--at", "x=1", "--at", "x=2"], "x is given twice"),
    (["x", "--at", "x"], "expects NAME=NUMBER"),
    (["x", "--at", "=1"], "'' is not a variable name"),
    (["x", "--at", "1x=1"], "'1x' is not a variable name"),
    (["x", "--at", "__x=1"], "'__x' is not a variable name"),
    (["x", "--at", "x=nan"], "x=nan is not a finite number"),
    (["x", "--at", "x=1e400"], "is not a finite number"),
    (["x", "--at", "x=1", "--tangent", "x=a"], "--tangent expects NAME=NUMBER"),
    (["x", "--at", "x=1", "--tangent", "y=1"], "unknown variables ['y']"),
    (["x", "--at", "x=1", "--dot", "circuit.svg"], "must end in .dot or .gv"),
    (["x", "--at", "x=1", "--svg", "/"], "is a directory"),
    (["x", "--at", "x=1", "--svg", "/nonexistent-folder/a.svg"], "does not exist"),
    (["x", "--at", "x=1", "--png", "/nonexistent-folder/a.png"], "does not exist"),
    (["x", "--at", "x=1", "--dot", "/nonexistent-folder/a.dot"], "does not exist"),
], ids=lambda v: repr(v)[:40] if isinstance(v, str) else None)
def test_bad_input_is_one_line_and_status_2(capsys, argv, match):
    rc, out, err = _run(capsys, *argv)
    _assert_one_line_error(rc, err, match)
    assert out == ""    # checked before anything is printed


def test_an_output_file_that_cannot_be_written_is_one_line(capsys, tmp_path, monkeypatch):
    from wengert.explain import dot

    def refuse(self, path, **kw):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(dot.Graph, "save", refuse)
    rc, out, err = _run(capsys, "x * x", "--at", "x=1", "--dot", str(tmp_path / "a.dot"))
    _assert_one_line_error(rc, err, "--dot: cannot write")
    assert "Permission denied" in err and "multiply" in out   # the table came first
    (tmp_path / "file").write_text("")
    rc, out, err = _run(capsys, "x", "--at", "x=1", "--svg", str(tmp_path / "file" / "a.svg"))
    _assert_one_line_error(rc, err, "does not exist")


@pytest.mark.parametrize("argv", [["-x"], ["-x * y"], ["--x"], ["-sin(x)"], ["-1 * y"],
                                  ["--at", "x=2", "y=3", "-x"]])
def test_an_expression_may_start_with_a_minus(capsys, argv):
    if argv[0] != "--at":
        argv = [*argv, "--at", "x=2", "y=3"]
    rc, out, err = _run(capsys, *argv)
    assert rc == 0 and err == "" and out.startswith("trace of expression at x=2.0, y=3.0")


def test_options_still_work_around_a_minus_expression(capsys, tmp_path):
    path = tmp_path / "c.dot"
    rc, out, err = _run(capsys, "-x", "--at", "x=2", "--tangent", "x=3", "--dot", str(path))
    assert rc == 0 and "-3.0" in out and path.read_text().startswith("digraph")
    assert main(["explain", "-h"]) == 0 and "usage: wengert explain" in capsys.readouterr().out
    assert main(["explain", "x", "--at", "x=1", "--expr=x"]) == 2
    assert "once" in capsys.readouterr().err


def test_non_finite_derivatives_are_shown_not_errors(capsys):
    rc, out, err = _run(capsys, "sqrt(x)", "--at", "x=0")
    assert rc == 0 and err == "" and "inf" in out


def test_a_deep_but_allowed_expression_runs(capsys, tmp_path):
    text = "-" * 900 + "x" + "".join(" + sin(x)" for _ in range(40))
    rc, out, err = _run(capsys, text, "--at", "x=0.5", "--dot", str(tmp_path / "a.dot"))
    assert rc == 0 and err == "" and out.count("negative(") == 900


def _token_soup(rng):
    tokens = ["x", "y", "1", "0", "2.5", "1e308", "+", "-", "*", "/", "**", "@", "(", ")",
              ",", " ", "[", "]", ".", "__", "lambda", ":", "'", "=", "<", "%", "//", "not ",
              "if", "else", "j", "9**9**9", "0x1", "1_0", "\\", "\t", "#", "{", "}", "\n"]
    tokens += [f + "(" for f in sorted(FUNCTIONS)]
    return "".join(rng.choice(tokens) for _ in range(rng.randint(1, 12)))


def test_random_token_soups_never_escape(capsys):
    """A small fuzzer over the parser: every input gives a trace (status 0) or one
    line on stderr (status 2)."""
    rng = random.Random(0)
    counts = {0: 0, 2: 0}
    for _ in range(300):
        text = _token_soup(rng)
        rc, out, err = _run(capsys, text, "--at", "x=0.5", "y=-2")
        if rc == 2:
            _assert_one_line_error(rc, err, "")
        else:
            assert rc == 0 and err == "", (text, err)
        counts[rc] += 1
    assert counts[0] > 0 and counts[2] > 0


def test_no_files_are_left_by_failed_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for argv in (["x @ x", "--at", "x=1", "--svg", "a.svg"],
                 ["9**9**9", "--at", "x=1", "--dot", "a.dot"]):
        assert _run(capsys, *argv)[0] == 2
    assert os.listdir(tmp_path) == []
