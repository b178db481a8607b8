"""``wengert.numpy``: NumPy with derivatives.

Use it exactly like NumPy (``import wengert.numpy as np``).  On plain values
every function behaves like NumPy's; on traced values (inside ``grad``,
``jvp``, a ``Tape`` ...) the differentiable ones are recorded.  The names
defined here have derivative rules (or are explicitly not differentiable);
any other NumPy name is NumPy's own, for plain values, and raises an error
naming itself if it meets a traced value.
"""
import numpy as _np

from . import _array_box, _lean, _vspace  # noqa: F401  (registers boxes, vector spaces, lean tape)
from ._dispatch import nondiff as _not_differentiable
from ._elementwise import (  # noqa: A004  (NumPy's names: abs, divmod, pow, round)
    acos, acosh, angle, asin, asinh, atan, atan2, atanh, copysign, divmod, float_power, frexp,
    heaviside, i0, ldexp, modf, nan_to_num, nextafter, pow, real_if_close, sinc, spacing,
    abs, absolute, add, allclose, arccos, arccosh, arcsin, arcsinh, arctan, arctan2,
    arctanh, around, astype, cbrt, ceil, clip, conj, conjugate, cos, cosh, deg2rad, degrees,
    divide, equal, exp, exp2, expm1, fabs, fix, floor, floor_divide, fmax,
    fmin, fmod, greater, greater_equal, hypot, imag, isclose, isfinite, isinf, isnan, less,
    less_equal, log, log1p, log2, log10, logaddexp, logaddexp2, logical_and, logical_not,
    logical_or, logical_xor, maximum, minimum, mod, multiply, negative, not_equal, positive,
    power, rad2deg, radians, real, reciprocal, remainder, rint, round, sign, signbit, sin,
    sinh, sqrt, square, subtract, tan, tanh, true_divide, trunc, where)
from ._linalg import cross, dot, einsum, inner, kron, matmul, outer, tensordot, vdot
from ._reductions import (
    amax, amin, average, cumprod, cumsum, diff, max, mean, min, nancumprod, nancumsum, nanmax,
    nanmean, nanmin, nanprod, nanstd, nansum, nanvar, prod, ptp, std, sum, trace, var)
from ._shape import (
    append, array, array_split, asarray, atleast_1d, atleast_2d, atleast_3d, broadcast_arrays,
    broadcast_to, column_stack, concatenate, copy, delete, diag, diagflat, diagonal, dsplit,
    dstack, expand_dims, flip, fliplr, flipud, full, hsplit, hstack, insert, moveaxis,
    ravel, repeat, reshape, resize, roll, rollaxis, rot90, row_stack, split, squeeze, stack,
    swapaxes, take, tile, transpose, tril, trim_zeros, triu, vsplit, vstack)

from .._core import Box, notrace_primitive, primitive  # noqa: F401  (autograd exports them here)

# Functions loaded on first use (their modules are rarely needed, and loading them all
# would make ``import wengert`` a quarter slower): module -> its names here.  A plain
# NumPy call on a traced value (``numpy.unique(x)``) loads them as well
# (``_dispatch.equivalent_of``).
_LAZY_MODULES = {
    "_misc": (
        "apply_along_axis block convolve corrcoef correlate cov cumulative_sum ediff1d gradient "
        "interp matrix_transpose matvec meshgrid polyadd polyder polyint polymul polysub "
        "polyval trapezoid trapz=trapezoid unstack unwrap vander vecdot vecmat"
    ).split(),
    "_nondiff": (
        "argpartition array_equiv bitwise_and bitwise_or bitwise_xor can_cast common_type "
        "copyto diag_indices_from digitize fill_diagonal gcd invert isfortran isin isnat "
        "isneginf isposinf lcm left_shift lexsort may_share_memory min_scalar_type nanargmax "
        "nanargmin packbits place put putmask right_shift shares_memory tril_indices_from "
        "triu_indices_from unpackbits"
    ).split(),
    "_sets": (
        "bincount histogram histogram2d histogram_bin_edges histogramdd intersect1d setdiff1d "
        "setxor1d union1d unique unique_all unique_counts unique_inverse unique_values"
    ).split(),
    "_index_tricks": (
        "argwhere c_ flatnonzero indices ix_ r_ ravel_multi_index tri unravel_index"
    ).split(),
    "numpy_wrapper": (  # autograd's additions to NumPy's names
        "array_from_args concatenate_args linspace make_diagonal metadata numpy_version "
        "wrap_namespace"
    ).split(),
    "_pad": ["pad"],
    "_sorting": (
        "choose compress extract median msort nanmedian nanpercentile nanquantile partition "
        "percentile piecewise quantile select sort take_along_axis"
    ).split(),
    "_inplace": "as_traced at empty_like full_like index_add index_update ones_like zeros_like"
                .split(),
}
# name here -> (module, its name there): "trapz=trapezoid" is NumPy's old name
_LAZY = {name.partition("=")[0]: (module, name.rpartition("=")[2])
         for module, names in _LAZY_MODULES.items() for name in names}

# NumPy 2's array-API names for the same functions
concat = concatenate
permute_dims = transpose

# Constants, types and constructors: NumPy's own (they create constants).
from numpy import (  # noqa: F401
    arange, bool_, complex64, complex128, dtype, e, empty, euler_gamma, eye, finfo,
    float16, float32, float64, geomspace, iinfo, identity, inf, int8, int16, int32,
    int64, integer, logspace, nan, ndarray, newaxis, ones, pi, uint8,
    zeros)

# Not differentiable: shapes, indices, predicates, constant-valued results.
shape = _not_differentiable(_np.shape)
ndim = _not_differentiable(_np.ndim)
size = _not_differentiable(_np.size)
argmax = _not_differentiable(_np.argmax)
argmin = _not_differentiable(_np.argmin)
argsort = _not_differentiable(_np.argsort)
nonzero = _not_differentiable(_np.nonzero)
count_nonzero = _not_differentiable(_np.count_nonzero)
all = _not_differentiable(_np.all)
any = _not_differentiable(_np.any)
array_equal = _not_differentiable(_np.array_equal)
iscomplexobj = _not_differentiable(_np.iscomplexobj)
isrealobj = _not_differentiable(_np.isrealobj)
iscomplex = _not_differentiable(_np.iscomplex)
isreal = _not_differentiable(_np.isreal)
isscalar = _not_differentiable(_np.isscalar)
result_type = _not_differentiable(_np.result_type)
searchsorted = _not_differentiable(_np.searchsorted)


# Submodules loaded on first use (``wengert.numpy.linalg`` or ``import wengert.numpy.fft``),
# to keep ``import wengert`` light; a plain ``numpy.linalg``/``numpy.fft`` call on a
# traced value loads them too (``_dispatch.equivalent_of``).
_SUBMODULES = ("fft", "linalg", "random")


def __getattr__(name):
    lazy = _LAZY.get(name)
    if lazy is not None:
        import importlib
        loaded = importlib.import_module(f"{__name__}.{lazy[0]}")
        for n in _LAZY_MODULES[lazy[0]]:       # later lookups find them directly
            globals()[n.partition("=")[0]] = getattr(loaded, n.rpartition("=")[2])
        return globals()[name]
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")  # also sets it as attribute
    # Any other NumPy name is NumPy's own (for plain values). On a traced value,
    # NumPy's dispatch reaches ArrayBox.__array_function__, which raises an
    # error naming the function instead of returning a silent constant.
    try:
        return getattr(_np, name)
    except AttributeError:
        raise AttributeError(f"module 'wengert.numpy' has no attribute {name!r}") from None


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))
