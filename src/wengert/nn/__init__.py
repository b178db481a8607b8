"""Neural-network building blocks over parameter trees: initializers that take
an explicit ``numpy.random.Generator``, layers as ``(init, apply)`` pairs,
stable activations and losses — all plain functions that ``wengert.grad``
differentiates.

Example:
    >>> import numpy
    >>> import wengert
    >>> from wengert import nn
    >>> model = nn.Linear(2, 1)
    >>> params = model.init(numpy.random.default_rng(0))
    >>> x, y = numpy.ones((3, 2)), numpy.zeros((3, 1))
    >>> grads = wengert.grad(lambda p: nn.mse(model.apply(p, x), y))(params)
    >>> sorted(grads)
    ['b', 'w']
"""
from . import init
from .activations import gelu, identity, log_softmax, relu, sigmoid, softmax, softplus, tanh
from .layers import (BasisRegression, Layer, Linear, MLP, PolynomialBasis, RBFBasis,
                     TanhBasis)
from .losses import (binary_cross_entropy, logistic_loss, mse, multiclass_hinge,
                     softmax_cross_entropy, squared_error)

__all__ = [
    "init", "Layer", "Linear", "MLP", "PolynomialBasis", "RBFBasis", "TanhBasis",
    "BasisRegression", "sigmoid", "tanh", "relu", "softplus", "gelu", "softmax",
    "log_softmax", "identity", "squared_error", "mse", "softmax_cross_entropy",
    "logistic_loss", "binary_cross_entropy", "multiclass_hinge",
]
