"""Op specs for NumPy 2's array-API names in ``numpy.linalg`` (see
``_table.py`` for the spec format)."""
import numpy as np

import wengert.numpy as wnp
import wengert.numpy.linalg as wla
from ._table import NONZERO, kw_label, spec

C128 = np.complex128


def linalg(f, *shapes, kwargs=None, **spec_kwargs):
    """A spec of ``wengert.numpy.linalg.f(*arrays, **kwargs)``, named ``linalg.f(kwargs)``."""
    kwargs = kwargs or {}
    return spec(lambda *xs: f(*xs, **kwargs), *shapes,
                name=f"linalg.{f.__name__}({kw_label(kwargs)})", covers=[f], **spec_kwargs)


SPECS = [
    # vector norms over every axis (a matrix too), one axis, or several axes at once
    linalg(wla.vector_norm, (3,)),
    linalg(wla.vector_norm, (2, 3)),
    linalg(wla.vector_norm, (), domain=NONZERO),
    linalg(wla.vector_norm, (2, 3, 2), kwargs={"axis": (0, 2), "keepdims": True}),
    linalg(wla.vector_norm, (2, 3, 2), kwargs={"axis": (-1, 0)}),
    linalg(wla.vector_norm, (2, 3), kwargs={"axis": -1, "ord": 1}, domain=NONZERO),
    linalg(wla.vector_norm, (2, 3), kwargs={"axis": 0, "keepdims": True, "ord": np.inf},
           domain=NONZERO),
    linalg(wla.vector_norm, (4,), kwargs={"ord": -np.inf}, domain=NONZERO),
    linalg(wla.vector_norm, (2, 3), kwargs={"ord": 3}, domain=NONZERO),
    linalg(wla.vector_norm, (3,), kwargs={"ord": 0.5}, domain=NONZERO),
    linalg(wla.vector_norm, (3,), kwargs={"ord": -1}, domain=NONZERO),
    linalg(wla.vector_norm, (2, 3), kwargs={"axis": 1}, domain=NONZERO, dtype=C128),
    linalg(wla.vector_norm, (3,), dtype=np.float32),
    # matrix norms of matrices and stacks (random matrices: distinct singular values, no
    # ties between the column or row sums)
    linalg(wla.matrix_norm, (2, 3)),
    linalg(wla.matrix_norm, (2, 3, 3), kwargs={"keepdims": True}),
    linalg(wla.matrix_norm, (3, 2), kwargs={"ord": "nuc"}),
    linalg(wla.matrix_norm, (2, 2, 3), kwargs={"ord": 2}),
    linalg(wla.matrix_norm, (3, 3), kwargs={"ord": -2}),
    linalg(wla.matrix_norm, (2, 3, 2), kwargs={"ord": 1, "keepdims": True}, domain=NONZERO),
    linalg(wla.matrix_norm, (3, 2), kwargs={"ord": -1}, domain=NONZERO),
    linalg(wla.matrix_norm, (2, 3), kwargs={"ord": np.inf}, domain=NONZERO),
    linalg(wla.matrix_norm, (2, 2, 3), kwargs={"ord": -np.inf}, domain=NONZERO),
    linalg(wla.matrix_norm, (2, 3), domain=NONZERO, dtype=C128),
    # products
    linalg(wla.vecdot, (2, 3), (3,)),
    linalg(wla.vecdot, (3, 2), (3, 1), kwargs={"axis": 0}),
    linalg(wla.vecdot, (2, 3), (2, 3), dtype=C128),
    linalg(wla.outer, (3,), (2,)),
    linalg(wla.outer, (2,), (3,), dtype=C128),
    linalg(wla.cross, (3,), (3,)),
    linalg(wla.cross, (2, 3), (3,)),
    linalg(wla.cross, (3, 2), (3, 1), kwargs={"axis": 0}),
    linalg(wla.cross, (3,), (2, 3), dtype=C128),
    linalg(wla.matmul, (2, 3), (3,)),
    linalg(wla.matmul, (2, 2, 3), (3, 2)),
    linalg(wla.matmul, (2, 3), (3, 2), dtype=C128),
    # a real and a complex operand: the real one's cotangent is real at every order
    *[spec(f, sa, sb, dtype=dt, covers=[f]) for f in (wnp.matmul, wnp.dot)
      for sa, sb in [((2, 3), (3, 4)), ((3,), (3,)), ((2, 3), (3,))]
      for dt in [(np.float64, C128), (C128, np.float64)]],
    linalg(wla.tensordot, (2, 3, 4), (3, 4, 2)),
    linalg(wla.tensordot, (2, 3), (3, 4), kwargs={"axes": 1}),
    linalg(wla.tensordot, (2, 3), (4, 2), kwargs={"axes": ([0], [1])}),
    # the last two axes of (stacks of) matrices
    linalg(wla.matrix_transpose, (2, 3, 4)),
    linalg(wla.matrix_transpose, (2, 3), dtype=C128),
    linalg(wla.trace, (3, 3)),
    linalg(wla.trace, (2, 3, 4), kwargs={"offset": 1}),
    linalg(wla.trace, (2, 4, 3), kwargs={"offset": -1, "dtype": C128}),
    # ... which sums with dtype=: the cotangent returns to the input's space (so for the
    # other reductions with dtype=)
    *[spec(lambda x, f=f, kw=kw: f(x, dtype=C128, **kw) * (1 + 2j), (2, 3), covers=[f],
           name=f"{f.__name__}(dtype=complex128{''.join(f',{k}={v}' for k, v in kw.items())})")
      for f, kw in [(wnp.sum, {}), (wnp.mean, {"axis": 1}), (wnp.cumsum, {"axis": 1}),
                    (wnp.cumsum, {}), (wnp.prod, {"axis": 1}), (wnp.cumprod, {"axis": 1})]],
    spec(lambda x: wnp.sum(x, dtype=np.float64), (2, 3), dtype=np.float32,
         name="sum(dtype=float64)", covers=[wnp.sum]),
    linalg(wla.diagonal, (3, 3)),
    linalg(wla.diagonal, (2, 3, 4), kwargs={"offset": -1}),
    linalg(wla.diagonal, (2, 3), kwargs={"offset": 1}, dtype=C128),
    # singular values (random matrices: distinct)
    linalg(wla.svdvals, (3, 2)),
    linalg(wla.svdvals, (2, 3, 3)),
    linalg(wla.svdvals, (2, 3), dtype=C128),
]
