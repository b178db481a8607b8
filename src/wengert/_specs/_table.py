"""The spec record and what every spec module shares: ``OpSpec``, ``spec``,
``cover_name``, the input domains (sampling intervals and samplers) and a few
constants several areas use.

A spec is a function to check (a small lambda fixing the non-differentiable
arguments: axes, indices, shapes), the shapes of its differentiable arguments
(broadcasting and scalars included), where to sample them, their dtype, and
which library primitives and public composite functions it exercises.

The spec modules of this package import from here, never from the package
itself (whose ``__init__`` imports them): the package has no import cycle.
"""
import dataclasses
from typing import Any, Callable

import numpy as np

import wengert.numpy as wnp
from wengert._core import get_primitive

NUMPY2 = int(np.__version__.split(".")[0]) >= 2

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


def kw_label(kwargs):
    """``{"axis": 1, "keepdims": True}`` -> ``"axis=1,keepdims=True"`` (for spec names)."""
    return ",".join(f"{k}={v}".replace(" ", "") for k, v in kwargs.items())


# -- constants several areas share --------------------------------------------------------
INDEX = "wengert.numpy.getitem", "wengert.numpy.untake"    # indexing and its adjoint
CONDITION = np.array([[True, False, True], [False, False, True]])

MASK = np.array([[True, False, True], [True, True, False]])     # NaNs where False
NAN_ROW = np.array([[False, False, False], [True, False, True]])  # an all-NaN column


def nans(x, mask=MASK):
    """``x`` with NaN where ``mask`` is False (for the NaN-ignoring functions)."""
    return wnp.where(mask, x, np.nan)
