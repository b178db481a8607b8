"""The documentation site (``docs/``, ``mkdocs.yml``) cannot rot.

Every ```python block of every page runs, the page's blocks in order in one
fresh namespace per page (each page is self-contained).  A block preceded by
the line ``<!-- docs-test: skip -->`` is shown but not run (for code that
needs a shell, a network or a long time; use sparingly).  When mkdocs is
installed (the ``docs`` extra, also in ``test``), the site builds in strict
mode: no broken links, no missing references.
"""
import contextlib
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys
import warnings

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SKIP_MARKER = "<!-- docs-test: skip -->"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.M | re.S)
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
NEEDS = {"guide/scipy.md": "scipy", "guide/explain.md": "matplotlib",   # optional extras
         "guide/learning.md": "matplotlib", "guide/distributed.md": "distributed"}


def python_blocks(text):
    """``(line, source, skipped)`` for each ```python block of a Markdown page."""
    for m in FENCE.finditer(text):
        if m.group("info").strip().split(" ")[0] not in ("python", "py"):
            continue
        before = text[:m.start()].rstrip().splitlines()
        skipped = bool(before) and before[-1].strip() == SKIP_MARKER
        indent = len(m.group("indent"))
        body = "\n".join(line[indent:] for line in m.group("body").splitlines())
        yield text.count("\n", 0, m.start()) + 1, body, skipped


def test_block_extraction():
    page = ("text\n```python\nx = 1\n```\n<!-- docs-test: skip -->\n```python\nboom()\n```\n"
            "```bash\nls\n```\n    ```python\n    y = 2\n    ```\n")
    assert [(src, skip) for _, src, skip in python_blocks(page)] == [
        ("x = 1", False), ("boom()", True), ("y = 2", False)]


def test_pages_have_examples():
    assert "getting-started.md" in PAGES
    runnable = sum(not skip for p in PAGES for _, _, skip in python_blocks((DOCS / p).read_text()))
    assert runnable >= 40, f"only {runnable} runnable examples in docs/"


@pytest.mark.parametrize("page", [p for p in PAGES
                                  if any(python_blocks((DOCS / p).read_text()))])
def test_page_examples_run(page, tmp_path, monkeypatch):
    if page in NEEDS:
        pytest.importorskip(NEEDS[page])
    monkeypatch.chdir(tmp_path)                 # files an example writes land here
    namespace = {"__name__": "__docs__"}
    path = DOCS / page
    for line, source, skipped in python_blocks(path.read_text()):
        if skipped:
            continue
        code = compile(source, f"{path}:{line}", "exec")
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(code, namespace)
            except Exception as e:
                raise AssertionError(f"the example at docs/{page}:{line} failed: "
                                     f"{type(e).__name__}: {e}") from e
    try:
        import matplotlib.pyplot as plt
        plt.close("all")
    except ImportError:
        pass


def test_site_builds_strict(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings_handlers.python")
    pytest.importorskip("material")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(tmp_path / "site")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "api" / "wengert" / "index.html").exists()


def test_doctest_fences_in_api_pages():
    pytest.importorskip("mkdocs")
    import importlib.util
    spec = importlib.util.spec_from_file_location("doctest_blocks",
                                                  DOCS / "_hooks" / "doctest_blocks.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    lines = ["Example:", "    >>> f(1)", "    [1.0, 2.0]", "", "```python", ">>> kept",
             ":func:`kept`", "```", "see :func:`~wengert.grad` and :mod:`wengert.cli`"]
    assert hook.fence_doctests(lines) == [
        "Example:", "", "```pycon", ">>> f(1)", "[1.0, 2.0]", "```", "", "",
        "```python", ">>> kept", ":func:`kept`", "```", "see `wengert.grad` and `wengert.cli`"]
