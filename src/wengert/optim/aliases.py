"""The usual optimizers, each a ``chain`` of gradient transformations.

``learning_rate`` is a positive number or a schedule (``step -> rate``).

Example:
    >>> import numpy
    >>> from wengert import grad
    >>> from wengert.optim import adam, apply_updates
    >>> f = lambda x: ((x - 1.0) ** 2).sum()
    >>> x, opt = numpy.zeros(2), adam(0.1)
    >>> state = opt.init(x)
    >>> for _ in range(300):
    ...     u, state = opt.update(grad(f)(x), state)
    ...     x = apply_updates(x, u)
    >>> numpy.round(x, 3)
    array([1., 1.])
"""
from .base import Optimizer, chain
from .transforms import (_adam_then_learning_rate, add_decayed_weights, scale_by_adam,
                         scale_by_learning_rate, scale_by_rms, trace)
from .._typing import Schedule

__all__ = ["sgd", "momentum", "rmsprop", "adam", "adamw"]


def sgd(learning_rate: float | Schedule, momentum: float | None = None,
        nesterov: bool = False) -> Optimizer:
    """Gradient descent, x ← x − lr·g (the ``optimizer.step()`` of Cornell CS 4740's lecture 13), with
    optional (Nesterov) momentum.  Minibatching is the caller's choice of g.

    Example:
        >>> opt = sgd(0.1)
        >>> opt.update({"w": 2.0}, opt.init({"w": 0.0}))[0]
        {'w': -0.2}
    """
    if momentum is None:
        if nesterov:
            raise ValueError("sgd: nesterov=True needs a momentum, e.g. sgd(0.1, momentum=0.9)")
        return chain(scale_by_learning_rate(learning_rate))
    return chain(trace(momentum, nesterov), scale_by_learning_rate(learning_rate))


def momentum(learning_rate: float | Schedule, beta: float = 0.9,
             nesterov: bool = False) -> Optimizer:
    """Heavy-ball (or Nesterov) momentum: m ← g + β m; x ← x − lr·m.

    Example:
        >>> opt = momentum(0.1, beta=0.5, nesterov=True)
        >>> round(float(opt.update(1.0, opt.init(0.0))[0]), 6)
        -0.15
    """
    return sgd(learning_rate, momentum=beta, nesterov=nesterov)


def rmsprop(learning_rate: float | Schedule, decay: float = 0.9, eps: float = 1e-8,
            momentum: float | None = None, nesterov: bool = False) -> Optimizer:
    """RMSProp: divide by a running root-mean-square of the gradients.

    Example:
        >>> opt = rmsprop(0.01, decay=0.0)
        >>> round(float(opt.update(-100.0, opt.init(0.0))[0]), 6)
        0.01
    """
    parts = [scale_by_rms(decay, eps)]
    if momentum is not None:
        parts.append(trace(momentum, nesterov))
    return chain(*parts, scale_by_learning_rate(learning_rate))


def adam(learning_rate: float | Schedule, b1: float = 0.9, b2: float = 0.999,
         eps: float = 1e-8) -> Optimizer:
    """Adam (Kingma & Ba): bias-corrected moment estimates.  The same as
    ``chain(scale_by_adam(b1, b2, eps), scale_by_learning_rate(learning_rate))``
    (and its state), computed with one multiplication of every entry instead of two.

    Example:
        >>> opt = adam(0.1)
        >>> round(float(opt.update(7.0, opt.init(0.0))[0]), 6)
        -0.1
    """
    return _adam_then_learning_rate(b1, b2, eps, learning_rate)


def adamw(learning_rate: float | Schedule, b1: float = 0.9, b2: float = 0.999,
          eps: float = 1e-8, weight_decay: float = 1e-4) -> Optimizer:
    """Adam with decoupled weight decay (Loshchilov & Hutter):
    x ← x − lr·(adam step + weight_decay·x).  ``update`` needs ``params``.

    Example:
        >>> opt = adamw(0.1, weight_decay=0.5)
        >>> round(float(opt.update(0.0, opt.init(2.0), 2.0)[0]), 6)
        -0.1
    """
    return chain(scale_by_adam(b1, b2, eps), add_decayed_weights(weight_decay),
                 scale_by_learning_rate(learning_rate))
