"""Shape, indexing and joining operations: all linear, declared so.

Their forward rules follow from linearity (apply the same operation to the
tangent); each reverse rule is the adjoint operation.
"""
import numpy as _np

from .._core import Box, def_linear, defjvp, defjvp_any, defvjp, defvjp_any, get_primitive
from . import _elementwise as E, _unbroadcast as U
from ._dispatch import equivalent, shape, val, wrap


def _linear(fun, vjp):
    defvjp(fun, vjp)
    def_linear(fun)
    return fun


# the adjoint of reading x in some index order is writing back in the same order
reshape = _linear(wrap(_np.reshape), lambda g, ans, x, newshape=None, order="C", **k:
                  reshape(g, shape(x), order=order))
ravel = _linear(wrap(_np.ravel), lambda g, ans, x, order="C": reshape(g, shape(x), order=order))
squeeze = _linear(wrap(_np.squeeze), lambda g, ans, x, *a, **k: reshape(g, shape(x)))
expand_dims = _linear(wrap(_np.expand_dims), lambda g, ans, x, *a, **k: reshape(g, shape(x)))
swapaxes = _linear(wrap(_np.swapaxes), lambda g, ans, x, a, b: swapaxes(g, a, b))
moveaxis = _linear(wrap(_np.moveaxis), lambda g, ans, x, src, dst: moveaxis(g, dst, src))
flip = _linear(wrap(_np.flip), lambda g, ans, x, axis=None: flip(g, axis))


def _transpose_vjp(g, ans, x, axes=None):
    if axes is None:
        return transpose(g)
    return transpose(g, tuple(_np.argsort([a % len(axes) for a in axes])))


transpose = _linear(wrap(_np.transpose), _transpose_vjp)


broadcast_to = _linear(wrap(_np.broadcast_to), lambda g, ans, x, *a, **k: U.unbroadcast(g, x))


def _diagonal_adjoint_impl(g, xshape, offset, axis1, axis2):
    out = _np.zeros(xshape, dtype=_np.result_type(g))
    view = _np.moveaxis(out, (axis1, axis2), (-2, -1))
    i = _np.arange(_np.shape(g)[-1])
    if offset >= 0:
        view[..., i, i + offset] = g
    else:
        view[..., i - offset, i] = g
    return out


diagonal = wrap(_np.diagonal)
_diagonal_adjoint = wrap(_diagonal_adjoint_impl, "wengert.numpy.diagonal_adjoint")
_linear(diagonal, lambda g, ans, x, offset=0, axis1=0, axis2=1:
        _diagonal_adjoint(g, shape(x), offset, axis1, axis2))
_linear(_diagonal_adjoint, lambda g, ans, _, xshape, offset, axis1, axis2:
        diagonal(g, offset, axis1, axis2))


# -- indexing ---------------------------------------------------------------------------
def _is_basic(idx):
    items = idx if type(idx) is tuple else (idx,)
    return all(i is None or i is Ellipsis or type(i) in (int, slice) or
               isinstance(i, _np.integer) for i in items)


def _getitem_impl(x, idx):
    return x[idx]


def _untake_impl(g, idx, xshape):
    """The adjoint of ``x[idx]``: zeros of ``x``'s shape with ``g`` added at ``idx``
    (repeated indices accumulate)."""
    out = _np.zeros(xshape, dtype=_np.result_type(g))
    if _is_basic(idx):
        out[idx] = g
    else:
        _np.add.at(out, idx, g)
    return out


getitem = wrap(_getitem_impl, "wengert.numpy.getitem")
_untake = wrap(_untake_impl, "wengert.numpy.untake")
_linear(getitem, lambda g, ans, x, idx: _untake(g, idx, shape(x)))
_linear(_untake, lambda g, ans, _, idx, xshape: getitem(g, idx))


def _sequence_item_impl(seq, i):
    return seq[i]


sequence_item = wrap(_sequence_item_impl, "wengert.numpy.sequence_item")
defvjp(sequence_item, lambda g, ans, seq, i: tuple(g if j == i % len(seq) else None
                                                     for j in range(len(seq))))
defjvp(sequence_item, lambda t, ans, seq, i: t[i])
get_primitive(sequence_item).kind = "linear"


def take(a, indices, axis=None, out=None, mode="raise"):
    """``numpy.take``, as indexing (so repeated indices accumulate gradients)."""
    if out is not None or mode != "raise":
        raise TypeError("wengert.numpy.take: out= and mode= are not supported on traced values")
    if axis is None:
        return getitem(ravel(a), indices)
    axis = axis % len(shape(a))
    return getitem(a, (slice(None),) * axis + (_np.asarray(indices),))


def repeat(a, repeats, axis=None):
    """``numpy.repeat``, as indexing (each copy's gradient adds to its source)."""
    if axis is None:
        a, axis = ravel(a), 0
    axis = axis % len(shape(a))
    idx = _np.repeat(_np.arange(shape(a)[axis]), repeats)
    return getitem(a, (slice(None),) * axis + (idx,))


# -- joining ----------------------------------------------------------------------------
def _concat_impl(axis, *arrays):
    return _np.concatenate(arrays, axis=axis)


_concat = wrap(_concat_impl, "numpy.concatenate")


def _concat_vjp(argnum, g, ans, axis, *arrays):
    sizes = [shape(a)[axis] for a in arrays]
    start = int(_np.sum(sizes[:argnum - 1]))
    idx = [slice(None)] * len(shape(g))
    idx[axis] = slice(start, start + sizes[argnum - 1])
    # a real array joined to complex ones gets the real part of the cotangent
    return U.unbroadcast(getitem(g, tuple(idx)), arrays[argnum - 1])


def _concat_jvp(argnum, t, ans, axis, *arrays):
    parts = [t if j == argnum - 1 else _np.zeros(shape(a), _np.result_type(val(t)))
             for j, a in enumerate(arrays)]
    return _concat(axis, *parts)


defvjp_any(_concat, _concat_vjp)
defjvp_any(_concat, _concat_jvp)
get_primitive(_concat).kind = "linear"


def concatenate(arrays, axis=0, **kwargs):
    """``numpy.concatenate`` of plain and traced arrays."""
    arrays = list(arrays)
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    axis = axis % len(shape(arrays[0]))
    return _concat(axis, *arrays)


def stack(arrays, axis=0, **kwargs):
    """``numpy.stack`` of plain and traced arrays."""
    arrays = list(arrays)
    axis = axis % (len(shape(arrays[0])) + 1)
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis)


def atleast_1d(*arys):
    res = [a if len(shape(a)) >= 1 else reshape(a, (1,)) for a in arys]
    return res[0] if len(res) == 1 else res


def atleast_2d(*arys):
    res = []
    for a in arys:
        s = shape(a)
        res.append(a if len(s) >= 2 else reshape(a, (1,) * (2 - len(s)) + tuple(s)))
    return res[0] if len(res) == 1 else res


def hstack(tup, **kwargs):
    arrs = [atleast_1d(a) for a in tup]
    return concatenate(arrs, axis=0 if len(shape(arrs[0])) == 1 else 1)


def vstack(tup, **kwargs):
    return concatenate([atleast_2d(a) for a in tup], axis=0)


def _contains_box(obj):
    if isinstance(obj, Box):
        return True
    if type(obj) in (list, tuple):
        return any(_contains_box(o) for o in obj)
    return False


def _build(obj):
    if type(obj) in (list, tuple):
        return stack([_build(o) for o in obj])
    return obj


def array(object, dtype=None, *args, **kwargs):
    """``numpy.array``; a (nested) list of traced values becomes a traced array."""
    if _contains_box(object):
        out = _build(object)
        return E.astype(out, dtype) if dtype is not None else out
    return _np.array(object, dtype, *args, **kwargs)


def asarray(a, dtype=None, *args, **kwargs):
    """``numpy.asarray``; traced values stay traced."""
    if isinstance(a, Box):
        return a if dtype is None else E.astype(a, dtype)
    if _contains_box(a):
        return array(a, dtype)
    return _np.asarray(a, dtype, *args, **kwargs)


for _np_fun, _ours in ((_np.concatenate, concatenate), (_np.stack, stack),
                       (_np.take, take), (_np.repeat, repeat),
                       (_np.hstack, hstack), (_np.vstack, vstack),
                       (_np.atleast_1d, atleast_1d), (_np.atleast_2d, atleast_2d)):
    equivalent(_np_fun, _ours)
