"""Shape, indexing and joining operations: all linear, declared so.

Their forward rules follow from linearity (apply the same operation to the
tangent); each reverse rule is the adjoint operation.
"""
import numpy as _np

from .._core import Box, def_array_args, def_linear, defjvp, defjvp_any, defvjp, defvjp_any, get_primitive
from . import _elementwise as E, _reductions as R, _unbroadcast as U
from ._dispatch import array_like, asarray, equivalent, method_fast, shape, val, wrap
from ._dispatch import dtype as _dtype_of


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
swapaxes = _linear(wrap(_np.swapaxes, fast=method_fast(_np.swapaxes, "swapaxes")),
                   lambda g, ans, a, axis1, axis2: swapaxes(g, axis1, axis2))
moveaxis = _linear(wrap(_np.moveaxis),
                   lambda g, ans, a, source, destination: moveaxis(g, destination, source))
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
# An index has no derivative: a traced one (say, an integer cast of a traced value)
# is read as a constant, as NumPy reads indices.
for _f in (getitem, _untake):
    defvjp(_f, lambda g, ans, *args: None, argnums=(1,))
    defjvp(_f, lambda t, ans, *args: None, argnums=(1,))
    def_array_args(_f, None)    # an index tuple is not an array


def _sequence_item_impl(seq, i):
    return seq[i]


sequence_item = wrap(_sequence_item_impl, "wengert.numpy.sequence_item")
defvjp(sequence_item, lambda g, ans, seq, i: tuple(g if j == i % len(seq) else None
                                                     for j in range(len(seq))))
defjvp(sequence_item, lambda t, ans, seq, i: t[i])
def_array_args(sequence_item, None)    # the sequence is a sequence


def take(a, indices, axis=None, out=None, mode="raise"):
    """``numpy.take``, as indexing (so repeated indices accumulate gradients)."""
    if out is not None or mode != "raise":
        raise TypeError("wengert.numpy.take: out= and mode= are not supported on traced values")
    if axis is None:
        return getitem(ravel(a), indices)
    axis = axis % len(shape(a))
    return getitem(a, (slice(None),) * axis + (asarray(val(indices)),))  # batched: kept


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


def concatenate(arrays, axis=0, **kwargs):
    """``numpy.concatenate`` of plain and traced arrays."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    axis = axis % len(shape(arrays[0]))
    return _concat(axis, *arrays)


def stack(arrays, axis=0, **kwargs):
    """``numpy.stack`` of plain and traced arrays."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to stack")
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
        out = copy(object) if isinstance(object, Box) else _build(object)
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


# == more of the NumPy surface: axes, joining, splitting, padding, rearranging =============
# Everything below is composed from the linear primitives above (reshape, transpose,
# flip, broadcast_to, getitem, concatenate, diagonal's adjoint) and elementwise ops,
# so derivatives of every order, in both modes, come for free.  Gathers that NumPy
# defines by index arithmetic (roll, insert, delete, resize, the index-based pad
# modes) run NumPy's own function on an array of positions, then index the traced
# array with the result: the semantics are NumPy's by construction.

# NumPy's AxisError (a ValueError and an IndexError) moved in NumPy 1.25
_AxisError = getattr(getattr(_np, "exceptions", _np), "AxisError", ValueError)


def _ndim(x):
    return len(shape(x))


def _positions(x):
    """The flat position of each entry of ``x``, in ``x``'s shape (a constant)."""
    return _np.arange(int(_np.prod(shape(x)))).reshape(shape(x))


def _gather_flat(x, positions):
    """``ravel(x)[positions]``: the entries of ``x`` at the given flat positions."""
    return getitem(ravel(x), _np.asarray(positions, dtype=_np.intp))


def _along(axis, index):
    """An index tuple selecting ``index`` on ``axis`` and everything elsewhere."""
    return (slice(None),) * axis + (index,)


def _normalize_axis(axis, ndim, fun, argname="axis"):
    try:
        axis = _np.asarray(axis).item() if not isinstance(axis, int) else axis
    except ValueError:
        raise TypeError(f"wengert.numpy.{fun}: {argname} must be an integer, "
                        f"got {axis!r}") from None
    if not -ndim <= axis < ndim:
        raise _AxisError(f"wengert.numpy.{fun}: {argname} {axis} is out of bounds for an "
                         f"array of dimension {ndim}")
    return axis % ndim


def _require_ndim(x, at_least, fun, what):
    if _ndim(x) < at_least:
        raise ValueError(f"wengert.numpy.{fun}: the input must have at least {at_least} "
                         f"dimension{'s' if at_least > 1 else ''} ({what}); got shape "
                         f"{shape(x)}")


def _asarray_like(x):
    """Traced values as they are, lists holding traced values as traced arrays;
    anything else as a NumPy array."""
    return asarray(x)


def rollaxis(a, axis, start=0):
    """``numpy.rollaxis``: move ``axis`` so that it lies before position ``start``.

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> S.rollaxis(np.ones((2, 3, 4)), 2).shape
        (4, 2, 3)
    """
    n = _ndim(a)
    axis = _normalize_axis(axis, n, "rollaxis")
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


def atleast_3d(*arys):
    """``numpy.atleast_3d``: ``()`` -> ``(1, 1, 1)``, ``(n,)`` -> ``(1, n, 1)``,
    ``(m, n)`` -> ``(m, n, 1)``; arrays of 3 or more dimensions unchanged."""
    res = []
    for a in arys:
        a = _asarray_like(a)
        s = tuple(shape(a))
        new = {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}.get(len(s))
        res.append(a if new is None else reshape(a, new))
    return res[0] if len(res) == 1 else res


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
    args = [_asarray_like(a) for a in args]
    target = _np.broadcast_shapes(*[tuple(shape(a)) for a in args])
    out = [a if tuple(shape(a)) == target else broadcast_to(a, target) for a in args]
    return _broadcast_arrays_type()(out)


def column_stack(tup):
    """``numpy.column_stack``: 1-d arrays become columns, 2-d arrays are joined as
    they are, along the second axis."""
    cols = []
    for a in tup:
        a = _asarray_like(a)
        cols.append(reshape(a, (-1, 1)) if _ndim(a) < 2 else a)
    return concatenate(cols, axis=1)


def row_stack(tup, **kwargs):
    """``numpy.row_stack``: NumPy's (deprecated) alias of ``vstack``."""
    return vstack(tup, **kwargs)


def dstack(tup):
    """``numpy.dstack``: join along the third axis after ``atleast_3d``."""
    arrays = [atleast_3d(a) for a in tup]
    return concatenate(arrays, axis=2)


# -- splitting: each piece is a slice of the input, so each is traced ------------------
def _split_points(n, indices_or_sections, fun):
    try:
        points = [int(i) for i in indices_or_sections]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"wengert.numpy.{fun}: the number of sections must be "
                             f"larger than 0, got {sections}") from None
        each, extra = divmod(n, sections)
        # the first `extra` pieces get one more entry
        sizes = [each + 1] * extra + [each] * (sections - extra)
        return [0] + list(_np.cumsum(sizes)), sections
    return [0] + points + [n], len(points) + 1


def array_split(ary, indices_or_sections, axis=0):
    """``numpy.array_split``: a list of slices of ``ary`` along ``axis`` (with a
    number of sections that does not divide the axis, the first pieces are
    one longer)."""
    ary = _asarray_like(ary)
    axis = _normalize_axis(axis, _ndim(ary), "array_split")
    points, count = _split_points(shape(ary)[axis], indices_or_sections, "array_split")
    return [getitem(ary, _along(axis, slice(int(points[i]), int(points[i + 1]))))
            for i in range(count)]


def split(ary, indices_or_sections, axis=0):
    """``numpy.split``: a list of slices of ``ary`` along ``axis``, each traced.

    ``indices_or_sections`` is a number of equal sections or a sorted list of the
    indices where the axis is cut.

    Example:
        >>> import numpy as np, wengert, wengert.numpy as wnp, wengert.numpy._shape as S
        >>> def f(x):
        ...     a, b = S.split(x, 2)
        ...     return wnp.sum(a * b)
        >>> wengert.grad(f)(np.array([1.0, 2.0, 3.0, 4.0]))
        array([3., 4., 1., 2.])
    """
    ary = _asarray_like(ary)
    axis = _normalize_axis(axis, _ndim(ary), "split")
    n = shape(ary)[axis]
    if _np.ndim(indices_or_sections) == 0 and int(indices_or_sections) > 0 \
            and n % int(indices_or_sections):
        raise ValueError(f"wengert.numpy.split: an axis of length {n} does not split into "
                         f"{int(indices_or_sections)} equal sections; use array_split for "
                         "unequal pieces")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """``numpy.hsplit``: split along the second axis (the first for 1-d arrays)."""
    ary = _asarray_like(ary)
    _require_ndim(ary, 1, "hsplit", "hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if _ndim(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    """``numpy.vsplit``: split along the first axis of an array of 2 or more dimensions."""
    ary = _asarray_like(ary)
    _require_ndim(ary, 2, "vsplit", "vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """``numpy.dsplit``: split along the third axis of an array of 3 or more dimensions."""
    ary = _asarray_like(ary)
    _require_ndim(ary, 3, "dsplit", "dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


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
    A = _asarray_like(A)
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
    _require_ndim(m, 2, "fliplr", "use flip(m, 0) for 1-d arrays")
    return flip(m, 1)


def flipud(m):
    """``numpy.flipud``: reverse the first axis."""
    _require_ndim(m, 1, "flipud", "a 0-d array has no axis to flip")
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
    m = _asarray_like(m)
    n = _ndim(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"wengert.numpy.rot90: axes must name 2 axes, got {axes}")
    a0, a1 = (_normalize_axis(a, n, "rot90", "axes") for a in axes)
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


def roll(a, shift, axis=None):
    """``numpy.roll``: shift entries cyclically along ``axis`` (or the flattened
    array); ``shift`` and ``axis`` may be tuples."""
    a = _asarray_like(a)
    return _gather_flat(a, _np.roll(_positions(a), shift, axis))


def _tri_mask(m, k, lower):
    s = tuple(shape(m))
    rows, cols = (s[-2:] if len(s) >= 2 else (s[-1], s[-1])) if s else (None, None)
    if rows is None:
        raise ValueError(f"wengert.numpy.{'tril' if lower else 'triu'}: the input must "
                         "have at least 1 dimension")
    below = _np.tri(rows, cols, k if lower else k - 1, dtype=bool)
    return below if lower else ~below


def triu(m, k=0):
    """``numpy.triu``: zero the entries below the ``k``-th diagonal (a 1-d input is
    the row of a square matrix)."""
    m = _asarray_like(m)
    return E.where(_tri_mask(m, k, lower=False), m, _np.zeros((), _dtype_of(m)))


def tril(m, k=0):
    """``numpy.tril``: zero the entries above the ``k``-th diagonal (a 1-d input is
    the row of a square matrix)."""
    m = _asarray_like(m)
    return E.where(_tri_mask(m, k, lower=True), m, _np.zeros((), _dtype_of(m)))


def diag(v, k=0):
    """``numpy.diag``: the ``k``-th diagonal of a 2-d array, or the square matrix
    with the 1-d ``v`` on its ``k``-th diagonal.

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> S.diag(np.array([1.0, 2.0]), 1)
        array([[0., 1., 0.],
               [0., 0., 2.],
               [0., 0., 0.]])
    """
    v = _asarray_like(v)
    if _ndim(v) == 1:
        n = shape(v)[0] + abs(int(k))
        return _diagonal_adjoint(v, (n, n), int(k), 0, 1)
    if _ndim(v) == 2:
        return diagonal(v, int(k))
    raise ValueError(f"wengert.numpy.diag: the input must be 1-d (to build a matrix) or "
                     f"2-d (to read a diagonal); got shape {shape(v)}")


def diagflat(v, k=0):
    """``numpy.diagflat``: the square matrix with the flattened ``v`` on its
    ``k``-th diagonal."""
    return diag(ravel(_asarray_like(v)), k)


def append(arr, values, axis=None):
    """``numpy.append``: ``values`` joined after ``arr`` (both flattened when
    ``axis`` is None)."""
    arr, values = _asarray_like(arr), _asarray_like(values)
    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([arr, values], axis=axis)


def _cast_to(x, like):
    """``x`` in the dtype of ``like`` (NumPy casts inserted values so)."""
    if isinstance(x, Box):
        return x if _dtype_of(x) == _dtype_of(like) else E.astype(x, _dtype_of(like))
    return _np.asarray(x, dtype=_dtype_of(like))


def insert(arr, obj, values, axis=None):
    """``numpy.insert``: ``values`` inserted before the indices ``obj`` along
    ``axis`` (into the flattened array if None); ``arr`` and ``values`` are
    differentiable, broadcast values' cotangents are summed.

    Example:
        >>> import numpy as np, wengert.numpy._shape as S
        >>> S.insert(np.array([1.0, 2.0, 3.0]), 1, [8.0, 9.0])
        array([1., 8., 9., 2., 3.])
    """
    arr = _asarray_like(arr)
    values = _cast_to(values, arr)
    n_arr = int(_np.prod(shape(arr)))
    # insert the positions of the values among the positions of arr, NumPy's way
    value_positions = n_arr + _positions(values)
    where = _np.insert(_positions(arr), obj, value_positions, axis=axis)
    return _gather_flat(concatenate([ravel(arr), ravel(values)]), where)


def delete(arr, obj, axis=None):
    """``numpy.delete``: ``arr`` without the entries ``obj`` along ``axis``
    (of the flattened array if None)."""
    arr = _asarray_like(arr)
    return _gather_flat(arr, _np.delete(_positions(arr), obj, axis=axis))


def resize(a, new_shape):
    """``numpy.resize``: the flattened ``a`` repeated cyclically to fill
    ``new_shape`` (zeros if ``a`` is empty)."""
    a = _asarray_like(a)
    if int(_np.prod(shape(a))) == 0:
        return _np.zeros(new_shape, _dtype_of(a))
    return _gather_flat(a, _np.resize(_positions(a), new_shape))


def trim_zeros(filt, trim="fb", axis=None):
    """``numpy.trim_zeros``: ``filt`` without its leading (``'f'``) and trailing
    (``'b'``) zeros, along ``axis`` (all axes if None), as NumPy 2.2 does for
    arrays of any dimension (NumPy 1 knows 1-d only).

    The boundaries depend on which values are zero, a piecewise-constant choice
    with no derivative; the kept values are differentiable (a slice)."""
    filt = array_like(filt)
    if not isinstance(filt, Box) and axis is None and _np.ndim(filt) == 1:
        return _np.trim_zeros(filt, trim)    # NumPy's own (it keeps a list a list)
    trim = trim.lower()
    if trim not in ("fb", "bf", "f", "b"):
        raise ValueError(f"wengert.numpy.trim_zeros: trim must be 'f', 'b' or 'fb', "
                         f"got {trim!r}")
    v = _np.asarray(val(filt))
    filt = filt if isinstance(filt, Box) else v
    n = v.ndim
    axes = range(n) if axis is None else \
        {_normalize_axis(a, n, "trim_zeros") for a in _np.atleast_1d(axis)}
    nonzero = _np.argwhere(v != 0)
    index = []
    for ax in range(n):
        if ax not in axes:
            index.append(slice(None))
        elif len(nonzero) == 0:
            index.append(slice(0, 0))
        else:
            start = int(nonzero[:, ax].min()) if "f" in trim else None
            stop = int(nonzero[:, ax].max()) + 1 if "b" in trim else None
            index.append(slice(start, stop))
    return getitem(filt, tuple(index))


def copy(a, order="K", subok=False):
    """``numpy.copy``: traced values are immutable, so their copy is the value itself
    (the identity, derivative 1)."""
    a = array_like(a)
    if isinstance(a, Box):  # a new box: writing into the copy leaves ``a`` alone
        return type(a)(a._value, a._trace, a._aux)
    return _np.copy(a, order=order, subok=subok)


def full(shape, fill_value, dtype=None, order="C", **kwargs):
    """``numpy.full``; a traced fill value (a scalar, or an array broadcast to
    ``shape``) gives a traced array, whose derivative sums over the copies."""
    if not _contains_box(fill_value):
        return _np.full(shape, fill_value, dtype, order, **kwargs)
    fill = asarray(fill_value)
    if dtype is not None and _np.dtype(dtype) != _dtype_of(fill):
        fill = E.astype(fill, dtype)
    return broadcast_to(fill, (shape,) if isinstance(shape, int) else tuple(shape))


# -- padding ----------------------------------------------------------------------------
_PAD_OPTIONS = {"constant": {"constant_values"}, "edge": set(), "wrap": set(),
                "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
                "linear_ramp": {"end_values"}, "mean": {"stat_length"},
                "median": {"stat_length"}, "maximum": {"stat_length"},
                "minimum": {"stat_length"}}


def _pairs(x, ndim, name, integral=False):
    """A (before, after) pair per axis, as NumPy reads ``pad_width`` and friends."""
    arr = _np.asarray(x)
    if integral and arr.dtype.kind not in "iu":
        raise TypeError(f"wengert.numpy.pad: {name} must be of integral type, got {x!r}")
    try:
        pairs = _np.broadcast_to(arr, (ndim, 2))
    except ValueError:
        raise ValueError(f"wengert.numpy.pad: {name}={x!r} is neither one value, a "
                         f"(before, after) pair nor one pair per axis ({ndim})") from None
    if integral and (pairs < 0).any():
        raise ValueError(f"wengert.numpy.pad: {name} must not be negative, got {x!r}")
    return pairs


def _along_axis(values, axis, ndim):
    """A 1-d constant shaped to broadcast along ``axis`` of an ``ndim``-d array."""
    return _np.reshape(values, (1,) * axis + (-1,) + (1,) * (ndim - axis - 1))


def _real_dtype(x):
    return _np.finfo(_dtype_of(x)).dtype if _dtype_of(x).kind in "fc" else _np.dtype(float)


def _median_keep(x, axis):
    """The median along ``axis`` (kept as length 1); ties share the gradient equally."""
    v = asarray(val(x))   # (a batched value of vmap stays batched)
    n = v.shape[axis]
    ordered = _np.sort(v, axis=axis)
    out = 0.0
    ranks = sorted({(n - 1) // 2, n // 2})
    for r in ranks:
        value = _np.take(ordered, [r], axis=axis)
        hit = v == value
        share = (hit / hit.sum(axis=axis, keepdims=True)).astype(_real_dtype(x))
        out = out + R.sum(x * share, axis=axis, keepdims=True)
    return out / len(ranks) if len(ranks) > 1 else out


def _pad_stat(x, axis, before, after, mode, lengths):
    n = shape(x)[axis]
    reduce = {"mean": R.mean, "maximum": R.max, "minimum": R.min}.get(mode)
    parts = []
    for width, length, first in ((before, lengths[0], True), (after, lengths[1], False)):
        if width == 0:
            continue
        length = n if length is None else min(int(length), n)
        if length <= 0:
            raise ValueError(f"wengert.numpy.pad: stat_length={length} yields no value "
                             f"for mode {mode!r}; give at least 1")
        region = getitem(x, _along(axis, slice(0, length) if first else slice(n - length, n)))
        stat = _median_keep(region, axis) if reduce is None else \
            reduce(region, axis=axis, keepdims=True)
        block = list(shape(x))
        block[axis] = width
        parts.append((first, broadcast_to(stat, tuple(block))))
    return concatenate([p for first, p in parts if first] + [x]
                       + [p for first, p in parts if not first], axis=axis)


def _pad_ramp(x, axis, before, after, ends):
    n, nd = shape(x)[axis], _ndim(x)
    dt = _real_dtype(x)
    parts = []
    if before:
        edge = getitem(x, _along(axis, slice(0, 1)))
        t = _along_axis(_np.arange(before, dtype=dt) / dt.type(before), axis, nd)
        parts.append(ends[0] + (edge - ends[0]) * t)
    parts.append(x)
    if after:
        edge = getitem(x, _along(axis, slice(n - 1, n)))
        t = _along_axis(_np.arange(after - 1, -1, -1, dtype=dt) / dt.type(after), axis, nd)
        parts.append(ends[1] + (edge - ends[1]) * t)
    return concatenate(parts, axis=axis)


def _pad_gather(x, axis, before, after, mode, reflect_type):
    """edge, wrap, reflect, symmetric: NumPy's padding of the positions ``0..n-1``
    says which entry each padded place copies.  An 'odd' reflection is
    ``+-`` the copied entry plus multiples of the two edge entries; NumPy's odd
    padding of three probe vectors reads off those coefficients."""
    n, nd = shape(x)[axis], _ndim(x)
    width = (before, after)
    source = _np.pad(_np.arange(n), width, mode)
    out = getitem(x, _along(axis, source))
    if reflect_type != "odd" or mode not in ("reflect", "symmetric") or n == 1:
        return out
    dt = _real_dtype(x)
    inner = _np.ones(n)
    inner[[0, -1]] = 0.0
    sign = _np.pad(inner, width, mode, reflect_type="odd")
    first, last = _np.zeros(n), _np.zeros(n)
    first[0] = last[-1] = 1.0
    coef_first = _np.pad(first, width, mode, reflect_type="odd")
    coef_last = _np.pad(last, width, mode, reflect_type="odd")
    x_first = getitem(x, _along(axis, slice(0, 1)))
    x_last = getitem(x, _along(axis, slice(n - 1, n)))
    return (out * _along_axis(sign.astype(dt), axis, nd)
            + x_first * _along_axis(coef_first.astype(dt), axis, nd)
            + x_last * _along_axis(coef_last.astype(dt), axis, nd))


def _pad_constant(x, axis, before, after, values):
    parts = []
    for width, value in ((before, values[0]), (after, values[1])):
        block = list(shape(x))
        block[axis] = width
        if isinstance(value, Box):
            parts.append(broadcast_to(_cast_to(value, x), tuple(block)) if width else None)
        else:
            parts.append(_np.full(block, value, dtype=_dtype_of(x)) if width else None)
    return concatenate([p for p in (parts[0], x, parts[1]) if p is not None], axis=axis)


def pad(array, pad_width, mode="constant", **kwargs):
    """``numpy.pad`` for traced arrays: every mode but ``'empty'`` (whose padding is
    uninitialized) and callables.

    Each axis is padded in turn, as NumPy does (so corners come from the last
    axis).  ``constant``: ``constant_values`` (may be traced); ``edge``, ``wrap``,
    ``reflect``, ``symmetric`` (``reflect_type='even'`` or ``'odd'``): copies
    of entries; ``linear_ramp``: ramps from ``end_values`` to the edge;
    ``mean``, ``median``, ``maximum``, ``minimum``: a statistic of the first and
    last ``stat_length`` entries.  Ties of ``maximum``, ``minimum`` and
    ``median`` share the gradient equally.

    Example:
        >>> import numpy as np, wengert, wengert.numpy as wnp, wengert.numpy._shape as S
        >>> S.pad(np.array([1.0, 2.0, 3.0]), (2, 1), "reflect")
        array([3., 2., 1., 2., 3., 2.])
        >>> wengert.grad(lambda x: wnp.sum(S.pad(x, 1, "edge")))(np.array([1.0, 2.0, 3.0]))
        array([2., 1., 2.])
    """
    array = array_like(array)
    values = kwargs.get("constant_values", 0)
    if not isinstance(array, Box) and not _contains_box(values):
        return _np.pad(array, pad_width, mode, **kwargs)
    if callable(mode) or mode not in _PAD_OPTIONS:
        hint = ("its padding is uninitialized, so it has no derivative; use "
                "mode='constant'" if mode == "empty" else
                f"use one of {sorted(_PAD_OPTIONS)}")
        raise ValueError(f"wengert.numpy.pad: mode={mode!r} is not supported on traced "
                         f"values; {hint}")
    unknown = set(kwargs) - _PAD_OPTIONS[mode]
    if unknown:
        raise ValueError(f"wengert.numpy.pad: mode {mode!r} takes no keyword argument(s) "
                         f"{sorted(unknown)}; it accepts {sorted(_PAD_OPTIONS[mode]) or 'none'}")
    x = _asarray_like(array)
    nd = _ndim(x)
    widths = _pairs(pad_width, nd, "pad_width", integral=True)
    if mode == "constant":
        if isinstance(values, Box):
            if _ndim(values) == 0:
                values = reshape(values, (1, 1))
            values = broadcast_to(values, (nd, 2))
        else:
            values = _pairs(values, nd, "constant_values")
    elif mode == "linear_ramp":
        ends = _pairs(kwargs.get("end_values", 0), nd, "end_values")
    elif mode in ("mean", "median", "maximum", "minimum"):
        lengths = kwargs.get("stat_length")
        lengths = [(None, None)] * nd if lengths is None else \
            _pairs(lengths, nd, "stat_length", integral=True)
    reflect_type = kwargs.get("reflect_type", "even")
    if reflect_type not in ("even", "odd"):
        raise ValueError(f"wengert.numpy.pad: reflect_type must be 'even' or 'odd', "
                         f"got {reflect_type!r}")
    for axis in range(nd):
        before, after = (int(w) for w in widths[axis])
        if before == after == 0:
            continue
        if mode == "constant":
            x = _pad_constant(x, axis, before, after, (values[axis, 0], values[axis, 1]))
            continue
        if shape(x)[axis] == 0:
            raise ValueError(f"wengert.numpy.pad: can't extend the empty axis {axis} with "
                             f"mode {mode!r}; use mode='constant'")
        if mode == "linear_ramp":
            x = _pad_ramp(x, axis, before, after, (ends[axis, 0].item(), ends[axis, 1].item()))
        elif mode in ("mean", "median", "maximum", "minimum"):
            x = _pad_stat(x, axis, before, after, mode, lengths[axis])
        else:
            x = _pad_gather(x, axis, before, after, mode, reflect_type)
    return x


for _np_fun, _ours in ((_np.rollaxis, rollaxis), (_np.atleast_3d, atleast_3d),
                       (_np.broadcast_arrays, broadcast_arrays),
                       (_np.column_stack, column_stack), (_np.dstack, dstack),
                       (_np.split, split), (_np.array_split, array_split),
                       (_np.hsplit, hsplit), (_np.vsplit, vsplit), (_np.dsplit, dsplit),
                       (_np.tile, tile), (_np.fliplr, fliplr), (_np.flipud, flipud),
                       (_np.rot90, rot90), (_np.roll, roll), (_np.triu, triu),
                       (_np.tril, tril), (_np.diag, diag), (_np.diagflat, diagflat),
                       (_np.append, append), (_np.insert, insert), (_np.delete, delete),
                       (_np.resize, resize), (_np.trim_zeros, trim_zeros),
                       (_np.copy, copy), (_np.pad, pad)):
    equivalent(_np_fun, _ours)
# row_stack: deprecated in NumPy 2, gone in some version; in NumPy 1 it is vstack itself
if getattr(_np, "row_stack", _np.vstack) is not _np.vstack:
    equivalent(_np.row_stack, row_stack)
del _np_fun, _ours
