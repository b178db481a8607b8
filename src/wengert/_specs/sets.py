"""Op specs of set operations, counts and histograms (see ``_table.py`` for the spec
format).

Which entries a set operation selects, and which bin a sample falls in, is piecewise
constant: samples keep away from ties and bin edges, and values shared between two
arguments come from one traced variable (a tie between independent variables is a
jump, where finite differences have no limit)."""
import numpy as np

import wengert.numpy as wnp
from ._table import ANY, bands, spec

NUMPY2 = hasattr(np, "unique_all")
SHARED = np.array([0.31, -1.7, 1.13])          # constants none of the samples equals
BIN_IDX = np.array([0, 2, 2, 4, 0, 1])
SAMPLE = np.array([0.05, 0.9, 0.45, 0.62, 0.21, 0.77])     # away from the edges below


def _repeat_first(x):
    """``x`` with its first two entries repeated (exact ties within one variable)."""
    return wnp.concatenate([x, x[:2]])


SETS = [
    spec(lambda x: wnp.unique(_repeat_first(x)), (5,), name="unique", covers=[wnp.unique]),
    spec(lambda x: wnp.unique(x, return_counts=True)[0], (2, 3), name="unique(counts)",
         covers=[wnp.unique]),
    spec(lambda x: wnp.unique(wnp.concatenate([x, x[:1]]), axis=0), (2, 3),
         name="unique(axis=0)", covers=[wnp.unique]),
    spec(lambda x: wnp.union1d(x, SHARED), (2, 3), name="union1d", covers=[wnp.union1d]),
    spec(lambda x, y: wnp.union1d(_repeat_first(x), y), (4,), (3,), name="union1d",
         covers=[wnp.union1d]),
    spec(lambda x: wnp.intersect1d(x, wnp.concatenate([SHARED, x[::2]])), (5,),
         name="intersect1d", covers=[wnp.intersect1d]),
    spec(lambda x: wnp.intersect1d(SHARED, wnp.concatenate([x, SHARED[:2]]))
         + wnp.intersect1d(x, x[1:], return_indices=True)[0][:1], (4,),
         name="intersect1d(ar2)", covers=[wnp.intersect1d]),
    spec(lambda x: wnp.setdiff1d(_repeat_first(x), x[1:2]), (5,), name="setdiff1d",
         covers=[wnp.setdiff1d]),
    spec(lambda x: wnp.setdiff1d(x, x[1:3], assume_unique=True), (5,),
         name="setdiff1d(assume_unique)", covers=[wnp.setdiff1d]),
    spec(lambda x, y: wnp.setxor1d(_repeat_first(x), wnp.concatenate([y, x[:1]])), (4,),
         (3,), name="setxor1d", covers=[wnp.setxor1d, wnp.unique]),
    spec(lambda x: wnp.setxor1d(x, SHARED, assume_unique=True), (4,),
         name="setxor1d(assume_unique)", covers=[wnp.setxor1d]),
] + ([
    spec(lambda x: wnp.unique_values(_repeat_first(x)) + wnp.unique_counts(x[:3]).values[0]
         + wnp.unique_inverse(x).values[-1] + wnp.unique_all(x).values[1], (5,),
         name="unique_values/counts/inverse/all",
         covers=[wnp.unique_values, wnp.unique_counts, wnp.unique_inverse, wnp.unique_all]),
] if NUMPY2 else [])

HISTOGRAMS = [
    spec(lambda w: wnp.bincount(BIN_IDX, weights=w, minlength=7), (6,), name="bincount",
         covers=[wnp.bincount, "wengert.numpy.bincount"]),
    spec(lambda w: wnp.histogram(SAMPLE, 3, weights=w)[0], (6,), name="histogram(weights)",
         covers=[wnp.histogram, "wengert.numpy.bincount"]),
    spec(lambda w: wnp.histogram(SAMPLE, [0.0, 0.3, 0.5, 1.0], weights=w, density=True)[0],
         (6,), name="histogram(weights,density)", covers=[wnp.histogram]),
    # the edges follow the sample's extremes (entries 0 and 1 below)
    spec(lambda x: wnp.histogram(wnp.concatenate([x, SAMPLE[2:5]]), 4, density=True)[0]
         + wnp.histogram(x, 2)[1][1], (2,), domain=bands((-0.5, -0.2), (1.2, 1.5)),
         name="histogram(edges,density)", covers=[wnp.histogram]),
    spec(lambda x, lo: wnp.histogram_bin_edges(x, 2) + wnp.histogram_bin_edges(
         SAMPLE, 2, range=(lo, 1.0)), (4,), (), domain=[ANY, (-0.5, -0.1)],
         name="histogram_bin_edges", covers=[wnp.histogram_bin_edges]),
    spec(lambda s, w: wnp.histogramdd(s, bins=2, weights=w, density=True)[0],
         (3, 2), (3,), domain=[bands((0.1, 0.4), (0.6, 0.9)), ANY], name="histogramdd",
         covers=[wnp.histogramdd, "wengert.numpy.bincount"]),
    spec(lambda x, w: wnp.histogram2d(x, SAMPLE[:3], bins=[2, 3], weights=w)[0]
         + wnp.histogram2d(x, SAMPLE[:3], bins=2)[1][1], (3,), (3,),
         domain=[bands((0.1, 0.4), (0.6, 0.9)), ANY], name="histogram2d",
         covers=[wnp.histogram2d, wnp.histogramdd]),
]

SPECS = SETS + HISTOGRAMS
