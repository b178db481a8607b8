"""The shape operations in one namespace, for the modules that use many of them
(``from . import _shape``).  Each is defined by subject in its own module:

* :mod:`._reshape`: reshape, ravel, squeeze, expand_dims, swapaxes, moveaxis,
  transpose, flip, broadcast_to, diagonal (linear primitives) and what is composed of
  them (atleast_*d, rollaxis, broadcast_arrays, tile, fliplr, flipud, rot90);
* :mod:`._indexing`: ``x[idx]`` (getitem) and its adjoint, sequence_item, and the
  gathers (take, repeat, roll, insert, delete, resize, trim_zeros);
* :mod:`._joining`: concatenate, the stacks and the splits;
* :mod:`._creation`: array, asarray, copy, full, triu, tril, diag, diagflat;
* :mod:`._pad`: pad.

``reshape``, ``ravel``, ``moveaxis``, ``flip``, ``broadcast_to``, ``diagonal`` and
``concatenate`` are declared in :mod:`._wrapped` (the reductions' rules call them).
"""
from ._creation import (  # noqa: F401
    array, asarray, contains_box, copy, diag, diagflat, full, tril, triu)
from ._indexing import (  # noqa: F401
    _getitem_impl, _untake, _untake_impl, delete, getitem, index_dim, insert, repeat,
    resize, roll, sequence_item, take, trim_zeros)
from ._joining import (  # noqa: F401
    append, array_split, column_stack, dsplit, dstack, hsplit, hstack, row_stack, split,
    stack, vsplit, vstack)

from ._reshape import (  # noqa: F401
    _diagonal_adjoint, atleast_1d, atleast_2d, atleast_3d, broadcast_arrays, broadcast_to,
    diagonal, expand_dims, flip, fliplr, flipud, moveaxis, ravel, reshape, rollaxis, rot90,
    squeeze, swapaxes, tile, transpose)
from ._wrapped import _concat, concatenate  # noqa: F401

_contains_box = contains_box    # (its name in _index_tricks)
