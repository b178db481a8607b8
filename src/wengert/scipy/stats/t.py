"""Student's t distribution: densities differentiable in ``x``, ``df``, ``loc``
and ``scale``; ``cdf`` in ``x``, ``loc`` and ``scale``."""
import numpy as _np

import wengert.numpy as wnp
from ..special import gammaln, stdtr

_LOG_PI = float(_np.log(_np.pi))


def logpdf(x, df, loc=0.0, scale=1.0):
    """``scipy.stats.t.logpdf``.

    Example:
        >>> from wengert.scipy.stats import t
        >>> round(float(t.logpdf(0.0, 1.0)), 6)      # Cauchy: -log(pi)
        -1.14473
    """
    z = (x - loc) / scale
    return (gammaln((df + 1) / 2) - gammaln(df / 2) - (wnp.log(df) + _LOG_PI) / 2
            - (df + 1) / 2 * wnp.log1p(z ** 2 / df) - wnp.log(scale))


def pdf(x, df, loc=0.0, scale=1.0):
    """``scipy.stats.t.pdf``."""
    return wnp.exp(logpdf(x, df, loc, scale))


def cdf(x, df, loc=0.0, scale=1.0):
    """``scipy.stats.t.cdf``; not differentiable in ``df`` (raises NotImplementedError)."""
    return stdtr(df, (x - loc) / scale)


def logcdf(x, df, loc=0.0, scale=1.0):
    """``scipy.stats.t.logcdf``; not differentiable in ``df`` (at 0: log 1/2 and 2 pdf(0)).

    Example:
        >>> import wengert
        >>> from wengert.scipy.stats import t
        >>> round(float(t.logcdf(0.0, 3.0)), 12), round(float(wengert.grad(t.logcdf)(0.0, 3.0)), 12)
        (-0.69314718056, 0.735105193896)
    """
    return wnp.log(cdf(x, df, loc, scale))
