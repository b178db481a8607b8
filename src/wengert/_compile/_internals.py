"""Every name ``wengert.compile`` takes from the internals of other wengert modules.

The rest of ``_compile`` imports these from here, never from the modules below, so
that a rename or a move there fails here, loudly, at import (a lookup by string
name would fail silently and drop an optimisation or a check).  Names with a
public home (``wengert.numpy.X``, ``wengert._core``) are not listed: import them
from there.
"""
from ..numpy._array_box import ArrayBox, SequenceBox   # the boxes a Tracer extends
from ..numpy._backends import backend_name, is_foreign  # other libraries' arrays run eagerly
from ..numpy._elementwise import _astype_impl          # astype's NumPy function
from ..numpy._indexing import _getitem_impl            # indexing's NumPy function
from ..numpy._vspace import ArrayVSpace                # its cast is an identity on its own type
from ..transforms._readings import expand_boxed_containers  # a result's boxed tuples

__all__ = ["ArrayBox", "SequenceBox", "backend_name", "is_foreign", "_astype_impl", "_getitem_impl", "ArrayVSpace",
           "expand_boxed_containers"]
