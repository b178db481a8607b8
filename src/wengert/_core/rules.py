"""The rule registries and the one internal convention.

Every reverse rule is ``vjp(g, ans, *args, **kwargs) -> cotangent of args[i]``
and every forward rule is ``jvp(t, ans, *args, **kwargs) -> tangent of ans``
contributed by a tangent ``t`` of ``args[i]``.  ``ans`` is the primitive's
output.  Rules must be written with differentiable (wrapped) operations so that
they can themselves be differentiated, to any order, in both modes.  A rule may
return ``None`` to mean a symbolic zero.
"""
from .primitive import get_primitive


def _prim(fun):
    prim = get_primitive(fun)
    if prim is None:
        raise TypeError(
            f"{getattr(fun, '__name__', fun)!r} is not a primitive; wrap it first with "
            "wengert.extend.primitive(fun)")
    return prim


def defvjp(fun, *rules, argnums=None):
    """Set reverse rules ``rule(g, ans, *args, **kwargs)``, one per argument
    (``None`` leaves that argument without a rule)."""
    prim = _prim(fun)
    for i, rule in zip(range(len(rules)) if argnums is None else argnums, rules):
        if rule is not None:
            prim.vjps[i] = rule
    return fun


def defjvp(fun, *rules, argnums=None):
    """Set forward rules ``rule(t, ans, *args, **kwargs)``, one per argument."""
    prim = _prim(fun)
    for i, rule in zip(range(len(rules)) if argnums is None else argnums, rules):
        if rule is not None:
            prim.jvps[i] = rule
    return fun


def defvjp_any(fun, rule):
    """One reverse rule ``rule(argnum, g, ans, *args, **kwargs)`` for every argument."""
    _prim(fun).vjp_any = rule
    return fun


def defjvp_any(fun, rule):
    """One forward rule ``rule(argnum, t, ans, *args, **kwargs)`` for every argument."""
    _prim(fun).jvp_any = rule
    return fun


def def_linear(fun, argnums=(0,)):
    """Declare ``fun`` linear in each argument of ``argnums`` (jointly
    multilinear if several): the tangent of the output is ``fun`` applied with
    the tangent in place of that argument."""
    prim = _prim(fun)
    wrapped = prim.wrapped
    for i in argnums:
        def rule(t, ans, *args, _i=i, **kwargs):
            return wrapped(*args[:_i], t, *args[_i + 1:], **kwargs)
        prim.jvps[i] = rule
    if prim.kind == "primitive":
        prim.kind = "linear"
    return fun


def def_array_args(fun, to_array, argnums=None):
    """Declare that a list or tuple passed to ``fun`` as argument ``i`` (each of
    ``argnums``; by default each argument with a derivative rule) stands for an array:
    when the call is traced, ``to_array(seq)`` replaces it before any rule sees it,
    so ``x / [1.0, 2.0]`` and ``sum([x * x, x])`` differentiate as NumPy computes them.
    ``to_array=None`` undoes the declaration (for arguments that are true sequences)."""
    prim = _prim(fun)
    prim.arrays = None if to_array is None else (
        to_array, None if argnums is None else frozenset(argnums))
    return fun


def def_keep(fun, ans=False, args=None):
    """Declare what ``fun``'s reverse rules read, so that the tape keeps only that:
    ``ans`` whether they read the output (True, False, or the argnums whose
    cotangents read it), ``args`` ``{argnum: argnums}``, the arguments the
    cotangent of ``argnum`` reads (default: none).  Shapes and dtypes are always
    kept: a value no rule reads is replaced on the tape by a stand-in of its shape
    and dtype holding no memory (filled with NaN, so that a wrong declaration shows
    as NaN, never as a plausible number)."""
    prim = _prim(fun)
    ans = ans if type(ans) is bool else frozenset(ans)
    prim.keep = (ans, {i: tuple(a) for i, a in (args or {}).items()})
    return fun


def vjp_rule(prim, argnum):
    rule = prim.vjps.get(argnum)
    if rule is None:
        if prim.vjp_any is not None:
            any_rule = prim.vjp_any
            return lambda g, ans, *a, **k: any_rule(argnum, g, ans, *a, **k)
        missing_rule(prim, "reverse", argnum)
    return rule


def has_jvp(prim, argnum):
    """Whether ``prim`` has a forward rule for argument ``argnum``."""
    return (argnum in prim.jvps or prim.jvp_any is not None or prim.jvp_joint is not None)


def jvp_rule(prim, argnum):
    rule = prim.jvps.get(argnum)
    if rule is None:
        if prim.jvp_any is not None:
            any_rule = prim.jvp_any
            return lambda t, ans, *a, **k: any_rule(argnum, t, ans, *a, **k)
        missing_rule(prim, "forward", argnum)
    return rule


def missing_rule(prim, mode, argnum):
    adder = "defvjp" if mode == "reverse" else "defjvp"
    if prim.kind == "nondiff":
        raise TypeError(
            f"{prim.name} is not differentiable (its result is piecewise constant, "
            f"an integer or a boolean), but argument {argnum} is being differentiated "
            f"in {mode} mode; apply it to a constant, e.g. wengert.stop_gradient(x)")
    raise NotImplementedError(
        f"no {mode}-mode derivative rule for {prim.name} with respect to argument "
        f"{argnum}; add one with wengert.extend.{adder}({prim.name.rsplit('.', 1)[-1]}, ...) "
        "or, if the value must be treated as a constant, wrap the argument in "
        "wengert.stop_gradient")
