"""Op specs for the numpy more area (see wengert/_specs/__init__.py for the spec format): more
elementwise functions, products, differences, NaN-ignoring reductions, sorting,
order statistics and selection."""
import numpy as np

import wengert.numpy as wnp
from wengert.numpy import _elementwise as E, _reductions as R, _sorting as SO
from . import (ANY, MOD_X, MOD_Y, NONZERO, POS, UNIT, _kw, bands, spec)

INDEX = ["wengert.numpy.getitem", "wengert.numpy.untake"]


def with_zeros(rng, shape):
    """Uniform in (-2, 2) with about a third of the entries exactly 0 (products are
    multilinear: their derivatives there are exact, not limits)."""
    x = rng.uniform(-2.0, 2.0, shape)
    return np.where(rng.uniform(size=shape) < 0.35, 0.0, x)


def near_zero(rng, shape):
    """sinc's slope switches formulas at |pi x| = 1: samples on both sides and at 0."""
    return rng.choice([0.0, 1e-9, -0.05, 0.3, -0.31, 0.33, 1.2], size=shape)


MASK = np.array([[True, False, True], [True, True, False]])     # NaNs where False
NAN_ROW = np.array([[False, False, False], [True, False, True]])  # an all-NaN column


def nans(x, mask=MASK):
    return wnp.where(mask, x, np.nan)


# -- elementwise ------------------------------------------------------------------------
ELEMENTWISE = [
    spec(E.sinc, (2, 3)),
    spec(E.sinc, (7,), domain=near_zero, name="sinc(near 0)", order=3),
    spec(E.sinc, (2, 3), domain=UNIT, dtype=np.complex128),
    spec(E.sinc, (3,), dtype=np.float32),
    spec(E.i0, (2, 3)),
    spec(E.i0, (3,), domain=bands((-10.0, -4.0), (4.0, 10.0)), name="i0(large)"),
    spec(E.i0, (3,), dtype=np.float32),
    spec(E.float_power, (2, 3), (3,), domain=[POS, ANY]),
    spec(E.float_power, (2, 1), (1, 3), domain=[POS, ANY]),
    spec(lambda x: E.float_power(x, 2.0), (3,), domain=lambda rng, s: np.zeros(s),
         name="float_power(x,2)@0", covers=[E.float_power]),
    spec(E.float_power, (3,), (), domain=[POS, ANY], dtype=np.float32),
    spec(E.float_power, (3,), (3,), domain=[POS, UNIT], dtype=np.complex128),
    # copysign: |x| has a kink at 0, sign(y) jumps at 0
    spec(E.copysign, (2, 3), (3,), domain=NONZERO),
    spec(E.copysign, (3,), (), domain=NONZERO),
    spec(E.copysign, (2, 1), (1, 3), domain=NONZERO, dtype=np.float32),
    # angle jumps on the negative real axis: real and imaginary parts positive
    spec(E.angle, (2, 3), domain=POS, dtype=np.complex128, covers=[E.angle, wnp.arctan2]),
    spec(lambda z: E.angle(z, deg=True), (3,), domain=POS, dtype=np.complex128,
         name="angle(deg)", covers=[E.angle, wnp.arctan2]),
    spec(lambda x: x * E.angle(x), (3,), domain=NONZERO, name="x*angle(x)", covers=[E.angle]),
    spec(lambda x: E.nan_to_num(nans(x)), (2, 3), name="nan_to_num",
         covers=[E.nan_to_num, "numpy.where"]),
    spec(lambda x: E.nan_to_num(nans(x), nan=1.5), (2, 3), dtype=np.complex128,
         name="nan_to_num(nan=1.5)", covers=[E.nan_to_num, wnp.real, wnp.imag]),
    spec(lambda x: E.nan_to_num(wnp.where([True, False, False], x, [0.0, np.inf, -np.inf])),
         (3,),
         name="nan_to_num(+-inf)", covers=[E.nan_to_num, "numpy.where"]),
    spec(E.real_if_close, (2, 3), dtype=np.complex128),
    spec(lambda x: E.real_if_close(wnp.astype(x, np.complex128)), (2, 3),
         name="real_if_close(real)", covers=[E.real_if_close, wnp.real]),
    # the fractional part jumps at integers
    spec(lambda x: E.modf(x)[0] * E.modf(x)[1], (2, 3),
         domain=bands((0.1, 0.9), (1.1, 1.9), (-1.9, -1.1)), name="modf",
         covers=[E.modf, "numpy.where"]),
    spec(lambda x, y: E.divmod(x, y)[1] + E.divmod(x, y)[0], (2, 3), (3,),
         domain=[MOD_X, MOD_Y], name="divmod", covers=[E.divmod, wnp.mod]),
    spec(lambda x, y: wnp.atan2(x, y) + wnp.pow(x, 2.0) + wnp.acos(x / 3), (3,), (3,),
         domain=NONZERO, name="aliases", covers=[wnp.arctan2, wnp.power, wnp.arccos]),
]

# -- products ---------------------------------------------------------------------------
AXES = [((2, 3), {}), ((2, 3), {"axis": 0}), ((2, 3), {"axis": -1, "keepdims": True}),
        ((2, 3, 2), {"axis": (0, 2)}), ((), {}), ((2, 3), {"axis": None, "keepdims": True})]
WHERE = np.array([[True, False, True], [False, True, True]])


def red(f, shape, kwargs, covers=(), name=None, **spec_kwargs):
    return spec(lambda x: f(x, **kwargs), shape, name=name or f"{f.__name__}({_kw(kwargs)})",
                covers=(f,) + tuple(covers), **spec_kwargs)


PRODUCTS = (
    [red(R.prod, s, kw) for s, kw in AXES]
    + [red(R.prod, s, kw, domain=with_zeros, name=f"prod({_kw(kw)})@zeros")
       for s, kw in AXES[:4]]
    + [red(R.prod, (2, 3), {"axis": 1, "where": WHERE}, domain=with_zeros),
       red(R.prod, (2, 3), {"axis": 0, "initial": 2.0}),
       red(R.prod, (2, 3), {"axis": 1}, dtype=np.complex128),
       red(R.prod, (2, 3), {"axis": 0}, dtype=np.float32),
       # higher orders of prod run cumprod's rules
       red(R.prod, (4,), {}, order=3),
       spec(lambda x: x.prod(axis=1) + np.prod(x), (2, 3), name="x.prod()+np.prod(x)",
            covers=[R.prod])]
    + [red(R.cumprod, s, kw) for s, kw in
       [((2, 3), {}), ((2, 3), {"axis": 1}), ((2, 3, 2), {"axis": -2}), ((4,), {"axis": 0})]]
    + [red(R.cumprod, s, kw, domain=with_zeros, name=f"cumprod({_kw(kw)})@zeros")
       for s, kw in [((6,), {}), ((3, 4), {"axis": 1}), ((4, 3), {"axis": 0})]]
    + [red(R.cumprod, (5,), {}, domain=NONZERO, order=3),
       red(R.cumprod, (2, 3), {"axis": 0}, dtype=np.complex128),
       red(R.cumprod, (2, 3), {"axis": 1}, dtype=np.float32)]
)

# -- differences, averages, ranges, NaN-ignoring reductions ----------------------------
def _times(pair):
    return pair[0] * pair[1]


TIE_FREE = bands((-2.0, -1.0), (-0.5, 0.5), (1.0, 2.0))   # ptp/nanmax: ties are kinks
REDUCTIONS = [
    red(R.diff, (4,), {}),
    red(R.diff, (2, 4), {"n": 2}),
    red(R.diff, (3, 2), {"axis": 0}),
    red(R.diff, (2, 3), {"n": 3, "axis": 1, "prepend": 0.5, "append": np.ones((2, 2))}),
    spec(lambda x, p: R.diff(x, axis=0, prepend=p), (2, 3), (1, 3), name="diff(prepend=p)",
         covers=[R.diff, wnp.concatenate]),
    spec(lambda x, p: R.diff(x, append=p), (3,), (), name="diff(append=p)",
         covers=[R.diff, wnp.concatenate]),
    red(R.average, (2, 3), {}),
    red(R.average, (2, 3), {"axis": 1, "keepdims": True}),
    spec(lambda x, w: R.average(x, weights=w), (2, 3), (2, 3), domain=[ANY, POS],
         name="average(weights)", covers=[R.average]),
    # (the op table's dtype test reads one array: the pair is multiplied)
    spec(lambda x, w: _times(R.average(x, axis=1, weights=w, returned=True)), (2, 3), (3,),
         domain=[ANY, POS], name="average(axis=1,weights,returned)", covers=[R.average]),
    spec(lambda x, w: R.average(x, axis=0, weights=w, keepdims=True), (2, 3), (2,),
         domain=[ANY, POS], dtype=np.float32, name="average(axis=0,weights,keepdims)",
         covers=[R.average]),
    spec(lambda x: _times(R.average(x, axis=0, weights=[1, 2], returned=True)), (2, 3),
         name="average(int weights,returned)", covers=[R.average]),
    red(R.ptp, (2, 3), {}, domain=TIE_FREE),
    red(R.ptp, (2, 3), {"axis": 1, "keepdims": True}, domain=TIE_FREE),
] + [
    spec(lambda x, f=f, kw=kw: f(nans(x), **kw), (2, 3), name=f"{f.__name__}({_kw(kw)})",
         covers=[f], **extra)
    for f, kw, extra in [
        (R.nansum, {}, {}), (R.nansum, {"axis": 0}, {}),
        (R.nansum, {"axis": 1, "keepdims": True}, {"dtype": np.complex128}),
        (R.nanprod, {"axis": 1}, {}), (R.nanprod, {}, {"domain": with_zeros}),
        (R.nancumsum, {}, {}), (R.nancumsum, {"axis": 1}, {}),
        (R.nancumprod, {"axis": 0}, {}),
        (R.nanmean, {}, {}), (R.nanmean, {"axis": 1}, {"dtype": np.float32}),
        (R.nanvar, {}, {}), (R.nanvar, {"axis": 1, "ddof": 1}, {}),
        (R.nanvar, {"axis": 0}, {"dtype": np.complex128}),
        (R.nanstd, {"axis": 1, "keepdims": True}, {}),
        (R.nanmax, {}, {"domain": TIE_FREE}), (R.nanmax, {"axis": 0}, {"domain": TIE_FREE}),
        (R.nanmin, {"axis": 1}, {"domain": TIE_FREE}),
    ]
] + [
    # an all-NaN slice: NaN (NumPy warns), and a zero cotangent
    spec(lambda x: R.nanmax(nans(x, ~NAN_ROW), axis=0)[1], (2, 3), domain=TIE_FREE,
         name="nanmax(all-NaN column)", covers=[R.nanmax]),
]

# -- sorting and order statistics -------------------------------------------------------
SORTING = [
    spec(SO.sort, (5,), covers=[SO.sort, SO.take_along_axis] + INDEX),
    spec(lambda x: SO.sort(x, axis=0), (3, 2), name="sort(axis=0)", covers=[SO.sort] + INDEX),
    spec(lambda x: SO.sort(x, axis=None), (2, 3), name="sort(axis=None)",
         covers=[SO.sort, wnp.ravel] + INDEX),
    spec(lambda x: SO.sort(x, axis=1), (2, 3, 2), dtype=np.complex128, name="sort(axis=1)",
         covers=[SO.sort] + INDEX),
    spec(lambda x: SO.sort(x), (2, 3), dtype=np.float32, name="sort", covers=[SO.sort] + INDEX),
    # ties: the copies of x are equal; their cotangents follow the stable order
    spec(lambda x: SO.sort(wnp.concatenate([x, x])) * np.arange(6.0), (3,),
         name="sort(ties)", covers=[SO.sort] + INDEX),
    spec(lambda x: np.sort(x, axis=0), (2, 3), name="np.sort(axis=0)", covers=[SO.sort]),
    spec(SO.msort, (3, 2), covers=[SO.msort, SO.sort]),
    spec(lambda x: SO.partition(x, 2), (5,), name="partition(2)",
         covers=[SO.partition] + INDEX),
    spec(lambda x: SO.partition(x, (0, 2), axis=0), (4, 2), name="partition((0,2),axis=0)",
         covers=[SO.partition] + INDEX),
    spec(lambda x: SO.partition(x, 1, axis=None), (2, 3), name="partition(1,axis=None)",
         covers=[SO.partition] + INDEX),
    spec(lambda x: SO.take_along_axis(x, np.array([[2, 0, 0], [1, 1, 2]]), 1), (2, 3),
         name="take_along_axis(axis=1)", covers=[SO.take_along_axis] + INDEX),
    spec(lambda x: SO.take_along_axis(x, np.array([[1], [0], [1]]), 0), (2, 1),
         name="take_along_axis(axis=0)", covers=[SO.take_along_axis] + INDEX),
    spec(lambda x: SO.take_along_axis(x, np.array([3, 0, 3]), None), (2, 2),
         name="take_along_axis(axis=None)", covers=[SO.take_along_axis] + INDEX),
    spec(SO.median, (5,)),
    spec(SO.median, (4,)),
    spec(lambda x: SO.median(x, axis=1), (2, 4), name="median(axis=1)", covers=[SO.median]),
    spec(lambda x: SO.median(x, axis=(0, 2), keepdims=True), (2, 3, 2),
         name="median(axis=(0,2),keepdims)", covers=[SO.median]),
    spec(lambda x: SO.median(x, axis=0), (3, 2), dtype=np.float32, name="median(axis=0)",
         covers=[SO.median]),
    spec(lambda x: SO.quantile(x, 0.3), (5,), name="quantile(0.3)", covers=[SO.quantile]),
    spec(lambda x: SO.quantile(x, [0.1, 0.8], axis=1, keepdims=True), (2, 4),
         name="quantile([.1,.8],axis=1,keepdims)", covers=[SO.quantile]),
    spec(lambda x: SO.quantile(x, np.array([[0.25], [0.9]]), axis=0), (4, 3),
         name="quantile(q 2-d,axis=0)", covers=[SO.quantile]),
    spec(lambda x: SO.quantile(x, 0.6, axis=(0, 2)), (2, 3, 2), dtype=np.float32,
         name="quantile(.6,axis=(0,2))", covers=[SO.quantile]),
    # q between the sample points (q (n - 1) not an integer)
    spec(lambda q: SO.quantile(np.array([3.0, -1.0, 2.0, 0.5]), q), (3,),
         domain=bands((0.05, 0.3), (0.36, 0.63), (0.7, 0.95)), name="quantile(q)",
         covers=[SO.quantile]),
    spec(lambda x: SO.percentile(x, [20, 75], axis=0), (5, 2), name="percentile",
         covers=[SO.percentile]),
    spec(lambda x, q: SO.percentile(x, q), (5,), (), domain=[ANY, (30.0, 45.0)],
         name="percentile(q)", covers=[SO.percentile]),
    spec(lambda x: np.median(x) + np.quantile(x, 0.2) + np.percentile(x, 90.0), (4,),
         name="np.median+np.quantile+np.percentile",
         covers=[SO.median, SO.quantile, SO.percentile]),
]


def q_between_kinks(method, n):
    """q where ``method``'s virtual index into n sorted values is strictly inside
    (0, n - 1) and far from an integer: the weight of the upper order statistic is then
    a smooth function of q (at integers it jumps or the interpolation changes pieces)."""
    grid = np.linspace(0.02, 0.98, 97)
    v = SO._CONTINUOUS[method][0](n, grid)
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
    spec(lambda x, m=m: SO.quantile(x, [0.0, 0.1, 0.35, 0.8, 1.0], method=m), (5,),
         name=f"quantile(method={m})", covers=[SO.quantile] + INDEX)
    for m in SO.METHODS
] + [
    spec(lambda q, m=m: SO.quantile(SAMPLE4, q, method=m), (3,),
         domain=q_between_kinks(m, 4), name=f"quantile(q,method={m})", covers=[SO.quantile])
    for m in SMOOTH_IN_Q
] + [
    spec(lambda x: SO.quantile(x, 0.4, axis=0, method="hazen", keepdims=True), (4, 3),
         name="quantile(axis=0,hazen,keepdims)", covers=[SO.quantile]),
    spec(lambda x: SO.quantile(x, [0.3, 0.9], axis=(0, 2), method="closest_observation"),
         (2, 3, 2), name="quantile(axis=(0,2),closest_observation)", covers=[SO.quantile]),
    spec(lambda x: SO.percentile(x, [20, 75], axis=1, method="nearest"), (2, 5),
         name="percentile(axis=1,nearest)", covers=[SO.percentile]),
    spec(lambda x: SO.percentile(x, 40.0, axis=1, method="midpoint"), (2, 4),
         dtype=np.float32, name="percentile(axis=1,midpoint)",
         covers=[SO.percentile]),
    spec(lambda x: SO.quantile(x, [0.2, 0.5], axis=0, method="median_unbiased"), (5, 2),
         dtype=np.float32, name="quantile(axis=0,median_unbiased)", covers=[SO.quantile]),
    spec(lambda x, q: SO.percentile(x, q, method="normal_unbiased"), (4,), (),
         domain=[ANY, lambda rng, s: 100 * q_between_kinks("normal_unbiased", 4)(rng, s)],
         name="percentile(x,q,normal_unbiased)", covers=[SO.percentile]),
    # a constant q past the last sample point: the largest value, with slope 1
    spec(lambda x: SO.quantile(x, 0.95, method="weibull"), (3,),
         name="quantile(.95,weibull)", covers=[SO.quantile]),
] + ([
    # weights pick entries (no derivative in them); the value is differentiable
    spec(lambda x: SO.quantile(x, [0.0, 0.2, 0.7, 1.0], axis=1, method="inverted_cdf",
                               weights=WEIGHTS), (2, 4),
         name="quantile(axis=1,inverted_cdf,weights)", covers=[SO.quantile]),
    spec(lambda x: SO.nanpercentile(nans(x, MASK34[:2]), 50, axis=1, method="inverted_cdf",
                                    weights=WEIGHTS), (2, 4),
         name="nanpercentile(axis=1,inverted_cdf,weights)",
         covers=[SO.nanpercentile]),
] if SO._NUMPY2 else [])

# NaN entries are ignored (each slice has its own count) and get a zero cotangent
NAN_ORDER_STATISTICS = [
    spec(lambda x: SO.nanquantile(nans(x, MASK34), [0.25, 0.6], axis=1), (3, 4),
         name="nanquantile(axis=1)", covers=[SO.nanquantile, wnp.where] + INDEX),
    spec(lambda x: SO.nanquantile(nans(x, MASK34), 0.7, axis=0, method="weibull",
                                  keepdims=True), (3, 4),
         name="nanquantile(axis=0,weibull,keepdims)", covers=[SO.nanquantile]),
    spec(lambda x: SO.nanquantile(nans(x, MASK34), 0.3, method="lower"), (3, 4),
         name="nanquantile(lower)", covers=[SO.nanquantile]),
    spec(lambda x: SO.nanquantile(nans(x, MASK34), 0.3, axis=1, method="averaged_inverted_cdf"),
         (3, 4), dtype=np.float32, name="nanquantile(axis=1,averaged_inverted_cdf)",
         covers=[SO.nanquantile]),
    spec(lambda q: SO.nanquantile(np.where(MASK34[0], SAMPLE4, np.nan), q), (2,),
         domain=q_between_kinks("linear", 3), name="nanquantile(q)", covers=[SO.nanquantile]),
    # an all-NaN row: NaN with no gradient (the spec checks the other row)
    spec(lambda x: SO.nanquantile(nans(x, ALL_NAN_ROW), [0.5, 0.9], axis=1)[:, 0], (2, 4),
         name="nanquantile(all-NaN row)", covers=[SO.nanquantile]),
    spec(lambda x: SO.nanpercentile(nans(x, MASK34), [10, 90], axis=1, method="hazen"), (3, 4),
         name="nanpercentile(axis=1,hazen)", covers=[SO.nanpercentile]),
    spec(lambda x: SO.nanmedian(nans(x, MASK34), axis=1), (3, 4), name="nanmedian(axis=1)",
         covers=[SO.nanmedian]),
    spec(lambda x: SO.nanmedian(nans(x, MASK34)), (3, 4), name="nanmedian",
         covers=[SO.nanmedian]),
    spec(lambda x: SO.nanmedian(nans(x, MASK34), axis=0, keepdims=True), (3, 4),
         dtype=np.float32, name="nanmedian(axis=0,keepdims)", covers=[SO.nanmedian]),
    spec(lambda x: SO.nanmedian(nans(x, ALL_NAN_ROW), axis=1)[0], (2, 4),
         name="nanmedian(all-NaN row)", covers=[SO.nanmedian]),
    spec(lambda x: np.nanmedian(nans(x)) + np.nanquantile(nans(x), 0.3)
         + np.nanpercentile(nans(x), 70.0), (2, 3),
         name="np.nanmedian+np.nanquantile+np.nanpercentile",
         covers=[SO.nanmedian, SO.nanquantile, SO.nanpercentile]),
]

# -- selection ----------------------------------------------------------------------------
COND = np.array([[True, False, True], [False, False, True]])
COND2 = np.array([[True, True, False], [False, True, False]])
SELECTION = [
    spec(lambda x, y: SO.select([COND, COND2], [x, y], 0.5), (2, 3), (3,),
         name="select", covers=[SO.select, "numpy.where"]),
    spec(lambda x, d: SO.select([COND], [x], d), (3,), (2, 1), name="select(default=d)",
         covers=[SO.select, "numpy.where"]),
    spec(lambda x, y: SO.select([COND, COND2], [x, y]), (2, 3), (2, 3),
         dtype=np.complex128, name="select", covers=[SO.select]),
    spec(lambda x, y: SO.choose(np.array([[0, 1, 1], [1, 0, 2]]), [x, y, 2.0 * x]),
         (2, 3), (3,), name="choose", covers=[SO.choose, SO.select]),
    spec(lambda x, y: SO.choose(np.array([0, 3, -1]), [x, y], mode="wrap"), (3,), (),
         name="choose(wrap)", covers=[SO.choose]),
    spec(lambda x, y: SO.choose(np.array([0, 3, -1]), [x, y], mode="clip"), (3,), (3,),
         name="choose(clip)", covers=[SO.choose]),
    spec(lambda x: SO.extract(COND, x), (2, 3), name="extract",
         covers=[SO.extract, wnp.ravel] + INDEX),
    spec(lambda x: SO.compress([True, False, True], x, axis=1), (2, 3),
         name="compress(axis=1)", covers=[SO.compress, wnp.take] + INDEX),
    spec(lambda x: SO.compress([False, True], x), (2, 3), name="compress",
         covers=[SO.compress] + INDEX),
    spec(lambda x: np.extract(COND, x) * np.compress([True, False], x, axis=0)[0, 0],
         (2, 3), name="np.extract*np.compress", covers=[SO.extract, SO.compress]),
    # the pieces overlap in column 0 (the later condition wins) and leave gaps
    spec(lambda x: SO.piecewise(x, [COND, COND2], [lambda v: v ** 2, wnp.sin]), (2, 3),
         name="piecewise", covers=[SO.piecewise, wnp.power, wnp.sin] + INDEX),
    spec(lambda x: SO.piecewise(x, [COND], [lambda v: v * 3.0, 0.5]), (2, 3), dtype=np.float32,
         name="piecewise(otherwise const)", covers=[SO.piecewise] + INDEX),
    spec(lambda x: SO.piecewise(x, [x > 0], [wnp.exp, lambda v: v]), (6,), domain=NONZERO,
         name="piecewise(otherwise)", covers=[SO.piecewise, wnp.exp] + INDEX),
    spec(lambda x: SO.piecewise(x, [True], [lambda v: v ** 3]), (), name="piecewise(0-d)",
         covers=[SO.piecewise] + INDEX),
    spec(lambda x: np.piecewise(x, [COND], [lambda v: 2.0 * v, 1.0]) + np.select(
        [COND], [x]) + np.choose(COND.astype(int), [x, -x]), (2, 3),
        name="np.piecewise+np.select+np.choose",
        covers=[SO.piecewise, SO.select, SO.choose]),
]

SPECS = (ELEMENTWISE + PRODUCTS + REDUCTIONS + SORTING + QUANTILE_METHODS
         + NAN_ORDER_STATISTICS + SELECTION)
