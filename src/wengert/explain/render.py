"""Draw a circuit diagram with matplotlib: no Graphviz needed.

The nodes are placed by :func:`wengert.explain.layout.layered_layout` and
drawn as boxes (inputs light blue, operations white, grouped gates yellow,
the output grey); every wire carries its forward value in green above it and
the gradient flowing back along it in red below it, the lecture notes' convention.
matplotlib (``pip install "wengert[plot]"``) is imported only when a picture
is drawn, with the Agg backend (no display needed).
"""
import io

from .layout import layered_layout

__all__ = ["render", "figure"]

VALUE_COLOR = "#1a7f37"   # forward values: green, above the wire
GRAD_COLOR = "#cf222e"    # gradients: red, below the wire
_FILL = {"input": "#dbe9f6", "gate": "white", "group": "#fff2cc", "output": "#e8e8e8"}
_FONT = 8.0                # points
_CHAR = 0.068              # inches per character at _FONT (a sans-serif average)
_BOX_H = 0.36              # inches
_ROW = 0.62                # inches between node centres in a column
_SLOT = 0.34               # inches between the wires entering one gate
_MAX_LABEL = 22            # characters of a gate label


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            "drawing the circuit as .svg/.png/.pdf needs matplotlib: pip install "
            '"wengert[plot]"; or save it as Graphviz text with .save("circuit.dot")') from None
    return matplotlib


def _clip(s, n):
    return s if len(s) <= n else s[:n - 1] + "…"


def figure(nodes, edges, title="", max_nodes=150, clusters=()):
    """A matplotlib ``Figure`` of the circuit.

    ``nodes`` are ``(id, label, kind)`` with kind ``input``, ``gate``,
    ``group`` or ``output``, in topological order; ``edges`` are ``(source,
    target, value text, gradient text)``; ``clusters`` ``(name, node ids,
    depth)`` are framed with a dashed line.  More than ``max_nodes`` nodes
    draw a summary instead (counts of each operation and how to shrink it).
    """
    mpl = _matplotlib()
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch
    if len(nodes) > max_nodes:
        return _summary(Figure, nodes, title, max_nodes)
    ids = [n for n, _, _ in nodes]
    label = {n: _clip(lab, _MAX_LABEL) for n, lab, _ in nodes}
    kind = {n: k for n, _, k in nodes}
    width = {n: max(0.42, _CHAR * len(label[n]) + 0.22) for n in ids}
    fan_in = {n: 0 for n in ids}
    for _, b, _, _ in edges:
        fan_in[b] += 1
    # a node is tall enough for each incoming wire to arrive on its own level
    height = {n: max(_BOX_H, _SLOT * fan_in[n] - 0.06) for n in ids}
    lay = layered_layout(ids, [(a, b) for a, b, _, _ in edges], gap=_ROW, dummy_gap=0.28,
                         sizes={n: h + _ROW - _BOX_H for n, h in height.items() if h > _BOX_H})
    # columns: each as wide as its widest box, gaps as wide as their widest wire label
    col_w = [0.0] * lay.n_layers
    for n in ids:
        col_w[lay.layer[n]] = max(col_w[lay.layer[n]], width[n])
    label_w = [_CHAR * max(len(v), len(g)) + 0.16 for _, _, v, g in edges]
    gap_w = [0.5] * max(lay.n_layers - 1, 0)
    for (a, b, _, _), lw in zip(edges, label_w):
        gap_w[lay.layer[b] - 1] = max(gap_w[lay.layer[b] - 1], lw + 0.4)
    col_x, x = [], 0.0
    for lv in range(lay.n_layers):
        col_x.append(x + col_w[lv] / 2)
        x += col_w[lv] + (gap_w[lv] if lv < len(gap_w) else 0.0)
    total_w = max(x + 0.4, 2.0, (_CHAR + 0.008) * len(title) + 0.3)
    head = 0.45 if title else 0.15
    low = max([lay.y[n] + height[n] / 2 for n in ids]
              + [y for r in lay.routes for _, y in r], default=0.0)
    total_h = max(low + head + 0.35, 1.0)
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "wengert",
                         "font.size": _FONT, "font.family": "sans-serif"}):
        fig = Figure(figsize=(total_w, total_h))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(-0.2, total_w - 0.2)
        ax.set_ylim(total_h - head - 0.3, -head - 0.3)  # y grows downwards, 1 unit = 1 inch
        ax.axis("off")
        if title:
            ax.text(-0.1, -head - 0.22, title, ha="left", va="top", fontsize=_FONT + 1)

        def centre(n):
            return col_x[lay.layer[n]], lay.y[n]

        deepest = max((d for _, _, d in clusters), default=0)
        for name, members, depth in clusters:
            members = [n for n in members if n in kind]
            if not members:
                continue
            pad = 0.1 + 0.09 * (deepest - depth)
            x0 = min(centre(n)[0] - width[n] / 2 for n in members) - pad
            x1 = max(centre(n)[0] + width[n] / 2 for n in members) + pad
            y0 = min(centre(n)[1] - height[n] / 2 for n in members) - pad - 0.12
            y1 = max(centre(n)[1] + height[n] / 2 for n in members) + pad
            ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0,
                                        boxstyle="round,pad=0,rounding_size=0.1",
                                        facecolor="#fffbea", edgecolor="#b08800",
                                        linestyle="--", linewidth=0.9, zorder=0.5))
            ax.text(x0 + 0.06, y0 + 0.02, name, ha="left", va="top", color="#8a6d00",
                    fontsize=_FONT - 0.5, fontstyle="italic", zorder=0.6)

        for n in ids:
            cx, cy = centre(n)
            w, h = width[n], height[n]
            ax.add_patch(FancyBboxPatch(
                (cx - w / 2, cy - h / 2), w, h,
                boxstyle="round,pad=0,rounding_size=0.08", facecolor=_FILL[kind[n]],
                edgecolor="#333333", linewidth=1.6 if kind[n] in ("group", "output") else 0.9))
            ax.text(cx, cy, label[n], ha="center", va="center",
                    fontweight="bold" if kind[n] in ("group", "input") else "normal")
        # every wire: out of its source, along its dummy points, then level into its
        # slot at the target, where its value (green) and gradient (red) are written
        paths = []
        for (a, b, v, g), route in zip(edges, lay.routes):
            (sx, sy), (bx, _) = centre(a), centre(b)
            pts = [(sx + width[a] / 2, sy)] + [(col_x[lv], y) for lv, y in route]
            paths.append(pts)
        slots = {}
        for i, (a, b, _, _) in enumerate(edges):
            slots.setdefault(b, []).append(i)
        for b, idx in slots.items():
            idx.sort(key=lambda i: (paths[i][-1][1], i))  # fewest crossings at the gate
            bx, by = centre(b)
            m = len(idx)
            for j, i in enumerate(idx):
                v, g = edges[i][2], edges[i][3]
                end = (bx - width[b] / 2, by + _SLOT * (j - (m - 1) / 2))
                knee = (end[0] - label_w[i], end[1])
                pts = paths[i] + [knee]
                xs, ys = zip(*pts)
                ax.plot(xs, ys, color="#555555", lw=0.9, solid_capstyle="round")
                ax.annotate("", xy=end, xytext=knee,
                            arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 0.9,
                                        "shrinkA": 0, "shrinkB": 0, "mutation_scale": 9})
                lx = (knee[0] + end[0]) / 2 - 0.03
                ax.text(lx, end[1] - 0.025, v, color=VALUE_COLOR, ha="center", va="bottom",
                        fontsize=_FONT - 0.5)
                ax.text(lx, end[1] + 0.025, g, color=GRAD_COLOR, ha="center", va="top",
                        fontsize=_FONT - 0.5)
    return fig


def _summary(Figure, nodes, title, max_nodes):
    counts = {}
    for _, label, kind in nodes:
        if kind in ("gate", "group"):
            op = label.split("(")[0]
            counts[op] = counts.get(op, 0) + 1
    lines = [title, f"{len(nodes)} nodes: more than max_nodes={max_nodes}, so only a summary "
                    "is drawn.",
             "Group parts with explain.gate / explain.scope and draw with collapse=True, raise "
             "max_nodes, or save as .dot."]
    lines += [f"  {op}: {n}" for op, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines = [s for s in lines if s]
    fig = Figure(figsize=(7.5, 0.3 + 0.2 * len(lines)))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    ax.text(0.02, 0.98, "\n".join(lines), ha="left", va="top", family="monospace",
            fontsize=_FONT, transform=ax.transAxes)
    return fig


def render(nodes, edges, fmt, title="", max_nodes=150, dpi=110, clusters=()):
    """The circuit as ``fmt`` (``svg``, ``png`` or ``pdf``) bytes; see :func:`figure`.

    Example:
        >>> svg = render([("x", "x", "input"), ("n1", "sin", "gate"), ("out", "output", "output")],
        ...              [("x", "n1", "0.50", "0.88"), ("n1", "out", "0.48", "1.00")], "svg")
        >>> svg.startswith(b"<?xml") and b"sin" in svg
        True
    """
    mpl = _matplotlib()
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"render: unknown format {fmt!r}; use svg, png or pdf")
    fig = figure(nodes, edges, title, max_nodes, clusters)
    buf = io.BytesIO()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt]
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "wengert"}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    out = buf.getvalue()
    if fmt == "svg":
        # A wide circuit (a 4-layer MLP is thousands of points wide) scales down to the
        # page or notebook cell, but not below 60% of its size, where labels would be
        # unreadable (beyond that the cell scrolls); the viewBox keeps its shape.
        w = fig.get_figwidth() * 72 * 0.6
        out = out.replace(b"<svg ", f'<svg style="max-width:max(100%, {w:.0f}pt);'
                          f'height:auto" '.encode(), 1)
    return out
