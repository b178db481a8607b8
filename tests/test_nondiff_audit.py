"""Functions declared non-differentiable really are (locally constant); the ones that
were declared so by mistake have rules; traced keyword arguments, pickling, formatting,
tables started with zeros_like and writes into plain arrays behave (issue 12)."""
import pickle

import numpy
import pytest

import wengert
import wengert.extend
import wengert.numpy as np
from wengert.test_util import check_grads

X = numpy.array([0.37, -1.21, 2.63, 1.94, -0.52])
C = numpy.array([0.11, 5.0, -0.93])         # none of X's values

# Every function of wengert.numpy declared non-differentiable, applied to float inputs:
# its value must not move when the input moves a little (a derivative of 0 is then
# right).  A differentiable function declared non-differentiable fails here.
NONDIFF = {
    "sign": np.sign, "floor": np.floor, "ceil": np.ceil, "rint": np.rint,
    "trunc": np.trunc, "fix": np.fix, "round": np.round, "around": np.around,
    "floor_divide": lambda x: np.floor_divide(x, 0.7), "spacing": np.spacing,
    "isfinite": np.isfinite, "isnan": np.isnan, "isinf": np.isinf, "signbit": np.signbit,
    "isneginf": np.isneginf, "isposinf": np.isposinf,
    "equal": lambda x: np.equal(x, 0.5), "less": lambda x: np.less(x, 0.5),
    "greater_equal": lambda x: np.greater_equal(x, 0.5), "isclose": lambda x: np.isclose(x, 0.5),
    "logical_and": lambda x: np.logical_and(x > 0, x < 2), "logical_not": lambda x: np.logical_not(x > 0),
    "argmax": np.argmax, "argmin": np.argmin, "argsort": np.argsort, "nonzero": np.nonzero,
    "count_nonzero": lambda x: np.count_nonzero(x > 0), "all": lambda x: np.all(x > -2),
    "any": lambda x: np.any(x > 2), "argpartition": lambda x: np.argpartition(x, 2),
    "nanargmax": np.nanargmax, "nanargmin": np.nanargmin, "lexsort": lambda x: np.lexsort([x]),
    "digitize": lambda x: np.digitize(x, [-1.0, 0.0, 1.0]),
    "searchsorted": lambda x: np.searchsorted([-1.0, 0.0, 1.0], x),
    "isin": lambda x: np.isin(x, C), "argwhere": lambda x: np.argwhere(x > 0),
    "flatnonzero": lambda x: np.flatnonzero(x > 0), "iscomplex": np.iscomplex,
    "isreal": np.isreal, "array_equal": lambda x: np.array_equal(x, C),
    "shape": np.shape, "ndim": np.ndim, "size": np.size,
    "heaviside(x, constant)": lambda x: np.heaviside(x, 0.5),
    "frexp exponent": lambda x: np.frexp(x)[1],
    "histogram counts": lambda x: np.histogram(x, bins=[-2.0, 0.0, 1.0, 3.0])[0],
    "unique counts": lambda x: np.unique(x, return_counts=True)[1],
    "matrix_rank": lambda x: np.linalg.matrix_rank(numpy.outer(x, x) + numpy.eye(5)),
}


@pytest.mark.parametrize("name", sorted(NONDIFF))
def test_declared_nondifferentiable_is_locally_constant(name):
    f = NONDIFF[name]
    moved = X + 1e-7 * numpy.random.default_rng(0).standard_normal(X.shape)
    for a, b in zip(numpy.atleast_1d(f(X)), numpy.atleast_1d(f(moved))):
        numpy.testing.assert_array_equal(a, b)
    c = f(X)
    if numpy.shape(c) == X.shape:   # applied to traced values: a constant (derivative 0)
        g = wengert.grad(lambda v: np.sum(np.asarray(f(v), dtype=float) * v))(X)
        numpy.testing.assert_array_equal(g, numpy.asarray(c, dtype=float))


def test_ldexp_example_from_the_issue():
    g = wengert.grad(lambda x: np.sum(np.ldexp(x, 2)) + np.sum(x))(numpy.array([1.0, 2.0]))
    numpy.testing.assert_array_equal(g, [5.0, 5.0])


@pytest.mark.parametrize("f", [
    lambda x: np.frexp(x)[0] * 3.0,
    lambda x: np.nextafter(x, 0.0),
    lambda x: np.unique(np.concatenate([x, x[:2]])) ** 2,
    lambda x: np.union1d(x, C) ** 2,
    lambda x: np.intersect1d(x, np.concatenate([x[1:3], C])) ** 3,
    lambda x: np.setdiff1d(x, x[:2]) ** 2,
    lambda x: np.setxor1d(x, np.concatenate([x[:1], C[1:]])) ** 2,
    lambda x: np.heaviside(numpy.array([0.0, 1.0, -1.0, 0.0, 2.0]), x) * x,
], ids=["frexp", "nextafter", "unique", "union1d", "intersect1d", "setdiff1d", "setxor1d",
        "heaviside(·, h)"])
def test_once_nondifferentiable_functions_have_rules(f):
    check_grads(f, order=2)(X)
    assert numpy.any(wengert.elementwise_grad(lambda x: np.sum(f(x)))(X) != 0)


def test_set_operations_match_numpy_values():
    y = numpy.concatenate([X[1:3], C])
    for name, args in (("unique", (X,)), ("union1d", (X, y)), ("intersect1d", (X, y)),
                       ("setdiff1d", (X, y)), ("setxor1d", (X, y))):
        got = wengert.value_and_grad(lambda x: np.sum(getattr(np, name)(x, *args[1:])))(X)[0]
        numpy.testing.assert_array_equal(got, numpy.sum(getattr(numpy, name)(*args)))


def test_histogram_matches_numpy_and_is_linear_in_weights():
    w = numpy.arange(1.0, 6.0)
    for bins, density in ((3, False), (3, True), ([-2.0, 0.0, 1.0, 3.0], True)):
        want = numpy.histogram(X, bins, weights=w, density=density)
        got = wengert.value_and_grad(
            lambda v: np.sum(np.histogram(X, bins, weights=v, density=density)[0]))(w)
        numpy.testing.assert_allclose(got[0], want[0].sum(), rtol=1e-15)
    g = wengert.grad(lambda v: np.histogram(X, [-2.0, 0.0, 3.0], weights=v)[0][0])(w)
    numpy.testing.assert_array_equal(g, [0, 1, 0, 0, 1])


def test_traced_keyword_arguments_do_not_recurse():
    idx = numpy.array([0, 1, 1, 3, 0])
    g = wengert.grad(lambda x: np.sum(np.bincount(idx, weights=x) ** 2))(X)
    numpy.testing.assert_allclose(g, 2 * numpy.bincount(idx, weights=X)[idx])
    g = wengert.grad(lambda x: np.sum(numpy.bincount(idx, weights=x) ** 2))(X)
    numpy.testing.assert_allclose(g, 2 * numpy.bincount(idx, weights=X)[idx])
    g = wengert.grad(lambda x: numpy.histogram(X, bins=2, weights=x)[0][0])(X)
    numpy.testing.assert_array_equal(g, X < numpy.histogram_bin_edges(X, 2)[1])
    g = wengert.grad(lambda x: np.sum(numpy.isin(x, test_elements=x) * x))(X)
    numpy.testing.assert_array_equal(g, numpy.ones(5))
    a = numpy.diag([2.0, 4.0, 5.0, 8.0, 10.0])
    g = wengert.grad(lambda x: np.sum(numpy.linalg.solve(a, b=x)))(X)
    numpy.testing.assert_allclose(g, 1 / numpy.diag(a))


def test_traced_keyword_only_argument_names_the_fix():
    prim = wengert.extend.primitive(lambda x, *, scale: x * scale)
    with pytest.raises(TypeError, match="keyword argument scale= is a traced value"):
        wengert.grad(lambda s: prim(2.0, scale=s))(1.0)


def test_pickling_a_traced_value_raises():
    with pytest.raises(TypeError, match="stop_gradient"):
        wengert.grad(lambda x: np.sum(pickle.loads(pickle.dumps(x))))(X)
    with pytest.raises(TypeError, match="pickling"):
        wengert.deriv(lambda x: pickle.loads(pickle.dumps(x)))(1.0)


def test_formatting_a_traced_scalar_formats_its_value():
    seen = []
    wengert.grad(lambda x: (seen.append(f"{x:.3f}|{x}"), x * 2)[1])(1.0)
    wengert.deriv(lambda x: (seen.append(f"{x:+.1e}"), x * 2)[1])(2.0)
    assert seen[0].startswith("1.000|") and seen[1] == "+2.0e+00"


def _write_plain(x):
    table = numpy.zeros(3)
    table[0] = x
    return np.sum(table)


@pytest.mark.parametrize("transform", [wengert.grad, wengert.deriv])
def test_writing_a_traced_value_into_a_plain_array_says_how_to_fix_it(transform):
    with pytest.raises(TypeError, match="as_traced"):
        transform(_write_plain)(1.0)


def test_writing_into_a_plain_array_under_a_tape():
    with pytest.raises(TypeError, match="as_traced"):
        with wengert.Tape() as tape:
            _write_plain(tape.watch(numpy.float64(1.0)))


def _squares(x):
    table = np.zeros_like(x)
    for i in range(len(x)):
        table[i] = x[i] ** 2
    return np.sum(table * np.ones_like(x)) + np.sum(np.full_like(x, 0.5) * x)


def test_zeros_like_of_a_traced_value_records_writes():
    want = 2 * X + 0.5
    numpy.testing.assert_allclose(wengert.grad(_squares)(X), want)
    numpy.testing.assert_allclose(wengert.jvp(_squares, (X,), (numpy.ones(5),))[1], want.sum())
    numpy.testing.assert_allclose(wengert.compile(wengert.grad(_squares))(X), want)
    numpy.testing.assert_allclose(wengert.vmap(wengert.grad(_squares))(numpy.stack([X, X])),
                                  numpy.stack([want, want]))
    numpy.testing.assert_allclose(wengert.hessian(_squares)(X), 2 * numpy.eye(5))
    assert type(np.zeros_like(X)) is numpy.ndarray        # plain values stay plain
    assert np.zeros_like(X, dtype=int).dtype.kind == "i"


def test_full_like_is_differentiable_in_its_fill_value():
    g = wengert.grad(lambda x: np.sum(np.full_like(X, x[0]) * X))(X)
    numpy.testing.assert_allclose(g, [X.sum(), 0, 0, 0, 0])


def test_stack_of_nothing_is_numpys_error():
    for f in (np.stack, np.concatenate):
        with pytest.raises(ValueError, match="need at least one array"):
            f([])
