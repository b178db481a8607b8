"""Property-based tests (hypothesis) for the shape, indexing and reduction families.

Over random shapes, axes, shifts, widths and indices:

* values agree with NumPy's own function;
* linear operations: the gradient of ``sum(f(x) * w)`` is the adjoint applied to
  ``w``, so ``<grad, x> == <f(x), w>``; the forward tangent is ``f`` applied to
  the tangent; the second derivative is zero;
* round trips (reshape, transpose, split/concatenate, pad/slice, roll, rot90)
  give back the input, and their derivative is the identity.
"""
import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import array_shapes  # noqa: E402

import wengert  # noqa: E402
import wengert.numpy as wnp  # noqa: E402
from wengert.numpy import _index_tricks as IT, _shape as S  # noqa: E402

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None)
SHAPES = array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)


def _sample(shape, seed, complex_=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    return x + 1j * rng.normal(size=shape) if complex_ else x


def _axis(data, ndim):
    return data.draw(st.integers(-ndim, ndim - 1), label="axis")


def _axes(data, ndim):
    """A sorted tuple of distinct axes (as non-negative numbers)."""
    return tuple(sorted(data.draw(st.sets(st.integers(0, ndim - 1), min_size=1), label="axes")))


# -- linear operations: (our function, NumPy's function) for a drawn shape ---------------
def _transpose(data, shape):
    perm = data.draw(st.permutations(range(len(shape))), label="perm")
    perm = [p - len(shape) if data.draw(st.booleans()) else p for p in perm]  # negative axes
    return (lambda x: wnp.transpose(x, perm)), (lambda x: np.transpose(x, perm))


def _moveaxis(data, shape):
    n = len(shape)
    src = data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1), label="src")
    dst = data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=len(src),
                             max_size=len(src)), label="dst")
    return (lambda x: wnp.moveaxis(x, src, dst)), (lambda x: np.moveaxis(x, src, dst))


def _rollaxis(data, shape):
    n = len(shape)
    axis, start = _axis(data, n), data.draw(st.integers(-n, n), label="start")
    return (lambda x: S.rollaxis(x, axis, start)), (lambda x: np.rollaxis(x, axis, start))


def _swapaxes(data, shape):
    a, b = _axis(data, len(shape)), _axis(data, len(shape))
    return (lambda x: wnp.swapaxes(x, a, b)), (lambda x: np.swapaxes(x, a, b))


def _flip(data, shape):
    axes = data.draw(st.one_of(st.none(), st.just(_axes(data, len(shape)))), label="axes")
    return (lambda x: wnp.flip(x, axes)), (lambda x: np.flip(x, axes))


def _roll(data, shape):
    n = len(shape)
    if data.draw(st.booleans(), label="flat"):
        shift, axis = data.draw(st.integers(-10, 10), label="shift"), None
    else:
        axis = tuple(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3),
                               label="axis"))
        shift = tuple(data.draw(st.lists(st.integers(-5, 5), min_size=len(axis),
                                         max_size=len(axis)), label="shift"))
    return (lambda x: S.roll(x, shift, axis)), (lambda x: np.roll(x, shift, axis))


def _rot90(data, shape):
    if len(shape) < 2:
        return _flip(data, shape)
    a = _axis(data, len(shape))
    b = data.draw(st.sampled_from([i for i in range(len(shape)) if i != a % len(shape)]))
    k = data.draw(st.integers(-5, 5), label="k")
    return (lambda x: S.rot90(x, k, (a, b))), (lambda x: np.rot90(x, k, (a, b)))


def _tile(data, shape):
    reps = tuple(data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=5), label="reps"))
    return (lambda x: S.tile(x, reps)), (lambda x: np.tile(x, reps))


def _pad(data, shape):
    mode = data.draw(st.sampled_from(["constant", "edge", "wrap", "reflect", "symmetric",
                                      "linear_ramp", "mean"]), label="mode")
    widths = [tuple(data.draw(st.lists(st.integers(0, 6), min_size=2, max_size=2)))
              for _ in shape]
    kwargs = {}
    if mode in ("reflect", "symmetric"):
        kwargs["reflect_type"] = data.draw(st.sampled_from(["even", "odd"]), label="type")
    if mode == "mean":
        kwargs["stat_length"] = data.draw(st.integers(1, 5), label="stat_length")
    # linear_ramp with nonzero end values is affine, not linear: keep them 0 here
    return (lambda x: wnp.pad(x, widths, mode, **kwargs)), \
        (lambda x: np.pad(x, widths, mode, **kwargs))


def _getitem(data, shape):
    kind = data.draw(st.sampled_from(["basic", "fancy", "mask", "mixed"]), label="kind")
    if kind == "basic":
        idx = tuple(slice(data.draw(st.integers(-n, n)), data.draw(st.integers(-n, n)),
                          data.draw(st.sampled_from([1, 2, -1, -2]))) for n in shape)
        idx = idx[:1] + (None,) + idx[1:] + (Ellipsis,)
    elif kind == "fancy":
        idx = np.array(data.draw(st.lists(st.integers(-shape[0], shape[0] - 1), max_size=6)),
                       dtype=int)
    elif kind == "mask":
        bits = data.draw(st.lists(st.booleans(), min_size=int(np.prod(shape)),
                                  max_size=int(np.prod(shape))), label="mask")
        idx = np.array(bits).reshape(shape)
    else:
        idx = (Ellipsis, np.array(data.draw(st.lists(st.integers(0, shape[-1] - 1),
                                                     min_size=1, max_size=4))))
    return (lambda x: x[idx]), (lambda x: x[idx])


def _split_join(data, shape):
    axis = _axis(data, len(shape))
    sections = data.draw(st.one_of(st.integers(1, 5), st.lists(st.integers(-5, 5), max_size=3)))
    weights = np.arange(1.0, 8.0)

    def ours(x):
        pieces = S.array_split(x, sections, axis)
        return wnp.concatenate([wnp.ravel(p) * w for p, w in zip(pieces, weights)])

    def theirs(x):
        pieces = np.array_split(x, sections, axis)
        return np.concatenate([np.ravel(p) * w for p, w in zip(pieces, weights)])
    return ours, theirs


def _insert_delete(data, shape):
    axis = data.draw(st.one_of(st.none(), st.integers(0, len(shape) - 1)), label="axis")
    n = int(np.prod(shape)) if axis is None else shape[axis]
    obj = data.draw(st.lists(st.integers(-n, n - 1), max_size=3), label="obj")
    if data.draw(st.booleans(), label="delete"):
        return (lambda x: S.delete(x, obj, axis)), (lambda x: np.delete(x, obj, axis))
    return (lambda x: S.insert(x, obj, 0.0, axis)), (lambda x: np.insert(x, obj, 0.0, axis))


def _triangle(data, shape):
    k = data.draw(st.integers(-4, 4), label="k")
    if data.draw(st.booleans()):
        return (lambda x: S.triu(x, k)), (lambda x: np.triu(x, k))
    return (lambda x: S.tril(x, k)), (lambda x: np.tril(x, k))


def _diag(data, shape):
    k = data.draw(st.integers(-3, 3), label="k")
    if len(shape) == 2 or len(shape) == 1:
        return (lambda x: S.diag(x, k)), (lambda x: np.diag(x, k))
    return (lambda x: S.diagflat(x, k)), (lambda x: np.diagflat(x, k))


def _reshape(data, shape):
    order = data.draw(st.sampled_from(["C", "F"]), label="order")
    new = (-1,) if len(shape) == 1 else (shape[0] * shape[1], -1)
    return (lambda x: wnp.reshape(x, new, order=order)), \
        (lambda x: np.reshape(x, new, order=order))


def _sum_mean(data, shape):
    axis = data.draw(st.one_of(st.none(), st.just(_axes(data, len(shape)))), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    f = data.draw(st.sampled_from([(wnp.sum, np.sum), (wnp.mean, np.mean)]), label="f")
    return (lambda x: f[0](x, axis=axis, keepdims=keepdims)), \
        (lambda x: f[1](x, axis=axis, keepdims=keepdims))


def _cumsum(data, shape):
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return (lambda x: wnp.cumsum(x, axis=axis)), (lambda x: np.cumsum(x, axis=axis))


def _r_c(data, shape):
    if data.draw(st.booleans()):
        return (lambda x: IT.r_[x, 2 * x]), (lambda x: np.r_[x, 2 * x])
    return (lambda x: IT.c_[x, x]), (lambda x: np.c_[x, x])


LINEAR = {"transpose": _transpose, "moveaxis": _moveaxis, "rollaxis": _rollaxis,
          "swapaxes": _swapaxes, "flip": _flip, "roll": _roll, "rot90": _rot90,
          "tile": _tile, "pad": _pad, "getitem": _getitem, "split+concatenate": _split_join,
          "insert/delete": _insert_delete, "triu/tril": _triangle, "diag": _diag,
          "reshape": _reshape, "sum/mean": _sum_mean, "cumsum": _cumsum, "r_/c_": _r_c}


def _inner(a, b):
    return float(np.real(np.sum(np.asarray(a) * np.asarray(b))))


# the gradient of a linear operation does not depend on the input, and grad says so
@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("name", sorted(LINEAR))
@SETTINGS
@given(shape=SHAPES, seed=st.integers(0, 2**16), data=st.data())
def test_linear_op_properties(name, shape, seed, data):
    ours, theirs = LINEAR[name](data, shape)
    x = _sample(shape, seed)
    expected = theirs(x)
    np.testing.assert_array_equal(ours(x), expected) if name != "sum/mean" else \
        np.testing.assert_allclose(ours(x), expected, rtol=1e-12, atol=1e-12)
    y = np.asarray(expected)
    w = _sample(y.shape, seed + 1)
    # reverse mode is the adjoint: <vjp(w), x> == <f(x), w>
    g = wengert.grad(lambda z: wnp.sum(ours(z) * w))(x)
    assert g.shape == x.shape
    assert abs(_inner(g, x) - _inner(y, w)) <= 1e-10 * (1 + _inner(abs(g), abs(x)))
    # forward mode applies the operation to the tangent
    t = _sample(shape, seed + 2)
    _, tangent = wengert.make_jvp(ours)(x)(t)
    np.testing.assert_allclose(tangent, theirs(t), rtol=1e-12, atol=1e-12)
    # and the derivative is constant: the second derivative vanishes
    hvp = wengert.grad(lambda z: _inner_traced(wengert.grad(
        lambda u: wnp.sum(ours(u) * w))(z), t))(x)
    np.testing.assert_array_equal(hvp, np.zeros_like(x))


def _inner_traced(a, b):
    return wnp.sum(a * b)


@pytest.mark.parametrize("name", ["transpose", "roll", "pad", "getitem", "tile", "rot90"])
@SETTINGS
@given(shape=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3),
       seed=st.integers(0, 2**16), data=st.data())
def test_linear_ops_on_complex_and_float32(name, shape, seed, data):
    ours, theirs = LINEAR[name](data, shape)
    z = _sample(shape, seed, complex_=True)
    np.testing.assert_allclose(ours(z), theirs(z), rtol=1e-12, atol=1e-12)
    # a holomorphic (here linear) function: the cotangent is the adjoint, no conjugate
    w = _sample(np.shape(theirs(z)), seed + 1, complex_=True)
    vjp_fn, _ = wengert.make_vjp(ours)(z)
    ct = vjp_fn(w)
    assert abs(np.sum(ct * z) - np.sum(theirs(z) * w)) <= 1e-10 * (1 + np.sum(abs(ct * z)))
    x32 = _sample(shape, seed).astype(np.float32)
    assert ours(x32).dtype == theirs(x32).dtype == np.float32
    g32 = wengert.grad(lambda u: wnp.sum(ours(u) * w.real.astype(np.float32)))(x32)
    assert g32.dtype == np.float32


# -- round trips ----------------------------------------------------------------------------
def _identity_jacobian(f, x):
    """f(x) == x, with the identity as forward and reverse derivative."""
    np.testing.assert_array_equal(f(x), x)
    v = _sample(x.shape, 7)
    _, t = wengert.make_jvp(f)(x)(v)
    np.testing.assert_array_equal(t, v)
    vjp_fn, _ = wengert.make_vjp(f)(x)
    np.testing.assert_array_equal(vjp_fn(v), v)


@SETTINGS
@given(shape=SHAPES, seed=st.integers(0, 2**16), data=st.data())
def test_round_trips(shape, seed, data):
    x = _sample(shape, seed)
    n = len(shape)
    perm = data.draw(st.permutations(range(n)))
    inverse = list(np.argsort(perm))
    _identity_jacobian(lambda z: wnp.transpose(wnp.transpose(z, perm), inverse), x)
    order = data.draw(st.sampled_from(["C", "F"]))
    _identity_jacobian(lambda z: wnp.reshape(wnp.ravel(z, order), shape, order=order), x)
    axis = _axis(data, n)
    sections = data.draw(st.one_of(st.integers(1, 5), st.lists(st.integers(0, 5), max_size=3)
                                   .map(sorted)))
    _identity_jacobian(lambda z: wnp.concatenate(S.array_split(z, sections, axis), axis), x)
    if shape[axis % n] % 2 == 0:
        _identity_jacobian(lambda z: wnp.concatenate(np.split(z, 2, axis), axis), x)
    widths = [tuple(data.draw(st.lists(st.integers(0, 3), min_size=2, max_size=2)))
              for _ in shape]
    mode = data.draw(st.sampled_from(["constant", "edge", "wrap", "reflect", "symmetric",
                                      "linear_ramp", "mean", "median", "maximum",
                                      "minimum"]))
    inner = tuple(slice(b, b + s) for (b, _), s in zip(widths, shape))
    _identity_jacobian(lambda z: wnp.pad(z, widths, mode)[inner], x)
    shift = data.draw(st.integers(-7, 7))
    _identity_jacobian(lambda z: S.roll(S.roll(z, shift, axis), -shift, axis), x)
    if n >= 2:
        k = data.draw(st.integers(-4, 4))
        _identity_jacobian(lambda z: S.rot90(S.rot90(z, k, (0, n - 1)), -k, (0, n - 1)), x)
    _identity_jacobian(lambda z: wnp.squeeze(wnp.expand_dims(z, (0, -1)), (0, -1)), x)
    _identity_jacobian(lambda z: wnp.moveaxis(S.rollaxis(z, axis, 0), 0, axis), x)
    obj = data.draw(st.integers(0, shape[axis % n]))
    _identity_jacobian(lambda z: S.delete(S.insert(z, obj, 1.0, axis), obj, axis), x)


# -- reductions with ties split ---------------------------------------------------------------
@SETTINGS
@given(shape=SHAPES, seed=st.integers(0, 2**16), data=st.data())
def test_max_min_split_ties(shape, seed, data):
    # values from a small set: ties are common; each tied entry gets an equal share
    x = np.random.default_rng(seed).integers(0, 3, size=shape).astype(float)
    axis = data.draw(st.one_of(st.none(), st.just(_axes(data, len(shape)))))
    for ours, theirs in ((wnp.max, np.max), (wnp.min, np.min)):
        g = wengert.grad(lambda z: wnp.sum(ours(z, axis=axis)))(x)
        hit = x == theirs(x, axis=axis, keepdims=True)
        np.testing.assert_allclose(g, hit / hit.sum(axis=axis, keepdims=True))


@SETTINGS
@given(shape=SHAPES, seed=st.integers(0, 2**16), data=st.data())
def test_median_pad_splits_ties(shape, seed, data):
    x = np.random.default_rng(seed).integers(0, 3, size=shape).astype(float)
    axis = data.draw(st.integers(0, len(shape) - 1))
    widths = [(0, 0)] * len(shape)
    widths[axis] = (1, 0)
    g = wengert.grad(lambda z: wnp.sum(wnp.pad(z, widths, "median")[(slice(None),) * axis
                                                                   + (slice(0, 1),)]))(x)
    # the gradient of a median is 1/2 + 1/2 (or 1) spread over the tied middle entries:
    # it sums to 1 along the axis, and is positive only at entries equal to a middle value
    np.testing.assert_allclose(g.sum(axis=axis), np.ones_like(g.sum(axis=axis)))
    s = np.sort(x, axis=axis)
    n = shape[axis]
    lo = np.take(s, [(n - 1) // 2], axis=axis)
    hi = np.take(s, [n // 2], axis=axis)
    assert np.all((g > 0) <= ((x == lo) | (x == hi)))


# -- lists of traced pieces, errors ---------------------------------------------------------
def test_split_pieces_are_traced():
    x = np.arange(6.0)
    g = wengert.grad(lambda z: wnp.sum(S.split(z, 3)[0] * S.split(z, 3)[2]))(x)
    np.testing.assert_array_equal(g, [4.0, 5.0, 0.0, 0.0, 0.0, 1.0])
    jac = wengert.jacobian(lambda z: wnp.stack(np.array_split(z, 3)[:1] * 2))(x)
    assert jac.shape == (2, 2, 6)


def test_broadcast_arrays_container_matches_numpy():
    x = np.ones(3)
    out = wengert.make_vjp(lambda z: S.broadcast_arrays(z, np.ones((2, 1)))[0])(x)[1]
    assert out.shape == (2, 3)
    assert type(S.broadcast_arrays(x, x)) is type(np.broadcast_arrays(x, x))


@pytest.mark.parametrize("call, message", [
    (lambda z: wnp.pad(z, 1, "empty"), "mode='empty'"),
    (lambda z: wnp.pad(z, 1, "edge", constant_values=1), "takes no keyword"),
    (lambda z: wnp.pad(z, 1.5), "integral"),
    (lambda z: wnp.pad(z, -1), "negative"),
    (lambda z: S.split(z, 4), "equal sections"),
    (lambda z: S.vsplit(z, 2), "at least 2 dimensions"),
    (lambda z: S.rot90(z, 1, (0, 0)), "different"),
    (lambda z: IT.r_["r", z], "matrix"),
    (lambda z: IT.r_[z, "0,2"], "first entry"),
])
def test_errors_name_the_function(call, message):
    with pytest.raises((ValueError, TypeError), match="wengert.numpy"):
        try:
            wengert.grad(lambda z: wnp.sum(call(z)))(np.arange(3.0))
        except (ValueError, TypeError) as e:
            assert message in str(e), str(e)
            raise


def test_index_helpers_strip_traced_values():
    x = np.array([0.0, 2.0, 0.0, 3.0])

    def f(z):
        nz = np.flatnonzero(z)              # routed to the non-differentiable helper
        assert np.array_equal(nz, [1, 3]) and np.array_equal(IT.argwhere(z), [[1], [3]])
        rows, cols = IT.ix_(np.array([0, 1]), np.array([1]))
        assert rows.shape == (2, 1) and cols.shape == (1, 1)
        return wnp.sum(z[nz] ** 2)
    np.testing.assert_array_equal(wengert.grad(f)(x), [0.0, 4.0, 0.0, 6.0])
    assert IT.unravel_index(5, (2, 3)) == (1, 2)
    assert IT.ravel_multi_index((1, 2), (2, 3)) == 5
    assert IT.indices((2, 3)).shape == (2, 2, 3)
    np.testing.assert_array_equal(IT.tri(2), np.tri(2))
