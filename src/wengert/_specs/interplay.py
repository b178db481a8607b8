"""Op specs where operations meet (see ``_table.py`` for the spec format): plain NumPy
functions, operators and ndarray methods applied to traced arrays, and real
intermediates meeting complex operands."""
import numpy as np

import wengert.numpy as wnp
import wengert.numpy.linalg as wla
from ._table import ANY, CONDITION, NONZERO, POS, bands, spec, well_conditioned

WELL = well_conditioned

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
