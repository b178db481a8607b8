"""``wengert.optimize.minimize``: SciPy's optimizers with exact derivatives.

Passes the exact gradient (reverse mode) and, for the methods that use them,
exact Hessian-vector products (forward over reverse) to
``scipy.optimize.minimize``, over parameter trees (dicts, lists, tuples of
arrays): the tree is flattened to one vector for SciPy and rebuilt for you.
SciPy is optional (``pip install "wengert[scipy]"``) and imported on first use.

Example:
    >>> import numpy
    >>> import wengert.numpy as np
    >>> from wengert.optimize import minimize
    >>> def rosenbrock(p):
    ...     return (1 - p["x"]) ** 2 + 100 * (p["y"] - p["x"] ** 2) ** 2
    >>> result = minimize(rosenbrock, {"x": -1.2, "y": 1.0}, method="trust-ncg")
    >>> print(f"{result.x['x']:.4f} {result.x['y']:.4f}")
    1.0000 1.0000
"""
from typing import Any
import inspect as _inspect

import numpy as _np

from .misc import flatten
from .transforms import hessian_vector_product, value_and_grad
from ._typing import PyTree, Fn

__all__ = ["minimize"]

# SciPy methods that accept a Hessian-vector product
_HESSP_METHODS = {"newton-cg", "trust-ncg", "trust-krylov", "trust-constr"}


def minimize(fun: Fn, x0: PyTree, args: tuple[Any, ...] = (), method: str | None = None,
             hessp: bool | Fn | None = None, compile: bool = True, **kwargs: Any) -> Any:
    """Minimize a real scalar ``fun(params, *args)`` over a parameter tree.

    Args:
        fun: the objective, written with ``wengert.numpy``; or an object that
            computes its own value and gradient,
            ``fun.value_and_grad(params, *args) -> (value, gradient tree)``, such
            as ``wengert.distributed.DataParallel`` (then ``compile`` does not
            apply, and Hessian-vector products come from its
            ``hessian_vector_product(params, vector)`` if it has one).
        x0: the starting parameters (a float, an array, or a tree of them).
        args: extra arguments passed to ``fun`` (not differentiated).
        method: any ``scipy.optimize.minimize`` method; gradient-free methods
            simply ignore the gradient.
        hessp: ``None`` to pass exact Hessian-vector products to the methods that
            use them (Newton-CG and the trust-region methods), or ``False`` not to.
        compile: after a few eager calls (an optimizer that stops early pays nothing
            for tracing), the gradient and the Hessian-vector product run as
            programs made by ``wengert.compile``, with the same results, bit for
            bit; where compiling does not pay (Python control flow on values that
            change from call to call), they fall back to eager calls with a
            warning naming the line.  ``False`` runs every call eagerly.
        **kwargs: passed on to ``scipy.optimize.minimize`` (``tol``, ``options``,
            ``bounds``, ``callback`` ...).

    Returns:
        SciPy's ``OptimizeResult``, with ``x`` (and ``jac``) rebuilt as trees like
        ``x0``, and ``x_flat`` the raw vector.
    """
    try:
        import scipy.optimize as _so
    except ImportError:
        raise ImportError('wengert.optimize.minimize needs SciPy: pip install "wengert[scipy]"') \
            from None
    flat0, unflatten = flatten(x0)
    flat0 = _np.asarray(flat0, dtype=float)
    if compile not in (True, False):
        raise TypeError(f"minimize: compile must be True or False, got {compile!r}")
    if _is_objective(fun):
        return _minimize_objective(_so, fun, flat0, unflatten, args, method, hessp, kwargs)

    def flat_fun(v: Any, *a: Any) -> Any:
        return fun(unflatten(v), *a)

    vg = _compiled_later(value_and_grad(flat_fun), compile)

    def fun_and_grad(v: Any, *a: Any) -> Any:
        value, g = vg(v, *a)
        return float(value), _np.asarray(g, dtype=float)

    options = dict(kwargs)
    if hessp is None and method is not None and method.lower() in _HESSP_METHODS:
        hvp = _compiled_later(hessian_vector_product(flat_fun), compile)

        def hessp_fn(v: Any, p: Any, *a: Any) -> Any:
            return _np.asarray(hvp(v, *a, p), dtype=float)

        options["hessp"] = hessp_fn
    elif hessp not in (None, False):
        options["hessp"] = hessp
    result = _so.minimize(fun_and_grad, flat0, args=tuple(args), method=method, jac=True,
                          **options)
    return _rebuilt(result, unflatten)


def _rebuilt(result: Any, unflatten: Fn) -> Any:
    result.x_flat = result.x
    result.x = unflatten(result.x)
    if getattr(result, "jac", None) is not None:
        result.jac = unflatten(_np.asarray(result.jac))
    return result


def _is_objective(fun: Any) -> bool:
    """An objective object (such as ``wengert.distributed.DataParallel``) computes its
    own value and gradient: ``fun.value_and_grad(params, *args) -> (value, grad tree)``."""
    return callable(getattr(fun, "value_and_grad", None)) and not _inspect.isfunction(fun)


def _minimize_objective(so: Any, fun: Any, flat0: Any, unflatten: Fn, args: tuple[Any, ...],
                        method: str | None, hessp: Any, kwargs: dict[str, Any]) -> Any:
    def fun_and_grad(v: Any, *a: Any) -> Any:
        value, g = fun.value_and_grad(unflatten(v), *a)
        return float(value), _np.asarray(flatten(g)[0], dtype=float)

    options = dict(kwargs)
    if hessp is None and method is not None and method.lower() in _HESSP_METHODS \
            and callable(getattr(fun, "hessian_vector_product", None)):
        def hessp_fn(v: Any, p: Any, *a: Any) -> Any:
            hv = fun.hessian_vector_product(unflatten(v), unflatten(p), *a)
            return _np.asarray(flatten(hv)[0], dtype=float)

        options["hessp"] = hessp_fn
    elif hessp not in (None, False):
        options["hessp"] = hessp
    result = so.minimize(fun_and_grad, flat0, args=tuple(args), method=method, jac=True,
                         **options)
    return _rebuilt(result, unflatten)


# calls made eagerly before compiling: an optimizer that converges in a handful of
# steps should not pay for tracing (about 10-25 eager calls' time)
EAGER_CALLS = 3


def _compiled_later(fun: Fn, compiled: bool) -> Fn:
    """``fun``, compiled with ``wengert.compile`` from its ``EAGER_CALLS + 1``-th call
    on (or never, when ``compiled`` is False)."""
    if not compiled:
        return fun
    state: dict[str, Any] = {"calls": 0, "program": None}

    def run(*args: Any) -> Any:
        program = state["program"]
        if program is None:
            state["calls"] += 1
            if state["calls"] <= EAGER_CALLS:
                return fun(*args)
            from ._compile import compile as _compile_fn
            program = state["program"] = _compile_fn(fun)
        return program(*args)

    run.state = state  # type: ignore[attr-defined]
    # (run.state["program"]: the compiled program, for tests)
    return run
