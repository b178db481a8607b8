"""``wengert.scipy.signal``: ``convolve`` with derivatives.

A convolution is linear in each input; its adjoint is a correlation, written
as a ``'valid'`` convolution of the (zero-padded) cotangent with the other
input flipped, so every order works.
"""
import numpy as _np
import scipy.signal as _ss

import wengert.numpy as wnp
from wengert._core import def_linear, defbatch, defvjp, primitive
from wengert.numpy._batchrules import to0, with_loop
from wengert.numpy._dispatch import shape

__all__ = ["convolve"]

_MODES = ("full", "valid", "same")


def _convolve_impl(in1, in2, mode="full", method="auto"):
    return _ss.convolve(in1, in2, mode=mode, method=method)


_convolve = primitive(_convolve_impl, "scipy.signal.convolve")


def convolve(in1, in2, mode="full", method="auto", *, axes=None, dot_axes=None):
    """``scipy.signal.convolve`` of two N-dimensional arrays, differentiable in both.

    Example:
        >>> import numpy, wengert
        >>> from wengert.scipy.signal import convolve
        >>> convolve(numpy.array([1.0, 2.0]), numpy.array([1.0, 1.0, 1.0]))
        array([1., 3., 3., 2.])
        >>> wengert.grad(lambda a: convolve(a, numpy.array([1.0, 1.0, 1.0])).sum())(
        ...     numpy.array([1.0, 2.0]))
        array([3., 3.])

    autograd's generalization: ``axes=([axes of in1], [axes of in2])`` are
    convolved pairwise, ``dot_axes=([...], [...])`` are summed over (as in
    ``tensordot``), and every other axis is kept, as an outer product; the
    result's axes are in1's kept axes, in2's kept axes, then the convolved ones.
        >>> a, b = numpy.ones((2, 3)), numpy.ones((2, 4, 5))
        >>> convolve(a, b, axes=([1], [2]), dot_axes=([0], [0]), mode="valid").shape
        (4, 3)
    """
    if mode not in _MODES:
        raise ValueError(f"convolve: mode must be one of {_MODES}; got {mode!r}")
    if axes is not None or dot_axes is not None:
        return _convolve_axes(in1, in2, axes, dot_axes, mode, method)
    if len(shape(in1)) != len(shape(in2)):
        raise ValueError(f"convolve: in1 and in2 must have the same number of dimensions; "
                         f"got shapes {shape(in1)} and {shape(in2)}")
    return _convolve(in1, in2, mode, method)


def _convolve_axes(A, B, axes, dot_axes, mode, method):
    """autograd's ``convolve(A, B, axes, dot_axes, mode)`` from one N-D convolution:
    a kept axis of one input meets a length-1 axis of the other (a full convolution
    with length 1 is an outer product), a summed axis meets the other input's axis
    reversed (the middle of their full convolution is their dot product), and the
    convolved axes are cropped to ``mode`` afterwards."""
    nA, nB = len(shape(A)), len(shape(B))
    ax_A, ax_B = ([list(range(nA)), list(range(nA))] if axes is None
                  else [list(a) for a in axes])
    d_A, d_B = [list(d) for d in (dot_axes if dot_axes is not None else ([], []))]
    keep_A = [i for i in range(nA) if i not in ax_A and i not in d_A]
    keep_B = [i for i in range(nB) if i not in ax_B and i not in d_B]
    sA, sB = shape(A), shape(B)
    A2 = wnp.reshape(wnp.transpose(A, keep_A + d_A + ax_A),
                     tuple(sA[i] for i in keep_A) + (1,) * len(keep_B)
                     + tuple(sA[i] for i in d_A + ax_A))
    B2 = wnp.transpose(B, keep_B + d_B + ax_B)
    if d_B:
        B2 = wnp.flip(B2, axis=tuple(range(len(keep_B), len(keep_B) + len(d_B))))
    B2 = wnp.reshape(B2, (1,) * len(keep_A) + tuple(sB[i] for i in keep_B + d_B + ax_B))
    full = _convolve(A2, B2, "full", method)
    index = [slice(None)] * (len(keep_A) + len(keep_B))
    index += [sA[i] - 1 for i in d_A]                      # the dot products
    for i, j in zip(ax_A, ax_B):
        n1, n2 = sA[i], sB[j]
        if mode == "full":
            index.append(slice(None))
        elif mode == "valid":
            index.append(slice(min(n1, n2) - 1, max(n1, n2)))
        else:   # "same": in1's length, centred as SciPy does
            index.append(slice((n2 - 1) // 2, (n2 - 1) // 2 + n1))
    return full[tuple(index)]


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
defbatch(_embed, lambda args, dims, kwargs: (       # the batch axis is one more, kept whole
    _embed(to0(args[0], dims[0]), (shape(args[0])[dims[0]],) + tuple(args[1]),
           (0,) + tuple(args[2])), 0))


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


def _convolve_batch(args, dims, kwargs):
    """One input batched: one N-D convolution with a length-1 axis of the other input
    against the batch axis, which convolves each example alone.  Both batched, or a
    batch axis the mode would crop ('same' keeps in1's length; 'valid' needs the
    batched input at least as large as the other), runs once per example."""
    (in1, in2), (d1, d2) = args[:2], dims[:2]
    if (d1 is None) == (d2 is None) or any(d is not None for d in dims[2:]):
        return None
    mode = args[2] if len(args) > 2 else kwargs.get("mode", "full")
    if d1 is not None:
        in1, in2 = to0(in1, d1), wnp.reshape(in2, (1,) + shape(in2))
        batched, other = in1, in2
    else:
        in1, in2 = wnp.reshape(in1, (1,) + shape(in1)), to0(in2, d2)
        batched, other = in2, in1
        if mode == "same":
            return None
    if mode == "valid" and any(m < n for m, n in zip(shape(batched)[1:], shape(other)[1:])):
        return None
    return _convolve(in1, in2, *args[2:], **kwargs), 0


defbatch(_convolve, with_loop(_convolve, _convolve_batch))
