"""The beta distribution, densities differentiable in ``x``, ``a``, ``b``, ``loc``, ``scale``."""
import wengert.numpy as wnp
from ..special import betaln, xlog1py, xlogy


def logpdf(x, a, b, loc=0.0, scale=1.0):
    """``scipy.stats.beta.logpdf`` (for ``loc < x < loc + scale``).

    Example:
        >>> from wengert.scipy.stats import beta
        >>> float(beta.logpdf(0.3, 1.0, 1.0))    # uniform
        0.0
    """
    z = (x - loc) / scale
    return xlogy(a - 1, z) + xlog1py(b - 1, -z) - betaln(a, b) - wnp.log(scale)


def pdf(x, a, b, loc=0.0, scale=1.0):
    """``scipy.stats.beta.pdf``."""
    return wnp.exp(logpdf(x, a, b, loc, scale))


def cdf(x, a, b, loc=0.0, scale=1.0):
    """``scipy.stats.beta.cdf``, the regularized incomplete beta function
    I_z(a, b); differentiable in every argument.

    Example:
        >>> import wengert
        >>> from wengert.scipy.stats import beta
        >>> float(beta.cdf(0.5, 2.0, 1.0)), float(wengert.grad(beta.cdf)(0.5, 2.0, 1.0))  # z^2, 2z
        (0.25, 1.0)
    """
    from ..special import betainc
    return betainc(a, b, (x - loc) / scale)
