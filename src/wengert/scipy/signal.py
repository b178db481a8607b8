"""``wengert.scipy.signal``: ``convolve`` with derivatives.

A convolution is linear in each input; its adjoint is a correlation, written
as a ``'valid'`` convolution of the (zero-padded) cotangent with the other
input flipped, so every order works.
"""
import numpy as _np
import scipy.signal as _ss

import wengert.numpy as wnp
from wengert._core import def_linear, defvjp, primitive
from wengert.numpy._dispatch import shape

__all__ = ["convolve"]

_MODES = ("full", "valid", "same")


def _convolve_impl(in1, in2, mode="full", method="auto"):
    return _ss.convolve(in1, in2, mode=mode, method=method)


_convolve = primitive(_convolve_impl, "scipy.signal.convolve")


def convolve(in1, in2, mode="full", method="auto"):
    """``scipy.signal.convolve`` of two N-dimensional arrays, differentiable in both.

    Example:
        >>> import numpy, wengert
        >>> from wengert.scipy.signal import convolve
        >>> convolve(numpy.array([1.0, 2.0]), numpy.array([1.0, 1.0, 1.0]))
        array([1., 3., 3., 2.])
        >>> wengert.grad(lambda a: convolve(a, numpy.array([1.0, 1.0, 1.0])).sum())(
        ...     numpy.array([1.0, 2.0]))
        array([3., 3.])
    """
    if mode not in _MODES:
        raise ValueError(f"convolve: mode must be one of {_MODES}; got {mode!r}")
    if len(shape(in1)) != len(shape(in2)):
        raise ValueError(f"convolve: in1 and in2 must have the same number of dimensions; "
                         f"got shapes {shape(in1)} and {shape(in2)}")
    return _convolve(in1, in2, mode, method)


def _embed_impl(g, full_shape, starts):
    out = _np.zeros(full_shape, dtype=_np.result_type(g))
    out[tuple(slice(s, s + n) for s, n in zip(starts, _np.shape(g)))] = g
    return out


def _crop(x, starts, sizes):
    return x[tuple(slice(s, s + n) for s, n in zip(starts, sizes))]


# zero-padding into the full output: the adjoint of cropping the full output to a mode
_embed = primitive(_embed_impl, "wengert.scipy.signal.embed")
defvjp(_embed, lambda g, ans, x, full_shape, starts: _crop(g, starts, shape(x)))
def_linear(_embed)


def _full_cotangent(g, in1, in2):
    """The cotangent of the ``'full'`` convolution that cropping sends to ``g``."""
    full = tuple(n1 + n2 - 1 for n1, n2 in zip(shape(in1), shape(in2)))
    if shape(g) == full:
        return g
    starts = tuple((f - n) // 2 for f, n in zip(full, shape(g)))   # SciPy centres the crop
    return _embed(g, full, starts)


def _flip(x):
    return wnp.flip(x, axis=tuple(range(len(shape(x)))))


defvjp(_convolve,
       lambda g, ans, in1, in2, mode="full", method="auto":
       _convolve(_full_cotangent(g, in1, in2), _flip(in2), "valid", method),
       lambda g, ans, in1, in2, mode="full", method="auto":
       _convolve(_full_cotangent(g, in1, in2), _flip(in1), "valid", method))
def_linear(_convolve, argnums=(0, 1))
