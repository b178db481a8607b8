"""Statistics beyond the op table: the NaN-ignoring reductions skip NaNs (a zero
cotangent, finite even for an all-NaN slice) and cov with frequency and observation
weights (values equal NumPy's, derivatives in the data and the weights, and NumPy's
weight errors)."""
import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert.test_util import check_grads


def test_nan_reductions_ignore_nans():
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanmean(x, axis=1)
    with np.errstate(all="ignore"):          # 0 / 0 in the all-NaN row, as in NumPy
        g = wengert.grad(lambda x: wnp.nanmean(x, axis=1)[0])(x)
    np.testing.assert_array_equal(g, [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0]])
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(wnp.nanmean(x, axis=1), expected)
    for f in (wnp.nansum, wnp.nanmean, wnp.nanvar, wnp.nanstd, wnp.nanmax, wnp.nanmin, wnp.nanprod):
        with np.errstate(all="ignore"):      # the all-NaN row
            g = wengert.grad(lambda v: f(v, axis=1)[0])(x)
        assert np.isfinite(g).all() and (g[np.isnan(x)] == 0).all(), f.__name__
    assert np.isnan(wnp.nanmax(x, axis=1)[1])
    np.testing.assert_array_equal(wengert.grad(lambda v: wnp.nanmax(v, axis=1)[1])(x), np.zeros((2, 3)))


@pytest.mark.parametrize("kw", [dict(fweights=[1, 2, 1, 3, 2]), dict(aweights=True),
                                dict(fweights=[1, 2, 1, 3, 2], aweights=True),
                                dict(fweights=[1, 2, 1, 3, 2], aweights=True, ddof=0),
                                dict(aweights=True, bias=True),
                                dict(aweights=True, ddof=2, rowvar=False)])
def test_cov_weights(kw):
    rng = np.random.default_rng(4)
    kw = dict(kw)
    a = rng.uniform(0.5, 2.0, 5) if kw.pop("aweights", None) else None
    m = rng.standard_normal((5, 3) if kw.get("rowvar") is False else (3, 5))
    np.testing.assert_allclose(wnp.cov(m, aweights=a, **kw),
                                  np.cov(m, aweights=a, **kw), rtol=1e-13)
    check_grads(lambda m: wnp.cov(m, aweights=a, **kw), modes=["fwd", "rev"], order=2)(m)
    if a is not None:
        check_grads(lambda a: wnp.cov(m, aweights=a, **kw), modes=["fwd", "rev"], order=2)(a)


@pytest.mark.parametrize("kw, err, text", [
    (dict(fweights=[1.5, 1, 1]), TypeError, "fweights must be integer"),
    (dict(fweights=[[1, 1, 1]]), RuntimeError, "multidimensional fweights"),
    (dict(aweights=[1.0, 1.0]), RuntimeError, "2 weights for 3 observations"),
    (dict(aweights=[-1.0, 1.0, 1.0]), ValueError, "aweights cannot be negative")])
def test_cov_weight_errors(kw, err, text):
    m = np.array([[0.0, 1.0, 3.0], [1.0, 0.0, 2.0]])
    with pytest.raises(err, match=text):
        wengert.grad(lambda m: wnp.sum(wnp.cov(m, **kw)))(m)
    with pytest.raises(err):
        np.cov(m, **kw)
