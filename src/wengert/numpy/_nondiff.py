"""NumPy functions whose results carry no derivative, declared explicitly.

Integer, boolean and index results, predicates, piecewise-constant functions and
constant-valued helpers: applied to traced values, their boxes are stripped and
the result is a constant (no error, no gradient).  In-place functions raise a
clear error instead (in-place updates of traced arrays are not supported yet).
"""
import sys

import numpy as _np

from .._core import Box
from ._dispatch import equivalent, nondiff


def _in_place(np_fun):
    name = np_fun.__name__

    def refuse(*args, **kwargs):
        if any(isinstance(a, Box) for a in args):
            filler = _numpy_filler(sys._getframe(1))
            if filler:
                raise TypeError(
                    f"numpy.{filler}(..., fill_value) with a traced fill_value: NumPy "
                    f"does not dispatch {filler} on fill_value, so it would copy the "
                    "traced value into a plain array and drop its derivative; call "
                    f"wengert.numpy.{filler}, which is differentiable in fill_value (or "
                    "apply wengert.stop_gradient to fill_value if a constant is meant)")
            raise TypeError(
                f"numpy.{name} writes into an array in place, which is not supported on traced "
                "values yet; build the result functionally (e.g. with wengert.numpy.where or "
                "concatenate)")
        return np_fun(*args, **kwargs)

    refuse.__name__ = name
    refuse.__doc__ = (f"``numpy.{name}``, which writes into an array in place: on plain "
                      "arrays NumPy's own; traced values are refused with a TypeError.")
    refuse._notrace = True  # not differentiable: it refuses traced values
    return equivalent(np_fun, refuse)


def _numpy_filler(frame, depth=4):
    """``'full'`` or ``'full_like'`` where NumPy's own function of that name (which fills
    with ``copyto``) is among the ``depth`` frames from ``frame`` up."""
    while frame is not None and depth:
        if frame.f_code.co_name in ("full", "full_like") and \
                frame.f_globals.get("__name__", "").startswith("numpy."):
            return frame.f_code.co_name
        frame, depth = frame.f_back, depth - 1
    return None


# indices and index-valued results
argpartition = nondiff(_np.argpartition)
nanargmax = nondiff(_np.nanargmax)
nanargmin = nondiff(_np.nanargmin)
lexsort = nondiff(_np.lexsort)
digitize = nondiff(_np.digitize)
tril_indices_from = nondiff(_np.tril_indices_from)
triu_indices_from = nondiff(_np.triu_indices_from)
diag_indices_from = nondiff(_np.diag_indices_from)

# set membership (histograms, counts and set operations are in _sets)
isin = nondiff(_np.isin)

# predicates and types
isneginf = nondiff(_np.isneginf)
isposinf = nondiff(_np.isposinf)
isnat = nondiff(_np.isnat)
array_equiv = nondiff(_np.array_equiv)
may_share_memory = nondiff(_np.may_share_memory)
shares_memory = nondiff(_np.shares_memory)
isfortran = nondiff(_np.isfortran)
min_scalar_type = nondiff(_np.min_scalar_type)
common_type = nondiff(_np.common_type)
can_cast = nondiff(_np.can_cast)

# integer arithmetic and bits
gcd = nondiff(_np.gcd)
lcm = nondiff(_np.lcm)
bitwise_and = nondiff(_np.bitwise_and)
bitwise_or = nondiff(_np.bitwise_or)
bitwise_xor = nondiff(_np.bitwise_xor)
invert = nondiff(_np.invert)
left_shift = nondiff(_np.left_shift)
right_shift = nondiff(_np.right_shift)
packbits = nondiff(_np.packbits)
unpackbits = nondiff(_np.unpackbits)

# writing in place
fill_diagonal = _in_place(_np.fill_diagonal)
place = _in_place(_np.place)
put = _in_place(_np.put)
putmask = _in_place(_np.putmask)
copyto = _in_place(_np.copyto)
