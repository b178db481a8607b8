"""grad of the usual parameter lists (lists and tuples of arrays and floats, or of lists
and tuples of them), which the reverse trace splits without a tree walk: the gradient
has the argument's structure, container types and values, as for any other tree."""
from collections import namedtuple

import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert.transforms._readings import _flatten_input, _unflatten_input
from wengert import tree


def _loss(p):
    leaves = tree.leaves(p)
    return sum(np.sum(np.tanh(v) * (k + 1)) for k, v in enumerate(leaves))


def _expected(p):
    leaves, td = tree.flatten(p)
    return tree.unflatten(td, [(k + 1) * (1 - numpy.tanh(v) ** 2) for k, v in enumerate(leaves)])


P = namedtuple("P", "w b")
A, B, C = numpy.linspace(-1, 1, 6).reshape(2, 3), numpy.array([0.3, -0.2, 0.1]), 0.7

CASES = {
    "list of pairs": [(A, B), (A.T, B[:2])],
    "pairs with floats and float32": [(A, C), (B.astype(numpy.float32), A)],
    "tuple of pairs and lists": ((A, B), [A, B]),
    "tuple of lists": ([A, B], [C]),
    "flat list with a float": [A, C, B],
    "empty pair": [(A, B), ()],
    "a pair and a lone array": [(A, B), A],
    "deeper nesting (tree path)": [[(A, B)], [C]],
    "namedtuple inside (tree path)": [P(A, B)],
    "dict inside (tree path)": [{"w": A}, B],
}


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_keeps_the_structure_and_values(name):
    p = CASES[name]
    g = wengert.grad(_loss)(p)
    want = _expected(p)
    assert tree.flatten(g)[1] == tree.flatten(want)[1]
    for gi, wi in zip(tree.leaves(g), tree.leaves(want)):
        numpy.testing.assert_allclose(gi, wi, rtol=1e-13)
        assert type(gi) is type(wi) or (isinstance(wi, float) and numpy.ndim(gi) == 0)


def test_split_and_rebuild_are_inverse():
    for p in CASES.values():
        leaves, spec = _flatten_input(p)
        assert len(leaves) == len(tree.leaves(p))
        assert all(a is b for a, b in zip(leaves, tree.leaves(p)))
        back = _unflatten_input(spec, leaves)
        assert tree.flatten(back)[1] == tree.flatten(p)[1]
        assert all(a is b for a, b in zip(tree.leaves(back), tree.leaves(p)))


def test_an_integer_array_in_a_pair_is_differentiated_as_floats():
    g = wengert.grad(lambda p: np.sum(p[0][0] * p[0][1]))([(numpy.arange(3), A[0])])
    assert g[0][0].dtype == numpy.float64
    numpy.testing.assert_array_equal(g[0][0], A[0])
    numpy.testing.assert_array_equal(g[0][1], numpy.arange(3.0))
