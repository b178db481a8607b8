"""Gates and grouping: show a user function as one gate in the table and the diagram.

``@explain.gate("sigmoid")`` on a function, or ``with explain.scope("layer1"):``
around a block, names the operations recorded inside.  ``explain.trace`` and
``explain.graph`` then show each outermost group as one row / one gate (its
inputs, its output's value, tangent and adjoint) with ``collapse=True``, the
default, or every operation inside it, marked with the group's name (in DOT:
a cluster), with ``collapse=False``.

Outside an explain recording a gate or scope does nothing but call through
(one check of an empty list): ``grad``, ``jvp`` and plain calls are unchanged.
Recordings are per thread: a gate called in one thread never marks another
thread's recording.
"""
from typing import Any, Iterator
import collections
import contextlib
import functools
import threading

from .. import tree
from .._typing import Fn

__all__ = ["gate", "scope", "Group"]

class _Active(threading.local):
    def __init__(self) -> None:
        self.spans: list[Any] = []   # this thread's explain recordings now running, innermost last


_ACTIVE = _Active()


@contextlib.contextmanager
def recording(spans: Any) -> Iterator[None]:
    """Make ``spans`` the calling thread's innermost recording for the block."""
    _ACTIVE.spans.append(spans)
    try:
        yield spans
    finally:
        _ACTIVE.spans.remove(spans)

Group = collections.namedtuple("Group", "name path start end depth args", defaults=((),))
Group.__doc__ = """A named span of tape nodes ``start <= k < end``; ``path`` is
``outer/inner`` for nested groups and ``depth`` 0 for an outermost one; ``args``
the tape nodes passed to a gate, in the order of its parameters."""


class _Spans:
    """What one recording learns about groups: the spans of the tape they cover."""

    def __init__(self, tape: Any) -> None:
        self.tape = tape
        self.open: list[Any] = []     # (name, start, args) of the scopes now open
        self.groups: list[Any] = []

    def enter(self, name: str, args: Any = ()) -> None:
        tape = self.tape
        nodes = [tape.node_of(x) for x in tree.leaves(args) if tape.owns(x)]
        self.open.append((name, len(self.tape.entries), tuple(nodes)))

    def exit(self) -> None:
        name, start, args = self.open.pop()
        path = "/".join([n for n, _, _ in self.open] + [name])
        end = len(self.tape.entries)
        if end > start:  # a group that recorded nothing is not shown
            self.groups.append(Group(name, path, start, end, len(self.open), args))

    def sorted_groups(self) -> list[Any]:
        return sorted(self.groups, key=lambda g: (g.start, -g.end, g.depth))


class scope:
    """A context manager that names the operations recorded inside it.

    Args:
        name: the gate's label, e.g. ``"layer1"``.

    Example:
        >>> import wengert.numpy as np
        >>> from wengert import explain
        >>> def f(x):
        ...     with explain.scope("square plus one"):
        ...         y = x * x + 1.0
        ...     return np.log(y)
        >>> print(explain.trace(f, 2.0))  # doctest: +NORMALIZE_WHITESPACE
        trace of f at x=2.0; tangent along x = 1.0; adjoint = d(output)/d(var), output = v_3
        var  definition              value  tangent  adjoint
        x    input                  2.0000   1.0000   0.8000
        v_2  square plus one(x)     5.0000   4.0000   0.2000
        v_3  log(v_2)               1.6094   0.8000   1.0000
        >>> print(explain.trace(f, 2.0, collapse=False).rows[1])
        Row(name='v_1', definition='multiply(x, x)', op='multiply', value='4.0000', tangent='4.0000', adjoint='0.2000', group='square plus one')
    """

    def __init__(self, name: Any, _args: Any=()) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"explain.scope: name must be a non-empty string, got {name!r}; "
                            'e.g. explain.scope("layer1")')
        self.name = name
        self._args = _args
        self._pushed: list[Any] = []

    def __enter__(self) -> Any:
        active = _ACTIVE.spans
        spans = active[-1] if active else None
        if spans is not None:
            spans.enter(self.name, self._args)
        self._pushed.append(spans)
        return self

    def __exit__(self, *exc: Any) -> Any:
        spans = self._pushed.pop()
        if spans is not None and spans.open:
            spans.exit()
        return False


def gate(name: str | Fn | None = None) -> Any:
    """A decorator that shows a function as one gate named ``name`` (default:
    the function's name) in :func:`~wengert.explain.trace` and
    :func:`~wengert.explain.graph`.  Use as ``@explain.gate("sigmoid")`` or
    ``@explain.gate``.  Outside explain the function runs unchanged, so
    ``grad`` and friends see the operations inside as usual.

    Example (the lecture notes' sigmoid gate):
        >>> import wengert, wengert.numpy as np
        >>> from wengert import explain
        >>> @explain.gate("sigmoid")
        ... def sigmoid(z):
        ...     return 1.0 / (1.0 + np.exp(-z))
        >>> def neuron(w0, x0, w1, x1, w2):
        ...     return sigmoid(w0 * x0 + w1 * x1 + w2)
        >>> t = explain.trace(neuron, 2.0, -1.0, -3.0, -2.0, -3.0)
        >>> t.rows[-1]
        Row(name='v_8', definition='sigmoid(v_4)', op='sigmoid', value='0.7311', tangent='-0.1966', adjoint='1.0000', group='')
        >>> round(wengert.grad(sigmoid)(1.0), 4)  # under grad: the plain function
        0.1966
    """
    if callable(name):
        return _wrap(name, getattr(name, "__name__", "gate"))
    if name is not None and (not isinstance(name, str) or not name):
        raise TypeError(f"explain.gate: name must be a non-empty string or None, got {name!r}; "
                        'e.g. @explain.gate("sigmoid")')

    def decorate(fun: Any) -> Any:
        if not callable(fun):
            raise TypeError(f"explain.gate: decorates a function, got {type(fun).__name__}")
        return _wrap(fun, name or getattr(fun, "__name__", "gate"))
    return decorate


def _wrap(fun: Any, name: Any) -> Any:
    @functools.wraps(fun)
    def gated(*args: Any, **kwargs: Any) -> Any:
        if not _ACTIVE.spans:  # not explaining: a plain call
            return fun(*args, **kwargs)
        with scope(name, _args=(args, kwargs)):
            return fun(*args, **kwargs)
    gated.gate_name = name  # type: ignore[attr-defined]
    return gated


def shown_groups(groups: Any, collapse: Any) -> Any:
    """The outermost groups to collapse: all of them for ``collapse=True``, none
    for ``False``, or those whose name (or path) is in the collection ``collapse``."""
    if collapse is True:
        chosen = groups
    elif collapse is False or collapse is None:
        return []
    else:
        if isinstance(collapse, str):
            collapse = [collapse]
        names = set(collapse)
        chosen = [g for g in groups if g.name in names or g.path in names]
    out: list[Any] = []
    for g in sorted(chosen, key=lambda g: (g.start, -g.end)):
        if out and g.start < out[-1].end:  # inside one already collapsed
            continue
        out.append(g)
    return out
