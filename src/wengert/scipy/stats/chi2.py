"""The chi-squared distribution, densities differentiable in ``x``, ``df``, ``loc``, ``scale``."""
import numpy as _np

import wengert.numpy as wnp
from ..special import gammaln, xlogy

_LOG2 = float(_np.log(2.0))


def logpdf(x, df, loc=0.0, scale=1.0):
    """``scipy.stats.chi2.logpdf`` (for ``x > loc``).

    Example:
        >>> from wengert.scipy.stats import chi2
        >>> float(chi2.logpdf(2.0, 2.0))        # exp(-x / 2) / 2
        -1.6931471805599454
    """
    z = (x - loc) / scale
    return xlogy(df / 2 - 1, z) - z / 2 - gammaln(df / 2) - df / 2 * _LOG2 - wnp.log(scale)


def pdf(x, df, loc=0.0, scale=1.0):
    """``scipy.stats.chi2.pdf``."""
    return wnp.exp(logpdf(x, df, loc, scale))


def cdf(x, df, loc=0.0, scale=1.0):
    """``scipy.stats.chi2.cdf``, the regularized lower incomplete gamma function
    P(df/2, z/2); differentiable in ``x``, ``loc``, ``scale`` and ``df``.

    Example:
        >>> import wengert
        >>> from wengert.scipy.stats import chi2
        >>> round(float(chi2.cdf(2.0, 2.0)), 12), round(float(wengert.grad(chi2.cdf)(2.0, 2.0)), 12)
        (0.632120558829, 0.183939720586)
    """
    from ..special import gammainc
    return gammainc(df / 2, (x - loc) / scale / 2)
