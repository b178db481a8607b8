"""The normal distribution, differentiable in ``x``, ``loc`` and ``scale``."""
import numpy as _np

import wengert.numpy as wnp
from ..special import log_ndtr, ndtr

_LOG_SQRT_2PI = float(0.5 * _np.log(2 * _np.pi))


def logpdf(x, loc=0.0, scale=1.0):
    """``scipy.stats.norm.logpdf``.

    Example:
        >>> from wengert.scipy.stats import norm
        >>> round(float(norm.logpdf(0.0)), 6)
        -0.918939
    """
    z = (x - loc) / scale
    return -z ** 2 / 2 - _LOG_SQRT_2PI - wnp.log(scale)


def pdf(x, loc=0.0, scale=1.0):
    """``scipy.stats.norm.pdf``."""
    return wnp.exp(logpdf(x, loc, scale))


def cdf(x, loc=0.0, scale=1.0):
    """``scipy.stats.norm.cdf``."""
    return ndtr((x - loc) / scale)


def logcdf(x, loc=0.0, scale=1.0):
    """``scipy.stats.norm.logcdf`` (finite derivatives far in the left tail)."""
    return log_ndtr((x - loc) / scale)


def sf(x, loc=0.0, scale=1.0):
    """``scipy.stats.norm.sf``, ``1 - cdf``, accurate in the right tail."""
    return ndtr((loc - x) / scale)


def logsf(x, loc=0.0, scale=1.0):
    """``scipy.stats.norm.logsf``."""
    return log_ndtr((loc - x) / scale)
