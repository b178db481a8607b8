"""Sorting beyond the op table: the cotangents of ties follow the stable order, and
sorting structured arrays by field (``order=``) on traced values is a clear error
that names the way around it."""
import numpy as np
import pytest

import wengert
import wengert.numpy as wnp


def test_sort_ties_follow_stable_order():
    x = np.array([2.0, 1.0, 2.0, 1.0])
    weights = np.array([1.0, 10.0, 100.0, 1000.0])
    g = wengert.grad(lambda v: wnp.sum(wnp.sort(v) * weights))(x)
    np.testing.assert_array_equal(g, [100.0, 1.0, 1000.0, 10.0])    # stable argsort
    g = wengert.grad(lambda v: wnp.median(v))(np.array([3.0, 1.0, 2.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.5, 0.5])


def test_sort_order_on_traced_values_is_a_clear_error():
    rec = np.array([(2.0, 1.0), (1.0, 5.0)], dtype=[("a", float), ("b", float)])
    np.testing.assert_array_equal(wnp.sort(rec, order="a"), np.sort(rec, order="a"))
    for fun in (lambda x: wnp.sort(x, order="a"), lambda x: np.sort(x, order="a"),
                lambda x: wnp.partition(x, 1, order="a")):
        with pytest.raises(ValueError, match="no fields.*argsort"):
            wengert.grad(lambda x: wnp.sum(fun(x)))(np.ones(3))
    # the way the message suggests: one permutation for every traced column
    i = np.argsort(rec, order="a")
    g = wengert.grad(lambda v: v[i][0] * 10.0 + v[i][1])(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(g, [1.0, 10.0])
