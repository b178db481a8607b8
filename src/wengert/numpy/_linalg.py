"""Products: ``dot``, ``matmul``, ``tensordot`` and friends.

The seeds' matrix-product rule, dW = dD·Xᵀ and dX = Wᵀ·dD for D = W·X,
generalized to any number of dimensions.  All products are bilinear, so their
forward rules follow from ``def_linear`` in both arguments.
"""
import numpy as _np

from .._core import def_linear, defvjp
from . import _elementwise as E, _reductions as R, _shape as S
from ._dispatch import equivalent, shape, wrap
from ._unbroadcast import unbroadcast


def _ndim(x):
    return len(shape(x))


def _tensordot_axes(an, bn, axes):
    if isinstance(axes, int) or _np.ndim(axes) == 0:
        n = int(axes)
        return list(range(an - n, an)), list(range(n))
    ax_a, ax_b = axes
    ax_a = [ax_a] if _np.ndim(ax_a) == 0 else list(ax_a)
    ax_b = [ax_b] if _np.ndim(ax_b) == 0 else list(ax_b)
    return [int(a) % an for a in ax_a], [int(b) % bn for b in ax_b]


def _tensordot_vjp_a(g, a, b, ax_a, ax_b):
    an, bn = _ndim(a), _ndim(b)
    a_free = [i for i in range(an) if i not in ax_a]
    b_free = [i for i in range(bn) if i not in ax_b]
    r = tensordot(g, b, (list(range(len(a_free), _ndim(g))), b_free))
    # r's last axes are b's contracted axes in increasing order; name them by a's axes
    ax_a_in_r = [ax_a[ax_b.index(i)] for i in sorted(ax_b)]
    r = S.transpose(r, tuple(_np.argsort(a_free + ax_a_in_r))) if an > 1 else r
    return unbroadcast(r, a)  # a real a (with a complex b) gets a real cotangent


def _tensordot_vjp_b(g, a, b, ax_a, ax_b):
    an, bn = _ndim(a), _ndim(b)
    a_free = [i for i in range(an) if i not in ax_a]
    b_free = [i for i in range(bn) if i not in ax_b]
    r = tensordot(a, g, (a_free, list(range(len(a_free)))))
    # r's first axes are a's contracted axes in increasing order; name them by b's axes
    ax_b_in_r = [ax_b[ax_a.index(i)] for i in sorted(ax_a)]
    r = S.transpose(r, tuple(_np.argsort(ax_b_in_r + b_free))) if bn > 1 else r
    return unbroadcast(r, b)  # a real b (with a complex a) gets a real cotangent


tensordot = wrap(_np.tensordot)
defvjp(tensordot,
       lambda g, ans, a, b, axes=2: _tensordot_vjp_a(
           g, a, b, *_tensordot_axes(_ndim(a), _ndim(b), axes)),
       lambda g, ans, a, b, axes=2: _tensordot_vjp_b(
           g, a, b, *_tensordot_axes(_ndim(a), _ndim(b), axes)))
def_linear(tensordot, argnums=(0, 1))


def _dot_axes(a, b):
    an, bn = _ndim(a), _ndim(b)
    if an == 0 or bn == 0:
        return [], []
    return [an - 1], [max(bn - 2, 0)]


dot = wrap(_np.dot)
defvjp(dot,
       lambda g, ans, a, b: _tensordot_vjp_a(g, a, b, *_dot_axes(a, b)),
       lambda g, ans, a, b: _tensordot_vjp_b(g, a, b, *_dot_axes(a, b)))
def_linear(dot, argnums=(0, 1))


def _matmul_vjp_a(g, ans, a, b, **kwargs):
    an, bn = _ndim(a), _ndim(b)
    if bn == 1:
        return g * b if an == 1 else unbroadcast(S.expand_dims(g, -1) * b, a)
    if an == 1:
        return unbroadcast(S.getitem(matmul(b, S.expand_dims(g, -1)), (Ellipsis, 0)), a)
    return unbroadcast(matmul(g, S.swapaxes(b, -1, -2)), a)


def _matmul_vjp_b(g, ans, a, b, **kwargs):
    an, bn = _ndim(a), _ndim(b)
    if an == 1:
        return g * a if bn == 1 else unbroadcast(S.expand_dims(a, -1) * S.expand_dims(g, -2), b)
    if bn == 1:
        return unbroadcast(S.getitem(matmul(S.swapaxes(a, -1, -2), S.expand_dims(g, -1)),
                                     (Ellipsis, 0)), b)
    return unbroadcast(matmul(S.swapaxes(a, -1, -2), g), b)


matmul = wrap(_np.matmul)
defvjp(matmul, _matmul_vjp_a, _matmul_vjp_b)
def_linear(matmul, argnums=(0, 1))


def outer(a, b, out=None):
    """``numpy.outer`` (composed: a column times a row)."""
    return E.multiply(S.reshape(a, (-1, 1)), S.reshape(b, (1, -1)))


def inner(a, b):
    """``numpy.inner``: a sum product over the last axes."""
    if _ndim(a) == 0 or _ndim(b) == 0:
        return E.multiply(a, b)
    return tensordot(a, b, ([-1], [-1]))


def vdot(a, b):
    """``numpy.vdot``: conjugates ``a``, flattens both."""
    return R.sum(E.conjugate(S.ravel(a)) * S.ravel(b))


for _np_fun, _ours in ((_np.outer, outer), (_np.inner, inner), (_np.vdot, vdot)):
    equivalent(_np_fun, _ours)
