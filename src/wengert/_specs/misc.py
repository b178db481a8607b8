"""Op specs for convolution, statistics, interpolation, polynomials and the
array-API names (see ``_table.py`` for the spec format)."""
import numpy as np

import wengert.numpy as wnp
from ._table import ANY, POS, bands, spec

CONV = [wnp.convolve, "wengert.numpy.convolve_full"]


def increasing(rng, shape):
    """Sorted knots at least 0.3 apart (interp needs increasing xp)."""
    return np.cumsum(rng.uniform(0.3, 1.0, shape), axis=-1) - 1.0


def _interp_points(rng, shape):
    # inside and outside the knots' range, away from the knots themselves (kinks)
    return bands((-2.0, -1.2), (0.05, 0.25), (0.9, 1.1), (3.5, 5.0))(rng, shape)


SPECS = [
    spec(lambda a, v, mode=mode: wnp.convolve(a, v, mode), (5,), (3,), name=f"convolve({mode})",
         covers=CONV)
    for mode in ("full", "same", "valid")
] + [
    spec(lambda a, v: wnp.convolve(a, v, "same"), (2,), (4,), name="convolve(short a)",
         covers=CONV),
    spec(lambda a, v: wnp.correlate(a, v, "full"), (4,), (3,), name="correlate",
         covers=[wnp.correlate] + CONV),
    spec(lambda a, v: wnp.correlate(a, v), (4,), (2,), name="correlate(complex)",
         dtype=np.complex128, covers=[wnp.correlate] + CONV),
    spec(wnp.polymul, (3,), (2,), covers=[wnp.polymul] + CONV),
    spec(wnp.cov, (3, 5), covers=[wnp.cov]),
    spec(lambda x, y: wnp.cov(x, y, rowvar=False, ddof=0), (5, 2), (5,), name="cov(x,y)",
         covers=[wnp.cov]),
    spec(wnp.corrcoef, (3, 5), covers=[wnp.corrcoef]),
    spec(lambda m: wnp.cov(m, fweights=np.array([1, 3, 2, 1, 2])), (3, 5),
         name="cov(fweights)", covers=[wnp.cov]),
    spec(lambda m, a: wnp.cov(m, aweights=a), (3, 5), (5,), domain=[ANY, POS],
         name="cov(aweights)", covers=[wnp.cov]),
    spec(lambda m, a: wnp.cov(m, rowvar=False, ddof=2, fweights=[2, 1, 1, 3], aweights=a),
         (4, 2), (4,), domain=[ANY, POS], name="cov(fweights,aweights,ddof=2)",
         covers=[wnp.cov]),
    spec(wnp.interp, (6,), (4,), (4,), domain=[_interp_points, increasing, ANY],
         covers=[wnp.interp]),
    spec(lambda x, fp: wnp.interp(x, np.array([0.0, 1.0, 2.0]), fp, left=-1.0, right=fp[0]),
         (5,), (3,), domain=[bands((-1.0, -0.2), (0.2, 0.8), (1.2, 1.8), (2.2, 3.0)), ANY],
         name="interp(left,right)", covers=[wnp.interp]),
    spec(lambda f: wnp.gradient(f, 0.5), (5,), name="gradient", covers=[wnp.gradient]),
    spec(lambda f: wnp.gradient(f, 0.5, 2.0, edge_order=2)[1], (4, 5),
         name="gradient(2-D,edge_order=2)", covers=[wnp.gradient]),
    spec(lambda y: wnp.trapezoid(y, dx=0.3, axis=0), (4, 3), name="trapezoid",
         covers=[wnp.trapezoid]),
    spec(lambda y, x: wnp.trapezoid(y, x), (2, 5), (5,), domain=[ANY, increasing],
         name="trapezoid(x)", covers=[wnp.trapezoid]),
    spec(wnp.polyval, (4,), (3,), covers=[wnp.polyval]),
    spec(lambda p: wnp.polyval([p, 2.0, p * p], 0.7), (), name="polyval(list)",
         covers=[wnp.polyval, wnp.array]),
    spec(wnp.polyadd, (3,), (2,), covers=[wnp.polyadd]),
    spec(wnp.polysub, (2,), (4,), covers=[wnp.polysub]),
    spec(lambda p: wnp.polyder(p, 2), (4,), name="polyder", covers=[wnp.polyder]),
    spec(lambda p: wnp.polyint(p, 2, [1.0, 2.0]), (3,), name="polyint", covers=[wnp.polyint]),
    spec(lambda x: wnp.vander(x, 4), (3,), name="vander", covers=[wnp.vander]),
    spec(lambda a, b: wnp.block([[a, b], [b, a]]), (2, 2), (2, 2), name="block",
         covers=[wnp.block]),
    spec(lambda a, b: wnp.meshgrid(a, b)[0] * wnp.meshgrid(a, b, indexing="ij")[1].T,
         (3,), (2,), name="meshgrid", covers=[wnp.meshgrid]),
    spec(wnp.unwrap, (5,), domain=(-6.0, 6.0), covers=[wnp.unwrap]),
    spec(lambda x: wnp.apply_along_axis(lambda r: r * wnp.sum(r ** 2), 1, x), (2, 3),
         name="apply_along_axis", covers=[wnp.apply_along_axis]),
    # modf: the fractional part jumps at integers; sample between them
    spec(lambda x: wnp.modf(x)[0], (4,), domain=bands((0.1, 0.9), (1.1, 1.9), (-1.9, -1.1)),
         name="modf", covers=[wnp.modf]),
    spec(lambda x, y: wnp.divmod(x, y)[1], (4,), (), domain=[bands((0.1, 0.9), (2.1, 2.9)),
                                                            (3.0, 3.5)],
         name="divmod", covers=[wnp.divmod]),
    spec(lambda x: wnp.ediff1d(x, to_begin=x[:1], to_end=2.0), (2, 3), name="ediff1d",
         covers=[wnp.ediff1d]),
    spec(lambda x, y: wnp.vecdot(x, y), (2, 3), (3,), name="vecdot", covers=[wnp.vecdot]),
    spec(lambda x, y: wnp.vecdot(x, y, axis=0), (2, 3), (2, 1), name="vecdot(complex)",
         dtype=np.complex128, covers=[wnp.vecdot]),
    spec(wnp.matvec, (2, 3, 4), (4,), covers=[wnp.matvec]),
    spec(wnp.vecmat, (3,), (2, 3, 4), covers=[wnp.vecmat]),
    spec(wnp.matrix_transpose, (2, 3, 4), covers=[wnp.matrix_transpose]),
    spec(lambda x: wnp.cumulative_sum(x, axis=1, include_initial=True), (2, 3),
         name="cumulative_sum", covers=[wnp.cumulative_sum]),
    spec(lambda x: wnp.unstack(x, axis=1)[2], (2, 3), name="unstack", covers=[wnp.unstack]),
    spec(lambda x: wnp.acos(x / 3) + wnp.atan2(x, 2.0) + wnp.pow(x, 2)
         + wnp.concat([x, x])[:2] + wnp.permute_dims(x, (0,)), (2,), domain=POS,
         name="array-API aliases", covers=[wnp.acos, wnp.atan2, wnp.pow, wnp.concat]),
]
