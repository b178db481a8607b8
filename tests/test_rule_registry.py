"""Every library primitive is declared completely, through the core's rules API.

A library primitive (a registered primitive named ``numpy...``, ``scipy...`` or
``wengert...``, as ``test_registry.py`` selects them) has

* a reverse and a forward rule for each argument it differentiates (or a joint
  rule, or a rule for any argument), so the two modes agree on what is differentiable;
* a way for ``vmap`` to batch it: a batching rule (``defbatch``), the elementwise
  property (``declare_elementwise``), or an explicit ``def_loop_only(fun, reason)``;
* a spec in the op table: ``test_registry.py`` checks that coverage;
* what its reverse rules read (``def_keep``), or no declaration, which keeps every
  value (the safe default).  A declaration must name arguments that have reverse rules
  and be exercised by a float64 spec, so that the lean-tape test (every array hollowed
  out, NaN stand-ins) checks it.
"""
import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert._core import registered_primitives
from wengert._specs import OP_SPECS, cover_name

LIBRARY_PREFIXES = ("numpy", "scipy", "wengert")

# vmap's first use loads the batched box and the fallback rules (numpy/_batching.py)
wengert.vmap(wnp.sin)(np.zeros(2))


def _library_primitives():
    return sorted((p for p in registered_primitives().values()
                   if p.name.startswith(LIBRARY_PREFIXES)), key=lambda p: p.name)


PRIMITIVES = {p.name: p for p in _library_primitives()}


def _short(name):
    return name.rsplit(".", 1)[-1]


def _has_reverse(prim, argnum):
    return argnum in prim.vjps or prim.vjp_any is not None or prim.vjp_joint is not None


def _has_forward(prim, argnum):
    return argnum in prim.jvps or prim.jvp_any is not None or prim.jvp_joint is not None


def test_the_registry_is_the_whole_library():
    assert len(PRIMITIVES) > 140      # numpy, linalg, fft, scipy, wengert's own


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_reverse_and_forward_rules_cover_the_same_arguments(name):
    prim = PRIMITIVES[name]
    has_any_reverse = bool(prim.vjps) or prim.vjp_any is not None or prim.vjp_joint is not None
    has_any_forward = bool(prim.jvps) or prim.jvp_any is not None or prim.jvp_joint is not None
    assert has_any_reverse, (
        f"{name} has no reverse rule: declare one with defvjp({_short(name)}, ...) "
        "(or defvjp_joint) next to the primitive")
    assert has_any_forward, (
        f"{name} has no forward rule: declare one with defjvp({_short(name)}, ...), "
        "def_linear or defjvp_joint next to the primitive")
    only_reverse = sorted(i for i in prim.vjps if not _has_forward(prim, i))
    only_forward = sorted(i for i in prim.jvps if not _has_reverse(prim, i))
    assert not only_reverse, (
        f"{name}: argument(s) {only_reverse} have a reverse rule but no forward rule; add "
        f"defjvp({_short(name)}, ..., argnums={tuple(only_reverse)}) (or def_linear)")
    assert not only_forward, (
        f"{name}: argument(s) {only_forward} have a forward rule but no reverse rule; add "
        f"defvjp({_short(name)}, ..., argnums={tuple(only_forward)})")


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_vmap_knows_how_to_batch_it(name):
    prim = PRIMITIVES[name]
    declared = [what for what, present in (("a batching rule", prim.batch is not None),
                                           ("elementwise", prim.elementwise),
                                           ("loop only", prim.loop_only is not None)) if present]
    assert declared, (
        f"{name} has no batching declaration, so vmap would run it once per example with a "
        f"warning: add defbatch({_short(name)}, rule) next to its rules (the builders are in "
        "wengert/numpy/_batchrules.py), declare_elementwise(...) for a broadcasting "
        "function, or def_loop_only(..., reason) saying why a loop is right")
    if prim.loop_only is not None:
        assert prim.batch is None and len(prim.loop_only) > 20, (
            f"{name}: a loop-only declaration needs no rule and a reason a reader can "
            f"follow; got {prim.loop_only!r}")


def _float64_specs_covering():
    covering = {}
    for s in OP_SPECS:
        if s.is_float64 and not s.xfail:
            for f in s.covers:
                covering.setdefault(cover_name(f), []).append(s)
    return covering


@pytest.mark.parametrize("name", sorted(n for n, p in PRIMITIVES.items() if p.keep is not None))
def test_memory_declarations_name_rules_and_are_checked(name):
    prim = PRIMITIVES[name]
    needs_ans, needs = prim.keep
    any_reverse = prim.vjp_any is not None or prim.vjp_joint is not None
    for argnum, read in needs.items():
        assert any_reverse or argnum in prim.vjps, (
            f"{name}: def_keep says what the reverse rule of argument {argnum} reads, but "
            "that argument has no reverse rule")
        assert all(isinstance(i, int) and i >= 0 for i in read), (name, argnum, read)
    if type(needs_ans) is frozenset:
        assert all(any_reverse or i in prim.vjps for i in needs_ans), (name, needs_ans)
    # the lean-tape test hollows out every array of every float64 spec: a rule reading a
    # value its declaration drops would read NaN there, so a declaration must be covered
    assert _float64_specs_covering().get(name), (
        f"{name} declares what its reverse rules read (def_keep) but no float64 op-table "
        "spec covers it, so tests/test_lean_tape.py cannot check the declaration; add one")
