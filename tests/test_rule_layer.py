"""The rule layer's boundaries, read from the source: a primitive's record is written
only by the core's declarations, and a box's fields are read only through the core's
accessors (``box_value``, ``box_trace``, ``Trace.owns``, ``node_of``, ``tangent_of``,
``dim_of``, ``rebind``).  A box class may read its own fields (``self._value``)."""
import ast
import pathlib

import pytest

import wengert

PACKAGE = pathlib.Path(wengert.__file__).parent
CORE = PACKAGE / "_core"

# the fields of wengert._core.primitive.Primitive that declarations set
PRIMITIVE_FIELDS = {"vjps", "jvps", "vjp_any", "jvp_any", "vjp_joint", "jvp_joint",
                    "elementwise", "batch", "loop_only", "keep", "arrays"}
BOX_FIELDS = {"_value", "_aux", "_trace"}


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if CORE not in p.parents)


def _is_self(node):
    return isinstance(node, ast.Name) and node.id in ("self", "cls")


def field_writes(tree):
    """``(line, text)`` of every write of a Primitive field: ``p.batch = ...``,
    ``p.vjps[0] = ...``, ``setattr(p, "batch", ...)``."""
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        flat = []
        for t in targets:
            flat.extend(t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t])
        for t in flat:
            base = t.value if isinstance(t, ast.Subscript) else t   # p.vjps[0] = ...
            if isinstance(base, ast.Attribute) and base.attr in PRIMITIVE_FIELDS \
                    and not _is_self(base.value):
                found.append((node.lineno, ast.unparse(t)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "setattr" and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in PRIMITIVE_FIELDS:
            found.append((node.lineno, ast.unparse(node)))
    return found


def box_field_reads(tree):
    """``(line, text)`` of every use of a box's private field on something other than
    ``self`` (a box class reading its own fields is fine)."""
    return [(node.lineno, ast.unparse(node)) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in BOX_FIELDS
            and not _is_self(node.value)]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_primitive_field_is_written_outside_the_core(path):
    found = field_writes(ast.parse(path.read_text()))
    assert not found, (
        f"{path.relative_to(PACKAGE)} writes a primitive's record directly at "
        + ", ".join(f"line {n}: {text}" for n, text in found)
        + "; use the core's declarations instead (defvjp, defjvp, defvjp_joint, defjvp_joint, "
        "defbatch, def_loop_only, declare_elementwise, def_keep, def_array_args)")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_box_field_is_read_outside_the_core(path):
    found = box_field_reads(ast.parse(path.read_text()))
    assert not found, (
        f"{path.relative_to(PACKAGE)} reads a box's private fields at "
        + ", ".join(f"line {n}: {text}" for n, text in found)
        + "; use the core's accessors (box_value, box_trace, trace.owns(x), "
        "trace.node_of / tangent_of / dim_of / aux_of, rebind)")


def test_the_checks_catch_what_they_look_for():
    bad = ast.parse("get_primitive(f).batch = rule\nprim.vjps[0] = r\n"
                    "setattr(prim, 'keep', None)\nx = b._value\ny = self._aux\n")
    assert [n for n, _ in field_writes(bad)] == [1, 2, 3]
    assert [n for n, _ in box_field_reads(bad)] == [4]
