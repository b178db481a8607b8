"""NaN/inf provenance: stop at the first operation that produces a non-finite value.

While :func:`detect_nonfinite` is active, every operation recorded by a trace
(inside ``grad``, ``jvp``, ``vjp`` ...) has its result checked with one
``np.isfinite(...).all()``: the forward value, the forward-mode tangent and
each reverse-mode cotangent.  The first NaN or inf raises
``FloatingPointError`` naming the operation, the pass, and the line of *your*
code that called the operation (frames inside wengert and NumPy are skipped;
for the reverse pass, the line that called the forward operation whose
backward rule produced it).  Inactive, it costs nothing.
"""
import contextlib
import math
import os
import sys

import numpy as _np

from .._core import getval, hooks

__all__ = ["detect_nonfinite"]

_SKIP_DIRS = tuple(os.path.dirname(os.path.abspath(m.__file__)) + os.sep
                   for m in (sys.modules["wengert"], _np))
_skip_cache = {}


def _skipped(filename):
    s = _skip_cache.get(filename)
    if s is None:
        s = _skip_cache[filename] = (os.path.abspath(filename).startswith(_SKIP_DIRS)
                                     or filename.startswith("<frozen"))
    return s


def _user_frame():
    """``(file, line)`` of the innermost caller outside wengert and NumPy."""
    f = sys._getframe(2)
    cache = _skip_cache
    while f is not None:
        fn = f.f_code.co_filename
        s = cache.get(fn)
        if s is None:
            s = _skipped(fn)
        if not s:
            return fn, f.f_lineno
        f = f.f_back
    return None


def _fmt(loc):
    return "<unknown location>" if loc is None else f"{loc[0]}:{loc[1]}"


def _finite(x):
    """True when ``x`` (a number, array, or tuple/list of them) has no NaN/inf."""
    if isinstance(x, float):  # Python floats and NumPy float64 scalars
        return math.isfinite(x)
    x = getval(x)
    t = type(x)
    if isinstance(x, float):
        return math.isfinite(x)
    if t is int or t is bool or x is None:
        return True
    if t in (tuple, list):
        return all(_finite(v) for v in x)
    try:
        return bool(_np.isfinite(x).all())
    except TypeError:  # strings, objects: nothing to check
        return True


class detect_nonfinite(contextlib.ContextDecorator):
    """Raise ``FloatingPointError`` at the first NaN or inf in a derivative computation.

    Use as ``with explain.detect_nonfinite(): ...`` or as a decorator.  It
    watches the forward values, forward-mode tangents and reverse-mode
    cotangents of every traced operation and names the first non-finite one:
    the operation (e.g. ``numpy.log``), the pass (forward, tangent, or reverse
    with the argument number) and the ``file:line`` of the user code that
    called it.  An operation whose *inputs* were already non-finite (NaN
    passed in by the caller) is reported as "input already non-finite".
    While active, NumPy's own divide/overflow/invalid warnings (or errors
    under ``np.seterr(all="raise")``) are silenced so that this more precise
    error is the one you see.  Plain NumPy calls outside any trace are not
    watched.  Nesting is fine; the observer is always removed on exit.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> from wengert import explain
        >>> with explain.detect_nonfinite():
        ...     wengert.grad(np.log)(-1.0)      # doctest: +ELLIPSIS
        Traceback (most recent call last):
        FloatingPointError: detect_nonfinite: numpy.log produced nan in the forward pass at ...
    """

    def __init__(self):
        self._stack = []

    def __enter__(self):
        where = {}  # id(forward output) -> user file:line, for the reverse pass
        errstate = _np.errstate(divide="ignore", over="ignore", invalid="ignore")

        def observe(event, prim, value, detail):
            if event == "forward":
                loc = _user_frame()
                where[id(value)] = loc
                if not _finite(value):
                    what = _describe(value)
                    if not all(_finite(a) for a in detail):
                        raise FloatingPointError(
                            f"detect_nonfinite: {prim.name} produced {what} in the forward "
                            f"pass at {_fmt(loc)}: input already non-finite (a NaN/inf was passed "
                            "in, or made by an untraced computation); check the arguments")
                    raise FloatingPointError(
                        f"detect_nonfinite: {prim.name} produced {what} in the forward "
                        f"pass at {_fmt(loc)}")
            elif event == "tangent":
                if not _finite(value):
                    raise FloatingPointError(
                        f"detect_nonfinite: {prim.name} produced {_describe(value)} in its "
                        f"tangent (forward mode) at {_fmt(_user_frame())}")
            elif event == "reverse":
                if not _finite(value):
                    argnum, ans = detail
                    loc = where.get(id(ans))
                    loc = _fmt(loc) if loc else "<recorded before detect_nonfinite was active>"
                    raise FloatingPointError(
                        f"detect_nonfinite: {prim.name} produced {_describe(value)} in the "
                        f"cotangent of its argument {argnum} (reverse pass), in the backward "
                        f"pass of {prim.name} called at {loc}")

        hooks.watch(observe)
        errstate.__enter__()
        self._stack.append((observe, errstate))
        return self

    def __exit__(self, *exc):
        observe, errstate = self._stack.pop()
        try:
            errstate.__exit__(*exc)
        finally:
            hooks.unwatch(observe)
        return False


def _describe(x):
    x = getval(x)
    if type(x) in (tuple, list):
        return "a non-finite value"
    try:
        a = _np.asarray(x)
        bad = [w for w, m in (("nan", _np.isnan(a)), ("inf", _np.isinf(a))) if m.any()]
    except TypeError:
        return "a non-finite value"
    kind = " and ".join(bad) or "a non-finite value"
    return kind if a.ndim == 0 else f"{kind} in an array of shape {a.shape}"
