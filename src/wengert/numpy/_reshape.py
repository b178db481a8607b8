"""Reshaping, transposing, flipping and broadcasting: linear primitives, declared so,
and the NumPy functions composed of them.

Their forward rules follow from linearity (apply the same operation to the tangent);
each reverse rule is the adjoint operation.  ``reshape``, ``ravel``, ``moveaxis``,
``flip``, ``broadcast_to`` and ``diagonal`` are declared in :mod:`._wrapped` (the
reductions' rules call them); their rules are here.
"""
import numpy as _np

from .._core import Box, def_linear, defbatch, defvjp
from ._backends import is_foreign, scatter_add
from ._batchrules import (axis_rule, first_only, get_arg, provide, shift, with_loop,
                          as_tuple)
from ._dispatch import asarray, dtype, equivalent, method_fast, shape, wrap
from ._elementwise import astype
from ._unbroadcast import unbroadcast
from ._wrapped import broadcast_to, diagonal, flip, moveaxis, ravel, reshape


def _linear(fun, vjp):
    defvjp(fun, vjp)
    def_linear(fun)
    return fun


# the adjoint of reading x in some index order is writing back in the same order
# (order passed only when it is not the default: Dask's reshape takes no order)
def _reshape_back(g, x, order):
    return reshape(g, shape(x)) if order == "C" else reshape(g, shape(x), order=order)


_linear(reshape, lambda g, ans, x, newshape=None, order="C", **k: _reshape_back(g, x, order))
_linear(ravel, lambda g, ans, x, order="C": _reshape_back(g, x, order))
squeeze = _linear(wrap(_np.squeeze), lambda g, ans, x, *a, **k: reshape(g, shape(x)))
expand_dims = _linear(wrap(_np.expand_dims), lambda g, ans, x, *a, **k: reshape(g, shape(x)))
swapaxes = _linear(wrap(_np.swapaxes, fast=method_fast(_np.swapaxes, "swapaxes")),
                   lambda g, ans, a, axis1, axis2: swapaxes(g, axis1, axis2))
_linear(moveaxis, lambda g, ans, a, source, destination: moveaxis(g, destination, source))
_linear(flip, lambda g, ans, x, axis=None: flip(g, axis))


def _transpose_vjp(g, ans, x, axes=None):
    if axes is None:
        return transpose(g)
    return transpose(g, tuple(_np.argsort([a % len(axes) for a in axes])))


transpose = _linear(wrap(_np.transpose), _transpose_vjp)
_linear(broadcast_to, lambda g, ans, x, *a, **k: unbroadcast(g, x))


def _diagonal_adjoint_impl(g, xshape, offset, axis1, axis2):
    if type(g) is not _np.ndarray and is_foreign(g):
        positions = _np.diagonal(_np.arange(int(_np.prod(xshape))).reshape(xshape),
                                 offset, axis1, axis2)
        return scatter_add(g, positions, xshape)
    out = _np.zeros(xshape, dtype=_np.result_type(g))
    view = _np.moveaxis(out, (axis1, axis2), (-2, -1))
    i = _np.arange(_np.shape(g)[-1])
    if offset >= 0:
        view[..., i, i + offset] = g
    else:
        view[..., i - offset, i] = g
    return out


_diagonal_adjoint = wrap(_diagonal_adjoint_impl, "wengert.numpy.diagonal_adjoint")
_linear(diagonal, lambda g, ans, x, offset=0, axis1=0, axis2=1:
        _diagonal_adjoint(g, shape(x), offset, axis1, axis2))
_linear(_diagonal_adjoint, lambda g, ans, _, xshape, offset, axis1, axis2:
        diagonal(g, offset, axis1, axis2))


# -- batching rules (each sees the batch axis of x in front) ----------------------------
def _batch_first(fun, rule_of_x):
    """``fun`` batched in its first argument by ``rule_of_x``; a loop otherwise."""
    defbatch(fun, with_loop(fun, first_only(rule_of_x)))


def _reshape_batched(x, a, k):
    if (a[1:2] or [k.get("order", "C")])[0] != "C":
        return None
    new = a[0] if a else k.pop("shape", k.pop("newshape", None))
    return reshape(x, (shape(x)[0],) + as_tuple(new), **k), 0


def _ravel_batched(x, a, k):
    if (a[:1] or [k.get("order", "C")])[0] != "C":
        return None
    return reshape(x, (shape(x)[0], -1)), 0


def _transpose_batched(x, a, k):
    n = len(shape(x)) - 1
    axes = get_arg(a, k, 0, "axes", None)
    axes = tuple(range(n, 0, -1)) if axes is None else shift(axes, n)
    return transpose(x, (0,) + axes), 0


def _squeeze_batched(x, a, k):
    per = shape(x)[1:]
    axis = get_arg(a, k, 0, "axis", None)
    if not per and axis is not None:
        # NumPy accepts an integer axis 0 or -1 on a 0-d value (and changes nothing);
        # one 0-d example raises NumPy's error for any other
        _np.squeeze(_np.zeros(()), axis)
        return x, 0
    axis = tuple(i + 1 for i, n in enumerate(per) if n == 1) if axis is None else \
        shift(axis, len(per))
    return squeeze(x, axis), 0


def _expand_dims_batched(x, a, k):
    axes = as_tuple(get_arg(a, k, 0, "axis", None))
    n = len(shape(x)) - 1 + len(axes)
    return expand_dims(x, tuple(int(v) % n + 1 for v in axes)), 0


def _broadcast_to_batched(x, a, k):
    target = as_tuple(get_arg(a, k, 0, "shape", None))
    s = shape(x)
    x = reshape(x, s[:1] + (1,) * (len(target) - len(s) + 1) + s[1:])
    return broadcast_to(x, s[:1] + target), 0


def _diagonal_batched(x, a, k):
    n = len(shape(x)) - 1
    offset = get_arg(a, k, 0, "offset", 0)
    axis1, axis2 = get_arg(a, k, 1, "axis1", 0), get_arg(a, k, 2, "axis2", 1)
    return diagonal(x, offset, axis1 % n + 1, axis2 % n + 1), 0


def _diagonal_adjoint_batched(g, a, k):
    xshape, offset, axis1, axis2 = a
    n = len(xshape)
    return _diagonal_adjoint(g, shape(g)[:1] + tuple(xshape), offset, axis1 % n + 1,
                             axis2 % n + 1), 0


defbatch(flip, axis_rule(flip))
_batch_first(reshape, _reshape_batched)
_batch_first(ravel, _ravel_batched)
_batch_first(swapaxes, lambda x, a, k: (swapaxes(x, *shift(tuple(a), len(shape(x)) - 1)), 0))
_batch_first(moveaxis, lambda x, a, k: (
    moveaxis(x, *(shift(v, len(shape(x)) - 1) for v in a)), 0))
_batch_first(transpose, _transpose_batched)
_batch_first(squeeze, _squeeze_batched)
_batch_first(expand_dims, _expand_dims_batched)
_batch_first(broadcast_to, _broadcast_to_batched)
_batch_first(diagonal, _diagonal_batched)
_batch_first(_diagonal_adjoint, _diagonal_adjoint_batched)
provide(reshape=reshape, moveaxis=moveaxis, swapaxes=swapaxes, broadcast_to=broadcast_to)


# -- helpers of the composed functions (here and in the other shape modules) ------------
# NumPy's AxisError (a ValueError and an IndexError) moved in NumPy 1.25
AxisError = getattr(getattr(_np, "exceptions", _np), "AxisError", ValueError)


def ndim_of(x):
    return len(shape(x))


def normalize_axis(axis, ndim, fun, argname="axis"):
    """``axis`` of an ``ndim``-d array as a nonnegative integer, or NumPy's error
    naming ``wengert.numpy.<fun>``."""
    try:
        axis = _np.asarray(axis).item() if not isinstance(axis, int) else axis
    except ValueError:
        raise TypeError(f"wengert.numpy.{fun}: {argname} must be an integer, "
                        f"got {axis!r}") from None
    if not -ndim <= axis < ndim:
        raise AxisError(f"wengert.numpy.{fun}: {argname} {axis} is out of bounds for an "
                        f"array of dimension {ndim}")
    return axis % ndim


def require_ndim(x, at_least, fun, what):
    if ndim_of(x) < at_least:
        raise ValueError(f"wengert.numpy.{fun}: the input must have at least {at_least} "
                         f"dimension{'s' if at_least > 1 else ''} ({what}); got shape "
                         f"{shape(x)}")


def along(axis, index):
    """An index tuple selecting ``index`` on ``axis`` and everything elsewhere."""
    return (slice(None),) * axis + (index,)


def cast_like(x, like):
    """``x`` in the dtype of ``like`` (NumPy casts inserted values so)."""
    if isinstance(x, Box):
        return x if dtype(x) == dtype(like) else astype(x, dtype(like))
    return _np.asarray(x, dtype=dtype(like))


# -- composed: axes and ranks -------------------------------------------------------------
def atleast_1d(*arys):
    res = [a if len(shape(a)) >= 1 else reshape(a, (1,)) for a in arys]
    return res[0] if len(res) == 1 else res


def atleast_2d(*arys):
    res = []
    for a in arys:
        s = shape(a)
        res.append(a if len(s) >= 2 else reshape(a, (1,) * (2 - len(s)) + tuple(s)))
    return res[0] if len(res) == 1 else res


def atleast_3d(*arys):
    """``numpy.atleast_3d``: ``()`` -> ``(1, 1, 1)``, ``(n,)`` -> ``(1, n, 1)``,
    ``(m, n)`` -> ``(m, n, 1)``; arrays of 3 or more dimensions unchanged."""
    res = []
    for a in arys:
        a = asarray(a)
        s = tuple(shape(a))
        new = {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}.get(len(s))
        res.append(a if new is None else reshape(a, new))
    return res[0] if len(res) == 1 else res


def rollaxis(a, axis, start=0):
    """``numpy.rollaxis``: move ``axis`` so that it lies before position ``start``.

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> S.rollaxis(np.ones((2, 3, 4)), 2).shape
        (4, 2, 3)
    """
    n = ndim_of(a)
    axis = normalize_axis(axis, n, "rollaxis")
    if not -n <= start <= n:
        raise ValueError(f"wengert.numpy.rollaxis: start={start} must lie in "
                         f"[{-n}, {n}] for an array of dimension {n}")
    start = start + n if start < 0 else start
    if axis < start:
        start -= 1      # the axis leaves its place, so later positions shift down
    if axis == start:
        return a
    order = [i for i in range(n) if i != axis]
    order.insert(start, axis)
    return transpose(a, tuple(order))


def _broadcast_arrays_type():
    # NumPy 2 returns a tuple, NumPy 1 a list
    return type(_np.broadcast_arrays(_np.zeros(1)))


def broadcast_arrays(*args, subok=False):
    """``numpy.broadcast_arrays``: every argument broadcast to their common shape
    (the cotangent of each is summed back to its own shape).

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> [a.shape for a in S.broadcast_arrays(np.ones(3), np.ones((2, 1)))]
        [(2, 3), (2, 3)]
    """
    args = [asarray(a) for a in args]
    target = _np.broadcast_shapes(*[tuple(shape(a)) for a in args])
    out = [a if tuple(shape(a)) == target else broadcast_to(a, target) for a in args]
    return _broadcast_arrays_type()(out)


# -- repeating and rearranging ---------------------------------------------------------
def tile(A, reps):
    """``numpy.tile``: ``A`` repeated ``reps`` times along each axis, as one
    broadcast (so the cotangent of ``A`` sums over the copies).

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> S.tile(np.array([1.0, 2.0]), (2, 2))
        array([[1., 2., 1., 2.],
               [1., 2., 1., 2.]])
    """
    A = asarray(A)
    reps = (int(reps),) if _np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError(f"wengert.numpy.tile: reps must not be negative, got {reps}")
    s = tuple(shape(A))
    d = max(len(s), len(reps))
    s = (1,) * (d - len(s)) + s
    reps = (1,) * (d - len(reps)) + reps
    if all(r == 1 for r in reps):
        return reshape(A, s)
    # (r0, s0, r1, s1, ...) from (1, s0, 1, s1, ...), then merge each pair
    interleaved = tuple(n for pair in zip((1,) * d, s) for n in pair)
    copies = tuple(n for pair in zip(reps, s) for n in pair)
    return reshape(broadcast_to(reshape(A, interleaved), copies),
                   tuple(r * n for r, n in zip(reps, s)))


def fliplr(m):
    """``numpy.fliplr``: reverse the second axis."""
    require_ndim(m, 2, "fliplr", "use flip(m, 0) for 1-d arrays")
    return flip(m, 1)


def flipud(m):
    """``numpy.flipud``: reverse the first axis."""
    require_ndim(m, 1, "flipud", "a 0-d array has no axis to flip")
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    """``numpy.rot90``: rotate by ``k`` quarter turns in the plane of ``axes``,
    from the first axis towards the second.

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> S.rot90(np.array([[1.0, 2.0], [3.0, 4.0]]))
        array([[2., 4.],
               [1., 3.]])
    """
    m = asarray(m)
    n = ndim_of(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"wengert.numpy.rot90: axes must name 2 axes, got {axes}")
    a0, a1 = (normalize_axis(a, n, "rot90", "axes") for a in axes)
    if a0 == a1:
        raise ValueError(f"wengert.numpy.rot90: axes must be different, got {axes}")
    k = int(k) % 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(n))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(flip(m, a1), tuple(perm))
    return flip(transpose(m, tuple(perm)), a1)


for _np_fun, _ours in ((_np.atleast_1d, atleast_1d), (_np.atleast_2d, atleast_2d),
                       (_np.atleast_3d, atleast_3d), (_np.rollaxis, rollaxis),
                       (_np.broadcast_arrays, broadcast_arrays), (_np.tile, tile),
                       (_np.fliplr, fliplr), (_np.flipud, flipud), (_np.rot90, rot90)):
    equivalent(_np_fun, _ours)
del _np_fun, _ours
