"""Gradient checking against centered finite differences (Cornell CS 4740, lecture 13, §2.2.2).

``check_grads(fun, modes=("fwd", "rev"), order=2)(*args)`` compares random
directional derivatives of both modes with centered differences
``(f(x + h v) - f(x - h v)) / 2h``, recursively to the given order (the
derivative functions are themselves checked), for floats, arrays, complex
values and containers, and names the mode, order and argument that disagree.
Numerical differentiation is only a check: it is approximate (truncation and
round-off error), which is why the comparison has a tolerance.
"""
import itertools

import numpy as _np

from . import tree
from ._core import getval, vspace
from .transforms import make_jvp, make_vjp

__all__ = ["check_grads", "combo_check", "scalar_close", "numerical_jvp", "check_equivalent",
           "op_spec"]


def scalar_close(a, b, tol=1e-6, rtol=1e-6):
    """autograd's closeness test for two scalars."""
    return abs(a - b) < tol or abs(a - b) / abs(a + b) < rtol


def _leaves(x):
    return [_np.asarray(getval(leaf)) for leaf in tree.leaves(x)]


def _axpy(a, x, y):
    """``a * x + y`` leafwise over trees."""
    return tree.tree_map(lambda xi, yi: yi + a * xi, x, y)


def numerical_jvp(fun, x, v, eps):
    """Centered difference of ``fun`` at ``x`` in direction ``v``."""
    hi = fun(_axpy(eps, v, x))
    lo = fun(_axpy(-eps, v, x))
    return tree.tree_map(lambda a, b: (_np.asarray(a) - _np.asarray(b)) / (2 * eps), hi, lo)


def _pair(a, b):
    """The real bilinear pairing of tangents and cotangents, Re(sum(a * b))."""
    return float(sum(_np.real(_np.sum(p * q)) for p, q in zip(_leaves(a), _leaves(b))))


def _precision(x):
    dts = [leaf.dtype for leaf in _leaves(x) if leaf.dtype.kind in "fc"]
    worst = max((_np.finfo(d).eps for d in dts), default=_np.finfo(float).eps)
    if worst >= _np.finfo(_np.float16).eps:
        return 1e-2, 5e-2
    if worst >= _np.finfo(_np.float32).eps:
        return 1e-3, 1e-2
    return 1e-6, 1e-5


def _close(ad, num, tol):
    a, n = _np.asarray(ad), _np.asarray(num)
    scale = max(float(_np.max(_np.abs(a), initial=0.0)), float(_np.max(_np.abs(n), initial=0.0)))
    return float(_np.max(_np.abs(a - n), initial=0.0)) <= tol * (1.0 + scale)


def _fail(mode, order, what, name, ad, num):
    kind = "JVP" if mode == "forward" else "VJP"
    raise AssertionError(
        f"check_grads: ({kind}) check of {name} failed: the {mode}-mode derivative of {name} (order {order}) with respect to "
        f"{what} disagrees with centered finite differences:\n  AD:        {ad!r}\n"
        f"  numerical: {num!r}")


def _check(fun, x, modes, order, level, what, name, rng):
    eps, tol = _precision(x)
    v = vspace(x).randn(rng)
    num = numerical_jvp(fun, x, v, eps)
    if "fwd" in modes:
        _, t = make_jvp(fun)(x)(v)
        for a, n in zip(_leaves(t), _leaves(num)):
            if a.shape != n.shape or not _close(a, n, tol):
                _fail("forward", level, what, name, a, n)
    if "rev" in modes:
        vjp_fn, y = make_vjp(fun)(x)
        u = vspace(y).randn(rng)
        ad = _pair(vjp_fn(u), v)
        nd = _pair(u, num)
        if not _close(ad, nd, tol):
            _fail("reverse", level, what, name, ad, nd)
    if order > 1:
        if "fwd" in modes:
            def jvp_of(xv):
                return make_jvp(fun)(xv[0])(xv[1])[1]
            _check(jvp_of, (x, v), modes, order - 1, level + 1, what, f"jvp_{name}", rng)
        if "rev" in modes:
            def vjp_of(xu):
                return make_vjp(fun)(xu[0])[0](xu[1])
            _check(vjp_of, (x, u), modes, order - 1, level + 1, what, f"vjp_{name}", rng)


def _differentiable(x):
    try:
        leaves = _leaves(x)
    except Exception:  # noqa: BLE001 - anything odd is simply not checked
        return False
    return bool(leaves) and all(leaf.dtype.kind in "fc" for leaf in leaves)


def check_grads(fun, argnum=None, modes=("fwd", "rev"), order=2, rng=None):
    """Check ``fun``'s derivatives against finite differences.

    Returns a function of ``fun``'s arguments that raises ``AssertionError``
    naming the mode, order and argument on a mismatch.  ``argnum`` is an int
    or tuple of ints; by default every positional argument holding floats or
    complex numbers is checked, one at a time.

    Example:
        >>> import wengert.numpy as np
        >>> from wengert.test_util import check_grads
        >>> check_grads(np.sin, modes=["fwd", "rev"], order=2)(np.array([0.5, 1.0]))
    """
    modes = tuple(modes)
    if not set(modes) <= {"fwd", "rev"} or not modes:
        raise ValueError(f"check_grads: modes must be a subset of ('fwd', 'rev'), got {modes!r}")

    def checker(*args, **kwargs):
        gen = _np.random.default_rng(0) if rng is None else rng
        if argnum is None:
            nums = [i for i, a in enumerate(args) if _differentiable(a)]
        else:
            nums = [argnum] if isinstance(argnum, int) else list(argnum)
        name = getattr(fun, "__name__", repr(fun))
        for i in nums:
            def f_i(x, _i=i):
                a = list(args)
                a[_i] = x
                return fun(*a, **kwargs)
            _check(f_i, args[i], modes, order, 1, f"argument {i}", name, gen)

    return checker


def combo_check(fun, *check_args, **check_kwargs):
    """Check every combination of the given argument and keyword values:
    ``combo_check(fun, argnum, modes, order)(xs, ys, axis=[0, 1])``."""

    def checker(*arg_lists, **kwarg_lists):
        keyvals = [[(k, v) for v in vs] for k, vs in kwarg_lists.items()]
        for args in itertools.product(*arg_lists):
            for kws in itertools.product(*keyvals):
                check_grads(fun, *check_args, **check_kwargs)(*args, **dict(kws))

    return checker


def check_equivalent(a, b, tol=1e-6):
    """Assert two trees of numbers are equal within ``tol`` (relative to their size)."""
    la, lb = _leaves(a), _leaves(b)
    assert len(la) == len(lb), f"different structures: {len(la)} vs {len(lb)} leaves"
    for x, y in zip(la, lb):
        assert x.shape == y.shape, f"shapes differ: {x.shape} vs {y.shape}"
        assert _close(x, y, tol), f"values differ:\n{x!r}\n{y!r}"


def op_spec(fun, *shapes, name=None, domain=(-2.0, 2.0), dtype=_np.float64, covers=None,
            order=2):
    """A spec for :func:`wengert.selfcheck`: the function to check, one shape per
    argument (``()`` a NumPy scalar, ``None`` a Python float), where to sample each
    argument (``(lo, hi)``, or a list with one per argument, or a sampler
    ``(rng, shape) -> array``), the dtype and the order to check to.

    Example:
        >>> import wengert.numpy as np
        >>> from wengert.test_util import op_spec
        >>> str(op_spec(np.log, (3,), domain=(0.5, 2.0)))
        'log[(3,)]'
    """
    from ._specs import spec
    return spec(fun, *shapes, name=name, domain=domain, dtype=dtype, covers=covers,
                order=order)
