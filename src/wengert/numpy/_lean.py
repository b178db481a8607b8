"""The lean tape: large arrays that no reverse rule reads are dropped from the tape.

What each primitive's reverse rules read is declared next to its rules with
``def_keep``: a residual layer ``x + w * tanh(x)`` then keeps one array (tanh's output)
instead of four (tanh's rule reads its output, not its input; a product's rule reads
the other factor, not the product; a sum's rule reads shapes only).  Arrays smaller
than the one threshold, set here (64 KiB) and read back as the tape's
``lean_min_bytes()``, are kept as they are (a stand-in would save nothing).
"""
import sys as _sys

import numpy as _np

from .._core import add_any, def_vjp_inplace, get_primitive, vjp_rule
from .._core.tape import lean_min_bytes, set_accumulate, set_lean
from ._elementwise import tanh


def hollow(v):
    """A read-only stand-in of ``v``'s shape and dtype holding no memory (NaN, so
    that a rule reading it by mistake shows NaN), or None to keep ``v``."""
    if type(v) is not _np.ndarray or v.nbytes < lean_min_bytes():
        return None
    fill = _np.nan if v.dtype.kind in "fc" else 0
    return _np.broadcast_to(_np.array(fill, v.dtype), v.shape)


def lean(keep, vals, ans, parents):
    """``(args, ans)`` to keep on the tape: the large arrays no reverse rule of the
    differentiated arguments reads are replaced by :func:`hollow` stand-ins."""
    needs_ans, needs = keep
    used = set()
    for argnum, _ in parents:
        used.update(needs.get(argnum, ()))
    if type(needs_ans) is frozenset:
        needs_ans = any(argnum in needs_ans for argnum, _ in parents)
    for i, v in enumerate(vals):
        if i not in used:
            h = hollow(v)
            if h is not None:
                vals[i] = h
    if not needs_ans:
        h = hollow(ans)
        if h is not None:
            ans = h
    return vals, ans


set_lean(lean, 1 << 16, (_np.ndarray,))


def _refs(cts, k):
    return _sys.getrefcount(cts[k])


# the references to a value held by a dict only, as _refs counts them (interpreters
# differ); -1 (never in place) where reference counts are not exact
_SOLE = (_refs({0: object()}, 0) if hasattr(_sys, "getrefcount")
         and getattr(_sys, "_is_gil_enabled", lambda: True)() else -1)


def accumulate(cts, k, g):
    """``cts[k] + g``, added into ``cts[k]`` when it is an array of its own memory that
    nothing but ``cts`` holds (a rule's fresh result: no other cotangent, rule or
    observer can see the change), of the sum's shape and dtype."""
    sole = _refs(cts, k) == _SOLE      # counted before this function holds it
    prev = cts[k]
    if (sole and prev.base is None
            and prev.nbytes >= lean_min_bytes() and prev.flags.writeable
            and (type(g) is _np.ndarray or type(g) in _SCALARS)
            and _np.result_type(prev, g) == prev.dtype
            and _np.broadcast_shapes(prev.shape, _np.shape(g)) == prev.shape):
        _np.add(prev, g, out=prev)
        return prev
    return add_any(prev, g)


_SCALARS = (float, _np.float64, _np.float32)
set_accumulate(accumulate, (_np.ndarray,))


def _tanh_vjp_inplace(g, ans, x, **kwargs):
    """tanh's cotangent ``g·(1 - ans²)`` computed in the memory of ``ans``, when the
    tape finds that nothing else holds it (see ``def_vjp_inplace``): the operations of
    the ordinary rule on a large array (square, subtract from 1, times g), in the same
    order, so the same bits; anything else goes to the ordinary rule."""
    if (not kwargs and type(ans) is _np.ndarray and type(g) is _np.ndarray
            and ans.dtype.kind == "f" and g.dtype == ans.dtype and g.shape == ans.shape
            and ans.base is None and ans.flags.writeable and ans.nbytes >= lean_min_bytes()):
        _np.square(ans, out=ans)
        _np.subtract(1.0, ans, out=ans)
        return _np.multiply(g, ans, out=ans)
    return _tanh_vjp(g, ans, x, **kwargs)


_tanh_vjp = vjp_rule(get_primitive(tanh), 0)
def_vjp_inplace(tanh, _tanh_vjp_inplace)
