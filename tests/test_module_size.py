"""Modules stay short enough to read, or say why they are not.

A module of ``wengert`` over ``MAX_LINES`` lines states the reason at its top: a
line of its module docstring starting with ``Long on purpose:`` and the reason
(for instance one table that reads best in one place).  Otherwise split it by
subject.
"""
import ast
import pathlib

import pytest

import wengert

PACKAGE_DIR = pathlib.Path(wengert.__file__).parent
MAX_LINES = 600
MARKER = "Long on purpose:"

# Long modules tolerated for now, while a split is under way (none today); a test below
# fails once an entry is short or states its reason, so the set cannot go stale.
KNOWN_LONG: set = set()


def stated_reason(source):
    """The reason after ``Long on purpose:`` in the module docstring, or ``""``."""
    doc = ast.get_docstring(ast.parse(source)) or ""
    for line in doc.splitlines():
        if line.strip().startswith(MARKER):
            return line.strip()[len(MARKER):].strip()
    return ""


def long_modules_without_reason(package_dir):
    """(path relative to the package, number of lines) of every module over
    ``MAX_LINES`` lines whose docstring does not say why."""
    found = []
    for path in sorted(package_dir.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        n = len(source.splitlines())
        if n > MAX_LINES and not stated_reason(source):
            found.append((path.relative_to(package_dir).as_posix(), n))
    return found


def test_long_modules_state_why():
    unexplained = [(name, n) for name, n in long_modules_without_reason(PACKAGE_DIR)
                   if name not in KNOWN_LONG]
    assert not unexplained, (
        f"modules over {MAX_LINES} lines that do not say why: "
        + ", ".join(f"wengert/{name} ({n} lines)" for name, n in unexplained)
        + f"; split each by subject, or add a line starting '{MARKER}' and the reason "
        "to its module docstring")


def test_known_long_modules_are_still_long():
    still = {name for name, _ in long_modules_without_reason(PACKAGE_DIR)}
    done = sorted(KNOWN_LONG - still)
    assert not done, f"short now or explained: remove them from KNOWN_LONG: {done}"


@pytest.mark.parametrize("source, reason", [
    ('"""A module.\n\nLong on purpose: one table, read in one place.\n"""\nx = 1\n',
     "one table, read in one place."),
    ('"""A module.\n\n    Long on purpose: indented.\n"""\n', "indented."),
    ('"""A module, long on purpose: not at the start of a line."""\n', ""),
    ('"""A module.\n\nLong on purpose:\n"""\n', ""),                  # no reason given
    ('# Long on purpose: a comment is not the docstring\nx = 1\n', ""),
], ids=["stated", "indented", "mid-line", "no reason", "comment"])
def test_stated_reason(source, reason):
    assert stated_reason(source) == reason


def test_checker_finds_a_long_module(tmp_path):
    (tmp_path / "short.py").write_text("x = 1\n")
    (tmp_path / "long.py").write_text('"""Long."""\n' + "x = 1\n" * MAX_LINES)
    (tmp_path / "why.py").write_text('"""Long.\n\nLong on purpose: a test."""\n'
                                     + "x = 1\n" * MAX_LINES)
    assert long_modules_without_reason(tmp_path) == [("long.py", MAX_LINES + 1)]
