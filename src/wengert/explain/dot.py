"""The circuit diagram: gates for operations, wires carrying values and gradients.

Written as Graphviz DOT text, which needs nothing installed, or drawn as SVG,
PNG or PDF by wengert's own layered layout with matplotlib (the ``plot``
extra; no system Graphviz needed).  Graphviz's ``dot`` program is used only
when asked for with ``save(path, engine="graphviz")``.
"""
import html
import os
import shutil
import subprocess

import numpy as _np

from . import _format
from ._record import Recording

__all__ = ["graph", "Graph"]

VALUE_COLOR = "darkgreen"   # the seeds' convention: forward values in green ...
GRAD_COLOR = "red"          # ... and backward gradients in red, beneath them


def graph(fun, *args, digits=2):
    """The circuit of ``fun(*args)``: one gate per operation, each wire labelled
    with the forward value (green) and, beneath it, the gradient of the output
    flowing back along it (red); arrays show dtype and shape.

    ``.to_dot()`` gives Graphviz DOT text; ``.save(path)`` writes ``.dot``
    text or draws ``.svg``/``.png``/``.pdf`` with matplotlib (see
    :meth:`Graph.save`); in Jupyter the graph shows itself as SVG.

    Example (the circuit f = (x + y) z of the seeds):
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
    return Graph(Recording(fun, args, None, "explain.graph"), digits=digits)


class Graph:
    """The result of :func:`graph`.

    Example:
        >>> from wengert import explain
        >>> g = explain.graph(lambda x: x * x, 3.0)
        >>> g.edges()  # (from, to, value, gradient)
        [('n0', 'n1', '3.00', '3.00'), ('n0', 'n1', '3.00', '3.00'), ('n1', 'out', '9.00', '1.00')]
    """

    def __init__(self, rec, digits=2):
        self.recording = rec
        self.digits = digits

    def nodes(self):
        """``(id, label, kind)`` for every node; kind is input, gate or output."""
        rec = self.recording
        out = []
        for k in sorted(rec.names):
            e = rec.entries[k]
            if e is None:
                out.append((f"n{k}", rec.names[k], "input"))
                continue
            prim, args, kwargs, _, parents = e
            consts = [(i, a) for i, a in enumerate(args) if i not in dict(parents)]
            label = rec.op_name(k)
            if label in ("getitem", "sequence_item") and len(args) == 2 and not kwargs:
                label = f"[{_format.index(args[1])}]"
            elif consts or kwargs:
                parts = ["·"] * len(args)
                for i, a in consts:
                    parts[i] = _format.literal(a)
                parts += [f"{key}={_format.literal(v)}" for key, v in kwargs.items()]
                label += f"({', '.join(parts)})"
            out.append((f"n{k}", label, "gate"))
        if rec.out_node is not None:
            out.append(("out", "output", "output"))
        return out

    def edges(self):
        """``(from, to, value, gradient)`` for every wire, values as short text."""
        rec, d = self.recording, self.digits
        short = lambda v: _short(v, d)  # noqa: E731
        grad = lambda v: _short(v, d, norm=True)  # noqa: E731
        out = []
        for k, e in enumerate(rec.entries):
            if e is None:
                continue
            for i, pk in e[4]:
                out.append((f"n{pk}", f"n{k}", short(rec.values[pk]),
                            grad(rec.wire_grads.get((k, i), 0.0))))
        if rec.out_node is not None:
            k = rec.out_node
            out.append((f"n{k}", "out", short(rec.values[k]), grad(rec.seed)))
        return out

    def to_dot(self):
        """Graphviz DOT text of the circuit (HTML-like labels for the colours)."""
        lines = ["digraph circuit {", "  rankdir=LR;",
                 '  node [fontname="Helvetica"]; edge [fontname="Helvetica" fontsize=10];']
        for nid, label, kind in self.nodes():
            label = _quote(label)
            if kind == "input":
                lines.append(f'  {nid} [label="{label}" shape=ellipse style=filled '
                             f'fillcolor="#dbe9f6"];')
            elif kind == "output":
                lines.append(f'  {nid} [label="{label}" shape=doublecircle];')
            else:
                lines.append(f'  {nid} [label="{label}" shape=box style=rounded];')
        for a, b, value, grad in self.edges():
            lines.append(f'  {a} -> {b} [label=<<font color="{VALUE_COLOR}">{html.escape(value)}'
                         f'</font><br/><font color="{GRAD_COLOR}">{html.escape(grad)}</font>>];')
        lines.append("}")
        return "\n".join(lines)

    def __str__(self):
        return self.to_dot()

    def save(self, path, engine=None, max_nodes=150):
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

    def render(self, fmt="svg", max_nodes=150, dpi=110):
        """The picture as bytes (``svg``, ``png`` or ``pdf``), drawn with matplotlib.

        Example:
            >>> from wengert import explain
            >>> explain.graph(lambda x: x * 2.0, 1.0).render("png")[:4]
            b'\\x89PNG'
        """
        from .render import render
        return render(self.nodes(), self.edges(), fmt, title=self.title(),
                      max_nodes=max_nodes, dpi=dpi)

    def title(self):
        """A caption: the function, the point, and how to read the wires."""
        rec = self.recording
        point = ", ".join(f"{n}={_format.literal(v)}" for n, v in rec.point)
        where = f"{rec.fun_name} at {point}" if len(point) <= 60 else rec.fun_name
        return f"{where}: forward value above each wire (green), gradient of the output below (red)"

    def _graphviz(self, fmt, who):
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

    def _repr_svg_(self):
        """Jupyter: the circuit inline, drawn with matplotlib (``None`` without it)."""
        try:
            return self.render("svg").decode()
        except ImportError:
            return None


def _short(v, digits, norm=False):
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


def _quote(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')
