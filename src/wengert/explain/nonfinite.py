"""NaN/inf provenance: stop at the first operation that produces a non-finite value.

While :func:`detect_nonfinite` is active, every operation recorded by a trace
(inside ``grad``, ``jvp``, ``vjp``, ``jacfwd``, ``hessian``, under ``vmap`` ...)
in the same thread has its result checked with one ``np.isfinite(...).all()``:
the forward value, the forward-mode tangent and each reverse-mode cotangent.
The first NaN or inf raises ``FloatingPointError`` naming the operation, the
pass, and the line of *your* code that called the operation (frames inside
wengert and NumPy are skipped; for the reverse pass, the line that called the
forward operation whose backward rule produced it; for a higher-order
derivative, which differentiates the reverse rules themselves, the operation
whose rule it was).  Inactive, it costs nothing; other threads are not watched
and not slowed beyond one truth test per operation.
"""
from typing import Any
import contextlib
import itertools
import math
import os
import sys
import threading

import numpy as _np

from .._core import Box, TapeTrace, box_value, getval, hooks

__all__ = ["detect_nonfinite"]

_SKIP_DIRS = tuple(os.path.dirname(os.path.abspath(m.__file__)) + os.sep  # type: ignore[type-var, operator]
                   for m in (sys.modules["wengert"], _np))
_skip_cache: dict[str, bool] = {}
# The frame of a reverse pass: an operation recorded under it was called by a reverse
# rule (a derivative of a derivative), and its locals say whose rule.
_BACKWARD = TapeTrace.backward.__code__
# Where each forward value was made is remembered for the reverse pass, for the latest
# operations only: a long training loop inside the block does not grow memory forever.
_REMEMBERED = 200_000
_UNRECORDED = ("(its line was not recorded: called before detect_nonfinite was active, or "
               "more than 200,000 operations ago)")


def _skipped(filename: Any) -> Any:
    s = _skip_cache.get(filename)
    if s is None:
        s = _skip_cache[filename] = (os.path.abspath(filename).startswith(_SKIP_DIRS)
                                     or filename.startswith("<frozen"))
    return s


def _origin(where: dict[int, Any]) -> Any:
    """Where the operation being recorded was called from: ``(file, line)`` of the
    innermost caller outside wengert and NumPy, or, when a reverse rule inside wengert
    called it, ``(name, origin)`` of the operation whose rule it is."""
    f: Any = sys._getframe(3)
    while f is not None:
        code = f.f_code
        if code is _BACKWARD:
            local = f.f_locals
            prim, ans = local.get("prim"), local.get("ans")
            name = getattr(prim, "name", "an operation")
            return ("rule", name, where.get(id(ans)) if ans is not None else None)
        fn = code.co_filename
        s = _skip_cache.get(fn)
        if s is None:
            s = _skipped(fn)
        if not s:
            return ("line", fn, f.f_lineno)
        f = f.f_back
    return None


def _at(origin: Any) -> Any:
    """``origin`` in words: ``at file:line`` or ``in the reverse rule of ...``."""
    if origin is None:
        return "at <unknown location>"
    if origin[0] == "line":
        return f"at {origin[1]}:{origin[2]}"
    inner = _UNRECORDED if origin[2] is None else _called(origin[2])
    return f"in the reverse rule of {origin[1]} {inner}"


def _called(origin: Any) -> Any:
    return f"called {_at(origin)}"


def _raw(x: Any) -> Any:
    """The value under every box, batched ones included (under ``vmap`` the whole
    batch is checked at once)."""
    while isinstance(x, Box):
        x = box_value(x)
    return x


def _finite(x: Any) -> Any:
    """True when ``x`` (a number, array, or tuple/list of them) has no NaN/inf."""
    if isinstance(x, float):  # Python floats and NumPy float64 scalars
        return math.isfinite(x)
    x = _raw(x)
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
    called it.  Every transform is watched: ``grad``, ``jvp``, ``jacfwd``,
    ``jacrev``, ``hessian``, ``vmap`` of any of them (the whole batch is
    checked).  A higher-order derivative differentiates reverse rules; a NaN
    made there is reported as made in the reverse rule of *your* operation,
    with your line.  Functions made by ``wengert.compile`` run eagerly (their
    Python code, not the compiled program) while detection is active in the
    calling thread, so that every operation is checked.  An operation whose
    *inputs* were already non-finite (NaN passed in by the caller) is reported
    as "input already non-finite".  While active, NumPy's own
    divide/overflow/invalid warnings (or errors under
    ``np.seterr(all="raise")``) are silenced so that this more precise error
    is the one you see.  Plain NumPy calls outside any trace are not watched.

    Detection is per thread: it watches the derivatives computed by the thread
    that entered it, never another thread's.  Nesting is fine; the observer is
    always removed on exit.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> from wengert import explain
        >>> with explain.detect_nonfinite():
        ...     wengert.grad(np.log)(-1.0)      # doctest: +ELLIPSIS
        Traceback (most recent call last):
        FloatingPointError: detect_nonfinite: numpy.log produced nan in the forward pass at ...
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def _recreate_cm(self) -> Any:
        # as a decorator, each call (in any thread) gets its own state
        return type(self)()

    def __enter__(self) -> Any:
        # id(forward output) -> its origin, for the reverse pass; per entry, so per thread
        where: dict[int, Any] = {}
        errstate = _np.errstate(divide="ignore", over="ignore", invalid="ignore")

        def observe(event: Any, prim: Any, value: Any, detail: Any) -> None:
            if event == "forward":
                origin = where[id(value)] = _origin(where)
                if len(where) > _REMEMBERED:     # a long loop inside the block: forget
                    for key in list(itertools.islice(where, _REMEMBERED // 2)):  # the oldest
                        del where[key]
                if not _finite(value):
                    raise _forward_error(prim, value, detail, origin)
            elif event == "tangent":
                if not _finite(value):
                    raise _error(prim, value, "in its tangent (forward mode)", _origin(where))
            elif event == "reverse":
                if not _finite(value):
                    argnum, ans = detail
                    origin = where.get(id(ans))
                    at = _called(origin) if origin is not None else _UNRECORDED
                    raise FloatingPointError(
                        f"detect_nonfinite: {prim.name} produced {_describe(value)} in the "
                        f"cotangent of its argument {argnum} (reverse pass), in the backward "
                        f"pass of {prim.name} {at}")

        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        hooks.watch(observe)
        errstate.__enter__()
        stack.append((observe, errstate))
        return self

    def __exit__(self, *exc: Any) -> Any:
        observe, errstate = self._local.stack.pop()
        try:
            errstate.__exit__(*exc)
        finally:
            hooks.unwatch(observe)
        return False


def _forward_error(prim: Any, value: Any, args: Any, origin: Any) -> Any:
    if not all(_finite(a) for a in args):
        return _error(prim, value, "in the forward pass", origin,
                      ": input already non-finite (a NaN/inf was passed in, or made by an "
                      "untraced computation); check the arguments")
    return _error(prim, value, "in the forward pass", origin)


def _error(prim: Any, value: Any, where: str, origin: Any, note: Any="") -> Any:
    what = _describe(value)
    if origin is not None and origin[0] == "rule":
        # a higher-order derivative differentiates a reverse rule: name the user's
        # operation whose rule it is first, then the operation inside the rule
        return FloatingPointError(
            f"detect_nonfinite: the reverse rule of {origin[1]} "
            f"{_called(origin[2]) if origin[2] else _UNRECORDED}"
            f" produced {what} while a higher-order derivative differentiated it ({prim.name} "
            f"inside the rule, {where}){note}")
    return FloatingPointError(
        f"detect_nonfinite: {prim.name} produced {what} {where} {_at(origin)}{note}")


def _describe(x: Any) -> Any:
    batched = isinstance(getval(x), Box)
    x = _raw(x)
    if type(x) in (tuple, list):
        return "a non-finite value"
    try:
        a = _np.asarray(x)
        bad = [w for w, m in (("nan", _np.isnan(a)), ("inf", _np.isinf(a))) if m.any()]
    except TypeError:
        return "a non-finite value"
    kind = " and ".join(bad) or "a non-finite value"
    if batched:
        return f"{kind} in a batch of shape {a.shape} (under vmap)"
    return kind if a.ndim == 0 else f"{kind} in an array of shape {a.shape}"
