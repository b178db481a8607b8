"""``wengert.numpy.fft``: NumPy's discrete Fourier transforms, with derivatives.

Every transform is linear, so each forward rule applies the transform to the
tangent.  Under the real pairing ``Re(sum(u * v))`` of cotangents with
tangents, the DFT matrix is symmetric, so the reverse rule of ``fft`` is
``fft`` itself (same ``norm``), and likewise for ``ifft``; padding or cropping
to ``n`` becomes cropping or padding back.  The real transforms are the subtle
ones: ``rfft`` keeps half the spectrum of a real signal, so its adjoint is an
``irfft`` whose interior frequencies count once, not twice (halved, relative to
the Hermitian extension ``irfft`` assumes); ``irfft`` counts each interior
frequency twice, so its adjoint is an ``rfft`` with those frequencies doubled.
The multi-axis transforms are these 1-D ones applied axis by axis, as NumPy
computes them.  ``fftshift``/``ifftshift`` are permutations (each the other's
adjoint); ``fftfreq``/``rfftfreq`` are constants (differentiable in ``d``).

Any other name of ``numpy.fft`` is NumPy's own, for plain values.
"""
import numpy as _np
import numpy.fft as _fft

from .._core import Box, def_linear, defbatch, defvjp
from . import _elementwise, _shape
from ._batchrules import axis_rule as _axis_rule
from ._dispatch import equivalent, shape, val, wrap
from ._unbroadcast import unbroadcast

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2",
           "irfft2", "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift",
           "fftfreq", "rfftfreq"]

# the norm whose scale factor is the same, applied in the opposite direction
_DUAL_NORM = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def _dual(norm):
    try:
        return _DUAL_NORM[norm]
    except (KeyError, TypeError):
        raise ValueError(f"numpy.fft: invalid norm={norm!r}; use None, 'backward', "
                         "'ortho' or 'forward'") from None


def _axis(x, axis):
    return axis % len(shape(x))


def _fit(y, axis, m):
    """``y`` cropped, or padded with zeros, to length ``m`` along ``axis`` (what
    the transforms do to their input for ``n``; each is the other's adjoint)."""
    yshape = shape(y)
    k = yshape[axis]
    if k == m:
        return y
    idx = (slice(None),) * axis + (slice(0, min(k, m)),)
    if k > m:
        return _shape.getitem(y, idx)
    return _shape._untake(y, idx, yshape[:axis] + (m,) + yshape[axis + 1:])


def _half_weights(g, axis, n, interior):
    """A constant along ``axis`` of ``g``'s real dtype: 1 at frequency 0 (and at
    n/2 for even ``n``), ``interior`` at the frequencies ``irfft`` counts twice."""
    w = _np.ones(n // 2 + 1, dtype=_np.empty(0, _np.result_type(val(g))).real.dtype)
    w[1:(n + 1) // 2] = interior
    return w.reshape((-1,) + (1,) * (len(shape(g)) - 1 - axis))


def _vjp_complex(transform):
    def vjp(g, ans, a, n=None, axis=-1, norm=None, out=None):
        ax = _axis(a, axis)
        return unbroadcast(_fit(transform(g, None, ax, norm), ax, shape(a)[ax]), a)
    return vjp


def _rfft_vjp(g, ans, a, n=None, axis=-1, norm=None, out=None):
    ax = _axis(a, axis)
    n = shape(a)[ax] if n is None else n
    full = irfft(_elementwise.conjugate(g) * _half_weights(g, ax, n, 0.5), n, ax, _dual(norm))
    return _fit(full, ax, shape(a)[ax])


def _irfft_vjp(g, ans, a, n=None, axis=-1, norm=None, out=None):
    ax = _axis(a, axis)
    n = 2 * (shape(a)[ax] - 1) if n is None else n
    half = _elementwise.conjugate(rfft(g, n, ax, _dual(norm))) * _half_weights(g, ax, n, 2.0)
    return unbroadcast(_fit(half, ax, shape(a)[ax]), a)


fft = wrap(_fft.fft)
ifft = wrap(_fft.ifft)
rfft = wrap(_fft.rfft)
irfft = wrap(_fft.irfft)
defvjp(fft, _vjp_complex(fft))
defvjp(ifft, _vjp_complex(ifft))
defvjp(rfft, _rfft_vjp)
defvjp(irfft, _irfft_vjp)
for _f in (fft, ifft, rfft, irfft):
    def_linear(_f)
    defbatch(_f, _axis_rule(_f, pos=2, default=-1))     # f(a, n, axis=-1, ...)

fft.__doc__ = """``numpy.fft.fft``: the 1-D discrete Fourier transform (differentiable).

Example:
    >>> import wengert, wengert.numpy as np
    >>> np.fft.fft(np.array([1.0, 2.0, 3.0, 4.0]))
    array([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    >>> f = lambda x: np.sum(np.abs(np.fft.fft(x)) ** 2)   # Parseval: 4 * sum(x**2)
    >>> wengert.grad(f)(np.array([1.0, 2.0, 3.0, 4.0]))
    array([ 8., 16., 24., 32.])
"""
rfft.__doc__ = """``numpy.fft.rfft``: the DFT of a real signal, non-negative frequencies only.

Example:
    >>> import wengert, wengert.numpy as np
    >>> np.fft.rfft(np.array([1.0, 2.0, 3.0, 4.0]))
    array([10.+0.j, -2.+2.j, -2.+0.j])
    >>> wengert.grad(lambda x: np.sum(np.real(np.fft.rfft(x))))(np.ones(4))
    array([3., 0., 1., 0.])
"""

# the wrapped primitives' docstrings, for doctest (their code lives in _core)
__test__ = {"fft": fft.__doc__, "rfft": rfft.__doc__}


# -- derived 1-D transforms -------------------------------------------------------------
def hfft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.hfft``: the FFT of a signal with Hermitian symmetry, given by
    its first half (an ``irfft`` of the conjugate, with the opposite norm)."""
    _no_out("hfft", out)
    return irfft(_elementwise.conjugate(a), n, axis, _dual(norm))


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.ihfft``: the inverse of ``hfft`` (a conjugated ``rfft``)."""
    _no_out("ihfft", out)
    return _elementwise.conjugate(rfft(a, n, axis, _dual(norm)))


# -- multi-axis transforms: the 1-D ones, axis by axis, as NumPy applies them -------------
def _no_out(name, out):
    if out is not None:
        raise TypeError(f"wengert.numpy.fft.{name} does not support out=; use the "
                        "returned array")


def _nd_args(name, a, s, axes, invreal=False):
    """The lengths and axes of an n-dimensional transform, read as NumPy does:
    all axes by default; with ``s`` but no ``axes``, the last ``len(s)`` axes;
    a length of -1 keeps the axis; ``irfftn`` defaults the last to 2 (m - 1)."""
    ashape = shape(a)
    if s is None:
        axes = list(range(len(ashape))) if axes is None else list(axes)
        s = [ashape[ax] for ax in axes]
        if invreal and s:
            s[-1] = 2 * (s[-1] - 1)
    else:
        s = list(s)
        axes = list(range(-len(s), 0)) if axes is None else list(axes)
    if len(s) != len(axes):
        raise ValueError(f"numpy.fft.{name}: s={s} and axes={axes} have different lengths; "
                         "give one length per transformed axis")
    s = [ashape[ax] if n == -1 else n for n, ax in zip(s, axes)]
    return s, axes


def fftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.fftn``: the n-dimensional DFT over ``axes`` (all by default).

    Example:
        >>> import wengert.numpy as np
        >>> np.fft.fftn(np.array([[1.0, 2.0], [3.0, 4.0]]))
        array([[10.+0.j, -2.+0.j],
               [-4.+0.j,  0.+0.j]])
    """
    _no_out("fftn", out)
    s, axes = _nd_args("fftn", a, s, axes)
    for n, ax in reversed(list(zip(s, axes))):
        a = fft(a, n, ax, norm)
    return a


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.ifftn``: the inverse of ``fftn``."""
    _no_out("ifftn", out)
    s, axes = _nd_args("ifftn", a, s, axes)
    for n, ax in reversed(list(zip(s, axes))):
        a = ifft(a, n, ax, norm)
    return a


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.rfftn``: ``rfft`` over the last of ``axes``, ``fft`` over the others."""
    _no_out("rfftn", out)
    s, axes = _nd_args("rfftn", a, s, axes)
    a = rfft(a, s[-1], axes[-1], norm)
    for n, ax in reversed(list(zip(s[:-1], axes[:-1]))):
        a = fft(a, n, ax, norm)
    return a


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.irfftn``: the inverse of ``rfftn`` (real output)."""
    _no_out("irfftn", out)
    s, axes = _nd_args("irfftn", a, s, axes, invreal=True)
    for n, ax in zip(s[:-1], axes[:-1]):
        a = ifft(a, n, ax, norm)
    return irfft(a, s[-1], axes[-1], norm)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.fft2``: ``fftn`` over the last two axes."""
    return fftn(a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.ifft2``: ``ifftn`` over the last two axes."""
    return ifftn(a, s, axes, norm, out)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.rfft2``: ``rfftn`` over the last two axes."""
    return rfftn(a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.irfft2``: ``irfftn`` over the last two axes."""
    return irfftn(a, s, axes, norm, out)


# -- shifts and frequencies ---------------------------------------------------------------
fftshift = wrap(_fft.fftshift)
ifftshift = wrap(_fft.ifftshift)
defvjp(fftshift, lambda g, ans, x, axes=None: ifftshift(g, axes))
defvjp(ifftshift, lambda g, ans, x, axes=None: fftshift(g, axes))
def_linear(fftshift)
def_linear(ifftshift)
defbatch(fftshift, _axis_rule(fftshift, pos=1, name="axes"))
defbatch(ifftshift, _axis_rule(ifftshift, pos=1, name="axes"))


def fftfreq(n, d=1.0, **kwargs):
    """``numpy.fft.fftfreq``: the sample frequencies, a constant (``k / (n d)``;
    differentiable in a traced spacing ``d``).

    Example:
        >>> import wengert.numpy as np
        >>> np.fft.fftfreq(4, d=0.5)
        array([ 0. ,  0.5, -1. , -0.5])
    """
    if isinstance(d, Box):
        return _elementwise.divide(_fft.fftfreq(n, 1.0, **kwargs), d)
    return _fft.fftfreq(n, d, **kwargs)


def rfftfreq(n, d=1.0, **kwargs):
    """``numpy.fft.rfftfreq``: the non-negative sample frequencies of ``rfft``."""
    if isinstance(d, Box):
        return _elementwise.divide(_fft.rfftfreq(n, 1.0, **kwargs), d)
    return _fft.rfftfreq(n, d, **kwargs)


for _np_fun, _ours in ((_fft.hfft, hfft), (_fft.ihfft, ihfft), (_fft.fftn, fftn),
                       (_fft.ifftn, ifftn), (_fft.rfftn, rfftn), (_fft.irfftn, irfftn),
                       (_fft.fft2, fft2), (_fft.ifft2, ifft2), (_fft.rfft2, rfft2),
                       (_fft.irfft2, irfft2)):
    equivalent(_np_fun, _ours)


def __getattr__(name):
    return getattr(_fft, name)
