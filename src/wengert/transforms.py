"""Function transforms: grad, jvp, vjp, jacobians, Hessians, checkpointing.

Every transform is built on two readings of a trace: reverse mode records a
tape and walks it backwards (:func:`make_vjp`); forward mode carries dual
numbers (:func:`make_jvp`).  Transforms nest to any order and in any mix.
Arguments and results may be nested tuples, lists and dicts of arrays.
"""
from typing import Any, Callable, Literal, Protocol, Sequence, TypeVar, cast
import functools
import inspect
import warnings

import numpy as _np

from . import numpy as wnp
from . import tree
from ._core import Box, DualTrace, TapeTrace, Trace, getval, has_jvp, primitive, vspace
from ._core.primitive import get_primitive
from .numpy._dispatch import shape as _shape
from .numpy._inplace import PLAIN_TARGET_FIX
from .numpy._vspace import ArrayVSpace
from ._typing import Array, Fn, PyTree, T

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "grad", "value_and_grad", "grad_and_aux", "elementwise_grad", "deriv", "holomorphic_grad",
    "grad_named", "jacobian", "jacfwd", "jacrev", "hessian", "hessian_tensor_product",
    "hessian_vector_product", "make_hvp", "make_vjp", "make_jvp", "jvp", "vjp", "linearize",
    "checkpoint", "stop_gradient", "Tape", "vmap",
]


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
def _check_differentiable(x: Any, what: str, int_arrays: Any=False) -> bool:
    """Raise a clear TypeError unless every leaf of ``x`` can be differentiated.
    ``int_arrays``: integer arrays are accepted (autograd's transforms differentiate
    them as float arrays); returns whether there is one."""
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
        if dt is not None and dt.kind not in "fc":
            raise TypeError(
                f"cannot differentiate with respect to {what}: it has dtype {dt}, which has no "
                "derivative; convert it with .astype(float) or leave it out of argnum")
        vspace(v)  # raises a clear TypeError for other types
    return ints


def _as_float(x: Any) -> Any:
    """Integer arrays among the leaves of ``x`` as float64 arrays (autograd
    differentiates an integer array as the float array of the same values); called
    only where :func:`_check_differentiable` found one."""
    leaves, td = tree.flatten(x)
    return tree.unflatten(td, [v.astype(_np.float64) if type(v) is _np.ndarray
                               and v.dtype.kind in "iu" else v for v in leaves])


def _is_int(n: Any) -> Any:
    return isinstance(n, (int, _np.integer)) and not isinstance(n, (bool, _np.bool_))


def _argnums(argnum: Any, argnums: Any, who: str) -> Any:
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


def _positions(nums: Any, nargs: Any, argnum: Any, who: str) -> Any:
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


def _level_now() -> Any:
    """A level above every trace made so far (boxes of later traces have higher ones)."""
    return Trace().level


def _strip_above(x: Any, level: Any) -> Any:
    """``x`` without the boxes of traces created after ``level`` (those of the
    transform that has just returned), keeping the boxes of enclosing transforms."""
    def strip(v: Any) -> Any:
        while isinstance(v, Box) and v._trace.level > level:
            v = v._value
        return v
    return tree.tree_map(strip, _expand_boxed_containers(x))


def _split_aux(out: Any, fun: Any) -> Any:
    """``(output, aux)`` of a ``has_aux`` function, with a clear error otherwise."""
    v = getval(out) if isinstance(out, Box) and type(getval(out)) in (tuple, list) else out
    if type(v) not in (tuple, list) or len(v) != 2:
        what = (f"a {type(v).__name__} of length {len(v)}" if type(v) in (tuple, list)
                else f"a value of type {type(getval(v)).__name__}")
        raise TypeError(
            f"{_name(fun)} must return a pair (output, aux) when has_aux=True (or for "
            f"grad_and_aux), but it returned {what}; return (output, aux), or drop "
            "has_aux")
    return out[0], out[1]


def _with_aux(fun: Any, has_aux: Any) -> Any:
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


def _nary(unary: Callable[..., Any], pack_aux: Callable[[Any, Any], Any] | None = None,
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
        argnum = _argnums(argnum, argnums, who)
        if has_aux and pack_aux is None:
            raise TypeError(f"{who} does not take has_aux; use grad, value_and_grad, jacfwd, "
                            "jacrev, jacobian or hessian")
        many = not isinstance(argnum, int)
        nums = argnum if many else (argnum,)

        @functools.wraps(fun)
        def nary_f(*args: Any, **kwargs: Any) -> Any:
            pos = _positions(nums, len(args), argnum, who)
            call_args = list(args)
            for i in pos:
                if _check_differentiable(call_args[i], f"argument {i} of {_name(fun)}",
                                         int_arrays=True):
                    call_args[i] = _as_float(call_args[i])
            main, aux_of = _with_aux(fun, has_aux)

            def unary_f(x: Any) -> Any:
                a = list(call_args)
                for i, xi in zip(pos, x if many else (x,)):
                    a[i] = xi
                return main(*a, **kwargs)

            x = tuple(call_args[i] for i in pos) if many else call_args[pos[0]]
            level = _level_now() if has_aux else None
            res = unary(unary_f, x, *op_args, **op_kwargs)
            if many and many_post is not None:
                res = many_post(res, x)
            # pack_aux is set whenever has_aux is (checked above)
            return pack_aux(res, aux_of(level)) if has_aux else res  # type: ignore[misc]

        return nary_f

    return op


def _name(fun: Any) -> Any:
    return getattr(fun, "__name__", type(fun).__name__)


# -- the two readings of a trace --------------------------------------------------------
def _expand_boxed_containers(out: Any) -> Any:
    """Results of multi-output primitives are boxes of tuples: index them out."""
    if isinstance(out, Box):
        inner = out
        while isinstance(inner, Box):
            inner = inner._value
        if type(inner) in (tuple, list):
            return type(inner)(_expand_boxed_containers(out[i]) for i in range(len(out)))
    t = type(out)
    if t in (tuple, list):
        return t(_expand_boxed_containers(o) for o in out)
    if t is dict:
        return {k: _expand_boxed_containers(v) for k, v in out.items()}
    return out


def _reraise_plain_target(e: Any) -> None:
    """NumPy reports ``plain[i] = traced`` as "setting an array element with a
    sequence", with the helpful error only as its cause: raise that one instead,
    with the traceback to the user's line.  Any other error goes on unchanged."""
    cause = e.__cause__
    if isinstance(cause, TypeError) and str(cause) == PLAIN_TARGET_FIX:
        raise cause.with_traceback(e.__traceback__) from None
    raise e


class _ReverseTrace:
    """One recorded evaluation: its result and a backward pass over its tape."""

    __slots__ = ("trace", "in_leaves", "in_def", "in_nodes", "out_nodes", "out_def", "ans")

    def __init__(self, fun: Any, x: Any) -> None:
        trace = self.trace = TapeTrace()
        self.in_leaves, self.in_def = tree.flatten(x)
        boxes = [trace.new_input(leaf) for leaf in self.in_leaves]
        self.in_nodes = [b._aux for b in boxes]
        try:
            out = fun(tree.unflatten(self.in_def, boxes))
        except ValueError as e:
            _reraise_plain_target(e)
        finally:
            trace.recording = False
        leaves, self.out_def = tree.flatten(_expand_boxed_containers(out))
        ours = [isinstance(o, Box) and o._trace is trace for o in leaves]
        self.out_nodes = [o._aux if m else None for o, m in zip(leaves, ours)]
        self.ans = tree.unflatten(self.out_def, [o._value if m else o
                                                 for o, m in zip(leaves, ours)])

    def independent(self) -> bool:
        return all(n is None for n in self.out_nodes)

    def has_forward_rules(self) -> bool:
        """Whether every recorded operation has a forward rule for its traced
        arguments (code written for autograd often defines reverse rules only)."""
        return all(has_jvp(e[0], i) for e in self.trace.entries if e is not None
                   for i, _ in e[4])

    def backward(self, g_leaves: Sequence[Any]) -> PyTree:
        """Cotangents of the inputs (a tree like ``x``) given one cotangent per
        output leaf (``None`` for zero)."""
        seeds = [(n, g) for n, g in zip(self.out_nodes, g_leaves)
                 if n is not None and g is not None]
        cts = self.trace.backward(seeds, self.in_nodes)
        grads = []
        for leaf, node in zip(self.in_leaves, self.in_nodes):
            g = cts.get(node)
            if (type(g) is _np.ndarray and type(leaf) is _np.ndarray and g.dtype == leaf.dtype
                    and g.shape == leaf.shape):
                grads.append(g)  # already an array of the argument's space
                continue
            vs = vspace(leaf)
            if g is None:
                g = vs.zeros()
            elif isinstance(vs, ArrayVSpace):
                if not isinstance(g, Box):
                    g = vs.cast(g)
                elif getattr(g._trace, "records_calls", False):   # wengert.compile's tracing
                    g = g._trace.apply_raw(vs.cast, (g,), {}, "cast")
                elif vs.iscomplex != _is_complex(g):   # (no dispatch: vmap would loop)
                    # a traced cotangent (a higher derivative) has its input's kind:
                    # real for a real input, complex for a complex one
                    g = wnp.astype(g, vs.dtype) if vs.iscomplex else wnp.real(g)
            grads.append(g)
        return tree.unflatten(self.in_def, grads)

    def vjp(self, g: PyTree) -> PyTree:
        g_leaves, g_def = tree.flatten(g)
        if g_def != self.out_def:
            raise ValueError(
                "the cotangent passed to the vjp function must have the structure of the "
                f"function's output; got {g_def} for output structure {self.out_def}")
        for k, (gl, out) in enumerate(zip(g_leaves, tree.leaves(self.ans))):
            _check_not_complex(gl, out, f"output leaf {k}", "cotangent")
        return self.backward(g_leaves)


def _make_vjp(fun: Any, x: Any) -> Any:
    rt = _ReverseTrace(fun, x)
    return rt.vjp, rt.ans


def _is_complex(v: Any) -> Any:
    v = getval(v)
    t = type(v)
    if t is _np.ndarray:
        return v.dtype.kind == "c"
    if t is float:
        return False
    if t is complex:
        return True
    dt = getattr(v, "dtype", None)
    return dt is not None and _np.dtype(dt).kind == "c"


def _check_not_complex(t: Any, x: Any, what: str, role: Any) -> None:
    if _is_complex(t) and not _is_complex(x):
        raise TypeError(
            f"the {role} for {what} is complex but the value is real; its imaginary part "
            f"would be dropped; pass a real {role} (e.g. np.real(...)), or make the value "
            "complex if the function is meant for complex inputs")


def _cast_tangent(t: Any, x: Any, what: str) -> Any:
    _check_not_complex(t, x, what, "tangent")
    vs_x, vs_t = vspace(x), vspace(t)
    if getattr(vs_x, "shape", None) != getattr(vs_t, "shape", None):
        raise ValueError(
            f"the tangent for {what} has shape {vs_t.shape} but the primal has shape "
            f"{vs_x.shape}; tangents must have the primal's shape")
    if isinstance(vs_x, ArrayVSpace) and not isinstance(t, Box):
        return vs_x.cast(t)
    return t


def _make_jvp(fun: Any, x: Any) -> Any:
    def jvp_fun(t: Any) -> Any:
        x_leaves, x_def = tree.flatten(x)
        t_leaves, t_def = tree.flatten(t)
        if t_def != x_def:
            raise ValueError(
                f"the tangent must have the structure of the primal; got {t_def} for {x_def}")
        trace = DualTrace()
        boxes = [trace.new_input(xl, _cast_tangent(tl, xl, f"input leaf {i}"))
                 for i, (xl, tl) in enumerate(zip(x_leaves, t_leaves))]
        try:
            out = fun(tree.unflatten(x_def, boxes))
        except ValueError as e:
            _reraise_plain_target(e)
        leaves, out_def = tree.flatten(_expand_boxed_containers(out))
        values, tangents = [], []
        for o in leaves:
            if isinstance(o, Box) and o._trace is trace:
                values.append(o._value)
                tangents.append(o._aux)
            else:
                values.append(o)
                tangents.append(vspace(o).zeros())
        return tree.unflatten(out_def, values), tree.unflatten(out_def, tangents)
    return jvp_fun


# -- public transforms ------------------------------------------------------------------
make_vjp = _nary(_make_vjp)
make_vjp.__doc__ = """make_vjp(fun, argnum=0)(*args) -> (vjp_fn, value)

    Evaluate ``fun`` once, recording its tape; ``vjp_fn(cotangent)`` walks the
    tape backwards and returns the cotangent of argument ``argnum``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> vjp_fn, value = wengert.make_vjp(np.sin)(0.0)
        >>> float(vjp_fn(2.0))
        2.0
    """
make_jvp = _nary(_make_jvp)
make_jvp.__doc__ = """make_jvp(fun, argnum=0)(*args)(tangent) -> (value, tangent_out)

    Forward mode: push ``tangent`` (the direction of argument ``argnum``)
    through ``fun`` with dual numbers.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> value, t = wengert.make_jvp(np.exp)(0.0)(3.0)
        >>> float(value), float(t)
        (1.0, 3.0)
    """


_ONE64 = _np.float64(1.0)


def _scalar_seed(ans: Any, who: str) -> Any:
    v = getval(ans)
    if type(v) is _np.float64:      # the usual loss: no checks to make
        return _ONE64
    if type(v) is float:
        return 1.0
    if isinstance(v, (tuple, list, dict)):
        raise TypeError(
            f"{who} needs a function with a real scalar output, but it returned a "
            f"{type(v).__name__}; use jacobian, elementwise_grad or make_vjp for "
            "structured outputs (or grad_and_aux for an output with auxiliary data)")
    shape, dt = _np.shape(v), _np.result_type(v)  # (no value needed: compile traces v)
    if len(shape) and _np.prod(shape) != 1:
        raise TypeError(
            f"{who} needs a function with a real scalar output, but it returned an array of "
            f"shape {shape}; use jacobian for the full Jacobian or elementwise_grad for "
            "the gradient of its sum")
    if dt.kind == "b":
        raise TypeError(
            f"{who} needs a real scalar output, but the output is a boolean, which has no "
            "derivative (a comparison or a test such as np.allclose); differentiate a float "
            "expression instead")
    if dt.kind == "c":
        raise TypeError(
            f"{who} needs a real scalar output, but the output is complex ({dt}); use "
            "holomorphic_grad for holomorphic functions, or differentiate np.real/np.abs of it")
    return ArrayVSpace(v).ones() if dt.kind == "f" else 1.0


def _warn_independent() -> None:
    from ._warn import warn
    warn("Output seems independent of input: its gradient is zero.", UserWarning)


def _scalars_as_arrays(result: Any, x: Any) -> Any:
    """With a tuple argnum, the gradient of a scalar argument is a 0-d array, as in
    autograd."""
    value, g = result
    return value, tuple(_scalar_as_array(gi, xi) for gi, xi in zip(g, x))


def _scalar_as_array(g: Any, x: Any) -> Any:
    while isinstance(x, Box):   # (the value under every box, compile's included)
        x = x._value
    if type(x) is _np.ndarray:
        return g
    if not isinstance(g, Box):
        return _np.asarray(g)
    if getattr(g._trace, "records_calls", False):   # wengert.compile's tracing
        return g._trace.apply_raw(_np.asarray, (g,), {}, "asarray")
    return g


def _pack_value_and_grad(result: Any, aux: Any) -> Any:
    value, g = result
    return (value, aux), g


@functools.partial(_nary, pack_aux=_pack_value_and_grad, many_post=_scalars_as_arrays)
def value_and_grad(fun: Fn, x: PyTree) -> tuple[Any, PyTree]:
    """Return ``(fun(*args), gradient)``, the gradient with respect to ``argnum``.

    JAX spellings: ``argnums=`` for ``argnum``; with ``has_aux=True`` ``fun``
    returns ``(value, aux)`` and the result is ``((value, aux), gradient)``.

    Example:
        >>> import wengert
        >>> value, g = wengert.value_and_grad(lambda x: x ** 3)(2.0)
        >>> float(value), g
        (8.0, 12.0)
    """
    rt = _ReverseTrace(fun, x)
    seed = _scalar_seed(rt.ans, "grad")
    if rt.independent():
        _warn_independent()
    rt.trace.release = True   # one backward pass: it frees each value once past it
    return rt.ans, rt.backward([seed])


def grad(fun: Fn, argnum: int | Sequence[int] = 0, *, argnums: int | Sequence[int] | None = None,
         has_aux: bool = False) -> Fn:
    """The gradient of a real scalar-valued ``fun`` with respect to argument
    ``argnum`` (an int, or a tuple of ints for a tuple of gradients), by
    reverse mode.  The gradient has the structure, shape and dtype of the
    argument (an integer array is differentiated as a float array, as autograd
    does).

    JAX spellings: ``argnums=`` for ``argnum``; with ``has_aux=True`` ``fun``
    returns ``(value, aux)`` and the result is ``(gradient, aux)``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> def f(x1, x2):   # Griewank and Walther's example
        ...     return (np.sin(x1 / x2) + x1 / x2 - np.exp(x2)) * (x1 / x2 - np.exp(x2))
        >>> print(*(f"{g:.4f}" for g in wengert.grad(f, (0, 1))(1.5, 0.5)))
        3.0118 -13.7240
    """
    vg = value_and_grad(fun, _argnums(argnum, argnums, "grad"), has_aux=has_aux)

    @functools.wraps(fun)
    def gradfun(*args: Any, **kwargs: Any) -> Any:
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        return vg(*args, **kwargs)[1]

    return gradfun


def grad_and_aux(fun: Fn, argnum: int = 0) -> Fn:
    """For ``fun`` returning ``(loss, aux)``: return ``(gradient of loss, aux)``
    (the same as ``grad(fun, argnum, has_aux=True)``).

    Example:
        >>> import wengert
        >>> wengert.grad_and_aux(lambda x: (x * x, "note"))(3.0)
        (6.0, 'note')
    """
    return grad(fun, argnum, has_aux=True)


@_nary
def elementwise_grad(fun: Fn, x: PyTree) -> PyTree:
    """The gradient of ``sum(fun(x))``: the diagonal of the Jacobian when the
    Jacobian is diagonal (elementwise functions), in one reverse pass.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.elementwise_grad(np.square)(np.array([1.0, 2.0]))
        array([2., 4.])
    """
    rt = _ReverseTrace(fun, x)
    if vspace(rt.ans).iscomplex:
        raise TypeError("elementwise_grad needs real outputs; use holomorphic_grad or "
                        "differentiate np.real/np.abs of the output")
    return rt.vjp(vspace(rt.ans).ones())


@_nary
def deriv(fun: Fn, x: PyTree) -> Any:
    """The forward-mode derivative along a tangent of ones (for a scalar input,
    the derivative of every output).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> float(wengert.deriv(np.sin)(0.0))
        1.0
    """
    return _make_jvp(fun, x)(vspace(x).ones())[1]


@_nary
def holomorphic_grad(fun: Fn, x: PyTree) -> PyTree:
    """The complex derivative f'(z) of a holomorphic ``fun``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> complex(wengert.holomorphic_grad(lambda z: z * z)(1.0 + 2.0j))
        (2+4j)
    """
    if not vspace(x).iscomplex:
        raise TypeError(
            "holomorphic_grad needs a complex input (its result is the complex derivative "
            f"f'(z)), but the input is real ({vspace(x)!r}); pass complex(x) or "
            "x.astype(complex), or use grad for a real function")
    rt = _ReverseTrace(fun, x)
    v = _np.asarray(getval(rt.ans))
    if v.size != 1:
        raise TypeError("holomorphic_grad needs a scalar output; use jacobian for arrays")
    return rt.backward([_np.ones((), complex) if v.ndim == 0 else _np.ones(v.shape, complex)])


def grad_named(fun: Fn, argname: str) -> Fn:
    """The gradient with respect to the argument named ``argname``."""
    return grad(fun, list(inspect.signature(fun).parameters).index(argname))


def _array_arg(x: Any, who: str) -> Any:
    v = getval(x)
    if isinstance(v, (tuple, list, dict)) or (v is not None and tree.is_node(v)):
        raise TypeError(f"{who} needs a scalar or array argument (got a "
                        f"{type(getval(x)).__name__}); pass a tuple argnum to get one "
                        "Jacobian per argument")
    return vspace(x)


# Batched basis vectors are processed in chunks whose basis block and result block
# together stay within this many bytes (override per call with chunk_size=).
JACOBIAN_CHUNK_BYTES = 64 * 2 ** 20


def _chunks(n_basis: Any, n_other: Any, itemsize: Any, chunk_size: Any) -> Any:
    """``(start, stop)`` blocks of basis vectors: all at once when they fit the
    memory budget (the usual case), else as many as fit."""
    if chunk_size is None:
        per_vector = max(1, (n_basis + n_other) * itemsize)
        chunk_size = max(1, JACOBIAN_CHUNK_BYTES // per_vector)
    elif not isinstance(chunk_size, (int, _np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int or None, not {chunk_size!r}")
    return [(i, min(i + chunk_size, n_basis)) for i in range(0, n_basis, chunk_size)]


def _basis(vs: Any, start: Any, stop: Any) -> Any:
    """Rows ``start:stop`` of the identity, each shaped like a value of ``vs``."""
    eye = _np.eye(vs.size, dtype=vs.dtype)[start:stop]
    return eye.reshape((stop - start,) + tuple(vs.shape))


def _jacrev_at(rt: Any, vs_in: Any, who: str, chunk_size: Any=None) -> Any:
    vs_out = _array_arg(rt.ans, who + " (output)")
    if vs_out.iscomplex:
        raise TypeError(f"{who}: complex outputs are not supported; differentiate the real "
                        "and imaginary parts separately")
    shape = tuple(vs_out.shape) + tuple(vs_in.shape)
    if vs_in.iscomplex or vs_out.size <= 1:  # one pass per row (a gradient: no batching)
        rows = [rt.vjp(b) for b in vs_out.standard_basis()]
        return wnp.reshape(wnp.stack(rows), shape) if rows else _np.zeros(shape)
    # one backward pass carrying a block of cotangents (rows of the identity)
    vjp_rows = vmap(rt.vjp)
    blocks = [vjp_rows(_basis(vs_out, a, b))
              for a, b in _chunks(vs_out.size, vs_in.size, vs_out.dtype.itemsize, chunk_size)]
    return wnp.reshape(blocks[0] if len(blocks) == 1 else wnp.concatenate(blocks), shape)


def _jacfwd_at(fun: Any, x: Any, vs_in: Any, who: str, chunk_size: Any=None, n_out: Any=None) -> Any:
    jvp_fun = _make_jvp(fun, x)
    if vs_in.iscomplex or vs_in.size <= 1:  # one pass per column
        cols, ans = [], fun(x)
        for b in vs_in.standard_basis():
            ans, col = jvp_fun(b)
            cols.append(col)
        vs_out = _array_arg(ans, who + " (output)")
        if not cols:
            return _np.zeros(tuple(vs_out.shape) + tuple(vs_in.shape))
        return wnp.reshape(wnp.stack(cols, axis=-1), tuple(vs_out.shape) + tuple(vs_in.shape))
    # one forward pass carrying a block of tangents (columns of the identity)
    jvp_cols = vmap(lambda t: jvp_fun(t)[1])
    blocks: list[Any] = []
    out_shape: Any = None
    n_out = vs_in.size if n_out is None else n_out   # (an estimate when not known)
    for a, b in _chunks(vs_in.size, n_out, vs_in.dtype.itemsize, chunk_size):
        col = jvp_cols(_basis(vs_in, a, b))
        if out_shape is None:
            if isinstance(getval(col), (tuple, list, dict)):
                _array_arg(col, who + " (output)")
            out_shape = tuple(wnp.shape(col))[1:]
        blocks.append(wnp.reshape(col, (b - a, -1)))
    cols = blocks[0] if len(blocks) == 1 else wnp.concatenate(blocks)
    return wnp.reshape(wnp.transpose(cols), out_shape + tuple(vs_in.shape))


def _pack_aux(result: Any, aux: Any) -> Any:
    return result, aux


def _per_argnum(unary: Callable[..., Any]) -> JacobianTransform:
    """Allow a tuple argnum on a transform defined for one array argument."""
    one = _nary(unary, pack_aux=_pack_aux)
    who = unary.__name__

    @functools.wraps(unary)
    def op(fun: Fn, argnum: int | Sequence[int] = 0, *,
           argnums: int | Sequence[int] | None = None, has_aux: bool = False,
           chunk_size: int | None = None) -> Fn:
        argnum = _argnums(argnum, argnums, who)
        if isinstance(argnum, int):
            return one(fun, argnum, has_aux=has_aux, chunk_size=chunk_size)
        fs = [one(fun, i, has_aux=has_aux, chunk_size=chunk_size) for i in argnum]

        @functools.wraps(fun)
        def per_arg(*args: Any, **kwargs: Any) -> Any:
            _positions(argnum, len(args), argnum, who)
            res = [f(*args, **kwargs) for f in fs]
            if has_aux:
                return tuple(r[0] for r in res), res[0][1]
            return tuple(res)

        return per_arg

    return op


@_per_argnum
def jacrev(fun: Fn, x: Array, chunk_size: int | None = None) -> Array:
    """The Jacobian by reverse mode; shape ``out.shape + in.shape``.  The
    function is recorded once and its tape walked backwards once, carrying a
    block of cotangents (rows of the identity, batched with :func:`vmap`);
    ``chunk_size`` bounds the rows per pass (default: as many as fit in
    ``JACOBIAN_CHUNK_BYTES``).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.jacrev(lambda x: x[::-1] * 2.0)(np.array([1.0, 2.0]))
        array([[0., 2.],
               [2., 0.]])
    """
    vs_in = _array_arg(x, "jacrev")
    return _jacrev_at(_ReverseTrace(fun, x), vs_in, "jacrev", chunk_size)


@_per_argnum
def jacfwd(fun: Fn, x: Array, chunk_size: int | None = None) -> Array:
    """The Jacobian by forward mode; shape ``out.shape + in.shape``.  One
    forward pass carries a block of tangents (columns of the identity, batched
    with :func:`vmap`); ``chunk_size`` bounds the columns per pass.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.jacfwd(lambda x: x * x)(np.array([1.0, 3.0]))
        array([[2., 0.],
               [0., 6.]])
    """
    return _jacfwd_at(fun, x, _array_arg(x, "jacfwd"), "jacfwd", chunk_size)


@_per_argnum
def jacobian(fun: Fn, x: Array, chunk_size: int | None = None) -> Array:
    """The Jacobian ``d fun / d x`` of shape ``out.shape + in.shape``; uses
    forward mode when there are fewer inputs than outputs (a tall Jacobian)
    and every operation has a forward rule, reverse mode otherwise, each as one
    pass carrying a block of basis vectors (``chunk_size`` bounds the block).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> W = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> wengert.jacobian(lambda x: W @ x)(np.array([1.0, 1.0]))
        array([[1., 2.],
               [3., 4.],
               [5., 6.]])
    """
    vs_in = _array_arg(x, "jacobian")
    rt = _ReverseTrace(fun, x)
    vs_out = _array_arg(rt.ans, "jacobian (output)")
    if vs_in.size < vs_out.size and rt.has_forward_rules():
        return _jacfwd_at(fun, x, vs_in, "jacobian", chunk_size, vs_out.size)
    return _jacrev_at(rt, vs_in, "jacobian", chunk_size)


def hessian(fun: Fn, argnum: int | Sequence[int] = 0, *, argnums: int | Sequence[int] | None = None,
            has_aux: bool = False, chunk_size: int | None = None) -> Fn:
    """The Hessian of a scalar function; shape ``in.shape + in.shape``.

    The gradient computation is recorded once, on plain values, and its tape
    walked backwards once carrying a block of cotangents (the rows of the
    identity, batched with :func:`vmap`): reverse over reverse, which measured
    2-2.5x faster than forward over reverse (``jacfwd(jacrev(f))``, whose
    forward pass carries two levels of boxes).  ``chunk_size`` bounds the rows
    per pass.

    JAX spellings: ``argnums=`` for ``argnum`` (a tuple gives the blocks
    ``H[i][j]`` as a tuple of tuples); with ``has_aux=True`` ``fun`` returns
    ``(value, aux)`` and the result is ``(hessian, aux)``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.hessian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    argnum = _argnums(argnum, argnums, "hessian")
    if isinstance(argnum, int):
        return jacrev(jacrev(fun, argnum, has_aux=has_aux, chunk_size=chunk_size), argnum,
                      has_aux=has_aux, chunk_size=chunk_size)
    blocks = [[jacrev(jacrev(fun, i, has_aux=has_aux, chunk_size=chunk_size), j,
                      has_aux=has_aux, chunk_size=chunk_size) for j in argnum]
              for i in argnum]

    @functools.wraps(fun)
    def hess(*args: Any, **kwargs: Any) -> Any:
        _positions(argnum, len(args), argnum, "hessian")
        rows, aux = [], None
        for row in blocks:
            out = []
            for h in row:
                r = h(*args, **kwargs)
                r, aux = r if has_aux else (r, None)
                out.append(r)
            rows.append(tuple(out))
        return (tuple(rows), aux) if has_aux else tuple(rows)

    return hess


def hessian_tensor_product(fun: Fn, argnum: int = 0) -> Fn:
    """``hvp(*args, v)``: the Hessian of ``fun`` times ``v`` (of the shape of
    argument ``argnum``), by forward-over-reverse, without forming the Hessian.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> hvp = wengert.hessian_vector_product(lambda x: np.sum(x ** 3))
        >>> hvp(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
        array([ 6., 12.])
    """
    g = grad(fun, argnum)

    def hvp(*args: Any, **kwargs: Any) -> Any:
        args, v = args[:-1], args[-1]
        return make_jvp(g, argnum)(*args, **kwargs)(v)[1]

    return hvp


hessian_vector_product = hessian_tensor_product


@_nary
def make_hvp(fun: Fn, x: PyTree) -> tuple[Fn, PyTree]:
    """make_hvp(fun, argnum=0)(*args) -> (hvp_fn, gradient): records the gradient
    computation once; each ``hvp_fn(v)`` is then one backward pass.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> hvp, g = wengert.make_hvp(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        >>> hvp(np.array([1.0, 0.0]))
        array([6., 0.])
    """
    return _make_vjp(grad(fun), x)


def _primal_tuple(primals: Any, tangents: Any, who: str) -> Any:
    for name, v in (("primals", primals), ("tangents", tangents)):
        if type(v) not in (tuple, list):
            raise TypeError(
                f"{who}: {name} must be a tuple (or list) with one entry per argument of the "
                f"function, but got a {type(getval(v)).__name__}; for one argument write "
                f"{who}(f, (x,), (t,))")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"{who}: {len(primals)} primals but {len(tangents)} tangents; give "
                         "one tangent per primal")
    return primals, tangents


def jvp(fun: Fn, primals: Sequence[PyTree], tangents: Sequence[PyTree],
        has_aux: bool = False) -> tuple[Any, ...]:
    """JAX-style forward mode: ``(fun(*primals), tangent of the output)``.

    ``primals`` and ``tangents`` are tuples with one entry per argument.  With
    ``has_aux=True`` ``fun`` returns ``(output, aux)`` and the result is
    ``(output, tangent, aux)``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> value, tangent = wengert.jvp(lambda x, y: x * y, (3.0, 2.0), (1.0, 0.0))
        >>> float(value), float(tangent)
        (6.0, 2.0)
    """
    primals, tangents = _primal_tuple(primals, tangents, "jvp")
    for i, p in enumerate(primals):
        _check_differentiable(p, f"primal {i}")
    main, aux_of = _with_aux(fun, has_aux)
    level = _level_now()
    out, t = _make_jvp(lambda xs: main(*xs), primals)(tangents)
    return (out, t, aux_of(level)) if has_aux else (out, t)


def linearize(fun: Fn, *primals: PyTree, has_aux: bool = False) -> tuple[Any, ...]:
    """JAX-style ``linearize``: ``(fun(*primals), f_jvp)`` where ``f_jvp(*tangents)``
    is the tangent of the output for ``tangents`` (one per primal), the linear map
    ``fun`` is approximated by at ``primals``.  Each ``f_jvp`` call is one forward
    pass (``jvp`` at the same primals); it works under ``vmap`` and nests with the
    other transforms.  With ``has_aux=True`` the result is ``(output, f_jvp, aux)``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> y, f_jvp = wengert.linearize(lambda x: np.sin(x) * 2.0, 0.0)
        >>> float(y), float(f_jvp(1.0)), float(f_jvp(3.0))
        (0.0, 2.0, 6.0)
    """
    for i, p in enumerate(primals):
        _check_differentiable(p, f"primal {i}")
    main, aux_of = _with_aux(fun, has_aux)
    level = _level_now()
    out = main(*primals)
    aux = aux_of(level) if has_aux else None

    def f_jvp(*tangents: Any) -> Any:
        if len(tangents) != len(primals):
            raise TypeError(f"the linearized {_name(fun)} takes {len(primals)} tangent(s), one "
                            f"per primal, but got {len(tangents)}")
        return jvp(main, primals, tangents)[1]

    return (out, f_jvp, aux) if has_aux else (out, f_jvp)


def vjp(fun: Fn, *primals: PyTree, has_aux: bool = False) -> tuple[Any, ...]:
    """JAX-style reverse mode: ``(fun(*primals), vjp_fn)`` where
    ``vjp_fn(cotangent)`` returns a tuple with one cotangent per primal.  With
    ``has_aux=True`` ``fun`` returns ``(output, aux)`` and the result is
    ``(output, vjp_fn, aux)``.

    Example:
        >>> import wengert
        >>> value, vjp_fn = wengert.vjp(lambda x, y: x * y, 3.0, 2.0)
        >>> vjp_fn(1.0)
        (2.0, 3.0)
    """
    for i, p in enumerate(primals):
        _check_differentiable(p, f"primal {i}")
    main, aux_of = _with_aux(fun, has_aux)
    level = _level_now()
    rt = _ReverseTrace(lambda xs: main(*xs), tuple(primals))
    return (rt.ans, rt.vjp, aux_of(level)) if has_aux else (rt.ans, rt.vjp)


def stop_gradient(x: T) -> T:
    """``x`` as a constant: no derivative flows through it, at any level.

    Example:
        >>> import wengert
        >>> wengert.grad(lambda x: x * wengert.stop_gradient(x))(3.0)
        3.0
    """
    return tree.tree_map(getval, x)


# -- vectorizing map ------------------------------------------------------------------------
def _leaf_axes(spec: Any, x: Any, where: str) -> Any:
    """One batch axis (or None) per leaf of ``x``, from ``spec``: an int or None
    for every leaf, or a container matching ``x``'s structure (a tree prefix)."""
    if spec is None or isinstance(spec, (int, _np.integer)):
        return [spec] * len(tree.leaves(x))
    if type(spec) is dict and type(x) is dict and set(spec) == set(x):
        return [a for k in x for a in _leaf_axes(spec[k], x[k], f"{where}[{k!r}]")]
    if isinstance(spec, (tuple, list)) and isinstance(x, (tuple, list)) and len(spec) == len(x):
        return [a for i, (s, v) in enumerate(zip(spec, x))
                for a in _leaf_axes(s, v, f"{where}[{i}]")]
    raise ValueError(
        f"vmap: the axis spec for {where} is {spec!r}, which does not match its structure "
        f"({type(x).__name__}{'' if not hasattr(x, '__len__') else f' of length {len(x)}'}); "
        "give an int or None for all its leaves, or a container of the same structure")


def _ndim(x: Any) -> Any:
    return len(_shape(x))


def vmap(fun: Fn, in_axes: Any = 0, out_axes: Any = 0) -> Fn:
    """Map ``fun`` over a batch axis of its arguments in one vectorized pass
    (no Python loop): ``vmap(f)(xs)[i] == f(xs[i])``.

    Args:
        fun: the per-example function (any code of ``wengert.numpy``
            operations, including other transforms: ``grad``, ``jvp``, ``vmap``).
        in_axes: the batch axis of each positional argument: an int (every
            argument), None (not batched: shared by all examples), or a tuple
            with one entry per argument, each an int, None or a tree matching
            that argument.  Negative axes count from the end.
        out_axes: where the batch axis goes in the outputs (an int, None for an
            output that does not depend on the batch, or a tree).

    Keyword arguments are mapped along their axis 0, as in JAX (``in_axes``
    covers positional arguments only); pass an unbatched value positionally
    with ``None`` in ``in_axes``, or bind it first with ``functools.partial``.

    Returns:
        The batched function.  Inside it, values report their per-example
        ``shape``; Python control flow on their values (``if x > 0``) raises an
        error, since it differs between examples (use ``wengert.numpy.where``).

    Example (per-example gradients):
        >>> import numpy, wengert, wengert.numpy as np
        >>> loss = lambda w, x, y: (np.dot(x, w) - y) ** 2
        >>> X, Y = numpy.array([[1.0, 0.0], [0.0, 2.0]]), numpy.array([1.0, 0.0])
        >>> wengert.vmap(wengert.grad(loss), in_axes=(None, 0, 0))(numpy.ones(2), X, Y)
        array([[0., 0.],
               [0., 8.]])
    """
    from ._core.batching import BatchTrace
    from .numpy import _batching  # noqa: F401  (registers the batching rules)

    @functools.wraps(fun)
    def batched(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, (tuple, list)):
            if len(in_axes) != len(args):
                raise ValueError(
                    f"vmap: in_axes has {len(in_axes)} entries but {_name(fun)} was called "
                    f"with {len(args)} positional arguments; give one entry per argument")
            specs = in_axes
        else:
            specs = [in_axes] * len(args)
        leaves, td = tree.flatten((args, kwargs))
        axes = [a for i, (s, x) in enumerate(zip(specs, args))
                for a in _leaf_axes(s, x, f"argument {i}")]
        kw_names = [name for name in kwargs for _ in tree.leaves(kwargs[name])]
        axes += [0] * len(kw_names)   # keyword arguments: always axis 0, as in JAX
        n_pos = len(axes) - len(kw_names)
        sizes, names = [], []
        for k, (x, ax) in enumerate(zip(leaves, axes)):
            if ax is None:
                continue
            v = getval(x)
            if isinstance(v, (_np.ma.MaskedArray, _np.matrix)):
                raise TypeError(
                    f"vmap: leaf {k} of the arguments is a {type(v).__name__}, whose mask or "
                    "matrix semantics vmap would ignore; pass numpy.asarray(x) (or "
                    "x.filled(value) for a masked array)")
            shp = _shape(x)
            nd = len(shp)
            if k >= n_pos and nd == 0:
                name = kw_names[k - n_pos]
                raise ValueError(
                    f"vmap: keyword argument {name}={v!r:.60} is mapped along its axis 0 "
                    "(keyword arguments always are, as in JAX), but it has no axes; pass "
                    "it positionally with "
                    f"None in in_axes, or bind it first: functools.partial(f, {name}=...)")
            if not -nd <= ax < nd:
                raise ValueError(
                    f"vmap: in_axes asks for axis {ax} of leaf {k} of the arguments, which "
                    f"has shape {shp}; use None for an unbatched argument")
            axes[k] = ax % nd
            sizes.append(shp[ax])
            names.append(k if k < n_pos else f"keyword {kw_names[k - n_pos]!r}")
        if not sizes:
            raise ValueError("vmap: no argument is batched (every in_axes entry is None)")
        if len(set(sizes)) > 1:
            desc = ", ".join(f"leaf {k}: {n}" for k, n in zip(names, sizes))
            raise ValueError(
                f"vmap: the batched arguments of {_name(fun)} have different batch sizes "
                f"({desc}; leaves count positional arguments' arrays in order); all mapped "
                "axes must have the same length")
        trace = BatchTrace(sizes[0])
        boxed = [x if ax is None else trace.box(x, ax) for x, ax in zip(leaves, axes)]
        b_args, b_kwargs = tree.unflatten(td, boxed)
        out = fun(*b_args, **b_kwargs)
        out = _expand_boxed_containers(out)
        out_leaves, out_def = tree.flatten(out)
        spec_axes = _leaf_axes(out_axes, out, "the output")
        res = []
        for k, (o, ax) in enumerate(zip(out_leaves, spec_axes)):
            if ax is not None:
                nd = len(_shape(o)) + 1   # the output's dimensions with the batch axis
                if not -nd <= ax < nd:
                    raise ValueError(
                        f"vmap: out_axes={ax} for output leaf {k}, whose per-example shape "
                        f"is {tuple(wnp.shape(o))}: the batched output has {nd} axes, so "
                        f"out_axes must lie in [{-nd}, {nd - 1}]")
            if isinstance(o, Box) and o._trace is trace:
                v, d = o._value, o._aux
                if ax is None:
                    raise ValueError(
                        "vmap: out_axes is None for an output that depends on the batch; "
                        "give it an axis")
                nd = len(_shape(v))
                ax %= nd
                res.append(v if d == ax else wnp.moveaxis(v, d, ax))
            elif ax is None:
                res.append(o)
            else:
                s = tuple(wnp.shape(o))
                ax %= len(s) + 1
                res.append(wnp.broadcast_to(wnp.expand_dims(o, ax),
                                            s[:ax] + (trace.size,) + s[ax:]))
        return tree.unflatten(out_def, res)

    return batched


# -- checkpointing ------------------------------------------------------------------------
def _call_flat(f: Any, *leaves: Any) -> Any:
    return f(*leaves)


_checkpointed = primitive(_call_flat, "wengert.checkpoint")


def _checkpoint_vjp(argnums: Any, g: Any, ans: Any, f: Any, *leaves: Any) -> Any:
    # Recompute the forward pass of f, now recording it, then walk it backwards.
    if type(g) in (tuple, list):
        g = type(g)(vspace(a).zeros() if gi is None else gi for gi, a in zip(g, ans))
    idx = [a - 1 for a in argnums]
    rt = _ReverseTrace(lambda xs: f(*[xs[idx.index(i)] if i in idx else l
                                      for i, l in enumerate(leaves)]),
                       tuple(leaves[i] for i in idx))
    return rt.vjp(g)


def _checkpoint_jvp(argnums: Any, tangents: Any, ans: Any, f: Any, *leaves: Any) -> Any:
    idx = [a - 1 for a in argnums]
    return _make_jvp(lambda xs: f(*[xs[idx.index(i)] if i in idx else l
                                    for i, l in enumerate(leaves)]),
                     tuple(leaves[i] for i in idx))(tuple(tangents))[1]


get_primitive(_checkpointed).vjp_joint = _checkpoint_vjp
get_primitive(_checkpointed).jvp_joint = _checkpoint_jvp


def _checkpoint_batch(args: Any, dims: Any, kwargs: Any) -> Any:
    # Under vmap, checkpoint the vmapped function: the recomputation stays batched.
    f, leaves = args[0], args[1:]
    return _checkpointed(vmap(f, in_axes=tuple(dims[1:])), *leaves), 0


get_primitive(_checkpointed).batch = _checkpoint_batch


def checkpoint(fun: F) -> F:
    """``fun`` with its intermediate values discarded after the forward pass and
    recomputed during the backward pass: memory for time.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> layer = wengert.checkpoint(lambda w, x: np.tanh(w * x))
        >>> round(float(wengert.grad(lambda w: layer(w, 1.0))(0.0)), 6)
        1.0
    """

    @functools.wraps(fun)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        leaves, td = tree.flatten(args)

        def flat_fun(*ls: Any) -> Any:
            return fun(*tree.unflatten(td, ls), **kwargs)

        return _checkpointed(flat_fun, *leaves)

    return cast(F, wrapped)   # same arguments and results as fun


# -- the imperative tape --------------------------------------------------------------------
class _BlockTrace(TapeTrace):
    """The tape of a ``with Tape()`` block: counts the operations on its values
    after the block closed (they are not recorded), so that asking for the
    gradient of such a result is an error instead of a zero."""

    __slots__ = ("late",)

    def __init__(self) -> None:
        super().__init__()
        self.late = 0

    def apply(self, prim: Any, args: Any, kwargs: Any) -> Any:
        if not self.recording:
            self.late += 1
        return TapeTrace.apply(self, prim, args, kwargs)


class Tape:
    """A gradient tape in the style of the small NumPy tape of a blog post on
    reverse-mode AD and of TensorFlow's ``GradientTape``: watch inputs,
    compute, then ask for gradients of any recorded value with respect to
    watched inputs *or* recorded intermediates, as many times as you like.

    Example:
        >>> import wengert
        >>> with wengert.Tape() as tape:
        ...     x = tape.watch(3.0); y = tape.watch(2.0)
        ...     h = x * y
        ...     o = h * h
        >>> [float(g) for g in tape.gradient(o, [h, x, y])]
        [12.0, 24.0, 36.0]
    """

    def __init__(self) -> None:
        self._trace: _BlockTrace | None = None

    def __enter__(self) -> "Tape":
        self._trace = _BlockTrace()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Literal[False]:
        self._trace.recording = False  # type: ignore[union-attr]
        if isinstance(exc, ValueError):
            _reraise_plain_target(exc)
        return False

    @property
    def trace(self) -> TapeTrace | None:
        """The underlying Wengert list (used by ``wengert.explain``)."""
        return self._trace

    def watch(self, value: T) -> T:
        """Start recording operations on ``value`` (a float, an array or a tree of
        them); returns the traced value to compute with."""
        if self._trace is None or not self._trace.recording:
            raise RuntimeError("Tape.watch must be called inside 'with wengert.Tape() as tape:'")
        _check_differentiable(value, "the watched value")
        return tree.tree_map(self._trace.new_input, value)

    def _node(self, v: Any) -> Any:
        return v._aux if isinstance(v, Box) and v._trace is self._trace else None

    def _source_node(self, v: Any) -> Any:
        node = self._node(v)
        # a box rebound by an in-place write remembers the node it held before
        return node if node is None else getattr(v, "_origin", node)

    def gradient(self, target: Array, sources: PyTree,
                 output_gradients: Array | None = None) -> PyTree:
        """d target / d sources, with ``sources`` a value recorded on this tape or a
        tree of them; the result has the structure of ``sources``.  A source the
        target does not depend on gets zeros.

        A source written into after it was watched or computed (``x[0] = 0``,
        ``x += 1``) stands for the value it had then, not its current contents:
        the write is one more operation on the tape, between the source and the
        target.

        Example:
            >>> import numpy, wengert
            >>> with wengert.Tape() as tape:
            ...     x = tape.watch(numpy.array([1.0, 2.0]))
            ...     x[0] = 5.0                # x's watched value no longer reaches y[0]
            ...     y = (x * x).sum()
            >>> tape.gradient(y, x)
            array([0., 4.])
        """
        if self._trace is None:
            raise RuntimeError("this Tape has recorded nothing; use 'with wengert.Tape() as tape:'")
        t_leaves, t_def = tree.flatten(target)
        if self._trace.late and any(self._node(t) is None for t in t_leaves):
            raise ValueError(
                "Tape.gradient: the target was not recorded on this tape, and "
                f"{self._trace.late} operation(s) on its values ran after the 'with' block "
                "closed, which are not recorded; compute the target inside the 'with "
                "wengert.Tape() as tape:' block")
        if output_gradients is None:
            seeds = [_scalar_seed(t, "Tape.gradient") if len(t_leaves) == 1 else
                     vspace(t).ones() for t in t_leaves]
        else:
            seeds, g_def = tree.flatten(output_gradients)
            if len(seeds) != len(t_leaves):
                raise ValueError(
                    f"Tape.gradient: output_gradients has {len(seeds)} value(s) but the target "
                    f"has {len(t_leaves)}; give one output gradient per target, in the "
                    "target's structure")
            for k, (g, t) in enumerate(zip(seeds, t_leaves)):
                _check_not_complex(g, t, f"target leaf {k}", "output gradient")
                if _np.shape(getval(g)) != _np.shape(getval(t)):
                    raise ValueError(
                        f"Tape.gradient: the output gradient for target leaf {k} has shape "
                        f"{_np.shape(getval(g))} but the target has shape "
                        f"{_np.shape(getval(t))}; give it the target's shape")
        seeds = [(self._node(t), g) for t, g in zip(t_leaves, seeds)]
        seeds = [(n, g) for n, g in seeds if n is not None]
        s_leaves, s_def = tree.flatten(sources)
        nodes = [self._source_node(s) for s in s_leaves]
        for s, n in zip(s_leaves, nodes):
            if n is None:
                raise ValueError(
                    f"Tape.gradient: a source ({s!r}) was not recorded on this tape; pass "
                    "values returned by tape.watch or computed from them inside the 'with' "
                    "block")
        cts = self._trace.backward(seeds, nodes) if seeds else {}
        out = []
        for s, n in zip(s_leaves, nodes):
            g = cts.get(n)
            vs = vspace(s)
            out.append(vs.zeros() if g is None else
                       vs.cast(g) if not isinstance(g, Box) and isinstance(vs, ArrayVSpace)
                       else g)
        return tree.unflatten(s_def, out)
