"""``wengert.numpy.numpy_wrapper``: autograd's NumPy-wrapping helpers.

Every NumPy name of :mod:`wengert.numpy` is reachable here too (autograd keeps
its wrapped namespace in this module).  Defined here: ``linspace`` (now
differentiable in ``start`` and ``stop``), ``make_diagonal`` (the inverse of
``diagonal``), ``metadata``, ``array_from_args``, ``concatenate_args`` and
``wrap_namespace``.

Example:
    >>> import numpy, wengert
    >>> from wengert.numpy.numpy_wrapper import linspace, make_diagonal
    >>> wengert.grad(lambda a: linspace(a, 1.0, 5)[1])(0.0)   # 1 - 1/4
    0.75
    >>> make_diagonal(numpy.array([1.0, 2.0]), axis1=-1, axis2=-2)
    array([[1., 0.],
           [0., 2.]])
"""
import types as _types

import numpy as _np

from .._core import Box, getval, notrace_primitive, primitive
from ._dispatch import equivalent
from . import _elementwise
from . import _shape

__all__ = ["linspace", "make_diagonal", "metadata", "array_from_args", "concatenate_args",
           "wrap_namespace", "wrap_intdtype", "numpy_version", "notrace_functions",
           "primitive", "notrace_primitive", "Box"]

numpy_version = _np.__version__


def _linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    if not (isinstance(start, Box) or isinstance(stop, Box)):
        return _np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
    # start + (stop - start) * t with NumPy's fractions t of the way
    t = _np.linspace(0.0, 1.0, num, endpoint).astype(
        _np.result_type(getval(start), getval(stop), 1.0))   # 1.0: a weak Python float
    shape = _np.broadcast_shapes(_np.shape(getval(start)), _np.shape(getval(stop)))
    t = t.reshape((num,) + (1,) * len(shape))
    samples = start + (stop - start) * t
    if axis != 0:
        samples = _shape.moveaxis(samples, 0, axis)
    if dtype is not None:
        samples = _elementwise.astype(samples, dtype)
    if retstep:
        step = (stop - start) / ((num - 1) if endpoint else num) if num > int(endpoint) \
            else _np.nan
        return samples, step
    return samples


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``numpy.linspace``, differentiable in ``start`` and ``stop``."""
    return _linspace(start, stop, num, endpoint, retstep, dtype, axis)


equivalent(_np.linspace, linspace)


def make_diagonal(D, offset=0, axis1=0, axis2=1):
    """The array whose diagonal over its last two axes is ``D`` (shape
    ``D.shape + D.shape[-1:]``), zero elsewhere: autograd's complement of
    ``diagonal``.  Like autograd, only ``offset=0, axis1=-1, axis2=-2``."""
    if not (offset == 0 and {axis1, axis2} == {-1, -2}):
        raise NotImplementedError(
            f"make_diagonal supports only offset=0, axis1=-1, axis2=-2 (as in autograd); got "
            f"offset={offset}, axis1={axis1}, axis2={axis2}; move the axes with "
            "wengert.numpy.moveaxis afterwards")
    n = _np.shape(getval(D))[-1]
    return _elementwise.where(_np.eye(n, dtype=bool), _shape.expand_dims(D, -1), 0)


def metadata(A):
    """``(shape, ndim, dtype, iscomplex)`` of ``A``'s value (for unbroadcasting rules)."""
    a = getval(A)
    return _np.shape(a), _np.ndim(a), _np.result_type(a), _np.iscomplexobj(a)


def array_from_args(front_args, back_args, *args):
    """``numpy.array(*front_args, args, *back_args)``, differentiable in ``args``."""
    return _shape.array(*(tuple(front_args) + (list(args),) + tuple(back_args)))


def concatenate_args(axis, *args):
    """``numpy.concatenate(args, axis)``, differentiable."""
    return _shape.concatenate(list(args), axis)


metadata._notrace = True   # describes a value; no derivative


notrace_functions = [_np.ndim, _np.shape, _np.iscomplexobj, _np.result_type]


def wrap_intdtype(cls):
    """autograd wraps NumPy's integer types so that calling them strips boxes;
    here NumPy's own types are used."""
    return cls


def wrap_namespace(old, new):
    """Fill dict ``new`` with ``old``'s values: functions and ufuncs made
    primitives (differentiable once rules are given with
    :func:`wengert.extend.defvjp`), everything else as it is."""
    function_types = (_np.ufunc, _types.FunctionType, _types.BuiltinFunctionType)
    for name, obj in old.items():
        if name in notrace_functions:
            new[name] = notrace_primitive(obj)
        elif callable(obj) and type(obj) in function_types:
            new[name] = primitive(obj)
        else:
            new[name] = obj


wrap_namespace._notrace = True   # a tool for rule authors, not an operation


def __getattr__(name):
    from .. import numpy as wnp
    try:
        return getattr(wnp, name)
    except AttributeError:
        raise AttributeError(
            f"module 'wengert.numpy.numpy_wrapper' has no attribute {name!r}") from None
