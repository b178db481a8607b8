"""``wengert tour``: what wengert does, shown on the worked examples of the lecture notes it
is built from and on small learning problems, with a report folder of plots.

The tour, in sections (every number computed now, every step seeded, so the
output repeats exactly):

1. the lecture notes' worked examples: Griewank's execution trace in forward and
   reverse mode (``wengert.explain.trace``), the diamond tape, circuits;
2. adaptive basis-function regression (Adams, eqs. 4-16): fixed RBF bases
   (only ``w, b`` learned) against learned centers and scales (``theta`` too,
   with its own learning rate), train and held-out errors;
3. an MLP trained on the spirals to >= 97% training accuracy;
4. finite differences against the analytic gradient for many step sizes
   (truncation against round-off), and AD's exact gradient;
5. the report: PNG plots (with the ``plot`` extra), the circuit diagram and an
   ``index.html`` tying them together.

:func:`run` does all of it; :func:`report` returns the text of section 1.
Each example circuit is named input wires and a list of gates
``(wire, label, fn)`` where ``fn`` reads the wires computed so far; a
:class:`wengert.Tape` over the gates gives the gradient on every wire.

Example:
    >>> from wengert import tour
    >>> text = tour.report()
    >>> "3.0118" in text and "-13.7240" in text
    True
"""
import html
import math
import os
import sys

import numpy as _np

import wengert
import wengert.numpy as np

__all__ = ["run", "report"]


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


def _labels(inputs, gates):
    return {**{k: "input" for k in inputs}, **{name: label for name, label, _ in gates}}


def _wire_table(inputs, gates, fmt):
    vals, adj, labels = _values(inputs, gates), _adjoints(inputs, gates), _labels(inputs, gates)
    lines = [f"  {'wire':<6}{'gate':<14}{'value':>9}{'gradient':>10}"]
    lines += [f"  {n:<6}{labels[n]:<14}{vals[n]:>9{fmt}}{adj[n]:>10{fmt}}" for n in vals]
    return lines


# -- the examples ---------------------------------------------------------------------
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


from wengert._gates import sigmoid  # noqa: E402  (a gate made with wengert.extend)


def neuron(w, x):
    """The 2-D neuron sigma(w0*x0 + w1*x1 + w2) with the sigmoid as one gate."""
    return sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])


def griewank_steps(v_a, v_b):
    """:func:`griewank` written step by step as in the notes (eqs. 18-35), so
    that ``explain.trace`` numbers its rows v_1 ... v_6 like the notes do."""
    v_1 = v_a / v_b
    v_2 = np.sin(v_1)
    v_3 = np.exp(v_b)
    v_4 = v_1 - v_3
    v_5 = v_2 + v_4
    return v_5 * v_4


# -- 1. the lecture notes' worked examples -------------------------------------------
def _griewank_section():
    from wengert import explain
    table = str(explain.trace(griewank_steps, 1.5, 0.5)).splitlines()[1:]
    lines = ["[Adams] Griewank's trace: y = (sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))",
             "  at (v_a, v_b) = (x1, x2) = (1.5, 0.5), by wengert.explain.trace:",
             "  tangents dv/dx1 (forward mode) and adjoints dy/dv (reverse mode)"]
    lines += ["  " + row for row in table]
    y, dy = wengert.make_jvp(griewank)(1.5, 0.5)(1.0)
    g1, g2 = wengert.grad(griewank, (0, 1))(1.5, 0.5)
    lines.append(f"  forward: (y, dy/dx1) = ({y:.6f}, {dy:.6f});"
                 f"  reverse: grad y = ({g1:.6f}, {g2:.6f})")
    # The notes print y = 2.0167: they multiply the already rounded v_5 and v_4.
    v5 = float(np.sin(3.0) + 3.0 - np.exp(0.5))
    v4 = float(3.0 - np.exp(0.5))
    r5, r4 = round(v5, 4), round(v4, 4)
    lines.append(f"  (the notes' y multiplies rounded factors: {r5:.4f} * {r4:.4f} = {r5 * r4:.4f})")
    return lines


def _diamond_section():
    vals, adj = _values(DIAMOND_INPUTS, DIAMOND), _adjoints(DIAMOND_INPUTS, DIAMOND)
    with wengert.Tape() as tape:
        x = tape.watch(3.0)
        y = x * x
        z = y * y
    dz, dy = tape.gradient(z, x), tape.gradient(y, x)
    return ["[tape] the diamond: x=3, y=2, z=1; h1 = x*y, h2 = y*z, h = h1*h2, o = h**2",
            "  value:    " + "  ".join(f"{n}={v:g}" for n, v in vals.items()),
            "  gradient: " + "  ".join(f"{n}={g:g}" for n, g in adj.items()),
            f"  GradientTape, x=3, y=x*x, z=y*y (one tape, two targets):"
            f" dz/dx = {dz:g}, dy/dx = {dy:g}"]


def _circuit_section():
    lines = ["[CS 4740, CS231n] circuit f = (x + y) * z at (-2, 5, -4): forward values,"
             " backward gradients"]
    lines += _wire_table(ADD_MUL_INPUTS, ADD_MUL, ".2f")
    return lines


def _neuron_section():
    lines = ["[CS231n] 2-D sigmoid neuron, w = [2, -3, -3], x = [-1, -2], gate by gate"]
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


def report(quick=False):
    """The text of the tour's first section: the lecture notes' worked examples,
    computed now (fast; ``quick`` changes nothing here).  :func:`run` prints
    it and the rest of the tour.

    Example:
        >>> "-12" in report()
        True
    """
    sections = [_griewank_section(), _diamond_section(), _circuit_section(),
                _neuron_section()]
    lines = ["1. The lecture notes' worked examples, computed by wengert",
             "   [Adams] R. P. Adams, \"Computing Gradients with Backpropagation\"",
             "   [tape] a blog post on reverse-mode AD with a small NumPy tape",
             "   [CS 4740] Cornell CS 4740, lecture 13, \"Gradient-based optimization and "
             "automatic differentiation\"",
             "   [CS231n] Stanford CS231n, notes on backpropagation"]
    for s in sections:
        lines += [""] + s
    return "\n".join(lines)


# -- 2. adaptive basis-function regression --------------------------------------------
def wiggle(x):
    """The tour's regression curve: a decaying wave with one narrow bump at
    x = 1, which evenly spaced fixed bases cannot follow."""
    return _np.sin(2 * x) * _np.exp(-x ** 2 / 4) + 0.8 * _np.exp(-(x - 1.0) ** 2 / 0.05)


N_POINTS, N_HELD = 200, 80


def _settings(quick):
    if quick:
        return {"basis_epochs": 300, "theta_lr": 0.05, "spiral_n": 60, "spiral_epochs": 300,
                "spiral_lr": 0.03}
    # Sizes stay below OpenBLAS's multithreading threshold (m*n*k < 2**18 per matmul):
    # on a busy machine its threads wait on each other and training gets 10x slower.
    return {"basis_epochs": 1500, "theta_lr": 0.02, "spiral_n": 120, "spiral_epochs": 1000,
            "spiral_lr": 0.01}


def _basis_regression(settings):
    from wengert import datasets, nn, optim
    from wengert.training import Evaluate, fit

    x, y = datasets.curve(N_POINTS, kind=wiggle, noise=0.1, low=-3.0, high=3.0, rng=0)
    held = _np.zeros(len(x), bool)
    held[_np.random.default_rng(1).permutation(len(x))[:N_HELD]] = True
    xtr, ytr, xte, yte = x[~held], y[~held], x[held], y[held]
    k, lr_wb, epochs = 8, 0.05, settings["basis_epochs"]
    basis = nn.RBFBasis(k, low=-3.0, high=3.0)
    model = nn.BasisRegression(basis)
    params0 = model.init(_np.random.default_rng(0))

    def loss(p, x, y):
        return nn.mse(model.apply(p, x), y)

    labels = {"theta": "theta", "w": "wb", "b": "wb"}
    runs = {}
    for name, theta_opt in [("fixed", optim.set_to_zero()),
                            ("learned", optim.adam(settings["theta_lr"]))]:
        opt = optim.multi_transform({"wb": optim.adam(lr_wb), "theta": theta_opt}, labels)
        params, history = fit(loss, params0, (xtr, ytr), opt, epochs=epochs, progress=False,
                              callbacks=[Evaluate("held_out", lambda p: loss(p, xte, yte))])
        runs[name] = {"params": params, "history": history,
                      "train": float(loss(params, xtr, ytr)), "test": float(loss(params, xte, yte))}
    # The fixed model is linear in (w, b): least squares gives its best possible fit.
    design = lambda x: _np.column_stack([basis.apply(params0["theta"], x), _np.ones(len(x))])
    coef = _np.linalg.lstsq(design(xtr), ytr, rcond=None)[0]
    best = [float(_np.mean((design(a) @ coef - b) ** 2)) for a, b in ((xtr, ytr), (xte, yte))]

    fixed, learned = runs["fixed"], runs["learned"]
    theta = learned["params"]["theta"]
    narrow = int(_np.argmin(theta["scales"]))
    w = 40
    lines = ["2. Adaptive basis-function regression (Adams, eqs. 4-16)",
             "  data: y = sin(2x) exp(-x^2/4) + 0.8 exp(-(x-1)^2/0.05) + noise (sd 0.1),"
             " x in [-3, 3];",
             f"  {len(xtr)} points to train on, {len(xte)} held out",
             f"  model: f(x) = w . Phi_theta(x) + b, {k} RBF bases exp(-(x - c_k)^2 / s_k),"
             " mean squared error;",
             f"  {epochs} full-batch epochs of Adam, per-group learning rates"
             f" (optim.multi_transform): w, b: {lr_wb};",
             f"  theta = (c, s): {settings['theta_lr']} when learned,"
             " frozen (optim.set_to_zero) when fixed",
             f"  {'':<{w}}{'train MSE':>10}{'held-out MSE':>14}",
             f"  {'fixed bases (w, b learned)':<{w}}{fixed['train']:>10.4f}{fixed['test']:>14.4f}",
             f"  {'  (fixed: least squares, the best w, b)':<{w}}{best[0]:>10.4f}{best[1]:>14.4f}",
             f"  {'learned bases (w, b, theta learned)':<{w}}{learned['train']:>10.4f}"
             f"{learned['test']:>14.4f}",
             f"  {'  (the noise variance)':<{w}}{0.01:>10.4f}{0.01:>14.4f}",
             "  initial centers c: " + " ".join(f"{v:6.2f}" for v in params0["theta"]["centers"]),
             "  initial scales  s: " + " ".join(f"{v:6.3f}" for v in params0["theta"]["scales"]),
             "  learned centers c: " + " ".join(f"{v:6.2f}" for v in theta["centers"]),
             "  learned scales  s: " + " ".join(f"{v:6.3f}" for v in theta["scales"]),
             f"  learning theta divides the held-out error by {fixed['test'] / learned['test']:.1f};"
             f" the narrowest basis (s = {theta['scales'][narrow]:.3f})",
             f"  sits at c = {theta['centers'][narrow]:.2f}, on the curve's narrow bump at x = 1"]
    return lines, {"x": xtr, "y": ytr, "x_test": xte, "y_test": yte, "model": model,
                   "basis": basis, "fixed": fixed, "learned": learned, "best_fixed": best}


# -- 3. an MLP on the spirals ----------------------------------------------------------
def _spirals(settings):
    from wengert import datasets, nn, optim
    from wengert.training import Evaluate, fit

    n, epochs, lr, width = (settings["spiral_n"], settings["spiral_epochs"],
                            settings["spiral_lr"], 32)
    x, y = datasets.spirals(n, classes=2, rng=0)
    net = nn.MLP([2, width, width, 2])
    params0 = net.init(_np.random.default_rng(0))

    def loss(p, x, y):
        return nn.softmax_cross_entropy(net.apply(p, x), y)

    def accuracy(p):
        return float(_np.mean(_np.argmax(net.apply(p, x), axis=1) == y))

    params, history = fit(loss, params0, (x, y), optim.adam(lr), epochs=epochs,
                          progress=False, callbacks=[Evaluate("accuracy", accuracy)])
    acc = history["accuracy"]
    final = accuracy(params)
    reached = next((e + 1 for e, a in enumerate(acc) if a >= 0.97), None)
    lines = ["3. An MLP on the spirals (wengert.datasets.spirals)",
             f"  {len(x)} points, 2 interleaved arms of 1.5 turns; MLP 2-{width}-{width}-2 (tanh),",
             f"  softmax cross-entropy, Adam {lr}, {epochs} full-batch epochs"
             " (wengert.training.fit)",
             f"  {'epoch':>7}{'loss':>10}{'train accuracy':>16}"]
    marks = sorted({1, *range(epochs // 5, epochs + 1, epochs // 5)})
    lines += [f"  {e:>7}{history['loss'][e - 1]:>10.4f}{100 * acc[e - 1]:>15.1f}%" for e in marks]
    met = final >= 0.97
    lines.append(f"  training accuracy {100 * final:.1f}% (the claim: >= 97%: "
                 f"{'met' if met else 'NOT met'}"
                 + (f", first reached at epoch {reached})" if reached else ")"))
    return lines, {"x": x, "y": y, "net": net, "params": params, "history": history,
                   "accuracy": final, "reached": reached}


# -- 4. finite differences against exact derivatives -----------------------------------
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
    lines = ["4. Finite differences against exact derivatives",
             "",
             "[CS 4740] finite differences (centered, h = 1e-5) vs AD at the points above;"
             " error = |. - exact|",
             f"  {'derivative':<16}{'exact':>9}{'finite diff':>17}{'error':>9}"
             f"{'AD':>17}{'error':>9}"]
    lines += [f"  {name:<16}{e:>9.4f}{d:>17.10f}{abs(d - e):>9.1e}{a:>17.10f}{abs(a - e):>9.1e}"
              for name, e, d, a in rows]
    lines.append(f"  CS 4740's assert numerical_df(-2) == symbolic_df(-2): {fd == exact}"
                 f"  (AD: {ad == exact})")
    # Truncation error shrinks like h**2 until round-off (about eps/h) takes over.
    steps = [10.0 ** -k for k in range(1, 13)]
    errs = [abs((griewank(x1 + s, x2) - griewank(x1 - s, x2)) / (2 * s) - g_exact[0])
            for s in steps]
    ad_err = abs(float(g_ad[0]) - g_exact[0])
    best = int(_np.argmin(errs))
    lines += ["  d/dx1 Griewank at (1.5, 0.5) = 3.0118... (derived by hand): the error of",
              "  the centered difference (f(x1 + h) - f(x1 - h)) / 2h for each step h",
              "    h     " + "".join(f"{s:>8.0e}" for s in steps[:6]),
              "    error " + "".join(f"{e:>8.0e}" for e in errs[:6]),
              "    h     " + "".join(f"{s:>8.0e}" for s in steps[6:]),
              "    error " + "".join(f"{e:>8.0e}" for e in errs[6:]),
              "  large h: truncation, error ~ h^2 |f'''| / 6;"
              " small h: round-off, error ~ eps |f| / h (eps = 2.2e-16).",
              f"  The best step, h = {steps[best]:.0e}, still errs by {errs[best]:.0e};"
              f" AD's gradient errs by {ad_err:.2g} (exact to rounding)."]
    return lines, {"steps": steps, "errors": errs, "ad_error": ad_err}


# -- 5. the report ---------------------------------------------------------------------
_PLOT_EXTRA = 'pip install "wengert[plot]"'


def _plots(out, basis, spirals, fd):
    """Write the PNGs; returns ``{file name: caption}``.  Raises ImportError
    without matplotlib."""
    from wengert import plot
    plt = plot._pyplot("the tour")
    written = {}

    def save(fig, name, caption):
        fig.tight_layout()
        fig.savefig(os.path.join(out, name), dpi=100)
        plt.close(fig)
        written[name] = caption

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    for name, color in (("fixed", "tab:orange"), ("learned", "tab:blue")):
        h = basis[name]["history"]
        plot.loss_curve(h, ax=a1, label=f"{name} bases, train", color=color)
        plot.loss_curve(h, ax=a1, key="held_out", label=f"{name} bases, held out",
                        color=color, ls="--")
    a1.set_title("basis-function regression")
    a1.set_ylabel("mean squared error")
    plot.loss_curve(spirals["history"], ax=a2, label="spirals MLP, cross-entropy")
    a2.set_title("spirals: training loss")
    save(fig, "loss_curves.png", "Training curves: both basis-function models (train and "
         "held-out error) and the spiral MLP.")

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, name in zip(axes, ("fixed", "learned")):
        r = basis[name]
        plot.fit_1d(basis["model"].apply, r["params"], basis["x"], basis["y"],
                    basis=basis["basis"], ax=ax, x_test=basis["x_test"], y_test=basis["y_test"],
                    title=f"{name} bases: held-out MSE {r['test']:.4f}")
    save(fig, "basis_fit.png", "Adaptive basis-function regression: the fit and each basis "
         "function w_k phi_k(x), with fixed bases (left) and learned centers and scales (right).")

    ax = plot.decision_boundary(lambda p, pts: spirals["net"].apply(p, pts), spirals["params"],
                                spirals["x"], spirals["y"])
    save(ax.figure, "spirals_boundary.png", "The MLP's decision regions on the spirals.")

    ax = plot.fd_error(fd["steps"], fd["errors"], ad_error=fd["ad_error"],
                       title="d/dx1 Griewank: finite-difference error vs step h")
    save(ax.figure, "fd_error.png", "Centered finite differences: truncation error (large h) "
         "against round-off (small h); AD's gradient is exact to rounding.")
    return written


def _circuit(out):
    """circuit.dot always; circuit.svg when explain can render it.  Returns
    (files, note)."""
    from wengert import explain
    g = explain.graph(griewank_steps, 1.5, 0.5)
    g.save(os.path.join(out, "circuit.dot"))
    try:
        g.save(os.path.join(out, "circuit.svg"))
    except (ImportError, RuntimeError, OSError) as e:
        return ["circuit.dot"], f"circuit.svg skipped: {e}"
    return ["circuit.dot", "circuit.svg"], None


# Which figures go with which printed section of the report.
_FIGURES = {2: ["basis_fit.png", "loss_curves.png"], 3: ["spirals_boundary.png"],
            4: ["fd_error.png"]}


def _html(blocks, plots, circuit_files, notes):
    """index.html: each printed section (``blocks[1:]``; ``blocks[0]`` is the
    title line) followed by its figures."""
    esc = html.escape

    def figure(src, caption):
        return (f'<figure><img src="{esc(src)}" alt="{esc(caption)}">'
                f"<figcaption>{esc(caption)}</figcaption></figure>")

    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>wengert tour</title>",
             "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
             "pre{background:#f6f6f6;padding:1em;overflow-x:auto}img{max-width:100%}"
             "figure{margin:1.5em 0}figcaption{color:#555}</style></head><body>",
             "<h1>wengert tour</h1>",
             f"<p>{esc(blocks[0])}: a second run prints the same. wengert computes exact"
             " derivatives of ordinary NumPy code. The plain text is in"
             ' <a href="tour.txt">tour.txt</a>.</p>']
    for note in notes:
        parts.append(f"<p><strong>Note:</strong> {esc(note)}</p>")
    for number, block in enumerate(blocks[1:], start=1):
        title, _, body = block.strip("\n").partition("\n")
        parts.append(f"<h2>{esc(title)}</h2>")
        parts.append(f"<pre>{esc(body)}</pre>")
        if number == 1:
            if "circuit.svg" in circuit_files:
                parts.append(figure("circuit.svg", "The circuit of Griewank's function (Adams's"
                                    " notes): each wire carries its forward value and its"
                                    " backward gradient."))
            parts.append('<p>The circuit as Graphviz source: <a href="circuit.dot">circuit.dot'
                         "</a> (render with <code>dot -Tsvg circuit.dot</code>).</p>")
        for name in _FIGURES.get(number, []):
            if name in plots:
                parts.append(figure(name, plots[name]))
        if number in _FIGURES and not plots:
            parts.append(f"<p>(No plots: matplotlib is not installed; {esc(_PLOT_EXTRA)}.)</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def run(out="wengert-tour", quick=False, stream=None):
    """Run the whole tour: print each section to ``stream`` (default
    ``sys.stdout``) as it completes and write the report folder ``out``
    (created if needed): ``index.html``, ``tour.txt``, ``circuit.dot``
    (``circuit.svg`` when it can be rendered) and, with matplotlib (the
    ``plot`` extra), ``loss_curves.png``, ``basis_fit.png``,
    ``spirals_boundary.png`` and ``fd_error.png``.  ``quick`` trains with
    fewer epochs and points (for CI).

    Returns a dict of the numbers shown (``"basis"``: train and held-out
    errors, fixed and learned; ``"spirals_accuracy"``; ``"fd"``), ``"files"``
    (the names written) and ``"text"`` (everything printed).

    Example (a couple of seconds, so not run with the doctests; tests/test_tour.py
    runs it):
        >>> import io, os, tempfile
        >>> out = tempfile.mkdtemp()
        >>> result = run(out, quick=True, stream=io.StringIO())   # doctest: +SKIP
        >>> result["basis"]["learned"][1] < result["basis"]["fixed"][1]   # doctest: +SKIP
        True
        >>> "index.html" in os.listdir(out)   # doctest: +SKIP
        True

    Raises ``OSError`` (naming the folder) when ``out`` cannot be created.
    """
    stream = sys.stdout if stream is None else stream
    out = os.fspath(out)
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        raise OSError(e.errno, f"wengert tour: cannot create the report folder {out!r} "
                      f"({e.strerror}); choose another with --out DIR") from None
    settings = _settings(quick)
    printed = []

    def emit(lines):
        block = "\n".join(lines if isinstance(lines, list) else [lines])
        printed.append(block)
        print(block, file=stream, flush=True)

    emit(f"wengert tour ({'quick' if quick else 'full'}): wengert {wengert.__version__},"
         " every number computed now, every step seeded")
    emit([""] + report().splitlines())
    basis_lines, basis = _basis_regression(settings)
    emit([""] + basis_lines)
    spiral_lines, spirals = _spirals(settings)
    emit([""] + spiral_lines)
    fd_lines, fd = _fd_section()
    emit([""] + fd_lines)

    notes = []
    try:
        plots = _plots(out, basis, spirals, fd)
    except ImportError:
        plots = {}
        notes.append(f"plots skipped: matplotlib is not installed; for plots: {_PLOT_EXTRA}")
    circuit_files, circuit_note = _circuit(out)
    if circuit_note:
        notes.append(circuit_note)
    files = list(plots) + circuit_files + ["tour.txt", "index.html"]
    emit(["", f"5. The report: open {os.path.join(out, 'index.html')}",
          "  files: " + ", ".join(files[:4]), "         " + ", ".join(files[4:])]
         + [f"  {n}" for n in notes])
    text = "\n".join(printed) + "\n"
    with open(os.path.join(out, "tour.txt"), "w", encoding="utf-8") as fh:
        fh.write(text)
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as fh:
        fh.write(_html(printed, plots, circuit_files, notes))
    b = {k: (basis[k]["train"], basis[k]["test"]) for k in ("fixed", "learned")}
    return {"basis": b, "best_fixed": tuple(basis["best_fixed"]),
            "spirals_accuracy": spirals["accuracy"], "spirals_reached": spirals["reached"],
            "fd": fd, "files": files, "notes": notes, "text": text}
