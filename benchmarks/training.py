"""W9: whole training runs, ``wengert.training.fit`` against hand-written NumPy and peers.

Two runs, each timed from the initial parameters to the trained ones (a fresh
optimizer state every time), every implementation on the same data in the same
batch order, float64:

* the tour's spirals MLP: 2-32-32-2 (tanh), softmax cross-entropy, Adam 0.01,
  1,000 full-batch epochs on 240 points;
* an MLP 784-256-10 (tanh) on 60,000 synthetic examples (inputs standard normal,
  labels from a random linear teacher), one epoch of minibatches of 128, Adam 1e-3.

The floor is hand-written NumPy: the forward pass, backprop and Adam written out.
PyTorch runs eagerly with ``torch.optim.Adam``; JAX runs a jitted step with
optax's Adam (``optax``, in the ``bench`` extra).  Every implementation's trained
parameters are first checked against the floor's.

The table times repeated runs after a warm-up run: JAX's step is jitted once and
wengert's compiled programs are traced once (``fit`` keeps them for the same loss),
so neither compiling nor tracing is in it; a line below the table gives the first
run of each, with its compiling or tracing, as a user's first training run goes.
"""
import numpy as np

import wengert.nn as nn
import wengert.optim as optim
from wengert import datasets
from wengert.training import fit

from .harness import Workload
from .workloads import FULL, QUICK, _jax, _torch

B1, B2, EPS = 0.9, 0.999, 1e-8


def _problem(kind, size):
    """``(name, title, x, y, sizes, lr, epochs, batch)``."""
    if kind == "spirals":
        n, epochs = {FULL: (120, 1000), QUICK: (120, 100)}.get(size, (10, 3))
        x, y = datasets.spirals(n, classes=2, rng=0)
        return ("W9 spirals", f"the tour's spirals MLP 2-32-32-2, {len(x)} points, {epochs} "
                f"full-batch epochs of Adam: one training run, ms", x, y, [2, 32, 32, 2],
                0.01, epochs, None)
    n, sizes = {FULL: (60000, [784, 256, 10]), QUICK: (6000, [784, 256, 10])}.get(
        size, (300, [20, 16, 10]))
    rng = np.random.default_rng(5)
    x = rng.standard_normal((n, sizes[0]))
    y = np.argmax(x @ rng.standard_normal((sizes[0], sizes[-1])), axis=1)
    return ("W9 MLP", f"MLP {'-'.join(map(str, sizes))} on {n:,} examples, one epoch, batch "
            "128, Adam 1e-3: one training run, ms", x, y, sizes, 1e-3, 1, 128)


def _batches(n, batch):
    if batch is None:
        return [slice(0, n)]
    return [slice(i, min(i + batch, n)) for i in range(0, n, batch)]


def _floor(params0, x, y, lr, epochs, batch):
    """Training by hand: forward pass keeping activations, backprop, Adam."""
    Ws = [p["w"].copy() for p in params0]
    bs = [p["b"].copy() for p in params0]
    ms = [np.zeros_like(a) for a in Ws + bs]
    vs = [np.zeros_like(a) for a in Ws + bs]
    k = len(Ws)
    t = 0
    for _ in range(epochs):
        for sl in _batches(len(x), batch):
            xb, yb = x[sl], y[sl]
            hs = [xb]
            for W, b in zip(Ws[:-1], bs[:-1]):
                hs.append(np.tanh(hs[-1] @ W + b))
            z = hs[-1] @ Ws[-1] + bs[-1]
            e = np.exp(z - z.max(axis=1, keepdims=True))
            e /= e.sum(axis=1, keepdims=True)
            e[np.arange(len(yb)), yb] -= 1.0
            e *= 1.0 / len(yb)
            dz = e
            grads = [None] * (2 * k)
            for i in range(k - 1, -1, -1):
                h = hs[i]
                grads[i], grads[k + i] = h.T @ dz, dz.sum(axis=0)
                if i:
                    dh = dz @ Ws[i].T
                    dh *= 1 - h * h
                    dz = dh
            t += 1
            c1, c2 = 1 - B1 ** t, 1 - B2 ** t
            for j, (p, g) in enumerate(zip(Ws + bs, grads)):
                m, v = ms[j], vs[j]
                m *= B1
                m += (1 - B1) * g
                v *= B2
                v += (1 - B2) * (g * g)
                p -= lr * ((m / c1) / (np.sqrt(v / c2) + EPS))
    return [(W, b) for W, b in zip(Ws, bs)]


def _as_pairs(params):
    return [(p["w"], p["b"]) for p in params]


def workload(kind, size, peers):
    name, title, x, y, sizes, lr, epochs, batch = _problem(kind, size)
    net = nn.MLP(sizes)
    params0 = net.init(np.random.default_rng(0))

    def loss(p, xb, yb):
        return nn.softmax_cross_entropy(net.apply(p, xb), yb)

    opt = optim.adam(lr)    # made once, as optax's below (each run starts a fresh state)

    def wengert_fit(compiled, loss=loss):
        def run():
            params, _ = fit(loss, params0, (x, y), opt, epochs=epochs,
                            batch_size=batch, progress=False, compile=compiled)
            return _as_pairs(params)
        return run

    def wengert_cold():     # a loss fit has not seen: its programs are traced in the run
        return wengert_fit(True, lambda p, xb, yb: loss(p, xb, yb))()
    cold = {"wengert fit (compiled steps)": wengert_cold}

    impls = {"numpy (hand-written)": lambda: _floor(params0, x, y, lr, epochs, batch),
             "wengert fit (compiled steps)": wengert_fit(True),
             "wengert fit, compile=False": wengert_fit(False)}
    slices = _batches(len(x), batch)
    if "torch" in peers:
        torch = _torch()
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        tbatches = [(tx[sl], ty[sl]) for sl in slices]

        def torch_run():
            ps = [(torch.tensor(p["w"], requires_grad=True),
                   torch.tensor(p["b"], requires_grad=True)) for p in params0]
            leaves = [t for wb in ps for t in wb]
            opt = torch.optim.Adam(leaves, lr=lr, betas=(B1, B2), eps=EPS)
            for _ in range(epochs):
                for xb, yb in tbatches:
                    h = xb
                    for W, b in ps[:-1]:
                        h = torch.tanh(h @ W + b)
                    z = h @ ps[-1][0] + ps[-1][1]
                    loss_value = torch.nn.functional.cross_entropy(z, yb)
                    opt.zero_grad()
                    loss_value.backward()
                    opt.step()
            return [(W.detach().numpy(), b.detach().numpy()) for W, b in ps]
        impls["torch eager + torch.optim"] = torch_run
    if "jax" in peers:
        try:
            import optax
        except ImportError:
            optax = None
        if optax is not None:
            jax = _jax()
            jnp = jax.numpy
            jbatches = [(jnp.asarray(x[sl]), jnp.asarray(y[sl])) for sl in slices]
            jparams0 = [(jnp.asarray(p["w"]), jnp.asarray(p["b"])) for p in params0]
            jopt = optax.adam(lr, b1=B1, b2=B2, eps=EPS)

            def jloss(ps, xb, yb):
                h = xb
                for W, b in ps[:-1]:
                    h = jnp.tanh(h @ W + b)
                z = h @ ps[-1][0] + ps[-1][1]
                return optax.softmax_cross_entropy_with_integer_labels(z, yb).mean()

            def jax_step():
                def step(ps, state, xb, yb):
                    g = jax.grad(jloss)(ps, xb, yb)
                    updates, state = jopt.update(g, state, ps)
                    return optax.apply_updates(ps, updates), state
                return jax.jit(step)

            def jax_run(jstep):
                ps, state = jparams0, jopt.init(jparams0)
                for _ in range(epochs):
                    for xb, yb in jbatches:
                        ps, state = jstep(ps, state, xb, yb)
                ps = jax.block_until_ready(ps)
                return [(np.asarray(W), np.asarray(b)) for W, b in ps]
            jstep = jax_step()
            impls["jax jit + optax"] = lambda: jax_run(jstep)
            cold["jax jit + optax"] = lambda: jax_run(jax_step())   # compiled in the run
    return Workload(name, title, impls, "numpy (hand-written)", rtol=1e-6,
                    summarize=lambda samples: _cold_runs(cold))


def _cold_runs(cold, rounds=3):
    """A line: the first run of each of ``cold`` (median of ``rounds``), tracing or
    compiling its programs included, which the table leaves out (it times repeated
    runs after a warm-up, as a training script's later runs go)."""
    import statistics
    import time
    times = {}
    for name, run in cold.items():
        ts = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            run()
            ts.append(time.perf_counter() - t0)
        times[name] = statistics.median(ts)
    return ["first run, tracing or compiling included (median of "
            f"{rounds}): " + "; ".join(f"{n} {1e3 * t:.4g} ms" for n, t in times.items())]


def w9(size, peers):
    return [workload("spirals", size, peers), workload("mlp", size, peers)]
