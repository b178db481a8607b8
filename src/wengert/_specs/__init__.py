"""The op table: one ``OpSpec`` per differentiable operation of ``wengert.numpy``.

The test suite's ``test_ops.py`` runs one generic checker over the table and
``test_registry.py`` checks that the table covers every registered primitive and
that each spec really exercises what it claims to cover; the table ships with
the package so that ``wengert.selfcheck()`` can run the same verification from
an installed copy.  Rule authors make specs of their own with
``wengert.test_util.op_spec``.

The spec record, its input domains and the helpers every area shares are in
``_table.py``; the specs themselves are in one module per subject:

* ``elementwise``: ufuncs, clip and where, casts, the other elementwise functions
* ``reductions``: sums, means, extrema, cumulative sums; prod, diff, average, NaN-ignoring
* ``sorting``: sort, partition, order statistics (quantiles), select and piecewise
* ``sets``: set operations, counts, histograms
* ``shapes``: reshape and axes, joining, splitting, rearranging, padding, constructors
* ``indexing``: basic, advanced and mixed indices, take, repeat, gathers
* ``inplace``: index updates, assignments and ``out=`` on traced arrays, filled tables
* ``products``, ``linalg``, ``decomp``, ``singular``, ``linalg_api``: dot and its
  relatives, einsum, kron, cross; inv, det, solve, norm; decompositions; singular
  points; NumPy 2's array-API names
* ``fft``, ``misc``, ``scipy``: the FFT module; convolution, statistics,
  interpolation, polynomials; SciPy
* ``interplay``: plain NumPy calls on traced arrays, real meeting complex
* ``autograd_surface``, ``extension``: autograd's containers and fixed points;
  primitives made with ``wengert.extend``
"""
from ._table import OpSpec, cover_name, spec
from . import (autograd_surface, decomp, elementwise, extension, fft, indexing, inplace,
               interplay, linalg, linalg_api, misc, products, reductions, scipy, sets, shapes,
               singular, sorting)

__all__ = ["OP_SPECS", "OpSpec", "cover_name", "spec"]

# The order is part of the table: tests take every n-th spec (OP_SPECS[::25]).
OP_SPECS = (
    elementwise.UFUNCS + elementwise.CLIP_WHERE + elementwise.CASTS
    + reductions.SUMS_MEANS_EXTREMA
    + shapes.SHAPE_OPS + indexing.INDEXING + shapes.JOINING
    + products.DOT_PRODUCTS + linalg.LINALG + linalg.NORMS
    + interplay.DISPATCH + interplay.REAL_MEETS_COMPLEX + indexing.ORDER3_NESTED
    + extension.GATES
    + elementwise.OTHER_ELEMENTWISE + reductions.PROD_CUMPROD + reductions.DIFF_AVERAGE_NAN
    + sorting.SORTING + sorting.QUANTILE_METHODS + sorting.NAN_ORDER_STATISTICS
    + sorting.SELECTING
    + shapes.AXES + shapes.STACKING + shapes.SPLITTING + shapes.REARRANGING + shapes.PADDING
    + indexing.MIXED_INDEXING + indexing.GATHERS + shapes.CONSTRUCTORS
    + products.EINSUMS + products.KRONS + products.CROSSES + products.PRODUCTS_ND + fft.FFTS
    + decomp.SPECS + scipy.SPECS + misc.SPECS + inplace.UPDATES
    + elementwise.LDEXP_FREXP_NEXTAFTER_HEAVISIDE + sets.SETS + sets.HISTOGRAMS
    + inplace.FILLED_TABLES + singular.SPECS + linalg_api.SPECS + autograd_surface.SPECS
    + extension.XENT
)
