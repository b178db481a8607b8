"""The op table: one ``OpSpec`` per differentiable operation of ``wengert.numpy``.

A spec is a function to check (a small lambda fixing the non-differentiable
arguments: axes, indices, shapes), the shapes of its differentiable arguments
(broadcasting and scalars included), where to sample them, their dtype, and
which library primitives and public composite functions it exercises.
The test suite's ``test_ops.py`` runs one generic checker over the table and
``test_registry.py`` checks that the table covers every registered primitive and
that each spec really exercises what it claims to cover; the table ships with
the package so that ``wengert.selfcheck()`` can run the same verification from
an installed copy.  Rule authors make specs of their own with
``wengert.test_util.op_spec``.
"""
import dataclasses
from typing import Any, Callable

import numpy as np

NUMPY2 = int(np.__version__.split(".")[0]) >= 2

import wengert
import wengert.numpy as wnp
import wengert.numpy.linalg as wla
import wengert.tour  # registers its sigmoid gate, whichever tests were imported before
from wengert._core import get_primitive

# -- input domains ------------------------------------------------------------------------
# A domain is (lo, hi), sampled uniformly, or a sampler ``(rng, shape) -> float64 array``.
ANY = (-2.0, 2.0)
POS = (0.5, 3.0)
UNIT = (-0.8, 0.8)          # inside (-1, 1), away from the poles of arcsin, arctanh
ABOVE_ONE = (1.2, 3.0)      # arccosh


def bands(*intervals):
    """Each element uniform in one of ``intervals`` (chosen at random): keeps
    samples away from kinks, jumps and ties between the intervals."""
    lo, hi = np.array(intervals, dtype=float).T

    def sample(rng, shape):
        k = rng.integers(len(intervals), size=shape)
        return lo[k] + (hi[k] - lo[k]) * rng.uniform(size=shape)
    return sample


NONZERO = bands((-2.0, -0.3), (0.3, 2.0))   # for |x|, 1/x, cbrt: not differentiable/finite at 0


def well_conditioned(rng, shape):
    """B + n I with B uniform in (-1, 1): a batch of n x n matrices with
    condition numbers of a few units, so finite differences are accurate."""
    n = shape[-1]
    return rng.uniform(-1.0, 1.0, shape) + n * np.eye(n)


# -- the spec -------------------------------------------------------------------------------
def _fmt_shape(shape):
    if shape is None:
        return "float"
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def cover_name(f):
    """The registry name of a covered function: a primitive's ``Primitive.name``,
    a composite function's module and name; a string is already a name."""
    if isinstance(f, str):
        return f
    prim = get_primitive(f)
    if prim is not None:
        return prim.name
    return f"{f.__module__}.{f.__qualname__}"


@dataclasses.dataclass(frozen=True, eq=False)
class OpSpec:
    name: str                        # readable, unique with the shapes and dtype
    fun: Callable
    shapes: tuple                    # one shape per argument; None: a Python float
    domain: Any = ANY                # one domain for all arguments, or a list, one each
    dtype: Any = np.float64          # one dtype for all arguments, or a tuple, one each
    covers: tuple = ()               # primitives / composite functions / primitive names
    order: int = 2
    xfail: str = ""                  # a known bug outside the rules, with its reproducer

    def domains(self):
        per_arg = isinstance(self.domain, list)
        return self.domain if per_arg else [self.domain] * len(self.shapes)

    def dtypes(self):
        per_arg = isinstance(self.dtype, tuple)
        return [np.dtype(d) for d in (self.dtype if per_arg else [self.dtype] * len(self.shapes))]

    def sample(self, rng):
        """One argument list: arrays of the given shapes, dtypes and domains
        (a shape ``()`` gives a NumPy scalar, ``None`` a Python float or complex)."""
        args = []
        for shape, dom, dt in zip(self.shapes, self.domains(), self.dtypes()):
            draw = dom if callable(dom) else (lambda r, s, d=dom: r.uniform(d[0], d[1], s))
            x = draw(rng, shape or ())
            if dt.kind == "c":
                x = x + 1j * draw(rng, shape or ())
            x = np.asarray(x).astype(dt)
            args.append(x.item() if shape is None else x[()] if shape == () else x)
        return args

    @property
    def is_real(self):
        return all(d.kind == "f" for d in self.dtypes())

    @property
    def is_float64(self):
        return all(d in (np.float64, np.complex128) for d in self.dtypes())

    def __str__(self):
        names = [d.name for d in self.dtypes()]
        dtypes = "" if set(names) == {"float64"} else \
            "-" + ("-".join(names) if len(set(names)) > 1 else names[0])
        order = "" if self.order == 2 else f"-order{self.order}"
        return f"{self.name}[{','.join(_fmt_shape(s) for s in self.shapes)}]{dtypes}{order}"

    __repr__ = __str__


def spec(fun, *shapes, name=None, domain=ANY, dtype=np.float64, covers=None, order=2,
         xfail=""):
    """An ``OpSpec``; by default it covers ``fun`` itself and is named after it."""
    covers = (fun,) if covers is None else tuple(covers)
    name = name or getattr(covers[0], "__name__", None) or str(covers[0]).rsplit(".", 1)[-1]
    return OpSpec(name, fun, tuple(shapes), domain, dtype, covers, order, xfail)


# -- elementwise --------------------------------------------------------------------------
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

ELEMENTWISE = (
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
CONDITION = np.array([[True, False, True], [False, False, True]])

SELECTION = [
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

# -- reductions ---------------------------------------------------------------------------
AXIS_VARIANTS = [  # (shape, kwargs)
    ((2, 3), {}), ((2, 3), {"axis": 0}), ((2, 3), {"axis": -1, "keepdims": True}),
    ((2, 3, 4), {"axis": (0, 2)}), ((2, 3), {"axis": None, "keepdims": True}), ((), {}),
]


WHERE = np.array([[True, False, True], [False, True, True]])  # a True in each row and column


def _kw(kwargs):
    return ",".join(f"{k}={v}".replace(" ", "") for k, v in kwargs.items())


# composites and the operations they are built from
_PARTS = {wnp.var: (wnp.mean, wnp.sum), wnp.std: (wnp.mean, wnp.sqrt),
          wnp.trace: (wnp.diagonal, wnp.sum)}


def reduction(f, shape, kwargs, **spec_kwargs):
    name = f"{f.__name__}({_kw(kwargs)})"
    return spec(lambda x: f(x, **kwargs), shape, name=name, covers=(f,) + _PARTS.get(f, ()),
                **spec_kwargs)


REDUCTIONS = (
    [reduction(f, s, kw) for f in (wnp.sum, wnp.mean, wnp.max, wnp.min)
     for s, kw in AXIS_VARIANTS]
    + [reduction(wnp.sum, (2, 3), {"axis": 1}, dtype=np.float32),
       reduction(wnp.mean, (2, 3), {}, dtype=np.complex128),
       reduction(wnp.sum, (2, 3), {"axis": 0}, dtype=np.complex128)]
    + [reduction(wnp.cumsum, s, kw) for s, kw in
       [((2, 3), {}), ((2, 3), {"axis": 1}), ((2, 3, 2), {"axis": -2}), ((4,), {"axis": 0})]]
    + [reduction(f, s, kw) for f in (wnp.var, wnp.std) for s, kw in
       [((2, 3), {}), ((2, 3), {"axis": 0}), ((2, 3, 2), {"axis": (0, 2), "keepdims": True}),
        ((4,), {"ddof": 1})]]
    + [reduction(wnp.var, (2, 3), {"axis": 1}, dtype=np.complex128)]
    + [reduction(wnp.trace, s, kw) for s, kw in
       [((3, 3), {}), ((3, 4), {"offset": 1}), ((2, 3, 3), {"axis1": 1, "axis2": 2}),
        ((4, 3), {"offset": -1})]]
    + [reduction(wnp.cumsum, (2, 3), {"axis": 0}, dtype=np.complex128),
       reduction(wnp.trace, (2, 2), {}, dtype=np.complex128),
       reduction(wnp.max, (2, 3), {"axis": 1}, dtype=np.float32)]
    + [spec(lambda x, f=f, kw=kw: f(x, **kw), (2, 3), name=name, covers=[f], **extra)
       for f, kw, name, extra in [
           (wnp.sum, {"axis": 1, "where": WHERE}, "sum(axis=1,where)", {}),
           (wnp.sum, {"where": WHERE[1]}, "sum(where=row)", {}),
           (wnp.mean, {"where": WHERE}, "mean(where)", {}),
           (wnp.mean, {"axis": 1, "where": WHERE[1]}, "mean(axis=1,where=row)", {}),
           (wnp.mean, {"axis": 0, "where": WHERE}, "mean(axis=0,where)", {"dtype": np.float32}),
           (wnp.max, {"axis": 1, "initial": 0.0}, "max(axis=1,initial=0)", {}),
           (wnp.max, {"initial": 5.0}, "max(initial=5)", {}),
           (wnp.max, {"axis": 1, "where": WHERE, "initial": -5.0}, "max(axis=1,where)", {}),
           (wnp.min, {"axis": 0, "where": WHERE, "initial": 5.0}, "min(axis=0,where)", {}),
       ]]
)

# -- shapes, indexing, joining ------------------------------------------------------------
DIAGONAL = [wnp.diagonal, "wengert.numpy.diagonal_adjoint"]
SHAPE_OPS = [
    spec(lambda x: wnp.reshape(x, (3, 2)), (2, 3), name="reshape(3,2)", covers=[wnp.reshape]),
    spec(lambda x: wnp.reshape(x, (-1,)), (2, 3, 2), name="reshape(-1)", covers=[wnp.reshape]),
    spec(lambda x: wnp.reshape(x, (1, 1)), (), name="reshape(1,1)", covers=[wnp.reshape]),
    spec(lambda x: wnp.reshape(x, (3, 2), order="F"), (2, 3), name="reshape(3,2,order=F)",
         covers=[wnp.reshape]),
    spec(lambda x: x.reshape(4, 3, order="F"), (2, 3, 2), name="reshape(4,3,order=F)",
         covers=[wnp.reshape]),
    spec(lambda x: wnp.reshape(x, (6,), "F"), (3, 2), name="reshape(6,F)",
         covers=[wnp.reshape]),
    spec(wnp.ravel, (2, 3)),
    spec(lambda x: wnp.ravel(x, order="F"), (2, 3), name="ravel(order=F)", covers=[wnp.ravel]),
    spec(lambda x: x.flatten("F"), (2, 3), name="flatten(F)", covers=[wnp.ravel]),
    spec(wnp.squeeze, (2, 1, 3, 1)),
    spec(wnp.squeeze, (1,)),
    spec(lambda x: wnp.squeeze(x, axis=1), (2, 1, 3), name="squeeze(axis=1)",
         covers=[wnp.squeeze]),
    spec(lambda x: wnp.squeeze(x, axis=(0, 2)), (1, 3, 1), name="squeeze(axis=(0,2))",
         covers=[wnp.squeeze]),
    spec(lambda x: wnp.expand_dims(x, 1), (2, 3), name="expand_dims(1)",
         covers=[wnp.expand_dims]),
    spec(lambda x: wnp.expand_dims(x, -1), (), name="expand_dims(-1)",
         covers=[wnp.expand_dims]),
    spec(lambda x: wnp.expand_dims(x, (0, 2)), (3,), name="expand_dims((0,2))",
         covers=[wnp.expand_dims]),
    spec(lambda x: wnp.swapaxes(x, 0, 2), (2, 3, 4), name="swapaxes(0,2)",
         covers=[wnp.swapaxes]),
    spec(lambda x: wnp.swapaxes(x, -1, 0), (2, 3), name="swapaxes(-1,0)",
         covers=[wnp.swapaxes]),
    spec(lambda x: wnp.moveaxis(x, 0, -1), (2, 3, 4), name="moveaxis(0,-1)",
         covers=[wnp.moveaxis]),
    spec(lambda x: wnp.moveaxis(x, (0, 1), (2, 0)), (2, 3, 4), name="moveaxis((0,1),(2,0))",
         covers=[wnp.moveaxis]),
    spec(lambda x: wnp.moveaxis(x, -1, 0), (2, 3, 4), dtype=np.complex128,
         name="moveaxis(-1,0)", covers=[wnp.moveaxis]),
    spec(wnp.flip, (2, 3)),
    spec(lambda x: wnp.flip(x, 1), (2, 3), name="flip(1)", covers=[wnp.flip]),
    spec(lambda x: wnp.flip(x, (0, 2)), (2, 3, 2), name="flip((0,2))", covers=[wnp.flip]),
    spec(wnp.transpose, (2, 3, 4)),
    spec(lambda x: wnp.transpose(x, (1, 2, 0)), (2, 3, 4), name="transpose(1,2,0)",
         covers=[wnp.transpose]),
    spec(lambda x: wnp.transpose(x, (-1, 0, 1)), (2, 3, 4), name="transpose(-1,0,1)",
         covers=[wnp.transpose]),
    spec(lambda x: wnp.transpose(x) * 1j, (2, 3), dtype=np.complex128, name="transpose",
         covers=[wnp.transpose]),
    spec(lambda x: x.T, (2, 3), name="T", covers=[wnp.transpose]),
    spec(lambda x: wnp.broadcast_to(x, (2, 3)), (3,), name="broadcast_to(2,3)",
         covers=[wnp.broadcast_to]),
    spec(lambda x: wnp.broadcast_to(x, (2, 2, 3)), (2, 1, 1), name="broadcast_to(2,2,3)",
         covers=[wnp.broadcast_to]),
    spec(lambda x: wnp.broadcast_to(x, (4,)), (), name="broadcast_to(4)",
         covers=[wnp.broadcast_to]),
    spec(wnp.diagonal, (3, 3), covers=DIAGONAL),
    spec(wnp.diagonal, (2, 2, 3), covers=DIAGONAL),
    spec(lambda x: wnp.diagonal(x, 1), (3, 4), name="diagonal(offset=1)", covers=DIAGONAL),
    spec(lambda x: wnp.diagonal(x, -1, 2, 0), (4, 2, 3), name="diagonal(-1,2,0)",
         covers=DIAGONAL),
    spec(lambda x: wnp.diagonal(x, 1, 1, 0), (3, 4), name="diagonal(1,1,0)", covers=DIAGONAL),
]

INDEX = "wengert.numpy.getitem", "wengert.numpy.untake"
INDEXING = [
    spec(lambda x, i=i: x[i], shape, name=f"getitem[{label}]", covers=INDEX)
    for label, shape, i in [
        ("1", (3, 4), 1),
        ("-1,2", (3, 4), (-1, 2)),
        (":,1:3", (3, 4), (slice(None), slice(1, 3))),
        ("::-1", (4,), slice(None, None, -1)),
        ("...,None", (2, 3), (Ellipsis, None)),
        ("[0,0,2]", (3, 4), [0, 0, 2]),                       # repeated: cotangents add
        ("[[0,1],[1,1]]", (3,), np.array([[0, 1], [1, 1]])),
        (":,[2,0,2]", (3, 4), (slice(None), [2, 0, 2])),
        ("mask", (2, 3), CONDITION),
        ("1,[0,2]", (2, 3, 4), (1, slice(None), [0, 2])),
        ("()", (), ()),
        ("...", (2, 3), Ellipsis),
        ("-1", (4,), -1),
        ("[-1,0,-1]", (4,), [-1, 0, -1]),
        ("[[0,1]],[[2],[0]]", (3, 4), (np.array([[0, 1]]), np.array([[2], [0]]))),
    ]
] + [
    spec(lambda x: x[1:], (4,), name="getitem[1:]", dtype=np.complex128, covers=INDEX),
    spec(lambda x: x[[0, 0, 1]], (3,), name="getitem[[0,0,1]]", dtype=np.float32,
         covers=INDEX),
    spec(lambda x: wnp.sum(x[0] * x[1]) * x[0], (2, 3), name="getitem(fan-out)",
         covers=INDEX + (wnp.sum, wnp.multiply)),
    spec(lambda x: wnp.take(x, [2, 0, 2]), (2, 3), name="take", covers=(wnp.take,) + INDEX),
    spec(lambda x: wnp.take(x, [[1], [0]], axis=-1), (2, 3), name="take(axis=-1)",
         covers=(wnp.take,) + INDEX),
    spec(lambda x: wnp.repeat(x, 2), (2, 2), name="repeat", covers=(wnp.repeat,) + INDEX),
    spec(lambda x: wnp.repeat(x, [1, 3], axis=0), (2, 3), name="repeat([1,3],axis=0)",
         covers=(wnp.repeat,) + INDEX),
    spec(lambda x: x.take([1, 1]) * x.repeat(2, axis=1)[:, :2], (2, 3),
         name="take/repeat methods", covers=(wnp.take, wnp.repeat) + INDEX),
]


_pair_checkpointed = wengert.checkpoint(lambda x: (wnp.sin(x), wnp.cos(x)))


def _checkpointed_product(x):
    s, c = _pair_checkpointed(x)     # a traced tuple, indexed by sequence_item
    return s * c


def _checkpointed_last(x):
    return _pair_checkpointed(x)[-1] * 2.0

_layer_checkpointed = wengert.checkpoint(lambda w, x: wnp.tanh(w * x))

JOINING = [
    spec(lambda x, y: wnp.concatenate([x, y]), (2, 3), (1, 3), name="concatenate",
         covers=[wnp.concatenate, "numpy.concatenate"]),
    spec(lambda x, y, z: wnp.concatenate([x, y, z], axis=-1), (2, 1), (2, 3), (2, 2),
         name="concatenate(axis=-1)", covers=[wnp.concatenate, "numpy.concatenate"]),
    spec(lambda x, y: wnp.concatenate([x, y], axis=None), (2, 2), (3,),
         name="concatenate(axis=None)",
         covers=[wnp.concatenate, "numpy.concatenate", wnp.ravel]),
    spec(lambda x: wnp.concatenate([x, np.ones((1, 3)), x]), (2, 3),
         name="concatenate(const,twice)", covers=[wnp.concatenate, "numpy.concatenate"]),
    spec(lambda x, y: wnp.stack([x, y]), (2, 3), (2, 3), name="stack",
         covers=[wnp.stack, "numpy.concatenate", wnp.expand_dims]),
    spec(lambda x, y: wnp.stack([x, y], axis=-1), (3,), (3,), name="stack(axis=-1)",
         covers=[wnp.stack, "numpy.concatenate", wnp.expand_dims]),
    spec(lambda x, y: wnp.hstack([x, y]), (3,), (2,), name="hstack",
         covers=[wnp.hstack, wnp.atleast_1d, "numpy.concatenate"]),
    spec(lambda x, y: wnp.hstack([x, y]), (2, 1), (2, 3), name="hstack",
         covers=[wnp.hstack, "numpy.concatenate"]),
    spec(lambda x, y: wnp.hstack([x, y]), (), (), name="hstack",
         covers=[wnp.hstack, wnp.atleast_1d, wnp.reshape]),
    spec(lambda x, y: wnp.vstack([x, y]), (3,), (2, 3), name="vstack",
         covers=[wnp.vstack, wnp.atleast_2d, "numpy.concatenate"]),
    spec(lambda x: wnp.atleast_1d(x), (), name="atleast_1d", covers=[wnp.atleast_1d]),
    spec(lambda x, y: wnp.vstack([x, y]), (), (1,), name="vstack",
         covers=[wnp.vstack, wnp.atleast_2d, "numpy.concatenate"]),
    spec(lambda x, y: wnp.hstack([x, y]), (2,), (), name="hstack",
         covers=[wnp.hstack, wnp.atleast_1d, "numpy.concatenate"]),
    spec(lambda x: wnp.array([x, np.ones(3), 2 * x]), (3,), name="array(rows)",
         covers=[wnp.array, wnp.stack]),
    spec(lambda x, y: wnp.atleast_2d(x, y)[0] * wnp.atleast_2d(x, y)[1], (), (3,),
         name="atleast_2d", covers=[wnp.atleast_2d, wnp.reshape]),
    spec(_checkpointed_product, (3,),
         name="checkpoint(tuple)",
         covers=["wengert.checkpoint", "wengert.numpy.sequence_item"]),
    spec(_checkpointed_last, (3,), name="checkpoint(tuple)[-1]",
         covers=["wengert.checkpoint", "wengert.numpy.sequence_item"]),
    spec(lambda x, y: wnp.concatenate([x, y], axis=1), (2, 1), (2, 2), dtype=np.complex128,
         name="concatenate(axis=1)", covers=[wnp.concatenate, "numpy.concatenate"]),
    spec(lambda x, y: wnp.concatenate([x, y]), (2,), (3,), dtype=(np.float32, np.float64),
         name="concatenate", covers=[wnp.concatenate, "numpy.concatenate"]),
    spec(_layer_checkpointed, (3,), (2, 3), name="checkpoint",
         covers=["wengert.checkpoint"]),
]

# -- linear algebra -----------------------------------------------------------------------
WELL = well_conditioned

PRODUCTS = (
    [spec(wnp.dot, a, b, order=3) for a, b in
     [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 2)),
      ((2, 3), (2, 3, 2)), ((), (2, 3)), ((2, 3), ())]]
    + [spec(wnp.dot, (2, 3), (3, 2), dtype=np.complex128, order=3),
       spec(wnp.dot, (2, 3), (3,), dtype=np.float32)]
    + [spec(wnp.matmul, a, b, order=3) for a, b in
       [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 2)),
        ((2, 1, 2, 3), (3, 3, 2)), ((3,), (2, 3, 2)), ((2, 2, 3), (3,))]]
    + [spec(wnp.matmul, (2, 3), (3, 2), dtype=np.complex128, order=3),
       spec(wnp.matmul, (2, 3), (3, 4), dtype=np.float32),
       spec(lambda a, b: a @ b, (2, 3), (3,), name="@", covers=[wnp.matmul], order=3)]
    + [spec(lambda a, b, ax=ax: wnp.tensordot(a, b, ax), sa, sb, order=3,
            name=f"tensordot({ax})".replace(" ", ""), covers=[wnp.tensordot])
       for ax, sa, sb in [
           (2, (2, 3, 4), (3, 4, 2)), (1, (2, 3), (3, 4)), (0, (2,), (3,)),
           (([0, 2], [1, 0]), (2, 3, 4), (4, 2)),
           (([1, 0], [0, 1]), (2, 3), (3, 2)),     # contracted axes in swapped order
           (([0, 1], [1, 0]), (2, 3), (3, 2)),
           (([2, 0], [1, 2]), (2, 3, 4), (3, 4, 2)),
           (([1], [2]), (2, 3), (4, 2, 3)), ((-1, 0), (2, 3), (3, 2))]]
    + [spec(wnp.outer, (3,), (2,), covers=[wnp.outer, wnp.multiply, wnp.reshape]),
       spec(wnp.outer, (2, 2), (3,), covers=[wnp.outer, wnp.multiply, wnp.reshape]),
       spec(wnp.inner, (3,), (3,), covers=[wnp.inner, wnp.tensordot]),
       spec(wnp.inner, (2, 3), (4, 3), covers=[wnp.inner, wnp.tensordot]),
       spec(wnp.inner, (), (2,), covers=[wnp.inner, wnp.multiply]),
       spec(wnp.vdot, (2, 3), (2, 3), covers=[wnp.vdot, wnp.conjugate, wnp.sum]),
       spec(wnp.vdot, (3,), (3,), dtype=np.complex128,
            covers=[wnp.vdot, wnp.conjugate, wnp.sum]),
       spec(wnp.dot, (3,), (2, 3, 2), order=3),
       spec(wnp.inner, (2, 3), (2, 2, 3), covers=[wnp.inner, wnp.tensordot]),
       spec(lambda a, b: wnp.tensordot(a, b, 0), (2, 2), (2,), name="tensordot(0)",
            covers=[wnp.tensordot], order=3),
       spec(lambda a, b: wnp.tensordot(a, b, ([1, 0], [0, 1])), (2, 3), (3, 2),
            dtype=np.complex128, name="tensordot(([1,0],[0,1]))", covers=[wnp.tensordot])]
)

LINALG = [
    spec(wla.inv, (3, 3), domain=WELL),
    spec(wla.inv, (2, 3, 3), domain=WELL),
    spec(wla.inv, (2, 2), domain=WELL, dtype=np.complex128),
    spec(wla.det, (3, 3), domain=WELL),
    spec(wla.det, (2, 3, 3), domain=WELL),
    spec(wla.det, (1, 1), domain=WELL),
    spec(wla.det, (2, 2, 2), domain=WELL, dtype=np.complex128),
    spec(wla.solve, (3, 3), (3,), domain=[WELL, ANY]),
    spec(wla.solve, (3, 3), (3, 2), domain=[WELL, ANY]),
    spec(wla.solve, (2, 3, 3), (2, 3, 2), domain=[WELL, ANY]),
    spec(wla.solve, (3, 3), (2, 3, 1), domain=[WELL, ANY]),
    # a b with fewer dimensions than a batch of matrices: NumPy 2 semantics only
    *([spec(wla.solve, (2, 3, 3), (3, 2), domain=[WELL, ANY]),
       spec(wla.solve, (2, 3, 3), (3,), domain=[WELL, ANY])] if NUMPY2 else []),
    spec(wla.solve, (2, 2), (2,), domain=[WELL, ANY], dtype=np.complex128),
    spec(lambda a: wla.matrix_power(a, 3), (3, 3), name="matrix_power(3)",
         covers=[wla.matrix_power, wnp.matmul]),
    spec(lambda a: wla.matrix_power(a, 0), (2, 2), name="matrix_power(0)",
         covers=[wla.matrix_power]),
    spec(lambda a: wla.matrix_power(a, -2), (3, 3), domain=WELL, name="matrix_power(-2)",
         covers=[wla.matrix_power, wla.inv, wnp.matmul]),
    spec(lambda a: wla.matrix_power(a, 5), (2, 2, 2), domain=UNIT, name="matrix_power(5)",
         covers=[wla.matrix_power, wnp.matmul]),
    spec(lambda a, b, c: wla.multi_dot([a, b, c]), (2, 3), (3, 4), (4,), name="multi_dot",
         covers=[wla.multi_dot, wnp.dot]),
    spec(lambda a, b: wla.multi_dot([a, b, a]), (3,), (3, 3), name="multi_dot",
         dtype=np.complex128, covers=[wla.multi_dot, wnp.dot]),
    spec(lambda a: wla.matrix_power(a, 1), (2, 2), name="matrix_power(1)",
         covers=[wla.matrix_power]),
]


def norm(shape, ord=None, axis=None, keepdims=False, **spec_kwargs):
    kwargs = {k: v for k, v in (("ord", ord), ("axis", axis), ("keepdims", keepdims))
              if v is not None and v is not False}
    return spec(lambda x: wla.norm(x, ord, axis, keepdims), shape, name=f"norm({_kw(kwargs)})",
                covers=[wla.norm, wnp.absolute], **spec_kwargs)


NORMS = [
    norm((3,)), norm((2, 3)), norm((2, 3, 2)), norm((2, 3), "fro"), norm((2, 3), 2, axis=1),
    norm((2, 3), axis=0, keepdims=True), norm((2, 3, 2), axis=(0, 2)),
    norm((4,), 1, domain=NONZERO), norm((2, 3), 1, axis=-1, domain=NONZERO),
    norm((4,), np.inf, domain=NONZERO), norm((3, 2), -np.inf, axis=0, domain=NONZERO),
    norm((4,), 3, domain=NONZERO), norm((3,), 0.5, domain=NONZERO),
    norm((3,), domain=NONZERO, dtype=np.complex128), norm((3,), dtype=np.float32),
]

# plain NumPy functions, operators and ndarray methods applied to traced arrays are
# routed to wengert.numpy's (__array_ufunc__, __array_function__, ArrayBox methods)
POS_NO_TIES = bands((0.3, 0.45), (0.55, 0.9), (1.1, 1.5))   # away from the 0.5 and 1.0 below
DISPATCH = [
    spec(lambda x: np.sum(np.exp(x) * np.sin(x), axis=0) + np.mean(np.log(x)), (2, 3),
         domain=POS, name="np.sum(np.exp*np.sin)+np.mean(np.log)",
         covers=[wnp.sum, wnp.exp, wnp.sin, wnp.mean, wnp.log, wnp.multiply, wnp.add]),
    spec(lambda x: np.where(x > 0.5, x, x ** 2) + np.clip(x, 0.5, 1.0) + np.maximum(x, 1.0),
         (2, 3), domain=POS_NO_TIES, name="np.where+np.clip+np.maximum",
         covers=["numpy.where", "numpy.clip", wnp.maximum]),
    spec(lambda x, y: np.concatenate([x, y]) @ np.stack([y[0], x[1], y[1]], axis=1), (2, 3),
         (2, 3), name="np.concatenate@np.stack",
         covers=[wnp.concatenate, wnp.stack, wnp.matmul, "wengert.numpy.getitem"]),
    spec(lambda x: np.linalg.norm(x, axis=1) + np.var(x, axis=1) + np.trace(np.dot(x, x.T)),
         (2, 3), name="np.linalg.norm+np.var+np.trace(np.dot)",
         covers=[wla.norm, wnp.var, wnp.trace, wnp.dot, wnp.transpose]),
    spec(lambda a, b: np.linalg.solve(a, b) + np.linalg.inv(a) @ b * np.linalg.det(a), (3, 3),
         (3,), domain=[WELL, ANY], name="np.linalg.solve+inv+det",
         covers=[wla.solve, wla.inv, wla.det]),
    spec(lambda x: abs(-x) ** 2 + 2 ** x - 1 / x + x % 0.27 + (3 - x) * (+x), (2, 3),
         domain=(0.3, 0.5), name="operators",
         covers=[wnp.absolute, wnp.negative, wnp.power, wnp.divide, wnp.mod, wnp.subtract]),
    spec(lambda x: (x.sum(axis=0) * x.mean() + x.max(axis=1).sum() + x.min() + x.var()
                    + x.std() + x.cumsum()[-1] + x.T.dot(x).trace() + x.conj().real.sum()
                    + x.flatten()[1] + x.reshape(3, 2)[0, 0] + x.transpose(1, 0)[0, 1]
                    + x.swapaxes(0, 1)[2, 0] + x[None].squeeze()[0, 0]
                    + x.clip(0.4, 1.0).sum() + x.diagonal().sum()), (2, 3),
         domain=POS_NO_TIES, name="ndarray methods",
         covers=[wnp.sum, wnp.mean, wnp.max, wnp.min, wnp.var, wnp.std, wnp.cumsum, wnp.dot,
                 wnp.trace, wnp.conjugate, wnp.real, wnp.ravel, wnp.reshape, wnp.transpose,
                 wnp.swapaxes, wnp.squeeze, "numpy.clip", wnp.diagonal]),
]

# Third derivatives through indexing and diagonals, whose adjoints write the
# cotangent into a NumPy array (so nested boxes must never reach them).
ORDER3_NESTED = [
    spec(lambda x: x[1] ** 4, (3,), name="getitem[1]**4", covers=INDEX + (wnp.power,),
         order=3),
    spec(lambda x: wnp.diagonal(x) ** 4, (2, 2), name="diagonal**4",
         covers=[wnp.diagonal, wnp.power], order=3),
]

# A real intermediate (|z|) meeting a complex operand: its cotangent must be real, or
# the imaginary part leaks through |z|'s rule into z's cotangent.
REAL_MEETS_COMPLEX = [
    spec(lambda z, w, f=f: f(wnp.absolute(z), w), (3,), shape, dtype=np.complex128,
         domain=NONZERO, name=f"{name}(|z|,w)", covers=[wnp.absolute] + covers)
    for f, shape, name, covers in [
        (wnp.dot, (3, 2), "dot", [wnp.dot]),
        (lambda a, b: wnp.tensordot(a, b, 1), (3,), "tensordot", [wnp.tensordot]),
        (wnp.inner, (3,), "inner", [wnp.inner, wnp.tensordot]),
        (wnp.matmul, (3, 2), "matmul", [wnp.matmul]),
        (lambda a, b: wnp.concatenate([a, b]), (2,), "concatenate", [wnp.concatenate]),
        (lambda a, b: wnp.stack([a, b]), (3,), "stack", [wnp.stack]),
        (lambda a, b: wnp.where(CONDITION[0], a, b), (3,), "where", ["numpy.where"]),
        (lambda a, b: wla.solve(a[:, None] * np.eye(3) + 3 * np.eye(3), b), (3,),
         "solve", [wla.solve]),
        (lambda a, b: a * b, (2, 3), "multiply", [wnp.multiply]),
    ]
]

# primitives defined outside wengert.numpy
OTHERS = [spec(wengert.tour.sigmoid, (2, 3)), spec(wengert.tour.sigmoid, ())]

# Areas of the NumPy/SciPy surface, one module each (they import the helpers above).
from .decomp import SPECS as DECOMP  # noqa: E402
from .linalg_api import SPECS as LINALG_API  # noqa: E402
from .linalg_fft import SPECS as LINALG_FFT  # noqa: E402
from .misc import SPECS as MISC  # noqa: E402
from .numpy_more import SPECS as NUMPY_MORE  # noqa: E402
from .scipy import SPECS as SCIPY  # noqa: E402
from .shape_more import SPECS as SHAPE_MORE  # noqa: E402
from .inplace import SPECS as INPLACE  # noqa: E402
from .sets import SPECS as SETS  # noqa: E402
from .singular import SPECS as SINGULAR  # noqa: E402
from .autograd_surface import SPECS as AUTOGRAD_SURFACE  # noqa: E402

OP_SPECS = (ELEMENTWISE + SELECTION + CASTS + REDUCTIONS + SHAPE_OPS + INDEXING + JOINING
            + PRODUCTS + LINALG + NORMS + DISPATCH + REAL_MEETS_COMPLEX + ORDER3_NESTED
            + OTHERS + NUMPY_MORE + SHAPE_MORE + LINALG_FFT + DECOMP + SCIPY + MISC + INPLACE
            + SETS + SINGULAR + LINALG_API + AUTOGRAD_SURFACE)
