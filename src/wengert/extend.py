"""The rule author's API, compatible with HIPS/autograd's ``autograd.extend``.

``defvjp`` takes autograd's curried makers ``(ans, *args, **kwargs) -> (g -> cotangent)``
and ``defjvp`` takes ``(g, ans, *args, **kwargs) -> tangent``, so existing
autograd rule code runs unchanged; both are adapted onto wengert's one flat
internal convention.  ``def_elementwise`` states one partial derivative for
both modes; ``def_linear`` declares a linear function.

Everything else about a primitive is declared with the same calls the library uses
for its own: ``defbatch`` (how ``vmap`` batches it), ``declare_elementwise`` (it
broadcasts like a ufunc, so ``vmap`` needs no rule), ``def_loop_only`` (``vmap``
runs it once per example, on purpose, and why), ``def_keep`` (what its reverse rules
read, so the tape keeps only that), ``defvjp_joint`` / ``defjvp_joint`` (one rule
for all arguments, when their derivatives share work).  Nothing else writes a
primitive's record.

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
from typing import Any, Callable, Mapping, Sequence

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
    "SparseObject", "register_notrace", "defbatch", "declare_elementwise", "def_loop_only",
    "def_keep", "defvjp_joint", "defjvp_joint",
]


def defvjp(fun: Callable[..., Any], *vjpmakers: Callable[..., Any] | None,
           argnums: Sequence[int] | None = None) -> None:
    """Reverse rules in autograd's form, one maker per argument:
    ``maker(ans, *args, **kwargs)`` returns ``g -> cotangent``; ``None`` skips an
    argument."""
    rules = [None if m is None else
             (lambda g, ans, *a, _m=m, **k: _m(ans, *a, **k)(g)) for m in vjpmakers]
    _rules.defvjp(fun, *rules, argnums=argnums)


def defjvp(fun: Callable[..., Any], *jvpfuns: Callable[..., Any] | str | None,
           argnums: Sequence[int] | None = None) -> None:
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


def defvjp_argnum(fun: Callable[..., Any], vjpmaker: Callable[..., Any]) -> None:
    """One maker for every argument: ``vjpmaker(argnum, ans, args, kwargs) -> (g -> ct)``."""
    _rules.defvjp_any(fun, lambda i, g, ans, *a, **k: vjpmaker(i, ans, a, k)(g))


def defvjp_argnums(fun: Callable[..., Any], vjpmaker: Callable[..., Any]) -> None:
    """A joint maker: ``vjpmaker(argnums, ans, args, kwargs) -> (g -> tuple of cts)``."""
    _rules.defvjp_joint(fun, lambda nums, g, ans, *a, **k: vjpmaker(nums, ans, a, k)(g))


def defjvp_argnum(fun: Callable[..., Any], jvpmaker: Callable[..., Any]) -> None:
    """One rule for every argument: ``jvpmaker(argnum, g, ans, args, kwargs) -> tangent``."""
    _rules.defjvp_any(fun, lambda i, t, ans, *a, **k: jvpmaker(i, t, ans, a, k))


def defjvp_argnums(fun: Callable[..., Any], jvpmaker: Callable[..., Any]) -> None:
    """A joint rule: ``jvpmaker(argnums, gs, ans, args, kwargs) -> tangent``."""
    _rules.defjvp_joint(fun, lambda nums, ts, ans, *a, **k: jvpmaker(nums, ts, ans, a, k))


def def_linear(fun: Callable[..., Any], argnums: Sequence[int] | None = None) -> None:
    """Declare ``fun`` linear in each argument of ``argnums`` (default: every
    argument, as autograd's ``def_linear``): the tangent from an argument is
    ``fun`` applied with the tangent in its place."""
    if argnums is not None:
        _rules.def_linear(fun, argnums)
        return
    wrapped = get_primitive(fun).wrapped
    _rules.defjvp_any(fun, lambda i, t, ans, *a, **k: wrapped(*a[:i], t, *a[i + 1:], **k))


def defbatch(fun: Callable[..., Any], rule: Callable[..., Any]) -> Callable[..., Any]:
    """How ``wengert.vmap`` batches ``fun``: ``rule(args, dims, kwargs) -> (out,
    out_dim)`` gets the batched arguments with their batch axes (``None`` for an
    argument shared by every example) and returns the batched result and its batch
    axis; returning ``None`` instead runs ``fun`` once per example.

    Example:
        >>> import numpy
        >>> import wengert
        >>> from wengert.extend import primitive, defvjp, defjvp, defbatch
        >>> @primitive
        ... def row_norms(m):                      # one matrix -> one norm per row
        ...     return numpy.sqrt((m * m).sum(axis=-1))
        >>> defvjp(row_norms, lambda ans, m: lambda g: (g / ans)[..., None] * m)
        >>> defjvp(row_norms, lambda t, ans, m: (t * m).sum(axis=-1) / ans)
        >>> def batch(args, dims, kwargs):         # works on stacks: move the axis first
        ...     (m,), (d,) = args, dims
        ...     return row_norms(wengert.numpy.moveaxis(m, d, 0)), 0
        >>> _ = defbatch(row_norms, batch)
        >>> wengert.vmap(row_norms)(numpy.ones((5, 2, 4))).shape
        (5, 2)
    """
    return _rules.defbatch(fun, rule)


def declare_elementwise(fun: Callable[..., Any]) -> Callable[..., Any]:
    """Declare that ``fun`` works elementwise with NumPy broadcasting, so ``vmap``
    batches it by aligning the batch axes (no batching rule needed).

    Example:
        >>> import numpy
        >>> import wengert
        >>> from wengert.extend import primitive, def_elementwise, declare_elementwise
        >>> softplus = primitive(lambda x: numpy.logaddexp(0.0, x))
        >>> def_elementwise(softplus, lambda ans, x: 1 - wengert.numpy.exp(-ans))
        >>> _ = declare_elementwise(softplus)
        >>> wengert.vmap(wengert.grad(softplus))(numpy.zeros(3))
        array([0.5, 0.5, 0.5])
    """
    return _rules.declare_elementwise(fun)


def def_loop_only(fun: Callable[..., Any], reason: str) -> Callable[..., Any]:
    """Declare that ``vmap`` runs ``fun`` once per example on purpose (its result has
    a data-dependent shape, or it wraps a routine with no batched form), and why: no
    warning is given then.

    Example:
        >>> import numpy
        >>> import wengert
        >>> from wengert.extend import primitive, defvjp, def_loop_only
        >>> @primitive
        ... def first_root(c):                     # numpy.roots works on one polynomial
        ...     return numpy.sort(numpy.roots(c).real)[0]
        >>> _ = def_loop_only(first_root, "numpy.roots takes one polynomial at a time")
        >>> wengert.vmap(first_root)(numpy.array([[1.0, -3.0, 2.0], [1.0, -5.0, 6.0]]))
        array([1., 2.])
    """
    return _rules.def_loop_only(fun, reason)


def def_keep(fun: Callable[..., Any], ans: bool | Sequence[int] = False,
             args: Mapping[int, Sequence[int]] | None = None) -> Callable[..., Any]:
    """Declare what ``fun``'s reverse rules read, so that the tape keeps only that of
    large arrays: ``ans`` whether they read the output, ``args`` ``{argnum: argnums}``
    the arguments the cotangent of each argument reads.  A value no rule reads is
    replaced by a stand-in holding no memory, filled with NaN, so a wrong declaration
    shows as NaN, never as a plausible number.

    Example:
        >>> import numpy
        >>> import wengert
        >>> from wengert.extend import primitive, defvjp, defjvp, def_keep
        >>> @primitive
        ... def logistic(x):
        ...     return 1 / (1 + numpy.exp(-x))
        >>> defvjp(logistic, lambda ans, x: lambda g: g * ans * (1 - ans))
        >>> defjvp(logistic, lambda t, ans, x: t * ans * (1 - ans))
        >>> _ = def_keep(logistic, ans=True)      # the rules read the output, not x
        >>> float(wengert.grad(lambda x: logistic(x).sum())(numpy.zeros(3))[0])
        0.25
    """
    return _rules.def_keep(fun, ans=ans, args=args)


def defvjp_joint(fun: Callable[..., Any], rule: Callable[..., Any]) -> Callable[..., Any]:
    """One reverse rule for all differentiated arguments, in wengert's flat
    convention: ``rule(argnums, g, ans, *args, **kwargs)`` returns one cotangent
    (or ``None``) per argnum, for primitives whose cotangents share work.

    Example:
        >>> import numpy
        >>> import wengert
        >>> from wengert.extend import primitive, defvjp_joint, defjvp_joint
        >>> @primitive
        ... def hypot(a, b):
        ...     return numpy.sqrt(a * a + b * b)
        >>> _ = defvjp_joint(hypot, lambda nums, g, ans, a, b:
        ...                  [g * (a, b)[i] / ans for i in nums])     # g / ans shared
        >>> _ = defjvp_joint(hypot, lambda nums, ts, ans, a, b:
        ...                  sum(t * (a, b)[i] for i, t in zip(nums, ts)) / ans)
        >>> [float(d) for d in wengert.grad(hypot, argnum=(0, 1))(3.0, 4.0)]
        [0.6, 0.8]
    """
    return _rules.defvjp_joint(fun, rule)


def defjvp_joint(fun: Callable[..., Any], rule: Callable[..., Any]) -> Callable[..., Any]:
    """One forward rule for all differentiated arguments:
    ``rule(argnums, tangents, ans, *args, **kwargs)`` returns the tangent of the
    output (see :func:`defvjp_joint` for an example)."""
    return _rules.defjvp_joint(fun, rule)


# wengert's own flat convention, for new code:
#   defvjp_flat(f, lambda g, ans, x: ...), defjvp_flat(f, lambda t, ans, x: ...)
defvjp_flat = _rules.defvjp
defjvp_flat = _rules.defjvp
