"""autograd's gradient-descent loops: ``sgd``, ``rmsprop`` and ``adam``.

Each is ``opt(grad, x0, callback=None, num_iters=..., step_size=..., ...)``:
``grad(x, i)`` returns the gradient at iteration ``i``, ``callback(x, i, g)``
(if given) is called before each step, and ``x0`` may be a tree of arrays
(lists, tuples, dicts), which is flattened for the update and rebuilt for
``grad``, ``callback`` and the result.  The arithmetic is autograd's, step for
step, so results agree to the last bit.  For composable optimizers as
``(init, update)`` pairs see :mod:`wengert.optim`.

Example:
    >>> import numpy
    >>> from wengert.misc.optimizers import adam
    >>> x = adam(lambda x, i: 2 * (x - 3.0), numpy.zeros(1), step_size=0.1, num_iters=500)
    >>> numpy.round(x, 3)
    array([3.])
"""
import functools

from .. import numpy as _np   # differentiable: the loops can be differentiated
from .flatten import flatten

__all__ = ["sgd", "rmsprop", "adam", "unflatten_optimizer"]


def unflatten_optimizer(optimize):
    """Lift ``optimize`` over flat vectors to trees of arrays."""

    @functools.wraps(optimize)
    def tree_optimize(grad, x0, callback=None, *args, **kwargs):
        flat_x0, unflatten = flatten(x0)

        def flat_grad(x, i):
            return flatten(grad(unflatten(x), i))[0]

        flat_callback = None if not callback else (
            lambda x, i, g: callback(unflatten(x), i, unflatten(g)))
        return unflatten(optimize(flat_grad, flat_x0, flat_callback, *args, **kwargs))

    return tree_optimize


@unflatten_optimizer
def sgd(grad, x, callback=None, num_iters=200, step_size=0.1, mass=0.9):
    """Gradient descent with momentum ``mass``."""
    velocity = _np.zeros(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        velocity = mass * velocity - (1.0 - mass) * g
        x = x + step_size * velocity
    return x


@unflatten_optimizer
def rmsprop(grad, x, callback=None, num_iters=100, step_size=0.1, gamma=0.9, eps=10**-8):
    """Steps scaled by a running root-mean-square of the gradients."""
    avg_sq_grad = _np.ones(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        avg_sq_grad = avg_sq_grad * gamma + g**2 * (1 - gamma)
        x = x - step_size * g / (_np.sqrt(avg_sq_grad) + eps)
    return x


@unflatten_optimizer
def adam(grad, x, callback=None, num_iters=100, step_size=0.001, b1=0.9, b2=0.999,
         eps=10**-8):
    """Adam (Kingma and Ba): bias-corrected running moments of the gradient."""
    m = _np.zeros(len(x))
    v = _np.zeros(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * (g**2) + b2 * v
        mhat = m / (1 - b1 ** (i + 1))
        vhat = v / (1 - b2 ** (i + 1))
        x = x - step_size * mhat / (_np.sqrt(vhat) + eps)
    return x
