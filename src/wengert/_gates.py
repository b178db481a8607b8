"""Gates defined with the public extension API (``wengert.extend``), as a user would:
CS231n's sigmoid as one gate, used by the tour.  A module of its own, so that the op
table can check it without importing the tour."""
import numpy as _np

from .extend import declare_elementwise, defjvp, defvjp, primitive


@primitive
def sigmoid(z):
    """The sigmoid as one gate, with its algebraically nice derivative f(1 - f)."""
    return 1.0 / (1.0 + _np.exp(-z))


defvjp(sigmoid, lambda ans, z: lambda g: g * ans * (1.0 - ans))
defjvp(sigmoid, lambda g, ans, z: g * ans * (1.0 - ans))
declare_elementwise(sigmoid)
