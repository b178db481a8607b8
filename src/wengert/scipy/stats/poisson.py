"""The Poisson distribution, differentiable in the rate ``mu`` (``k`` is a count)."""
import wengert.numpy as wnp
from ..special import gammaln, xlogy


def logpmf(k, mu, loc=0):
    """``scipy.stats.poisson.logpmf``.

    Example:
        >>> import wengert
        >>> from wengert.scipy.stats import poisson
        >>> float(wengert.grad(poisson.logpmf, 1)(3, 2.0))    # k / mu - 1
        0.5
    """
    k = k - loc
    return xlogy(k, mu) - gammaln(k + 1) - mu


def pmf(k, mu, loc=0):
    """``scipy.stats.poisson.pmf``."""
    return wnp.exp(logpmf(k, mu, loc))
