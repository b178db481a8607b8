"""What the reverse rules of the busiest primitives read: the tape keeps only that.

A residual layer ``x + w * tanh(x)`` then keeps one array (tanh's output) instead
of four: tanh's rule reads its output, not its input; a product's rule reads the
other factor, not the product; a sum's rule reads shapes only.  Arrays smaller
than ``MIN_BYTES`` are kept as they are (a stand-in would save nothing).
"""
import numpy as _np

from .._core import def_keep
from .._core.tape import set_lean
from . import _elementwise as E, _linalg as L, _reductions as R

MIN_BYTES = 1 << 16


def hollow(v):
    """A read-only stand-in of ``v``'s shape and dtype holding no memory (NaN, so
    that a rule reading it by mistake shows NaN), or None to keep ``v``."""
    if type(v) is not _np.ndarray or v.nbytes < MIN_BYTES:
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


set_lean(lean, MIN_BYTES, (_np.ndarray,))

for _f in (E.add, E.subtract):
    def_keep(_f)                                        # shapes only
def_keep(E.negative)
def_keep(E.multiply, args={0: (1,), 1: (0,)})           # the other factor
def_keep(L.matmul, args={0: (1,), 1: (0,)})
def_keep(L.dot, args={0: (1,), 1: (0,)})
def_keep(E.tanh, ans=True)                              # 1 - ans**2
def_keep(E.exp, ans=True)                               # ans
def_keep(R.sum)
def_keep(R.mean)
