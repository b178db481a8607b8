"""Op specs for the scipy area (see ``_table.py`` for the spec format).

SciPy is optional: without it, ``SPECS`` stays empty.
"""
import dataclasses
import importlib.util

import numpy as np

import wengert.numpy as wnp  # noqa: F401
from ._table import ANY, NONZERO, POS, UNIT, bands, cover_name, spec, well_conditioned

SPECS = []

if importlib.util.find_spec("scipy") is not None:
    from wengert.scipy import integrate as I, linalg as L, signal as G, special as S, stats as T

    # -- special: elementwise -------------------------------------------------------------------
    UNARY = [  # (function, domain)
        (S.expit, ANY), (S.logit, (0.1, 0.9)), (S.erf, ANY), (S.erfc, ANY),
        (S.erfinv, UNIT), (S.erfcinv, (0.2, 1.8)), (S.ndtr, ANY), (S.log_ndtr, ANY),
        (S.ndtri, (0.1, 0.9)),
        # gamma family: away from the poles at 0, -1, -2, ...
        (S.gamma, POS), (S.gammaln, POS), (S.rgamma, POS), (S.digamma, POS),
        (S.i0, ANY), (S.i1, ANY), (S.j0, ANY), (S.j1, ANY),
        (S.y0, POS), (S.y1, POS),             # Y_n is singular at 0, complex below
    ]
    FLOAT32 = {S.expit, S.erf, S.gammaln, S.digamma, S.i1, S.j1, S.y1}
    SPECS += [spec(f, (2, 3), domain=d) for f, d in UNARY]
    SPECS += [spec(f, (3,), domain=d, dtype=np.float32) for f, d in UNARY if f in FLOAT32]
    SPECS += [
        spec(S.log_ndtr, (3,), domain=(-12.0, -6.0), name="log_ndtr(left tail)"),
        spec(S.expit, (), name="expit"),
        spec(S.psi, (3,), domain=POS, name="psi"),
        spec(lambda x: S.polygamma(1, x), (2, 3), domain=POS, name="polygamma(1,x)",
             covers=[S.polygamma]),
        spec(lambda x: S.polygamma(np.array([0, 2, 3]), x), (2, 3), domain=POS,
             name="polygamma(n,x)", covers=[S.polygamma]),
        spec(lambda x: S.polygamma(2, x), (3,), domain=POS, dtype=np.float32,
             name="polygamma(2,x)", covers=[S.polygamma]),
        spec(S.beta, (2, 3), (3,), domain=POS),
        spec(S.betaln, (2, 3), (2, 1), domain=POS),
        spec(S.betaln, (3,), (3,), domain=POS, dtype=np.float32),
        # betainc, gammainc(c), stdtr: differentiable in the last argument only
        spec(lambda x: S.betainc(2.0, 3.5, x), (2, 3), domain=(0.1, 0.9),
             name="betainc(2,3.5,x)", covers=[S.betainc]),
        spec(lambda x: S.betainc(np.array([0.7, 1.0, 3.0]), 1.0, x), (2, 3),
             domain=(0.1, 0.9), name="betainc(a,1,x)", covers=[S.betainc]),
        spec(lambda x: S.gammainc(np.array([0.8, 2.0, 3.5]), x), (2, 3), domain=POS,
             name="gammainc(a,x)", covers=[S.gammainc]),
        spec(lambda x: S.gammaincc(1.5, x), (3,), domain=POS, name="gammaincc(1.5,x)",
             covers=[S.gammaincc]),
        # ... and in the shape parameters too (series, see wengert.scipy.special)
        spec(S.betainc, (3,), (2, 3), (2, 3), domain=[(0.5, 3.0), (0.5, 3.0), (0.05, 0.95)],
             name="betainc(a,b,x)"),
        spec(S.gammainc, (2, 3), (3,), domain=[(0.5, 4.0), (0.1, 6.0)], name="gammainc(a,x)"),
        spec(S.gammaincc, (3,), (3,), domain=[(0.5, 4.0), (0.1, 6.0)],
             name="gammaincc(a,x)"),
        spec(lambda t: S.stdtr(3.0, t), (2, 3), name="stdtr(3,t)", covers=[S.stdtr]),
        spec(S.xlogy, (2, 3), (3,), domain=[ANY, POS]),
        spec(S.xlogy, (), (2, 3), domain=[ANY, POS]),
        spec(S.xlog1py, (2, 3), (2, 3), domain=[ANY, (-0.5, 2.0)]),
        spec(S.xlog1py, (3,), (3,), domain=[ANY, (-0.5, 2.0)], dtype=np.float32),
        # x = 0 where y = 0 (xlogy) or -1 (xlog1py): the y-derivative is 0 there, not NaN
        spec(lambda y: S.xlogy(np.array([0.0, 0.0, 1.5]), y * np.array([0.0, 1.0, 1.0])),
             (3,), domain=POS, name="xlogy(0,0)", covers=[S.xlogy]),
        spec(lambda y: S.xlog1py(np.array([0.0, 2.0]), y * np.array([0.0, 1.0])
                                 - np.array([1.0, 0.0])), (2,), domain=POS,
             name="xlog1py(0,-1)", covers=[S.xlog1py]),
        # Bessel functions: the order is fixed; iv of a non-integer order needs x > 0
        spec(lambda x: S.iv(1.5, x), (2, 3), domain=POS, name="iv(1.5,x)", covers=[S.iv]),
        spec(lambda x: S.iv(np.array([0.0, 1.0, 2.0]), x), (2, 3), name="iv(n,x)",
             covers=[S.iv]),
        spec(lambda x: S.ive(1.5, x), (2, 3), domain=POS, name="ive(1.5,x)", covers=[S.ive]),
        # |x| has a kink at 0
        spec(lambda x: S.ive(2, x), (2, 3), domain=NONZERO, name="ive(2,x)", covers=[S.ive]),
        spec(lambda x: S.jn(2, x), (2, 3), name="jn(2,x)", covers=[S.jn]),
        spec(lambda x: S.jn(np.array([0, 1, 3]), x), (2, 3), name="jn(n,x)", covers=[S.jn]),
        spec(lambda x: S.yn(2, x), (2, 3), domain=POS, name="yn(2,x)", covers=[S.yn]),
        spec(lambda x: S.yn(1, x), (3,), domain=POS, dtype=np.float32, name="yn(1,x)",
             covers=[S.yn]),
        spec(lambda a: S.multigammaln(a, 3), (2, 3), domain=(1.5, 3.0),
             name="multigammaln(a,3)", covers=[S.multigammaln, S.gammaln]),
    ]

    # -- special: log-sum-exp ---------------------------------------------------------------------
    LSE = [S.logsumexp]      # composed (exp, sum, log): no rules of its own
    SPECS += [
        spec(S.logsumexp, (2, 3), covers=LSE),
        spec(S.logsumexp, (3,), dtype=np.float32, covers=LSE),
        spec(lambda a: S.logsumexp(a, axis=1), (2, 3), name="logsumexp(axis=1)", covers=LSE),
        spec(lambda a: S.logsumexp(a, axis=(0, 2), keepdims=True), (2, 3, 2),
             name="logsumexp(axis=(0,2),keepdims)", covers=LSE),
        spec(lambda a, b: S.logsumexp(a, axis=0, b=b), (2, 3), (3,), domain=[ANY, POS],
             name="logsumexp(b=)", covers=LSE),
        spec(lambda a, b: S.logsumexp(a, b=b, return_sign=True)[0], (2, 3), (2, 3),
             domain=[ANY, bands((-2.0, -0.5), (0.5, 2.0))], name="logsumexp(return_sign)",
             covers=LSE),
        spec(lambda a: S.logsumexp(a * 500.0), (4,), name="logsumexp(large)", covers=LSE),
        spec(S.logsumexp, (3,), dtype=np.complex128, covers=LSE),
        spec(S.softmax, (2, 3)),
        spec(lambda x: S.softmax(x, axis=-1), (2, 3), name="softmax(axis=-1)",
             covers=[S.softmax]),
        spec(lambda x: S.log_softmax(x, axis=0), (2, 3), name="log_softmax(axis=0)",
             covers=[S.log_softmax]),
        spec(S.log_softmax, (3,), dtype=np.float32),
    ]

    # -- stats --------------------------------------------------------------------------------------
    PROB = (0.1, 0.9)
    SPECS += [
        spec(T.norm.logpdf, (2, 3), (3,), (), domain=[ANY, ANY, POS]),
        spec(T.norm.pdf, (3,), (), (3,), domain=[ANY, ANY, POS]),
        spec(T.norm.cdf, (2, 3), (), (), domain=[ANY, ANY, POS]),
        spec(T.norm.logcdf, (3,), (3,), (3,), domain=[ANY, ANY, POS]),
        spec(T.norm.sf, (3,), (), (), domain=[ANY, ANY, POS]),
        spec(T.norm.logsf, (3,), (), (), domain=[ANY, ANY, POS]),
        spec(T.norm.logpdf, (3,), dtype=np.float32),
        spec(T.t.logpdf, (2, 3), (3,), (), (), domain=[ANY, POS, ANY, POS]),
        spec(T.t.pdf, (3,), (), (), (), domain=[ANY, POS, ANY, POS]),
        spec(lambda x, loc, scale: T.t.cdf(x, 2.5, loc, scale), (3,), (), (),
             domain=[ANY, ANY, POS], name="t.cdf", covers=[T.t.cdf, S.stdtr]),
        spec(T.gamma.logpdf, (2, 3), (3,), (), (), domain=[(1.0, 3.0), POS, (-0.5, 0.4), POS]),
        spec(T.gamma.pdf, (3,), (), domain=[POS, POS]),
        spec(lambda x, scale: T.gamma.cdf(x, 2.0, 0.1, scale), (3,), (), domain=[POS, POS],
             name="gamma.cdf", covers=[T.gamma.cdf, S.gammainc]),
        spec(T.beta.logpdf, (2, 3), (3,), (), domain=[PROB, POS, POS]),
        spec(T.beta.pdf, (3,), (), (), domain=[PROB, POS, POS]),
        spec(T.chi2.logpdf, (2, 3), (3,), domain=POS),
        spec(T.chi2.pdf, (3,), (), (), (), domain=[(1.0, 3.0), POS, (-0.5, 0.4), POS]),
        spec(lambda mu: T.poisson.logpmf(np.array([0, 1, 4]), mu), (3,), domain=POS,
             name="poisson.logpmf", covers=[T.poisson.logpmf, S.xlogy]),
        spec(lambda mu: T.poisson.pmf(np.array([[0, 2, 3]]), mu), (2, 3), domain=POS,
             name="poisson.pmf", covers=[T.poisson.pmf]),
        spec(T.dirichlet.logpdf, (3,), (3,), domain=[(0.1, 0.3), POS]),
        spec(T.dirichlet.logpdf, (3, 2), (3,), domain=[(0.1, 0.3), POS]),
        spec(T.dirichlet.pdf, (3, 2), (3,), domain=[(0.1, 0.3), POS]),
    ]

    def spd(rng, shape):
        """Symmetric positive definite, well conditioned."""
        b = rng.uniform(-1.0, 1.0, shape)
        return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])

    MVN = T.multivariate_normal
    SPECS += [
        spec(MVN.logpdf, (2,), (2,), (2, 2), domain=[ANY, ANY, spd]),
        spec(MVN.logpdf, (4, 3), (3,), (3, 3), domain=[ANY, ANY, spd]),
        spec(lambda x, cov: MVN.logpdf(x, None, cov), (4, 2), (2,), domain=[ANY, POS],
             name="multivariate_normal.logpdf(diag)", covers=[MVN.logpdf]),
        spec(lambda x, cov: MVN.logpdf(x, None, cov), (3,), (), domain=[ANY, POS],
             name="multivariate_normal.logpdf(scalar)", covers=[MVN.logpdf]),
        spec(MVN.pdf, (3, 2), (2,), (2, 2), domain=[ANY, ANY, spd]),
        spec(lambda cov: MVN.entropy(None, cov), (3, 3), domain=spd,
             name="multivariate_normal.entropy", covers=[MVN.entropy]),
    ]

    # -- linalg -------------------------------------------------------------------------------------
    TRI = [L.solve_triangular, "scipy.linalg.solve_triangular"]
    SPECS += [
        spec(lambda a, b, tr=tr, lo=lo, ud=ud: L.solve_triangular(
            a, b, trans=tr, lower=lo, unit_diagonal=ud), (3, 3), bs,
            domain=[well_conditioned, ANY], covers=TRI,
            name=f"solve_triangular(trans={tr!r},lower={lo},unit={ud})")
        for tr, lo, ud, bs in [(0, True, False, (3,)), (0, False, False, (3, 2)),
                               ("T", True, False, (3, 2)), (1, False, True, (3,)),
                               ("N", True, True, (3, 2)), ("C", False, False, (3,))]
    ]
    SPECS += [
        spec(L.solve_triangular, (3, 3), (3,), domain=[well_conditioned, ANY],
             dtype=np.complex128, covers=TRI),
        spec(L.solve_triangular, (3, 3), (3, 2), domain=[well_conditioned, ANY],
             dtype=np.float32, covers=TRI),
        spec(lambda c, b: L.cho_solve((c, True), b), (3, 3), (3,),
             domain=[well_conditioned, ANY], name="cho_solve(lower)",
             covers=[L.cho_solve, *TRI]),
        spec(lambda c, b: L.cho_solve((c, False), b), (3, 3), (3, 2),
             domain=[well_conditioned, ANY], name="cho_solve(upper)",
             covers=[L.cho_solve, *TRI]),
        spec(lambda a, b: L.cho_solve(L.cho_factor(a), b), (3, 3), (3,),
             domain=[spd, ANY], name="cho_solve(cho_factor)",
             covers=[L.cho_factor, L.cho_solve]),
        spec(lambda a, b: L.cho_solve(L.cho_factor(a, lower=True), b) + L.cho_factor(a)[0],
             (3, 3), (3, 3), domain=[spd, ANY], name="cho_solve(cho_factor(lower))",
             covers=[L.cho_factor, L.cho_solve]),
        # the principal square root of a matrix near a positive definite one
        spec(L.sqrtm, (3, 3), domain=spd, name="sqrtm"),
        spec(L.expm, (3, 3), domain=UNIT),
        spec(L.expm, (2, 2), domain=UNIT, dtype=np.complex128),
        spec(L.expm, (2, 2, 2), domain=UNIT),
        spec(L.expm, (2, 2), domain=UNIT, dtype=np.float32),
        # a + b has its eigenvalues near 6: the Sylvester equation is well posed
        spec(L.solve_sylvester, (3, 3), (3, 3), (3, 3), domain=[well_conditioned,
                                                              well_conditioned, ANY]),
        spec(L.solve_sylvester, (3, 3), (2, 2), (3, 2), domain=[well_conditioned,
                                                              well_conditioned, ANY]),
    ]

    def banded(rng, shape):
        """Band storage of a diagonally dominant matrix with one lower, one upper band."""
        ab = rng.uniform(-1.0, 1.0, shape)
        ab[1] += 4.0
        return ab

    BANDED = [L.solve_banded, "scipy.linalg.solve_banded", "wengert.scipy.linalg.band_to_dense",
              "wengert.scipy.linalg.dense_to_band"]
    SPECS += [
        spec(lambda ab, b: L.solve_banded((1, 1), ab, b), (3, 4), (4,),
             domain=[banded, ANY], name="solve_banded((1,1))", covers=BANDED),
        spec(lambda ab, b: L.solve_banded((1, 1), ab, b), (3, 4), (4, 2),
             domain=[banded, ANY], name="solve_banded((1,1))", covers=BANDED),
        spec(lambda ab, b: L.solve_banded((2, 0), ab[::-1], b), (3, 4), (4,),
             domain=[banded, ANY], name="solve_banded((2,0))", covers=BANDED),
    ]

    # -- signal -------------------------------------------------------------------------------------
    CONV = [G.convolve, "scipy.signal.convolve"]
    CROP = [*CONV, "wengert.scipy.signal.embed"]
    SPECS += [
        spec(G.convolve, (5,), (3,), covers=CONV),
        spec(lambda a, b: G.convolve(a, b, "valid"), (5,), (3,), name="convolve(valid)",
             covers=CROP),
        spec(lambda a, b: G.convolve(a, b, "valid"), (2, 3), (3, 4), name="convolve(valid)",
             covers=CROP),
        spec(lambda a, b: G.convolve(a, b, "same"), (3, 4), (2, 3), name="convolve(same)",
             covers=CROP),
        spec(lambda a, b: G.convolve(a, b, "same"), (2,), (4,), name="convolve(same)",
             covers=CROP),
        spec(lambda a, b: G.convolve(a, b, method="direct"), (2, 2, 2), (2, 1, 2),
             name="convolve(direct)", covers=CONV),
        spec(G.convolve, (4,), (3,), dtype=np.complex128, covers=CONV),
        spec(G.convolve, (4,), (3,), dtype=np.float32, covers=CONV),
    ]

    # -- integrate ----------------------------------------------------------------------------------
    def dynamics(y, t, a, c):
        return wnp.tanh(wnp.dot(a, y)) * c + wnp.sin(t) * y

    TIGHT = dict(rtol=1e-12, atol=1e-12)   # derivatives are as accurate as the integrations
    TIMES = np.array([0.0, 0.3, 0.8])

    # order 1: the adjoint and tangent systems are integrated numerically
    ODEINT = [I.odeint, "scipy.integrate.odeint", "wengert.scipy.integrate.odeint_cotangents",
              "wengert.scipy.integrate.odeint_tangents"]
    SPECS += [
        spec(lambda y0, a, c: I.odeint(dynamics, y0, TIMES, (a, c), **TIGHT), (2,), (2, 2),
             None, name="odeint(y0,args)", covers=ODEINT,
             order=1),
        spec(lambda t: I.odeint(dynamics, np.array([1.0, -0.5]), t,
                                (np.array([[-0.5, 0.3], [0.2, -0.4]]), 0.7), **TIGHT),
             (3,), domain=lambda rng, shape: TIMES + rng.uniform(0.0, 0.1, shape), name="odeint(t)",
             covers=ODEINT, order=1),
    ]


def _scoped(s):
    """The spec named after its SciPy module (``scipy.special.i0``,
    ``scipy.stats.norm.logpdf``): NumPy has functions of the same names."""
    where = cover_name(s.covers[0]).split(".")      # scipy.special.expit, wengert.scipy.stats...
    where = where[1:] if where[0] == "wengert" else where
    area = ".".join(where[:3] if where[1] == "stats" else where[:2])
    name = s.name.removeprefix(where[2] + ".") if where[1] == "stats" else s.name
    return dataclasses.replace(s, name=f"{area}.{name}")


SPECS = [_scoped(s) for s in SPECS]
