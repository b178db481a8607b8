"""Lifting: which primitive calls the innermost graph trace of a thread sees.

While a :class:`._graph.GraphTrace` records (:class:`_Recording`), every primitive
call of that thread passes its arguments through ``hooks.lifting``, so that the
trace can turn the user's arrays among them into live nodes; the insides of a
function the program calls whole are not seen (:class:`_opaque`), and calls made by
wengert's own machinery on its own constants are told apart from the user's
(:func:`_called_by_machinery`).
"""
import os
import sys
import threading

import numpy as _np

from .._core import Box, hooks

_local = threading.local()
# plain numbers: nothing to lift, and recorded as they are (see _records)
_NUMBERS = {float, int, bool, complex, _np.float64, type(None)}
_lifting_lock = threading.Lock()


def _lift(fun, args, kwargs):
    """``hooks.lifting``'s function: the innermost trace of this thread lifts."""
    if args and not kwargs:     # most calls: boxes and numbers, nothing to lift or fold
        boxed = False
        for a in args:
            if isinstance(a, Box):
                boxed = True
            elif type(a) not in _NUMBERS:
                break
        else:
            if boxed:
                return args, kwargs, None
    stack = getattr(_local, "stack", None)
    if not stack or stack[-1] is None:
        return args, kwargs, None
    return stack[-1].lift(fun, args, kwargs)


class _Recording:
    __slots__ = ("trace",)

    def __init__(self, trace):
        self.trace = trace

    def __enter__(self):
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        stack.append(self.trace)
        with _lifting_lock:
            hooks.lifting.append(_lift)
        return self.trace

    def __exit__(self, *exc):
        _local.stack.pop()
        with _lifting_lock:
            hooks.lifting.remove(_lift)


_WENGERT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_NUMPY_DIR = os.path.dirname(_np.__file__) + os.sep
# the core and the transforms (a module transforms.py or a package transforms/: the
# prefix matches both)
_MACHINERY = (os.path.join(_WENGERT_DIR, "_core") + os.sep,
              os.path.join(_WENGERT_DIR, "transforms"))
# the frames between a primitive's call and this function: the wrapper, the lifting
_SKIPPED = (os.path.join(_WENGERT_DIR, "_core", "primitive.py"), __file__,
            os.path.join(os.path.dirname(__file__), "_graph.py"))


def _called_by_machinery():
    """Whether the primitive call being lifted comes from wengert's machinery (a
    derivative rule run by the tape, a forward-mode or batching rule, a transform's
    set-up) rather than from user code: the frames above the primitive's wrapper are
    searched up to the first frame of user code."""
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename in _SKIPPED:
        f = f.f_back
    while f is not None:
        name = f.f_code.co_filename
        if name.startswith(_WENGERT_DIR):
            if name.startswith(_MACHINERY):
                return True
        elif not name.startswith(_NUMPY_DIR) and not name.startswith(("<__array_function",
                                                                         "<frozen")):
            return False     # user code
        f = f.f_back
    return False


class _opaque:
    """A context in which this thread's primitive calls are not lifted: the insides of a
    function that the program calls whole."""

    __slots__ = ("stack",)

    def __enter__(self):
        self.stack = getattr(_local, "stack", None)
        if self.stack is not None:
            self.stack.append(None)

    def __exit__(self, *exc):
        if self.stack is not None:
            self.stack.pop()
