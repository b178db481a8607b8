"""MkDocs hook: show docstrings' doctest examples as highlighted code.

wengert's docstrings write examples as doctests (``>>>`` lines and their
output) under an ``Example:`` heading, which the Google docstring parser
renders as Markdown, where ``>>>`` would read as nested block quotes and
``[1.0, 2.0]`` as a link.  This Markdown preprocessor turns each run of
doctest lines (prompts, continuations and the output up to a blank line) into
a fenced ``pycon`` block before anything else reads it, and shows
reStructuredText roles (``:func:`name` ``) as plain code spans.
"""
import re
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import event_priority


def fence_doctests(lines):
    """``lines`` with each doctest run wrapped in a ```pycon fence."""
    out, i, fence = [], 0, None
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif fence is not None and stripped.startswith(fence):
            fence = None
        elif fence is None and (stripped.startswith(">>> ") or stripped == ">>>"):
            indent = len(line) - len(stripped)
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][indent:] if lines[i][:indent].isspace() or indent == 0
                             else lines[i].lstrip())
                i += 1
            out += ["", "```pycon", *block, "```", ""]
            continue
        out.append(line if fence is not None else _ROLE.sub(r"`\1`", line))
        i += 1
    return out


_ROLE = re.compile(r":(?:py:)?(?:func|mod|class|meth|attr|data|obj|exc):`~?([^`]+)`")


class _DoctestPreprocessor(Preprocessor):
    def run(self, lines):
        return fence_doctests(lines)


class DoctestBlocks(Extension):
    def extendMarkdown(self, md):  # noqa: N802  (Python-Markdown's name)
        # after whitespace normalization (30), before fenced code (25)
        md.preprocessors.register(_DoctestPreprocessor(md), "wengert_doctest_blocks", 28)


@event_priority(100)      # before mkdocstrings copies the Markdown extensions
def on_config(config):
    config.markdown_extensions.append(DoctestBlocks())
    return config


__all__ = ["fence_doctests", "DoctestBlocks", "on_config"]
