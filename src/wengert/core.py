"""``wengert.core``: autograd's core module, on wengert's traces and rules.

The one-argument ``make_vjp(fun, x)`` and ``make_jvp(fun, x)``; the rule
registries seen as autograd's ``primitive_vjps`` / ``primitive_jvps``
mappings; ``VJPNode`` / ``JVPNode`` with ``backward_pass``, for code that
drives :func:`wengert.tracer.trace` itself; ``VSpace`` for subclassing.
The ``def*`` functions are :mod:`wengert.extend`'s (autograd's conventions).

Example:
    >>> import wengert.numpy as np
    >>> from wengert.core import make_vjp, make_jvp
    >>> vjp, ans = make_vjp(np.sin, 0.0)
    >>> float(vjp(2.0))
    2.0
    >>> make_jvp(lambda x: x * x, 3.0)(1.0)
    (9.0, 6.0)
"""
import collections.abc
import functools

from ._core import Box, getval, get_primitive, vspace
from ._core import rules as _rules
from ._core.vspace import add_any
from .extend import (VSpace, defjvp, defjvp_argnum,
                     defjvp_argnums, defvjp, defvjp_argnum, defvjp_argnums, primitive)
from ._nodes import JVPNode, SparseBox, SparseObject, VJPNode, backward_pass
from ._warn import warn as _warn
from .tracer import Node, isbox, trace
from .transforms._readings import jvp_at, vjp_at
from .util import subval, toposort

__all__ = [
    "make_vjp", "make_jvp", "backward_pass", "VJPNode", "JVPNode", "Node", "primitive_vjps",
    "primitive_jvps", "defvjp", "defjvp", "defvjp_argnum", "defvjp_argnums", "defjvp_argnum",
    "defjvp_argnums", "def_linear", "translate_vjp", "translate_jvp", "add_outgrads",
    "sum_outgrads", "vspace", "VSpace", "Box", "SparseBox", "SparseObject", "getval", "isbox",
    "trace", "toposort", "subval", "primitive", "primitive_", "identity_vjp", "identity_jvp",
    "primitive_with_deprecation_warnings",
]


def make_vjp(fun, x):
    """``(vjp, fun(x))``: ``vjp(g)`` is the cotangent of ``x`` for an output cotangent ``g``."""
    return vjp_at(fun, x)


def make_jvp(fun, x):
    """``jvp(t) -> (fun(x), tangent of fun(x))`` for a tangent ``t`` of ``x``."""
    return jvp_at(fun, x)


# -- the rule registries as autograd's mappings ------------------------------------------
class _RuleTable(collections.abc.MutableMapping):
    """``primitive_vjps`` / ``primitive_jvps``: wrapped function -> {argnum: rule}
    in autograd's convention.  ``pop`` removes a primitive's rules and
    assigning the popped value back restores them."""

    def __init__(self, mode):
        self.mode = mode
        self._core_mode = "reverse" if mode == "vjp" else "forward"
        self._fields = ("vjps", "vjp_any", "vjp_joint") if mode == "vjp" else \
            ("jvps", "jvp_any", "jvp_joint")

    def _prims(self):
        from ._core import registered_primitives
        from .numpy._dispatch import load_submodules
        load_submodules()     # wengert.numpy.linalg and fft's rules are listed too
        return {f: p for f, p in registered_primitives().items()
                if any(getattr(p, name) for name in self._fields)}

    def __getitem__(self, fun):
        prim = get_primitive(fun)
        if prim is None or not any(getattr(prim, name) for name in self._fields):
            raise KeyError(fun)
        return _SavedRules(_rules.rules_of(fun, self._core_mode), prim, self.mode)

    def __setitem__(self, fun, rules):
        if isinstance(rules, _SavedRules):
            _rules.restore_rules(fun, self._core_mode, rules.saved)
        elif self.mode == "vjp":
            defvjp(fun, *rules.values(), argnums=list(rules))
        else:
            defjvp(fun, *rules.values(), argnums=list(rules))

    def __delitem__(self, fun):
        self[fun]   # KeyError when there are no rules
        _rules.clear_rules(fun, self._core_mode)

    def __iter__(self):
        return iter(self._prims())

    def __len__(self):
        return len(self._prims())


class _SavedRules(dict):
    """One primitive's rules, as {argnum: rule in autograd's convention}, that
    also remembers wengert's own fields for an exact restore."""

    def __init__(self, saved, prim, mode):
        if mode == "vjp":
            super().__init__({i: (lambda ans, *a, _r=r, **k: lambda g: _r(g, ans, *a, **k))
                              for i, r in saved["vjps"].items()})
        else:
            super().__init__({i: (lambda g, ans, *a, _r=r, **k: _r(g, ans, *a, **k))
                              for i, r in saved["jvps"].items()})
        self.saved = saved


primitive_vjps = _RuleTable("vjp")
primitive_jvps = _RuleTable("jvp")


def def_linear(fun):
    """Declare ``fun`` linear in each of its arguments (autograd's ``def_linear``):
    the tangent from argument ``i`` is ``fun`` with the tangent in place of it."""
    defjvp_argnum(fun, lambda argnum, g, ans, args, kwargs: fun(*subval(args, argnum, g), **kwargs))


def translate_vjp(vjpfun, fun, argnum):
    """A vjp maker ``(ans, *args) -> (g -> ct)`` from autograd's older forms:
    ``None`` (zero cotangent) or a maker itself."""
    if vjpfun is None:
        return lambda ans, *args, **kwargs: lambda g: vspace(args[argnum]).zeros()
    if callable(vjpfun):
        return vjpfun
    raise TypeError(f"Can't handle VJP {vjpfun!r}; pass a function or None")


def translate_jvp(jvpfun, fun, argnum):
    """A jvp ``(g, ans, *args) -> tangent`` from ``None`` (zero), ``"same"``
    (linear in this argument) or a function."""
    if jvpfun is None:
        return lambda g, ans, *args, **kwargs: vspace(ans).zeros()
    if jvpfun == "same":
        return lambda g, ans, *args, **kwargs: fun(*subval(args, argnum, g), **kwargs)
    if callable(jvpfun):
        return jvpfun
    raise TypeError(f"Can't handle JVP {jvpfun!r}; pass a function, None or 'same'")


identity_vjp = lambda argnums, *args: lambda g: g  # noqa: E731
identity_jvp = lambda g, *args, **kwargs: g  # noqa: E731


def add_outgrads(prev_g_flagged, g):
    """autograd's accumulation step: ``(sum so far, flag), g -> (sum, True)``."""
    if prev_g_flagged is None:
        return g, False
    return add_any(prev_g_flagged[0], g), True


def sum_outgrads(gs):
    """The sum of a list of cotangents (trees included)."""
    return functools.reduce(add_any, gs, None)


primitive_ = primitive


def primitive_with_deprecation_warnings(f_raw):
    """:func:`primitive`, plus autograd's deprecated per-function ``.defvjp``
    / ``.defgrad`` / ``.defvjp_is_zero`` methods (each warns)."""
    f = primitive_(f_raw)

    def old_defvjp(vjpmaker, argnum=0):
        _warn("The defvjp method is deprecated; use wengert.extend.defvjp")
        from ._core import rules
        rules.defvjp(f, lambda g, ans, *a, **k: vjpmaker(g, ans, vspace(a[argnum]),
                                                         vspace(g), *a, **k), argnums=[argnum])

    def old_defgrad(gradfun, argnum=0):
        _warn("The defgrad method is deprecated; use wengert.extend.defvjp")
        defvjp(f, gradfun, argnums=[argnum])

    def old_defvjp_is_zero(argnums=(0,)):
        _warn("The defvjp_is_zero method is deprecated; use wengert.extend.defvjp")
        from ._core import rules
        rules.defvjp(f, *[lambda g, ans, *a, _i=i, **k: vspace(a[_i]).zeros()
                          for i in argnums], argnums=list(argnums))

    f.defvjp, f.defgrad, f.defvjp_is_zero = old_defvjp, old_defgrad, old_defvjp_is_zero
    return f


primitive = primitive_with_deprecation_warnings   # as in autograd.core
