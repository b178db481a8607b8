"""The trace table: the Wengert list of one evaluation with values, tangents and adjoints."""
from typing import Any, Sequence
import collections
import html

import numpy as _np

from . import _format
from ._record import Recording, short_op
from .._typing import Fn

__all__ = ["trace", "Trace"]

Row = collections.namedtuple("Row", "name definition op value tangent adjoint group",
                             defaults=("",))
Row.__doc__ = """One line of the table: strings, ``op`` is ``"input"`` for inputs (a
collapsed group's name for its row); ``group`` the path of the group an operation
belongs to when groups are expanded."""

_HEADER = ("var", "definition", "value", "tangent", "adjoint")


def trace(fun: Fn, *args: Any, tangent: Any = None, ops: Sequence[str] | None = None,
          max_rows: int | None = None, digits: int = 4, collapse: bool = True) -> "Trace":
    """The execution trace of ``fun(*args)``: one row per recorded operation.

    Each row names the variable (inputs after ``fun``'s parameters, or ``x1,
    x2, ...``; intermediates ``v_1, v_2, ...``), the operation with its inputs
    by name (constants written inline), the value, the tangent along the input
    direction ``tangent`` (forward mode; a tuple like ``args``, by default 1
    for the first argument and 0 for the others) and the adjoint, the
    derivative of the output with respect to that variable (reverse mode; for
    an array output, of its sum).  Arrays are summarized by dtype, shape,
    min, max and norm; numbers show ``digits`` decimals, or scientific notation
    when smaller than ``10**-(digits - 1)`` or from ``1e6`` on, so a derivative of
    ``1e-9`` prints as ``1.0000e-09``, never as ``0.0000``.  ``ops`` (operation
    names) keeps only those operations;
    ``max_rows`` cuts the table, and a last line counts what was left out.
    ``str()`` gives the text table; ``to_markdown()`` and ``_repr_html_()``
    the same for documents and Jupyter.  Functions marked with
    :func:`~wengert.explain.gate` and blocks in :func:`~wengert.explain.scope`
    show as one row each with ``collapse=True`` (the default), or as their
    operations, marked ``group: ...``, with ``collapse=False``; a collection of
    names collapses only those groups.

    Example (the execution trace example of Griewank and Walther, Evaluating Derivatives):
        >>> import wengert.numpy as np
        >>> from wengert import explain
        >>> def f(x1, x2):
        ...     v1 = x1 / x2
        ...     v2 = np.sin(v1)
        ...     v4 = v1 - np.exp(x2)
        ...     return (v2 + v4) * v4
        >>> print(explain.trace(f, 1.5, 0.5))
        trace of f at x1=1.5, x2=0.5; tangent along (x1, x2) = (1.0, 0.0); adjoint = d(output)/d(var), output = v_6
        var  definition           value  tangent   adjoint
        x1   input               1.5000   1.0000    3.0118
        x2   input               0.5000   0.0000  -13.7240
        v_1  divide(x1, x2)      3.0000   2.0000    1.5059
        v_2  sin(v_1)            0.1411  -1.9800    1.3513
        v_3  exp(x2)             1.6487   0.0000   -2.8437
        v_4  subtract(v_1, v_3)  1.3513   2.0000    2.8437
        v_5  add(v_2, v_4)       1.4924   0.0200    1.3513
        v_6  multiply(v_5, v_4)  2.0166   3.0118    1.0000
    """
    return Trace(Recording(fun, args, tangent, "explain.trace"), ops=ops, max_rows=max_rows,
                 digits=digits, collapse=collapse)


class Trace:
    """The result of :func:`trace`; ``rows`` holds every row, ``str()`` the table.

    Example:
        >>> from wengert import explain
        >>> t = explain.trace(lambda x: x * x + 1.0, 3.0)
        >>> [(r.name, r.definition, r.adjoint) for r in t.rows]
        [('x', 'input', '6.0000'), ('v_1', 'multiply(x, x)', '1.0000'), ('v_2', 'add(v_1, 1.0)', '1.0000')]
    """

    def __init__(self, rec: Any, ops: Any=None, max_rows: Any=None, digits: Any=4, collapse: Any=True) -> None:
        if ops is not None:
            if isinstance(ops, str):
                ops = [ops]
            ops = {short_op(o) for o in ops}
        if max_rows is not None and (not isinstance(max_rows, int) or max_rows < 1):
            raise ValueError(f"explain.trace: max_rows must be a positive integer or None, "
                             f"got {max_rows!r}")
        self.recording = rec
        self.ops, self.max_rows, self.digits = ops, max_rows, digits
        self.view = view = rec.view(collapse)
        self.rows = []
        for k in range(len(rec.entries)):
            if k not in rec.names:
                continue
            j = view.owner.get(k)
            if j is None:
                self.rows.append(self._row(k))
            elif k in view.outputs[j]:
                self.rows.append(self._row(k, j))

    def _row(self, k: Any, j: Any=None) -> Any:
        rec, d = self.recording, self.digits
        e = rec.entries[k]
        group = rec.group_path.get(k, "")
        if j is not None:  # a collapsed group's output
            g = self.view.groups[j]
            op, group = g.name, ""
            definition = f"{g.name}({', '.join(rec.names[i] for i in self.view.inputs[j])})"
            outs = self.view.outputs[j]
            if len(outs) > 1:
                definition += f"[{outs.index(k)}]"
        elif e is None:
            op, definition = "input", "input"
        else:
            args, kwargs = e.args, e.kwargs
            by_arg = dict(e.parents)
            parts = [rec.names[by_arg[i]] if i in by_arg else _format.literal(a)
                     for i, a in enumerate(args)]
            parts += [f"{key}={_format.literal(v)}" for key, v in kwargs.items()]
            op = rec.op_name(k)
            if op in ("getitem", "sequence_item") and len(parts) == 2 and not kwargs:
                definition = f"{parts[0]}[{_format.index(args[1])}]"
            else:
                definition = f"{op}({', '.join(parts)})"
        tangent = rec.tangents[k]
        if tangent is None and _is_scalar(rec.values[k]):
            tangent = 0.0
        adjoint = rec.adjoints[k]
        if adjoint is None and _is_scalar(rec.values[k]):
            adjoint = 0.0
        return Row(rec.names[k], definition, op, _format.number(rec.values[k], d),
                   _format.number(tangent, d), _format.number(adjoint, d), group)

    # -- which rows are shown --------------------------------------------------------
    def _shown(self) -> Any:
        rows = self.rows
        if self.ops is not None:
            rows = [r for r in rows if r.op == "input" or r.op in self.ops]
        if self.max_rows is not None:
            rows = rows[:self.max_rows]
        shown = {r.name for r in rows}
        hidden = collections.Counter(r.op for r in self.rows if r.name not in shown)
        note = None
        if hidden:
            kinds = ", ".join(f"{n} {op}" for op, n in hidden.most_common())
            note = f"... {sum(hidden.values())} more rows not shown: {kinds}"
        return rows, note

    def title(self) -> str:
        """The first line: where, along which direction, adjoint of what."""
        rec = self.recording
        point = ", ".join(f"{n}={_format.literal(v)}" for n, v in rec.point)
        names = [rec.names[k] for k in rec.inputs]
        dirs = [_format.literal(_plain(rec.tangents[k])) for k in rec.inputs]
        if rec.out_node is None:
            adj = "the output does not depend on the inputs"
        else:
            of = "output" if not _np.ndim(rec.output) else "sum(output)"
            adj = f"adjoint = d({of})/d(var), output = {rec.names[rec.out_node]}"
        if len(names) == 1:
            along = f"tangent along {names[0]} = {dirs[0]}"
        else:
            along = f"tangent along ({', '.join(names)}) = ({', '.join(dirs)})"
        return f"trace of {rec.fun_name} at {point}; {along}; {adj}"

    def __str__(self) -> Any:
        rows, note = self._shown()
        table = [_HEADER] + [(r.name, _shown_def(r), r.value, r.tangent, r.adjoint)
                             for r in rows]
        widths = [max(len(row[c]) for row in table) for c in range(5)]
        lines = [self.title()]
        for row in table:
            cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
            cells += [row[c].rjust(widths[c]) for c in (2, 3, 4)]
            lines.append("  ".join(cells).rstrip())
        if note:
            lines.append(note)
        return "\n".join(lines)

    def __repr__(self) -> Any:
        return str(self)

    def to_markdown(self) -> str:
        """The table in Markdown (GitHub-flavoured).

        Example:
            >>> from wengert import explain
            >>> print(explain.trace(lambda x: 2.0 * x, 3.0).to_markdown())
            trace of <lambda> at x=3.0; tangent along x = 1.0; adjoint = d(output)/d(var), output = v_1
            <BLANKLINE>
            | var | definition | value | tangent | adjoint |
            |---|---|--:|--:|--:|
            | x | input | 3.0000 | 1.0000 | 2.0000 |
            | v_1 | multiply(2.0, x) | 6.0000 | 2.0000 | 1.0000 |
        """
        rows, note = self._shown()
        esc = lambda s: s.replace("|", "\\|")  # noqa: E731
        lines = [esc(self.title()), "", "| " + " | ".join(_HEADER) + " |", "|---|---|--:|--:|--:|"]
        for r in rows:
            lines.append("| " + " | ".join(esc(c) for c in (r.name, _shown_def(r), r.value,
                                                            r.tangent, r.adjoint)) + " |")
        if note:
            lines += ["", esc(note)]
        return "\n".join(lines)

    def _repr_markdown_(self) -> Any:  # Jupyter (and other Markdown front ends)
        return self.to_markdown()

    def _repr_html_(self) -> Any:  # Jupyter: a table
        rows, note = self._shown()
        h = html.escape
        # Inline alignment: Jupyter's table CSS right-aligns every cell, which made the
        # definitions ragged on the left; names and definitions read left to right.
        left, right = ' style="text-align:left"', ' style="text-align:right"'
        out = [f"<table><caption>{h(self.title())}</caption><thead><tr>"]
        out += [f"<th{left if i < 2 else right}>{c}</th>" for i, c in enumerate(_HEADER)]
        out.append("</tr></thead><tbody>")
        for r in rows:
            grp = f"<i>{h(r.group)}:</i> " if r.group else ""
            out.append(f"<tr><td{left}>{h(r.name)}</td><td{left}>{grp}"
                       f"<code>{h(r.definition)}</code></td>"
                       + "".join(f"<td{right}>{h(c)}</td>"
                                 for c in (r.value, r.tangent, r.adjoint)) + "</tr>")
        out.append("</tbody></table>")
        if note:
            out.append(f"<p>{h(note)}</p>")
        return "".join(out)


def _shown_def(row: Any) -> Any:
    """The definition as printed: prefixed with its group when groups are expanded."""
    return f"{row.group}: {row.definition}" if row.group else row.definition


def _is_scalar(v: Any) -> Any:
    return not isinstance(v, (tuple, list)) and _np.ndim(v) == 0


def _plain(t: Any) -> Any:
    """A tangent for the title: a number when it is one number for the whole input."""
    if t is None:
        return 0.0
    a = _np.asarray(t)
    if a.ndim and a.size and (a == a.flat[0]).all():
        return a.flat[0].item()
    return t
