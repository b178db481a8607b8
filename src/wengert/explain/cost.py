"""The cost of a derivative: operations, flops, bytes, tape memory and timing.

Estimates (per recorded operation, from the shapes of its arguments and result):

* elementwise operations (``sin``, ``multiply`` ...): one flop per output element;
* ``matmul``/``dot``/``tensordot``/``einsum``/``inner``/``outer`` with an
  ``(m, k)`` by ``(k, n)`` product: ``2 m n k`` flops (for any shapes:
  2 x output size x the contracted length, taken as the first argument's last axis);
* reductions (``sum``, ``mean``, ``max``, ``prod``, ``var``, ``std`` ...): one
  flop per *input* element;
* shape operations (``reshape``, ``transpose``, indexing, ``broadcast_to`` ...):
  no flops;
* dense linear algebra (``inv``, ``solve``, ``det``, ``cholesky``, ``qr``,
  ``eigh``, ``svd``...): ``n**3`` for an ``n x n`` matrix (an order of magnitude).

The backward pass is estimated as each operation's flops once per
differentiated argument, plus its output size for applying the incoming
cotangent (elementwise rules multiply ``g`` by a local derivative; a matmul's
cotangents are two products of the same size as the forward one).

Bytes of the forward pass: the bytes of every operation's array arguments
read and its result written.  Bytes of the backward pass: for every
operation, its incoming cotangent read, the values its rule needs read again
(its arguments and result; shape operations need none) and one cotangent
written per differentiated argument.  The tape holds every recorded argument
and result; its memory counts each distinct array (and each float) once.
"""
from typing import Any, Sequence
import collections
import statistics
import time

import numpy as _np

from .. import tree
from .._core import Box, TapeTrace, box_value, getval
from ._record import _is_float, short_op
from .._typing import Fn

__all__ = ["cost", "Cost"]

_CONTRACT = {"matmul", "dot", "tensordot", "einsum", "inner", "outer", "vdot"}
_REDUCE = {"sum", "mean", "max", "min", "prod", "var", "std", "amax", "amin",
           "logsumexp", "scipy.special.logsumexp", "linalg.norm", "cumsum", "cumprod",
           "average", "nansum", "nanmean", "all", "any", "trace"}
_SHAPE = {"reshape", "transpose", "getitem", "broadcast_to", "concatenate", "expand_dims",
          "squeeze", "ravel", "moveaxis", "swapaxes", "flip", "diagonal", "astype",
          "sequence_item", "untake", "real", "imag", "positive", "fft.fftshift",
          "fft.ifftshift", "diagonal_adjoint", "stack", "hstack", "vstack", "tile",
          "repeat", "roll", "where", "full_like", "zeros_like", "ones_like"}
_CUBIC = {"linalg.inv", "linalg.solve", "linalg.det", "linalg.slogdet", "linalg.cholesky",
          "linalg.qr", "linalg.eigh", "linalg.eig", "linalg.svd", "linalg.pinv"}
_CHEAP_GRADIENT_BOUND = 5.0


def _size(x: Any) -> Any:
    return int(_np.size(x)) if x is not None else 0


def _nbytes(x: Any) -> Any:
    x = getval(x)
    if isinstance(x, _np.ndarray):
        return x.nbytes
    if isinstance(x, (float, int, complex, _np.generic)) and not isinstance(x, bool):
        return _np.asarray(x).nbytes
    return 0


def op_flops(op: str, args: Sequence[Any], ans: Any) -> int:
    """Estimated flops of one operation ``op`` (short name) on ``args`` giving ``ans``.

    Example:
        >>> import numpy
        >>> op_flops("matmul", [numpy.ones((2, 3)), numpy.ones((3, 4))], numpy.ones((2, 4)))
        48
    """
    if op in _SHAPE:
        return 0
    if op in _CONTRACT:
        a: Any = getval(args[0]) if args else None
        k = _np.shape(a)[-1] if _np.ndim(a) else 1
        return 2 * max(_size(ans), 1) * k
    if op in _REDUCE:
        return _size(getval(args[0])) if args else 0
    if op in _CUBIC:
        a = getval(args[0]) if args else None
        n = _np.shape(a)[-1] if _np.ndim(a) else 1
        return n ** 3 * max(_size(a) // max(n * n, 1), 1)
    return _size(getval(ans))


class Cost:
    """The result of :func:`cost`; ``str()`` gives the report.

    Attributes: ``counts`` ({operation: number of calls}), ``flops`` and
    ``bytes`` (forward pass estimates), ``backward_flops`` and
    ``backward_bytes`` (estimates), ``tape_bytes``, ``fun_time`` and
    ``grad_time`` (median seconds), ``ratio`` (``grad_time / fun_time``),
    ``n_inputs``, ``n_outputs`` and ``advice`` (forward or reverse mode for
    the Jacobian, and why).  ``_repr_markdown_()`` shows it in Jupyter.

    Example:
        >>> import wengert.numpy as np
        >>> from wengert import explain
        >>> c = explain.cost(lambda x: np.sum(np.sin(x)), np.ones(3), repeat=1)
        >>> c.counts, c.flops
        ({'sin': 1, 'sum': 1}, 6)
    """

    def __init__(self, name: Any, counts: Any, flops: Any, backward_flops: Any, nbytes: Any, tape_bytes: Any, fun_time: Any,
                 grad_time: Any, n_inputs: Any, n_outputs: Any, backward_bytes: Any=0) -> None:
        self.name = name
        self.counts = counts
        self.flops = flops
        self.backward_flops = backward_flops
        self.bytes = nbytes
        self.backward_bytes = backward_bytes
        self.tape_bytes = tape_bytes
        self.fun_time = fun_time
        self.grad_time = grad_time
        self.ratio = grad_time / fun_time if fun_time > 0 else float("inf")
        self.n_inputs = n_inputs
        self.n_outputs = n_outputs
        self.advice = _advice(n_inputs, n_outputs)

    def _summary(self) -> Any:
        """The report's lines after the operation counts."""
        above = self.ratio > _CHEAP_GRADIENT_BOUND
        return [
            f"forward pass: ~{self.flops:,} flops, ~{_human(self.bytes)} read and written",
            f"backward pass: ~{self.backward_flops:,} flops, ~{_human(self.backward_bytes)} "
            "read and written (estimates)",
            f"tape memory: {_human(self.tape_bytes)} (recorded arguments and results, "
            "each array once)",
            f"time: function {_secs(self.fun_time)}, gradient (record + backward) "
            f"{_secs(self.grad_time)}: ratio {self.ratio:.1f} (cheap-gradient bound "
            f"~3-{_CHEAP_GRADIENT_BOUND:.0f}"
            + ("; above it: for small inputs Python overhead per operation dominates)"
               if above else ")"),
            self.advice,
        ]

    def _ops(self) -> Any:
        return sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def __str__(self) -> Any:
        total = sum(self.counts.values())
        width = max((len(k) for k in self.counts), default=0)
        lines = [f"cost of {self.name}: {total} recorded operations"]
        for op, n in self._ops():
            lines.append(f"  {op:<{width}}  {n}")
        return "\n".join(lines + self._summary())

    def _repr_markdown_(self) -> Any:
        """The report in Markdown: a table of operations, then the estimates.

        Example:
            >>> from wengert import explain
            >>> md = explain.cost(lambda x: x * x, 2.0, repeat=1)._repr_markdown_()
            >>> print(md)  # doctest: +ELLIPSIS
            **cost of &lt;lambda>**: 1 recorded operations
            <BLANKLINE>
            | operation | calls |
            |---|--:|
            | multiply | 1 |
            <BLANKLINE>
            - forward pass: ~1 flops, ~24 B read and written
            ...
        """
        esc = lambda s: s.replace("|", "\\|").replace("<", "&lt;")  # noqa: E731
        total = sum(self.counts.values())
        lines = [f"**cost of {esc(self.name)}**: {total} recorded operations", "",
                 "| operation | calls |", "|---|--:|"]
        lines += [f"| {esc(op)} | {n} |" for op, n in self._ops()]
        lines.append("")
        lines += [f"- {esc(s)}" for s in self._summary()]
        return "\n".join(lines)

    __repr__ = __str__


def _advice(n_in: Any, n_out: Any) -> Any:
    if n_out < n_in:
        return (f"reverse mode is cheaper for the Jacobian: {n_out} output(s) < {n_in} "
                f"inputs, so it needs {n_out} backward pass(es) (one per output) instead "
                f"of {n_in} forward-mode passes (one per input)")
    if n_in < n_out:
        return (f"forward mode is cheaper for the Jacobian: {n_in} input(s) < {n_out} "
                f"outputs, so it needs {n_in} forward-mode pass(es) (one per input) "
                f"instead of {n_out} backward passes (one per output)")
    return (f"forward and reverse mode need the same number of passes ({n_in} inputs = "
            f"{n_out} outputs); forward mode keeps no tape, so it uses less memory")


def _human(n: Any) -> Any:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def _secs(t: Any) -> Any:
    return f"{t * 1e6:.1f} us" if t < 1e-3 else f"{t * 1e3:.2f} ms"


def _median_time(f: Any, repeat: Any) -> Any:
    f()  # warm up
    times = []
    for _ in range(repeat):
        number, t = 1, 0.0
        while True:
            t0 = time.perf_counter()
            for _ in range(number):
                f()
            t = time.perf_counter() - t0
            if t > 2e-3 or number >= 1000:
                break
            number *= 10
        times.append(t / number)
    return statistics.median(times)


def _copy(x: Any) -> Any:
    return x.copy() if isinstance(x, _np.ndarray) else x


def _record_tape(fun: Any, args: Any) -> Any:
    """``fun(*args)`` recorded on a tape with every float leaf an input: ``(tape,
    [(input node, leaf)], output)``."""
    tape = TapeTrace()
    tape.lean = False     # count the bytes of every value an operation touches
    boxed, inputs = [], []
    for a in args:
        leaves, tdef = tree.flatten(a)
        bl = []
        for leaf in leaves:
            if _is_float(leaf):
                b = tape.new_input(leaf)
                inputs.append((tape.node_of(b), leaf))
                bl.append(b)
            else:
                bl.append(leaf)
        boxed.append(tree.unflatten(tdef, bl))
    try:
        out = fun(*boxed)
    finally:
        tape.recording = False
    return tape, inputs, out


def cost(fun: Fn, *args: Any, repeat: int = 5) -> "Cost":
    """A cost report for ``fun(*args)`` and its gradient (see :class:`Cost`).

    Counts the recorded operations by kind, estimates the forward pass's
    flops and bytes (elementwise: output size; ``(m,k)@(k,n)``: ``2mnk``;
    reductions: input size; see this module's docstring) and the backward
    pass's flops and bytes, measures the memory
    held by the tape, times the function and its gradient (record + one
    backward pass seeded with ones; median of ``repeat`` runs) and says
    whether forward or reverse mode is cheaper for the Jacobian.

    Example:
        >>> import numpy
        >>> import wengert.numpy as np
        >>> from wengert import explain
        >>> c = explain.cost(lambda w, x: np.tanh(w @ x), numpy.ones((4, 3)), numpy.ones(3),
        ...                  repeat=1)
        >>> c.counts, c.flops
        ({'matmul': 1, 'tanh': 1}, 28)
        >>> c.advice.split(":")[0]
        'reverse mode is cheaper for the Jacobian'
    """
    who = "explain.cost"
    if not callable(fun):
        raise TypeError(f"{who}: fun must be callable, got {type(fun).__name__}; "
                        f"pass the function itself, e.g. {who}(f, x)")
    if not args:
        raise TypeError(f"{who}: no arguments given; pass the point, e.g. {who}(f, x)")
    if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
        raise ValueError(f"{who}: repeat must be a positive integer, got {repeat!r}; "
                         "e.g. repeat=5")
    name = getattr(fun, "__name__", type(fun).__name__)
    tape, inputs, out = _record_tape(fun, args)
    if not inputs:
        raise TypeError(f"{who}: no floating-point inputs among the arguments of {name}; "
                        "pass floats or float arrays, e.g. 1.0 rather than 1")
    counts: collections.Counter[str] = collections.Counter()
    flops = bflops = nbytes = bbytes = 0
    held = {}
    for k in range(len(tape.entries)):
        e = tape.entry(k)
        if e is None:
            continue
        vals, ans, parents = e.args, e.ans, e.parents
        op = short_op(e.prim.name)
        counts[op] += 1
        f = op_flops(op, vals, ans)
        flops += f
        if op not in _SHAPE:
            bflops += len(parents) * (f + _size(getval(ans)))
        if parents:
            # read g; read the saved arguments and result; write one cotangent per argument
            bbytes += _nbytes(ans) + sum(_nbytes(vals[i]) for i, _ in parents)
            if op not in _SHAPE:
                bbytes += sum(_nbytes(v) for v in vals) + _nbytes(ans)
        for v in list(vals) + [ans]:
            v = getval(v)
            nb = _nbytes(v)
            if nb:
                nbytes += nb
                held[id(v)] = nb
    for _, leaf in inputs:
        held[id(leaf)] = _nbytes(leaf)
    out_leaves = tree.leaves(out)
    if any(isinstance(o, Box) and not tape.owns(o) for o in out_leaves):
        raise TypeError(f"{who}: {name} returned values of another trace; "
                        "call cost outside grad/jvp")
    n_out = sum(max(_size(getval(o)), 1) for o in out_leaves)
    n_in = sum(max(_size(leaf), 1) for _, leaf in inputs)

    def gradient() -> None:
        tp, ins, o = _record_tape(fun, args)
        seeds = [(tp.node_of(b), _np.ones_like(box_value(b)) if _np.ndim(box_value(b)) else 1.0)
                 for b in tree.leaves(o) if tp.owns(b)]
        tp.backward(seeds, [k for k, _ in ins])

    # time on copies: a function that writes into its arguments must not change the caller's
    fun_time = _median_time(lambda: fun(*tree.tree_map(_copy, args)), repeat)
    grad_time = _median_time(gradient, repeat)
    return Cost(name, dict(sorted(counts.items())), flops, bflops, nbytes, sum(held.values()),
                fun_time, grad_time, n_in, n_out, backward_bytes=bbytes)
