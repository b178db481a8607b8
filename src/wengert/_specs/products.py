"""Op specs of products (see ``_table.py`` for the spec format): dot, matmul,
tensordot, outer, inner and vdot, by hand and in every dimension combination (0-d to
3-d); einsum, kron and cross."""
import numpy as np

import wengert.numpy as wnp
from ._table import spec

C128 = np.complex128

# -- dot, matmul, tensordot, outer, inner, vdot -------------------------------------------
DOT_PRODUCTS = (
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

# -- einsum -------------------------------------------------------------------------------
EINSUM = [wnp.einsum, "numpy.einsum"]


def einsum(subscripts, *shapes, order=2, dtype=np.float64, **kwargs):
    """A spec of ``einsum(subscripts, *operands, **kwargs)``."""
    kw = "".join(f",{k}={v}" for k, v in kwargs.items())
    return spec(lambda *ops: wnp.einsum(subscripts, *ops, **kwargs), *shapes, order=order,
                dtype=dtype, name=f"einsum({subscripts!r}{kw})", covers=EINSUM)


EINSUMS = [
    einsum("ij,jk", (2, 3), (3, 2), order=3),                   # implicit output
    einsum("ij,jk->ik", (2, 3), (3, 4)),
    einsum("ij,jk->ki", (2, 3), (3, 2), dtype=np.float32),
    einsum("ba", (2, 3)),                                       # implicit: a transpose
    einsum("ij->", (2, 3)),
    einsum("ij->j", (3, 2)),
    einsum("i,j", (2,), (3,), order=3),                         # outer
    einsum("ij,ij->", (2, 3), (2, 3), order=3),
    # repeated letters within an operand: the cotangent lives on a diagonal
    einsum("ii->i", (3, 3), order=3),
    einsum("ii", (3, 3)),                                       # trace
    einsum("iij->j", (2, 2, 3)),
    einsum("iii->i", (2, 2, 2)),
    einsum("ii,ij->j", (2, 2), (2, 3), order=3),
    # a letter summed out of one operand only: its cotangent is constant along it
    einsum("ij,i->i", (2, 3), (2,)),
    einsum("ijk,k->", (2, 2, 3), (3,)),
    # ellipses, with broadcasting between them and of length-1 axes
    einsum("...ij,...jk->...ik", (2, 1, 2, 3), (3, 3, 2), order=3),
    einsum("...,...", (3,), (2, 1)),
    einsum("i...->...", (2, 3)),
    einsum("ij,j", (2, 3), (1,)),
    einsum("ij,i->j", (1, 3), (2,)),
    # any number of operands, and optimize=
    einsum("ijk,kl,lm->im", (2, 2, 3), (3, 2), (2, 2)),
    einsum("ij,jk,kl->il", (2, 3), (3, 3), (3, 2), optimize=True),
    einsum("ij,jk,k->i", (2, 3), (3, 2), (2,), optimize="greedy", order=3),
    einsum("bij,bjk", (2, 2, 3), (2, 3, 2), dtype=C128, order=3),
    einsum("ii->i", (2, 2), dtype=C128),
    einsum("ij,jk", (2, 3), (3, 2), dtype=(np.float64, C128)),  # a real operand, complex product
    spec(lambda a, b: wnp.einsum(a, [0, 1], b, [1, 2], [2, 0]), (2, 3), (3, 2),
         name="einsum(sublists)", covers=EINSUM),
    spec(lambda a, b: np.einsum("ij,j->i", a, b) + np.einsum("ii", a[:, :2]), (2, 3), (3,),
         name="np.einsum", covers=EINSUM),
]

# -- kron, cross ----------------------------------------------------------------------------
KRON = [wnp.kron, wnp.multiply, wnp.reshape]
CROSS = [wnp.cross, wnp.multiply, "wengert.numpy.getitem"]

KRONS = [
    spec(wnp.kron, (2,), (3,), covers=KRON, order=3),
    spec(wnp.kron, (2, 2), (2, 3), covers=KRON),
    spec(wnp.kron, (), (2, 2), covers=KRON),
    spec(wnp.kron, (2, 1, 2), (2, 2), covers=KRON),
    spec(wnp.kron, (2,), (2, 2), dtype=C128, covers=KRON),
    spec(lambda a, b: np.kron(a, b), (2,), (2,), name="np.kron", covers=KRON),
]


def cross(sa, sb, order=2, dtype=np.float64, **kwargs):
    kw = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return spec(lambda a, b: wnp.cross(a, b, **kwargs), sa, sb, order=order, dtype=dtype,
                name=f"cross({kw})", covers=CROSS)


CROSSES = [
    cross((3,), (3,), order=3),
    cross((2, 3), (3,)),
    cross((2,), (3,)),                 # a 2-vector has a zero z component
    cross((3,), (2,)),
    cross((2,), (2,)),                 # two 2-vectors: the z component alone
    cross((3, 2), (3, 2), axis=0),
    cross((3, 2), (2, 3), axisa=0, axisc=0),
    cross((2, 4, 3), (3,), axisc=1),
    cross((3, 2), (2, 2), axisa=0),
    cross((2, 3), (3,), dtype=C128),
    spec(lambda a, b: np.cross(a, b), (3,), (3,), name="np.cross", covers=CROSS),
]

# -- dot & co. in every dimension combination (0-d to 3-d) -----------------------------
# shapes by number of dimensions; a's last axis (3) meets b's contracted axis
A_SHAPES = {0: (), 1: (3,), 2: (2, 3), 3: (2, 2, 3)}
B_DOT = {0: (), 1: (3,), 2: (3, 2), 3: (2, 3, 2)}        # dot contracts b's second-to-last
B_INNER = {0: (), 1: (3,), 2: (2, 3), 3: (2, 1, 3)}     # inner contracts b's last
B_FIRST = {1: (3,), 2: (3, 2), 3: (3, 1, 2)}            # tensordot(a, b, 1) b's first
DIMS = [(i, j) for i in range(4) for j in range(4)]

PRODUCTS_ND = (
    [spec(wnp.dot, A_SHAPES[i], B_DOT[j], name=f"dot{i}d{j}d", covers=[wnp.dot], order=3)
     for i, j in DIMS]
    + [spec(wnp.inner, A_SHAPES[i], B_INNER[j], name=f"inner{i}d{j}d",
            covers=[wnp.inner, wnp.tensordot if i and j else wnp.multiply], order=3)
       for i, j in DIMS]
    + [spec(wnp.outer, A_SHAPES[i], B_INNER[j], name=f"outer{i}d{j}d",
            covers=[wnp.outer, wnp.multiply, wnp.reshape], order=3)
       for i, j in DIMS if i + j in (0, 3, 5)]
    + [spec(lambda a, b: wnp.tensordot(a, b, 0), A_SHAPES[i], B_INNER[j], order=3,
            name=f"tensordot0:{i}d{j}d", covers=[wnp.tensordot]) for i, j in DIMS if i + j <= 3]
    + [spec(lambda a, b: wnp.tensordot(a, b, 1), A_SHAPES[i], B_FIRST[j], order=3,
            name=f"tensordot1:{i}d{j}d", covers=[wnp.tensordot])
       for i, j in DIMS if i and j and (i, j) != (3, 3)]
    + [spec(wnp.vdot, A_SHAPES[i], B_DOT[j], name=f"vdot{i}d{j}d",
            covers=[wnp.vdot, wnp.conjugate, wnp.sum], order=3)
       for i, j in [(1, 1), (2, 2), (3, 3), (2, 1)] if np.prod(A_SHAPES[i]) == np.prod(B_DOT[j])]
    + [spec(wnp.vdot, (2, 3), (6,), dtype=C128, name="vdot2d1d",
            covers=[wnp.vdot, wnp.conjugate, wnp.sum])]
    # matmul: 1-d to 3-d, batch axes broadcast
    + [spec(wnp.matmul, sa, sb, name=f"matmul{len(sa)}d{len(sb)}d", covers=[wnp.matmul], order=3)
       for sa, sb in [((3,), (3,)), ((3,), (3, 2)), ((3,), (2, 3, 2)), ((2, 3), (3,)),
                      ((2, 3), (3, 2)), ((2, 3), (2, 3, 2)), ((2, 2, 3), (3,)),
                      ((2, 2, 3), (3, 2)), ((2, 2, 3), (2, 3, 2)), ((1, 2, 3), (2, 3, 2)),
                      ((2, 2, 3), (1, 3, 2))]]
    + [spec(wnp.matmul, (2, 1, 2, 3), (2, 3, 1), name="matmul(broadcast)", covers=[wnp.matmul],
            dtype=C128)]
)
