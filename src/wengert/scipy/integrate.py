"""``wengert.scipy.integrate``: ``odeint`` differentiable by the adjoint method.

Reverse mode integrates the adjoint system backwards in time with SciPy's
``odeint``: along with the state ``y``, the cotangent ``lam`` of ``y(t)`` and
the accumulated cotangent of the arguments,

    dy/dt = f(y, t, *args),   dlam/dt = -lam . df/dy,   dargs_bar/dt = -lam . df/dargs,

where the products ``lam . df/d(y, args)`` are vector-Jacobian products of
``func`` from wengert's own reverse mode.  Forward mode integrates the tangent
system ``dv/dt = df/dy v + df/dargs dargs`` alongside ``y``.  Derivatives are
as accurate as the integrations (pass ``rtol`` and ``atol``).  They are
linear in the cotangent (tangent), and differentiable in it again, but not
through the solution: second derivatives raise NotImplementedError.
"""
import numpy as _np
import scipy.integrate as _si

import wengert
import wengert.numpy as wnp
from wengert import tree as _tree
from wengert.numpy._dispatch import shape
from wengert._core import (def_linear, def_loop_only, defjvp_any, defjvp_joint, defvjp, defvjp_any,
                           defvjp_joint, primitive)

__all__ = ["odeint"]


def _odeint_impl(func, y0, t, *args, **kwargs):
    return _si.odeint(func, y0, t, args=args, **kwargs)


_odeint = primitive(_odeint_impl, "scipy.integrate.odeint")


def odeint(func, y0, t, args=(), **kwargs):
    """``scipy.integrate.odeint``: the solution of ``dy/dt = func(y, t, *args)``,
    ``y(t[0]) = y0``, at the times ``t`` (shape ``(len(t), len(y0))``).

    Differentiable with respect to ``y0``, ``t`` and each of ``args`` (arrays or
    floats), in reverse mode (the adjoint method) and forward mode (the tangent
    system); ``func`` must be written with ``wengert.numpy``.  Keyword arguments
    (``rtol``, ``atol``, ...) go to SciPy's ``odeint``, for the derivatives too.

    Example:
        >>> import numpy, wengert
        >>> from wengert.scipy.integrate import odeint
        >>> def decay(y0, k):       # y(1) = y0 exp(-k)
        ...     return odeint(lambda y, t, k: -k * y, y0, numpy.array([0.0, 1.0]), (k,),
        ...                   rtol=1e-10, atol=1e-10)[-1, 0]
        >>> round(float(wengert.grad(decay, 1)(numpy.array([2.0]), 0.5)), 6)  # -y0 exp(-k)
        -1.213061
    """
    if kwargs.get("full_output"):
        raise ValueError("odeint: full_output=True is not supported (the result must be the "
                         "solution array alone); call scipy.integrate.odeint for diagnostics")
    args = tuple(args)
    if any(_tree.is_node(a) for a in args):
        # containers among the arguments (a network's parameters: a list of (W, b)
        # pairs): handed to the integration as one flat vector, rebuilt for func
        from wengert.misc.flatten import flatten
        flat, unflatten = flatten(args)
        return _odeint(lambda y, t, v: func(y, t, *unflatten(v)), y0, t, flat, **kwargs)
    return _odeint(func, y0, t, *args, **kwargs)


class _Flat:
    """The ODE's extra arguments as one flat float vector, and back."""

    def __init__(self, args):
        self.shapes = [shape(a) for a in args]
        self.sizes = [int(_np.prod(s)) for s in self.shapes]
        self.args = args

    @property
    def vector(self):
        return _np.concatenate([_np.ravel(_np.asarray(a, float)) for a in self.args] + [[]])

    def unflatten(self, vector):
        ends = _np.cumsum(self.sizes, dtype=int)
        # slicing and reshaping traced vectors: differentiable, for the rules' vjp and jvp
        return [wnp.reshape(vector[end - size:end], s)
                for end, size, s in zip(ends, self.sizes, self.shapes)]


def _cotangents_impl(g, func, ys, t, *args, **kwargs):
    """The adjoint method: the cotangents of ``y0``, ``t`` and ``args`` (flattened
    and concatenated) of the solution ``ys`` for its cotangent ``g``."""
    g, ys, t = _np.asarray(g), _np.asarray(ys), _np.asarray(t, float)
    flat = _Flat(args)
    vector = flat.vector
    n, d, p = len(t), ys.shape[1], vector.size

    def augmented(state, ti):
        y, lam = state[:d], state[d:2 * d]
        dy, vjp_fn = wengert.vjp(lambda y_, a_: func(y_, ti, *flat.unflatten(a_)), y, vector)
        lam_y, lam_args = vjp_fn(-lam)
        return _np.concatenate([dy, _np.zeros(d) if lam_y is None else lam_y,
                                _np.zeros(p) if lam_args is None else _np.ravel(lam_args)])

    g_t = _np.zeros(n)
    lam, args_bar = g[-1].astype(float), _np.zeros(p)
    for i in range(n - 1, 0, -1):
        g_t[i] = _np.dot(g[i], func(ys[i], t[i], *args))
        state = _np.concatenate([ys[i], lam, args_bar])
        state = _si.odeint(augmented, state, _np.array([t[i], t[i - 1]]), **kwargs)[1]
        lam, args_bar = state[d:2 * d], state[2 * d:]
        if i > 1:
            lam = lam + g[i - 1]
    if n > 1:
        # moving t[0] shifts the whole solution after it (out[0] is y0 whatever t[0] is)
        g_t[0] = -_np.dot(lam, func(ys[0], t[0], *args))
    lam = lam + g[0] if n > 1 else g[0].astype(float)
    return _np.concatenate([lam, g_t, args_bar])


def _tangents_impl(v, func, ys, t, *args, **kwargs):
    """The tangent of the solution ``ys`` for the tangents of ``y0``, ``t`` and
    ``args`` (flattened and concatenated in ``v``): the tangent system."""
    ys, t, v = _np.asarray(ys), _np.asarray(t, float), _np.asarray(v, float)
    flat = _Flat(args)
    vector = flat.vector
    n, d = len(t), ys.shape[1]
    ty0, tt, targs = v[:d], v[d:d + n], v[d + n:]

    def augmented(state, ti):
        y, dy_tangent = state[:d], state[d:]
        dy, dv = wengert.jvp(lambda y_, a_: func(y_, ti, *flat.unflatten(a_)),
                             (y, vector), (dy_tangent, targs))
        return _np.concatenate([dy, _np.zeros(d) if dv is None else dv])

    v0 = ty0 - func(ys[0], t[0], *args) * tt[0]
    vs = _si.odeint(augmented, _np.concatenate([ys[0], v0]), t, **kwargs)[:, d:]
    vs[0] = ty0
    for i in range(1, n):
        vs[i] += func(ys[i], t[i], *args) * tt[i]
    return vs


# Linear in their first argument, and each other's transpose: the derivative of a
# cotangent with respect to the cotangent it was computed from (reverse over
# reverse) and so on.  Derivatives through the solution itself are not available.
_cotangents = primitive(_cotangents_impl, "wengert.scipy.integrate.odeint_cotangents")
_tangents = primitive(_tangents_impl, "wengert.scipy.integrate.odeint_tangents")
defvjp(_cotangents, lambda c, ans, g, *rest, **kw: _tangents(c, *rest, **kw))
defvjp(_tangents, lambda c, ans, v, *rest, **kw: _cotangents(c, *rest, **kw))
def_linear(_cotangents)
def_linear(_tangents)


def _second_order(argnum, *unused, **kw):
    raise NotImplementedError(
        "odeint: derivatives of order 2 through the ODE solution are not supported (the "
        "adjoint and tangent systems are integrated numerically); differentiate once, or "
        "write the solver with wengert.numpy operations")


for _f in (_cotangents, _tangents):
    defvjp_any(_f, _second_order)
    defjvp_any(_f, _second_order)


def _flat_tangent(parts):
    return wnp.concatenate([wnp.ravel(wnp.astype(p, float)) for p in parts] + [_np.zeros(0)])


def _odeint_vjp_joint(argnums, g, ans, func, y0, t, *args, **kwargs):
    c = _cotangents(g, func, ans, t, *args, **kwargs)
    d, n = _np.size(y0), _np.size(t)
    by_argnum = {1: wnp.reshape(c[:d], _np.shape(y0)), 2: c[d:d + n]}
    for k, a in enumerate(_Flat(args).unflatten(c[d + n:])):
        by_argnum[3 + k] = a
    return [by_argnum.get(i) for i in argnums]


def _odeint_jvp_joint(argnums, tangents, ans, func, y0, t, *args, **kwargs):
    by_argnum = dict(zip(argnums, tangents))
    parts = [by_argnum.get(i, _np.zeros(_np.shape(x))) for i, x in enumerate((y0, t, *args), 1)]
    return _tangents(_flat_tangent(parts), func, ans, t, *args, **kwargs)


defvjp_joint(_odeint, _odeint_vjp_joint)
defjvp_joint(_odeint, _odeint_jvp_joint)

# SciPy's odeint integrates one state vector with steps it adapts to that solution, and
# calls the user's function on one state at a time: there is no batched call to make.
_ONE_SOLUTION = ("SciPy's odeint integrates one solution per call, with steps adapted to "
                 "it, and calls func on one state at a time, so vmap runs it once per example")
for _f in (_odeint, _cotangents, _tangents):
    def_loop_only(_f, _ONE_SOLUTION)
