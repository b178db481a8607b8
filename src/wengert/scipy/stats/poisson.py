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


def cdf(k, mu, loc=0):
    """``scipy.stats.poisson.cdf``, Q(floor(k) + 1, mu); differentiable in ``mu``
    (d/dmu = -pmf(floor(k), mu)).

    Example:
        >>> import wengert
        >>> from wengert.scipy.stats import poisson
        >>> round(float(wengert.grad(poisson.cdf, 1)(0.0, 1.0)), 12)   # -exp(-mu)
        -0.367879441171
    """
    from ..special import gammaincc
    import numpy as _np
    from wengert._core import getval
    n = _np.floor(getval(k) - getval(loc))
    safe = _np.where(n >= 0, n, 0.0)
    return wnp.where(n >= 0, gammaincc(safe + 1, mu), 0.0)
