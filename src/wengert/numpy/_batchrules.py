"""Building blocks of batching rules, for the rule modules' ``defbatch`` declarations.

A batching rule ``rule(args, dims, kwargs) -> (out, out_dim)`` sees the *physical*
arguments (batched ones carry the batch axis at ``dims[i]``, unbatched ones have
``dims[i] is None``) and calls wrapped ``wengert.numpy`` operations, so that
lower-level traces (a ``grad`` around the ``vmap``) keep recording.  A rule may
return ``None`` where it does not apply; :func:`with_loop` then runs the function
once per example.

This module imports no rule module (every rule module may import it): the few shape
operations its builders call (``reshape``, ``moveaxis`` ...) are handed to it by the
module that defines them, through :func:`provide`, before any rule runs.
"""
import numpy as _np

from .._core import Box, get_primitive
from .._warn import warn
from ._dispatch import dtype, shape
from ._backends import is_foreign

# the shape primitives the builders call: set by the shape module (see provide)
_ops = {}


def provide(**ops):
    """Hand the builders the wrapped shape operations they call (``reshape``,
    ``moveaxis``, ``swapaxes``, ``broadcast_to``, ``getitem``, ``stack``) and the sequence box type
    (``SequenceBox``)."""
    _ops.update(ops)


def to0(v, d):
    """``v`` with its batch axis ``d`` moved to the front (from axis 1 by swapping the
    first two axes: the same view as moveaxis's, by ndarray's method, without
    moveaxis's Python layers)."""
    if d == 0:
        return v
    return _ops["swapaxes"](v, 0, 1) if d == 1 else _ops["moveaxis"](v, d, 0)


def size(args, dims):
    """The batch size: the length of the first batched argument's batch axis."""
    for v, d in zip(args, dims):
        if type(d) in (tuple, list):
            n = size(v, d)
            if n is not None:
                return n
        elif d is not None:
            return shape(v)[d]
    return None


def repeat(v, n):
    """An unbatched value repeated ``n`` times along a new leading axis."""
    s = shape(v)
    return _ops["broadcast_to"](_ops["reshape"](v, (1,) + s), (n,) + s)


def front(args, dims):
    """Every argument batched at axis 0 (unbatched ones repeated)."""
    n = size(args, dims)
    return [repeat(v, n) if d is None else to0(v, d) for v, d in zip(args, dims)]


def to_rank(a, da, ka, r):
    """A batched ``a`` (batch axis first) of per-example rank ``ka`` with singleton axes
    inserted after the batch axis, up to per-example rank ``r`` (NumPy's stacking rule)."""
    if da is not None and ka < r:
        s = shape(a)
        a = _ops["reshape"](a, s[:1] + (1,) * (r - ka) + s[1:])
    return a


def pair_to0(args, dims):
    """Two arguments with their batch axes (if any) moved to the front, their batch
    axes and their per-example ranks."""
    (a, b), (da, db) = args, dims
    ka, kb = len(shape(a)) - (da is not None), len(shape(b)) - (db is not None)
    if da is not None:
        a = to0(a, da)
    if db is not None:
        b = to0(b, db)
    return a, b, da, db, ka, kb


def name_of(fun):
    """The name a message gives ``fun``: its primitive's, or ``module.name``."""
    prim = get_primitive(fun)
    if prim is not None:
        return prim.name
    mod = getattr(fun, "__module__", None) or "numpy"
    return f"{mod}.{getattr(fun, '__name__', fun)}"


def data_dependent(what, why, fix):
    """The error for a result whose shape would differ from example to example."""
    return TypeError(
        f"{what} inside wengert.vmap: {why}, so the batched result has no fixed shape; "
        f"{fix}, or loop over the examples without vmap")


_warned = set()


def loop(fun, name, reason=None):
    """The fallback rule: call ``fun`` once per example and stack the results (with a
    one-time warning naming ``name``, unless ``reason`` says why it loops on purpose:
    see ``def_loop_only``)."""

    def rule(args, dims, kwargs):
        if reason is None and name not in _warned:
            _warned.add(name)
            warn(
                f"wengert.vmap: {name} has no batching rule, so it runs once per example "
                "(a Python loop): the results are exact, only slower than one batched "
                "call", UserWarning)
        return run_per_example(fun, name, args, dims, kwargs)

    return rule


def run_per_example(fun, name, args, dims, kwargs):
    """``fun`` called once per example, the results stacked along axis 0."""
    n = size(args, dims)
    outs = [fun(*[take(v, d, i) for v, d in zip(args, dims)], **kwargs) for i in range(n)]
    shapes = {_shapes(o) for o in outs}
    if len(shapes) > 1:
        raise data_dependent(
            f"{name} (run once per example)", "the shape of its result depends on the "
            "values, and the examples give different shapes ("
            + " and ".join(map(str, sorted(shapes, key=str)[:2])) + ")",
            "compute a fixed-shape result instead (a mask with wengert.numpy.where, "
            "a padded or sorted array)")
    return stack(outs), 0


def _unpack(out):
    seq = _ops.get("SequenceBox")
    if seq is not None and isinstance(out, seq):
        return tuple(out[i] for i in range(len(out)))
    return out


def _shapes(out):
    out = _unpack(out)
    if type(out) in (tuple, list):
        return tuple(_shapes(o) for o in out)
    return tuple(shape(out))


def take(v, d, i):
    """Example ``i`` of ``v`` (batched at ``d``; ``v`` itself when unbatched)."""
    if d is None:
        return v
    if type(d) in (tuple, list):
        return type(v)(take(x, dx, i) for x, dx in zip(v, d))
    return _ops["getitem"](v, (slice(None),) * d + (i,))


def stack(outs):
    """Per-example results stacked along a new axis 0 (tuples of results elementwise)."""
    outs = [_unpack(o) for o in outs]
    first = outs[0]
    if type(first) in (tuple, list):
        return type(first)(stack([o[i] for o in outs]) for i in range(len(first)))
    if not any(isinstance(o, Box) for o in outs):
        if type(first) is not _np.ndarray and is_foreign(first):
            return _np.stack(outs)      # another library's arrays: stacked by it
        return _np.stack([_np.asarray(o) for o in outs])
    return _ops["stack"](outs)


def elementwise(fun):
    """The rule of a broadcasting function: batch axes to the front and per-example
    ranks right-aligned (singleton axes inserted after the batch axis)."""

    def rule(args, dims, kwargs):
        ranks = [len(shape(v)) - (d is not None) for v, d in zip(args, dims)]
        r = max(ranks)
        new = list(args)
        for i, (v, d, k) in enumerate(zip(args, dims, ranks)):
            if d is None:
                continue
            v = to0(v, d)
            if k < r:
                s = shape(v)
                v = _ops["reshape"](v, s[:1] + (1,) * (r - k) + s[1:])
            new[i] = v
        return fun(*new, **kwargs), 0

    return rule


def get_arg(args, kwargs, pos, name, default):
    """Argument ``pos`` (also passable as keyword ``name``), or ``default``."""
    return args[pos] if len(args) > pos else kwargs.get(name, default)


def put_arg(args, kwargs, pos, name, value):
    """``(args, kwargs)`` with argument ``pos`` (or keyword ``name``) set to ``value``."""
    if len(args) > pos:
        args = list(args)
        args[pos] = value
    else:
        kwargs = dict(kwargs, **{name: value})
    return args, kwargs


def shift(axis, k):
    """A per-example axis (or axes) of an array of per-example rank ``k``, as an
    axis of the batched array (batch axis first)."""
    if type(axis) in (tuple, list):
        return tuple(shift(a, k) for a in axis)
    return int(axis) % k + 1 if k else int(axis) + 1


def axis_rule(fun, pos=1, name="axis", default=None, none="all"):
    """The rule of ``fun(x, axis, ...)`` batched in ``x``: ``none='all'`` reads
    ``axis=None`` as every axis, ``'flat'`` as the flattened array."""

    def rule(args, dims, kwargs):
        if any(d is not None for d in dims[1:]):
            return loop(fun, name_of(fun))(args, dims, kwargs)
        x = to0(args[0], dims[0])
        k = len(shape(x)) - 1
        axis = get_arg(args, kwargs, pos, name, default)
        if axis is None:
            if none == "flat":
                x, axis = _ops["reshape"](x, (shape(x)[0], -1)), 1
            else:
                axis = tuple(range(1, k + 1))
        elif k == 0:
            return _axis_of_0d(fun, x, args, kwargs, pos, name)
        else:
            axis = shift(axis, k)
        args, kwargs = put_arg([x, *args[1:]], kwargs, pos, name, axis)
        return fun(*args, **kwargs), 0

    return rule


def _axis_of_0d(fun, x, args, kwargs, pos, name):
    """``fun(x, axis=0 or -1)`` of 0-d examples, which some NumPy reductions accept
    (``sum``, ``max``, ``cumsum``; not ``mean``): as on one-element vectors, shaped
    like NumPy's result for one 0-d example (which also raises NumPy's error)."""
    reshape = _ops["reshape"]
    one = _np.zeros((), dtype(x))
    per = shape(_np.asarray(fun(one, *args[1:], **kwargs)))
    args, kwargs = put_arg([reshape(x, (shape(x)[0], 1)), *args[1:]], kwargs, pos, name, 1)
    out = fun(*args, **kwargs)
    return (out if shape(out)[1:] == per else reshape(out, shape(out)[:1] + per)), 0


def first_only(rule_of_x):
    """A rule for functions batched in their first argument only:
    ``rule_of_x(x, rest, kwargs)`` with ``x``'s batch axis in front (``None``, a loop,
    when another argument is batched)."""

    def rule(args, dims, kwargs):
        if any(d is not None for d in dims[1:]):
            return None
        return rule_of_x(to0(args[0], dims[0]), args[1:], kwargs)

    return rule


def stacked(fun):
    """The rule of a function that works on stacks of its first argument already
    (linear algebra): one call on the whole batch."""

    def rule(args, dims, kwargs):
        if any(d is not None for d in dims[1:]):
            return None
        return fun(to0(args[0], dims[0]), *args[1:], **kwargs), 0

    return rule


def with_loop(fun, rule):
    """``rule``, falling back to a loop over the examples where it returns None."""
    prim = get_primitive(fun)
    fallback = loop(prim.wrapped if prim else fun, name_of(fun))

    def batch(args, dims, kwargs):
        res = rule(args, dims, kwargs)
        return fallback(args, dims, kwargs) if res is None else res

    return batch


def as_tuple(s):
    """A shape or axis argument (an integer or a sequence) as a tuple."""
    return (s,) if isinstance(s, (int, _np.integer)) else tuple(s)
