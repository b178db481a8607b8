"""One ``warn`` for the whole package: the warning names the user's file and line.

``warnings.warn`` blames a fixed number of frames up the stack, which is right for
one call path and wrong for every other (grad called directly, or through vmap,
compile, a decorator...).  :func:`warn` walks up instead, past every frame of
wengert itself and of the standard library's wrappers (``functools``,
``contextlib``), and blames the first frame of the caller's code.
"""
import os
import sys
import types
import warnings

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _internal(frame: types.FrameType) -> bool:
    """Whether ``frame`` runs wengert's own code (or a standard wrapper around it)."""
    name = frame.f_globals.get("__name__") or ""
    if name == "wengert" or name.startswith("wengert.") or name in ("functools", "contextlib"):
        return True
    filename = frame.f_code.co_filename
    return filename.startswith(_PACKAGE) or filename.startswith("<wengert")


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn(message, category)`` blaming the user's line, not wengert's."""
    frame, level = sys._getframe(1), 2       # level 2: warn's caller
    while frame.f_back is not None and _internal(frame):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
