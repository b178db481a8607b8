"""The gradient family: ``grad``, ``value_and_grad``, ``elementwise_grad``,
``holomorphic_grad``, ``deriv``, and the JAX-style ``jvp``, ``vjp``, ``linearize``,
each a reading of one trace (:mod:`._readings`) behind the argument conventions of
:mod:`._args`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence
import functools
import inspect

import numpy as _np

from .. import tree
from .._core import Box, box_trace, getval, vspace
from ._args import check_argnum, check_differentiable, level_now, name_of, nary, with_aux
from ..numpy._backends import is_foreign
from ..numpy._namespace_only import (holds_namespace_only, seen as namespace_arrays_seen,
                                     unwrap_tree)
from ._readings import ReverseTrace, innermost, jvp_at, vjp_at

if TYPE_CHECKING:
    from .._typing import Fn, PyTree, T


@nary
def make_vjp(fun: Fn, x: PyTree) -> tuple[Callable[[PyTree], PyTree], Any]:
    """make_vjp(fun, argnum=0)(*args) -> (vjp_fn, value)

    Evaluate ``fun`` once, recording its tape; ``vjp_fn(cotangent)`` walks the
    tape backwards and returns the cotangent of argument ``argnum``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> vjp_fn, value = wengert.make_vjp(np.sin)(0.0)
        >>> float(vjp_fn(2.0))
        2.0
    """
    vjp_fn, ans = vjp_at(fun, x)
    if namespace_arrays_seen and holds_namespace_only(x):
        return _unwrapping(vjp_fn), ans
    return vjp_fn, ans


def _unwrapping(f: Callable[[PyTree], Any]) -> Callable[[PyTree], Any]:
    """``f`` (a vjp or jvp function of array-API-only arrays) with its results unwrapped
    from the adapter they were traced in."""
    return lambda t: unwrap_tree(f(t))


@nary
def make_jvp(fun: Fn, x: PyTree) -> Callable[[PyTree], tuple[Any, Any]]:
    """make_jvp(fun, argnum=0)(*args)(tangent) -> (value, tangent_out)

    Forward mode: push ``tangent`` (the direction of argument ``argnum``)
    through ``fun`` with dual numbers.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> value, t = wengert.make_jvp(np.exp)(0.0)(3.0)
        >>> float(value), float(t)
        (1.0, 3.0)
    """
    jvp_fn = jvp_at(fun, x)
    return _unwrapping(jvp_fn) if namespace_arrays_seen and holds_namespace_only(x) else jvp_fn


_ONE64 = _np.float64(1.0)


def scalar_seed(ans: Any, who: str) -> Any:
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
    if dt.kind != "f":
        return 1.0
    if not isinstance(v, (_np.ndarray, _np.generic, Box)):
        return vspace(v).ones()   # another library's array: made by it, on its device
    one = _np.ones(shape, dt)   # in the output's space: an array, or a NumPy scalar
    return one if isinstance(v, _np.ndarray) else one[()]


def _warn_independent() -> None:
    from .._warn import warn
    warn("Output seems independent of input: its gradient is zero.", UserWarning)


def _scalars_as_arrays(result: Any, x: Any) -> Any:
    """With a tuple argnum, the gradient of a scalar argument is a 0-d array, as in
    autograd."""
    value, g = result
    return value, tuple(_scalar_as_array(gi, xi) for gi, xi in zip(g, x))


def _scalar_as_array(g: Any, x: Any) -> Any:
    if type(innermost(x)) is _np.ndarray:   # (the value under every box, compile's included)
        return g
    if not isinstance(g, Box):
        # another library's array (a gradient of CuPy, Dask, ... arrays) stays as it is
        return g if type(g) is not float and is_foreign(g) else _np.asarray(g)
    trace = box_trace(g)
    if trace.records_calls:   # wengert.compile's tracing: the conversion as one call
        return trace.apply_raw(_np.asarray, (g,), {}, "asarray")
    return g


def _pack_value_and_grad(result: Any, aux: Any) -> Any:
    value, g = result
    return (value, aux), g


@functools.partial(nary, pack_aux=_pack_value_and_grad, many_post=_scalars_as_arrays)
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
    rt = ReverseTrace(fun, x)
    seed = scalar_seed(rt.ans, "grad")
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
    vg = value_and_grad(fun, check_argnum(argnum, argnums, "grad"), has_aux=has_aux)

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


@nary
def elementwise_grad(fun: Fn, x: PyTree) -> PyTree:
    """The gradient of ``sum(fun(x))``: the diagonal of the Jacobian when the
    Jacobian is diagonal (elementwise functions), in one reverse pass.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.elementwise_grad(np.square)(np.array([1.0, 2.0]))
        array([2., 4.])
    """
    rt = ReverseTrace(fun, x)
    if vspace(rt.ans).iscomplex:
        raise TypeError("elementwise_grad needs real outputs; use holomorphic_grad or "
                        "differentiate np.real/np.abs of the output")
    return rt.vjp(vspace(rt.ans).ones())


@nary
def deriv(fun: Fn, x: PyTree) -> Any:
    """The forward-mode derivative along a tangent of ones (for a scalar input,
    the derivative of every output).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> float(wengert.deriv(np.sin)(0.0))
        1.0
    """
    return jvp_at(fun, x)(vspace(x).ones())[1]


@nary
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
    rt = ReverseTrace(fun, x)
    v = _np.asarray(getval(rt.ans))
    if v.size != 1:
        raise TypeError("holomorphic_grad needs a scalar output; use jacobian for arrays")
    return rt.backward([_np.ones((), complex) if v.ndim == 0 else _np.ones(v.shape, complex)])


def grad_named(fun: Fn, argname: str) -> Fn:
    """The gradient with respect to the argument named ``argname``."""
    return grad(fun, list(inspect.signature(fun).parameters).index(argname))



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
        check_differentiable(p, f"primal {i}")
    main, aux_of = with_aux(fun, has_aux)
    level = level_now() if has_aux else None
    out, t = jvp_at(lambda xs: main(*xs), primals)(tangents)
    if namespace_arrays_seen and holds_namespace_only(primals):
        out, t = unwrap_tree(out), unwrap_tree(t)
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
        check_differentiable(p, f"primal {i}")
    main, aux_of = with_aux(fun, has_aux)
    level = level_now() if has_aux else None
    out = main(*primals)
    aux = aux_of(level) if has_aux else None

    def f_jvp(*tangents: Any) -> Any:
        if len(tangents) != len(primals):
            raise TypeError(f"the linearized {name_of(fun)} takes {len(primals)} tangent(s), one "
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
        check_differentiable(p, f"primal {i}")
    main, aux_of = with_aux(fun, has_aux)
    level = level_now() if has_aux else None
    rt = ReverseTrace(lambda xs: main(*xs), tuple(primals))
    ans: Any = rt.ans
    vjp_fn: Callable[[PyTree], Any] = rt.vjp
    if namespace_arrays_seen and holds_namespace_only(primals):
        ans, vjp_fn = unwrap_tree(ans), _unwrapping(rt.vjp)
    return (ans, vjp_fn, aux_of(level)) if has_aux else (ans, vjp_fn)


def stop_gradient(x: T) -> T:
    """``x`` as a constant: no derivative flows through it, at any level.

    Example:
        >>> import wengert
        >>> wengert.grad(lambda x: x * wengert.stop_gradient(x))(3.0)
        3.0
    """
    return tree.tree_map(getval, x)

