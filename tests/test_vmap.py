"""wengert.vmap: batching without a loop, composed with every transform.

* every op of the table, vmapped, equals a loop over the batch (values; and
  gradients for a sample), or raises a clear error: never a wrong result;
* in_axes / out_axes variants, per-example gradients, vmap of grad, grad of
  vmap, jvp of vmap, vmap of vmap, Jacobians and Hessians through vmap;
* the errors (mismatched batch sizes, data-dependent control flow, bad axes)
  and the one-time warning of the loop fallback.
"""
import warnings

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert import tree
from wengert.extend import defjvp, defvjp, primitive
from wengert.test_util import check_grads
from wengert._specs import OP_SPECS

B = 3

# Ops whose per-example results have data-dependent shapes, or whose code branches on
# values in Python, raise an error under vmap (naming vmap or the fix) instead of
# computing a wrong result.  The list may only shrink.
KNOWN_ERRORS = ("trim_zeros", "np.trim_zeros", "getitem[x>0]", "out=", "as_traced",
                "select(default", "x[:,0]=v", "x[[1,1],[0,0]]=v", "x+=y", "np.add.at")
# ... and, in their derivatives: quantiles of rows with different NaN counts, and a
# SciPy rule that branches on values
KNOWN_GRAD_ERRORS = KNOWN_ERRORS + ("nanquantile(all-NaN", "scipy.stats.poisson")


def _batched_args(spec, rng):
    samples = [spec.sample(rng) for _ in range(B)]
    return samples, [np.stack([np.asarray(s[i]) for s in samples])
                     for i in range(len(spec.shapes))]


def _same(batched, per_example):
    out = tree.leaves(batched)
    for i, ref in enumerate(per_example):
        ref = tree.leaves(ref)
        if len(ref) != len(out):
            return False
        for o, r in zip(out, ref):
            o = np.asarray(o)[i]
            single = np.asarray(o).dtype in (np.float32, np.complex64)
            tol = 1e-5 if single else 1e-9
            if o.shape != np.shape(r) or not np.allclose(o, r, rtol=tol, atol=tol * 1e-3,
                                                         equal_nan=True):
                return False
    return True


def _variants(spec, samples, stacked):
    """Every argument batched; then, for several arguments, only one of them (the
    others shared by all examples: in_axes None)."""
    yield "all batched", stacked, 0, samples
    if len(stacked) > 1:
        for i in range(len(stacked)):
            args = [x if j == i else samples[0][j] for j, x in enumerate(stacked)]
            axes = tuple(0 if j == i else None for j in range(len(stacked)))
            refs = [[s[i] if j == i else samples[0][j] for j in range(len(stacked))]
                    for s in samples]
            yield f"only argument {i} batched", args, axes, refs


def test_vmap_of_every_op_equals_a_loop():
    wrong, errors = [], []
    for spec in OP_SPECS:
        rng = np.random.default_rng(0)
        samples, stacked = _batched_args(spec, rng)
        for what, args, in_axes, refs in _variants(spec, samples, stacked):
            ref = [spec.fun(*r) for r in refs]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = wengert.vmap(spec.fun, in_axes=in_axes)(*args)
            except (TypeError, ValueError, NotImplementedError) as e:
                errors.append(str(spec))
                if not str(spec).startswith(KNOWN_ERRORS):
                    wrong.append(f"{spec} ({what}): {type(e).__name__}: {e}")
                continue
            if not _same(out, ref):
                wrong.append(f"{spec} ({what}): differs from the loop")
    assert not wrong, "\n".join(wrong)
    assert len(set(errors)) < 0.05 * len(OP_SPECS)


def _scalar(f):
    def loss(*args):
        return sum(wnp.sum(wnp.real(o) ** 2) for o in tree.leaves(f(*args)))
    return loss


@pytest.mark.parametrize("spec", [s for s in OP_SPECS[::25] if s.is_real and s.order >= 2
                                  and not str(s).startswith(KNOWN_GRAD_ERRORS)], ids=str)
def test_per_example_gradients_of_a_sample_of_ops(spec):
    rng = np.random.default_rng(1)
    samples, stacked = _batched_args(spec, rng)
    g = wengert.grad(_scalar(spec.fun), tuple(range(len(stacked))))
    ref = [g(*s) for s in samples]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = wengert.vmap(g)(*stacked)
    assert _same(out, ref)


# -- in_axes and out_axes -----------------------------------------------------------------------
def test_in_axes_none_negative_and_trees():
    rng = np.random.default_rng(2)
    X, w = rng.standard_normal((3, 4)), rng.standard_normal(4)
    f = wengert.vmap(lambda x, w: wnp.dot(x, w), in_axes=(-1, None))
    np.testing.assert_allclose(f(X.T.copy(), w), X @ w)
    params = {"w": w, "b": rng.standard_normal(5)}
    g = wengert.vmap(lambda p, x: wnp.sum(p["w"] * x) + p["b"],
                     in_axes=({"w": None, "b": 0}, 0))
    np.testing.assert_allclose(g(params, np.zeros((5, 4)) + X[0]), X[0] @ w + params["b"])
    t = wengert.vmap(lambda pair: pair[0] * pair[1], in_axes=((0, None),))
    np.testing.assert_allclose(t((X, w)), X * w)


def test_out_axes_and_unbatched_outputs():
    X = np.arange(6.0).reshape(3, 2)
    f = wengert.vmap(lambda x: (x * 2.0, wnp.ones(4)), out_axes=(1, None))
    a, b = f(X)
    np.testing.assert_allclose(a, (X * 2.0).T)
    np.testing.assert_allclose(b, np.ones(4))
    c = wengert.vmap(lambda x: 1.5)(X)       # unbatched output, out_axes=0: broadcast
    np.testing.assert_allclose(c, np.full(3, 1.5))
    d = wengert.vmap(lambda x: wnp.outer(x, x), out_axes=-1)(X)
    assert d.shape == (2, 2, 3)


def test_per_example_shapes_inside():
    seen = []

    def f(x):
        seen.append((x.shape, x.ndim, len(x), wnp.shape(x)))
        return x.T @ x
    out = wengert.vmap(f)(np.ones((5, 2, 3)))
    assert seen == [((2, 3), 2, 2, (2, 3))] and out.shape == (5, 3, 3)


# -- composition with the other transforms ------------------------------------------------------
def _mlp_loss(params, x, y):
    h = x
    for W, b in params[:-1]:
        h = wnp.tanh(h @ W + b)
    W, b = params[-1]
    return wnp.mean((h @ W + b - y) ** 2)


def _mlp(rng):
    sizes = [4, 6, 6, 1]
    return [(rng.standard_normal((m, n)), rng.standard_normal(n))
            for m, n in zip(sizes[:-1], sizes[1:])]


def test_per_example_gradients_equal_a_loop():
    rng = np.random.default_rng(3)
    params, X, Y = _mlp(rng), rng.standard_normal((7, 4)), rng.standard_normal((7, 1))
    g = wengert.grad(_mlp_loss)
    out = wengert.vmap(g, in_axes=(None, 0, 0))(params, X, Y)
    loop = [g(params, X[i], Y[i]) for i in range(7)]
    for k, leaf in enumerate(tree.leaves(out)):
        np.testing.assert_allclose(leaf, np.stack([tree.leaves(l)[k] for l in loop]),
                                   rtol=1e-12)


def test_grad_of_vmap_and_jvp_of_vmap():
    rng = np.random.default_rng(4)
    params, X, Y = _mlp(rng), rng.standard_normal((5, 4)), rng.standard_normal((5, 1))

    def total(p):
        return wnp.sum(wengert.vmap(_mlp_loss, in_axes=(None, 0, 0))(p, X, Y))

    def total_loop(p):
        return sum(_mlp_loss(p, X[i], Y[i]) for i in range(5))
    for a, b in zip(tree.leaves(wengert.grad(total)(params)),
                    tree.leaves(wengert.grad(total_loop)(params))):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    t = tree.tree_map(np.ones_like, params)
    np.testing.assert_allclose(wengert.jvp(total, (params,), (t,))[1],
                               wengert.jvp(total_loop, (params,), (t,))[1], rtol=1e-12)


def test_vmap_of_vmap_and_of_jvp():
    A = np.random.default_rng(5).standard_normal((2, 3, 4))
    f = wengert.vmap(wengert.vmap(lambda x: wnp.sum(wnp.sin(x) * x)))
    np.testing.assert_allclose(f(A), np.sum(np.sin(A) * A, axis=-1))
    g = wengert.vmap(lambda x: wnp.max(x, axis=0), in_axes=1)   # mapped over a middle axis
    np.testing.assert_allclose(wengert.vmap(g)(A), A.max(axis=1))
    tangents = wengert.vmap(lambda t: wengert.jvp(wnp.tanh, (A[0, 0],), (t,))[1])(A[1])
    np.testing.assert_allclose(tangents, (1 - np.tanh(A[0, 0]) ** 2) * A[1])


def test_second_order_under_vmap():
    X = np.linspace(-1.0, 1.0, 5)
    d2 = wengert.vmap(wengert.grad(wengert.grad(lambda x: wnp.sin(x) * x ** 3)))(X)
    np.testing.assert_allclose(d2, -np.sin(X) * X ** 3 + 6 * np.cos(X) * X ** 2 + 6 * np.sin(X) * X)
    H = wengert.vmap(wengert.hessian(lambda x: wnp.sum(wnp.exp(x) * x[::-1])))(
        np.stack([X[:2], X[2:4]]))
    for h, x in zip(H, [X[:2], X[2:4]]):
        np.testing.assert_allclose(h, [[np.exp(x[0]) * x[1], np.exp(x[0]) + np.exp(x[1])],
                                       [np.exp(x[0]) + np.exp(x[1]), np.exp(x[1]) * x[0]]])


def test_vmapped_functions_pass_check_grads():
    W = np.random.default_rng(6).standard_normal((3, 2))

    def f(X, v):
        return wengert.vmap(lambda x, w: wnp.tanh(x @ W) * wnp.abs(w), in_axes=(0, None))(X, v)
    check_grads(f, modes=["fwd", "rev"], order=2)(np.ones((4, 3)) * 0.3, np.array([0.5, -2.0]))


# -- Jacobians and Hessians with batched basis vectors --------------------------------------------
def test_jacobians_and_hessian_through_vmap_match_loops():
    rng = np.random.default_rng(7)
    A = rng.standard_normal((6, 4))
    x = rng.standard_normal(4)

    def f(x):
        return wnp.sum(wnp.log1p(wnp.exp(A @ x))) + 0.5 * wnp.sum(x * x)
    hvp = wengert.make_hvp(f)(x)[0]
    H_loop = np.stack([hvp(e) for e in np.eye(4)])
    np.testing.assert_allclose(wengert.hessian(f)(x), H_loop, rtol=1e-12)
    np.testing.assert_allclose(wengert.hessian(f, chunk_size=3)(x), H_loop, rtol=1e-12)
    np.testing.assert_allclose(wengert.jacfwd(wengert.jacrev(f))(x), H_loop, rtol=1e-12)
    for shape in ((9, 4), (2, 4)):
        Bm = rng.standard_normal(shape)
        J = (1 - np.tanh(Bm @ x) ** 2)[:, None] * Bm
        for jac in (wengert.jacfwd, wengert.jacrev, wengert.jacobian):
            for chunk in (None, 1, 3):
                np.testing.assert_allclose(
                    jac(lambda x: wnp.tanh(Bm @ x), chunk_size=chunk)(x), J, rtol=1e-12)
    with pytest.raises(ValueError, match="chunk_size"):
        wengert.jacrev(wnp.tanh, chunk_size=0)(x)


def test_the_jacobian_memory_budget_is_set_on_wengert_transforms(monkeypatch):
    """``wengert.transforms.JACOBIAN_CHUNK_BYTES`` bounds the basis block of every
    Jacobian pass; setting it there takes effect (the Jacobians read it at each call)."""
    from wengert.transforms._readings import ReverseTrace
    passes = []
    real_vjp = ReverseTrace.vjp
    monkeypatch.setattr(ReverseTrace, "vjp", lambda rt, g: passes.append(1) or real_vjp(rt, g))
    rng = np.random.default_rng(3)
    Bm, x = rng.standard_normal((5, 4)), rng.standard_normal(4)
    J = (1 - np.tanh(Bm @ x) ** 2)[:, None] * Bm
    for budget, n_passes in ((None, 1), (8 * 9 * 2, 3)):   # 2 rows of 9 float64s per block
        if budget is not None:
            monkeypatch.setattr(wengert.transforms, "JACOBIAN_CHUNK_BYTES", budget)
        passes.clear()
        np.testing.assert_allclose(wengert.jacrev(lambda x: wnp.tanh(Bm @ x))(x), J, rtol=1e-12)
        assert len(passes) == n_passes


def test_in_place_updates_under_vmap():
    def f(x):
        y = x * 1.0
        y[0] = 5.0
        y[[1, 1]] += x[:2]
        y += x
        return y
    X = np.arange(12.0).reshape(3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # batching rules, no loop
        np.testing.assert_allclose(wengert.vmap(f)(X), [f(x.copy()) for x in X])
        g = wengert.grad(lambda x: wnp.sum(f(x) ** 2))
        np.testing.assert_allclose(wengert.vmap(g)(X), [g(x) for x in X])

    def h(x, v):
        y = x * 1.0
        y[1:, 0] = v
        return y
    X, V = np.arange(24.0).reshape(2, 3, 4), np.arange(4.0).reshape(2, 2)
    np.testing.assert_allclose(wengert.vmap(h)(X, V), [h(X[i], V[i]) for i in range(2)])
    with pytest.raises(TypeError, match="plain NumPy array .* inside wengert.vmap"):
        wengert.vmap(h, in_axes=(None, 0))(X[0], V)


def test_checkpoint_under_vmap_stays_batched():
    layer = wengert.checkpoint(lambda w, x: wnp.tanh(w * x))
    X, w = np.linspace(-1.0, 1.0, 6).reshape(3, 2), np.array([0.5, -1.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # no loop fallback
        out = wengert.vmap(layer, in_axes=(None, 0))(w, X)
        g = wengert.grad(lambda w: wnp.sum(wengert.vmap(layer, in_axes=(None, 0))(w, X) ** 2))(w)
    np.testing.assert_allclose(out, np.tanh(w * X))
    t = np.tanh(w * X)
    np.testing.assert_allclose(g, np.sum(2 * t * (1 - t ** 2) * X, axis=0))


# -- errors and the fallback -----------------------------------------------------------------------
def test_mismatched_batch_sizes_name_the_arguments():
    with pytest.raises(ValueError, match=r"different batch sizes \(leaf 0: 3, leaf 1: 4"):
        wengert.vmap(lambda x, y: x + y)(np.ones(3), np.ones(4))


def test_python_control_flow_on_batched_values_says_why():
    def f(x):
        return x if x > 0 else -x
    with pytest.raises(TypeError, match=r"bool\(\) of a batched value inside wengert.vmap.*where"):
        wengert.vmap(f)(np.ones(3))
    with pytest.raises(TypeError, match="float"):
        wengert.vmap(lambda x: float(x))(np.ones(3))
    with pytest.raises(TypeError, match="boolean mask"):
        wengert.vmap(lambda x: wnp.sum(x[x > 0]))(np.ones((2, 3)))


def test_numpy_functions_without_rules_never_drop_derivatives():
    f = wengert.vmap(lambda x: wnp.real(np.sort_complex(x)) + x)   # no wengert rule
    with pytest.raises(NotImplementedError, match="sort_complex has no derivative rule"):
        wengert.grad(lambda x: wnp.sum(f(x)))(np.ones((2, 3)))
    with pytest.warns(UserWarning, match="sort_complex has no batching rule"):
        np.testing.assert_allclose(f(np.full((2, 3), 1.5)), np.full((2, 3), 3.0))


def test_bad_axes():
    with pytest.raises(ValueError, match="in_axes has 1 entries but .* 2 positional"):
        wengert.vmap(lambda x, y: x, in_axes=(0,))(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="axis 2 of leaf 0 .* shape \\(3,\\)"):
        wengert.vmap(lambda x: x, in_axes=2)(np.ones(3))
    with pytest.raises(ValueError, match="does not match its structure"):
        wengert.vmap(lambda p: p[0], in_axes=((0, 0, 0),))((np.ones(3), np.ones(3)))
    with pytest.raises(ValueError, match="no argument is batched"):
        wengert.vmap(lambda x: x, in_axes=None)(np.ones(3))
    with pytest.raises(ValueError, match="out_axes is None for an output that depends"):
        wengert.vmap(lambda x: x, out_axes=None)(np.ones(3))


def test_fallback_loop_warns_once_and_is_right():
    cube = primitive(lambda x: np.asarray(x) ** 3)
    defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)   # autograd's conventions
    defjvp(cube, lambda t, ans, x: 3 * t * x ** 2)
    X = np.arange(6.0).reshape(3, 2)
    with pytest.warns(UserWarning, match="has no batching rule, so it runs once per example"):
        out = wengert.vmap(cube)(X)
    np.testing.assert_allclose(out, X ** 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # the second call is silent
        g = wengert.vmap(wengert.grad(lambda x: wnp.sum(cube(x))))(X)
    np.testing.assert_allclose(g, 3 * X ** 2)


def test_higher_derivatives_keep_a_float32_inputs_precision():
    # a rule computes float_power's cotangent in float64; grad casts it to the input's
    # float32, and vmap(grad), hessian and jacobian(grad) returned float64 instead
    f = lambda x: wnp.sum(wnp.float_power(x, 2.0) * x)     # noqa: E731
    x = np.linspace(0.5, 2.0, 12, dtype=np.float32).reshape(4, 3)
    g = wengert.grad(f)
    assert g(x[0]).dtype == np.float32
    per_example = wengert.vmap(g)(x)
    assert per_example.dtype == np.float32
    np.testing.assert_array_equal(per_example, np.stack([g(r) for r in x]))
    for H in (wengert.hessian(f)(x[0]), wengert.jacobian(g)(x[0])):
        assert H.dtype == np.float32
        np.testing.assert_allclose(H, np.diag(6.0 * x[0].astype(np.float64)), rtol=1e-6)
