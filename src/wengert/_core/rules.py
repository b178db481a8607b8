"""The rule registries and the one internal convention.

Every reverse rule is ``vjp(g, ans, *args, **kwargs) -> cotangent of args[i]``
and every forward rule is ``jvp(t, ans, *args, **kwargs) -> tangent of ans``
contributed by a tangent ``t`` of ``args[i]``.  ``ans`` is the primitive's
output.  Rules must be written with differentiable (wrapped) operations so that
they can themselves be differentiated, to any order, in both modes.  A rule may
return ``None`` to mean a symbolic zero.
"""
from .primitive import get_primitive

# The one wording of "this function has no derivative rule", for every layer that
# meets such a function (a NumPy function reached through dispatch, say).
NO_RULE = "{name} has no derivative rule in wengert"


def no_rule_message(name):
    """``"<name> has no derivative rule in wengert"``: the start of every error about a
    function that is not differentiable here (callers add what to do instead)."""
    return NO_RULE.format(name=name)


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
    return fun


def defvjp_joint(fun, rule):
    """One reverse rule for all differentiated arguments at once, for primitives whose
    cotangents share work: ``rule(argnums, g, ans, *args, **kwargs)`` returns one
    cotangent (or ``None``) per argnum in ``argnums``."""
    _prim(fun).vjp_joint = rule
    return fun


def defjvp_joint(fun, rule):
    """One forward rule for all differentiated arguments at once:
    ``rule(argnums, tangents, ans, *args, **kwargs)`` returns the tangent of ``ans``
    (or ``None`` for zero)."""
    _prim(fun).jvp_joint = rule
    return fun


def defbatch(fun, rule):
    """Set ``fun``'s batching rule for ``vmap``: ``rule(args, dims, kwargs) ->
    (out, out_dim)``, where ``args`` are the physical values (batched ones with an
    extra axis), ``dims`` their batch axes (``None``: not batched) and ``out_dim``
    the batch axis of ``out``.  A rule may return ``None`` to fall back to a loop."""
    prim = _prim(fun)
    prim.batch = rule
    prim.loop_only = None
    return fun


def def_loop_only(fun, reason):
    """Declare that ``vmap`` maps ``fun`` with a Python loop over the examples, on
    purpose, and why (the reason is shown by the registry listing); a primitive with
    neither a batching rule nor this declaration loops with a warning."""
    if not reason or not isinstance(reason, str):
        raise ValueError("def_loop_only needs the reason as a non-empty string")
    prim = _prim(fun)
    prim.batch = None
    prim.loop_only = reason
    return fun


def declare_elementwise(fun, flag=True):
    """Declare ``fun`` elementwise (NumPy broadcasting, one output element per input
    element): ``vmap`` then batches it by aligning the batch axes, with no batching
    rule of its own."""
    _prim(fun).elementwise = bool(flag)
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


def def_vjp_inplace(fun, rule):
    """Declare a reverse rule of the one-argument ``fun`` that may compute its cotangent
    in the memory of ``ans`` (saving an array of the data's size at the backward pass's
    peak).  The tape calls it in place of the ordinary rule only when nothing can see
    ``ans`` change: on a single-use tape (``grad``, ``value_and_grad``), once the pass
    is past ``fun``'s entry, with no observer, and when nothing but the pass holds
    ``ans`` (not the tape, the program, an output or a view).  ``rule(g, ans, *args,
    **kwargs)`` returns what the ordinary rule returns, bit for bit, computing it the
    ordinary way whenever it cannot reuse ``ans`` (another type, dtype or shape).  It
    stands for the reverse rule set when it is declared: a later ``defvjp`` of ``fun``
    (a user's own rule) is used instead of it."""
    prim = _prim(fun)
    ordinary = prim.vjps.get(0)
    if ordinary is None:
        raise ValueError(f"def_vjp_inplace({prim.name}): declare its reverse rule first "
                         "(defvjp): the in-place rule stands for it")
    prim.vjp_inplace = (ordinary, {0: rule})
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


_MODE_FIELDS = {"reverse": ("vjps", "vjp_any", "vjp_joint"),
                "forward": ("jvps", "jvp_any", "jvp_joint")}


def rules_of(fun, mode):
    """A snapshot of ``fun``'s rules of one mode (``"reverse"`` or ``"forward"``):
    ``{field: value}``, to hand back to :func:`restore_rules`."""
    prim = _prim(fun)
    return {name: (dict(v) if type(v) is dict else v)
            for name in _MODE_FIELDS[mode] for v in (getattr(prim, name),)}


def restore_rules(fun, mode, saved):
    """Set ``fun``'s rules of one mode to a snapshot taken by :func:`rules_of`."""
    prim = _prim(fun)
    for name in _MODE_FIELDS[mode]:
        value = saved[name]
        setattr(prim, name, dict(value) if type(value) is dict else value)
    return fun


def clear_rules(fun, mode):
    """Remove every rule of one mode from ``fun`` (differentiating it in that mode is
    then an error naming the missing rule)."""
    prim = _prim(fun)
    per_arg, any_rule, joint = _MODE_FIELDS[mode]
    setattr(prim, per_arg, {})
    setattr(prim, any_rule, None)
    setattr(prim, joint, None)
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
    raise NotImplementedError(
        f"no {mode}-mode derivative rule for {prim.name} with respect to argument "
        f"{argnum}; add one with wengert.extend.{adder}({prim.name.rsplit('.', 1)[-1]}, ...) "
        "or, if the value must be treated as a constant, wrap the argument in "
        "wengert.stop_gradient")
