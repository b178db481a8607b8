"""In-place updates of traced arrays: two primitives and copy-on-write tracing.

Traced values are never written in place.  ``index_update(x, idx, v)`` (``x``
with ``x[idx] = v``) and ``index_add(x, idx, v)`` (``np.add.at``) return new
arrays, and their derivative rules, written with differentiable operations,
serve both modes at any order.  On top of them, ``x[idx] = v``, ``x += y``,
``np.add.at(x, ...)`` and ``out=x`` on a traced ``x`` record the update and
then *rebind* the box ``x`` to the result: every Python name bound to that
box sees the change, as with NumPy, while the values recorded earlier (and the
caller's arrays) stay untouched.

Views follow NumPy: a box made by basic indexing, ``.T``, ``reshape`` and
the other view-making methods and NumPy functions remembers its base (its
base remembers it weakly).  Writing through the base recomputes its live views;
writing through a view writes the view back into its base.  Writing into a
read-only view (``diagonal``, ``broadcast_to``) raises, as NumPy does.

Long on purpose: the two primitives and the copy-on-write layer on them (rebinding,
views written through, ``out=``, ``ufunc.at``) are one mechanism.  Dask: ``_dask_ops``.
"""
import numpy as _np

from .._core import (Box, DualTrace, TapeTrace, box_trace, box_value, def_keep, defbatch, defjvp,
                     defvjp, no_rule_message, notrace_primitive, primitive, rebind)
from ._batchrules import repeat, size as batch_size, to0, with_loop
from . import _dask_ops, _elementwise, _shape
from ._dispatch import array_like, dtype, dtype as _dtype_of, equivalent, shape, val
from ._indexing import index_dim
from ._views import _innermost, _is_basic
from ._unbroadcast import unbroadcast


# -- indices ------------------------------------------------------------------------------
def _index(idx):
    """A frozen copy of an index: boxes removed (indices carry no derivative) and
    lists made arrays, so that a later change to the caller's list changes nothing."""
    if type(idx) is tuple:
        return tuple(_index_item(i) for i in idx)
    return _index_item(idx)


def _index_item(i):
    if i is None or i is Ellipsis or type(i) in (int, slice):
        return i
    i = val(i)
    if isinstance(i, (list, _np.ndarray)):
        i = _np.array([val(j) for j in i] if type(i) is list else i)
        return i.astype(_np.intp) if i.size == 0 else i
    return i


def _winners(xshape, idx):
    """For an advanced index with repeated positions, which elements of
    ``x[idx]`` NumPy's assignment keeps (the others are overwritten); ``None``
    when every element is kept."""
    if _is_basic(idx):
        return None
    tag = _np.full(xshape, -1, dtype=_np.intp)
    order = _np.arange(tag[idx].size).reshape(_np.shape(tag[idx]))
    tag[idx] = order
    keep = tag[idx] == order
    return None if keep.all() else keep


# -- the primitives -----------------------------------------------------------------------
def _index_update_impl(x, idx, v):
    if _dask_ops.on_dask(x, v):
        return _dask_ops.write(x, idx, v, False, _is_basic(idx))
    out = _np.array(x, copy=True)
    out[idx] = v
    return out


def _index_add_impl(x, idx, v):
    if _dask_ops.on_dask(x, v):
        return _dask_ops.write(x, idx, v, True, _is_basic(idx))
    out = _np.array(x, copy=True)
    if _is_basic(idx):
        out[idx] += v
    else:
        _np.add.at(out, idx, v)
    return out


_index_update = primitive(_index_update_impl, "wengert.numpy.index_update")
_index_add = primitive(_index_add_impl, "wengert.numpy.index_add")


def _zeros_of(ans):
    return _dask_ops.zeros_of(val(ans))


def _integral(ans):
    """A value written into an integer or boolean array is cast: no derivative passes."""
    return dtype(ans).kind not in "fc"


def _update_vjp_v(g, ans, x, idx, v):
    gv = _shape.getitem(g, idx)
    keep = _winners(shape(x), idx)
    if keep is not None:  # an overwritten element does not reach the result
        gv = _elementwise.where(keep, gv, 0.0)
    return unbroadcast(gv, v)


defvjp(_index_update,
       lambda g, ans, x, idx, v: _index_update(g, idx, 0.0),
       lambda g, ans, x, idx, v: None if _integral(ans) else _update_vjp_v(g, ans, x, idx, v),
       argnums=(0, 2))
defjvp(_index_update,
       lambda t, ans, x, idx, v: _index_update(t, idx, 0.0),
       lambda t, ans, x, idx, v: None if _integral(ans) else
       _index_update(_zeros_of(ans), idx, t),
       argnums=(0, 2))
def_keep(_index_update, args={0: (1,), 2: (1,)})        # the index only

defvjp(_index_add,
       lambda g, ans, x, idx, v: g,
       lambda g, ans, x, idx, v: unbroadcast(_shape.getitem(g, idx), v),
       argnums=(0, 2))
defjvp(_index_add,
       lambda t, ans, x, idx, v: t,
       lambda t, ans, x, idx, v: _index_add(_zeros_of(ans), idx, t),
       argnums=(0, 2))


# -- batching (wengert.vmap) --------------------------------------------------------------
def _index_write_batch(fun):
    """The batching rule of ``x[idx] = v`` / ``np.add.at(x, idx, v)`` (``fun``) with an
    unbatched index: the batched target gets a leading full slice, ``v`` its batch axis
    where NumPy puts it in ``x[(:,) + idx]``.  A batched index runs once per example."""

    def rule(args, dims, kwargs):
        (x, idx, v), (dx, di, dv) = args, dims
        if di is not None or kwargs:
            return None
        idx = idx if type(idx) is tuple else (idx,)
        if any(isinstance(i, Box) for i in idx):
            return None
        n = batch_size(args, dims)
        x = repeat(x, n) if dx is None else to0(x, dx)
        target = _np.broadcast_to(_np.zeros((), bool), shape(x)[1:])[idx].shape
        d = index_dim(idx)
        if dv is not None or d:
            v = repeat(v, n) if dv is None else to0(v, dv)
            s = shape(v)
            v = _shape.reshape(v, s[:1] + (1,) * (len(target) - len(s) + 1) + s[1:])
            if d:
                v = _shape.moveaxis(v, 0, d)
        return fun(x, (slice(None),) + idx, v), 0

    return with_loop(fun, rule)


defbatch(_index_update, _index_write_batch(_index_update))
defbatch(_index_add, _index_write_batch(_index_add))


def index_update(x, idx, v):
    """``x`` with ``x[idx] = v``, as a new array (``x`` is not changed).

    ``v`` broadcasts and is cast to ``x``'s dtype as in NumPy's assignment;
    with repeated advanced indices the last write wins, as in NumPy.  The
    derivative flows to the old contents of ``x`` outside ``idx`` and to ``v``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> np.index_update(np.zeros(3), 1, 5.0)
        array([0., 5., 0.])
        >>> wengert.grad(lambda v: np.sum(np.index_update(np.ones(3), [0, 2], v) ** 2))(3.0)
        12.0
    """
    return _index_update(x, _index(idx), v)


def index_add(x, idx, v):
    """``x`` with ``v`` added at ``idx``, as a new array: ``numpy.add.at`` without
    the mutation (repeated indices accumulate).

    Example:
        >>> import wengert.numpy as np
        >>> np.index_add(np.zeros(3), [0, 0, 2], 1.0)
        array([2., 0., 1.])
    """
    return _index_add(x, _index(idx), v)


def _at_layers(fun, x, idx, vs):
    """``fun`` applied at ``idx`` as ``ufunc.at`` does: repeated positions are
    updated once per occurrence, in order (done in rounds of distinct positions)."""
    idx = _index(idx)
    if _is_basic(idx):
        return index_update(x, idx, fun(_shape.getitem(x, idx), *vs))
    xshape = shape(x)
    pos = _np.arange(int(_np.prod(xshape)), dtype=_np.intp).reshape(xshape)[idx]
    flat = pos.ravel()
    vs = [_shape.reshape(_shape.broadcast_to(v, pos.shape), (-1,)) if _np.ndim(val(v)) else v
          for v in vs]
    order = _np.argsort(flat, kind="stable")
    first = _np.r_[True, flat[order][1:] != flat[order][:-1]]
    starts = _np.maximum.accumulate(_np.where(first, _np.arange(flat.size), 0))
    rank = _np.empty(flat.size, dtype=_np.intp)
    rank[order] = _np.arange(flat.size) - starts
    xf = _shape.reshape(x, (-1,))
    for r in range(int(rank.max(initial=-1)) + 1):
        sel = _np.flatnonzero(rank == r)
        pr = flat[sel]
        args = [_shape.getitem(v, sel) if _np.ndim(val(v)) else v for v in vs]
        xf = _index_update(xf, pr, fun(_shape.getitem(xf, pr), *args))
    return _shape.reshape(xf, xshape)


class _AtIndex:
    __slots__ = ("_x", "_idx")

    def __init__(self, x, idx):
        self._x, self._idx = x, idx

    def get(self):
        """``x[idx]``."""
        return _shape.getitem(self._x, _index(self._idx))

    def set(self, v):
        """``x`` with ``x[idx] = v``."""
        return index_update(self._x, self._idx, v)

    def add(self, v):
        """``x`` with ``v`` added at ``idx`` (repeated indices accumulate)."""
        return index_add(self._x, self._idx, v)

    def subtract(self, v):
        """``x`` with ``v`` subtracted at ``idx`` (repeated indices accumulate)."""
        return index_add(self._x, self._idx, _elementwise.negative(v))

    def multiply(self, v):
        """``x`` with ``x[idx]`` multiplied by ``v`` (as ``numpy.multiply.at``)."""
        return _at_layers(_elementwise.multiply, self._x, self._idx, [v])

    def divide(self, v):
        """``x`` with ``x[idx]`` divided by ``v`` (as ``numpy.divide.at``)."""
        return _at_layers(_elementwise.divide, self._x, self._idx, [v])

    def power(self, v):
        """``x`` with ``x[idx]`` raised to ``v`` (as ``numpy.power.at``)."""
        return _at_layers(_elementwise.power, self._x, self._idx, [v])

    def min(self, v):
        """``x`` with ``x[idx] = minimum(x[idx], v)`` (as ``numpy.minimum.at``)."""
        return _at_layers(_elementwise.minimum, self._x, self._idx, [v])

    def max(self, v):
        """``x`` with ``x[idx] = maximum(x[idx], v)`` (as ``numpy.maximum.at``)."""
        return _at_layers(_elementwise.maximum, self._x, self._idx, [v])


class _At:
    __slots__ = ("_x",)

    def __init__(self, x):
        self._x = x

    def __getitem__(self, idx):
        return _AtIndex(self._x, idx)


def at(x):
    """Functional in-place updates: ``at(x)[idx].set(v)``, ``.add(v)``,
    ``.subtract(v)``, ``.multiply(v)``, ``.divide(v)``, ``.power(v)``,
    ``.min(v)``, ``.max(v)`` and ``.get()`` return new arrays and leave ``x``
    unchanged; plain and traced arrays alike.  (Inside a differentiated
    function ``x[idx] = v`` and ``x[idx] += v`` work too; see the README.)

    Example:
        >>> import wengert, wengert.numpy as np
        >>> x = np.arange(4.0)
        >>> np.at(x)[1:3].set(0.0), np.at(x)[[0, 0]].add(1.0)
        (array([0., 0., 0., 3.]), array([2., 1., 2., 3.]))
        >>> wengert.grad(lambda x: np.sum(np.at(x)[0].multiply(x[1])))(np.array([2.0, 3.0]))
        array([3., 3.])
    """
    return _At(x)


def as_traced(a, like):
    """A copy of ``a`` that belongs to the (innermost) differentiation ``like``
    is traced by, so that traced values can be written into it.

    NumPy cannot record ``table[i] = x`` when ``table`` is a plain array and
    ``x`` is traced: create the table with ``as_traced`` instead.  Outside any
    differentiation (``like`` plain) it is a plain copy.  ``like`` may be a tuple of
    values: the copy then belongs to the innermost trace among them (write values
    computed from all of them into it).  Under ``wengert.vmap`` with a batched ``like``
    the copy is batched too (one table per example), so per-example tables filled in
    place work in ``vmap(grad(f))`` and ``grad(vmap(f))`` alike.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> def f(x):
        ...     table = np.as_traced(np.zeros(3), like=x)
        ...     table[1] = x * x
        ...     return np.sum(table)
        >>> wengert.grad(f)(3.0)
        6.0
    """
    trace = None
    for b in (like if type(like) in (tuple, list) else (like,)):
        while isinstance(b, Box):
            if trace is None or box_trace(b).level > trace.level:
                trace = box_trace(b)
            b = box_value(b)
    if isinstance(a, Box):
        if trace is None or box_trace(a).level >= trace.level:
            return _shape.copy(a)
    else:
        a = _np.array(a, copy=True)
    if trace is None:
        return a
    if isinstance(trace, TapeTrace):
        return trace.new_input(a) if trace.recording else a
    if isinstance(trace, DualTrace):
        return trace.new_input(a, _zeros_of(a))
    lift = getattr(trace, "lift", None)   # vmap's batch trace: the same table per example
    if lift is not None:
        return lift(a)
    raise TypeError(f"as_traced: cannot lift a value onto {type(trace).__name__}")


# -- arrays shaped like a traced value: tables to fill in -----------------------------------
def _like(np_fun, what):
    constant = notrace_primitive(np_fun)

    def fun(a, *args, **kwargs):
        out = constant(a, *args, **kwargs)
        if isinstance(a, Box) and dtype(out).kind in "fc":
            return _traced_table(out, a)
        return out

    fun.__name__ = fun.__qualname__ = np_fun.__name__
    fun.__doc__ = (
        f"``numpy.{np_fun.__name__}``: {what}.  Of a traced value, an array that records "
        "writes (as ``as_traced``), so that a table started this way and filled in place "
        "(``table[i] = ...``) is differentiable; its own entries are constants.")
    return equivalent(np_fun, fun)


def _traced_table(out, like):
    try:
        return as_traced(out, like=like)
    except TypeError:      # a trace that cannot hold new values (compile's): a constant
        return out


zeros_like = _like(_np.zeros_like, "zeros of the shape and dtype of ``a``")
ones_like = _like(_np.ones_like, "ones of the shape and dtype of ``a``")
empty_like = _like(_np.empty_like, "an uninitialized array of the shape and dtype of ``a``")
_full_like_constant = notrace_primitive(_np.full_like)


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, **kwargs):
    """``numpy.full_like``: ``fill_value`` in the shape of ``a`` (differentiable in
    ``fill_value``).  Of a traced value, an array that records writes (as ``as_traced``)."""
    fill_value = array_like(fill_value)     # a list holding traced values is one traced array
    out = _full_like_constant(a, val(fill_value) if isinstance(fill_value, Box) else
                              fill_value, dtype, order, subok, shape, **kwargs)
    if _dtype_of(out).kind not in "fc":
        return out
    if isinstance(fill_value, Box):
        table = _traced_table(out, (a, fill_value))
        table[...] = fill_value
        return table
    return _traced_table(out, a) if isinstance(a, Box) else out


equivalent(_np.full_like, full_like)


# -- mutation of boxes --------------------------------------------------------------------
def _rebind(box, new, what):
    """Make ``box`` hold ``new`` (a box of the same trace)."""
    trace = box_trace(box)
    if isinstance(new, Box) and box_trace(new) is trace:
        if isinstance(trace, TapeTrace) and not hasattr(box, "_origin"):
            try:
                box._origin = trace.node_of(box)   # the node it held when watched or computed
            except AttributeError:                 # a box class without the slot
                pass
        rebind(box, new)   # Python names bound to ``box`` see the update
        return
    if isinstance(new, Box) and box_trace(new).level > trace.level:
        raise ValueError(
            f"{what}: the array is traced by an outer differentiation and the value written "
            "into it by an inner one (a nested grad/jvp); the inner derivative would leak out "
            "of its function.  Write into a copy that belongs to the inner differentiation: "
            "x = wengert.numpy.as_traced(x, like=v) inside the inner function")
    raise ValueError(
        f"{what}: this traced array belongs to a differentiation that has already finished "
        "(it leaked out of the differentiated function); write into a plain copy instead, "
        "e.g. wengert.stop_gradient(x).copy()")


def _refresh_views(box, skip=None):
    views = getattr(box, "_views", None)
    if not views:
        return
    live = []
    for ref in views:
        w = ref()
        if w is None:
            continue
        live.append(ref)
        if w is not skip:
            _rebind(w, w._base[1](box), "updating a view")
            _refresh_views(w)
    box._views = live


def assign(box, new, what="item assignment"):
    """``box`` now holds ``new``: rebind it and keep every view of the same memory
    in step (its views re-read it; if it is a view, its base takes the new values)."""
    base_info = getattr(box, "_base", None)
    if base_info is not None and base_info[2]:
        raise ValueError(
            f"{what}: assignment destination is read-only (a view made by diagonal or "
            "broadcast_to, as in NumPy); write into a copy: y = x.copy()")
    _rebind(box, new, what)
    _refresh_views(box)
    child = box
    while base_info is not None:
        base, _, _ = base_info
        _rebind(base, _write_back(base, child), what)
        _refresh_views(base, skip=child)
        child, base_info = base, getattr(base, "_base", None)


def _write_back(base, view):
    """``base`` with the elements that ``view`` shows replaced by ``view``'s values."""
    fwd = view._base[1]
    idx = getattr(fwd, "index", None)
    if idx is not None:
        return _index_update(base, idx, view)
    bshape = shape(base)   # flat positions: Dask arrays have no n-d fancy indexing
    pos = fwd(_np.arange(int(_np.prod(bshape)), dtype=_np.intp).reshape(bshape)).ravel()
    flat = _index_update(_shape.reshape(base, (-1,)), pos, _shape.reshape(view, (-1,)))
    return _shape.reshape(flat, bshape)


def setitem(box, idx, v):
    """``box[idx] = v`` on a traced array."""
    idx = _index(idx)
    assign(box, _index_update(box, idx, v), "item assignment")


def _check_cast(name, result, target):
    rt, tt = _np.result_type(val(result)), _np.result_type(val(target))
    if not _np.can_cast(rt, tt, "same_kind"):
        raise TypeError(
            f"Cannot cast ufunc '{name}' output from {rt!r} to {tt!r} with casting rule "
            "'same_kind' (as in NumPy)")


def _check_shape(result, target):
    rs, ts = shape(result), shape(target)
    if rs == ts:
        return
    try:
        ok = len(rs) <= len(ts) and _np.broadcast_shapes(rs, ts) == ts
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"non-broadcastable output operand with shape {ts} doesn't match the broadcast "
            f"shape {rs} (as in NumPy)")


def write_result(name, target, result):
    """Store ``result`` into the traced array ``target`` (``out=target``)."""
    _check_cast(name, result, target)
    _check_shape(result, target)
    same = (shape(result) == shape(target) and type(_innermost(result)) is _np.ndarray
            and _np.result_type(val(result)) == _np.result_type(val(target)))
    if not (same and isinstance(result, Box) and box_trace(result) is box_trace(target)):
        result = _index_update(target, Ellipsis, result)
    assign(target, result, f"numpy.{name}(..., out=...)")
    return target


def inplace(box, fun, other, name):
    """``box op= other``: in place for arrays (aliases see it), a new value for
    scalars, exactly as NumPy."""
    result = fun(box, other)
    ib = _innermost(box)
    if type(ib) is not _np.ndarray and not _dask_ops.on_dask(ib):
        return result  # NumPy scalars are immutable: Python rebinds the name
    return write_result(name, box, result)


_UFUNC_AT = {}  # numpy ufunc -> function (x, idx, *values) -> updated copy


def _at_fun(fun):
    return lambda x, idx, *vs: _at_layers(fun, x, idx, vs)


def ufunc_at(ufunc, x, idx, vs):
    """``ufunc.at(x, idx, *vs)`` with a traced ``x``."""
    name = ufunc.__name__
    if ufunc is _np.add:
        new = index_add(x, idx, vs[0])
    elif ufunc is _np.subtract:
        new = index_add(x, idx, _elementwise.negative(vs[0]))
    else:
        from ._dispatch import equivalent_of
        fun = equivalent_of(ufunc)
        if fun is None:
            raise NotImplementedError(
                f"numpy.{name}.at: {no_rule_message(f'numpy.{name}')}; write the update "
                "with wengert.numpy functions and x[idx] = ...")
        new = _at_layers(fun, x, idx, vs)
    _check_cast(name, new, x)
    assign(x, new, f"numpy.{name}.at")
