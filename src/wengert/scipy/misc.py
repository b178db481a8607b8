"""``wengert.scipy.misc``: autograd's ``autograd.scipy.misc`` names.

``logsumexp`` is :func:`wengert.scipy.special.logsumexp` (SciPy moved it there).

Example:
    >>> import numpy
    >>> from wengert.scipy.misc import logsumexp
    >>> float(logsumexp(numpy.log(numpy.array([1.0, 3.0]))))    # log(4)
    1.3862943611198906
"""
from .special import logsumexp

__all__ = ["logsumexp"]
