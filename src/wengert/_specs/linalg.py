"""Op specs of linear algebra (see ``_table.py`` for the spec format): inv, det, solve,
matrix_power, multi_dot and norm.  (Products are in ``products.py``, decompositions
and the norms computed from them in ``decomp.py``, NumPy 2's array-API names in
``linalg_api.py``.)"""
import numpy as np

import wengert.numpy as wnp
import wengert.numpy.linalg as wla
from ._table import ANY, NONZERO, NUMPY2, UNIT, kw_label, spec, well_conditioned

WELL = well_conditioned

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
    return spec(lambda x: wla.norm(x, ord, axis, keepdims), shape, name=f"norm({kw_label(kwargs)})",
                covers=[wla.norm, wnp.absolute], **spec_kwargs)


NORMS = [
    norm((3,)), norm((2, 3)), norm((2, 3, 2)), norm((2, 3), "fro"), norm((2, 3), 2, axis=1),
    norm((2, 3), axis=0, keepdims=True), norm((2, 3, 2), axis=(0, 2)),
    norm((4,), 1, domain=NONZERO), norm((2, 3), 1, axis=-1, domain=NONZERO),
    norm((4,), np.inf, domain=NONZERO), norm((3, 2), -np.inf, axis=0, domain=NONZERO),
    norm((4,), 3, domain=NONZERO), norm((3,), 0.5, domain=NONZERO),
    norm((3,), domain=NONZERO, dtype=np.complex128), norm((3,), dtype=np.float32),
]
