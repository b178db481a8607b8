"""Selections of traced values: ``select``, ``choose``, ``extract``, ``compress`` and
``piecewise``.  Each is a ``where`` or a scatter of the picked values, so only the
picked entries get cotangents.
"""
import numpy as _np

from .._core import Box
from . import _elementwise, _shape
from ._dispatch import array_like, dtype, equivalent, shape, val


def _plain(*xs):
    return all(val(x) is x for x in xs)


def select(condlist, choicelist, default=0):
    """``numpy.select``: the first choice whose condition holds (nested
    ``where``); the cotangent goes to the selected choice only.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> x = numpy.array([-1.0, 2.0])
        >>> wengert.grad(lambda x: np.sum(np.select([x < 0, x > 0], [-x, x ** 2])))(x)
        array([-1.,  4.])
    """
    if len(condlist) != len(choicelist):
        raise ValueError("select: condlist and choicelist must have the same length "
                         f"({len(condlist)} and {len(choicelist)})")
    default = array_like(default)
    if _plain(default, *choicelist):
        return _np.select([val(c) for c in condlist], choicelist, default)
    conds = [_np.asarray(val(c)) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != bool:
            raise TypeError(f"select: invalid entry {i} in condlist: it must be a boolean "
                            f"array, not {c.dtype}")
    out = default
    for c, choice in reversed(list(zip(conds, choicelist))):
        out = _elementwise.where(c, choice, out)
    return out


def choose(a, choices, out=None, mode="raise"):
    """``numpy.choose``: ``choices[a[i]][i]`` (as ``select``); differentiable in
    the choices, ``a`` is an index array."""
    idx = _np.asarray(val(a))
    if _plain(*choices):
        return _np.choose(idx, choices, out=out, mode=mode)
    n = len(choices)
    if mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = _np.clip(idx, 0, n - 1)
    elif _np.any((idx < 0) | (idx >= n)):
        raise ValueError(f"choose: invalid entry in choice array (indices must be in "
                         f"[0, {n}); pass mode='wrap' or mode='clip' otherwise)")
    return select([idx == k for k in range(n)], list(choices))


def extract(condition, arr):
    """``numpy.extract``: the entries of ``ravel(arr)`` where ``ravel(condition)``
    is nonzero, as indexing."""
    arr = array_like(arr)
    if _plain(arr):
        return _np.extract(condition, arr)
    return _shape.getitem(_shape.ravel(arr), _np.nonzero(_np.ravel(val(condition)))[0])


def compress(condition, a, axis=None, out=None):
    """``numpy.compress``: the slices of ``a`` along ``axis`` where ``condition``
    holds, as indexing."""
    a = array_like(a)
    if _plain(a):
        return _np.compress(condition, a, axis=axis, out=out)
    idx = _np.nonzero(_np.asarray(val(condition), bool).ravel())[0]
    if axis is None:
        return _shape.getitem(_shape.ravel(a), idx)
    return _shape.take(a, idx, axis=axis)


def piecewise(x, condlist, funclist, *args, **kw):
    """``numpy.piecewise``: each function is applied to the entries where its
    condition holds (a later condition wins where they overlap, as in NumPy);
    its results are scattered into the output, so each entry's cotangent reaches
    only the function that produced it.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> f = lambda x: np.sum(np.piecewise(x, [x < 0], [lambda v: -v, lambda v: v ** 2]))
        >>> wengert.grad(f)(numpy.array([-2.0, 3.0]))
        array([-1.,  6.])
    """
    x = array_like(x)
    if _plain(x):
        return _np.piecewise(x, condlist, funclist, *args, **kw)
    xshape = shape(x)
    if xshape == ():
        x = _shape.reshape(x, ())        # a Python number as a 0-d array: indexed below
    if _np.isscalar(condlist) or (not isinstance(condlist[0], (list, _np.ndarray, Box))
                                  and len(xshape) != 0):
        condlist = [condlist]
    conds = [_np.broadcast_to(_np.asarray(val(c), bool), xshape) for c in condlist]
    if len(conds) == len(funclist) - 1:
        conds.append(~_np.any(conds, axis=0))
    if len(conds) != len(funclist):
        raise ValueError(f"piecewise: with {len(conds)} condition(s) funclist must have "
                         f"{len(conds)} or {len(conds) + 1} entries, not {len(funclist)}")
    later = _np.zeros(xshape, bool)
    out, constant = None, _np.zeros(xshape, dtype(x))
    for cond, fun in reversed(list(zip(conds, funclist))):
        own = cond & ~later         # where this piece's value is the result
        later = later | cond
        if not callable(fun):
            constant = _np.where(own, fun, constant)
            continue
        if not cond.any():
            continue
        vals = fun(_shape.getitem(x, cond), *args, **kw)
        if len(shape(vals)) == 0:
            vals = _shape.broadcast_to(vals, (int(cond.sum()),))
        if not own[cond].all():
            vals = _shape.getitem(vals, own[cond])
        part = _shape._untake(vals, own, xshape)
        out = part if out is None else out + part
    return constant if out is None else out + constant


for _np_fun, _ours in ((_np.select, select), (_np.choose, choose), (_np.extract, extract),
                       (_np.compress, compress), (_np.piecewise, piecewise)):
    equivalent(_np_fun, _ours)
