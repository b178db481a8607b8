"""vmap of gathers whose indices differ between examples (issue 18).

The op table's gather specs (``gather(...)``: ``take_along_axis``, ``x[argsort(y)]``,
integer-array indices inside index tuples next to slices, None, integers and masks)
index an array by indices computed from a second argument.  Batching only that
argument makes a shared array indexed by batched indices.  For every spec and every
choice of batched arguments: values, per-example gradients in reverse and forward
mode, second derivatives (reverse over reverse, forward over reverse) and the
gradient of the batched function itself equal a loop over the examples, all by
batching rules (no per-example loop fallback).
"""
import warnings

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert import tree
from wengert._specs import OP_SPECS

B = 3
GATHERS = [s for s in OP_SPECS if s.name.startswith("gather(")]


def _loss(f):
    return lambda x, y: wnp.sum(f(x, y) ** 3)


def _close(batched, per_example):
    for k, leaf in enumerate(tree.leaves(batched)):
        ref = np.stack([np.asarray(tree.leaves(p)[k]) for p in per_example])
        np.testing.assert_allclose(np.asarray(leaf), ref, rtol=1e-12, atol=1e-12)


def _cases(spec):
    rng = np.random.default_rng(0)
    samples = [spec.sample(rng) for _ in range(B)]
    stacked = [np.stack([s[i] for s in samples]) for i in range(2)]
    shared = samples[0]
    yield "index batched", (None, 0), [shared[0], stacked[1]], \
        [(shared[0], s[1]) for s in samples]
    yield "both batched", (0, 0), stacked, samples
    yield "array batched", (0, None), [stacked[0], shared[1]], \
        [(s[0], shared[1]) for s in samples]


def test_there_are_gather_specs():
    assert len(GATHERS) >= 10


@pytest.mark.parametrize("spec", GATHERS, ids=str)
def test_gathers_with_batched_indices_equal_a_loop(spec):
    f, loss = spec.fun, _loss(spec.fun)
    g = wengert.grad(loss, argnum=(0, 1))

    def fwd(x, y, t):
        return wengert.jvp(lambda x: loss(x, y), (x,), (t,))[1]

    def rev_rev(x, y):
        return wengert.grad(lambda x: wnp.sum(wengert.grad(loss)(x, y) ** 2))(x)

    def fwd_rev(x, y, t):
        return wengert.jvp(lambda x: wengert.grad(loss)(x, y), (x,), (t,))[1]

    for what, axes, args, refs in _cases(spec):
        t = np.linspace(-1.0, 1.0, np.size(refs[0][0])).reshape(np.shape(refs[0][0]))
        with warnings.catch_warnings():
            warnings.simplefilter("error")      # batching rules: no per-example loop
            _close(wengert.vmap(f, in_axes=axes)(*args), [f(*r) for r in refs])
            _close(wengert.vmap(g, in_axes=axes)(*args), [g(*r) for r in refs])
            _close(wengert.vmap(fwd, in_axes=axes + (None,))(*args, t),
                   [fwd(*r, t) for r in refs])
            _close(wengert.vmap(rev_rev, in_axes=axes)(*args), [rev_rev(*r) for r in refs])
            _close(wengert.vmap(fwd_rev, in_axes=axes + (None,))(*args, t),
                   [fwd_rev(*r, t) for r in refs])
            if axes[0] is None:    # the gradient of the batched function w.r.t. the shared x
                total = wengert.grad(lambda x: wnp.sum(wengert.vmap(loss, in_axes=axes)(
                    x, args[1])))(args[0])
                loop = sum(wengert.grad(loss)(*r) for r in refs)
                np.testing.assert_allclose(total, loop, rtol=1e-12, atol=1e-12)


def test_issue_example_take_along_axis_of_argmax():
    def f(x0, x1):
        v0 = wnp.take_along_axis(x0, wnp.expand_dims(wnp.argmax(x1, axis=0), 0), axis=0)
        return wnp.sum(np.array([[0.2, -0.1, -1.6, -1.8]]) * v0)
    x0 = np.random.default_rng(0).standard_normal((2, 4))
    x1 = np.random.default_rng(1).standard_normal((3, 2, 4))
    g = wengert.grad(f, argnum=(0, 1))
    _close(wengert.vmap(g, in_axes=(None, 0))(x0, x1), [g(x0, x) for x in x1])


def test_batched_masks_name_the_data_dependent_shape():
    x = np.arange(4.0)
    for f in (lambda x, y: x[y > 0], lambda x, y: x[(y > 0,)], lambda x, y: x[y > 0, None]):
        with pytest.raises(TypeError, match="number of True entries.*differs from example"):
            wengert.vmap(wengert.grad(lambda x, y: wnp.sum(f(x, y))), in_axes=(None, 0))(
                x, np.array([[1.0, -1, 1, 1], [1, 1, -1, -1]]))


def test_plain_tables_and_other_data_dependent_shapes_say_what_differs():
    table, X = np.arange(10.0).reshape(5, 2), np.array([[1.0, -1, 2], [1, 1, -3]])
    with pytest.raises(TypeError, match=r"plain NumPy array by a batched index \(table\[i\]\)"):
        wengert.vmap(lambda x: table[wnp.argsort(x)])(X)
    with pytest.raises(TypeError, match=r"plain NumPy array by a batched index"):
        wengert.vmap(lambda x: table[(wnp.argsort(x), 0)])(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _close(wengert.vmap(lambda x: wnp.take(table, wnp.argsort(x), axis=0))(X),
               [table[np.argsort(x)] for x in X])
    with pytest.raises(TypeError, match="slice bound.*differs from example to example"):
        wengert.vmap(lambda x: wnp.sum(x[:wnp.argmax(x)]))(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # unique has no batching rule: the loop warns
        with pytest.raises(TypeError, match=r"unique.*examples give different shapes "
                                            r"\(\(2,\) and \(3,\)\)"):
            wengert.vmap(lambda x: wnp.unique(x))(X)
