"""Op specs of elementwise functions (see ``_table.py`` for the spec format): every
ufunc with a derivative on real, complex and float32 arrays, broadcasting, Python
numbers, powers at 0; clip and where; casts reached from nested derivatives; and the
other elementwise NumPy functions (sinc, i0, float_power, copysign, angle,
nan_to_num, real_if_close, modf, divmod and the array-API aliases; ldexp, frexp,
nextafter and heaviside)."""
import numpy as np

import wengert.numpy as wnp
from ._table import ABOVE_ONE, ANY, CONDITION, NONZERO, POS, UNIT, bands, nans, spec

# -- ufuncs -------------------------------------------------------------------------------
UNARY = [  # (function, domain): every unary ufunc with a derivative
    (wnp.negative, ANY), (wnp.positive, ANY), (wnp.exp, ANY), (wnp.exp2, ANY),
    (wnp.expm1, ANY), (wnp.log, POS), (wnp.log2, POS), (wnp.log10, POS),
    (wnp.log1p, (-0.5, 2.0)), (wnp.sin, ANY), (wnp.cos, ANY), (wnp.tan, (-1.2, 1.2)),
    (wnp.arcsin, UNIT), (wnp.arccos, UNIT), (wnp.arctan, ANY), (wnp.sinh, ANY),
    (wnp.cosh, ANY), (wnp.tanh, ANY), (wnp.arcsinh, ANY), (wnp.arccosh, ABOVE_ONE),
    (wnp.arctanh, UNIT), (wnp.sqrt, POS), (wnp.cbrt, NONZERO), (wnp.square, ANY),
    (wnp.reciprocal, NONZERO), (wnp.deg2rad, ANY), (wnp.rad2deg, ANY),
    (wnp.radians, ANY), (wnp.degrees, ANY), (wnp.fabs, NONZERO), (wnp.absolute, NONZERO),
    (wnp.real, ANY), (wnp.imag, ANY), (wnp.conjugate, ANY),
]

# holomorphic (or, for absolute/real/imag, real-linear) on complex inputs, away from
# branch cuts: complex samples have real and imaginary parts in the domain
COMPLEX_UNARY = [
    (wnp.negative, ANY), (wnp.exp, ANY), (wnp.log, POS), (wnp.sin, ANY), (wnp.cos, ANY),
    (wnp.tan, UNIT), (wnp.sinh, ANY), (wnp.cosh, ANY), (wnp.tanh, UNIT), (wnp.sqrt, POS),
    (wnp.square, ANY), (wnp.reciprocal, POS), (wnp.absolute, NONZERO), (wnp.real, ANY),
    (wnp.imag, ANY), (wnp.conjugate, ANY), (wnp.positive, ANY), (wnp.exp2, ANY),
    (wnp.expm1, ANY), (wnp.log2, POS), (wnp.log10, POS), (wnp.log1p, POS),
    (wnp.arcsin, (0.1, 0.5)), (wnp.arccos, (0.1, 0.5)), (wnp.arctan, (0.1, 0.5)),
    (wnp.arcsinh, (0.1, 0.5)), (wnp.arccosh, ABOVE_ONE), (wnp.arctanh, (0.1, 0.5)),
]

MOD_X = bands((2.2, 2.8), (-2.8, -2.2))      # x / y stays between integers: no jumps of mod
MOD_Y = (0.95, 1.05)
MOD_NEG_Y = (-1.05, -0.95)

BINARY = [  # (function, domain of x, domain of y)
    (wnp.add, ANY, ANY), (wnp.subtract, ANY, ANY), (wnp.multiply, ANY, ANY),
    (wnp.divide, ANY, NONZERO), (wnp.power, POS, ANY),
    # x and y from separate bands never tie
    (wnp.maximum, bands((-2.0, -0.1), (0.6, 2.0)), (0.0, 0.5)),
    (wnp.minimum, bands((-2.0, -0.1), (0.6, 2.0)), (0.0, 0.5)),
    (wnp.fmax, bands((-2.0, -0.1), (0.6, 2.0)), (0.0, 0.5)),
    (wnp.fmin, bands((-2.0, -0.1), (0.6, 2.0)), (0.0, 0.5)),
    (wnp.arctan2, ANY, NONZERO), (wnp.hypot, NONZERO, NONZERO), (wnp.logaddexp, ANY, ANY),
    (wnp.logaddexp2, ANY, ANY), (wnp.mod, MOD_X, MOD_Y), (wnp.fmod, MOD_X, MOD_Y),
]

COMPLEX_BINARY = [(wnp.add, ANY, ANY), (wnp.subtract, ANY, ANY), (wnp.multiply, ANY, ANY),
                  (wnp.divide, ANY, POS), (wnp.power, POS, UNIT)]

FLOAT32 = [wnp.exp, wnp.log, wnp.tanh, wnp.sqrt, wnp.add, wnp.multiply, wnp.divide]

BROADCAST_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3)),
                    ((3,), ())]

UFUNCS = (
    [spec(f, (2, 3), domain=d) for f, d in UNARY]
    + [spec(f, (), domain=d) for f, d in UNARY if f in (wnp.exp, wnp.sin, wnp.log, wnp.sqrt,
                                                        wnp.absolute, wnp.tanh)]
    + [spec(f, (2, 3), domain=d, dtype=np.complex128) for f, d in COMPLEX_UNARY]
    + [spec(f, (3,), domain=d, dtype=np.float32) for f, d in UNARY if f in FLOAT32]
    + [spec(f, xs, ys, domain=[dx, dy]) for f, dx, dy in BINARY
       for xs, ys in BROADCAST_SHAPES[:3]]
    + [spec(f, xs, ys, domain=[dx, dy]) for f, dx, dy in BINARY if f in
       (wnp.add, wnp.subtract, wnp.multiply, wnp.divide, wnp.power, wnp.maximum, wnp.hypot)
       for xs, ys in BROADCAST_SHAPES[3:]]
    + [spec(f, (2, 3), (3,), domain=[dx, dy], dtype=np.complex128)
       for f, dx, dy in COMPLEX_BINARY]
    + [spec(f, (2, 3), (3,), domain=[dx, dy], dtype=np.float32)
       for f, dx, dy in BINARY if f in FLOAT32]
    + [
        # power with a constant exponent, including integers and a negative base
        spec(lambda x: x ** 3.0, (2, 3), name="power(x,3)", covers=[wnp.power]),
        spec(lambda x: wnp.power(x, 0.0), (3,), name="power(x,0)", covers=[wnp.power]),
        spec(lambda y: wnp.power(2.5, y), (3,), name="power(2.5,y)", covers=[wnp.power]),
        # a real-valued function of a complex argument
        spec(lambda z: wnp.absolute(z) ** 2, (3,), domain=NONZERO, dtype=np.complex128,
             name="absolute**2", covers=[wnp.absolute, wnp.power]),
        spec(wnp.mod, (2, 3), (3,), domain=[MOD_X, MOD_NEG_Y], name="mod(y<0)"),
        spec(wnp.fmod, (2, 3), (3,), domain=[MOD_X, MOD_NEG_Y], name="fmod(y<0)"),
        # at 0, where x ** (y - 1) alone would be infinite
        spec(lambda x: x ** 2.0, (3,), domain=lambda rng, shape: np.zeros(shape),
             name="power(x,2)@0", covers=[wnp.power]),
        spec(lambda x: x ** 3, (3,), domain=lambda rng, shape: np.zeros(shape),
             name="power(x,int3)@0", covers=[wnp.power]),
        spec(lambda y: wnp.power(0.0, y), (3,), domain=(1.5, 3.0), name="power(0,y)",
             covers=[wnp.power]),
        # Python floats and complex numbers
        spec(lambda x, y: wnp.sin(x) * wnp.exp(y) / x, None, None, domain=NONZERO,
             name="sin*exp/x", covers=[wnp.sin, wnp.exp, wnp.multiply, wnp.divide]),
        spec(lambda x, y: wnp.hypot(x, y) ** y, None, (3,), domain=[NONZERO, POS],
             name="hypot**y", covers=[wnp.hypot, wnp.power]),
        spec(lambda z: wnp.log(z) * z, None, domain=POS, dtype=np.complex128,
             name="log*z", covers=[wnp.log, wnp.multiply]),
        # mixed real and complex arguments
        spec(wnp.multiply, (2, 3), (3,), dtype=(np.float64, np.complex128)),
        spec(wnp.add, (3,), (), dtype=(np.complex128, np.float64)),
    ]
)

# clip: x in bands away from the bounds; traced bounds
CLIP_X = bands((-2.0, -1.0), (-0.4, 0.4), (1.0, 2.0))
CLIP_LO, CLIP_HI = (-0.9, -0.6), (0.6, 0.9)

CLIP_WHERE = [
    spec(lambda x: wnp.clip(x, -0.5, 0.5), (2, 3), domain=CLIP_X, name="clip(x,-.5,.5)",
         covers=[wnp.clip, "numpy.clip"]),
    spec(lambda x: wnp.clip(x, None, 0.5), (6,), domain=CLIP_X, name="clip(x,None,.5)",
         covers=[wnp.clip, "numpy.clip"]),
    spec(wnp.clip, (2, 3), (3,), (2, 1), domain=[CLIP_X, CLIP_LO, CLIP_HI],
         covers=[wnp.clip, "numpy.clip"]),
    spec(wnp.clip, (2, 3), (), (), domain=[CLIP_X, CLIP_LO, CLIP_HI], dtype=np.float32,
         covers=[wnp.clip, "numpy.clip"]),
    spec(wnp.clip, (3,), (2, 3), (), domain=[CLIP_X, CLIP_LO, CLIP_HI],
         covers=[wnp.clip, "numpy.clip"]),
    spec(lambda x, lo: wnp.clip(x, min=lo), (2, 3), (3,), domain=[CLIP_X, CLIP_LO],
         name="clip(min=)", covers=[wnp.clip, "numpy.clip"]),
    spec(lambda x, y: wnp.where(CONDITION, x, y), (), (), name="where",
         covers=[wnp.where, "numpy.where"]),
    spec(lambda x, y: wnp.where(CONDITION, x, y), (2, 3), (2, 3), name="where",
         covers=[wnp.where, "numpy.where"]),
    spec(lambda x, y: wnp.where(CONDITION, x, y), (3,), (), name="where",
         covers=[wnp.where, "numpy.where"]),
    spec(lambda x, y: wnp.where(CONDITION, x, y), (2, 1), (2, 3), name="where",
         dtype=np.complex128, covers=[wnp.where, "numpy.where"]),
    # where guards a function outside its domain: the unselected branch gets no NaN
    spec(lambda x: wnp.where(x > 0, wnp.sqrt(wnp.where(x > 0, x, 1.0)), 0.0), (6,),
         domain=NONZERO, name="where(sqrt)", covers=[wnp.where, "numpy.where", wnp.sqrt]),
]

# Casts and indexing reached from a nested derivative: an inner box wrapping a box
# of an outer trace must dispatch through the wrapped primitive, never raw NumPy
# (order-1 twins check the cast on its own).
def _astype_complex(x):
    return wnp.astype(x, np.complex128) * (1 + 2j)


def _array_dtype(x, y):
    return wnp.array([x, y], dtype=np.complex128)


CAST = [wnp.astype, "wengert.numpy.astype"]
CASTS = [
    spec(_astype_complex, (2, 3), name="astype(complex128)", covers=CAST, order=1),
    spec(_astype_complex, (2, 3), name="astype(complex128)", covers=CAST),
    spec(lambda x: wnp.astype(x, np.float64), (2, 3), dtype=np.float32, order=1,
         name="astype(float64)", covers=CAST),
    spec(lambda x: wnp.astype(x, np.float64), (2, 3), dtype=np.float32,
         name="astype(float64)", covers=CAST),
    spec(_array_dtype, (), (), name="array(dtype)", covers=[wnp.array] + CAST, order=1),
    spec(_array_dtype, (), (), name="array(dtype)", covers=[wnp.array] + CAST),
    spec(lambda x, y: wnp.array([[x, y], [x * y, 1.0]]), (), (), name="array(nested)",
         covers=[wnp.array, wnp.stack, wnp.concatenate, "numpy.concatenate",
                 "numpy.expand_dims"]),
    spec(lambda x: wnp.asarray(x) * 2.0, (3,), name="asarray", covers=[wnp.asarray]),
    spec(lambda x, y: wnp.asarray([x, y]), (3,), (3,), name="asarray(list)",
         covers=[wnp.asarray, wnp.array]),
]


def near_zero(rng, shape):
    """sinc's slope switches formulas at |pi x| = 1: samples on both sides and at 0."""
    return rng.choice([0.0, 1e-9, -0.05, 0.3, -0.31, 0.33, 1.2], size=shape)


# -- the other elementwise functions ------------------------------------------------------
OTHER_ELEMENTWISE = [
    spec(wnp.sinc, (2, 3)),
    spec(wnp.sinc, (7,), domain=near_zero, name="sinc(near 0)", order=3),
    spec(wnp.sinc, (2, 3), domain=UNIT, dtype=np.complex128),
    spec(wnp.sinc, (3,), dtype=np.float32),
    spec(wnp.i0, (2, 3)),
    spec(wnp.i0, (3,), domain=bands((-10.0, -4.0), (4.0, 10.0)), name="i0(large)"),
    spec(wnp.i0, (3,), dtype=np.float32),
    spec(wnp.float_power, (2, 3), (3,), domain=[POS, ANY]),
    spec(wnp.float_power, (2, 1), (1, 3), domain=[POS, ANY]),
    spec(lambda x: wnp.float_power(x, 2.0), (3,), domain=lambda rng, s: np.zeros(s),
         name="float_power(x,2)@0", covers=[wnp.float_power]),
    spec(wnp.float_power, (3,), (), domain=[POS, ANY], dtype=np.float32),
    spec(wnp.float_power, (3,), (3,), domain=[POS, UNIT], dtype=np.complex128),
    # copysign: |x| has a kink at 0, sign(y) jumps at 0
    spec(wnp.copysign, (2, 3), (3,), domain=NONZERO),
    spec(wnp.copysign, (3,), (), domain=NONZERO),
    spec(wnp.copysign, (2, 1), (1, 3), domain=NONZERO, dtype=np.float32),
    # angle jumps on the negative real axis: real and imaginary parts positive
    spec(wnp.angle, (2, 3), domain=POS, dtype=np.complex128, covers=[wnp.angle, wnp.arctan2]),
    spec(lambda z: wnp.angle(z, deg=True), (3,), domain=POS, dtype=np.complex128,
         name="angle(deg)", covers=[wnp.angle, wnp.arctan2]),
    spec(lambda x: x * wnp.angle(x), (3,), domain=NONZERO, name="x*angle(x)", covers=[wnp.angle]),
    spec(lambda x: wnp.nan_to_num(nans(x)), (2, 3), name="nan_to_num",
         covers=[wnp.nan_to_num, "numpy.where"]),
    spec(lambda x: wnp.nan_to_num(nans(x), nan=1.5), (2, 3), dtype=np.complex128,
         name="nan_to_num(nan=1.5)", covers=[wnp.nan_to_num, wnp.real, wnp.imag]),
    spec(lambda x: wnp.nan_to_num(wnp.where([True, False, False], x, [0.0, np.inf, -np.inf])),
         (3,),
         name="nan_to_num(+-inf)", covers=[wnp.nan_to_num, "numpy.where"]),
    spec(wnp.real_if_close, (2, 3), dtype=np.complex128),
    spec(lambda x: wnp.real_if_close(wnp.astype(x, np.complex128)), (2, 3),
         name="real_if_close(real)", covers=[wnp.real_if_close, wnp.real]),
    # the fractional part jumps at integers
    spec(lambda x: wnp.modf(x)[0] * wnp.modf(x)[1], (2, 3),
         domain=bands((0.1, 0.9), (1.1, 1.9), (-1.9, -1.1)), name="modf",
         covers=[wnp.modf, "numpy.where"]),
    spec(lambda x, y: wnp.divmod(x, y)[1] + wnp.divmod(x, y)[0], (2, 3), (3,),
         domain=[MOD_X, MOD_Y], name="divmod", covers=[wnp.divmod, wnp.mod]),
    spec(lambda x, y: wnp.atan2(x, y) + wnp.pow(x, 2.0) + wnp.acos(x / 3), (3,), (3,),
         domain=NONZERO, name="aliases", covers=[wnp.arctan2, wnp.power, wnp.arccos]),
]

# -- ldexp, frexp, nextafter, heaviside ---------------------------------------------------
EXPONENTS = np.array([[-1, 0, 3], [2, -2, 1]])
AT_ZERO = np.array([[0.0, 1.5, -0.5], [0.0, 0.0, -2.0]])    # heaviside's x, zeros included
AWAY_FROM_POWERS_OF_TWO = bands((0.55, 0.95), (1.1, 1.9), (-1.9, -1.1), (2.2, 3.8))

LDEXP_FREXP_NEXTAFTER_HEAVISIDE = [
    spec(lambda x: wnp.ldexp(x, EXPONENTS), (2, 3), name="ldexp(x,i)", covers=[wnp.ldexp]),
    spec(lambda x: wnp.ldexp(x, 3), (3,), dtype=np.float32, name="ldexp(x,3)",
         covers=[wnp.ldexp]),
    spec(lambda x: wnp.frexp(x)[0] * x, (2, 3), domain=AWAY_FROM_POWERS_OF_TWO,
         name="frexp", covers=[wnp.frexp, wnp.ldexp]),
    spec(lambda x: wnp.nextafter(x, 0.0), (2, 3), domain=NONZERO, name="nextafter(x,0)",
         covers=[wnp.nextafter]),
    spec(wnp.nextafter, (2, 3), (3,), domain=[(-2.0, -1.0), (1.0, 2.0)],
         covers=[wnp.nextafter]),
    spec(wnp.heaviside, (2, 3), (3,), domain=[NONZERO, ANY], covers=[wnp.heaviside]),
    spec(lambda h: wnp.heaviside(AT_ZERO, h), (2, 3), name="heaviside(0,h)",
         covers=[wnp.heaviside]),
]
