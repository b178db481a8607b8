"""Function transforms: grad, jvp, vjp, jacobians, Hessians, vmap, checkpointing.

Every transform is built on two readings of a trace: reverse mode records a
tape and walks it backwards (:func:`make_vjp`); forward mode carries dual
numbers (:func:`make_jvp`).  Transforms nest to any order and in any mix.
Arguments and results may be nested tuples, lists and dicts of arrays.

One module per transform family:

- ``_readings``: the two readings of a trace (the transforms' internal API);
- ``_args``: the argument conventions (``argnum``/``argnums``, ``has_aux``, checks);
- ``_grad``: the gradient family and JAX's ``jvp``, ``vjp``, ``linearize``;
- ``_jacobian``: Jacobians, Hessians and Hessian-vector products;
- ``_vmap``, ``_checkpoint``, ``_tape``: ``vmap``, ``checkpoint`` and ``Tape``.
"""
# Batched basis vectors are processed in chunks whose basis block and result block
# together stay within this many bytes (override per call with chunk_size=); the
# Jacobians read it here at each call, so setting it here takes effect.
JACOBIAN_CHUNK_BYTES = 64 * 2 ** 20

from typing import TYPE_CHECKING, Any  # noqa: E402

from ._args import JacobianTransform, Transform  # noqa: E402
from ._grad import (  # noqa: E402
    deriv, elementwise_grad, grad, grad_and_aux, grad_named, holomorphic_grad, jvp, linearize,
    make_jvp, make_vjp, stop_gradient, value_and_grad, vjp)
from ._readings import expand_boxed_containers as _expand_boxed_containers  # noqa: E402,F401
from ._vmap import vmap  # noqa: E402

__all__ = [
    "grad", "value_and_grad", "grad_and_aux", "elementwise_grad", "deriv", "holomorphic_grad",
    "grad_named", "jacobian", "jacfwd", "jacrev", "hessian", "hessian_tensor_product",
    "hessian_vector_product", "make_hvp", "make_vjp", "make_jvp", "jvp", "vjp", "linearize",
    "checkpoint", "stop_gradient", "Tape", "vmap",
]

if TYPE_CHECKING:   # the lazily loaded names' types, for type checkers
    from ._checkpoint import checkpoint  # noqa: F401
    from ._tape import Tape  # noqa: F401
    from ._jacobian import (hessian, hessian_tensor_product, hessian_vector_product,  # noqa: F401
                            jacfwd, jacobian, jacrev, make_hvp)

# Loaded on first use (``import wengert`` stays light): name -> its module here.
_LAZY = {name: module for module, names in (
    ("_jacobian", "hessian hessian_tensor_product hessian_vector_product jacfwd jacobian "
                  "jacrev make_hvp"),
    ("_checkpoint", "checkpoint"), ("_tape", "Tape")) for name in names.split()}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value      # later lookups find it directly
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
