"""The Dirichlet distribution, differentiable in ``x`` and ``alpha``.

As in SciPy, the components are along the *first* axis of ``x``: ``x`` has
shape ``(K,)`` or ``(K, N)`` for ``N`` points, and ``alpha`` shape ``(K,)``.
"""
import wengert.numpy as wnp
from ..special import gammaln, xlogy


def logpdf(x, alpha):
    """``scipy.stats.dirichlet.logpdf``.

    Example:
        >>> import numpy
        >>> from wengert.scipy.stats import dirichlet
        >>> float(dirichlet.logpdf(numpy.array([0.2, 0.8]), numpy.array([1.0, 1.0])))
        0.0
    """
    col = alpha if len(wnp.shape(x)) == 1 else wnp.reshape(alpha, (-1, 1))
    return (wnp.sum(xlogy(col - 1, x), axis=0)
            + gammaln(wnp.sum(alpha)) - wnp.sum(gammaln(alpha)))


def pdf(x, alpha):
    """``scipy.stats.dirichlet.pdf``."""
    return wnp.exp(logpdf(x, alpha))


def rvs(alpha, size=1, random_state=None):
    """Samples of the Dirichlet distribution (``scipy.stats.dirichlet.rvs``).
    A sample has no derivative with respect to ``alpha`` here, so a traced
    ``alpha`` is refused rather than treated as a constant.

    Example:
        >>> import numpy
        >>> from wengert.scipy.stats import dirichlet
        >>> dirichlet.rvs(numpy.array([1.0, 2.0]), size=3, random_state=0).shape
        (3, 2)
    """
    from wengert._core import Box
    if isinstance(alpha, Box):
        raise TypeError(
            "scipy.stats.dirichlet.rvs: samples are not differentiable with respect to alpha; "
            "pass a constant (wengert.stop_gradient(alpha)) or write a reparametrized sampler")
    import scipy.stats
    return scipy.stats.dirichlet.rvs(alpha, size=size, random_state=random_state)
