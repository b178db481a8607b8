"""Arrays of other libraries than NumPy: Dask arrays, kept lazy.

wengert never imports Dask itself: a value is recognised as a Dask array only when
``dask.array`` is already in ``sys.modules`` (the user imported it), so importing wengert
costs nothing more and NumPy code takes none of these paths.  Rules that create arrays
(masks, zeros of an adjoint, casts of a gradient) call :func:`is_dask` only after a cheap
``type(x) is numpy.ndarray`` test has failed, and then create with ``dask.array`` so that
a gradient stays one lazy graph: nothing is computed until the user asks
(:func:`compute`).
"""
import sys as _sys

import numpy as _np


def dask_array():
    """The ``dask.array`` module if the user imported it, else None."""
    return _sys.modules.get("dask.array")


def is_dask(x):
    """Whether ``x`` (a plain value, not a box) is a Dask array."""
    da = _sys.modules.get("dask.array")
    return da is not None and isinstance(x, da.Array)


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
