"""``wengert.numpy.numpy_boxes``: the box classes of traced arrays.

``ArrayBox`` supports NumPy's operators, indexing and array attributes on
traced arrays; ``SequenceBox`` is a traced tuple or list.  ``ArrayBox.register``
makes another array type traced with ``ArrayBox`` (autograd's API).

Example:
    >>> import wengert, wengert.numpy as np
    >>> from wengert.numpy.numpy_boxes import ArrayBox
    >>> seen = []
    >>> wengert.grad(lambda x: seen.append(isinstance(x, ArrayBox)) or np.sum(x * x))(np.ones(2))
    array([2., 2.])
    >>> seen
    [True]
"""
from .._core import Box
from ._array_box import ArrayBox, SequenceBox

__all__ = ["ArrayBox", "SequenceBox", "Box"]
