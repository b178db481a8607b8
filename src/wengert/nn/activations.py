"""Activation functions, composed of ``wengert.numpy`` operations (no new
derivative rules), numerically stable for large inputs, differentiable in both
modes to any order.

Example:
    >>> import numpy
    >>> from wengert.nn import softplus, log_softmax
    >>> softplus(numpy.array([-1000.0, 0.0, 1000.0])).round(4).tolist()
    [0.0, 0.6931, 1000.0]
    >>> log_softmax(numpy.array([1000.0, 0.0]))
    array([    0., -1000.])
"""
import math

from .. import numpy as np
from ..transforms import stop_gradient
from .._typing import Array

__all__ = ["sigmoid", "tanh", "relu", "softplus", "gelu", "softmax", "log_softmax", "identity"]


def identity(x: Array) -> Array:
    """Return ``x`` unchanged (a linear output layer).

    Example:
        >>> identity(2.0)
        2.0
    """
    return x


def sigmoid(x: Array) -> Array:
    """Logistic sigmoid 1 / (1 + exp(-x)), written as (1 + tanh(x/2)) / 2 so
    that no exponential overflows.

    Example:
        >>> import numpy
        >>> sigmoid(numpy.array([-1000.0, 0.0, 1000.0]))
        array([0. , 0.5, 1. ])
    """
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def tanh(x: Array) -> Array:
    """Hyperbolic tangent.

    Example:
        >>> round(float(tanh(0.5)), 6)
        0.462117
    """
    return np.tanh(x)


def relu(x: Array) -> Array:
    """max(x, 0); the derivative at 0 is taken as 1/2 (``maximum``'s tie rule).

    Example:
        >>> import numpy
        >>> relu(numpy.array([-1.0, 2.0]))
        array([0., 2.])
    """
    return np.maximum(x, 0.0)


def softplus(x: Array) -> Array:
    """log(1 + exp(x)) as ``logaddexp(0, x)``: exact for large |x|.

    Example:
        >>> round(float(softplus(0.0)), 6)
        0.693147
    """
    return np.logaddexp(0.0, x)


_GELU_C = math.sqrt(2.0 / math.pi)


def gelu(x: Array) -> Array:
    """Gaussian error linear unit, in the common tanh approximation
    x/2 (1 + tanh(sqrt(2/π) (x + 0.044715 x³))) (|error| < 1e-3 of the exact
    x Φ(x)); needs no SciPy.

    Example:
        >>> import numpy
        >>> gelu(numpy.array([-10.0, 0.0, 10.0]))
        array([-0.,  0., 10.])
    """
    return 0.5 * x * (1.0 + np.tanh(_GELU_C * (x + 0.044715 * x ** 3)))


def log_softmax(x: Array, axis: int = -1) -> Array:
    """x - logsumexp(x) along ``axis``; the maximum is subtracted first (as a
    constant: the result does not depend on it) so nothing overflows.

    Example:
        >>> import numpy
        >>> numpy.exp(log_softmax(numpy.array([[1.0, 1.0]])))
        array([[0.5, 0.5]])
    """
    shifted = x - stop_gradient(np.max(x, axis=axis, keepdims=True))
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(x: Array, axis: int = -1) -> Array:
    """exp(x) / sum(exp(x)) along ``axis``, computed stably.

    Example:
        >>> import numpy
        >>> softmax(numpy.array([0.0, 1000.0]))
        array([0., 1.])
    """
    shifted = x - stop_gradient(np.max(x, axis=axis, keepdims=True))
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
