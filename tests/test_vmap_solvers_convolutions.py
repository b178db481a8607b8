"""vmap of SciPy's solvers and matrix functions and of the convolutions, batched in
one call (no loop warning) where an example's computation has a batched form:
values equal a loop over the examples, and so do derivatives through them."""
import warnings

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp

pytest.importorskip("scipy")
from wengert.scipy import linalg as sla, signal as ss  # noqa: E402

rng = np.random.default_rng(0)
B = 3
SQUARE = rng.random((B, 4, 4)) + 4 * np.eye(4)
LOWER = np.tril(SQUARE)
RHS = rng.random((B, 4))
BAND = rng.random((3, 4)) + np.array([0.0, 4.0, 0.0])[:, None]
KERNEL = np.array([1.0, 2.0, 3.0])
INDEX = np.array([0, 2, 2, 5])

# (name, function, arguments, in_axes): each is batched without a loop
CASES = [
    ("expm", sla.expm, (0.1 * SQUARE,), 0),
    ("sqrtm", sla.sqrtm, (SQUARE,), 0),
    ("solve_sylvester", sla.solve_sylvester, (SQUARE, SQUARE, SQUARE), 0),
    ("solve_sylvester(q)", sla.solve_sylvester, (SQUARE[0], SQUARE[1], SQUARE), (None, None, 0)),
    ("solve_triangular(b)", lambda a, b: sla.solve_triangular(a, b, lower=True),
     (LOWER[0], RHS), (None, 0)),
    ("solve_triangular(b 2-d, trans)", lambda a, b: sla.solve_triangular(a, b, trans=1, lower=True),
     (LOWER[0], rng.random((B, 4, 2))), (None, 0)),
    ("solve_triangular(a)", lambda a, b: sla.solve_triangular(a, b, lower=True),
     (LOWER, RHS[0]), (0, None)),
    ("solve_banded(b)", lambda b: sla.solve_banded((1, 1), BAND, b), (RHS,), 0),
    ("convolve(in1)", lambda x: ss.convolve(x, KERNEL), (RHS,), 0),
    ("convolve(in2)", lambda x: ss.convolve(KERNEL, x), (RHS,), 0),
    ("convolve(same)", lambda x: ss.convolve(x, KERNEL, mode="same"), (RHS,), 0),
    ("convolve(valid)", lambda x: ss.convolve(x, KERNEL, mode="valid"), (RHS,), 0),
    ("convolve(2-d)", lambda x: ss.convolve(x, np.ones((2, 2))), (SQUARE,), 0),
    ("np.convolve(a)", lambda x: wnp.convolve(x, KERNEL), (RHS,), 0),
    ("np.convolve(v)", lambda x: wnp.convolve(np.arange(6.0), x), (RHS,), 0),
    ("np.convolve(both, same)", lambda x, y: wnp.convolve(x, y, mode="same"),
     (RHS, rng.random((B, 6))), 0),
    ("bincount(weights)", lambda w: wnp.bincount(INDEX, weights=w), (RHS,), 0),
    ("bincount(minlength, float32)", lambda w: wnp.bincount(INDEX, weights=w, minlength=9),
     (RHS.astype(np.float32),), 0),
]


def _example(args, axes, i):
    axes = axes if type(axes) is tuple else (axes,) * len(args)
    return [a if d is None else a[i] for a, d in zip(args, axes)]


@pytest.mark.parametrize("name, f, args, axes", CASES, ids=[c[0] for c in CASES])
def test_batched_without_a_loop(name, f, args, axes):
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # the loop fallback warns
        got = wengert.vmap(f, in_axes=axes)(*args)
    want = np.stack([f(*_example(args, axes, i)) for i in range(B)])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)

    def loss_vmapped(*a):
        return wnp.sum(wengert.vmap(f, in_axes=axes)(*a) ** 2)

    def loss_looped(*a):
        return wnp.sum(wnp.stack([f(*_example(a, axes, i)) for i in range(B)]) ** 2)

    argnums = tuple(range(len(args)))
    for g, h in zip(wengert.grad(loss_vmapped, argnums)(*args),
                    wengert.grad(loss_looped, argnums)(*args)):
        np.testing.assert_allclose(g, h, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name, f", [
    ("convolve(same)", lambda x: ss.convolve(x, KERNEL, mode="same")),
    ("np.convolve(valid)", lambda x: wnp.convolve(x, KERNEL, mode="valid")),
    ("solve_banded(ab)", lambda x: sla.solve_banded((1, 1), BAND * x[0], x)),
    ("bincount", lambda w: wnp.bincount(INDEX, weights=w)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_per_example_derivatives(name, f):
    # the reverse and forward rules run under vmap too (embed, band_to_dense ...)
    x = rng.random((B, 4)) + 1.0
    g = wengert.grad(lambda x: wnp.sum(f(x) ** 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # solve_banded itself loops over a batched ab
        got = wengert.vmap(g)(x)
        tangents = wengert.vmap(lambda x: wengert.jvp(f, (x,), (wnp.ones_like(x),))[1])(x)
    np.testing.assert_allclose(got, np.stack([g(xi) for xi in x]), rtol=1e-10)
    np.testing.assert_allclose(
        tangents, np.stack([wengert.jvp(f, (xi,), (np.ones_like(xi),))[1] for xi in x]),
        rtol=1e-10)


@pytest.mark.parametrize("f, args", [
    (lambda x: ss.convolve(KERNEL, x, mode="same"), (RHS,)),     # the batch axis would be cut
    (lambda x, y: ss.convolve(x, y), (RHS, RHS)),
    (lambda x: sla.solve_banded((1, 1), x, np.ones(4)), (np.stack([BAND] * B),)),
], ids=["convolve(in2, same)", "convolve(both)", "solve_banded(ab)"])
def test_the_rest_loops_exactly(f, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # the loop fallback (warned once per function)
        got = wengert.vmap(f)(*args)
    np.testing.assert_allclose(got, np.stack([f(*[a[i] for a in args]) for i in range(B)]))
