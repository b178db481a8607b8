"""``wengert.scipy.stats``: densities and distribution functions with derivatives.

Each distribution is a module of functions composed from differentiable
operations (no new rules), with SciPy's signatures; parameters (``loc``,
``scale``, shapes) are differentiable wherever the function is smooth in them.

Example:
    >>> import wengert
    >>> from wengert.scipy.stats import norm
    >>> float(wengert.grad(norm.logpdf)(1.0))     # -(x - loc) / scale**2
    -1.0
"""
from . import beta, chi2, dirichlet, gamma, multivariate_normal, norm, poisson, t

__all__ = ["beta", "chi2", "dirichlet", "gamma", "multivariate_normal", "norm", "poisson", "t"]
