"""``wengert.scipy``: SciPy functions with derivatives (SciPy is optional).

Submodules are imported on first use, and each imports only the part of SciPy
it wraps: ``import wengert`` never imports SciPy, and ``wengert.scipy.special``
imports ``scipy.special`` only.

* :mod:`wengert.scipy.special`: logistic, log-sum-exp, error, gamma, beta and
  Bessel functions.
* :mod:`wengert.scipy.stats`: densities of ``norm``, ``t``, ``gamma``, ``beta``,
  ``chi2``, ``poisson``, ``dirichlet`` and ``multivariate_normal``.
* :mod:`wengert.scipy.linalg`: ``solve_triangular``, ``cho_solve``, ``sqrtm``,
  ``expm``, ``solve_sylvester``, ``solve_banded``.
* :mod:`wengert.scipy.signal`: ``convolve``.
* :mod:`wengert.scipy.integrate`: ``odeint`` (adjoint method).
* :mod:`wengert.scipy.misc`: autograd's ``logsumexp`` alias.
"""
import importlib
import importlib.util

if importlib.util.find_spec("scipy") is None:
    raise ImportError(
        "wengert.scipy needs SciPy, which is not installed; install it with "
        'pip install "wengert[scipy]" (or pip install scipy)')

_SUBMODULES = ("integrate", "linalg", "misc", "signal", "special", "stats")


def __getattr__(name):
    # ``import wengert.scipy`` alone imports no SciPy module: each submodule is
    # imported when it is first named.
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_SUBMODULES])
