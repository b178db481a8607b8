"""The table in wengert/_specs is the coverage list.

* every library primitive (a registered primitive named ``numpy...``, ``scipy...`` or
  ``wengert...``; user primitives have other names) is covered by a spec, and
  every public differentiable function of ``wengert.numpy`` (primitive or
  composite) is too;
* a spec really exercises what it claims to cover: its primitives are recorded
  while it and its derivative rules run, and its composite functions are called.
"""
import collections
import inspect
import sys

import pytest

import wengert.numpy as wnp
import wengert.numpy.linalg as wla
from wengert._core import (Box, DualTrace, TapeTrace, get_primitive, getval, registered_primitives,
                           vspace)
from wengert.numpy._dispatch import _EQUIVALENTS, nondiff
from wengert.numpy._elementwise import def_elementwise

from wengert._specs import OP_SPECS, cover_name

LIBRARY_PREFIXES = ("numpy", "scipy", "wengert")
RULE_HELPERS = {def_elementwise, nondiff}   # tools for rule authors, not ops
HELPER_MODULES = {"wengert.numpy._dispatch", "wengert.numpy._unbroadcast"}


def library_primitives():
    return [p for p in registered_primitives().values() if p.name.startswith(LIBRARY_PREFIXES)]


def _is_primitive_cover(f):
    return isinstance(f, str) or get_primitive(f) is not None


def covered_primitives():
    return {cover_name(f) for s in OP_SPECS for f in s.covers if _is_primitive_cover(f)}


def covered_composites():
    return {f for s in OP_SPECS for f in s.covers if not _is_primitive_cover(f)}


def test_every_library_primitive_has_a_spec():
    registered = {p.name for p in library_primitives()}
    covered = covered_primitives()
    missing = sorted(registered - covered)
    assert not missing, (
        f"{len(missing)} library primitive(s) have no OpSpec in src/wengert/_specs: "
        f"{', '.join(missing)}; add a spec (function, shapes, domain) that covers each")
    unknown = sorted(covered - registered)
    assert not unknown, f"specs cover names that are not registered primitives: {unknown}"


def test_library_primitive_names_are_unique():
    # coverage is counted by name: two primitives with one name would hide one of them
    counts = collections.Counter(p.name for p in library_primitives())
    assert not [n for n, c in counts.items() if c > 1], counts.most_common(3)


def _public_functions():
    """(qualified name, function) for every public differentiable function of
    wengert.numpy and wengert.numpy.linalg, and every function that plain NumPy
    calls on traced values are routed to."""
    found = {}
    for mod in (wnp, wla):
        for name, f in vars(mod).items():
            if not name.startswith("_") and callable(f):
                found[f"{mod.__name__}.{name}"] = f
    for np_fun, f in _EQUIVALENTS.items():
        found[f"numpy.{getattr(np_fun, '__name__', np_fun)} (dispatched)"] = f
    for name, f in sorted(found.items()):
        if f in RULE_HELPERS or getattr(f, "_notrace", False):
            continue            # not differentiable, by declaration
        if get_primitive(f) is not None or (
                inspect.isfunction(f) and f.__module__.startswith("wengert.numpy")
                and f.__module__ not in HELPER_MODULES):
            yield name, f


def test_rule_author_tools_are_not_names_of_wengert_numpy():
    # NumPy has no such names (nor autograd.numpy); rule authors find them in wengert.extend
    import wengert.extend
    assert wengert.extend.def_elementwise is def_elementwise
    for name in ("def_elementwise", "nondiff"):
        assert name not in vars(wnp), name
        assert name not in dir(wnp), name


def test_public_surface_is_covered():
    prims, composites = covered_primitives(), covered_composites()
    public = list(_public_functions())
    assert len(public) > 80
    missing = sorted(name for name, f in public
                     if (get_primitive(f).name not in prims if get_primitive(f)
                         else f not in composites))
    assert not missing, f"public differentiable functions without an OpSpec: {missing}"


def test_spec_ids_are_unique():
    counts = collections.Counter(str(s) for s in OP_SPECS)
    assert not [i for i, c in counts.items() if c > 1], counts.most_common(3)


# -- each spec exercises what it claims ------------------------------------------------------
def _with(args, i, x):
    return [*args[:i], x, *args[i + 1:]]


def _recorded(trace):
    return {entry[0].name for entry in trace.entries if entry is not None}


def exercised(spec, rng):
    """The primitive names recorded, and the code objects called, while ``spec``
    runs forward and its reverse and forward rules run, for every argument.

    The cotangent and the tangent are themselves traced by a second tape, so the
    operations the rules apply to them are recorded too."""
    args = spec.sample(rng)
    names, codes = set(), set()
    previous = sys.getprofile()
    sys.setprofile(lambda frame, event, arg: codes.add(frame.f_code) if event == "call" else None)
    try:
        for i, x in enumerate(args):
            tape = TapeTrace()
            box = tape.new_input(x)
            out = spec.fun(*_with(args, i, box))
            names |= _recorded(tape)
            if not (isinstance(out, Box) and out._trace is tape):
                continue        # the output does not depend on this argument
            cotangent_tape = TapeTrace()
            u = cotangent_tape.new_input(vspace(getval(out)).randn(rng))
            tape.backward([(out._aux, u)], [box._aux])
            names |= _recorded(cotangent_tape)
            tangent_tape = TapeTrace()
            v = tangent_tape.new_input(vspace(x).randn(rng))
            spec.fun(*_with(args, i, DualTrace().new_input(x, v)))
            names |= _recorded(tangent_tape)
    finally:
        sys.setprofile(previous)
    return names, codes


@pytest.mark.parametrize("spec", OP_SPECS, ids=str)
def test_spec_exercises_what_it_covers(spec, rng):
    names, codes = exercised(spec, rng)
    claimed = {cover_name(f) for f in spec.covers if _is_primitive_cover(f)}
    assert claimed <= names, f"{spec} never runs {sorted(claimed - names)}; it ran {names}"
    uncalled = [cover_name(f) for f in spec.covers
                if not _is_primitive_cover(f) and f.__code__ not in codes]
    assert not uncalled, f"{spec} never calls {uncalled}"
