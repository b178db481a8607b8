"""``fixed_point``: differentiate through a fixed-point iteration.

``fixed_point(f, a, x0, distance, tol)`` iterates ``x <- f(a)(x)`` from ``x0``
until ``distance(x, x_prev) <= tol`` and returns ``x*``.  Its derivative with
respect to the parameters ``a`` (any tree of arrays) comes from the implicit
function theorem rather than from the iterations: the reverse rule solves the
adjoint equation ``w = g + (d f(a)(x*)/dx)^T w`` by the same kind of
iteration and returns ``(d f(a)(x*)/da)^T w``; the forward rule solves
``t = (df/da) t_a + (df/dx) t`` likewise.  Both rules are themselves
differentiable, so higher derivatives work.

Example (Newton's iteration for sqrt(a), as in autograd's example):
    >>> import wengert
    >>> from wengert.misc.fixed_points import fixed_point
    >>> newton = lambda a: lambda x: 0.5 * (x + a / x)
    >>> sqrt = lambda a: fixed_point(newton, a, 1.0, lambda x, y: abs(x - y), 1e-12)
    >>> round(sqrt(2.0), 12), round(float(wengert.grad(sqrt)(2.0)), 12)   # 1/(2 sqrt 2)
    (1.414213562373, 0.353553390593)
"""
from .. import tree as _tree
from .._core import def_loop_only, primitive, vspace
from ..extend import defjvp_argnums, defvjp_argnums
from ..transforms._readings import jvp_at, vjp_at

__all__ = ["fixed_point", "fixed_point_vjp"]


def fixed_point(f, a, x0, distance, tol):
    """The fixed point ``x* = f(a)(x*)`` reached from ``x0``; differentiable in ``a``."""
    leaves, treedef = _tree.flatten(a)
    return _solve(f, treedef, x0, distance, tol, *leaves)


def _iterate(step, x0, distance, tol):
    x, x_prev = step(x0), x0
    while distance(x, x_prev) > tol:
        x, x_prev = step(x), x
    return x


@primitive
def _solve(f, treedef, x0, distance, tol, *leaves):
    return _iterate(f(_tree.unflatten(treedef, list(leaves))), x0, distance, tol)


def_loop_only(_solve, "each example iterates until its own distance falls below tol, so "
              "the number of steps differs from example to example")


def _adjoint_step(params):
    """The adjoint equation's map ``w -> g + J_x^T w`` for params ``(f, treedef, leaves, x*, g)``."""
    f, treedef, leaves, x_star, g = params
    vjp_x, _ = vjp_at(f(_tree.unflatten(treedef, list(leaves))), x_star)
    return lambda w: vspace(x_star).add(vjp_x(w), g)


def fixed_point_vjp(argnums, ans, args, kwargs):
    """The reverse rule of :func:`_solve`: one cotangent per leaf of ``a``."""
    f, treedef, x0, distance, tol, *leaves = args
    n_front = 5

    def vjps(g):
        w = _adjoint_fixed_point(f, treedef, leaves, ans, g, vspace(x0).zeros(), distance, tol)
        vjp_a, _ = vjp_at(lambda ls: f(_tree.unflatten(treedef, list(ls)))(ans),
                             tuple(leaves))
        cts = vjp_a(w)
        return tuple(None if i < n_front else cts[i - n_front] for i in argnums)

    return vjps


def _adjoint_fixed_point(f, treedef, leaves, x_star, g, w0, distance, tol):
    # a fixed point of its own, so that the reverse rule is differentiable too
    return fixed_point(lambda p: _adjoint_step((f, treedef) + p), (tuple(leaves), x_star, g),
                       w0, distance, tol)


def _fixed_point_jvp(argnums, tangents, ans, *args):
    f, treedef, x0, distance, tol, *leaves = args
    n_front = 5
    t_leaves = [vspace(leaf).zeros() for leaf in leaves]
    for i, t in zip(argnums, tangents):
        if i >= n_front:
            t_leaves[i - n_front] = t
    # the direct effect of the parameters, then t = direct + J_x t solved by iteration
    _, direct = jvp_at(lambda ls: f(_tree.unflatten(treedef, list(ls)))(ans),
                          tuple(leaves))(tuple(t_leaves))

    def tangent_step(p):
        lv, x_star, d = p
        step = f(_tree.unflatten(treedef, list(lv)))
        return lambda t: vspace(x_star).add(jvp_at(step, x_star)(t)[1], d)

    return fixed_point(tangent_step, (tuple(leaves), ans, direct), vspace(x0).zeros(),
                       distance, tol)


defvjp_argnums(_solve, fixed_point_vjp)
defjvp_argnums(_solve, lambda argnums, gs, ans, args, kwargs:
               _fixed_point_jvp(argnums, gs, ans, *args))
