"""Op specs of sorting, order statistics and selection (see ``_table.py`` for the spec
format): sort, partition, take_along_axis; median, quantile and percentile with every
method, and their NaN-ignoring forms; select, choose, extract, compress, piecewise."""
import numpy as np

import wengert.numpy as wnp
from wengert.numpy import _sorting
from ._table import ANY, INDEX, NONZERO, NUMPY2, bands, nans, spec

# -- sorting and order statistics ---------------------------------------------------------
SORTING = [
    spec(wnp.sort, (5,), covers=[wnp.sort, wnp.take_along_axis, *INDEX]),
    spec(lambda x: wnp.sort(x, axis=0), (3, 2), name="sort(axis=0)", covers=[wnp.sort, *INDEX]),
    spec(lambda x: wnp.sort(x, axis=None), (2, 3), name="sort(axis=None)",
         covers=[wnp.sort, wnp.ravel, *INDEX]),
    spec(lambda x: wnp.sort(x, axis=1), (2, 3, 2), dtype=np.complex128, name="sort(axis=1)",
         covers=[wnp.sort, *INDEX]),
    spec(lambda x: wnp.sort(x), (2, 3), dtype=np.float32, name="sort", covers=[wnp.sort, *INDEX]),
    # ties: the copies of x are equal; their cotangents follow the stable order
    spec(lambda x: wnp.sort(wnp.concatenate([x, x])) * np.arange(6.0), (3,),
         name="sort(ties)", covers=[wnp.sort, *INDEX]),
    spec(lambda x: np.sort(x, axis=0), (2, 3), name="np.sort(axis=0)", covers=[wnp.sort]),
    spec(wnp.msort, (3, 2), covers=[wnp.msort, wnp.sort]),
    spec(lambda x: wnp.partition(x, 2), (5,), name="partition(2)",
         covers=[wnp.partition, *INDEX]),
    spec(lambda x: wnp.partition(x, (0, 2), axis=0), (4, 2), name="partition((0,2),axis=0)",
         covers=[wnp.partition, *INDEX]),
    spec(lambda x: wnp.partition(x, 1, axis=None), (2, 3), name="partition(1,axis=None)",
         covers=[wnp.partition, *INDEX]),
    spec(lambda x: wnp.take_along_axis(x, np.array([[2, 0, 0], [1, 1, 2]]), 1), (2, 3),
         name="take_along_axis(axis=1)", covers=[wnp.take_along_axis, *INDEX]),
    spec(lambda x: wnp.take_along_axis(x, np.array([[1], [0], [1]]), 0), (2, 1),
         name="take_along_axis(axis=0)", covers=[wnp.take_along_axis, *INDEX]),
    spec(lambda x: wnp.take_along_axis(x, np.array([3, 0, 3]), None), (2, 2),
         name="take_along_axis(axis=None)", covers=[wnp.take_along_axis, *INDEX]),
    spec(wnp.median, (5,)),
    spec(wnp.median, (4,)),
    spec(lambda x: wnp.median(x, axis=1), (2, 4), name="median(axis=1)", covers=[wnp.median]),
    spec(lambda x: wnp.median(x, axis=(0, 2), keepdims=True), (2, 3, 2),
         name="median(axis=(0,2),keepdims)", covers=[wnp.median]),
    spec(lambda x: wnp.median(x, axis=0), (3, 2), dtype=np.float32, name="median(axis=0)",
         covers=[wnp.median]),
    spec(lambda x: wnp.quantile(x, 0.3), (5,), name="quantile(0.3)", covers=[wnp.quantile]),
    spec(lambda x: wnp.quantile(x, [0.1, 0.8], axis=1, keepdims=True), (2, 4),
         name="quantile([.1,.8],axis=1,keepdims)", covers=[wnp.quantile]),
    spec(lambda x: wnp.quantile(x, np.array([[0.25], [0.9]]), axis=0), (4, 3),
         name="quantile(q 2-d,axis=0)", covers=[wnp.quantile]),
    spec(lambda x: wnp.quantile(x, 0.6, axis=(0, 2)), (2, 3, 2), dtype=np.float32,
         name="quantile(.6,axis=(0,2))", covers=[wnp.quantile]),
    # q between the sample points (q (n - 1) not an integer)
    spec(lambda q: wnp.quantile(np.array([3.0, -1.0, 2.0, 0.5]), q), (3,),
         domain=bands((0.05, 0.3), (0.36, 0.63), (0.7, 0.95)), name="quantile(q)",
         covers=[wnp.quantile]),
    spec(lambda x: wnp.percentile(x, [20, 75], axis=0), (5, 2), name="percentile",
         covers=[wnp.percentile]),
    spec(lambda x, q: wnp.percentile(x, q), (5,), (), domain=[ANY, (30.0, 45.0)],
         name="percentile(q)", covers=[wnp.percentile]),
    spec(lambda x: np.median(x) + np.quantile(x, 0.2) + np.percentile(x, 90.0), (4,),
         name="np.median+np.quantile+np.percentile",
         covers=[wnp.median, wnp.quantile, wnp.percentile]),
]


def q_between_kinks(method, n):
    """q where ``method``'s virtual index into n sorted values is strictly inside
    (0, n - 1) and far from an integer: the weight of the upper order statistic is then
    a smooth function of q (at integers it jumps or the interpolation changes pieces)."""
    grid = np.linspace(0.02, 0.98, 97)
    v = _sorting._CONTINUOUS[method][0](n, grid)
    good = grid[(v > 0.3) & (v < n - 1.3) & (np.abs(v % 1 - 0.5) < 0.2)]
    return bands(*[(g - 0.003, g + 0.003) for g in good[::max(1, len(good) // 4)]])


SMOOTH_IN_Q = ["linear", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased",
               "normal_unbiased"]
SAMPLE4 = np.array([0.5, -1.0, 2.0, 0.25])
WEIGHTS = np.array([[1.0, 0.0, 2.0, 0.5], [0.25, 3.0, 1.0, 1.0]])
MASK34 = np.array([[True, True, False, True], [False, True, False, False],
                   [True, True, True, True]])            # 3, 1 and 4 entries are not NaN
ALL_NAN_ROW = np.array([[True, False, True, True], [False, False, False, False]])

# every method: random samples have no ties (where the order statistics switch)
QUANTILE_METHODS = [
    spec(lambda x, m=m: wnp.quantile(x, [0.0, 0.1, 0.35, 0.8, 1.0], method=m), (5,),
         name=f"quantile(method={m})", covers=[wnp.quantile, *INDEX])
    for m in _sorting.METHODS
] + [
    spec(lambda q, m=m: wnp.quantile(SAMPLE4, q, method=m), (3,),
         domain=q_between_kinks(m, 4), name=f"quantile(q,method={m})", covers=[wnp.quantile])
    for m in SMOOTH_IN_Q
] + [
    spec(lambda x: wnp.quantile(x, 0.4, axis=0, method="hazen", keepdims=True), (4, 3),
         name="quantile(axis=0,hazen,keepdims)", covers=[wnp.quantile]),
    spec(lambda x: wnp.quantile(x, [0.3, 0.9], axis=(0, 2), method="closest_observation"),
         (2, 3, 2), name="quantile(axis=(0,2),closest_observation)", covers=[wnp.quantile]),
    spec(lambda x: wnp.percentile(x, [20, 75], axis=1, method="nearest"), (2, 5),
         name="percentile(axis=1,nearest)", covers=[wnp.percentile]),
    spec(lambda x: wnp.percentile(x, 40.0, axis=1, method="midpoint"), (2, 4),
         dtype=np.float32, name="percentile(axis=1,midpoint)",
         covers=[wnp.percentile]),
    spec(lambda x: wnp.quantile(x, [0.2, 0.5], axis=0, method="median_unbiased"), (5, 2),
         dtype=np.float32, name="quantile(axis=0,median_unbiased)", covers=[wnp.quantile]),
    spec(lambda x, q: wnp.percentile(x, q, method="normal_unbiased"), (4,), (),
         domain=[ANY, lambda rng, s: 100 * q_between_kinks("normal_unbiased", 4)(rng, s)],
         name="percentile(x,q,normal_unbiased)", covers=[wnp.percentile]),
    # a constant q past the last sample point: the largest value, with slope 1
    spec(lambda x: wnp.quantile(x, 0.95, method="weibull"), (3,),
         name="quantile(.95,weibull)", covers=[wnp.quantile]),
] + ([
    # weights pick entries (no derivative in them); the value is differentiable
    spec(lambda x: wnp.quantile(x, [0.0, 0.2, 0.7, 1.0], axis=1, method="inverted_cdf",
                               weights=WEIGHTS), (2, 4),
         name="quantile(axis=1,inverted_cdf,weights)", covers=[wnp.quantile]),
    spec(lambda x: wnp.nanpercentile(nans(x, MASK34[:2]), 50, axis=1, method="inverted_cdf",
                                    weights=WEIGHTS), (2, 4),
         name="nanpercentile(axis=1,inverted_cdf,weights)",
         covers=[wnp.nanpercentile]),
] if NUMPY2 else [])

# NaN entries are ignored (each slice has its own count) and get a zero cotangent
NAN_ORDER_STATISTICS = [
    spec(lambda x: wnp.nanquantile(nans(x, MASK34), [0.25, 0.6], axis=1), (3, 4),
         name="nanquantile(axis=1)", covers=[wnp.nanquantile, wnp.where, *INDEX]),
    spec(lambda x: wnp.nanquantile(nans(x, MASK34), 0.7, axis=0, method="weibull",
                                  keepdims=True), (3, 4),
         name="nanquantile(axis=0,weibull,keepdims)", covers=[wnp.nanquantile]),
    spec(lambda x: wnp.nanquantile(nans(x, MASK34), 0.3, method="lower"), (3, 4),
         name="nanquantile(lower)", covers=[wnp.nanquantile]),
    spec(lambda x: wnp.nanquantile(nans(x, MASK34), 0.3, axis=1, method="averaged_inverted_cdf"),
         (3, 4), dtype=np.float32, name="nanquantile(axis=1,averaged_inverted_cdf)",
         covers=[wnp.nanquantile]),
    spec(lambda q: wnp.nanquantile(np.where(MASK34[0], SAMPLE4, np.nan), q), (2,),
         domain=q_between_kinks("linear", 3), name="nanquantile(q)", covers=[wnp.nanquantile]),
    # an all-NaN row: NaN with no gradient (the spec checks the other row)
    spec(lambda x: wnp.nanquantile(nans(x, ALL_NAN_ROW), [0.5, 0.9], axis=1)[:, 0], (2, 4),
         name="nanquantile(all-NaN row)", covers=[wnp.nanquantile]),
    spec(lambda x: wnp.nanpercentile(nans(x, MASK34), [10, 90], axis=1, method="hazen"), (3, 4),
         name="nanpercentile(axis=1,hazen)", covers=[wnp.nanpercentile]),
    spec(lambda x: wnp.nanmedian(nans(x, MASK34), axis=1), (3, 4), name="nanmedian(axis=1)",
         covers=[wnp.nanmedian]),
    spec(lambda x: wnp.nanmedian(nans(x, MASK34)), (3, 4), name="nanmedian",
         covers=[wnp.nanmedian]),
    spec(lambda x: wnp.nanmedian(nans(x, MASK34), axis=0, keepdims=True), (3, 4),
         dtype=np.float32, name="nanmedian(axis=0,keepdims)", covers=[wnp.nanmedian]),
    spec(lambda x: wnp.nanmedian(nans(x, ALL_NAN_ROW), axis=1)[0], (2, 4),
         name="nanmedian(all-NaN row)", covers=[wnp.nanmedian]),
    spec(lambda x: np.nanmedian(nans(x)) + np.nanquantile(nans(x), 0.3)
         + np.nanpercentile(nans(x), 70.0), (2, 3),
         name="np.nanmedian+np.nanquantile+np.nanpercentile",
         covers=[wnp.nanmedian, wnp.nanquantile, wnp.nanpercentile]),
]

# -- select, choose, extract, compress, piecewise -----------------------------------------
COND = np.array([[True, False, True], [False, False, True]])
COND2 = np.array([[True, True, False], [False, True, False]])
SELECTING = [
    spec(lambda x, y: wnp.select([COND, COND2], [x, y], 0.5), (2, 3), (3,),
         name="select", covers=[wnp.select, "numpy.where"]),
    spec(lambda x, d: wnp.select([COND], [x], d), (3,), (2, 1), name="select(default=d)",
         covers=[wnp.select, "numpy.where"]),
    spec(lambda x, y: wnp.select([COND, COND2], [x, y]), (2, 3), (2, 3),
         dtype=np.complex128, name="select", covers=[wnp.select]),
    spec(lambda x, y: wnp.choose(np.array([[0, 1, 1], [1, 0, 2]]), [x, y, 2.0 * x]),
         (2, 3), (3,), name="choose", covers=[wnp.choose, wnp.select]),
    spec(lambda x, y: wnp.choose(np.array([0, 3, -1]), [x, y], mode="wrap"), (3,), (),
         name="choose(wrap)", covers=[wnp.choose]),
    spec(lambda x, y: wnp.choose(np.array([0, 3, -1]), [x, y], mode="clip"), (3,), (3,),
         name="choose(clip)", covers=[wnp.choose]),
    spec(lambda x: wnp.extract(COND, x), (2, 3), name="extract",
         covers=[wnp.extract, wnp.ravel, *INDEX]),
    spec(lambda x: wnp.compress([True, False, True], x, axis=1), (2, 3),
         name="compress(axis=1)", covers=[wnp.compress, wnp.take, *INDEX]),
    spec(lambda x: wnp.compress([False, True], x), (2, 3), name="compress",
         covers=[wnp.compress, *INDEX]),
    spec(lambda x: np.extract(COND, x) * np.compress([True, False], x, axis=0)[0, 0],
         (2, 3), name="np.extract*np.compress", covers=[wnp.extract, wnp.compress]),
    # the pieces overlap in column 0 (the later condition wins) and leave gaps
    spec(lambda x: wnp.piecewise(x, [COND, COND2], [lambda v: v ** 2, wnp.sin]), (2, 3),
         name="piecewise", covers=[wnp.piecewise, wnp.power, wnp.sin, *INDEX]),
    spec(lambda x: wnp.piecewise(x, [COND], [lambda v: v * 3.0, 0.5]), (2, 3), dtype=np.float32,
         name="piecewise(otherwise const)", covers=[wnp.piecewise, *INDEX]),
    spec(lambda x: wnp.piecewise(x, [x > 0], [wnp.exp, lambda v: v]), (6,), domain=NONZERO,
         name="piecewise(otherwise)", covers=[wnp.piecewise, wnp.exp, *INDEX]),
    spec(lambda x: wnp.piecewise(x, [True], [lambda v: v ** 3]), (), name="piecewise(0-d)",
         covers=[wnp.piecewise, *INDEX]),
    spec(lambda x: np.piecewise(x, [COND], [lambda v: 2.0 * v, 1.0]) + np.select(
        [COND], [x]) + np.choose(COND.astype(int), [x, -x]), (2, 3),
        name="np.piecewise+np.select+np.choose",
        covers=[wnp.piecewise, wnp.select, wnp.choose]),
]
