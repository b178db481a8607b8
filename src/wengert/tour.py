"""``wengert tour``: the worked examples of the lecture notes in ``shared/seeds``,
computed by wengert (nothing here is a hard-coded result).

Each example is a *circuit*: named input wires and a list of gates
``(wire, label, fn)`` where ``fn`` reads the wires computed so far.  One
evaluation gives the forward values; a :class:`wengert.Tape` over the same
gates gives the backward gradient (adjoint) of the output on every wire; a
forward-mode :func:`wengert.jvp` over the same gates gives the tangents.

Example:
    >>> from wengert import tour
    >>> text = tour.report()
    >>> "3.0118" in text and "-13.7240" in text
    True
"""
import math

import numpy as _np

import wengert
import wengert.numpy as np
from wengert.extend import defjvp, defvjp, primitive

__all__ = ["report"]


# -- circuits -------------------------------------------------------------------------
def _evaluate(inputs, gates):
    """All wire values, in order: the inputs, then each gate's output."""
    wires = dict(inputs)
    for name, _, fn in gates:
        wires[name] = fn(wires)
    return wires


def _values(inputs, gates):
    return {k: float(v) for k, v in _evaluate(inputs, gates).items()}


def _adjoints(inputs, gates):
    """d(output)/d(wire) for every wire, the output being the last gate: one
    reverse pass over a tape that recorded every wire."""
    with wengert.Tape() as tape:
        wires = _evaluate({k: tape.watch(float(v)) for k, v in inputs.items()}, gates)
    names = list(wires)
    grads = tape.gradient(wires[names[-1]], [wires[n] for n in names])
    return {n: float(g) for n, g in zip(names, grads)}


def _tangents(inputs, gates, direction):
    """d(wire)/d(direction) for every wire: one forward pass with dual numbers."""
    keys = list(inputs)

    def all_wires(*xs):
        return tuple(_evaluate(dict(zip(keys, xs)), gates).values())

    names = list(_evaluate(inputs, gates))
    _, tans = wengert.jvp(all_wires, [float(inputs[k]) for k in keys],
                          [float(direction.get(k, 0.0)) for k in keys])
    return {n: float(t) for n, t in zip(names, tans)}


def _labels(inputs, gates):
    return {**{k: "input" for k in inputs}, **{name: label for name, label, _ in gates}}


def _wire_table(inputs, gates, fmt):
    vals, adj, labels = _values(inputs, gates), _adjoints(inputs, gates), _labels(inputs, gates)
    lines = [f"  {'wire':<6}{'gate':<14}{'value':>9}{'gradient':>10}"]
    lines += [f"  {n:<6}{labels[n]:<14}{vals[n]:>9{fmt}}{adj[n]:>10{fmt}}" for n in vals]
    return lines


# -- the examples ---------------------------------------------------------------------
GRIEWANK_INPUTS = {"v_a": 1.5, "v_b": 0.5}
GRIEWANK = [
    ("v_1", "v_a / v_b", lambda v: v["v_a"] / v["v_b"]),
    ("v_2", "sin(v_1)", lambda v: np.sin(v["v_1"])),
    ("v_3", "exp(v_b)", lambda v: np.exp(v["v_b"])),
    ("v_4", "v_1 - v_3", lambda v: v["v_1"] - v["v_3"]),
    ("v_5", "v_2 + v_4", lambda v: v["v_2"] + v["v_4"]),
    ("v_6", "v_5 * v_4", lambda v: v["v_5"] * v["v_4"]),
]


def griewank(x1, x2):
    """Griewank and Walther's y = [sin(x1/x2) + x1/x2 - exp(x2)] * [x1/x2 - exp(x2)]."""
    return (np.sin(x1 / x2) + x1 / x2 - np.exp(x2)) * (x1 / x2 - np.exp(x2))


def griewank_grad_by_hand(x1, x2):
    """The symbolic gradient of :func:`griewank`, derived on paper: the reference
    against which finite differences and AD are both measured."""
    u, e = x1 / x2, math.exp(x2)
    a, b = math.sin(u) + u - e, u - e
    du1, du2 = 1 / x2, -x1 / x2 ** 2
    da1, db1 = (math.cos(u) + 1) * du1, du1
    da2, db2 = (math.cos(u) + 1) * du2 - e, du2 - e
    return da1 * b + a * db1, da2 * b + a * db2


DIAMOND_INPUTS = {"x": 3.0, "y": 2.0, "z": 1.0}
DIAMOND = [
    ("h1", "x * y", lambda v: v["x"] * v["y"]),
    ("h2", "y * z", lambda v: v["y"] * v["z"]),
    ("h", "h1 * h2", lambda v: v["h1"] * v["h2"]),
    ("o", "h ** 2", lambda v: v["h"] ** 2),
]

ADD_MUL_INPUTS = {"x": -2.0, "y": 5.0, "z": -4.0}
ADD_MUL = [
    ("q", "x + y", lambda v: v["x"] + v["y"]),
    ("f", "q * z", lambda v: v["q"] * v["z"]),
]

NEURON_INPUTS = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}
NEURON = [
    ("a", "w0 * x0", lambda v: v["w0"] * v["x0"]),
    ("b", "w1 * x1", lambda v: v["w1"] * v["x1"]),
    ("c", "a + b", lambda v: v["a"] + v["b"]),
    ("dot", "c + w2", lambda v: v["c"] + v["w2"]),
    ("d", "dot * -1", lambda v: v["dot"] * -1.0),
    ("e", "exp(d)", lambda v: np.exp(v["d"])),
    ("g", "e + 1", lambda v: v["e"] + 1.0),
    ("f", "1 / g", lambda v: 1.0 / v["g"]),
]


@primitive
def sigmoid(z):
    """The sigmoid as one gate, with its algebraically nice derivative f(1 - f)."""
    return 1.0 / (1.0 + _np.exp(-z))


defvjp(sigmoid, lambda ans, z: lambda g: g * ans * (1.0 - ans))
defjvp(sigmoid, lambda g, ans, z: g * ans * (1.0 - ans))


def neuron(w, x):
    """The 2-D neuron sigma(w0*x0 + w1*x1 + w2) with the sigmoid as one gate."""
    return sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])


# -- the sections ---------------------------------------------------------------------
def _griewank_section():
    vals = _values(GRIEWANK_INPUTS, GRIEWANK)
    tans = _tangents(GRIEWANK_INPUTS, GRIEWANK, {"v_a": 1.0})
    adj = _adjoints(GRIEWANK_INPUTS, GRIEWANK)
    labels = {"v_a": "x1", "v_b": "x2", **{n: lab for n, lab, _ in GRIEWANK}}
    lines = ["[000] Griewank's trace: y = (sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))",
             "  at (x1, x2) = (1.5, 0.5); tangents for direction x1, adjoints of y",
             f"  {'var':<5}{'operation':<12}{'value':>9}{'tangent(x1)':>13}{'adjoint':>10}"]
    lines += [f"  {n:<5}{labels[n]:<12}{vals[n]:>9.4f}{tans[n]:>13.4f}{adj[n]:>10.4f}"
              for n in vals]
    y, dy = wengert.make_jvp(griewank)(1.5, 0.5)(1.0)
    g1, g2 = wengert.grad(griewank, (0, 1))(1.5, 0.5)
    lines.append(f"  forward: (y, dy/dx1) = ({y:.6f}, {dy:.6f});"
                 f"  reverse: grad y = ({g1:.6f}, {g2:.6f})")
    # The notes print y = 2.0167: they multiply the already rounded v_5 and v_4.
    r5, r4 = round(vals["v_5"], 4), round(vals["v_4"], 4)
    lines.append(f"  (the notes' y multiplies rounded factors: {r5:.4f} * {r4:.4f} = {r5 * r4:.4f})")
    return lines


def _diamond_section():
    vals, adj = _values(DIAMOND_INPUTS, DIAMOND), _adjoints(DIAMOND_INPUTS, DIAMOND)
    with wengert.Tape() as tape:
        x = tape.watch(3.0)
        y = x * x
        z = y * y
    dz, dy = tape.gradient(z, x), tape.gradient(y, x)
    return ["[001] the diamond: x=3, y=2, z=1; h1 = x*y, h2 = y*z, h = h1*h2, o = h**2",
            "  value:    " + "  ".join(f"{n}={v:g}" for n, v in vals.items()),
            "  gradient: " + "  ".join(f"{n}={g:g}" for n, g in adj.items()),
            f"  GradientTape, x=3, y=x*x, z=y*y (one tape, two targets):"
            f" dz/dx = {dz:g}, dy/dx = {dy:g}"]


def _circuit_section():
    lines = ["[002/003] circuit f = (x + y) * z at (-2, 5, -4): forward values,"
             " backward gradients"]
    lines += _wire_table(ADD_MUL_INPUTS, ADD_MUL, ".2f")
    return lines


def _neuron_section():
    lines = ["[003] 2-D sigmoid neuron, w = [2, -3, -3], x = [-1, -2], gate by gate"]
    lines += _wire_table(NEURON_INPUTS, NEURON, ".2f")
    w, x = _np.array([2.0, -3.0, -3.0]), _np.array([-1.0, -2.0])
    out = neuron(w, x)
    dw, dx = wengert.grad(neuron, (0, 1))(w, x)
    dz = wengert.grad(sigmoid)(float(w[0] * x[0] + w[1] * x[1] + w[2]))
    fmt = ", ".join
    lines.append(f"  as one sigmoid gate with the rule f(1 - f): f = {out:.2f},"
                 f" local gradient {dz:.2f},")
    lines.append(f"    dw = [{fmt(f'{v:.2f}' for v in dw)}], dx = [{fmt(f'{v:.2f}' for v in dx)}]")
    return lines


def _fd_section():
    h = 1e-5
    y0, z0 = 5.0, -4.0

    def f(x):
        return (x + y0) * z0

    fd = (f(-2.0 + h) - f(-2.0 - h)) / (2 * h)
    ad = wengert.grad(f)(-2.0)
    exact = z0  # symbolic: d/dx (x + y0) z0 = z0
    x1, x2 = 1.5, 0.5
    g_exact = griewank_grad_by_hand(x1, x2)
    g_ad = wengert.grad(griewank, (0, 1))(x1, x2)
    g_fd = ((griewank(x1 + h, x2) - griewank(x1 - h, x2)) / (2 * h),
            (griewank(x1, x2 + h) - griewank(x1, x2 - h)) / (2 * h))
    rows = [("d/dx (x+y)z", exact, fd, ad),
            ("d/dx1 Griewank", g_exact[0], g_fd[0], g_ad[0]),
            ("d/dx2 Griewank", g_exact[1], g_fd[1], g_ad[1])]
    lines = ["[002] finite differences (centered, h = 1e-5) vs AD at the points above;"
             " error = |. - exact|",
             f"  {'derivative':<16}{'exact':>9}{'finite diff':>17}{'error':>9}"
             f"{'AD':>17}{'error':>9}"]
    lines += [f"  {name:<16}{e:>9.4f}{d:>17.10f}{abs(d - e):>9.1e}{a:>17.10f}{abs(a - e):>9.1e}"
              for name, e, d, a in rows]
    lines.append(f"  the seed's assert numerical_df(-2) == symbolic_df(-2): {fd == exact}"
                 f"  (AD: {ad == exact})")
    # Truncation error shrinks like h**2 until round-off (about eps/h) takes over.
    steps = [10.0 ** -k for k in (1, 3, 5, 7, 9, 11)]
    errs = [abs((griewank(x1 + s, x2) - griewank(x1 - s, x2)) / (2 * s) - g_exact[0])
            for s in steps]
    lines.append("  d/dx1 Griewank by finite differences, error against the step h:")
    lines.append("    h     " + "".join(f"{s:>9.0e}" for s in steps))
    lines.append("    error " + "".join(f"{e:>9.0e}" for e in errs))
    return lines


def report(quick=False):
    """The tour's text: every section, computed now.  ``quick`` is accepted for
    the command line and currently changes nothing (the tour is already fast).

    Example:
        >>> "-12" in report()
        True
    """
    sections = [_griewank_section(), _diamond_section(), _circuit_section(),
                _neuron_section(), _fd_section()]
    lines = ["wengert tour: the seeds' worked examples (shared/seeds/*.txt),"
             f" computed by wengert {wengert.__version__}"]
    for s in sections:
        lines += [""] + s
    return "\n".join(lines)
