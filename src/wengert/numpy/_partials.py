"""``def_elementwise``: the reverse and forward rules of an elementwise function from
its partial derivatives (the rules of :mod:`._elementwise` and of ``scipy.special``)."""
import numpy as _np

from .._core import declare_elementwise, defjvp, defvjp
from ._dispatch import casts_to_constant, dtype
from ._unbroadcast import broadcast_like, unbroadcast


def def_elementwise(fun, *partials):
    """Declare the partial derivatives of an elementwise (broadcasting) function.

    ``partials[i](ans, *args)`` is d ans / d args[i], elementwise, written with
    ``wengert.numpy`` operations; ``None`` means that argument is not
    differentiable.  Reverse and forward rules for every order follow.

    Example:
        >>> import numpy
        >>> import wengert, wengert.numpy as np
        >>> from wengert.extend import primitive, def_elementwise
        >>> softplus = primitive(lambda x: numpy.logaddexp(0.0, x))
        >>> def_elementwise(softplus, lambda ans, x: 1 - np.exp(-ans))
        >>> wengert.grad(softplus)(0.0)   # sigmoid(0)
        0.5
    """
    for i, partial in enumerate(partials):
        if partial is None:
            continue

        # (g * partial(...) in one expression: NumPy then multiplies into the partial's
        # temporary array instead of allocating a third array of the data's size)
        def vjp(g, ans, *args, _p=partial, _i=i, **kwargs):
            if kwargs and casts_to_constant(kwargs):
                return None
            try:
                r, x = g * _p(ans, *args), args[_i]
                if (type(r) is _np.ndarray and type(x) is _np.ndarray and r.shape == x.shape
                        and r.dtype.kind != "c"):
                    return r   # (unbroadcast's first case, without its call: nothing to sum)
                return unbroadcast(r, x)
            except (ZeroDivisionError, OverflowError, TypeError):
                return unbroadcast(g * _p(ans, *_as_numpy(args, ans)), args[_i])

        def jvp(t, ans, *args, _p=partial, **kwargs):
            if kwargs and casts_to_constant(kwargs):
                return None
            try:
                return broadcast_like(t * _p(ans, *args), ans)
            except (ZeroDivisionError, OverflowError, TypeError):
                return broadcast_like(t * _p(ans, *_as_numpy(args, ans)), ans)

        defvjp(fun, vjp, argnums=(i,))
        defjvp(fun, jvp, argnums=(i,))
    declare_elementwise(fun)


def _as_numpy(args, ans):
    """``args`` with Python numbers as NumPy scalars and lists as arrays.  A partial
    derivative is first computed on the arguments as they are (Python arithmetic is
    fastest); where Python's arithmetic differs from NumPy's (it raises ZeroDivisionError
    or OverflowError where NumPy gives inf or nan, with NumPy's warning; lists do not
    broadcast) it is computed again on these.  A Python number is weak in NumPy (it takes
    the other operand's precision): it becomes a scalar of the precision of the result
    ``ans`` (float64 for a result that is not floating), so that float32 stays float32."""
    dt = dtype(ans)
    real = _np.dtype(dt.char.lower()) if dt.kind == "c" else dt if dt.kind == "f" else \
        _np.dtype(_np.float64)
    cplx = _np.result_type(real, _np.complex64)

    def numpy(a):
        if type(a) in (float, int):
            return real.type(a) if type(a) is float or abs(a) < 2 ** 53 else _np.float64(a)
        return cplx.type(a) if type(a) is complex else \
            _np.asarray(a) if type(a) in (list, tuple) else a

    return [numpy(a) for a in args]
