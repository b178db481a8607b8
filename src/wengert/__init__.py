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
import typing as _t

from . import numpy  # noqa: F401  (registers array boxes and vector spaces)
from .transforms import (
    Tape, checkpoint, deriv, elementwise_grad, grad, grad_and_aux, grad_named, hessian,
    hessian_tensor_product, hessian_vector_product, holomorphic_grad, jacfwd, jacobian,
    jacrev, jvp, linearize, make_hvp, make_jvp, make_vjp, stop_gradient, value_and_grad, vjp,
    vmap)
from .custom import custom_jvp, custom_vjp

from .builtins import dict, isinstance, list, tuple, type  # noqa: A001 (autograd's names)
from .differential_operators import (make_ggnvp, multigrad_dict, tensor_jacobian_product,
                                     vector_jacobian_product)
from .misc import const_graph, flatten  # noqa: F401 (autograd's top-level names)
from .extend import primitive, notrace_primitive, defvjp, defjvp, vspace  # noqa: F401
from . import core, tracer, util, wrap_util  # noqa: F401,E402 (autograd's submodules)

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
    program treats as constant and what it checks on every call.

    Example:
        >>> import numpy, wengert, wengert.numpy as np
        >>> fast = wengert.compile(wengert.grad(lambda x: np.sum(np.sin(x) ** 2)))
        >>> fast(numpy.zeros(2))
        array([0., 0.])
    """
    from ._compile import compile as build
    return build(fun, **options)


__all__ = [
    "Tape", "checkpoint", "compile", "custom_jvp", "custom_vjp", "deriv", "elementwise_grad",
    "grad", "grad_and_aux", "grad_named",
    "hessian", "hessian_tensor_product", "hessian_vector_product", "holomorphic_grad",
    "jacfwd", "jacobian", "jacrev", "jvp", "linearize", "make_hvp", "make_jvp", "make_vjp",
    "selfcheck", "stop_gradient", "value_and_grad", "vjp", "vmap",
]
