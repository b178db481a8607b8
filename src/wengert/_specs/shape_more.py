"""Op specs for the shape more area (see wengert/_specs/__init__.py for the spec format): axes,
joining, splitting, padding, rearranging, index tricks and indexing extras.

Most functions here are composed from the linear primitives (reshape, transpose,
flip, broadcast_to, getitem, concatenate): each spec names the composite it
checks and the primitives it must reach.
"""
import numpy as np  # noqa: F401

import wengert.numpy as wnp  # noqa: F401
from . import ANY, NONZERO, POS, UNIT, bands, spec, well_conditioned  # noqa: F401
from wengert.numpy import _index_tricks as IT, _shape as S, _sorting as SO

GET = "wengert.numpy.getitem"
UNTAKE = "wengert.numpy.untake"
CONCAT = "numpy.concatenate"
DIAG_ADJ = "wengert.numpy.diagonal_adjoint"
C128 = np.complex128


def _weighted(pieces):
    """The pieces of a split, each scaled differently and joined flat: a mix-up of
    pieces (or a piece that is not traced) changes the value or the derivative."""
    return wnp.concatenate([wnp.ravel(p) * (k + 1.0) for k, p in enumerate(pieces)])


AXES = [
    spec(lambda x: S.rollaxis(x, 2), (2, 3, 4), name="rollaxis(2)",
         covers=[S.rollaxis, wnp.transpose]),
    spec(lambda x: S.rollaxis(x, 0, 3), (2, 3, 4), name="rollaxis(0,3)",
         covers=[S.rollaxis, wnp.transpose]),
    spec(lambda x: S.rollaxis(x, -1, -2), (2, 3, 4), name="rollaxis(-1,-2)",
         covers=[S.rollaxis, wnp.transpose]),
    spec(lambda x: np.rollaxis(x, 1) * 1j, (2, 3), dtype=C128, name="np.rollaxis(1)",
         covers=[S.rollaxis, wnp.transpose]),
    spec(lambda x: wnp.transpose(x, [2, -3, 1]), (2, 3, 4), name="transpose([2,-3,1])",
         covers=[wnp.transpose]),
    spec(lambda x: x.transpose(1, 0, 2), (2, 3, 4), name="transpose-method(1,0,2)",
         covers=[wnp.transpose]),
    spec(lambda x: wnp.transpose(x, None), (3,), name="transpose(None)",
         covers=[wnp.transpose]),
    spec(lambda x: wnp.moveaxis(x, [-1, 0], [0, -1]), (2, 3, 4), name="moveaxis([-1,0],[0,-1])",
         covers=[wnp.moveaxis]),
    spec(lambda x: wnp.swapaxes(x, 1, 1), (2, 3), name="swapaxes(1,1)",
         covers=[wnp.swapaxes]),
    spec(lambda x: wnp.squeeze(x, (-1, 0)), (1, 2, 1), name="squeeze((-1,0))",
         covers=[wnp.squeeze]),
    spec(lambda x: wnp.expand_dims(x, (-1, 0, 2)), (2, 3), name="expand_dims((-1,0,2))",
         covers=[wnp.expand_dims]),
    spec(lambda x: S.atleast_3d(x), (), name="atleast_3d", covers=[S.atleast_3d, wnp.reshape]),
    spec(lambda x: S.atleast_3d(x), (3,), name="atleast_3d", covers=[S.atleast_3d, wnp.reshape]),
    spec(lambda x, y: S.atleast_3d(x, y)[0] * S.atleast_3d(x, y)[1], (2, 3), (1, 1, 3),
         name="atleast_3d", covers=[S.atleast_3d, wnp.reshape]),
    spec(lambda x, y: wnp.stack(S.broadcast_arrays(x, y)), (3,), (2, 1), name="broadcast_arrays",
         covers=[S.broadcast_arrays, wnp.broadcast_to]),
    spec(lambda x, y: np.broadcast_arrays(x, y, np.ones((2, 1, 1)))[0] * y, (3,), (2, 3),
         name="np.broadcast_arrays", covers=[S.broadcast_arrays, wnp.broadcast_to]),
    spec(lambda x: S.copy(x) * x, (2, 3), name="copy", covers=[S.copy]),
    spec(lambda x: np.copy(x) + 0j, (2,), dtype=C128, name="np.copy", covers=[S.copy]),
]

JOINING = [
    spec(lambda x, y, z: S.column_stack([x, y, z]), (3,), (3, 2), (3,), name="column_stack",
         covers=[S.column_stack, wnp.reshape, CONCAT]),
    spec(lambda x, y: np.column_stack([x, y]), (), (1, 2), name="np.column_stack",
         covers=[S.column_stack, CONCAT]),
    spec(lambda x, y: S.row_stack([x, y]), (3,), (2, 3), name="row_stack",
         covers=[S.row_stack, wnp.vstack, CONCAT]),
    spec(lambda x, y: S.dstack([x, y]), (2, 3), (2, 3, 2), name="dstack",
         covers=[S.dstack, S.atleast_3d, CONCAT]),
    spec(lambda x, y: np.dstack([x, y]), (3,), (1, 3, 2), name="np.dstack",
         covers=[S.dstack, S.atleast_3d, CONCAT]),
    spec(lambda x, y: S.append(x, y), (2, 2), (3,), name="append",
         covers=[S.append, wnp.ravel, CONCAT]),
    spec(lambda x, y: np.append(x, y, axis=1), (2, 2), (2, 1), dtype=C128, name="np.append(axis=1)",
         covers=[S.append, CONCAT]),
    spec(lambda x: S.append(x, [[1.0, 2.0]], axis=0), (2, 2), name="append(const,axis=0)",
         covers=[S.append, CONCAT]),
    spec(lambda x, y: IT.r_[x, y, 0:2, 3.0], (2,), (3,), name="r_",
         covers=[IT._Concatenator.__getitem__, CONCAT]),
    spec(lambda x, y: IT.r_["1,2,0", x, y], (3,), (3, 2), name="r_[1,2,0]",
         covers=[IT._Concatenator.__getitem__, wnp.reshape, CONCAT]),
    spec(lambda x, y: IT.r_["-1", x, y], (2, 1), (2, 2), name="r_[-1]",
         covers=[IT._Concatenator.__getitem__, CONCAT]),
    spec(lambda x, y: IT.c_[x, y, np.ones(3)], (3,), (3, 2), name="c_",
         covers=[IT._Concatenator.__getitem__, wnp.reshape, CONCAT]),
    spec(lambda x, y: IT.c_[x, y], (3,), (3,), dtype=(np.float32, np.float64), name="c_",
         covers=[IT._Concatenator.__getitem__, CONCAT]),
    spec(lambda x: IT.r_[x, 1.5], (3,), dtype=np.float32, name="r_",
         covers=[IT._Concatenator.__getitem__, CONCAT]),
]

SPLITTING = [
    spec(lambda x: _weighted(S.split(x, 2)), (4, 3), name="split(2)",
         covers=[S.split, S.array_split, GET]),
    spec(lambda x: S.split(x, 3, axis=1)[0] * S.split(x, 3, axis=1)[2], (2, 3), name="split(3,axis=1)",
         covers=[S.split, S.array_split, GET]),
    spec(lambda x: _weighted(np.split(x, [1, 5, -1], axis=-1)), (2, 4), name="np.split([1,5,-1])",
         covers=[S.split, S.array_split, GET]),
    spec(lambda x: _weighted(S.array_split(x, 3)), (7,), name="array_split(3)",
         covers=[S.array_split, GET]),
    spec(lambda x: _weighted(np.array_split(x, 4, axis=1)), (2, 3), dtype=C128,
         name="np.array_split(4,axis=1)", covers=[S.array_split, GET]),
    spec(lambda x: _weighted(S.hsplit(x, [1])), (2, 3), name="hsplit", covers=[S.hsplit, GET]),
    spec(lambda x: _weighted(S.hsplit(x, 2)), (4,), name="hsplit", covers=[S.hsplit, GET]),
    spec(lambda x: _weighted(np.vsplit(x, 2)), (2, 3), name="np.vsplit", covers=[S.vsplit, GET]),
    spec(lambda x: _weighted(S.dsplit(x, [1, 2])), (1, 2, 3), name="dsplit",
         covers=[S.dsplit, GET]),
    spec(lambda x: wnp.stack(S.split(x, 2)), (4,), name="stack(split)",
         covers=[S.split, GET, wnp.stack]),
]

REARRANGING = [
    spec(lambda x: S.tile(x, 2), (3,), name="tile(2)",
         covers=[S.tile, wnp.broadcast_to, wnp.reshape]),
    spec(lambda x: S.tile(x, (2, 1, 3)), (2, 2), name="tile((2,1,3))",
         covers=[S.tile, wnp.broadcast_to, wnp.reshape]),
    spec(lambda x: np.tile(x, (1, 1)), (2, 3), name="np.tile((1,1))",
         covers=[S.tile, wnp.reshape]),
    spec(lambda x: S.tile(x, (3,)), (), dtype=C128, name="tile(3)",
         covers=[S.tile, wnp.broadcast_to]),
    spec(S.fliplr, (2, 3), covers=[S.fliplr, wnp.flip]),
    spec(lambda x: np.flipud(x), (3,), name="np.flipud", covers=[S.flipud, wnp.flip]),
    spec(S.rot90, (2, 3), covers=[S.rot90, wnp.flip, wnp.transpose]),
    spec(lambda x: S.rot90(x, 2), (2, 3), name="rot90(2)", covers=[S.rot90, wnp.flip]),
    spec(lambda x: S.rot90(x, -1, axes=(2, 0)), (2, 3, 2), name="rot90(-1,(2,0))",
         covers=[S.rot90, wnp.flip, wnp.transpose]),
    spec(lambda x: np.rot90(x, 7, (-1, -2)), (2, 3), dtype=C128, name="np.rot90(7,(-1,-2))",
         covers=[S.rot90, wnp.flip, wnp.transpose]),
    spec(lambda x: S.roll(x, 2), (2, 3), name="roll(2)", covers=[S.roll, GET]),
    spec(lambda x: S.roll(x, -1, axis=1), (2, 3), name="roll(-1,axis=1)", covers=[S.roll, GET]),
    spec(lambda x: np.roll(x, (1, 3), axis=(0, 0)), (3, 2), dtype=C128,
         name="np.roll((1,3),(0,0))", covers=[S.roll, GET]),
    spec(lambda x: S.roll(x, (1, -2), axis=(2, 0)), (2, 2, 3), name="roll((1,-2),(2,0))",
         covers=[S.roll, GET]),
    spec(S.triu, (3, 3), covers=[S.triu, "numpy.where"]),
    spec(lambda x: S.triu(x, -1), (2, 3, 4), name="triu(-1)", covers=[S.triu, "numpy.where"]),
    spec(lambda x: np.tril(x, 1), (3, 2), name="np.tril(1)", covers=[S.tril, "numpy.where"]),
    spec(lambda x: S.tril(x), (3,), name="tril", covers=[S.tril, "numpy.where"]),
    spec(lambda x: S.tril(x, -1) * 1j, (3, 3), dtype=C128, name="tril(-1)",
         covers=[S.tril, "numpy.where"]),
    spec(S.diag, (3,), covers=[S.diag, DIAG_ADJ]),
    spec(lambda x: S.diag(x, -2), (2,), name="diag(-2)", covers=[S.diag, DIAG_ADJ]),
    spec(lambda x: np.diag(x, 1), (3, 4), name="np.diag(1)", covers=[S.diag, wnp.diagonal]),
    spec(lambda x: S.diag(x), (2,), dtype=C128, name="diag", covers=[S.diag, DIAG_ADJ]),
    spec(lambda x: S.diagflat(x, 1), (2, 2), name="diagflat(1)",
         covers=[S.diagflat, S.diag, wnp.ravel, DIAG_ADJ]),
    spec(lambda x, y: S.insert(x, 1, y), (2, 2), (), name="insert(1)",
         covers=[S.insert, GET, CONCAT]),
    spec(lambda x, y: S.insert(x, [0, 2, 2], y, axis=1), (2, 3), (2, 1),
         name="insert([0,2,2],axis=1)", covers=[S.insert, GET, CONCAT]),
    spec(lambda x, y: np.insert(x, -1, y, axis=0), (2, 3), (3,), dtype=C128,
         name="np.insert(-1,axis=0)", covers=[S.insert, GET, CONCAT]),
    spec(lambda x: S.insert(x, slice(0, 2), 5.0, axis=0), (3,), name="insert(slice,const)",
         covers=[S.insert, GET]),
    spec(lambda x: S.delete(x, 1), (2, 3), name="delete(1)", covers=[S.delete, GET]),
    spec(lambda x: np.delete(x, [0, 2], axis=1), (2, 3), name="np.delete([0,2],axis=1)",
         covers=[S.delete, GET]),
    spec(lambda x: S.resize(x, (3, 3)), (2, 2), name="resize((3,3))", covers=[S.resize, GET]),
    spec(lambda x: np.resize(x, 2), (2, 3), name="np.resize(2)", covers=[S.resize, GET]),
    # zeros at the ends (the mask is a constant): the trimmed boundaries stay put
    # under finite-difference steps, so the slice is differentiable there
    spec(lambda x: S.trim_zeros(x * np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])), (6,),
         name="trim_zeros", covers=[S.trim_zeros, GET]),
    spec(lambda x: np.trim_zeros(x * np.array([0.0, 1.0, 1.0, 0.0]), "b"), (4,),
         name="np.trim_zeros(b)", covers=[S.trim_zeros, GET]),
    spec(lambda x: S.trim_zeros(x * np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 1.0]]), "f"), (2, 3),
         name="trim_zeros(f,2-d)", covers=[S.trim_zeros, GET]),
]


def _pad(mode, width, **kwargs):
    return lambda x: S.pad(x, width, mode, **kwargs)


PAD = "wengert.numpy._shape.pad"
PADDING = [
    spec(lambda x: S.pad(x, 1), (2, 3), name="pad(1)", covers=[S.pad, CONCAT]),
    spec(_pad("constant", ((1, 0), (2, 1)), constant_values=((1.0, 2.0), (3.0, 4.0))), (2, 2),
         name="pad(constant,values)", covers=[S.pad, CONCAT]),
    spec(lambda x, c: S.pad(x, (1, 2), constant_values=c), (2, 2), (), name="pad(traced c)",
         covers=[S.pad, CONCAT, wnp.broadcast_to]),
    spec(lambda x, c: S.pad(x, 1, constant_values=c), (3,), (2,), name="pad(traced pair)",
         covers=[S.pad, CONCAT, wnp.broadcast_to]),
    spec(lambda x: np.pad(x, (2, 1), "edge"), (2, 3), name="np.pad(edge)",
         covers=[S.pad, GET]),
    spec(_pad("wrap", ((4, 1), (0, 2))), (2, 3), name="pad(wrap)", covers=[S.pad, GET]),
    spec(_pad("reflect", ((3, 1), (5, 0))), (2, 3), name="pad(reflect)", covers=[S.pad, GET]),
    spec(_pad("reflect", (4, 6), reflect_type="odd"), (3,), name="pad(reflect,odd)",
         covers=[S.pad, GET, wnp.multiply]),
    spec(_pad("symmetric", ((2, 5), (1, 1))), (2, 2), name="pad(symmetric)",
         covers=[S.pad, GET]),
    spec(_pad("symmetric", (5, 2), reflect_type="odd"), (2,), dtype=C128,
         name="pad(symmetric,odd)", covers=[S.pad, GET, wnp.multiply]),
    spec(_pad("reflect", 2, reflect_type="odd"), (1, 3), name="pad(reflect,odd,n=1)",
         covers=[S.pad, GET]),
    spec(_pad("linear_ramp", ((2, 1), (1, 3)), end_values=((1.0, -1.0), (0.5, 2.0))), (2, 3),
         name="pad(linear_ramp)", covers=[S.pad, GET, CONCAT]),
    spec(_pad("linear_ramp", 2), (3,), dtype=C128, name="pad(linear_ramp)",
         covers=[S.pad, GET, CONCAT]),
    spec(_pad("mean", ((1, 2), (2, 0))), (2, 3), name="pad(mean)",
         covers=[S.pad, wnp.mean, wnp.broadcast_to, CONCAT]),
    spec(_pad("mean", 2, stat_length=((1, 2),)), (2, 3), name="pad(mean,stat_length)",
         covers=[S.pad, wnp.mean, CONCAT]),
    # distinct values (continuous samples): no ties among the statistics
    spec(_pad("median", (2, 1)), (4,), name="pad(median,even)",
         covers=[S.pad, wnp.sum, CONCAT]),
    spec(_pad("median", 1, stat_length=3), (2, 3), name="pad(median,odd)",
         covers=[S.pad, wnp.sum, CONCAT]),
    spec(_pad("maximum", ((1, 1), (0, 2))), (2, 3), name="pad(maximum)",
         covers=[S.pad, wnp.max, CONCAT]),
    spec(_pad("minimum", 1, stat_length=2), (3,), name="pad(minimum)",
         covers=[S.pad, wnp.min, CONCAT]),
]

# indexing kinds not in op_specs.INDEXING: mixed basic and advanced indices (the
# advanced axes move to the front when separated), masks from traced values,
# NumPy integer scalars, 0-d booleans, empty index lists, a traced integer index
INDEXING = [
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
# y is zero: continuous samples have no ties).  ``S.getitem(x, i)`` is ``x[i]``, written
# so that a plain NumPy ``x`` (in_axes=None, no derivative taken) takes it too: NumPy's
# own indexing reads a batched index as an array and fails (as it does in JAX).
GATHERS = [
    spec(lambda x, y: SO.take_along_axis(x, wnp.expand_dims(wnp.argmax(y, axis=0), 0), axis=0),
         (2, 4), (2, 4), name="gather(take_along_axis(argmax))", covers=[GET, UNTAKE]),
    spec(lambda x, y: SO.take_along_axis(x, wnp.argsort(y, axis=1), axis=1), (3, 4), (3, 4),
         name="gather(take_along_axis(argsort))", covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, wnp.argsort(y)), (4,), (4,), name="gather(x[argsort(y)])",
         covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, (wnp.argsort(y), None)), (4,), (4,),
         name="gather(x[argsort(y),None])", covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, (wnp.argsort(y)[:3],)) ** 2, (4, 2), (4,),
         name="gather(x[(argsort(y)[:3],)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, (slice(None), None, wnp.argsort(y))), (3, 4), (4,),
         name="gather(x[:,None,argsort(y)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, (..., wnp.argsort(y)[::-1])), (2, 3, 4), (4,),
         name="gather(x[...,argsort(y)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, (wnp.argmax(y, 1), slice(None), wnp.argmin(y, 1))),
         (3, 2, 3), (2, 3), name="gather(x[argmax(y),:,argmin(y)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, (1, wnp.argsort(y)[:2], [[0], [2]])), (2, 4, 3), (4,),
         name="gather(x[1,argsort(y),[[0],[2]]])", covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, (np.array([True, False, True]), wnp.argmax(y, 1))),
         (3, 4), (2, 4), name="gather(x[mask,argmax(y)])", covers=[GET, UNTAKE]),
    spec(lambda x, y: S.getitem(x, wnp.argsort(y)[:2])[:, wnp.argsort(y)[1:]], (4, 4), (4,),
         name="gather(x[argsort(y)][:,argsort(y)])", covers=[GET, UNTAKE]),
]

# constructors whose fill value may be traced: the result is the fill value broadcast
CONSTRUCTORS = [
    spec(lambda x: S.full((2, 3), x), (), name="full((2,3), x)",
         covers=[S.full, wnp.broadcast_to]),
    spec(lambda x: S.full((3, 2), x), (2,), name="full((3,2), row)",
         covers=[S.full, wnp.broadcast_to]),
    spec(lambda x: S.full(3, x, dtype=C128), (), name="full(3, x, complex)",
         covers=[S.full, wnp.broadcast_to]),
    spec(lambda x: wnp.full_like(np.ones((2, 2)), x), (), name="full_like(plain, x)",
         covers=[wnp.full_like]),
    spec(lambda x, y: wnp.full_like(x, y) * x, (3,), (), name="full_like(x, y)",
         covers=[wnp.full_like]),
]

SPECS = (AXES + JOINING + SPLITTING + REARRANGING + PADDING + INDEXING + GATHERS
         + CONSTRUCTORS)
