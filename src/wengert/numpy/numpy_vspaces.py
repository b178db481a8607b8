"""``wengert.numpy.numpy_vspaces``: vector spaces of arrays.

autograd has one class for real and one for complex arrays and one per
NumPy named-tuple result; here ``ArrayVSpace`` serves both and named tuples
(``eigh``, ``svd``, ``slogdet`` results ...) are containers.

Example:
    >>> import numpy
    >>> from wengert.numpy.numpy_vspaces import ArrayVSpace
    >>> vs = ArrayVSpace(numpy.zeros((2, 3)))
    >>> vs.shape, vs.size, vs.iscomplex
    ((2, 3), 6, False)
"""
from .._core import ContainerVSpace, VSpace
from ._vspace import ArrayVSpace

__all__ = ["ArrayVSpace", "ComplexArrayVSpace", "VSpace", "NamedTupleVSpace",
           "EigResultVSpace", "EighResultVSpace", "SVDResultVSpace", "QRResultVSpace",
           "SlogdetResultVSpace"]

ComplexArrayVSpace = ArrayVSpace
NamedTupleVSpace = EigResultVSpace = EighResultVSpace = SVDResultVSpace = ContainerVSpace
QRResultVSpace = SlogdetResultVSpace = ContainerVSpace
