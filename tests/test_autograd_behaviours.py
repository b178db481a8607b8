"""Behaviours that code written for HIPS/autograd relies on.

Packages built on autograd (lifelines, pyerrors, pymanopt) build arrays from
Python lists of traced values, use lists as operands, fill arrays with traced
values, and take Hessians through products with empty arrays.  Each test checks
values derived by hand, and ``check_grads`` compares both modes with finite
differences to second order where a derivative rule is involved.
"""
import numpy
import pytest

import wengert.numpy as np
from wengert import elementwise_grad, grad, hessian, jacobian, vmap
from wengert.extend import defvjp, primitive
from wengert.test_util import check_grads

X = 1.5   # a point where x * x and x differ, so list entries are told apart


def fd_grad(f, x, h=1e-6):
    """Centered-difference gradient of a scalar function of an array."""
    x = numpy.asarray(x, float)
    g = numpy.zeros_like(x)
    for i in numpy.ndindex(x.shape):
        e = numpy.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


# -- np.full / np.full_like with a traced fill value -------------------------------------------
def test_full_with_traced_fill_sums_the_copies():
    w = numpy.arange(6.0).reshape(2, 3)
    f = lambda x: np.sum(np.full((2, 3), x) * w)
    assert grad(f)(X) == pytest.approx(w.sum())
    check_grads(lambda x: np.full((2, 3), x) ** 2, modes=("fwd", "rev"), order=2)(X)


def test_full_broadcasts_a_traced_row():
    row = numpy.array([0.3, -0.7])
    assert np.full((3, 2), row).shape == (3, 2)
    # each entry of the row is copied 3 times
    numpy.testing.assert_allclose(grad(lambda r: np.sum(np.full((3, 2), r) ** 2))(row), 6 * row)
    check_grads(lambda r: np.sin(np.full((3, 2), r)), modes=("fwd", "rev"), order=2)(row)


def test_full_like_with_traced_fill_is_not_a_constant():
    # this was silently 0.0: full_like dropped the fill value's derivative
    assert grad(lambda x: np.sum(np.full_like(numpy.ones(3), x)))(X) == pytest.approx(3.0)
    assert grad(lambda x: np.sum(np.full_like(numpy.ones(3), x * x)))(X) == pytest.approx(6 * X)
    check_grads(lambda x: np.full_like(numpy.ones((2, 2)), x) ** 3, modes=("fwd", "rev"),
                order=2)(X)


def test_full_like_of_a_traced_array_takes_its_shape_and_dtype_only():
    a = numpy.array([1.0, 2.0, 3.0])
    # the result does not depend on the values of ``a``: with a traced fill, only the fill counts
    g = grad(lambda a, y: np.sum(np.full_like(a, y) * a), argnum=1)(a, 2.0)
    assert g == pytest.approx(a.sum())
    assert np.full_like(numpy.ones(2, numpy.float32), 1.5).dtype == numpy.float32


def test_full_with_plain_values_is_numpys():
    numpy.testing.assert_array_equal(np.full((2, 2), 7), numpy.full((2, 2), 7))
    assert np.full(3, 1.5, dtype=numpy.float32).dtype == numpy.float32


# -- reductions and constructors over Python lists of traced values ---------------------------
# (value of the function at X, its derivative at X), by hand: the list is [x * x, x]
LIST_REDUCTIONS = [
    ("sum", lambda x: np.sum([x * x, x]), X * X + X, 2 * X + 1),
    ("mean", lambda x: np.mean([x * x, x]), (X * X + X) / 2, (2 * X + 1) / 2),
    # var of two numbers a, b is ((a - b) / 2) ** 2; std is |a - b| / 2
    ("var", lambda x: np.var([x * x, x]), ((X * X - X) / 2) ** 2,
     (X * X - X) * (2 * X - 1) / 2),
    ("std", lambda x: np.std([x * x, x]), (X * X - X) / 2, (2 * X - 1) / 2),
    ("prod", lambda x: np.prod([x * x, x]), X ** 3, 3 * X * X),
    ("max", lambda x: np.max([x * x, x]), X * X, 2 * X),
    ("min", lambda x: np.min([x * x, x]), X, 1.0),
    ("amax of a tuple", lambda x: np.amax((x * x, x)), X * X, 2 * X),
    ("sum of nested lists", lambda x: np.sum([[x * x, 1.0], [x, 2.0]]), X * X + X + 3,
     2 * X + 1),
    ("cumsum", lambda x: np.cumsum([x * x, x])[-1], X * X + X, 2 * X + 1),
    ("average", lambda x: np.average([x * x, x], weights=[1.0, 3.0]), (X * X + 3 * X) / 4,
     (2 * X + 3) / 4),
    ("append lists", lambda x: np.sum(np.append([x * x], [x, 1.0])), X * X + X + 1, 2 * X + 1),
    ("concatenate lists", lambda x: np.sum(np.concatenate([[x * x], (x, 2.0)])),
     X * X + X + 2, 2 * X + 1),
    ("hstack scalars", lambda x: np.sum(np.hstack([x * x, x, 1.0])), X * X + X + 1, 2 * X + 1),
    ("diff", lambda x: np.diff([x, x * x])[0], X * X - X, 2 * X - 1),
    ("dot of lists", lambda x: np.dot([x * x, x], [2.0, 3.0]), 2 * X * X + 3 * X, 4 * X + 3),
    ("exp of a list", lambda x: np.sum(np.exp([x, 0.0])), numpy.exp(X) + 1, numpy.exp(X)),
]


@pytest.mark.parametrize("name, f, value, slope", LIST_REDUCTIONS,
                         ids=[c[0] for c in LIST_REDUCTIONS])
def test_reduction_over_a_list_of_traced_values(name, f, value, slope):
    assert f(X) == pytest.approx(value)
    assert grad(f)(X) == pytest.approx(slope)
    check_grads(f, modes=("fwd", "rev"), order=2)(X)


def test_list_of_traced_values_under_vmap():
    xs = numpy.array([0.5, 1.0, 2.0])
    numpy.testing.assert_allclose(vmap(lambda x: np.sum([x * x, x]))(xs), xs * xs + xs)
    numpy.testing.assert_allclose(vmap(grad(lambda x: np.mean([x * x, x])))(xs), (2 * xs + 1) / 2)


LIST_FUNCTIONS = [np.mean, np.var, np.std, np.prod, np.max, np.median, np.cumprod, np.sort,
                  np.ptp, np.diff, np.trapezoid, np.nansum, np.nanmean, np.nanvar, np.nanmax,
                  np.linalg.norm]


@pytest.mark.filterwarnings("ignore:wengert.vmap")  # median has no batching rule: a loop
@pytest.mark.parametrize("f", LIST_FUNCTIONS, ids=lambda f: f.__name__)
def test_list_of_traced_values_under_vmap_and_grad(f):
    # vmap over the examples equals a loop over them, for the value and the gradient
    # (at points where the three entries differ: no ties for max, median, sort)
    xs = numpy.array([0.5, 1.5, 3.0])
    build = lambda x: [x, 2 * x, x * x]
    numpy.testing.assert_allclose(vmap(lambda x: f(build(x)))(xs),
                                  [f(numpy.array(build(x))) for x in xs])
    numpy.testing.assert_allclose(
        vmap(grad(lambda x: np.sum(f(build(x)))))(xs),
        [fd_grad(lambda v: numpy.sum(f(numpy.array(build(v[0])))), [x])[0] for x in xs],
        rtol=1e-6, atol=1e-8)


def test_composites_read_plain_lists_as_numpy_does():
    # these indexed or powered their argument and failed on a plain list
    for ours, theirs, arg in ((np.diff, numpy.diff, [1.0, 2.0, 4.0]),
                              (np.trapezoid, numpy.trapezoid, [1.0, 2.0, 4.0]),
                              (np.vander, numpy.vander, [1.0, 2.0, 4.0]),
                              (np.sort, numpy.sort, [3.0, 1.0, 2.0]),
                              (np.unwrap, numpy.unwrap, [0.0, 6.0, 0.5])):
        numpy.testing.assert_allclose(ours(arg), theirs(arg))


def test_linalg_and_special_of_a_list_of_traced_values():
    from wengert.scipy.special import logsumexp
    x0 = numpy.array([0.7, 1.3])
    # log det [[a, 1], [2, b]] = log(ab - 2); slogdet's sign is a constant
    f = lambda x: np.linalg.slogdet([[x[0] * 4, 1.0], [2.0, x[1]]])[1]
    numpy.testing.assert_allclose(grad(f)(x0), fd_grad(f, x0), rtol=1e-6)
    check_grads(f, modes=("fwd", "rev"), order=2)(x0)
    g = lambda x: logsumexp([x[0], 2 * x[1]])
    numpy.testing.assert_allclose(grad(g)(x0), fd_grad(g, x0), rtol=1e-6)
    check_grads(g, modes=("fwd", "rev"), order=2)(x0)


# -- Python lists and tuples as operands -------------------------------------------------------
P = numpy.array([1.5, 2.0])

LIST_OPERANDS = [
    # (name, f, gradient of sum(f) at P, by hand)
    ("p / list", lambda p: p / [1.0, 2.0], numpy.array([1.0, 0.5])),
    ("list / p", lambda p: [1.0, 2.0] / p, -numpy.array([1.0, 2.0]) / P ** 2),
    ("p - tuple", lambda p: p - (1.0, 2.0), numpy.ones(2)),
    ("list - p", lambda p: [1.0, 2.0] - p, -numpy.ones(2)),
    ("p ** list", lambda p: p ** [2.0, 3.0], numpy.array([2 * P[0], 3 * P[1] ** 2])),
    ("list ** p", lambda p: [2.0, 3.0] ** p, numpy.log([2.0, 3.0]) * numpy.array([2.0, 3.0]) ** P),
    ("p @ nested list", lambda p: p @ [[1.0, 2.0], [3.0, 4.0]], numpy.array([3.0, 7.0])),
    ("divide(p, list)", lambda p: np.divide(p, [1.0, 2.0]), numpy.array([1.0, 0.5])),
    ("maximum(p, list)", lambda p: np.maximum(p, [1.0, 3.0]), numpy.array([1.0, 0.0])),
    ("where(mask, list, p)", lambda p: np.where([True, False], [5.0, 6.0], p * p),
     numpy.array([0.0, 2 * P[1]])),
]


@pytest.mark.parametrize("name, f, expected", LIST_OPERANDS, ids=[c[0] for c in LIST_OPERANDS])
def test_list_operand(name, f, expected):
    numpy.testing.assert_allclose(grad(lambda p: np.sum(f(p)))(P), expected)
    check_grads(f, modes=("fwd", "rev"), order=2)(P)


def test_index_tuples_and_lists_stay_indices():
    x = numpy.arange(6.0).reshape(2, 3)
    # x[(1, 2)] is one element; x[[1, 0]] picks rows: neither is an array operand
    g = grad(lambda x: x[(1, 2)] + np.sum(x[[1, 0]][0]))(x)
    expected = numpy.zeros((2, 3))
    expected[1, 2] += 1
    expected[1] += 1
    numpy.testing.assert_array_equal(g, expected)


def test_user_primitives_receive_their_sequences_unchanged():
    # a user primitive (autograd's extend API) sees a tuple as a tuple, as in autograd
    seen = []

    @primitive
    def first_times(pair, x):
        seen.append(type(pair))
        return pair[0] * x

    defvjp(first_times, None, lambda ans, pair, x: lambda g: g * pair[0])
    assert grad(lambda x: first_times((3.0, "label"), x), argnum=0)(2.0) == 3.0
    assert seen == [tuple]


# -- products with a zero-length dimension -----------------------------------------------------
def test_hessian_through_a_product_with_an_empty_matrix():
    p = numpy.array([1.0, 2.0, 3.0])
    f = lambda p: np.sum((np.zeros((0, 3)) @ p) ** 2) + np.sum(p ** 3)
    numpy.testing.assert_allclose(hessian(f)(p), numpy.diag(6 * p))
    g = lambda p: np.sum((np.zeros((2, 0)) @ np.zeros((0, 3)) @ np.outer(p, p)) ** 2) + np.sum(p ** 3)
    numpy.testing.assert_allclose(hessian(g)(p), numpy.diag(6 * p))
    assert jacobian(lambda p: np.zeros((0, 3)) @ p)(p).shape == (0, 3)


def test_vmap_of_products_with_a_zero_length_axis():
    assert vmap(lambda x: np.zeros((4, 0)) @ x)(numpy.zeros((5, 0, 2))).shape == (5, 4, 2)
    assert vmap(lambda x: x @ numpy.zeros((0, 2)))(numpy.zeros((5, 3, 0))).shape == (5, 3, 2)


def test_elementwise_grad_through_list_built_arrays():
    xs = numpy.array([0.5, 1.0, 2.0])
    numpy.testing.assert_allclose(
        elementwise_grad(lambda x: np.sum(np.array([x * x, x]), axis=0))(xs), 2 * xs + 1)


# -- transforms that choose their mode ---------------------------------------------------------
def test_jacobian_of_a_reverse_only_primitive_uses_reverse_mode():
    # autograd's extend API defines reverse rules only; autograd's jacobian is reverse mode.
    # wengert's picks forward mode for a tall Jacobian, unless a recorded operation lacks a
    # forward rule (autograd-gamma's gammainc, pyerrors' special functions).
    @primitive
    def cube(x):
        return x ** 3

    defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)
    x = numpy.array([1.0, 2.0])
    j = jacobian(lambda s: cube(x * s))(1.5)
    numpy.testing.assert_allclose(j, 3 * x ** 3 * 1.5 ** 2)
    # with a forward rule the forward path answers the same
    numpy.testing.assert_allclose(jacobian(lambda s: (x * s) ** 3)(1.5), j)


def test_full_and_full_like_with_a_list_fill_holding_traced_values():
    # each of the two columns is filled 3 times: 3 * (1 + 2) = 9 (full_like gave a silent 0)
    a = numpy.ones((3, 2))
    assert grad(lambda x: np.sum(np.full_like(a, [x, 2 * x])))(X) == pytest.approx(9.0)
    assert grad(lambda x: np.sum(np.full((3, 2), [x, 2 * x])))(X) == pytest.approx(9.0)
    check_grads(lambda x: np.full_like(a, [x, x * x]) ** 2, modes=("fwd", "rev"), order=2)(X)
