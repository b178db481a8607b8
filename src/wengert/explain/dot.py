"""The circuit diagram: gates for operations, wires carrying values and gradients.

Written as Graphviz DOT text, which needs nothing installed, or drawn as SVG,
PNG or PDF by wengert's own layered layout with matplotlib (the ``plot``
extra; no system Graphviz needed).  Graphviz's ``dot`` program is used only
when asked for with ``save(path, engine="graphviz")``.
"""
from typing import Any
import html
import os
import shutil
import subprocess

import numpy as _np

from . import _format
from .._core.vspace import add_any
from ._record import Recording
from .._typing import Fn

__all__ = ["graph", "Graph"]

VALUE_COLOR = "darkgreen"   # the lecture notes' convention: forward values in green ...
GRAD_COLOR = "red"          # ... and backward gradients in red, beneath them


def graph(fun: Fn, *args: Any, digits: int = 2, collapse: bool = True) -> "Graph":
    """The circuit of ``fun(*args)``: one gate per operation, each wire labelled
    with the forward value (green) and, beneath it, the gradient of the output
    flowing back along it (red); arrays show dtype and shape.

    ``.to_dot()`` gives Graphviz DOT text; ``.save(path)`` writes ``.dot``
    text or draws ``.svg``/``.png``/``.pdf`` with matplotlib (see
    :meth:`Graph.save`); in Jupyter the graph shows itself as SVG.  Functions
    marked with :func:`~wengert.explain.gate` (and :func:`~wengert.explain.scope`
    blocks) are one gate each with ``collapse=True``, the default, and
    clusters of their operations with ``collapse=False``.

    Example (the circuit f = (x + y) z of the lecture notes):
        >>> from wengert import explain
        >>> g = explain.graph(lambda x, y, z: (x + y) * z, -2.0, 5.0, -4.0)
        >>> print(g.to_dot())  # doctest: +ELLIPSIS
        digraph circuit {
          rankdir=LR;
        ...
          n0 [label="x" shape=ellipse style=filled fillcolor="#dbe9f6"];
        ...
          n3 [label="add" shape=box style=rounded];
          n4 [label="multiply" shape=box style=rounded];
          out [label="output" shape=doublecircle];
          n0 -> n3 [label=<<font color="darkgreen">-2.00</font><br/><font color="red">-4.00</font>>];
        ...
          n4 -> out [label=<<font color="darkgreen">-12.00</font><br/><font color="red">1.00</font>>];
        }
    """
    return Graph(Recording(fun, args, None, "explain.graph"), digits=digits, collapse=collapse)


class Graph:
    """The result of :func:`graph`.

    Example:
        >>> from wengert import explain
        >>> g = explain.graph(lambda x: x * x, 3.0)
        >>> g.edges()  # (from, to, value, gradient)
        [('n0', 'n1', '3.00', '3.00'), ('n0', 'n1', '3.00', '3.00'), ('n1', 'out', '9.00', '1.00')]
    """

    def __init__(self, rec: Any, digits: Any=2, collapse: Any=True) -> None:
        self.recording = rec
        self.digits = digits
        self.view = rec.view(collapse)

    def nodes(self) -> list[Any]:
        """``(id, label, kind)`` for every node, in evaluation order; kind is
        ``input``, ``gate``, ``group`` (a collapsed group, id ``g0, g1, ...``)
        or ``output``."""
        rec, view = self.recording, self.view
        keyed = []
        for k in sorted(rec.names):
            if k in view.owner:
                continue
            e = rec.entries[k]
            if e is None:
                keyed.append((k, (f"n{k}", rec.names[k], "input")))
                continue
            args, kwargs = e.args, e.kwargs
            consts = [(i, a) for i, a in enumerate(args) if i not in dict(e.parents)]
            label = rec.op_name(k)
            if label in ("getitem", "sequence_item") and len(args) == 2 and not kwargs:
                label = f"[{_format.index(args[1])}]"
            elif consts or kwargs:
                parts = ["·"] * len(args)
                for i, a in consts:
                    parts[i] = _format.literal(a)
                parts += [f"{key}={_format.literal(v)}" for key, v in kwargs.items()]
                label += f"({', '.join(parts)})"
            keyed.append((k, (f"n{k}", label, "gate")))
        for j, g in enumerate(view.groups):
            keyed.append((g.start, (f"g{j}", g.name, "group")))
        out = [node for _, node in sorted(keyed, key=lambda kn: kn[0])]
        if rec.out_node is not None:
            out.append(("out", "output", "output"))
        return out

    def _id(self, k: Any) -> Any:
        j = self.view.owner.get(k)
        return f"n{k}" if j is None else f"g{j}"

    def edges(self) -> list[Any]:
        """``(from, to, value, gradient)`` for every wire, values as short text.

        A wire into a collapsed group carries the gradient summed over the
        group's uses of that value; wires inside a collapsed group are not shown.
        """
        rec, d = self.recording, self.digits
        short = lambda v: _short(v, d)  # noqa: E731
        grad = lambda v: _short(v, d, norm=True)  # noqa: E731
        wires: dict[Any, Any] = {}
        order: list[Any] = []
        for k, e in enumerate(rec.entries):
            if e is None:
                continue
            dst = self._id(k)
            for i, pk in e.parents:
                src = self._id(pk)
                if src == dst:
                    continue  # inside a collapsed group
                g = rec.wire_grads.get((k, i))
                key = (pk, dst) if dst[0] == "g" else (pk, dst, i)
                if key in wires:
                    prev = wires[key][1]
                    wires[key][1] = g if prev is None else prev if g is None else add_any(prev, g)
                else:
                    wires[key] = [src, g]
                    order.append(key)
        out = []
        for key in order:
            src, g = wires[key]
            out.append((src, key[1], short(rec.values[key[0]]), grad(0.0 if g is None else g)))
        if rec.out_node is not None:
            k = rec.out_node
            out.append((self._id(k), "out", short(rec.values[k]), grad(rec.seed)))
        return out

    def to_dot(self) -> str:
        """Graphviz DOT text of the circuit (HTML-like labels for the colours);
        expanded groups are clusters."""
        lines = ["digraph circuit {", "  rankdir=LR;",
                 '  node [fontname="Helvetica"]; edge [fontname="Helvetica" fontsize=10];']
        for nid, label, kind in self.nodes():
            label = _quote(label)
            if kind == "input":
                lines.append(f'  {nid} [label="{label}" shape=ellipse style=filled '
                             f'fillcolor="#dbe9f6"];')
            elif kind == "output":
                lines.append(f'  {nid} [label="{label}" shape=doublecircle];')
            elif kind == "group":
                lines.append(f'  {nid} [label="{label}" shape=box style="rounded,filled,bold" '
                             f'fillcolor="#fff2cc"];')
            else:
                lines.append(f'  {nid} [label="{label}" shape=box style=rounded];')
        lines += self._clusters()
        for a, b, value, grad in self.edges():
            lines.append(f'  {a} -> {b} [label=<<font color="{VALUE_COLOR}">{html.escape(value)}'
                         f'</font><br/><font color="{GRAD_COLOR}">{html.escape(grad)}</font>>];')
        lines.append("}")
        return "\n".join(lines)

    def _clusters(self) -> Any:
        """``subgraph cluster_i`` blocks for the groups shown expanded, nested."""
        rec, view = self.recording, self.view
        shown = [g for g in rec.groups
                 if not any(c.start <= g.start and g.end <= c.end for c in view.groups)]
        lines = []

        def emit(i: Any, indent: Any) -> None:
            g = shown[i]
            lines.append(f'{indent}subgraph cluster_{i} {{')
            lines.append(f'{indent}  label="{_quote(g.name)}"; style="rounded,dashed"; '
                         'color="#b08800";')
            inner = [c for c in range(len(shown)) if c != i and _inside(shown[c], g)
                     and not any(_inside(shown[c], shown[m]) and _inside(shown[m], g)
                                 for m in range(len(shown)) if m not in (i, c))]
            covered = {k for c in inner for k in range(shown[c].start, shown[c].end)}
            ids = []
            for k in range(g.start, g.end):
                if k in rec.names and k not in covered and self._id(k) not in ids:
                    ids.append(self._id(k))
            if ids:
                lines.append(f'{indent}  {"; ".join(ids)};')
            for c in inner:
                emit(c, indent + "  ")
            lines.append(f"{indent}}}")

        for i, g in enumerate(shown):
            if not any(_inside(g, h) for h in shown):
                emit(i, "  ")
        return lines

    def __str__(self) -> Any:
        return self.to_dot()

    def save(self, path: str | os.PathLike[str], engine: str | None = None,
             max_nodes: int = 150) -> str:
        """Write the diagram; the file's suffix picks the format.

        ``.dot`` (or ``.gv``) writes the Graphviz text (no dependency).
        ``.svg``, ``.png`` and ``.pdf`` are drawn by wengert's own layered
        layout with matplotlib (``pip install "wengert[plot]"``; no system
        Graphviz needed); ``engine="graphviz"`` asks Graphviz's ``dot``
        program instead, when it is installed.  A graph of more than
        ``max_nodes`` nodes is drawn as a summary (group it with
        :func:`~wengert.explain.gate` and ``collapse=True``, or raise the limit).
        Returns ``path``.

        Example:
            >>> import os, tempfile
            >>> from wengert import explain
            >>> folder = tempfile.mkdtemp()
            >>> g = explain.graph(lambda x: x * 2.0, 1.0)
            >>> g.save(os.path.join(folder, "circuit.dot")).endswith("circuit.dot")
            True
            >>> with open(g.save(os.path.join(folder, "circuit.svg"))) as fh:
            ...     "multiply" in fh.read()
            True
        """
        path = os.fspath(path)
        fmt = os.path.splitext(path)[1].lower().lstrip(".")
        if fmt in ("dot", "gv"):
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(self.to_dot() + "\n")
            return path
        if fmt not in ("svg", "png", "pdf"):
            raise ValueError(f"Graph.save: cannot write {path!r}: unknown suffix {fmt!r}; "
                             "use .dot (text), or .svg, .png or .pdf (a picture)")
        if engine not in (None, "matplotlib", "graphviz"):
            raise ValueError(f"Graph.save: engine must be None, 'matplotlib' or 'graphviz', "
                             f"got {engine!r}")
        if engine == "graphviz":
            data = self._graphviz(fmt, f"Graph.save: writing {path!r}")
        else:
            data = self.render(fmt, max_nodes=max_nodes)
        with open(path, "wb") as fh:
            fh.write(data)
        return path

    def render(self, fmt: str = "svg", max_nodes: int = 150, dpi: int = 110) -> Any:
        """The picture as bytes (``svg``, ``png`` or ``pdf``), drawn with matplotlib.

        Example:
            >>> from wengert import explain
            >>> explain.graph(lambda x: x * 2.0, 1.0).render("png")[:4]
            b'\\x89PNG'
        """
        from .render import render
        return render(self.nodes(), self.edges(), fmt, title=self.title(),
                      max_nodes=max_nodes, dpi=dpi, clusters=self.clusters())

    def clusters(self) -> Any:
        """``(name, node ids, depth)`` of each group shown expanded (drawn as a
        dashed frame around its operations)."""
        rec, view = self.recording, self.view
        out = []
        for g in rec.groups:
            if any(c.start <= g.start and g.end <= c.end for c in view.groups):
                continue  # collapsed, or inside a collapsed group
            ids = []
            for k in range(g.start, g.end):
                if k in rec.names and self._id(k) not in ids:
                    ids.append(self._id(k))
            out.append((g.name, ids, g.depth))
        return out

    def title(self) -> str:
        """A caption: the function, the point, and how to read the wires."""
        rec = self.recording
        point = ", ".join(f"{n}={_format.literal(v)}" for n, v in rec.point)
        where = f"{rec.fun_name} at {point}" if len(point) <= 60 else rec.fun_name
        return f"{where}: forward value above each wire (green), gradient of the output below (red)"

    def _graphviz(self, fmt: Any, who: str) -> Any:
        exe = shutil.which("dot")
        if exe is None:
            raise RuntimeError(
                f"{who} with engine='graphviz' needs Graphviz's `dot` program, which is not on "
                "the PATH; install Graphviz (apt install graphviz, brew install graphviz or "
                "conda install graphviz), or leave engine unset to draw with matplotlib")
        res = subprocess.run([exe, f"-T{fmt}"], input=self.to_dot().encode(),
                             capture_output=True, timeout=60)
        if res.returncode != 0:
            raise RuntimeError(f"{who}: Graphviz failed: {res.stderr.decode(errors='replace')}")
        return res.stdout

    def _repr_svg_(self) -> Any:
        """Jupyter: the circuit inline, drawn with matplotlib (``None`` without it)."""
        try:
            return self.render("svg").decode()
        except ImportError:
            return None


def _inside(a: Any, b: Any) -> Any:
    """Group ``a`` lies within group ``b`` (and is not ``b``)."""
    return a is not b and b.start <= a.start and a.end <= b.end and a.depth > b.depth


def _short(v: Any, digits: Any, norm: Any=False) -> Any:
    """A wire label: a scalar with ``digits`` decimals, an array as dtype[shape]
    (a gradient array as its norm)."""
    if v is None:
        return "0"
    if isinstance(v, (tuple, list)):
        return _format.number(v, digits)
    a = _np.asarray(v)
    if a.ndim == 0:
        return _format.number(v, digits)
    if norm:
        return f"norm {float(_np.linalg.norm(a.ravel())):.3g}"
    return f"{a.dtype}[{', '.join(map(str, a.shape))}]"


def _quote(s: Any) -> Any:
    return s.replace("\\", "\\\\").replace('"', '\\"')
