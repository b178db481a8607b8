"""The rule author's API, compatible with HIPS/autograd's ``autograd.extend``.

``defvjp`` takes autograd's curried makers ``(ans, *args, **kwargs) -> (g -> cotangent)``
and ``defjvp`` takes ``(g, ans, *args, **kwargs) -> tangent``, so existing
autograd rule code runs unchanged; both are adapted onto wengert's one flat
internal convention.  ``def_elementwise`` states one partial derivative for
both modes; ``def_linear`` declares a linear function.

Example (the sigmoid gate of the CS231n backpropagation notes, with its algebraically
nice derivative):
    >>> import numpy
    >>> import wengert
    >>> from wengert.extend import primitive, defvjp, defjvp
    >>> @primitive
    ... def sigmoid(x):
    ...     return 1 / (1 + numpy.exp(-x))
    >>> defvjp(sigmoid, lambda ans, x: lambda g: g * ans * (1 - ans))
    >>> defjvp(sigmoid, lambda g, ans, x: g * ans * (1 - ans))
    >>> round(float(wengert.grad(sigmoid)(1.0)), 4)
    0.1966
"""
from ._core import Box, VSpace, get_primitive, getval, notrace_primitive, primitive, vspace
from ._core import rules as _rules
from ._core.vspace import register_vspace
from .numpy._elementwise import def_elementwise
from ._nodes import JVPNode, SparseObject, VJPNode
from .tracer import register_notrace

__all__ = [
    "primitive", "notrace_primitive", "defvjp", "defjvp", "defvjp_argnum", "defvjp_argnums",
    "defjvp_argnum", "defjvp_argnums", "def_linear", "def_elementwise", "vspace", "VSpace",
    "Box", "getval", "register_vspace", "defvjp_flat", "defjvp_flat", "JVPNode", "VJPNode",
    "SparseObject", "register_notrace",
]


def defvjp(fun, *vjpmakers, argnums=None):
    """Reverse rules in autograd's form, one maker per argument:
    ``maker(ans, *args, **kwargs)`` returns ``g -> cotangent``; ``None`` skips an
    argument."""
    rules = [None if m is None else
             (lambda g, ans, *a, _m=m, **k: _m(ans, *a, **k)(g)) for m in vjpmakers]
    _rules.defvjp(fun, *rules, argnums=argnums)


def defjvp(fun, *jvpfuns, argnums=None):
    """Forward rules ``rule(g, ans, *args, **kwargs) -> tangent`` (``g`` is the
    argument's tangent), one per argument.  The string ``"same"`` means the
    function is linear in that argument."""
    argnums = range(len(jvpfuns)) if argnums is None else argnums
    for i, rule in zip(argnums, jvpfuns):
        if isinstance(rule, str):
            if rule != "same":
                raise ValueError(f"defjvp: unknown rule {rule!r}; pass a function or 'same'")
            _rules.def_linear(fun, argnums=(i,))
        elif rule is not None:
            _rules.defjvp(fun, rule, argnums=(i,))


def defvjp_argnum(fun, vjpmaker):
    """One maker for every argument: ``vjpmaker(argnum, ans, args, kwargs) -> (g -> ct)``."""
    _rules.defvjp_any(fun, lambda i, g, ans, *a, **k: vjpmaker(i, ans, a, k)(g))


def defvjp_argnums(fun, vjpmaker):
    """A joint maker: ``vjpmaker(argnums, ans, args, kwargs) -> (g -> tuple of cts)``."""
    _rules.defvjp_joint(fun, lambda nums, g, ans, *a, **k: vjpmaker(nums, ans, a, k)(g))


def defjvp_argnum(fun, jvpmaker):
    """One rule for every argument: ``jvpmaker(argnum, g, ans, args, kwargs) -> tangent``."""
    _rules.defjvp_any(fun, lambda i, t, ans, *a, **k: jvpmaker(i, t, ans, a, k))


def defjvp_argnums(fun, jvpmaker):
    """A joint rule: ``jvpmaker(argnums, gs, ans, args, kwargs) -> tangent``."""
    _rules.defjvp_joint(fun, lambda nums, ts, ans, *a, **k: jvpmaker(nums, ts, ans, a, k))


def def_linear(fun, argnums=None):
    """Declare ``fun`` linear in each argument of ``argnums`` (default: every
    argument, as autograd's ``def_linear``): the tangent from an argument is
    ``fun`` applied with the tangent in its place."""
    if argnums is not None:
        _rules.def_linear(fun, argnums)
        return
    wrapped = get_primitive(fun).wrapped
    _rules.defjvp_any(fun, lambda i, t, ans, *a, **k: wrapped(*a[:i], t, *a[i + 1:], **k))


# wengert's own flat convention, for new code:
#   defvjp_flat(f, lambda g, ans, x: ...), defjvp_flat(f, lambda t, ans, x: ...)
defvjp_flat = _rules.defvjp
defjvp_flat = _rules.defjvp
