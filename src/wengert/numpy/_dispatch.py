"""Wrapping NumPy functions, and what plain ``numpy`` calls on traced values mean."""
import numpy as _np

from .._core import (Box, box_trace, box_value, def_array_args, defjvp, defvjp, get_primitive, getval,
                     holds_box, notrace_primitive, primitive)
from .._core.primitive import _name_of
from ._backends import is_foreign, numpy_dtype

# Python and NumPy float64 scalars: scalar code's fast paths
FLOAT_SCALARS = (float, _np.float64)

# numpy function or ufunc -> our function with the same meaning
_EQUIVALENTS = {}


def equivalent_of(np_fun):
    """Our function for plain ``np_fun`` applied to traced values, or None.  The
    modules ``wengert.numpy`` loads on first use (``linalg``, ``fft``, ``_sets``, ...)
    record theirs when loaded: on a miss they are loaded and asked too."""
    fun = _EQUIVALENTS.get(np_fun)
    if fun is None and _lazy_pending:
        load_submodules()
        fun = _EQUIVALENTS.get(np_fun)
    return fun


_lazy_pending = [True]    # emptied once the lazily loaded submodules are loaded


def load_submodules():
    """Load the submodules of ``wengert.numpy`` that define primitives and are otherwise
    loaded on first use, for code that looks primitives up by the NumPy function or
    lists them all."""
    if _lazy_pending:
        import importlib
        from . import _LAZY_MODULES, fft, linalg  # noqa: F401
        for module in _LAZY_MODULES:
            importlib.import_module(f"{__package__}.{module}")
        _lazy_pending.clear()


class LoadOnUse:
    """Stands for module ``name`` under the global ``alias`` of a module that uses it rarely:
    the first attribute read imports it and puts the module itself in its place, so
    later reads cost what a module's do (``_array_box`` uses it for ``_inplace``, which
    only writes need)."""

    __slots__ = ("_namespace", "_alias", "_name")

    def __init__(self, namespace, alias, name):
        self._namespace, self._alias, self._name = namespace, alias, name

    def __getattr__(self, attr):
        import importlib
        module = importlib.import_module(self._name)
        self._namespace[self._alias] = module
        return getattr(module, attr)


def equivalent(np_fun, our_fun):
    """Record that plain ``np_fun`` applied to traced values means ``our_fun``."""
    _EQUIVALENTS[np_fun] = our_fun
    return our_fun


def wrap(np_fun, name=None, fast=None):
    """``primitive(np_fun)``, also answering plain ``numpy`` calls on boxes.

    ``fast`` is a faster function computing the same values on common inputs (made
    by :func:`method_fast` or :func:`stand_in`); the primitive runs it instead.
    A list or tuple given where the function differentiates (``x / [1.0, 2.0]``,
    ``sum([x * x, x])``) is an array, as in NumPy: it becomes one before rules see it."""
    if name is None and isinstance(np_fun, _np.ufunc):
        name = f"numpy.{np_fun.__name__}"  # NumPy 1.x ufuncs have no __module__
    fun = primitive(fast or np_fun, name or _name_of(np_fun))
    def_array_args(fun, sequence_to_array)
    return equivalent(np_fun, fun)


def sequence_to_array(seq):
    """A (nested) list or tuple of plain and traced values as one array (traced if
    any entry is)."""
    from ._creation import array  # _creation builds on this module
    return array(seq)


def stand_in(np_fun, fun, how):
    """Name ``fun`` after ``np_fun``, which it computes (``how`` says how) and which
    ``wengert.compile`` records in its place."""
    fun.__name__ = fun.__qualname__ = np_fun.__name__
    fun.__doc__ = f"numpy.{np_fun.__name__}, {how}."
    fun._ufunc = np_fun
    return fun


def method_fast(np_fun, method):
    """``np_fun`` as the ``ndarray`` method computing the same thing, on arrays:
    ``x.sum(axis=0)`` costs half of ``numpy.sum(x, axis=0)``, whose Python-level
    dispatch dominates small arrays."""
    meth = getattr(_np.ndarray, method)

    def fun(x, *args, **kwargs):
        if type(x) is _np.ndarray:
            if not kwargs:
                return meth(x, *args)
            try:
                return meth(x, *args, **kwargs)
            except TypeError:   # a method that takes no keywords (swapaxes)
                pass
        return np_fun(x, *args, **kwargs)

    return stand_in(np_fun, fun, f"as ndarray.{method} on arrays")


def nondiff(np_fun):
    """A function whose result carries no derivative (shapes, predicates,
    integer or piecewise-constant results): boxes are stripped from its
    arguments and the result is a constant."""
    return equivalent(np_fun, notrace_primitive(np_fun))


def casts_to_constant(kwargs):
    """Whether a call's ``dtype=`` keyword casts its result to an integer, boolean or
    other non-inexact dtype: such a result is piecewise constant and carries no
    derivative (the rules of that call give a symbolic zero)."""
    dt = kwargs.get("dtype")
    return dt is not None and _np.dtype(dt).kind not in "fc"


def guard_casts(fun, jvp_only=False):
    """Make the rules of primitive ``fun`` (which takes ``dtype=``) give a symbolic
    zero when it is called with an integer or boolean ``dtype`` (``jvp_only``: the
    reverse rules check it themselves, without this extra call)."""
    prim = get_primitive(fun)
    for table, declare in (((prim.jvps, defjvp),) if jvp_only else
                           ((prim.vjps, defvjp), (prim.jvps, defjvp))):
        for i, rule in list(table.items()):
            def guarded(c, ans, *args, _rule=rule, **kwargs):
                if kwargs and casts_to_constant(kwargs):
                    return None
                return _rule(c, ans, *args, **kwargs)
            declare(fun, guarded, argnums=(i,))
    return fun


def recorded(v):
    """Whether ``v`` is a value ``wengert.compile`` records (a tracer of its lowest
    trace): one concrete array to every transform above it, whose calls are recorded."""
    return isinstance(v, Box) and box_trace(v).records_calls


def val(x):
    """``x`` with every differentiation box removed (a batched value inside
    ``vmap`` stays batched, so masks computed from it are batched too)."""
    if isinstance(x, Box):
        return getval(x)
    if (type(x) is list or type(x) is tuple) and holds_box(x):
        return type(x)(val(v) for v in x)
    return x


def innermost(x):
    """The value under every box of every kind (a batched value of ``vmap`` too): for
    what only the plain value can answer (its dtype, its text)."""
    while isinstance(x, Box):
        x = box_value(x)
    return x


def asarray(x):
    """``numpy.asarray(x)``, except that a value-level box (a batched value of
    ``vmap``, a traced value of ``compile``) stays as it is, and a list or tuple
    holding traced values becomes a traced array."""
    if isinstance(x, Box):
        return x
    if (type(x) is list or type(x) is tuple) and holds_box(x):
        return sequence_to_array(x)
    if type(x) is not _np.ndarray and is_foreign(x):
        return x                        # a Dask array stays lazy, a CuPy array on its GPU
    return _np.asarray(x)


def array_like(x):
    """``x``, except that a list or tuple becomes an array (traced if it holds traced
    values), as NumPy reads one: for functions composed of others, which index their
    arguments or test them with ``isinstance(x, Box)``."""
    if type(x) is list or type(x) is tuple:
        return sequence_to_array(x)
    return x


def some(mask):
    """``bool(numpy.any(mask))`` for fast paths that skip work when no entry is set;
    True for a batched mask inside ``vmap`` (the general path is right for every
    example, and the examples may differ), and for a lazy Dask mask (testing it would
    compute the graph)."""
    if isinstance(mask, Box) or (type(mask) is not _np.ndarray and is_foreign(mask)):
        return True
    return bool(_np.any(mask))


def shape(x):
    """Shape of a plain or traced value (or a list of them), without leaving the tape."""
    try:
        return x.shape
    except AttributeError:
        if (type(x) is list or type(x) is tuple) and holds_box(x):
            x = val(x)    # the values' shape: nothing recorded
            if holds_box(x):   # batched values (vmap) stay boxed
                return shape(sequence_to_array(x))
        return _np.shape(x)


def dtype(x):
    x = val(x)
    try:
        d = x.dtype
    except AttributeError:
        if type(x) is list or type(x) is tuple:   # result_type would read it as a dtype
            return _np.asarray(x).dtype
        return _np.result_type(x)
    if type(x) is _np.ndarray or isinstance(d, _np.dtype):
        return d
    return numpy_dtype(d)    # an array API library's dtype: NumPy's of the same name


def iscomplexobj(x):
    """``numpy.iscomplexobj`` of a plain or traced value: whether its dtype is complex
    (not its entries; cheap: this is on the hot path)."""
    t = type(x)
    if t is _np.ndarray:    # (the usual case: no unboxing to try)
        return x.dtype.kind == "c"
    if t is not list and t is not tuple:
        v = innermost(x)    # (a box has the dtype of the array under all its boxes)
        if type(v) is _np.ndarray:
            return v.dtype.kind == "c"
    x = val(x)
    t = type(x)
    if t is float or t is _np.float64:
        return False
    d = getattr(x, "dtype", None)
    if d is None:
        return _np.iscomplexobj(x)
    try:
        return d.kind == "c"
    except AttributeError:      # an array API library's dtype
        return numpy_dtype(d).kind == "c"
