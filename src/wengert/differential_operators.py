"""``wengert.differential_operators``: autograd's differential operators.

Most are :mod:`wengert.transforms`' own; the few autograd-only ones
(``tensor_jacobian_product``, ``make_ggnvp``, ``make_jvp_reversemode``,
``multigrad_dict``) are built here from ``make_vjp`` and ``grad``.

Example (a Gauss-Newton-vector product for a least-squares loss):
    >>> import numpy
    >>> import wengert.numpy as np
    >>> from wengert.differential_operators import make_ggnvp
    >>> A = numpy.array([[1.0, 2.0], [3.0, 4.0]])
    >>> ggnvp = make_ggnvp(lambda x: np.dot(A, x))(numpy.zeros(2))
    >>> ggnvp(numpy.array([1.0, 0.0]))   # A.T @ A @ v
    array([10., 14.])
"""
import inspect

from . import numpy as wnp
from ._core import vspace
from .transforms import (
    checkpoint, deriv, elementwise_grad, grad, grad_and_aux, grad_named, hessian,
    hessian_tensor_product, hessian_vector_product, holomorphic_grad, jacobian, make_hvp,
    make_jvp, make_vjp, value_and_grad)
from .transforms._readings import vjp_at
from .wrap_util import unary_to_nary

__all__ = [
    "grad", "elementwise_grad", "deriv", "jacobian", "holomorphic_grad", "grad_named",
    "hessian", "make_hvp", "hessian_tensor_product", "hessian_vector_product",
    "tensor_jacobian_product", "vector_jacobian_product", "make_jvp_reversemode",
    "make_ggnvp", "value_and_grad", "grad_and_aux", "multigrad_dict", "checkpoint",
    "make_vjp", "make_jvp", "unary_to_nary",
]


def tensor_jacobian_product(fun, argnum=0):
    """``f(*args, v)``: ``v`` (of the shape of the output's leading axes)
    contracted with the Jacobian of ``fun`` with respect to argument ``argnum``:
    ``tensordot(v, J, ndim(v))``, of shape ``out.shape[ndim(v):] + arg.shape``.

    Example:
        >>> import numpy, wengert.numpy as np
        >>> vjp = tensor_jacobian_product(np.sin)
        >>> vjp(numpy.zeros(2), numpy.array([1.0, 2.0]))
        array([1., 2.])
    """
    def vector_dot_fun(*args, **kwargs):
        args, vector = args[:-1], args[-1]
        return wnp.tensordot(vector, fun(*args, **kwargs), axes=wnp.ndim(vector))

    return jacobian(vector_dot_fun, argnum)


vector_jacobian_product = tensor_jacobian_product


@unary_to_nary
def make_jvp_reversemode(fun, x):
    """make_jvp_reversemode(fun, argnum=0)(*args) -> jvp: a Jacobian-vector
    product computed by two reverse passes (the vjp is linear in its cotangent,
    so the vjp of the vjp is the jvp)."""
    vjp, y = vjp_at(fun, x)
    vjp_vjp, _ = vjp_at(vjp, vspace(y).zeros())
    return vjp_vjp


def _half_sum_of_squares(x):
    from . import numpy as wnp
    return 0.5 * wnp.sum(x ** 2, axis=-1)


def make_ggnvp(f, g=_half_sum_of_squares, f_argnum=0):
    """make_ggnvp(f, g=½‖·‖², f_argnum=0)(*args) -> ggnvp: products ``v ->
    J_f^T H_g J_f v`` with the generalized Gauss-Newton matrix of ``g(f(x))``."""

    @unary_to_nary
    def _make_ggnvp(f, x):
        f_vjp, f_x = vjp_at(f, x)
        g_hvp, grad_g_x = vjp_at(grad(g), f_x)
        f_jvp, _ = vjp_at(f_vjp, vspace(grad_g_x).zeros())
        return lambda v: f_vjp(g_hvp(f_jvp(v)))

    return _make_ggnvp(f, f_argnum)


def multigrad_dict(fun):
    """The gradient with respect to every argument at once, as a dict from
    argument name to gradient (``*args`` and ``**kwargs`` collected under
    their own names).

    Example:
        >>> multigrad_dict(lambda x, y: x * y * y)(2.0, 3.0)
        {'x': 9.0, 'y': 12.0}
    """
    sig = inspect.signature(fun)

    def gradfun(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        names = list(bound.arguments)
        values = tuple(bound.arguments[n] for n in names)

        def f_of_all(vals):
            b = sig.bind_partial()
            b.arguments.update(zip(names, vals))
            return fun(*b.args, **b.kwargs)

        grads = grad(f_of_all)(values)
        return dict(zip(names, grads))

    return gradfun
