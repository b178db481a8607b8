"""Op specs at singular points: derivatives that exist there must be computed there
(the determinant's gradient at a singular matrix is its adjugate)."""
import numpy as np

import wengert.numpy.linalg as wla
from ._table import spec


def rank_deficient(rng, shape):
    """Products B C with B (..., n, n-1): exactly singular up to rounding (det ~ 1e-16),
    generic otherwise (their minors are invertible)."""
    n = shape[-1]
    b = rng.uniform(-1.0, 1.0, shape[:-1] + (n - 1,))
    c = rng.uniform(-1.0, 1.0, shape[:-2] + (n - 1, n))
    return b @ c


def exactly_singular(rng, shape):
    """A repeated row: LU meets an exact zero pivot (numpy.linalg.inv raises)."""
    a = rng.uniform(-1.0, 1.0, shape)
    a[..., -1, :] = a[..., 0, :]
    return a


SPECS = [
    spec(wla.det, (3, 3), domain=exactly_singular, name="det(singular)"),
    spec(wla.det, (4, 4), domain=rank_deficient, name="det(rank 3)"),
    spec(wla.det, (2, 3, 3), domain=rank_deficient, name="det(rank 2 stack)"),
    spec(wla.det, (3, 3), domain=lambda rng, shape: np.zeros(shape), name="det(0)", order=3),
    spec(wla.det, (3, 3), domain=exactly_singular, dtype=np.complex128, name="det(singular)"),
]
