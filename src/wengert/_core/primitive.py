"""Primitives: functions whose derivative rules are known.

``primitive(fun)`` returns a function that behaves exactly like ``fun`` on
plain values and hands the call to the highest-level active trace when any
argument is a box.  The rules live on a :class:`Primitive` record attached to
the wrapped function as ``._prim``.

Every field of the record is set through the declarations of ``rules.py``
(``defvjp``, ``defjvp``, ``defbatch``, ``def_keep`` ...); nothing outside the core
writes it.

Internal rule convention (one for both modes, see ``rules.py``):
  reverse rule for argument i:  ``vjp(g, ans, *args, **kwargs) -> cotangent``
  forward rule for argument i:  ``jvp(t, ans, *args, **kwargs) -> tangent``
"""
import types
import inspect
import weakref
from _thread import allocate_lock as _allocate_lock   # threading.Lock, without threading

from .batching import batch_trace_of
from .box import Box
from .hooks import lifting as _lifting

# Every live primitive (weak: a primitive nobody refers to any more is dropped); the
# lock keeps a listing in one thread safe from a primitive made in another.
_registry = weakref.WeakSet()
_registry_lock = _allocate_lock()


class Primitive:
    __slots__ = ("fun", "name", "wrapped", "vjps", "jvps", "vjp_any", "jvp_any",
                 "vjp_joint", "jvp_joint", "elementwise", "batch", "loop_only", "keep",
                 "arrays", "vjp_inplace", "__weakref__")

    def __init__(self, fun, name):
        self.fun = fun
        self.name = name
        self.wrapped = None
        self.vjps = {}      # argnum -> rule
        self.jvps = {}      # argnum -> rule
        self.vjp_any = None  # rule(argnum, g, ans, *args, **kw) for any argnum
        self.jvp_any = None
        # joint rules, for primitives whose cotangents share work:
        # vjp_joint(argnums, g, ans, *args, **kw) -> one cotangent per argnum
        # jvp_joint(argnums, tangents, ans, *args, **kw) -> tangent of ans
        self.vjp_joint = None
        self.jvp_joint = None
        # an elementwise (broadcasting, ufunc-like) function: vmap batches it by
        # aligning the batch axes, with no rule of its own (see rules.declare_elementwise)
        self.elementwise = False
        # batching rule for vmap: batch(args, dims, kwargs) -> (out, out_dim)
        self.batch = None
        # why vmap maps this primitive with a Python loop (see rules.def_loop_only)
        self.loop_only = None
        # what the reverse rules read (see rules.def_keep): None = everything
        self.keep = None
        # lists and tuples that are array operands (see rules.def_array_args):
        # None, or (to_array, argnums), argnums None meaning the arguments with rules
        self.arrays = None
        # a reverse rule that may write into ans (see rules.def_vjp_inplace): None, or
        # (the ordinary rule it stands for, {0: rule})
        self.vjp_inplace = None

    def __repr__(self):
        return f"<primitive {self.name}>"


def _name_of(fun):
    mod = getattr(fun, "__module__", None) or ""
    name = getattr(fun, "__name__", None) or repr(fun)
    return f"{mod}.{name}" if mod else name


def _named_like(wrapper, fun):
    """``functools.wraps(fun)(wrapper)``, at half its cost (some 200 primitives are made
    while wengert imports): the names, the docstring, the attributes, ``__wrapped__``, and
    the annotations of a Python function (a ufunc has none to look for)."""
    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        try:
            setattr(wrapper, attr, getattr(fun, attr))
        except AttributeError:
            pass
    if type(fun) is types.FunctionType:
        wrapper.__annotations__ = fun.__annotations__
    attrs = getattr(fun, "__dict__", None)
    if attrs:
        wrapper.__dict__.update(attrs)
    wrapper.__wrapped__ = fun
    return wrapper


def primitive(fun, name=None):
    """Make ``fun`` a primitive that traces can record.

    Example:
        >>> import math
        >>> from wengert.extend import primitive, defvjp
        >>> logistic = primitive(lambda x: 1 / (1 + math.exp(-x)))
        >>> defvjp(logistic, lambda ans, x: lambda g: g * ans * (1 - ans))
        >>> logistic(0.0)
        0.5
    """
    prim = Primitive(fun, name or _name_of(fun))

    def wrapped(*args, **kwargs):
        if _lifting:    # wengert.compile traces (see hooks.lifting)
            args, kwargs, fold = _lifting[0](fun, args, kwargs)
            if fold is not None:
                return fold(fun, args, kwargs)
        if kwargs:
            for v in kwargs.values():
                if isinstance(v, Box) or type(v) is tuple or type(v) is list:
                    if _has_box(kwargs):
                        args, kwargs = _positional(fun, prim.name, args, kwargs)
                    break
        top = None
        seq = False
        for a in args:
            if isinstance(a, Box):
                t = a._trace
                if top is None or t.level > top.level:
                    top = t
            elif type(a) is tuple or type(a) is list:
                seq = True
                # an index tuple, say: a value-level (batched) box inside it counts
                # too, at its level, whatever else is boxed
                t = batch_trace_of(a)
                if t is not None and (top is None or t.level > top.level):
                    top = t
        if seq and prim.arrays is not None:
            args, top = _sequences_to_arrays(prim, args, top)
        if top is None:
            return fun(*args, **kwargs)
        return top.apply(prim, args, kwargs)

    _named_like(wrapped, fun)
    wrapped._prim = prim
    wrapped._is_primitive = True
    prim.wrapped = wrapped
    with _registry_lock:
        _registry.add(prim)
    return wrapped


def operator_method(fun, reflected=False):
    """A box class's operator method for the primitive ``fun`` of two arguments:
    ``fun(self, other)`` (``fun(other, self)`` when ``reflected``).  With an ``other``
    that is no box and no list or tuple (a constant array, a number), the box's own trace
    is the one the primitive would find: the call goes to it at once, without the
    primitive's search of its arguments (a box's ``+``, ``*`` and ``@`` are the hottest
    calls of eager code).  So does a call whose ``other`` is a box of the same trace
    (``h @ W`` with both traced): the primitive would find that trace too."""
    prim = fun._prim
    no_kwargs = {}

    if reflected:
        def method(self, other):
            if _lifting or (other._trace is not self._trace if isinstance(other, Box)
                            else type(other) is tuple or type(other) is list):
                return fun(other, self)
            return self._trace.apply(prim, (other, self), no_kwargs)
    else:
        def method(self, other):
            if _lifting or (other._trace is not self._trace if isinstance(other, Box)
                            else type(other) is tuple or type(other) is list):
                return fun(self, other)
            return self._trace.apply(prim, (self, other), no_kwargs)

    method.__name__ = method.__qualname__ = prim.name.rpartition(".")[2]
    return method


def holds_box(seq):
    """Whether a (nested) list or tuple holds a box."""
    for x in seq:
        if isinstance(x, Box) or (type(x) in (list, tuple) and holds_box(x)):
            return True
    return False


def _sequences_to_arrays(prim, args, top):
    """``args`` with the lists and tuples at array positions made arrays (once, so that
    no rule sees a sequence), and the highest trace among the result.  A call with no
    traced value anywhere is left to the function itself."""
    to_array, argnums = prim.arrays
    out = None
    for i, a in enumerate(args):
        if type(a) is not list and type(a) is not tuple:
            continue
        if argnums is not None:
            if i not in argnums:
                continue
        elif not (i in prim.vjps or i in prim.jvps or prim.vjp_any is not None
                  or prim.jvp_any is not None):
            continue
        if top is None and not holds_box(a):
            continue
        if out is None:
            out = list(args)
        out[i] = a = to_array(a)
        if isinstance(a, Box) and (top is None or a._trace.level > top.level):
            top = a._trace
    return (args, top) if out is None else (tuple(out), top)


def notrace_primitive(fun):
    """Wrap a function whose result is not differentiable (shapes, predicates,
    integer results): boxes are removed from its arguments before the call, and
    the result is a plain constant."""

    def wrapped(*args, **kwargs):
        if _lifting:    # wengert.compile traces (see hooks.lifting)
            args, kwargs, fold = _lifting[0](fun, args, kwargs)
            if fold is not None:
                return fold(fun, args, kwargs)
        args = [_strip(a) for a in args]
        if kwargs and _has_box(kwargs):
            kwargs = {k: _strip(v) for k, v in kwargs.items()}
            if _has_box(kwargs):   # a batched value: vmap batches positional arguments
                args, kwargs = _positional(fun, _name_of(fun), args, kwargs)
        for a in args:
            if isinstance(a, Box) or (type(a) in (list, tuple) and any(
                    isinstance(x, Box) for x in a)):  # only batched boxes are left
                return batch_trace_of(args).apply_raw(fun, args, kwargs)
        return fun(*args, **kwargs)

    _named_like(wrapped, fun)
    wrapped._notrace = True
    return wrapped


def _has_box(kwargs):
    for v in kwargs.values():
        if isinstance(v, Box) or (type(v) in (list, tuple) and any(
                isinstance(x, Box) for x in v)):
            return True
    return False


def _positional(fun, name, args, kwargs):
    """``args, kwargs`` with each traced keyword argument passed by position instead:
    traces differentiate (and batch) positional arguments only, and a traced value
    left in ``kwargs`` would reach the plain function (which hands it back to the
    wrapper through NumPy's dispatch, without end)."""
    try:
        bound = inspect.signature(fun).bind(*args, **kwargs)
        bound.apply_defaults()
        args, kwargs = bound.args, bound.kwargs
    except (TypeError, ValueError):
        pass
    for k, v in kwargs.items():
        if _has_box({k: v}):
            raise TypeError(
                f"{name}: the keyword argument {k}= is a traced value, which can only be "
                "differentiated when passed by position; pass it positionally, or "
                f"wengert.stop_gradient({k}) if a constant is meant")
    return tuple(args), kwargs


def _strip(x):
    while isinstance(x, Box):
        if x._value_level:
            return x._strip()
        x = x._value
    if type(x) in (list, tuple):
        return type(x)(_strip(v) for v in x)
    return x


def get_primitive(f):
    """The :class:`Primitive` record behind a wrapped function (or None)."""
    return getattr(f, "_prim", None)


def registered_primitives():
    """Every live primitive, as {wrapped function: Primitive}."""
    with _registry_lock:
        prims = list(_registry)
    return {p.wrapped: p for p in prims}
