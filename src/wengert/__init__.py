"""wengert: exact derivatives of ordinary Python/NumPy code.

Forward mode (dual numbers) and reverse mode (a tape, the Wengert list), to
any order and in any mix, with HIPS/autograd's API and JAX-style ``jvp`` and
``vjp``.

Example:
    >>> import wengert
    >>> import wengert.numpy as np
    >>> def f(x1, x2):
    ...     return (np.sin(x1 / x2) + x1 / x2 - np.exp(x2)) * (x1 / x2 - np.exp(x2))
    >>> round(float(wengert.grad(f)(1.5, 0.5)), 4)
    3.0118
"""
import gc as _gc
import typing as _t

import numpy as _numpy  # noqa: F401  (NumPy's own import first: its time is not ours to change)

# Importing wengert makes some 20,000 objects (functions, primitives, rule tables) that
# hold no garbage; the cycle collector would walk NumPy's objects and them some fifty
# times meanwhile (a tenth of the import).  It is paused, unless the program paused it.
_collecting = _gc.isenabled()
_gc.disable()
try:
    from . import numpy  # noqa: F401  (registers array boxes and vector spaces)
    from .transforms import (
        deriv, elementwise_grad, grad, grad_and_aux, grad_named, holomorphic_grad, jvp,
        linearize, make_jvp, make_vjp, stop_gradient, value_and_grad, vjp, vmap)
finally:
    if _collecting:
        # and they are long-lived: moved to the oldest generation at once (freeze, then
        # unfreeze), the first collection after the import does not walk them as young
        # objects (not where the program froze objects itself: unfreezing would undo that)
        if not _gc.get_freeze_count():
            _gc.freeze()
            _gc.unfreeze()
        _gc.enable()
    del _collecting

__version__ = "0.1.0"


def selfcheck(ops: _t.Any = None, **kwargs: _t.Any) -> _t.Any:
    """Verify derivative rules against finite differences; see
    :func:`wengert._selfcheck.selfcheck` (imported on first use, to keep
    ``import wengert`` fast).

    Example:
        >>> import wengert
        >>> wengert.selfcheck("sinh").ok
        True
    """
    from ._selfcheck import selfcheck as run
    return run(ops, **kwargs)

def compile(fun: _t.Callable[..., _t.Any] | None = None, **options: _t.Any) -> _t.Any:
    """Trace ``fun`` (a transformed function: ``grad(f)``, ``jacobian(f)``, a training
    step) once per signature into generated NumPy code; see
    :func:`wengert._compile.compile` (imported on first use), which also says what the
    program treats as constant and what it checks on every call.  A call with arrays of
    another library than NumPy (CuPy, Dask, array API arrays) runs eagerly, with a warning.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> fast = wengert.compile(wengert.grad(lambda x: np.sum(np.sin(x) ** 2)))
        >>> fast(numpy.zeros(2))
        array([0., 0.])
    """
    from ._compile import compile as build
    return build(fun, **options)


# Loaded on first use (PEP 562), so that ``import wengert`` costs little more than
# ``import numpy``: ``from wengert import custom_vjp`` and ``wengert.custom_vjp`` work as
# if imported above.  Name -> (submodule, its attribute).
_LAZY = {
    "custom_jvp": ("custom", "custom_jvp"), "custom_vjp": ("custom", "custom_vjp"),
    "Tape": ("transforms", "Tape"),
    "checkpoint": ("transforms", "checkpoint"), "hessian": ("transforms", "hessian"),
    "hessian_tensor_product": ("transforms", "hessian_tensor_product"),
    "hessian_vector_product": ("transforms", "hessian_vector_product"),
    "jacfwd": ("transforms", "jacfwd"), "jacobian": ("transforms", "jacobian"),
    "jacrev": ("transforms", "jacrev"), "make_hvp": ("transforms", "make_hvp"),
    "compute": ("numpy._backends", "compute"),   # evaluates lazy (Dask) leaves in one pass
    # autograd's top-level names
    "dict": ("builtins", "dict"), "isinstance": ("builtins", "isinstance"),
    "list": ("builtins", "list"), "tuple": ("builtins", "tuple"), "type": ("builtins", "type"),
    "make_ggnvp": ("differential_operators", "make_ggnvp"),
    "multigrad_dict": ("differential_operators", "multigrad_dict"),
    "tensor_jacobian_product": ("differential_operators", "tensor_jacobian_product"),
    "vector_jacobian_product": ("differential_operators", "vector_jacobian_product"),
    "const_graph": ("misc", "const_graph"), "flatten": ("misc", "flatten"),
    "primitive": ("extend", "primitive"), "notrace_primitive": ("extend", "notrace_primitive"),
    "defvjp": ("extend", "defvjp"), "defjvp": ("extend", "defjvp"),
    "vspace": ("extend", "vspace"),
}
# Public submodules, loaded on first use as attributes (``wengert.nn``) or by
# ``import wengert.nn``.
_SUBMODULES = (
    "builtins", "compat", "core", "custom", "datasets", "differential_operators", "explain",
    "extend", "io", "misc", "nn", "optim", "optimize", "plot", "scipy", "test_util",
    "tracer", "training", "tree", "util", "wrap_util")


if _t.TYPE_CHECKING:   # the lazily loaded names' types, for type checkers
    from .transforms import (Tape, checkpoint, hessian, hessian_tensor_product,  # noqa: F401
                             hessian_vector_product, jacfwd, jacobian, jacrev, make_hvp)
    from .builtins import dict, isinstance, list, tuple, type  # noqa: A004,F401
    from .custom import custom_jvp, custom_vjp  # noqa: F401
    from .numpy._backends import compute  # noqa: F401
    from .differential_operators import (make_ggnvp, multigrad_dict,  # noqa: F401
                                         tensor_jacobian_product, vector_jacobian_product)
    from .extend import defjvp, defvjp, notrace_primitive, primitive, vspace  # noqa: F401
    from .misc.flatten import flatten  # noqa: F401
    from .misc.tracers import const_graph  # noqa: F401


def __getattr__(name: str) -> _t.Any:
    import importlib
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value      # later lookups find it directly
    return value


def __dir__() -> _t.List[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))


__all__ = [
    "Tape", "checkpoint", "compile", "compute", "custom_jvp", "custom_vjp", "deriv", "elementwise_grad",
    "grad", "grad_and_aux", "grad_named",
    "hessian", "hessian_tensor_product", "hessian_vector_product", "holomorphic_grad",
    "jacfwd", "jacobian", "jacrev", "jvp", "linearize", "make_hvp", "make_jvp", "make_vjp",
    "selfcheck", "stop_gradient", "value_and_grad", "vjp", "vmap",
]
