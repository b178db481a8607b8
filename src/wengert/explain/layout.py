"""A layered (Sugiyama-style) layout of a directed acyclic graph, in pure Python.

The circuit diagram is drawn left to right in layers:

1. *layers* by longest path: inputs in layer 0, every other node one layer
   right of its furthest-right predecessor; an input then moves right to
   just before its first use;
2. *dummy points* on every wire that spans more than one layer, so that long
   wires are routed between the nodes of the layers they cross;
3. *ordering* within each layer by the barycenter (mean position) of the
   neighbours in the previous layer, then the next one, sweeping a few times
   and keeping the order with the fewest wire crossings;
4. *positions*: each node pulled towards the mean height of its neighbours,
   keeping the order and a minimum gap.

Nothing here knows about drawing; :mod:`wengert.explain.render` turns the
result into a matplotlib figure.
"""
__all__ = ["layered_layout", "Layout", "crossings"]


class Layout:
    """The result of :func:`layered_layout`.

    ``layer[n]`` and ``y[n]`` for each node ``n`` (``y`` grows downwards, in
    units of one node height); ``routes[i]`` the ``(layer, y)`` dummy points
    of edge ``i`` between its ends (empty for a wire between adjacent layers);
    ``n_layers``; ``crossings`` the number of wire crossings of the order chosen.
    """

    def __init__(self, layer, y, routes, n_layers, n_crossings):
        self.layer, self.y, self.routes = layer, y, routes
        self.n_layers, self.crossings = n_layers, n_crossings


def layered_layout(nodes, edges, sweeps=6, gap=1.0, dummy_gap=0.45, sizes=None,
                   pull_sources=True):
    """Lay out the graph with ``nodes`` (ids, in topological order) and ``edges``
    (``(source, target)`` pairs, repeats allowed) in layers.

    Within a column, neighbouring nodes keep ``gap`` between their centres
    (``dummy_gap`` for the points of long wires); ``sizes`` maps a node to its
    own, larger, extent when it needs one.  With ``pull_sources`` a node
    without predecessors (an input) moves right to the layer just before its
    first use, which shortens the wires of inputs used late (a bias, a label).

    Example (the lecture notes' circuit f = (x + y) z):
        >>> nodes = ["x", "y", "z", "add", "mul", "out"]
        >>> edges = [("x", "add"), ("y", "add"), ("add", "mul"), ("z", "mul"), ("mul", "out")]
        >>> lay = layered_layout(nodes, edges)
        >>> [lay.layer[n] for n in nodes], lay.crossings  # z sits next to its first use
        ([0, 0, 1, 1, 2, 3], 0)
        >>> lay = layered_layout(nodes, edges, pull_sources=False)
        >>> lay.layer["z"], [lv for lv, y in lay.routes[3]]  # z -> mul passes layer 1
        (0, [1])
    """
    nodes = list(nodes)
    index = {n: i for i, n in enumerate(nodes)}
    for a, b in edges:
        if a not in index or b not in index:
            raise ValueError(f"layered_layout: edge ({a!r}, {b!r}) names an unknown node")
        if index[a] >= index[b]:
            raise ValueError(f"layered_layout: nodes must be in topological order; "
                             f"edge ({a!r}, {b!r}) points backwards")
    # 1. longest-path layers (one pass: the nodes are in topological order)
    layer = {n: 0 for n in nodes}
    for a, b in sorted(edges, key=lambda e: index[e[1]]):
        layer[b] = max(layer[b], layer[a] + 1)
    if pull_sources:
        first_use = {}
        has_pred = {b for _, b in edges}
        for a, b in edges:
            first_use[a] = min(first_use.get(a, layer[b]), layer[b])
        for n in nodes:
            if n not in has_pred and n in first_use:
                layer[n] = first_use[n] - 1
    n_layers = max(layer.values(), default=-1) + 1
    # 2. dummy points: a chain of ("d", edge, layer) items for every long edge
    items = [[] for _ in range(n_layers)]
    for n in nodes:
        items[layer[n]].append(n)
    links = []  # (upper item, lower item) between adjacent layers
    for i, (a, b) in enumerate(edges):
        prev = a
        for lv in range(layer[a] + 1, layer[b]):
            d = ("d", i, lv)
            items[lv].append(d)
            links.append((prev, d))
            prev = d
        links.append((prev, b))
    preds = {it: [] for row in items for it in row}
    succs = {it: [] for row in items for it in row}
    for u, v in links:
        preds[v].append(u)
        succs[u].append(v)
    # 3. barycenter ordering, keeping the best order seen
    pos = {it: j for row in items for j, it in enumerate(row)}

    def reorder(row, neigh):
        def key(it):
            ns = neigh[it]
            return sum(pos[n] for n in ns) / len(ns) if ns else pos[it]
        row.sort(key=key)
        for j, it in enumerate(row):
            pos[it] = j

    best = [list(r) for r in items]
    best_x = _count(items, succs, pos)
    for s in range(sweeps):
        if best_x == 0:
            break
        layers = range(1, n_layers) if s % 2 == 0 else range(n_layers - 2, -1, -1)
        for lv in layers:
            reorder(items[lv], preds if s % 2 == 0 else succs)
        x = _count(items, succs, pos)
        if x < best_x:
            best, best_x = [list(r) for r in items], x
    items = best
    pos = {it: j for row in items for j, it in enumerate(row)}
    # 4. heights: start stacked, then pull towards the neighbours' mean
    sizes = sizes or {}
    size = {it: dummy_gap if isinstance(it, tuple) and it and it[0] == "d"
            else sizes.get(it, gap) for row in items for it in row}
    y = {}
    for row in items:
        _stack(row, [0.0] * len(row), size, y)
    for _ in range(8):
        for lv in list(range(n_layers)) + list(range(n_layers - 2, -1, -1)):
            row = items[lv]
            want = []
            for it in row:
                ns = preds[it] + succs[it]
                # a gate follows the other gates, not its side inputs (weights, biases)
                inner = [n for n in ns if preds[n]]
                ns = inner if inner and preds[it] else ns
                want.append(sum(y[n] for n in ns) / len(ns) if ns else y[it])
            _stack(row, want, size, y, [1.0 if preds[it] else 0.05 for it in row])
    top = min(y.values(), default=0.0)
    routes = []
    for i, (a, b) in enumerate(edges):
        routes.append([(lv, y[("d", i, lv)] - top) for lv in range(layer[a] + 1, layer[b])])
    return Layout(layer, {n: y[n] - top for n in nodes}, routes, n_layers, best_x)


def _stack(row, want, size, y, weight=None):
    """Heights for ``row`` (in order) as close to ``want`` as the gaps allow
    (the items with more ``weight`` closer)."""
    out = []
    for j, it in enumerate(row):
        h = want[j]
        if j:
            prev = row[j - 1]
            h = max(h, out[-1] + (size[prev] + size[it]) / 2)
        out.append(h)
    if out:
        weight = weight or [1.0] * len(out)
        shift = sum(c * (o - w) for o, w, c in zip(out, want, weight)) / sum(weight)
        for it, h in zip(row, out):
            y[it] = h - shift


def _count(items, succs, pos):
    total = 0
    for row in items:
        pairs = sorted((pos[u], pos[v]) for u in row for v in succs[u])
        total += crossings(pairs)
    return total


def crossings(pairs):
    """The number of crossing wires between two layers, each wire a pair
    ``(upper position, lower position)``.

    Example:
        >>> crossings([(0, 1), (1, 0)]), crossings([(0, 0), (1, 1), (0, 1)])
        (1, 0)
    """
    pairs = sorted(pairs)
    n = 0
    for i, (a, b) in enumerate(pairs):
        for c, d in pairs[i + 1:]:
            if c > a and d < b:
                n += 1
    return n
