"""Op specs for in-place updates (see ``_table.py`` for the spec format):
the index-update and scatter-add primitives, the ``at`` API, and assignments,
augmented assignments, ``ufunc.at`` and ``out=`` on traced arrays, each
checked at every argument (the old contents and the written values); tables started
from a traced value (zeros_like, ones_like, empty_like, full_like) and filled in place.
"""
import numpy as np

import wengert.numpy as wnp
from ._table import ANY, NONZERO, POS, bands, spec

UPDATE = wnp.index_update
ADD = wnp.index_add
UP = "wengert.numpy.index_update"
ADDP = "wengert.numpy.index_add"
DUPS = ([0, 2, 0],)                 # row 0 written twice: the last write wins / both add
PAIRS = ([0, 1, 0, 1, 0], [2, 0, 2, 0, 2])   # (0, 2) three times, (1, 0) twice


def _setitem(idx):
    def f(x, v):
        y = wnp.as_traced(x, like=v)    # a plain x could not hold a traced v
        y[idx] = v
        return y
    return f


def _iops(x, y):
    z = wnp.as_traced(x, like=y)
    z += y
    z *= y
    z -= 0.5 * y
    z /= y * y + 1.0
    z **= 2.0
    return z


def _ufunc_at(x, v):
    z = wnp.as_traced(x, like=v)
    np.add.at(z, PAIRS, v)
    np.multiply.at(z, PAIRS, v)
    np.subtract.at(z, (1, slice(None)), v[0])
    return z


def _out(x, y):
    z = wnp.as_traced(x, like=y)
    np.multiply(x, y, out=z)
    np.add(z, y, out=z)
    np.sum(x * y, axis=0, out=z[0])
    return z


def _filled(x):
    table = wnp.as_traced(np.zeros((3, 3)), like=x)
    for i in range(3):
        table[i, i] = x[i] ** 2
        table[i, 0] += x[i]
    return table


UPDATES = [
    spec(lambda x, v: UPDATE(x, (1, slice(None)), v), (3, 4), (4,), name="index_update(row)",
         covers=[UPDATE, UP]),
    spec(lambda x, v: UPDATE(x, (slice(None), [1, 3]), v), (3, 4), (), name="index_update(bcast)",
         covers=[UPDATE, UP]),
    spec(lambda x, v: UPDATE(x, DUPS, v), (3, 4), (3, 4), name="index_update(repeated)",
         covers=[UPDATE, UP]),
    spec(lambda x, v: UPDATE(x, np.array([True, False, True]), v), (3,), (2,),
         name="index_update(mask)", covers=[UPDATE, UP]),
    spec(lambda x, v: UPDATE(x, 0, v), (2,), None, name="index_update(scalar)",
         covers=[UPDATE, UP]),
    spec(lambda x, v: UPDATE(x, (0, slice(1, None)), v), (2, 3), (2,), dtype=np.complex128,
         name="index_update(row)", covers=[UPDATE, UP]),
    spec(lambda x, v: UPDATE(x, (1, slice(None)), v), (3, 4), (4,), dtype=np.float32,
         name="index_update(row)", covers=[UPDATE, UP]),
    spec(lambda x, v: ADD(x, DUPS, v), (3, 4), (3, 4), name="index_add(repeated)",
         covers=[ADD, ADDP]),
    spec(lambda x, v: ADD(x, PAIRS, v), (2, 3), (), name="index_add(pairs,bcast)",
         covers=[ADD, ADDP]),
    spec(lambda x, v: ADD(x, (slice(None), 1), v), (2, 3), (2,), name="index_add(column)",
         covers=[ADD, ADDP]),
    spec(lambda x, v: ADD(x, DUPS, v), (3, 2), (3, 2), dtype=np.complex128,
         name="index_add(repeated)", covers=[ADD, ADDP]),
    spec(lambda x, v: wnp.at(x)[PAIRS].multiply(v), (2, 3), (5,), name="at.multiply(pairs)",
         covers=[wnp.at, UP]),
    spec(lambda x, v: wnp.at(x)[1:].divide(v), (3,), (2,), domain=[ANY, NONZERO],
         name="at.divide", covers=[wnp.at, UP]),
    spec(lambda x, v: wnp.at(x)[[0, 0]].power(v), (2,), (), domain=[POS, (0.5, 1.5)],
         name="at.power(repeated)", covers=[wnp.at, UP]),
    spec(lambda x, v: wnp.at(x)[[0, 2, 0]].max(v), (3,), (3,),
         domain=[bands((-2.0, -1.0), (1.0, 2.0)), (-0.5, 0.5)], name="at.max(repeated)",
         covers=[wnp.at, UP]),
    spec(lambda x, v: wnp.at(x)[1].min(v) * wnp.at(x)[0].subtract(v), (2,), (),
         domain=[bands((-2.0, -1.0), (1.0, 2.0)), (-0.5, 0.5)], name="at.min,subtract",
         covers=[wnp.at, UP, ADDP]),
    spec(_setitem((slice(None), 0)), (3, 2), (3,), name="x[:,0]=v", covers=[UP, wnp.as_traced]),
    spec(_setitem(([1, 1], [0, 0])), (2, 2), (2,), name="x[[1,1],[0,0]]=v",
         covers=[UP, wnp.as_traced]),
    spec(_iops, (2, 3), (3,), domain=[ANY, POS], name="x+=y,*=,-=,/=,**=",
         covers=[wnp.as_traced, wnp.add, wnp.multiply, wnp.divide, wnp.power]),
    spec(_ufunc_at, (2, 3), (5,), name="np.add.at,multiply.at,subtract.at",
         covers=[UP, ADDP, wnp.as_traced]),
    spec(_out, (2, 3), (3,), name="out=", covers=[UP, wnp.as_traced]),
    spec(_filled, (3,), name="as_traced table", covers=[wnp.as_traced, UP]),
]


# -- tables started from a traced value and filled in place --------------------------------
def _filled_from(make):
    def f(x):
        table = make(x)
        table[0] = x[1] ** 2
        table[1:] = x[:-1] * 3.0
        return table
    return f


FILLED_TABLES = [
    spec(_filled_from(wnp.zeros_like), (4,), name="zeros_like(x) filled", covers=[wnp.zeros_like]),
    spec(_filled_from(wnp.ones_like), (2, 3), name="ones_like(x) filled", covers=[wnp.ones_like]),
    spec(_filled_from(wnp.empty_like), (3,), name="empty_like(x) filled",
         covers=[wnp.empty_like]),
    spec(lambda x, v: wnp.full_like(x, v) * x, (2, 3), (), name="full_like(x,v)",
         covers=[wnp.full_like]),
    spec(_filled_from(lambda x: np.full_like(x, 2.0)), (3,), name="np.full_like(x,2) filled",
         covers=[wnp.full_like]),
]
