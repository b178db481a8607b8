"""The multivariate normal distribution, differentiable in ``x``, ``mean`` and ``cov``.

``x`` has shape ``(d,)`` (one point) or ``(N, d)``; ``cov`` is a ``(d, d)``
matrix, a vector (its diagonal) or a scalar (a multiple of the identity).
Derivatives with respect to ``cov`` treat all of its entries as independent
(they are not symmetrized).
"""
import numpy as _np

import wengert.numpy as wnp
import wengert.numpy.linalg as wla
from wengert._core import no_rule_message

_LOG_2PI = float(_np.log(2 * _np.pi))


def _matrix(cov, d):
    nd = len(wnp.shape(cov))
    if nd == 2:
        return cov
    eye = _np.eye(d)
    return cov * eye if nd == 0 else wnp.reshape(cov, (-1, 1)) * eye


def logpdf(x, mean=None, cov=1, allow_singular=False):
    """``scipy.stats.multivariate_normal.logpdf``.

    Example:
        >>> import numpy
        >>> from wengert.scipy.stats import multivariate_normal
        >>> round(float(multivariate_normal.logpdf(numpy.zeros(2), numpy.zeros(2),
        ...                                         numpy.eye(2))), 6)    # -log(2 pi)
        -1.837877
    """
    if allow_singular:
        raise NotImplementedError(
            no_rule_message("scipy.stats.multivariate_normal.logpdf(allow_singular=True)")
            + "; add a small multiple of the identity to cov instead")
    d = wnp.shape(x)[-1]
    diff = x if mean is None else x - mean
    cov = _matrix(cov, d)
    sol = wla.solve(cov, wnp.transpose(diff))           # (d,) or (d, N)
    quad = wnp.sum(wnp.transpose(diff) * sol, axis=0)
    return -0.5 * (quad + wnp.log(wla.det(cov)) + d * _LOG_2PI)


def pdf(x, mean=None, cov=1, allow_singular=False):
    """``scipy.stats.multivariate_normal.pdf``."""
    return wnp.exp(logpdf(x, mean, cov, allow_singular))


def entropy(mean=None, cov=1):
    """``scipy.stats.multivariate_normal.entropy``: ``log det(2 pi e cov) / 2``.

    Example:
        >>> import numpy
        >>> from wengert.scipy.stats import multivariate_normal
        >>> round(float(multivariate_normal.entropy(cov=numpy.eye(2))), 6)
        2.837877
    """
    cov = _np.asarray(cov) if not hasattr(cov, "shape") else cov
    d = wnp.shape(cov)[-1] if len(wnp.shape(cov)) else wnp.shape(mean)[-1]
    cov = _matrix(cov, d)
    return 0.5 * (d * (1 + _LOG_2PI) + wnp.log(wla.det(cov)))
