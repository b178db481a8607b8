"""``Tape``: the imperative gradient tape (``with Tape() as tape``), whose gradients
may be asked of any recorded value, intermediates included, any number of times."""
from typing import Any, Literal

import numpy as _np

from .. import tree
from .._core import Box, TapeTrace, getval, vspace
from .._typing import Array, PyTree, T
from ._args import check_differentiable
from ._grad import scalar_seed
from ._readings import check_not_complex, reraise_plain_target


class _BlockTrace(TapeTrace):
    """The tape of a ``with Tape()`` block: counts the operations on its values
    after the block closed (they are not recorded), so that asking for the
    gradient of such a result is an error instead of a zero."""

    __slots__ = ("late",)

    def __init__(self) -> None:
        super().__init__()
        self.late = 0

    def apply(self, prim: Any, args: Any, kwargs: Any) -> Any:
        if not self.recording:
            self.late += 1
        return TapeTrace.apply(self, prim, args, kwargs)


class Tape:
    """A gradient tape in the style of the small NumPy tape of a blog post on
    reverse-mode AD and of TensorFlow's ``GradientTape``: watch inputs,
    compute, then ask for gradients of any recorded value with respect to
    watched inputs *or* recorded intermediates, as many times as you like.

    Example:
        >>> import wengert
        >>> with wengert.Tape() as tape:
        ...     x = tape.watch(3.0); y = tape.watch(2.0)
        ...     h = x * y
        ...     o = h * h
        >>> [float(g) for g in tape.gradient(o, [h, x, y])]
        [12.0, 24.0, 36.0]
    """

    def __init__(self) -> None:
        self._trace: _BlockTrace | None = None

    def __enter__(self) -> "Tape":
        self._trace = _BlockTrace()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Literal[False]:
        self._trace.recording = False  # type: ignore[union-attr]
        if isinstance(exc, ValueError):
            reraise_plain_target(exc)
        return False

    @property
    def trace(self) -> TapeTrace | None:
        """The underlying Wengert list (used by ``wengert.explain``)."""
        return self._trace

    def watch(self, value: T) -> T:
        """Start recording operations on ``value`` (a float, an array or a tree of
        them); returns the traced value to compute with."""
        if self._trace is None or not self._trace.recording:
            raise RuntimeError("Tape.watch must be called inside 'with wengert.Tape() as tape:'")
        check_differentiable(value, "the watched value")
        return tree.tree_map(self._trace.new_input, value)

    def _node(self, v: Any) -> Any:
        trace = self._trace
        return trace.node_of(v) if trace is not None and trace.owns(v) else None

    def _source_node(self, v: Any) -> Any:
        node = self._node(v)
        # a box rebound by an in-place write remembers the node it held before
        return node if node is None else getattr(v, "_origin", node)

    def gradient(self, target: Array, sources: PyTree,
                 output_gradients: Array | None = None) -> PyTree:
        """d target / d sources, with ``sources`` a value recorded on this tape or a
        tree of them; the result has the structure of ``sources``.  A source the
        target does not depend on gets zeros.

        A source written into after it was watched or computed (``x[0] = 0``,
        ``x += 1``) stands for the value it had then, not its current contents:
        the write is one more operation on the tape, between the source and the
        target.

        Example:
            >>> import numpy, wengert
            >>> with wengert.Tape() as tape:
            ...     x = tape.watch(numpy.array([1.0, 2.0]))
            ...     x[0] = 5.0                # x's watched value no longer reaches y[0]
            ...     y = (x * x).sum()
            >>> tape.gradient(y, x)
            array([0., 4.])
        """
        if self._trace is None:
            raise RuntimeError("this Tape has recorded nothing; use 'with wengert.Tape() as tape:'")
        t_leaves, t_def = tree.flatten(target)
        if self._trace.late and any(self._node(t) is None for t in t_leaves):
            raise ValueError(
                "Tape.gradient: the target was not recorded on this tape, and "
                f"{self._trace.late} operation(s) on its values ran after the 'with' block "
                "closed, which are not recorded; compute the target inside the 'with "
                "wengert.Tape() as tape:' block")
        if output_gradients is None:
            seeds = [scalar_seed(t, "Tape.gradient") if len(t_leaves) == 1 else
                     vspace(t).ones() for t in t_leaves]
        else:
            seeds, g_def = tree.flatten(output_gradients)
            if len(seeds) != len(t_leaves):
                raise ValueError(
                    f"Tape.gradient: output_gradients has {len(seeds)} value(s) but the target "
                    f"has {len(t_leaves)}; give one output gradient per target, in the "
                    "target's structure")
            for k, (g, t) in enumerate(zip(seeds, t_leaves)):
                check_not_complex(g, t, f"target leaf {k}", "output gradient")
                if _np.shape(getval(g)) != _np.shape(getval(t)):
                    raise ValueError(
                        f"Tape.gradient: the output gradient for target leaf {k} has shape "
                        f"{_np.shape(getval(g))} but the target has shape "
                        f"{_np.shape(getval(t))}; give it the target's shape")
        seeds = [(self._node(t), g) for t, g in zip(t_leaves, seeds)]
        seeds = [(n, g) for n, g in seeds if n is not None]
        s_leaves, s_def = tree.flatten(sources)
        nodes = [self._source_node(s) for s in s_leaves]
        for s, n in zip(s_leaves, nodes):
            if n is None:
                raise ValueError(
                    f"Tape.gradient: a source ({s!r}) was not recorded on this tape; pass "
                    "values returned by tape.watch or computed from them inside the 'with' "
                    "block")
        cts = self._trace.backward(seeds, nodes) if seeds else {}
        out = []
        for s, n in zip(s_leaves, nodes):
            g = cts.get(n)
            vs = vspace(s)
            out.append(vs.zeros() if g is None else g if isinstance(g, Box) else vs.cast(g))
        return tree.unflatten(s_def, out)
