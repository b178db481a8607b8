"""The argument conventions shared by the transforms: ``argnum`` (and JAX's
``argnums``), ``has_aux``, the checks that an argument can be differentiated, and
:func:`nary`, which turns a transform of one argument into one of any arguments."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence
import functools

import numpy as _np

from .. import tree
from .._core import Box, Trace, box_trace, box_value, getval, vspace
from ..numpy._namespace_only import (adapt_tree, holds_namespace_only, numpy_dtype,
                                     seen as namespace_arrays_seen, unwrap_tree)
from ._readings import expand_boxed_containers

if TYPE_CHECKING:
    from .._typing import Fn


class Transform(Protocol):
    """The type of ``grad``-like transforms: ``transform(fun, argnum=0, ...)``
    returns a function of the same arguments as ``fun``."""

    def __call__(self, fun: Fn, argnum: int | Sequence[int] = ..., *args: Any,
                 argnums: int | Sequence[int] | None = ..., has_aux: bool = ...,
                 **kwargs: Any) -> Fn: ...


class JacobianTransform(Protocol):
    """The type of ``jacobian``, ``jacfwd`` and ``jacrev``."""

    def __call__(self, fun: Fn, argnum: int | Sequence[int] = ..., *,
                 argnums: int | Sequence[int] | None = ..., has_aux: bool = ...,
                 chunk_size: int | None = ...) -> Fn: ...


# -- arguments ------------------------------------------------------------------------
def check_differentiable(x: Any, what: str, int_arrays: Any=False) -> bool:
    """Raise a clear TypeError unless every leaf of ``x`` can be differentiated.
    ``int_arrays``: integer arrays are accepted (autograd's transforms differentiate
    them as float arrays); returns whether there is one."""
    if _plainly_differentiable(x):
        return False
    ints = False
    for leaf in tree.leaves(x):
        v = getval(leaf)
        t = type(v)
        if t is float or (t is _np.ndarray and v.dtype.kind in "fc"):
            continue  # the common cases, checked cheaply
        if isinstance(v, _np.ma.MaskedArray):
            raise TypeError(
                f"cannot differentiate with respect to {what}: it is a masked array, and "
                "derivatives would ignore its mask (the masked entries would count); pass "
                "x.filled(value) or x.compressed(), or apply the mask with "
                "wengert.numpy.where inside the function")
        if isinstance(v, _np.matrix):
            raise TypeError(
                f"cannot differentiate with respect to {what}: it is a numpy.matrix, whose "
                "'*' and indexing differ from arrays'; pass numpy.asarray(m) and use '@' for "
                "matrix products")
        if isinstance(v, (bool, _np.bool_)) or (isinstance(v, (int, _np.integer))):
            raise TypeError(
                f"cannot differentiate with respect to {what}: it is {type(v).__name__} "
                f"{v!r}, which has no derivative; pass a float (e.g. {float(v)!r}) or leave it "
                "out of argnum")
        dt: Any = getattr(v, "dtype", None)
        if int_arrays and t is _np.ndarray and dt.kind in "iu":
            ints = True
            continue
        if dt is not None and not hasattr(dt, "kind"):
            dt = numpy_dtype(dt)    # an array API library's dtype: NumPy's of that name
        if dt is not None and dt.kind not in "fc":
            raise TypeError(
                f"cannot differentiate with respect to {what}: it has dtype {dt}, which has no "
                "derivative; convert it with .astype(float) or leave it out of argnum")
        vspace(v)  # raises a clear TypeError for other types
    return ints


def _plainly_differentiable(x: Any) -> bool:
    """Whether ``x`` is a float, a float array, or lists and tuples of them (the usual
    arguments, checked without a tree walk)."""
    t = type(x)
    if t is float or (t is _np.ndarray and x.dtype.kind in "fc"):
        return True
    return (t is list or t is tuple) and _float_arrays(x)


_FLOAT64 = _np.dtype(_np.float64)


def _float_arrays(x: Any) -> bool:
    """Whether the list or tuple ``x`` holds only float arrays and Python floats, in
    lists and tuples (the leaves every check accepts)."""
    for v in x:
        t = type(v)
        if t is tuple or t is list:
            if len(v) == 2:     # a (W, b) pair of float64 arrays: both written out
                a, b = v
                if (type(a) is _np.ndarray and type(b) is _np.ndarray
                        and a.dtype is _FLOAT64 and b.dtype is _FLOAT64):
                    continue
            for w in v:     # (one level written out: a list of (W, b) pairs, say)
                t = type(w)
                if t is _np.ndarray:
                    if w.dtype.kind not in "fc":
                        return False
                elif t is list or t is tuple:
                    if not _float_arrays(w):
                        return False
                elif t is not float:
                    return False
        elif t is _np.ndarray:
            if v.dtype.kind not in "fc":
                return False
        elif t is not float:
            return False
    return True


def _as_float(x: Any) -> Any:
    """Integer arrays among the leaves of ``x`` as float64 arrays (autograd
    differentiates an integer array as the float array of the same values); called
    only where :func:`check_differentiable` found one."""
    leaves, td = tree.flatten(x)
    return tree.unflatten(td, [v.astype(_np.float64) if type(v) is _np.ndarray
                               and v.dtype.kind in "iu" else v for v in leaves])


def _is_int(n: Any) -> Any:
    return isinstance(n, (int, _np.integer)) and not isinstance(n, (bool, _np.bool_))


def check_argnum(argnum: Any, argnums: Any, who: str) -> Any:
    """Check ``argnum`` (or its JAX spelling ``argnums``) where the transform is
    made, so that a mistake is reported at the line that made it.  Returns an int
    or a tuple of ints."""
    name = "argnum"
    if argnums is not None:
        if not (_is_int(argnum) and argnum == 0):
            raise TypeError(f"{who}: got both argnum={argnum!r} and argnums={argnums!r}; "
                            "give one of them (argnums is the JAX spelling of argnum)")
        argnum, name = argnums, "argnums"
    if _is_int(argnum):
        return int(argnum)
    if isinstance(argnum, (tuple, list)) and argnum and all(_is_int(i) for i in argnum):
        nums = tuple(int(i) for i in argnum)
        dup = sorted({i for i in nums if nums.count(i) > 1})
        if dup:
            raise ValueError(
                f"{who}: {name}={argnum!r} names argument {dup[0]} more than once; each "
                "argument can be differentiated once (list it once)")
        return nums
    if isinstance(argnum, str):
        hint = (f"use {name}=<its position>, or wengert.grad_named(fun, {argnum!r}) to "
                "differentiate by name")
    elif isinstance(argnum, (float, _np.floating)) and float(argnum).is_integer():
        hint = f"use {name}={int(argnum)}"
    elif argnum is None:
        hint = f"the default, {name}=0, is the first argument"
    elif isinstance(argnum, (tuple, list)) and not argnum:
        hint = "name at least one argument"
    else:
        hint = f"e.g. {name}=0 for the first argument or {name}=(0, 1) for the first two"
    raise TypeError(
        f"{who}: {name} must be an int or a tuple of ints (the positions of the arguments "
        f"to differentiate), not {type(argnum).__name__} {argnum!r}; {hint}")


def positions(nums: Any, nargs: Any, argnum: Any, who: str) -> Any:
    """``nums`` as non-negative positions among ``nargs`` arguments."""
    if len(nums) == 1 and 0 <= nums[0] < nargs:
        return nums   # the common case
    if any(i >= nargs or i < -nargs for i in nums):
        raise TypeError(
            f"{who}: argnum={argnum!r} but the function was called with "
            f"{nargs} positional argument(s)")
    pos = tuple(i % nargs for i in nums)
    if len(set(pos)) < len(pos):
        raise ValueError(
            f"{who}: argnum={argnum!r} names the same argument twice among the "
            f"{nargs} positional arguments; list each argument once")
    return pos


def level_now() -> Any:
    """A level above every trace made so far (boxes of later traces have higher ones)."""
    return Trace().level


def _strip_above(x: Any, level: Any) -> Any:
    """``x`` without the boxes of traces created after ``level`` (those of the
    transform that has just returned), keeping the boxes of enclosing transforms."""
    def strip(v: Any) -> Any:
        while isinstance(v, Box) and box_trace(v).level > level:
            v = box_value(v)
        return v
    return tree.tree_map(strip, expand_boxed_containers(x))


def _split_aux(out: Any, fun: Any) -> Any:
    """``(output, aux)`` of a ``has_aux`` function, with a clear error otherwise."""
    v = getval(out) if isinstance(out, Box) and type(getval(out)) in (tuple, list) else out
    if type(v) not in (tuple, list) or len(v) != 2:
        what = (f"a {type(v).__name__} of length {len(v)}" if type(v) in (tuple, list)
                else f"a value of type {type(getval(v)).__name__}")
        raise TypeError(
            f"{name_of(fun)} must return a pair (output, aux) when has_aux=True (or for "
            f"grad_and_aux), but it returned {what}; return (output, aux), or drop "
            "has_aux")
    return out[0], out[1]


def with_aux(fun: Any, has_aux: Any) -> Any:
    """``(main, aux_of)``: ``main`` calls ``fun`` and keeps only its output;
    ``aux_of(level)`` returns the aux of the first call, stripped above ``level``."""
    if not has_aux:
        return fun, None
    seen: list[Any] = []

    def main(*a: Any, **k: Any) -> Any:
        out, aux = _split_aux(fun(*a, **k), fun)
        if not seen:
            seen.append(aux)
        return out

    return main, lambda level: _strip_above(seen[0], level)


def nary(unary: Callable[..., Any], pack_aux: Callable[[Any, Any], Any] | None = None,
          many_post: Callable[[Any, Any], Any] | None = None) -> Transform:
    """Turn ``unary(fun_of_x, x, ...)`` into ``op(fun, argnum=0, ...)(*args, **kwargs)``;
    with a tuple ``argnum`` the unary function sees a tuple of those arguments.
    ``argnums`` is accepted as the JAX spelling of ``argnum``; with ``pack_aux``
    (how to return the result with the aux), so is ``has_aux``.  ``many_post(result,
    x)`` adjusts the result of a tuple ``argnum``."""
    who = unary.__name__

    @functools.wraps(unary)
    def op(fun: Fn, argnum: int | Sequence[int] = 0, *op_args: Any,
           argnums: int | Sequence[int] | None = None, has_aux: bool = False,
           **op_kwargs: Any) -> Fn:
        argnum = check_argnum(argnum, argnums, who)
        if has_aux and pack_aux is None:
            raise TypeError(f"{who} does not take has_aux; use grad, value_and_grad, jacfwd, "
                            "jacrev, jacobian or hessian")
        many = not isinstance(argnum, int)
        nums = argnum if many else (argnum,)

        @functools.wraps(fun)
        def nary_f(*args: Any, **kwargs: Any) -> Any:
            pos = positions(nums, len(args), argnum, who)
            call_args = list(args)
            for i in pos:
                if _plainly_differentiable(call_args[i]):
                    continue    # (no message to build for the usual argument)
                if check_differentiable(call_args[i], f"argument {i} of {name_of(fun)}",
                                         int_arrays=True):
                    call_args[i] = _as_float(call_args[i])
            raw_in = namespace_arrays_seen and holds_namespace_only(call_args)
            if raw_in:
                # constants of an array-API-only library, seen through the adapter
                call_args = [a if k in pos else adapt_tree(a) for k, a in enumerate(call_args)]
            main, aux_of = with_aux(fun, has_aux) if has_aux else (fun, None)

            def unary_f(x: Any) -> Any:
                a = list(call_args)
                for i, xi in zip(pos, x if many else (x,)):
                    a[i] = xi
                return main(*a, **kwargs)

            if not many and len(call_args) == 1 and not kwargs:
                unary_f = main    # (fun of the one argument: called as it is)

            x = tuple(call_args[i] for i in pos) if many else call_args[pos[0]]
            level = level_now() if has_aux else None
            res = unary(unary_f, x, *op_args, **op_kwargs)
            if many and many_post is not None:
                res = many_post(res, x)
            # pack_aux is set whenever has_aux is (checked above)
            res = pack_aux(res, aux_of(level)) if has_aux else res  # type: ignore[misc]
            # an array-API-only library's arrays leave the adapter they were traced in
            return unwrap_tree(res) if raw_in else res

        return nary_f

    return op


def name_of(fun: Any) -> Any:
    return getattr(fun, "__name__", type(fun).__name__)
