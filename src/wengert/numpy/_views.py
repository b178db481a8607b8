"""Views of traced arrays: which results of basic indexing, ``.T``, ``reshape`` and the
other view-making operations share their base's memory, as NumPy's do, so that writes
through one reach the other (``_inplace`` writes; this module only records them).  A
Dask array has no memory to share: its views are recorded where NumPy makes one.
"""
import dis as _dis
import sys
import weakref

import numpy as _np

from .._core import Box, box_trace, box_value
from . import _shape
from ._backends import is_dask


def _is_basic(idx):
    items = idx if type(idx) is tuple else (idx,)
    return all(i is None or i is Ellipsis or type(i) in (int, slice) or
               isinstance(i, _np.integer) for i in items)


def _innermost(x):
    while isinstance(x, Box):
        x = box_value(x)
    return x


class _Getter:
    """The view function of a basic index (its write-back is a plain index_update)."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def __call__(self, b):
        return _shape.getitem(b, self.index)


def _add_view(base, out, fwd, readonly):
    out._base = (base, fwd, readonly)
    views = getattr(base, "_views", None)
    if views is None:
        views = base._views = []
    elif len(views) >= 16 and not len(views) & (len(views) - 1):  # amortized O(1)
        views[:] = [r for r in views if r() is not None]
    views.append(weakref.ref(out))
    return out


def track_view(base, out, fwd, readonly=False):
    """Record that ``out = fwd(base)`` is a NumPy view of ``base`` (if NumPy made
    one: its values share memory; of a Dask array, where NumPy makes one) and return
    ``out``."""
    if not (isinstance(out, Box) and isinstance(base, Box) and out is not base
            and box_trace(out) is box_trace(base)):
        return out
    ov = _innermost(out)
    if type(ov) is _np.ndarray:
        if not _np.may_share_memory(ov, _innermost(base)):
            return out
    elif type(ov) is _np.ndarray or not is_dask(ov):
        return out
    return _add_view(base, out, fwd, readonly)


def getitem(box, idx):
    """``box[idx]``, a tracked view for a basic index (NumPy's basic indexing always
    makes a view when the result is an array)."""
    out = _shape.getitem(box, idx)
    ov = _innermost(out)
    if ((type(ov) is _np.ndarray or is_dask(ov)) and box_trace(out) is box_trace(box)
            and _is_basic(idx)):
        _add_view(box, out, _Getter(idx), False)
    return out


# -- conversions that leave the tape ------------------------------------------------------
def in_item_assignment():
    """Whether the Python statement running now (the caller of ``__float__`` /
    ``__array__``, NumPy adds no frame) is an item assignment ``a[i] = x``."""
    f = sys._getframe(2)
    code = f.f_code.co_code
    return 0 <= f.f_lasti < len(code) and code[f.f_lasti] == _STORE_SUBSCR


_STORE_SUBSCR = _dis.opmap["STORE_SUBSCR"]

PLAIN_TARGET_FIX = (
    "assigning a traced value into a plain NumPy array (table[i] = x) would drop its "
    "derivative, because NumPy copies the number out of the trace; create the array traced "
    "instead: table = wengert.numpy.as_traced(table, like=x) (then table[i] = x, "
    "table[i] += x, ... are recorded)")
