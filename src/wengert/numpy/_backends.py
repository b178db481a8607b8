"""Arrays of other libraries than NumPy ("foreign" arrays): Dask arrays, kept lazy, and
arrays that live on a device and refuse conversion to NumPy (CuPy's), or that only
offer the Python array API (``__array_namespace__``).

wengert imports none of these libraries: a value is recognised as a Dask array only when
``dask.array`` is already in ``sys.modules`` (the user imported it), and as another
foreign array by its type's ``__array_namespace__``, so importing wengert costs nothing
more and NumPy code takes none of these paths.  Rules that create arrays (masks, zeros of
an adjoint, casts of a gradient) call :func:`is_foreign` only after a cheap
``type(x) is numpy.ndarray`` test has failed, and then create with the operand's
namespace (:func:`namespace_of`), on the operand's device: a gradient of CuPy arrays stays
on the GPU, and one of Dask arrays stays one lazy graph, computed only when the user asks
(:func:`compute`).
"""
import sys as _sys

import numpy as _np

from .._core import Box
from . import _namespace_only
from ._namespace_only import is_compat_array, is_namespace_only, numpy_dtype, raw_namespace


def dask_array():
    """The ``dask.array`` module if the user imported it, else None."""
    return _sys.modules.get("dask.array")


def is_dask(x):
    """Whether ``x`` (a plain value, not a box) is a Dask array."""
    da = _sys.modules.get("dask.array")
    return da is not None and isinstance(x, da.Array)


def is_foreign(x):
    """Whether ``x`` (a plain value, not a box) is an array of another library than NumPy:
    a Dask array, or any array whose type has ``__array_namespace__`` (CuPy, PyTorch,
    ``array_api_strict``) other than NumPy's own arrays and scalars."""
    t = type(x)
    if t in _NOT_ARRAYS or isinstance(x, (_np.ndarray, _np.generic, Box)):
        return False
    return (hasattr(t, "__array_namespace__") or is_dask(x) or _numpy_like(t)
            or is_compat_array(x))


# Libraries whose arrays answer NumPy's protocols (NEP 13/18) and may have no
# ``__array_namespace__`` (CuPy before its array API namespace): their top-level module,
# which has NumPy's function names, is their namespace.  Other types with
# ``__array_function__`` (units, labelled arrays) are not taken for arrays of a device.
NUMPY_LIKE_LIBRARIES = {"cupy"}


def _numpy_like(t):
    return hasattr(t, "__array_function__") and \
        t.__module__.split(".")[0] in NUMPY_LIKE_LIBRARIES


_NOT_ARRAYS = frozenset((float, int, complex, bool, list, tuple, dict, type(None)))


def namespace_of(x):
    """The array namespace of the foreign array ``x``: ``dask.array`` for Dask arrays,
    what ``x.__array_namespace__()`` returns, array-api-compat's for PyTorch, and for an
    array that answers NumPy's protocols without ``__array_namespace__`` (CuPy before its
    array API namespace) the top-level module of its library (``cupy``), whose functions
    are NumPy's names."""
    if is_dask(x):
        return dask_array()
    t = type(x)
    if not hasattr(t, "__array_namespace__") and _numpy_like(t):
        return _sys.modules[t.__module__.split(".")[0]]
    return raw_namespace(x)


def backend_name(x):
    """The library of a foreign array, for error messages (``cupy``, ``dask``, ...)."""
    return type(getattr(x, "raw", x)).__module__.split(".")[0]


def device_of(x):
    """The device ``x`` lives on (None for arrays without one)."""
    return getattr(x, "device", None)


def to_backend(x, like):
    """The plain value ``x`` (a NumPy array or scalar, or an array of ``like``'s type) as an
    array of ``like``'s library on ``like``'s device: the explicit transfer of a constant a
    rule made with NumPy.  A box or an array of ``like``'s type stays as it is."""
    if type(x) is type(like):
        return x
    if not isinstance(x, (_np.ndarray, _np.generic, float, int, complex, bool)):
        adapter = _namespace_only.NamespaceArray
        if type(like) is adapter and is_namespace_only(x):
            return adapter(x)     # the library's array, as the adapter wraps it
        return x
    if is_dask(like):
        return dask_array().asarray(x)
    xp = namespace_of(like)
    dev = device_of(like)
    if dev is None:
        return xp.asarray(x)
    try:
        return xp.asarray(x, device=dev)
    except TypeError:        # a namespace whose asarray takes no device= (CuPy's)
        return xp.asarray(x)


def full_on(like, shape, value):
    """An array of ``shape`` filled with ``value``, of ``like``'s library, dtype and device,
    made there (not made with NumPy and copied)."""
    xp = namespace_of(like)
    dev = device_of(like)
    if dev is not None:
        try:
            return xp.full(tuple(shape), value, dtype=like.dtype, device=dev)
        except TypeError:    # a namespace whose creation functions take no device= (CuPy's)
            pass
    return xp.full(tuple(shape), value, dtype=like.dtype)


def dtype_kind(dt):
    """NumPy's one-letter kind of a dtype (``"f"``, ``"c"``, ...), also of a dtype of an
    array API library that is not a NumPy dtype."""
    kind = getattr(dt, "kind", None)
    return kind if kind is not None else numpy_dtype(dt).kind


def astype(x, dt):
    """The foreign array ``x`` cast to ``dt`` (its method, or the namespace's function)."""
    if hasattr(x, "astype"):
        return x.astype(dt)
    return namespace_of(x).astype(x, dt)


def not_lazy(op, why):
    """The error for an operation that cannot run lazily on Dask arrays (it would have to
    compute the graph); raised rather than computing silently."""
    return TypeError(
        f"{op}: cannot run lazily on a Dask array ({why}); compute the operand first "
        "(x.compute()) or use NumPy arrays for this part")


def lazy_like(g):
    """A plain NumPy (or Python) value ``g`` as a Dask array, before it is broadcast to a
    Dask array's shape (NumPy would make an array of the data's size, which Dask then
    hashes and copies); a Dask array or a box stays as it is."""
    if is_dask(g) or not isinstance(g, (_np.ndarray, _np.generic, float, int, complex)):
        return g
    return dask_array().asarray(g)


def cast_dask(x, shape, dtype):
    """``x`` (a Dask array, or a NumPy value meant for a Dask array's space) as a lazy
    Dask array of ``shape`` and ``dtype``: the gradient's type cast without computing."""
    da = dask_array()
    x = da.asarray(x)
    if x.dtype != dtype:
        if x.dtype.kind == "c" and _np.dtype(dtype).kind != "c":
            x = x.real
        x = x.astype(dtype)
    if tuple(x.shape) != tuple(shape):
        x = da.broadcast_to(x, shape)
    return x


def untake_dask(g, idx, xshape):
    """The adjoint of ``x[idx]`` for a Dask cotangent ``g``: zeros of ``x``'s shape with
    ``g`` added at ``idx`` (repeated indices accumulate), as one lazy graph.  A basic index
    (integers, slices) is a lazy assignment; an integer-array index (or one with
    ``None``) a lazy weighted ``bincount`` over the flat positions it selects, found with
    NumPy from the index alone (an index that is itself a Dask array is refused)."""
    da = dask_array()
    dt = g.dtype
    items = idx if type(idx) is tuple else (idx,)
    if any(isinstance(i, da.Array) for i in items):
        raise not_lazy("the gradient of x[idx]", "the index is a Dask array; index with a "
                       "NumPy array")
    if all(i is Ellipsis or type(i) in (int, slice) or isinstance(i, _np.integer)
           for i in items):
        out = da.zeros(xshape, dtype=dt)
        out[idx] = g
        return out
    return scatter_add_dask(g, _np.arange(int(_np.prod(xshape))).reshape(xshape)[idx],
                            xshape)


def scatter_add_dask(g, positions, xshape):
    """Zeros of ``xshape`` with the Dask array ``g`` added at the flat ``positions`` (a
    NumPy integer array that ``g`` broadcasts to; repeats accumulate), lazily."""
    da = dask_array()
    dt = g.dtype
    if dt.kind == "c":
        return (scatter_add_dask(g.real, positions, xshape)
                + 1j * scatter_add_dask(g.imag, positions, xshape)).astype(dt)
    size = int(_np.prod(xshape))
    g = da.broadcast_to(g, positions.shape).ravel()
    pos = da.from_array(positions.ravel(), chunks=g.chunks)
    return da.bincount(pos, weights=g, minlength=size).reshape(xshape).astype(dt)


def not_on_backend(op, x, why, fix):
    """The error for an operation a foreign array's library cannot run (or that would
    have to convert the array to NumPy), naming the operation and the library."""
    return TypeError(f"{op}: not supported on {backend_name(x)} arrays ({why}); {fix}")


def scatter_add(g, positions, xshape):
    """Zeros of ``xshape`` with the foreign array ``g`` added at the flat ``positions`` (a
    NumPy integer array, found from an index alone, that ``g`` broadcasts to; repeats
    accumulate), as an array of ``g``'s library on ``g``'s device.

    Only gathers are used (the array API has no scatter-add): the output is the sum of
    ``r`` gathers from ``g`` (with a zero appended), ``r`` the largest number of times one
    position repeats, so every entry is an exact sum of the entries of ``g`` that land
    there, added in the order they come."""
    if is_dask(g):
        return scatter_add_dask(g, positions, xshape)
    xp = namespace_of(g)
    size = int(_np.prod(xshape))
    pos = positions.ravel()
    n = pos.size
    flat = xp.reshape(xp.broadcast_to(g, positions.shape), (-1,))
    padded = xp.concat([flat, xp.zeros_like(flat[:1])]) if hasattr(xp, "concat") else \
        xp.concatenate([flat, xp.zeros_like(flat[:1])])
    order = _np.argsort(pos, kind="stable")
    ranked = pos[order]
    rank = _np.arange(n) - _np.searchsorted(ranked, ranked, "left")
    out = None
    for r in range(int(rank.max()) + 1 if n else 1):
        source = _np.full(size, n)           # n: the appended zero
        chosen = order[rank == r]
        source[pos[chosen]] = chosen
        term = xp.take(padded, to_backend(source, g))
        out = term if out is None else out + term
    return xp.reshape(out, tuple(xshape))


def untake(g, idx, xshape):
    """The adjoint of ``x[idx]`` for a foreign cotangent ``g``: zeros of ``x``'s shape
    with ``g`` added at ``idx`` (repeated indices accumulate), made by ``g``'s library on
    its device: with its ``add.at`` where it has one (CuPy), else with gathers
    (:func:`scatter_add`) from positions found with NumPy from the index alone."""
    if is_dask(g):
        return untake_dask(g, idx, xshape)
    xp = namespace_of(g)
    add_at = getattr(getattr(xp, "add", None), "at", None)
    if add_at is not None:
        out = xp.zeros(tuple(xshape), dtype=g.dtype)
        add_at(out, idx, g)
        return out
    items = idx if type(idx) is tuple else (idx,)
    if any(is_foreign(i) for i in items):
        raise not_on_backend("the gradient of x[idx]", g, "the index is an array of that "
                             "library, which has no scatter-add",
                             "index with a NumPy integer array or a list")
    return scatter_add(g, _np.arange(int(_np.prod(xshape))).reshape(xshape)[idx], xshape)


def compute(tree):
    """Evaluate every Dask array among the leaves of ``tree`` (a gradient, say) in one
    pass over their shared graph, and return the tree with NumPy arrays in their place
    (other leaves unchanged).

    Example:
        >>> import numpy, dask.array as da                     # doctest: +SKIP
        >>> import wengert, wengert.numpy as np                # doctest: +SKIP
        >>> X = da.ones((1000, 3), chunks=100)                 # doctest: +SKIP
        >>> g = wengert.grad(lambda w: np.sum((X @ w) ** 2))(numpy.ones(3))  # doctest: +SKIP
        >>> wengert.compute(g)   # one pass over X             # doctest: +SKIP
        array([6000., 6000., 6000.])
    """
    from .. import tree as _tree
    leaves, td = _tree.flatten(tree)
    lazy = [k for k, v in enumerate(leaves) if is_dask(v)]
    if lazy:
        import dask
        values = dask.compute(*[leaves[k] for k in lazy])
        for k, v in zip(lazy, values):
            leaves[k] = v
    return _tree.unflatten(td, leaves)
