"""Op specs of reductions (see ``_table.py`` for the spec format): sum, mean, max,
min, cumsum, var, std and trace along every kind of axis, with ``where`` and
``initial``; prod and cumprod (at zeros too); diff, average, ptp and the NaN-ignoring
reductions."""
import numpy as np

import wengert.numpy as wnp
from ._table import ANY, NAN_ROW, NONZERO, POS, bands, kw_label, nans, spec

# -- sum, mean, max, min, cumsum, var, std, trace -----------------------------------------
AXIS_VARIANTS = [  # (shape, kwargs)
    ((2, 3), {}), ((2, 3), {"axis": 0}), ((2, 3), {"axis": -1, "keepdims": True}),
    ((2, 3, 4), {"axis": (0, 2)}), ((2, 3), {"axis": None, "keepdims": True}), ((), {}),
]


WHERE = np.array([[True, False, True], [False, True, True]])  # a True in each row and column


# composites and the operations they are built from
_PARTS = {wnp.var: (wnp.mean, wnp.sum), wnp.std: (wnp.mean, wnp.sqrt),
          wnp.trace: (wnp.diagonal, wnp.sum)}


def reduction(f, shape, kwargs, **spec_kwargs):
    name = f"{f.__name__}({kw_label(kwargs)})"
    return spec(lambda x: f(x, **kwargs), shape, name=name, covers=(f,) + _PARTS.get(f, ()),
                **spec_kwargs)


SUMS_MEANS_EXTREMA = (
    [reduction(f, s, kw) for f in (wnp.sum, wnp.mean, wnp.max, wnp.min)
     for s, kw in AXIS_VARIANTS]
    + [reduction(wnp.sum, (2, 3), {"axis": 1}, dtype=np.float32),
       reduction(wnp.mean, (2, 3), {}, dtype=np.complex128),
       reduction(wnp.sum, (2, 3), {"axis": 0}, dtype=np.complex128)]
    + [reduction(wnp.cumsum, s, kw) for s, kw in
       [((2, 3), {}), ((2, 3), {"axis": 1}), ((2, 3, 2), {"axis": -2}), ((4,), {"axis": 0})]]
    + [reduction(f, s, kw) for f in (wnp.var, wnp.std) for s, kw in
       [((2, 3), {}), ((2, 3), {"axis": 0}), ((2, 3, 2), {"axis": (0, 2), "keepdims": True}),
        ((4,), {"ddof": 1})]]
    + [reduction(wnp.var, (2, 3), {"axis": 1}, dtype=np.complex128)]
    + [reduction(wnp.trace, s, kw) for s, kw in
       [((3, 3), {}), ((3, 4), {"offset": 1}), ((2, 3, 3), {"axis1": 1, "axis2": 2}),
        ((4, 3), {"offset": -1})]]
    + [reduction(wnp.cumsum, (2, 3), {"axis": 0}, dtype=np.complex128),
       reduction(wnp.trace, (2, 2), {}, dtype=np.complex128),
       reduction(wnp.max, (2, 3), {"axis": 1}, dtype=np.float32)]
    + [spec(lambda x, f=f, kw=kw: f(x, **kw), (2, 3), name=name, covers=[f], **extra)
       for f, kw, name, extra in [
           (wnp.sum, {"axis": 1, "where": WHERE}, "sum(axis=1,where)", {}),
           (wnp.sum, {"where": WHERE[1]}, "sum(where=row)", {}),
           (wnp.mean, {"where": WHERE}, "mean(where)", {}),
           (wnp.mean, {"axis": 1, "where": WHERE[1]}, "mean(axis=1,where=row)", {}),
           (wnp.mean, {"axis": 0, "where": WHERE}, "mean(axis=0,where)", {"dtype": np.float32}),
           (wnp.max, {"axis": 1, "initial": 0.0}, "max(axis=1,initial=0)", {}),
           (wnp.max, {"initial": 5.0}, "max(initial=5)", {}),
           (wnp.max, {"axis": 1, "where": WHERE, "initial": -5.0}, "max(axis=1,where)", {}),
           (wnp.min, {"axis": 0, "where": WHERE, "initial": 5.0}, "min(axis=0,where)", {}),
       ]]
)


def with_zeros(rng, shape):
    """Uniform in (-2, 2) with about a third of the entries exactly 0 (products are
    multilinear: their derivatives there are exact, not limits)."""
    x = rng.uniform(-2.0, 2.0, shape)
    return np.where(rng.uniform(size=shape) < 0.35, 0.0, x)


# -- prod and cumprod ---------------------------------------------------------------------
PROD_AXES = [((2, 3), {}), ((2, 3), {"axis": 0}), ((2, 3), {"axis": -1, "keepdims": True}),
        ((2, 3, 2), {"axis": (0, 2)}), ((), {}), ((2, 3), {"axis": None, "keepdims": True})]


def red(f, shape, kwargs, covers=(), name=None, **spec_kwargs):
    return spec(lambda x: f(x, **kwargs), shape, name=name or f"{f.__name__}({kw_label(kwargs)})",
                covers=(f,) + tuple(covers), **spec_kwargs)


PROD_CUMPROD = (
    [red(wnp.prod, s, kw) for s, kw in PROD_AXES]
    + [red(wnp.prod, s, kw, domain=with_zeros, name=f"prod({kw_label(kw)})@zeros")
       for s, kw in PROD_AXES[:4]]
    + [red(wnp.prod, (2, 3), {"axis": 1, "where": WHERE}, domain=with_zeros),
       red(wnp.prod, (2, 3), {"axis": 0, "initial": 2.0}),
       red(wnp.prod, (2, 3), {"axis": 1}, dtype=np.complex128),
       red(wnp.prod, (2, 3), {"axis": 0}, dtype=np.float32),
       # higher orders of prod run cumprod's rules
       red(wnp.prod, (4,), {}, order=3),
       spec(lambda x: x.prod(axis=1) + np.prod(x), (2, 3), name="x.prod()+np.prod(x)",
            covers=[wnp.prod])]
    + [red(wnp.cumprod, s, kw) for s, kw in
       [((2, 3), {}), ((2, 3), {"axis": 1}), ((2, 3, 2), {"axis": -2}), ((4,), {"axis": 0})]]
    + [red(wnp.cumprod, s, kw, domain=with_zeros, name=f"cumprod({kw_label(kw)})@zeros")
       for s, kw in [((6,), {}), ((3, 4), {"axis": 1}), ((4, 3), {"axis": 0})]]
    + [red(wnp.cumprod, (5,), {}, domain=NONZERO, order=3),
       red(wnp.cumprod, (2, 3), {"axis": 0}, dtype=np.complex128),
       red(wnp.cumprod, (2, 3), {"axis": 1}, dtype=np.float32)]
)

# -- differences, averages, ranges, NaN-ignoring reductions -------------------------------
def _times(pair):
    return pair[0] * pair[1]


TIE_FREE = bands((-2.0, -1.0), (-0.5, 0.5), (1.0, 2.0))   # ptp/nanmax: ties are kinks
DIFF_AVERAGE_NAN = [
    red(wnp.diff, (4,), {}),
    red(wnp.diff, (2, 4), {"n": 2}),
    red(wnp.diff, (3, 2), {"axis": 0}),
    red(wnp.diff, (2, 3), {"n": 3, "axis": 1, "prepend": 0.5, "append": np.ones((2, 2))}),
    spec(lambda x, p: wnp.diff(x, axis=0, prepend=p), (2, 3), (1, 3), name="diff(prepend=p)",
         covers=[wnp.diff, wnp.concatenate]),
    spec(lambda x, p: wnp.diff(x, append=p), (3,), (), name="diff(append=p)",
         covers=[wnp.diff, wnp.concatenate]),
    red(wnp.average, (2, 3), {}),
    red(wnp.average, (2, 3), {"axis": 1, "keepdims": True}),
    spec(lambda x, w: wnp.average(x, weights=w), (2, 3), (2, 3), domain=[ANY, POS],
         name="average(weights)", covers=[wnp.average]),
    # (the op table's dtype test reads one array: the pair is multiplied)
    spec(lambda x, w: _times(wnp.average(x, axis=1, weights=w, returned=True)), (2, 3), (3,),
         domain=[ANY, POS], name="average(axis=1,weights,returned)", covers=[wnp.average]),
    spec(lambda x, w: wnp.average(x, axis=0, weights=w, keepdims=True), (2, 3), (2,),
         domain=[ANY, POS], dtype=np.float32, name="average(axis=0,weights,keepdims)",
         covers=[wnp.average]),
    spec(lambda x: _times(wnp.average(x, axis=0, weights=[1, 2], returned=True)), (2, 3),
         name="average(int weights,returned)", covers=[wnp.average]),
    red(wnp.ptp, (2, 3), {}, domain=TIE_FREE),
    red(wnp.ptp, (2, 3), {"axis": 1, "keepdims": True}, domain=TIE_FREE),
] + [
    spec(lambda x, f=f, kw=kw: f(nans(x), **kw), (2, 3), name=f"{f.__name__}({kw_label(kw)})",
         covers=[f], **extra)
    for f, kw, extra in [
        (wnp.nansum, {}, {}), (wnp.nansum, {"axis": 0}, {}),
        (wnp.nansum, {"axis": 1, "keepdims": True}, {"dtype": np.complex128}),
        (wnp.nanprod, {"axis": 1}, {}), (wnp.nanprod, {}, {"domain": with_zeros}),
        (wnp.nancumsum, {}, {}), (wnp.nancumsum, {"axis": 1}, {}),
        (wnp.nancumprod, {"axis": 0}, {}),
        (wnp.nanmean, {}, {}), (wnp.nanmean, {"axis": 1}, {"dtype": np.float32}),
        (wnp.nanvar, {}, {}), (wnp.nanvar, {"axis": 1, "ddof": 1}, {}),
        (wnp.nanvar, {"axis": 0}, {"dtype": np.complex128}),
        (wnp.nanstd, {"axis": 1, "keepdims": True}, {}),
        (wnp.nanmax, {}, {"domain": TIE_FREE}), (wnp.nanmax, {"axis": 0}, {"domain": TIE_FREE}),
        (wnp.nanmin, {"axis": 1}, {"domain": TIE_FREE}),
    ]
] + [
    # an all-NaN slice: NaN (NumPy warns), and a zero cotangent
    spec(lambda x: wnp.nanmax(nans(x, ~NAN_ROW), axis=0)[1], (2, 3), domain=TIE_FREE,
         name="nanmax(all-NaN column)", covers=[wnp.nanmax]),
]
