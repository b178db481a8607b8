"""Agreement with NumPy for the functions beyond ufuncs and basic reductions
(products, differences, sorting, order statistics, selection, special elementwise
functions): the same values, shapes and dtypes on traced inputs, plain NumPy calls
routed to wengert's rules, and NumPy's argument errors raised with the function
and the fix named."""
import numpy as np
import pytest

import wengert
import wengert.numpy as wnp


@pytest.mark.parametrize("name, ours, theirs", [
    ("sort", lambda x: wnp.sort(x, axis=0), lambda x: np.sort(x, axis=0)),
    ("sort(None)", lambda x: wnp.sort(x, axis=None), lambda x: np.sort(x, axis=None)),
    ("partition", lambda x: wnp.partition(x, 2, axis=1), lambda x: np.partition(x, 2, axis=1)),
    ("quantile", lambda x: wnp.quantile(x, [0.1, 0.5, 0.77], axis=1, keepdims=True),
     lambda x: np.quantile(x, [0.1, 0.5, 0.77], axis=1, keepdims=True)),
    ("percentile", lambda x: wnp.percentile(x, 33.0, axis=(0, 1)),
     lambda x: np.percentile(x, 33.0, axis=(0, 1))),
    ("median", lambda x: wnp.median(x, axis=0), lambda x: np.median(x, axis=0)),
    ("median(None)", wnp.median, np.median),
    ("diff", lambda x: wnp.diff(x, 2, prepend=0.0), lambda x: np.diff(x, 2, prepend=0.0)),
    ("average", lambda x: wnp.average(x, 1, [1.0, 2.0, 3.0, 4.0, 5.0]),
     lambda x: np.average(x, 1, [1.0, 2.0, 3.0, 4.0, 5.0])),
    ("ptp", lambda x: wnp.ptp(x, 0), lambda x: np.ptp(x, 0)),
    ("prod", lambda x: wnp.prod(x, 1), lambda x: np.prod(x, 1)),
    ("cumprod", lambda x: wnp.cumprod(x, 0), lambda x: np.cumprod(x, 0)),
    ("select", lambda x: wnp.select([x > 0.5, x < -0.5], [x, 2 * x], -1.0),
     lambda x: np.select([x > 0.5, x < -0.5], [x, 2 * x], -1.0)),
    ("piecewise", lambda x: wnp.piecewise(x, [x > 0.5, x > 0], [wnp.sin, wnp.exp, 7.0]),
     lambda x: np.piecewise(x, [x > 0.5, x > 0], [np.sin, np.exp, 7.0])),
    ("choose", lambda x: wnp.choose((x > 0).astype(int), [x, -x]),
     lambda x: np.choose((x > 0).astype(int), [x, -x])),
    ("extract", lambda x: wnp.extract(x > 0, x), lambda x: np.extract(x > 0, x)),
    ("compress", lambda x: wnp.compress([1, 0, 1], x, 0), lambda x: np.compress([1, 0, 1], x, 0)),
    ("sinc", wnp.sinc, np.sinc), ("i0", wnp.i0, np.i0), ("angle", lambda x: wnp.angle(x + 1j * x[::-1]),
                                                     lambda x: np.angle(x + 1j * x[::-1])),
])
def test_traced_values_equal_numpy(name, ours, theirs):
    x = np.random.default_rng(3).uniform(-2.0, 2.0, (3, 5))
    _, value = wengert.make_vjp(ours)(x)
    expected = theirs(x)
    assert np.shape(value) == np.shape(expected) and np.result_type(value) == expected.dtype
    np.testing.assert_array_equal(value, expected)


def test_plain_numpy_calls_dispatch_here():
    x = np.array([3.0, 0.0, 2.0])
    np.testing.assert_array_equal(wengert.grad(lambda v: np.prod(v))(x), [0.0, 6.0, 0.0])
    np.testing.assert_array_equal(wengert.grad(lambda v: np.sort(v)[0])(x), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(wengert.grad(lambda v: np.nansum(v * np.sinc(v)))(x),
                                  wengert.grad(lambda v: wnp.sum(v * wnp.sinc(v)))(x))


def test_errors_name_the_function_and_fix():
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"quantile.*not a valid method; use one of"):
        wengert.grad(lambda v: wnp.quantile(v, 0.5, method="no-such-method"))(x)
    with pytest.raises(ValueError, match=r"[Qq]uantiles? must be in the range \[0, 1\]"):
        wengert.grad(lambda v: wnp.quantile(v, 1.5))(x)
    with pytest.raises(ValueError, match=r"choose.*mode='wrap'"):
        wengert.grad(lambda v: wnp.sum(wnp.choose(np.array([0, 2, 1]), [v, v])))(x)
    with pytest.raises(ValueError, match=r"diff.*non-negative"):
        wengert.grad(lambda v: wnp.sum(wnp.diff(v, -1)))(x)
    with pytest.raises(TypeError, match=r"average.*axis must be given"):
        wengert.grad(lambda v: wnp.average(v[None], weights=v))(x)
    with pytest.raises(ZeroDivisionError, match=r"average.*sum to zero"):
        wengert.grad(lambda v: wnp.average(v, weights=v - 2.0))(x)
    with pytest.raises(TypeError, match=r"select.*entry 0.*boolean"):
        wengert.grad(lambda v: wnp.sum(wnp.select([np.array([1, 0, 1])], [v])))(x)
    with pytest.raises(ValueError, match=r"piecewise.*funclist"):
        wengert.grad(lambda v: wnp.sum(wnp.piecewise(v, [v > 1], [wnp.sin, wnp.cos, 1.0])))(x)
