"""The README's code runs, and CI runs exactly the README's test command."""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_readme_python_blocks_run():
    pytest.importorskip("scipy", reason="the README's examples use wengert.scipy (SciPy)")
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert len(blocks) >= 10
    for block in blocks:     # each on its own, as a reader copies it
        exec(compile(block, "README.md", "exec"), {"__name__": "__readme__"})  # noqa: S102


def test_quick_start_has_two_commands_and_ci_runs_the_second():
    quick = README.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in quick.splitlines() if line.strip()]
    assert len(commands) == 2
    assert "wengert tour" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines()
