"""Op specs for autograd's surface: its container primitives, ``linspace``,
``make_diagonal`` and ``fixed_point`` (see ``_table.py`` for the format)."""
import importlib.util

import numpy as np

import wengert.numpy as wnp
import wengert.numpy.linalg as wla
from wengert._core import getval, vspace
from wengert.builtins import container_take, container_untake, make_sequence
from wengert.misc.fixed_points import _solve, fixed_point
from ._table import ANY, POS, spec

_DICT_SPACE = vspace({"a": np.zeros(3), "b": 0.0})


def _newton_sqrt(a):
    # Newton's iteration for sqrt(a), a fixed point of x -> (x + a / x) / 2
    return fixed_point(lambda p: lambda x: 0.5 * (x + p / x), a, np.ones(np.shape(a)),
                       lambda x, y: float(np.max(np.abs(getval(x) - getval(y)))), 1e-13)


def _fixed_point_of_tree(a, b):
    # parameters as a dict (a tree): x* solves x = a cos(x) / 2 + b
    f = lambda p: lambda x: 0.5 * p["a"] * wnp.cos(x) + p["b"]  # noqa: E731
    return fixed_point(f, {"a": a, "b": b}, np.zeros(np.shape(b)),
                       lambda x, y: float(np.max(np.abs(getval(x) - getval(y)))), 1e-13)


SPECS = [
    spec(lambda x, y: container_take(make_sequence(tuple, x, y), 1) *
         container_take(make_sequence(list, x, y), 0), (3,), (3,), name="make_sequence",
         covers=[make_sequence, container_take]),
    spec(lambda x: container_take(container_untake(x, "a", _DICT_SPACE), "a") ** 2, (3,),
         name="container_untake(dict)", covers=[container_untake, container_take]),
    spec(lambda a, b: wnp.linspace(a, b, 5), (), (), name="linspace", covers=[wnp.linspace]),
    spec(lambda a, b: wnp.linspace(a, b, 4, endpoint=False, axis=1), (2,), (2,),
         name="linspace(arrays,axis=1,endpoint=False)", covers=[wnp.linspace]),
    spec(lambda x: wla.T(x) * 2.0, (2, 3, 4), name="linalg.T", covers=[wla.T]),
    spec(lambda d: wnp.make_diagonal(d, axis1=-1, axis2=-2), (2, 3), name="make_diagonal",
         covers=[wnp.make_diagonal]),
    spec(lambda x, y: wnp.array_from_args((), (), x, y, x * y), (), (), name="array_from_args",
         covers=[wnp.array_from_args]),
    spec(lambda x, y: wnp.concatenate_args(1, x, y), (2, 1), (2, 3), name="concatenate_args",
         covers=[wnp.concatenate_args]),
    spec(_newton_sqrt, (3,), domain=POS, name="fixed_point(newton sqrt)",
         covers=[_solve, fixed_point]),
    spec(_fixed_point_of_tree, (), (2,), domain=[(0.1, 0.8), POS], name="fixed_point(dict params)",
         covers=[_solve, fixed_point]),
]

if importlib.util.find_spec("scipy") is not None:   # SciPy is optional
    from wengert.scipy import signal, special
    from wengert.scipy.stats import beta, chi2, poisson, t

    def _poisson_cdf(mu):
        return poisson.cdf(np.array([0.0, 1.0, 2.5, 4.0]), mu)

    SPECS += [
        spec(lambda a, b: signal.convolve(a, b, axes=([1], [2]), dot_axes=([0], [0]),
                                          mode="valid"), (2, 3), (2, 4, 5),
             name="convolve(axes,dot_axes)", covers=[signal.convolve, signal._convolve]),
        spec(lambda a, b: signal.convolve(a, b, axes=([0], [1]), mode="same"), (4, 2), (3, 3),
             name="convolve(axes,same)", covers=[signal.convolve, signal._convolve]),
        spec(lambda x, df: chi2.cdf(x, df), (3,), (3,), domain=POS, name="chi2.cdf",
             covers=[chi2.cdf, special.gammainc]),
        spec(lambda x, a, b: beta.cdf(x, a, b), (3,), (3,), (3,), domain=[(0.1, 0.9), POS, POS],
             name="beta.cdf", covers=[beta.cdf, special.betainc]),
        spec(_poisson_cdf, (4,), domain=POS, name="poisson.cdf", covers=[poisson.cdf, special.gammaincc]),
        spec(lambda x, loc, scale: t.logcdf(x, 3.0, loc, scale), (3,), (3,), (3,),
             domain=[ANY, ANY, POS], name="t.logcdf", covers=[t.logcdf, special.stdtr]),
    ]
