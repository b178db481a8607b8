"""Dask arrays in the in-place writes and the linear algebra, kept lazy or refused.

``x[idx] = v`` and ``np.add.at`` on a Dask array become a write into a copy of its
graph (a lazy scatter-add where repeated positions accumulate).  Of ``numpy.linalg``,
Dask has lazy ``inv``, ``solve``, ``cholesky``, ``qr`` and ``svd`` for single
matrices: they run here over the leading (stack) axes one matrix at a time, the
results stacked lazily, so ``vmap``, ``jacobian`` and ``hessian`` work too.
``slogdet``, ``eigh``, ``pinv``, ``matrix_rank`` and the full ``svd``, which Dask lacks,
run as NumPy's own function in one task per chunk of whole matrices (:func:`whole`).  NumPy's
functions must not see a Dask array: Dask answers the ones it lacks by computing the
whole graph and calling NumPy, and its ``cholesky`` returns the *upper* factor where
NumPy returns the lower one.  The rest (``det``, ``eig``, ``lstsq``: their derivative
rules or result dtypes depend on values) are refused with an error naming the function.

Callers test ``type(x) is numpy.ndarray`` first: NumPy arrays take none of these paths.
"""
import numpy as _np

from ._backends import dask_array, is_dask, not_lazy, scatter_add_dask


def on_dask(*xs):
    """Whether any of ``xs`` (plain values, not boxes) is a Dask array."""
    return any(type(x) is not _np.ndarray and is_dask(x) for x in xs)


def zeros_of(x):
    """Zeros of the shape and dtype of the value ``x`` (lazy for a Dask array)."""
    return (dask_array().zeros if on_dask(x) else _np.zeros)(_np.shape(x), _np.result_type(x))


# -- in-place writes ----------------------------------------------------------------------
def write(x, idx, v, add, basic):
    """``x[idx] = v`` (``add``: ``np.add.at(x, idx, v)``) where ``x`` or ``v`` is a Dask
    array, as a new lazy array: a copy of ``x``'s graph with the write added, ``x``
    unchanged.  ``basic``: the index holds only integers, slices, ``None``, ``...``."""
    da = dask_array()
    op = "np.add.at(x, idx, v)" if add else "x[idx] = v"
    if any(is_dask(i) for i in (idx if type(idx) is tuple else (idx,))):
        raise not_lazy(op, "the index is a Dask array; index with a NumPy array")
    out = da.asarray(x).copy()
    if add and not basic:    # repeated positions accumulate: a lazy scatter-add
        xshape = tuple(out.shape)
        positions = _np.arange(int(_np.prod(xshape))).reshape(xshape)[idx]
        v = da.asarray(v)
        if v.dtype != out.dtype:
            v = v.astype(out.dtype)
        return out + scatter_add_dask(v, positions, xshape)
    if basic:
        out[idx] = out[idx] + v if add else v
        return out
    # any advanced index as positions in the flat array; of repeated positions the last
    # write wins, as in NumPy
    xshape = tuple(out.shape)
    pos = _np.arange(int(_np.prod(xshape))).reshape(xshape)[idx]
    flat = pos.ravel()
    keep = flat.size - 1 - _np.unique(flat[::-1], return_index=True)[1]
    v = da.broadcast_to(da.asarray(v), pos.shape).ravel()[keep]
    out = out.ravel()
    out[flat[keep]] = v.astype(out.dtype)
    return out.reshape(xshape)


# -- linear algebra -----------------------------------------------------------------------
NOT_LAZY = "Dask has no lazy {name}"


def refuse(name, why=None):
    """The error for ``numpy.linalg.<name>`` on a Dask array that Dask cannot run lazily."""
    return not_lazy(f"numpy.linalg.{name}", why or NOT_LAZY.format(name=name))


def over_stack(fun, arrays, cores):
    """``fun`` (Dask's function of single matrices and vectors) over the leading axes
    of ``arrays``, whose last ``cores[k]`` axes are one operand: the stack axes are
    broadcast, ``fun`` runs once per matrix and the results (an array or a tuple of
    them) are stacked back lazily."""
    da = dask_array()
    arrays = [da.asarray(a) for a in arrays]
    batch = _np.broadcast_shapes(*(a.shape[:a.ndim - c] for a, c in zip(arrays, cores)))
    if not batch:
        return fun(*arrays)
    arrays = [da.broadcast_to(a, batch + a.shape[a.ndim - c:]) for a, c in zip(arrays, cores)]
    outs = [fun(*(a[i] for a in arrays)) for i in _np.ndindex(*batch)]

    def restack(parts):
        s = da.stack(parts)
        return s.reshape(batch + s.shape[1:])

    if type(outs[0]) is tuple:
        return tuple(restack([o[k] for o in outs]) for k in range(len(outs[0])))
    return restack(outs)


def inv(a):
    return over_stack(dask_array().linalg.inv, [a], [2])


def solve(a, b):
    """NumPy's ``solve``: a 1-d ``b`` is one vector, any other ``b`` a stack of matrices."""
    return over_stack(dask_array().linalg.solve, [a, b], [2, 1 if _np.ndim(b) == 1 else 2])


def cholesky(a):
    """The lower factor, as NumPy (Dask's default is the upper one)."""
    la = dask_array().linalg
    return over_stack(lambda m: la.cholesky(m, lower=True), [a], [2])


def qr(a):
    la = dask_array().linalg
    return over_stack(lambda m: tuple(la.qr(m)), [a], [2])


def svd(a, full_matrices):
    m, n = _np.shape(a)[-2:]
    if full_matrices and m != n:   # Dask's is the reduced one: NumPy's, on whole matrices
        return whole(lambda x: tuple(_np.linalg.svd(x)), a, "(m,n)->(m,m),(k),(n,n)",
                     (a.dtype, real_dtype(a), a.dtype), {"k": min(m, n)})
    la = dask_array().linalg
    return over_stack(lambda x: tuple(la.svd(x)), [a], [2])


def whole(np_fun, a, signature, dtypes, sizes=None):
    """``np_fun`` (NumPy's function of a stack of matrices ``a``) lazily on a Dask array:
    one task per chunk of the stack axes, each chunk holding whole matrices (rechunked
    so), NumPy's own function computing every output at once.  ``signature`` and
    ``dtypes`` are the generalized ufunc's (``"(n,n)->(n),(n,n)"``)."""
    da = dask_array()
    a = da.asarray(a)
    if a.ndim < 2:
        raise refuse(getattr(np_fun, "__name__", "linalg"), "a Dask array of fewer than 2 "
                     "dimensions")
    a = a.rechunk({a.ndim - 2: -1, a.ndim - 1: -1})
    out = da.apply_gufunc(np_fun, signature, a, output_dtypes=dtypes, output_sizes=sizes)
    return tuple(out) if type(out) in (tuple, list) else out


def real_dtype(a):
    return _np.finfo(a.dtype).dtype if a.dtype.kind in "fc" else _np.dtype(float)
