"""Op specs of shape functions (see ``_table.py`` for the spec format): reshape,
ravel, squeeze, expand_dims, axes, flip, transpose, broadcast_to, diagonal; joining
(concatenate, stack and their relatives, r_ and c_) and taking apart (split, the
tuples a checkpointed function returns); rearranging (tile, rot90, roll, triangles,
diag, insert, delete, resize, trim_zeros), pad in every mode, and constructors whose
fill value is traced.

Most of these functions are composed from the linear primitives (reshape,
transpose, flip, broadcast_to, getitem, concatenate): each spec names the composite
it checks and the primitives it must reach.
"""
import numpy as np

import wengert
import wengert.numpy as wnp
from ._table import spec

GET = "wengert.numpy.getitem"
CONCAT = "numpy.concatenate"
DIAG_ADJ = "wengert.numpy.diagonal_adjoint"
C128 = np.complex128
CONCATENATOR = type(wnp.r_).__getitem__       # what r_[...] and c_[...] call


# -- reshape, axes, diagonals -------------------------------------------------------------
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

AXES = [
    spec(lambda x: wnp.rollaxis(x, 2), (2, 3, 4), name="rollaxis(2)",
         covers=[wnp.rollaxis, wnp.transpose]),
    spec(lambda x: wnp.rollaxis(x, 0, 3), (2, 3, 4), name="rollaxis(0,3)",
         covers=[wnp.rollaxis, wnp.transpose]),
    spec(lambda x: wnp.rollaxis(x, -1, -2), (2, 3, 4), name="rollaxis(-1,-2)",
         covers=[wnp.rollaxis, wnp.transpose]),
    spec(lambda x: np.rollaxis(x, 1) * 1j, (2, 3), dtype=C128, name="np.rollaxis(1)",
         covers=[wnp.rollaxis, wnp.transpose]),
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
    spec(lambda x: wnp.atleast_3d(x), (), name="atleast_3d",
         covers=[wnp.atleast_3d, wnp.reshape]),
    spec(lambda x: wnp.atleast_3d(x), (3,), name="atleast_3d",
         covers=[wnp.atleast_3d, wnp.reshape]),
    spec(lambda x, y: wnp.atleast_3d(x, y)[0] * wnp.atleast_3d(x, y)[1], (2, 3), (1, 1, 3),
         name="atleast_3d", covers=[wnp.atleast_3d, wnp.reshape]),
    spec(lambda x, y: wnp.stack(wnp.broadcast_arrays(x, y)), (3,), (2, 1),
         name="broadcast_arrays",
         covers=[wnp.broadcast_arrays, wnp.broadcast_to]),
    spec(lambda x, y: np.broadcast_arrays(x, y, np.ones((2, 1, 1)))[0] * y, (3,), (2, 3),
         name="np.broadcast_arrays", covers=[wnp.broadcast_arrays, wnp.broadcast_to]),
    spec(lambda x: wnp.copy(x) * x, (2, 3), name="copy", covers=[wnp.copy]),
    spec(lambda x: np.copy(x) + 0j, (2,), dtype=C128, name="np.copy", covers=[wnp.copy]),
]


# -- joining ------------------------------------------------------------------------------
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

STACKING = [
    spec(lambda x, y, z: wnp.column_stack([x, y, z]), (3,), (3, 2), (3,), name="column_stack",
         covers=[wnp.column_stack, wnp.reshape, CONCAT]),
    spec(lambda x, y: np.column_stack([x, y]), (), (1, 2), name="np.column_stack",
         covers=[wnp.column_stack, CONCAT]),
    spec(lambda x, y: wnp.row_stack([x, y]), (3,), (2, 3), name="row_stack",
         covers=[wnp.row_stack, wnp.vstack, CONCAT]),
    spec(lambda x, y: wnp.dstack([x, y]), (2, 3), (2, 3, 2), name="dstack",
         covers=[wnp.dstack, wnp.atleast_3d, CONCAT]),
    spec(lambda x, y: np.dstack([x, y]), (3,), (1, 3, 2), name="np.dstack",
         covers=[wnp.dstack, wnp.atleast_3d, CONCAT]),
    spec(lambda x, y: wnp.append(x, y), (2, 2), (3,), name="append",
         covers=[wnp.append, wnp.ravel, CONCAT]),
    spec(lambda x, y: np.append(x, y, axis=1), (2, 2), (2, 1), dtype=C128, name="np.append(axis=1)",
         covers=[wnp.append, CONCAT]),
    spec(lambda x: wnp.append(x, [[1.0, 2.0]], axis=0), (2, 2), name="append(const,axis=0)",
         covers=[wnp.append, CONCAT]),
    spec(lambda x, y: wnp.r_[x, y, 0:2, 3.0], (2,), (3,), name="r_",
         covers=[CONCATENATOR, CONCAT]),
    spec(lambda x, y: wnp.r_["1,2,0", x, y], (3,), (3, 2), name="r_[1,2,0]",
         covers=[CONCATENATOR, wnp.reshape, CONCAT]),
    spec(lambda x, y: wnp.r_["-1", x, y], (2, 1), (2, 2), name="r_[-1]",
         covers=[CONCATENATOR, CONCAT]),
    spec(lambda x, y: wnp.c_[x, y, np.ones(3)], (3,), (3, 2), name="c_",
         covers=[CONCATENATOR, wnp.reshape, CONCAT]),
    spec(lambda x, y: wnp.c_[x, y], (3,), (3,), dtype=(np.float32, np.float64), name="c_",
         covers=[CONCATENATOR, CONCAT]),
    spec(lambda x: wnp.r_[x, 1.5], (3,), dtype=np.float32, name="r_",
         covers=[CONCATENATOR, CONCAT]),
]


# -- splitting ----------------------------------------------------------------------------
def _weighted(pieces):
    """The pieces of a split, each scaled differently and joined flat: a mix-up of
    pieces (or a piece that is not traced) changes the value or the derivative."""
    return wnp.concatenate([wnp.ravel(p) * (k + 1.0) for k, p in enumerate(pieces)])


SPLITTING = [
    spec(lambda x: _weighted(wnp.split(x, 2)), (4, 3), name="split(2)",
         covers=[wnp.split, wnp.array_split, GET]),
    spec(lambda x: wnp.split(x, 3, axis=1)[0] * wnp.split(x, 3, axis=1)[2], (2, 3),
         name="split(3,axis=1)",
         covers=[wnp.split, wnp.array_split, GET]),
    spec(lambda x: _weighted(np.split(x, [1, 5, -1], axis=-1)), (2, 4), name="np.split([1,5,-1])",
         covers=[wnp.split, wnp.array_split, GET]),
    spec(lambda x: _weighted(wnp.array_split(x, 3)), (7,), name="array_split(3)",
         covers=[wnp.array_split, GET]),
    spec(lambda x: _weighted(np.array_split(x, 4, axis=1)), (2, 3), dtype=C128,
         name="np.array_split(4,axis=1)", covers=[wnp.array_split, GET]),
    spec(lambda x: _weighted(wnp.hsplit(x, [1])), (2, 3), name="hsplit", covers=[wnp.hsplit, GET]),
    spec(lambda x: _weighted(wnp.hsplit(x, 2)), (4,), name="hsplit", covers=[wnp.hsplit, GET]),
    spec(lambda x: _weighted(np.vsplit(x, 2)), (2, 3), name="np.vsplit", covers=[wnp.vsplit, GET]),
    spec(lambda x: _weighted(wnp.dsplit(x, [1, 2])), (1, 2, 3), name="dsplit",
         covers=[wnp.dsplit, GET]),
    spec(lambda x: wnp.stack(wnp.split(x, 2)), (4,), name="stack(split)",
         covers=[wnp.split, GET, wnp.stack]),
]


# -- rearranging --------------------------------------------------------------------------
REARRANGING = [
    spec(lambda x: wnp.tile(x, 2), (3,), name="tile(2)",
         covers=[wnp.tile, wnp.broadcast_to, wnp.reshape]),
    spec(lambda x: wnp.tile(x, (2, 1, 3)), (2, 2), name="tile((2,1,3))",
         covers=[wnp.tile, wnp.broadcast_to, wnp.reshape]),
    spec(lambda x: np.tile(x, (1, 1)), (2, 3), name="np.tile((1,1))",
         covers=[wnp.tile, wnp.reshape]),
    spec(lambda x: wnp.tile(x, (3,)), (), dtype=C128, name="tile(3)",
         covers=[wnp.tile, wnp.broadcast_to]),
    spec(wnp.fliplr, (2, 3), covers=[wnp.fliplr, wnp.flip]),
    spec(lambda x: np.flipud(x), (3,), name="np.flipud", covers=[wnp.flipud, wnp.flip]),
    spec(wnp.rot90, (2, 3), covers=[wnp.rot90, wnp.flip, wnp.transpose]),
    spec(lambda x: wnp.rot90(x, 2), (2, 3), name="rot90(2)", covers=[wnp.rot90, wnp.flip]),
    spec(lambda x: wnp.rot90(x, -1, axes=(2, 0)), (2, 3, 2), name="rot90(-1,(2,0))",
         covers=[wnp.rot90, wnp.flip, wnp.transpose]),
    spec(lambda x: np.rot90(x, 7, (-1, -2)), (2, 3), dtype=C128, name="np.rot90(7,(-1,-2))",
         covers=[wnp.rot90, wnp.flip, wnp.transpose]),
    spec(lambda x: wnp.roll(x, 2), (2, 3), name="roll(2)", covers=[wnp.roll, GET]),
    spec(lambda x: wnp.roll(x, -1, axis=1), (2, 3), name="roll(-1,axis=1)", covers=[wnp.roll, GET]),
    spec(lambda x: np.roll(x, (1, 3), axis=(0, 0)), (3, 2), dtype=C128,
         name="np.roll((1,3),(0,0))", covers=[wnp.roll, GET]),
    spec(lambda x: wnp.roll(x, (1, -2), axis=(2, 0)), (2, 2, 3), name="roll((1,-2),(2,0))",
         covers=[wnp.roll, GET]),
    spec(wnp.triu, (3, 3), covers=[wnp.triu, "numpy.where"]),
    spec(lambda x: wnp.triu(x, -1), (2, 3, 4), name="triu(-1)", covers=[wnp.triu, "numpy.where"]),
    spec(lambda x: np.tril(x, 1), (3, 2), name="np.tril(1)", covers=[wnp.tril, "numpy.where"]),
    spec(lambda x: wnp.tril(x), (3,), name="tril", covers=[wnp.tril, "numpy.where"]),
    spec(lambda x: wnp.tril(x, -1) * 1j, (3, 3), dtype=C128, name="tril(-1)",
         covers=[wnp.tril, "numpy.where"]),
    spec(wnp.diag, (3,), covers=[wnp.diag, DIAG_ADJ]),
    spec(lambda x: wnp.diag(x, -2), (2,), name="diag(-2)", covers=[wnp.diag, DIAG_ADJ]),
    spec(lambda x: np.diag(x, 1), (3, 4), name="np.diag(1)", covers=[wnp.diag, wnp.diagonal]),
    spec(lambda x: wnp.diag(x), (2,), dtype=C128, name="diag", covers=[wnp.diag, DIAG_ADJ]),
    spec(lambda x: wnp.diagflat(x, 1), (2, 2), name="diagflat(1)",
         covers=[wnp.diagflat, wnp.diag, wnp.ravel, DIAG_ADJ]),
    spec(lambda x, y: wnp.insert(x, 1, y), (2, 2), (), name="insert(1)",
         covers=[wnp.insert, GET, CONCAT]),
    spec(lambda x, y: wnp.insert(x, [0, 2, 2], y, axis=1), (2, 3), (2, 1),
         name="insert([0,2,2],axis=1)", covers=[wnp.insert, GET, CONCAT]),
    spec(lambda x, y: np.insert(x, -1, y, axis=0), (2, 3), (3,), dtype=C128,
         name="np.insert(-1,axis=0)", covers=[wnp.insert, GET, CONCAT]),
    spec(lambda x: wnp.insert(x, slice(0, 2), 5.0, axis=0), (3,), name="insert(slice,const)",
         covers=[wnp.insert, GET]),
    spec(lambda x: wnp.delete(x, 1), (2, 3), name="delete(1)", covers=[wnp.delete, GET]),
    spec(lambda x: np.delete(x, [0, 2], axis=1), (2, 3), name="np.delete([0,2],axis=1)",
         covers=[wnp.delete, GET]),
    spec(lambda x: wnp.resize(x, (3, 3)), (2, 2), name="resize((3,3))", covers=[wnp.resize, GET]),
    spec(lambda x: np.resize(x, 2), (2, 3), name="np.resize(2)", covers=[wnp.resize, GET]),
    # zeros at the ends (the mask is a constant): the trimmed boundaries stay put
    # under finite-difference steps, so the slice is differentiable there
    spec(lambda x: wnp.trim_zeros(x * np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])), (6,),
         name="trim_zeros", covers=[wnp.trim_zeros, GET]),
    spec(lambda x: np.trim_zeros(x * np.array([0.0, 1.0, 1.0, 0.0]), "b"), (4,),
         name="np.trim_zeros(b)", covers=[wnp.trim_zeros, GET]),
    spec(lambda x: wnp.trim_zeros(x * np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 1.0]]), "f"), (2, 3),
         name="trim_zeros(f,2-d)", covers=[wnp.trim_zeros, GET]),
]


# -- padding ------------------------------------------------------------------------------
def _pad(mode, width, **kwargs):
    return lambda x: wnp.pad(x, width, mode, **kwargs)


PADDING = [
    spec(lambda x: wnp.pad(x, 1), (2, 3), name="pad(1)", covers=[wnp.pad, CONCAT]),
    spec(_pad("constant", ((1, 0), (2, 1)), constant_values=((1.0, 2.0), (3.0, 4.0))), (2, 2),
         name="pad(constant,values)", covers=[wnp.pad, CONCAT]),
    spec(lambda x, c: wnp.pad(x, (1, 2), constant_values=c), (2, 2), (), name="pad(traced c)",
         covers=[wnp.pad, CONCAT, wnp.broadcast_to]),
    spec(lambda x, c: wnp.pad(x, 1, constant_values=c), (3,), (2,), name="pad(traced pair)",
         covers=[wnp.pad, CONCAT, wnp.broadcast_to]),
    spec(lambda x: np.pad(x, (2, 1), "edge"), (2, 3), name="np.pad(edge)",
         covers=[wnp.pad, GET]),
    spec(_pad("wrap", ((4, 1), (0, 2))), (2, 3), name="pad(wrap)", covers=[wnp.pad, GET]),
    spec(_pad("reflect", ((3, 1), (5, 0))), (2, 3), name="pad(reflect)", covers=[wnp.pad, GET]),
    spec(_pad("reflect", (4, 6), reflect_type="odd"), (3,), name="pad(reflect,odd)",
         covers=[wnp.pad, GET, wnp.multiply]),
    spec(_pad("symmetric", ((2, 5), (1, 1))), (2, 2), name="pad(symmetric)",
         covers=[wnp.pad, GET]),
    spec(_pad("symmetric", (5, 2), reflect_type="odd"), (2,), dtype=C128,
         name="pad(symmetric,odd)", covers=[wnp.pad, GET, wnp.multiply]),
    spec(_pad("reflect", 2, reflect_type="odd"), (1, 3), name="pad(reflect,odd,n=1)",
         covers=[wnp.pad, GET]),
    spec(_pad("linear_ramp", ((2, 1), (1, 3)), end_values=((1.0, -1.0), (0.5, 2.0))), (2, 3),
         name="pad(linear_ramp)", covers=[wnp.pad, GET, CONCAT]),
    spec(_pad("linear_ramp", 2), (3,), dtype=C128, name="pad(linear_ramp)",
         covers=[wnp.pad, GET, CONCAT]),
    spec(_pad("mean", ((1, 2), (2, 0))), (2, 3), name="pad(mean)",
         covers=[wnp.pad, wnp.mean, wnp.broadcast_to, CONCAT]),
    spec(_pad("mean", 2, stat_length=((1, 2),)), (2, 3), name="pad(mean,stat_length)",
         covers=[wnp.pad, wnp.mean, CONCAT]),
    # distinct values (continuous samples): no ties among the statistics
    spec(_pad("median", (2, 1)), (4,), name="pad(median,even)",
         covers=[wnp.pad, wnp.sum, CONCAT]),
    spec(_pad("median", 1, stat_length=3), (2, 3), name="pad(median,odd)",
         covers=[wnp.pad, wnp.sum, CONCAT]),
    spec(_pad("maximum", ((1, 1), (0, 2))), (2, 3), name="pad(maximum)",
         covers=[wnp.pad, wnp.max, CONCAT]),
    spec(_pad("minimum", 1, stat_length=2), (3,), name="pad(minimum)",
         covers=[wnp.pad, wnp.min, CONCAT]),
]

# constructors whose fill value may be traced: the result is the fill value broadcast
CONSTRUCTORS = [
    spec(lambda x: wnp.full((2, 3), x), (), name="full((2,3), x)",
         covers=[wnp.full, wnp.broadcast_to]),
    spec(lambda x: wnp.full((3, 2), x), (2,), name="full((3,2), row)",
         covers=[wnp.full, wnp.broadcast_to]),
    spec(lambda x: wnp.full(3, x, dtype=C128), (), name="full(3, x, complex)",
         covers=[wnp.full, wnp.broadcast_to]),
    spec(lambda x: wnp.full_like(np.ones((2, 2)), x), (), name="full_like(plain, x)",
         covers=[wnp.full_like]),
    spec(lambda x, y: wnp.full_like(x, y) * x, (3,), (), name="full_like(x, y)",
         covers=[wnp.full_like]),
]
