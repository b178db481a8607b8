"""Op specs of indexing (see ``_table.py`` for the spec format): basic, advanced and
mixed indices, masks, take and repeat, third derivatives through the adjoints that
write into arrays, and gathers whose indices are computed from a traced argument."""
import numpy as np

import wengert.numpy as wnp
from wengert.numpy._shape import getitem     # x[i] that also takes a plain NumPy x
from ._table import CONDITION, INDEX, bands, spec

GET = "wengert.numpy.getitem"
UNTAKE = "wengert.numpy.untake"

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

# Third derivatives through indexing and diagonals, whose adjoints write the
# cotangent into a NumPy array (so nested boxes must never reach them).
ORDER3_NESTED = [
    spec(lambda x: x[1] ** 4, (3,), name="getitem[1]**4", covers=INDEX + (wnp.power,),
         order=3),
    spec(lambda x: wnp.diagonal(x) ** 4, (2, 2), name="diagonal**4",
         covers=[wnp.diagonal, wnp.power], order=3),
]

# indexing kinds not in INDEXING above: mixed basic and advanced indices (the
# advanced axes move to the front when separated), masks from traced values,
# NumPy integer scalars, 0-d booleans, empty index lists, a traced integer index
MIXED_INDEXING = [
    spec(lambda x, i=i: x[i], (3, 4, 2), name=f"getitem[{label}]", covers=[GET, UNTAKE])
    for label, i in [
        (":,None,1", (slice(None), None, 1)),
        ("...,[0,1]", (Ellipsis, [0, 1])),
        ("[0,2],:,[1,0]", ([0, 2], slice(None), [1, 0])),
        (":,[[0],[2]],[1,0]", (slice(None), [[0], [2]], [1, 0])),
        ("0,...,None,[1,1]", (0, Ellipsis, None, [1, 1])),
        ("::-2,3:0:-1", (slice(None, None, -2), slice(3, 0, -1))),
        ("np.int64(1)", np.int64(1)),
        ("True", True),
        ("[]", ([],)),
        ("mask,1", (np.array([[True, False, True, False]] * 2 + [[False] * 4]), 1)),
        ("1,:,[True,False]", (1, slice(None), np.array([True, False]))),
    ]
] + [
    spec(lambda x: x[x > 0.0] ** 2, (2, 3), name="getitem[x>0]", covers=[GET, UNTAKE]),
    # the index is a traced integer cast; bands keep the samples away from integers
    spec(lambda x: x[wnp.astype(x, int)] ** 2, (3,), domain=bands((0.2, 0.8), (1.2, 1.8)),
         name="getitem[traced index]", covers=[GET, UNTAKE]),
]

# gathers whose indices are computed from a second argument (argsort, argmax): under
# vmap with only that argument batched, a shared array is indexed by batched indices,
# alone, inside index tuples, next to slices, None, integers and masks (the derivative in
# y is zero: continuous samples have no ties).  ``getitem(x, i)`` is ``x[i]``, written
# so that a plain NumPy ``x`` (in_axes=None, no derivative taken) takes it too: NumPy's
# own indexing reads a batched index as an array and fails (as it does in JAX).
GATHERS = [
    spec(lambda x, y: wnp.take_along_axis(x, wnp.expand_dims(wnp.argmax(y, axis=0), 0), axis=0),
         (2, 4), (2, 4), name="gather(take_along_axis(argmax))", covers=[GET, UNTAKE]),
    spec(lambda x, y: wnp.take_along_axis(x, wnp.argsort(y, axis=1), axis=1), (3, 4), (3, 4),
         name="gather(take_along_axis(argsort))", covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, wnp.argsort(y)), (4,), (4,), name="gather(x[argsort(y)])",
         covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, (wnp.argsort(y), None)), (4,), (4,),
         name="gather(x[argsort(y),None])", covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, (wnp.argsort(y)[:3],)) ** 2, (4, 2), (4,),
         name="gather(x[(argsort(y)[:3],)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, (slice(None), None, wnp.argsort(y))), (3, 4), (4,),
         name="gather(x[:,None,argsort(y)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, (..., wnp.argsort(y)[::-1])), (2, 3, 4), (4,),
         name="gather(x[...,argsort(y)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, (wnp.argmax(y, 1), slice(None), wnp.argmin(y, 1))),
         (3, 2, 3), (2, 3), name="gather(x[argmax(y),:,argmin(y)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, (1, wnp.argsort(y)[:2], [[0], [2]])), (2, 4, 3), (4,),
         name="gather(x[1,argsort(y),[[0],[2]]])", covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, (np.array([True, False, True]), wnp.argmax(y, 1))),
         (3, 4), (2, 4), name="gather(x[mask,argmax(y)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: getitem(x, wnp.argsort(y)[:2])[:, wnp.argsort(y)[1:]], (4, 4), (4,),
         name="gather(x[argsort(y)][:,argsort(y)])", covers=[GET, UNTAKE]),
]
