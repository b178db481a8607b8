"""The gamma distribution: densities differentiable in ``x``, ``a``, ``loc``
and ``scale``; ``cdf`` in ``x``, ``loc`` and ``scale``."""
import wengert.numpy as wnp
from ..special import gammainc, gammaln, xlogy


def logpdf(x, a, loc=0.0, scale=1.0):
    """``scipy.stats.gamma.logpdf`` (for ``x > loc``).

    Example:
        >>> from wengert.scipy.stats import gamma
        >>> float(gamma.logpdf(2.0, 1.0))        # exponential: -x
        -2.0
    """
    z = (x - loc) / scale
    return xlogy(a - 1, z) - z - gammaln(a) - wnp.log(scale)


def pdf(x, a, loc=0.0, scale=1.0):
    """``scipy.stats.gamma.pdf``."""
    return wnp.exp(logpdf(x, a, loc, scale))


def cdf(x, a, loc=0.0, scale=1.0):
    """``scipy.stats.gamma.cdf``; not differentiable in ``a`` (raises NotImplementedError)."""
    return gammainc(a, (x - loc) / scale)
