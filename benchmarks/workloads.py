"""Workloads W1-W5 and W8: derivatives timed against hand-written NumPy backprop.

Each ``wN(size, peers)`` returns one or more :class:`Workload`; ``size`` is
"tiny" (the test suite's correctness check), "quick" (a smoke run) or "full"
(the sizes issue 4 names); ``peers`` lists the peer libraries to include.
Peer code imports its library only when called.
"""
import math
import os
import statistics

import numpy as np

import wengert
import wengert.numpy as wnp

from .harness import Workload

FULL, QUICK, TINY = "full", "quick", "tiny"


def _torch():
    import torch
    return torch


def _jax():
    os.environ.setdefault("JAX_PLATFORMS", "cpu")    # CPU, even where a GPU is present
    import jax
    jax.config.update("jax_enable_x64", True)       # float64 like the floor
    return jax


def _block(fn):
    """Wrap a JAX function so that timing waits for its (asynchronous) result."""
    import jax
    block = jax.block_until_ready

    def run():
        return block(fn())
    return run


# -- W1: a chain of scalar operations on Python floats --------------------------------------
def chain(x, sin, exp, n_blocks):
    """sin, *, +, exp, / repeated: five operations per block, every block using ``x``."""
    y = x
    for _ in range(n_blocks):
        y = exp(sin(y) * x + 0.5) / 2.0
    return y


def chain_grad_floor(x, n_blocks):
    """d chain / dx by hand: a forward pass storing what the backward pass needs."""
    sin, cos, exp = math.sin, math.cos, math.exp
    ys, ss, es = [], [], []
    y = x
    for _ in range(n_blocks):
        s = sin(y)
        e = exp(s * x + 0.5)
        ys.append(y)
        ss.append(s)
        es.append(e)
        y = e / 2.0
    gy, gx = 1.0, 0.0
    for i in range(n_blocks - 1, -1, -1):
        gc = gy * 0.5 * es[i]          # through / 2 and exp
        gx += gc * ss[i]               # through * x
        gy = gc * x * cos(ys[i])       # through sin
    return gx + gy


def compiled(fun, *args, **options):
    """A call of ``wengert.compile(fun)`` on ``args`` in its steady state: its code
    generated now (a traced signature runs interpreted until its runs pay for the code;
    the timings are of the code that then runs)."""
    c = wengert.compile(fun, **options)
    c.source(*args)
    return lambda: c(*args)


def w1(size, peers):
    n_ops = {FULL: 2000, QUICK: 500, TINY: 50}[size]
    nb = n_ops // 5
    x0 = 0.3
    impls = {
        "numpy (hand-written)": lambda: chain_grad_floor(x0, nb),
        "wengert grad": (lambda g: lambda: g(x0))(
            wengert.grad(lambda x: chain(x, wnp.sin, wnp.exp, nb))),
        "wengert compile": compiled(wengert.grad(lambda x: chain(x, wnp.sin, wnp.exp, nb)),
                                    x0),
        "wengert compile, scalar_math": compiled(
            wengert.grad(lambda x: chain(x, wnp.sin, wnp.exp, nb)), x0, scalar_math=True),
    }
    if "autograd" in peers:
        import autograd
        import autograd.numpy as anp
        g = autograd.grad(lambda x: chain(x, anp.sin, anp.exp, nb))
        impls["autograd"] = lambda: g(x0)
    if "torch" in peers:
        torch = _torch()

        def torch_grad():
            x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
            chain(x, torch.sin, torch.exp, nb).backward()
            return x.grad
        impls["torch eager"] = torch_grad
    if "jax" in peers:
        jax = _jax()
        jnp = jax.numpy
        g = jax.grad(lambda x: chain(x, jnp.sin, jnp.exp, nb))
        jg = jax.jit(g)
        impls["jax eager"] = _block(lambda: g(x0))
        impls["jax jit"] = _block(lambda: jg(x0))
    return [Workload("W1", f"gradient of a chain of {n_ops} scalar operations on Python floats "
                     "(sin, *, +, exp, /), µs per operation", impls, "numpy (hand-written)",
                     rtol=1e-12, per=n_ops, unit="µs")]


# -- W2, W3: multilayer perceptrons ---------------------------------------------------------
def mlp_params(rng, sizes, dtype):
    return [((rng.standard_normal((m, n)) / np.sqrt(m)).astype(dtype), np.zeros(n, dtype))
            for m, n in zip(sizes[:-1], sizes[1:])]


def mlp_loss(params, X, Y, xp, loss):
    """tanh MLP with softmax cross-entropy (``loss="xent"``, Y one-hot) or squared loss,
    written once for every NumPy-like namespace ``xp`` (wengert.numpy, autograd.numpy,
    jax.numpy)."""
    h = X
    for W, b in params[:-1]:
        h = xp.tanh(h @ W + b)
    W, b = params[-1]
    z = h @ W + b
    if loss == "xent":
        m = xp.max(z, axis=1, keepdims=True)
        lse = xp.log(xp.sum(xp.exp(z - m), axis=1)) + m[:, 0]
        return xp.mean(lse - xp.sum(Y * z, axis=1))
    return xp.mean((z - Y) ** 2)


def mlp_loss_torch(params, X, Y, loss):
    import torch
    h = X
    for W, b in params[:-1]:
        h = torch.tanh(h @ W + b)
    W, b = params[-1]
    z = h @ W + b
    if loss == "xent":
        return torch.mean(torch.logsumexp(z, dim=1) - torch.sum(Y * z, dim=1))
    return torch.mean((z - Y) ** 2)


def mlp_forward_floor(params, X, Y, loss):
    """The loss by hand (what the gradient's forward pass also computes)."""
    h = X
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
    W, b = params[-1]
    z = h @ W + b
    if loss == "xent":
        m = z.max(axis=1, keepdims=True)
        e = np.exp(z - m)
        return np.mean(np.log(e.sum(axis=1)) + m[:, 0] - np.sum(Y * z, axis=1))
    return np.mean((z - Y) ** 2)


def mlp_grad_floor(params, X, Y, loss):
    """The gradient by hand: a staged forward pass keeping the activations, then
    the backward pass layer by layer, reusing tanh's output (d tanh = 1 - y²)."""
    hs = [X]
    for W, b in params[:-1]:
        hs.append(np.tanh(hs[-1] @ W + b))
    W, b = params[-1]
    z = hs[-1] @ W + b
    if loss == "xent":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        e /= e.sum(axis=1, keepdims=True)
        e -= Y
        e *= 1 / z.shape[0]
        dz = e
    else:
        dz = (z - Y) * (2 / z.size)
    grads = [None] * len(params)
    for i in range(len(params) - 1, -1, -1):
        W = params[i][0]
        h = hs[i]
        grads[i] = (h.T @ dz, dz.sum(axis=0))
        if i:
            dh = dz @ W.T
            dh *= 1 - h * h
            dz = dh
    return grads


def _mlp(name, title, sizes, batch, loss, dtype, peers, rtol, with_forward):
    rng = np.random.default_rng(0)
    params = mlp_params(rng, sizes, dtype)
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    if loss == "xent":
        Y = np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], batch)]
    else:
        Y = rng.standard_normal((batch, sizes[-1])).astype(dtype)
    impls = {"numpy (hand-written)": lambda: mlp_grad_floor(params, X, Y, loss)}
    g = wengert.grad(lambda p: mlp_loss(p, X, Y, wnp, loss))
    impls["wengert grad"] = lambda: g(params)
    impls["wengert compile"] = compiled(g, params)
    extra = {"forward: numpy": lambda: mlp_forward_floor(params, X, Y, loss),
             "forward: wengert.numpy": lambda: mlp_loss(params, X, Y, wnp, loss)}
    pairs = {"numpy (hand-written)": "forward: numpy", "wengert grad": "forward: wengert.numpy"}
    if "autograd" in peers:
        import autograd
        import autograd.numpy as anp
        ag = autograd.grad(lambda p: mlp_loss(p, X, Y, anp, loss))
        impls["autograd"] = lambda: ag(params)
        extra["forward: autograd.numpy"] = lambda: mlp_loss(params, X, Y, anp, loss)
        pairs["autograd"] = "forward: autograd.numpy"
    if "torch" in peers:
        torch = _torch()
        tp = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
              for W, b in params]
        tX, tY = torch.tensor(X), torch.tensor(Y)
        leaves = [t for wb in tp for t in wb]

        def torch_grad():
            gs = torch.autograd.grad(mlp_loss_torch(tp, tX, tY, loss), leaves)
            return [(gs[2 * i], gs[2 * i + 1]) for i in range(len(tp))]

        def torch_forward():
            with torch.no_grad():
                return mlp_loss_torch(tp, tX, tY, loss)
        impls["torch eager"] = torch_grad
        extra["forward: torch"] = torch_forward
        pairs["torch eager"] = "forward: torch"
    if "jax" in peers:
        jax = _jax()
        jnp = jax.numpy
        jparams = jax.tree_util.tree_map(jnp.asarray, params)
        jX, jY = jnp.asarray(X), jnp.asarray(Y)

        def jloss(p):
            return mlp_loss(p, jX, jY, jnp, loss)
        jg, jjg, jjf = jax.grad(jloss), jax.jit(jax.grad(jloss)), jax.jit(jloss)
        impls["jax eager"] = _block(lambda: jg(jparams))
        impls["jax jit"] = _block(lambda: jjg(jparams))
        extra["forward: jax eager"] = _block(lambda: jloss(jparams))
        extra["forward: jax jit"] = _block(lambda: jjf(jparams))
        pairs["jax eager"] = "forward: jax eager"
        pairs["jax jit"] = "forward: jax jit"

    def summarize(samples):
        return ["gradient / forward (each implementation's own forward, medians): " + ", ".join(
            f"{k} {statistics.median(samples[k]) / statistics.median(samples[f]):.2f}"
            for k, f in pairs.items())]
    return Workload(name, title, impls, "numpy (hand-written)", rtol=rtol,
                    extra=extra if with_forward else {},
                    summarize=summarize if with_forward else None)


def w2(size, peers):
    sizes, batch = {FULL: ([784, 512, 512, 10], 128), QUICK: ([784, 128, 128, 10], 32),
                    TINY: ([12, 8, 8, 3], 4)}[size]
    arch = "-".join(map(str, sizes))
    return [_mlp(f"W2 {np.dtype(dt).name}", f"MLP {arch}, batch {batch}, tanh, softmax "
                 f"cross-entropy, {np.dtype(dt).name}: gradient, ms", sizes, batch, "xent", dt,
                 peers, rtol, with_forward=True)
            for dt, rtol in ((np.float64, 1e-10), (np.float32, 2e-4))]


def w3(size, peers):
    sizes, batch = ([10, 32, 32, 1], 16) if size != TINY else ([4, 5, 5, 1], 3)
    arch = "-".join(map(str, sizes))
    w = _mlp("W3", f"MLP {arch}, batch {batch}, tanh, squared loss: one gradient, µs",
             sizes, batch, "mse", np.float64, peers, 1e-10, with_forward=False)
    w.unit = "µs"
    return [w]


# -- W4: a full Hessian ---------------------------------------------------------------------
def softplus_sum(x, A, xp):
    """f(x) = Σ log(1 + exp(Ax)) + ½ xᵀx."""
    return xp.sum(xp.log1p(xp.exp(A @ x))) + 0.5 * xp.sum(x * x)


def softplus_hessian_floor(x, A):
    """The closed form: Aᵀ diag(σ(Ax)(1 - σ(Ax))) A + I."""
    s = 1 / (1 + np.exp(-(A @ x)))
    H = (A.T * (s * (1 - s))) @ A
    H[np.diag_indices_from(H)] += 1
    return H


def w4(size, peers):
    m, n = {FULL: (200, 100), QUICK: (80, 40), TINY: (6, 4)}[size]
    rng = np.random.default_rng(1)
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    x = rng.standard_normal(n)
    h = wengert.hessian(lambda x: softplus_sum(x, A, wnp))
    impls = {"numpy (closed form)": lambda: softplus_hessian_floor(x, A),
             "wengert hessian": lambda: h(x),
             "wengert compile": compiled(h, x)}
    if "autograd" in peers:
        import autograd
        import autograd.numpy as anp
        ah = autograd.hessian(lambda x: softplus_sum(x, A, anp))
        impls["autograd"] = lambda: ah(x)
    if "torch" in peers:
        torch = _torch()
        tA, tx = torch.tensor(A), torch.tensor(x)

        def tf(x):
            return torch.sum(torch.log1p(torch.exp(tA @ x))) + 0.5 * torch.sum(x * x)
        impls["torch eager"] = lambda: torch.autograd.functional.hessian(tf, tx)
    if "jax" in peers:
        jax = _jax()
        jnp = jax.numpy
        jA, jx = jnp.asarray(A), jnp.asarray(x)
        jh = jax.hessian(lambda x: softplus_sum(x, jA, jnp))
        jjh = jax.jit(jh)
        impls["jax eager"] = _block(lambda: jh(jx))
        impls["jax jit"] = _block(lambda: jjh(jx))
    return [Workload("W4", f"full Hessian of Σ log(1+exp(Ax)) + ½xᵀx, A {m}×{n}, ms", impls,
                     "numpy (closed form)", rtol=1e-10)]


# -- W5: Jacobians, tall and wide -----------------------------------------------------------
def w5(size, peers):
    big, small = {FULL: (2000, 20), QUICK: (500, 20), TINY: (12, 3)}[size]
    out = []
    for shape_name, (m, n) in (("tall", (big, small)), ("wide", (small, big))):
        rng = np.random.default_rng(2)
        B = rng.standard_normal((m, n)) / np.sqrt(n)
        x = rng.standard_normal(n)

        def floor(B=B, x=x):
            y = np.tanh(B @ x)
            return (1 - y * y)[:, None] * B
        jac = wengert.jacobian(lambda x, B=B: wnp.tanh(B @ x))
        impls = {"numpy (hand-written)": floor,
                 "wengert jacobian": (lambda jac, x: lambda: jac(x))(jac, x),
                 "wengert compile": compiled(jac, x)}
        # Both modes explicitly, so the table shows whether jacobian picked the cheaper one.
        for mode in ("jacfwd", "jacrev"):
            j = getattr(wengert, mode)(lambda x, B=B: wnp.tanh(B @ x))
            impls[f"wengert {mode}"] = (lambda j, x: lambda: j(x))(j, x)
        if "autograd" in peers:
            import autograd
            import autograd.numpy as anp
            aj = autograd.jacobian(lambda x, B=B: anp.tanh(B @ x))
            impls["autograd"] = (lambda aj, x: lambda: aj(x))(aj, x)
        if "torch" in peers:
            torch = _torch()
            tB, tx = torch.tensor(B), torch.tensor(x)
            strategy = "forward-mode" if m > n else "reverse-mode"
            impls["torch eager"] = (lambda tB, tx, strategy: lambda: torch.autograd.functional
                                    .jacobian(lambda x: torch.tanh(tB @ x), tx, vectorize=True,
                                              strategy=strategy))(tB, tx, strategy)
        if "jax" in peers:
            jax = _jax()
            jnp = jax.numpy
            jB, jx = jnp.asarray(B), jnp.asarray(x)
            transform = jax.jacfwd if m > n else jax.jacrev
            jj = transform(lambda x, jB=jB: jnp.tanh(jB @ x))
            jjj = jax.jit(jj)
            impls["jax eager"] = _block((lambda jj, jx: lambda: jj(jx))(jj, jx))
            impls["jax jit"] = _block((lambda jjj, jx: lambda: jjj(jx))(jjj, jx))
        out.append(Workload(f"W5 {shape_name}", f"Jacobian of tanh(Bx), B {m}×{n} ({shape_name}), ms",
                            impls, "numpy (hand-written)", rtol=1e-10))
    return out


# -- W8: per-example gradients ----------------------------------------------------------------
def per_example_grads_floor(params, X, Y):
    """Per-example gradients of W3's squared loss by hand: the staged backward pass
    of ``mlp_grad_floor`` with every example's outer products kept apart."""
    hs = [X]
    for W, b in params[:-1]:
        hs.append(np.tanh(hs[-1] @ W + b))
    W, b = params[-1]
    dz = (hs[-1] @ W + b - Y) * (2 / Y.shape[1])      # each example's own mean
    grads = [None] * len(params)
    for i in range(len(params) - 1, -1, -1):
        h = hs[i]
        grads[i] = (h[:, :, None] * dz[:, None, :], dz)
        if i:
            dz = (dz @ params[i][0].T) * (1 - h * h)
    return grads


def w8(size, peers):
    sizes, batch = ([10, 32, 32, 1], 1024) if size == FULL else \
        ([10, 32, 32, 1], 128) if size == QUICK else ([4, 5, 5, 1], 3)
    rng = np.random.default_rng(3)
    params = mlp_params(rng, sizes, np.float64)
    X = rng.standard_normal((batch, sizes[0]))
    Y = rng.standard_normal((batch, sizes[-1]))

    def loss(p, x, y):
        return mlp_loss(p, x, y, wnp, "mse")
    g = wengert.grad(loss)
    pg = wengert.vmap(g, in_axes=(None, 0, 0))

    def loop():
        gs = [g(params, X[i], Y[i]) for i in range(batch)]
        return [(np.stack([e[k][0] for e in gs]), np.stack([e[k][1] for e in gs]))
                for k in range(len(params))]
    impls = {"numpy (hand-written)": lambda: per_example_grads_floor(params, X, Y),
             "wengert vmap(grad)": lambda: pg(params, X, Y),
             "wengert loop over examples": loop}
    if "torch" in peers:
        torch = _torch()
        from torch.func import grad as tgrad, vmap as tvmap
        tp = [(torch.tensor(W), torch.tensor(b)) for W, b in params]
        tX, tY = torch.tensor(X), torch.tensor(Y)

        def tloss(p, x, y):
            return mlp_loss_torch(p, x[None], y[None], "mse")
        tpg = tvmap(tgrad(tloss), in_dims=(None, 0, 0))
        impls["torch.func vmap(grad)"] = lambda: tpg(tp, tX, tY)
    arch = "-".join(map(str, sizes))
    return [Workload("W8", f"per-example gradients, MLP {arch}, batch {batch}, tanh, squared "
                     "loss, ms", impls, "numpy (hand-written)", rtol=1e-10)]
