"""The modules of ``wengert.numpy`` import one another in one direction only: no
module-level import cycle (a cycle works only while ``wengert.numpy/__init__``
imports its members in the one order that happens to resolve it)."""
import ast
import pathlib

import wengert.numpy

PACKAGE = pathlib.Path(wengert.numpy.__file__).parent
NAME = "wengert.numpy"


def _module_level_imports(tree):
    """Import statements run at import time (not those inside functions or classes)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                todo.extend(getattr(node, field, None) or [])


def _graph():
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    graph = {}
    for stem in modules:
        deps = set()
        for node in _module_level_imports(ast.parse((PACKAGE / f"{stem}.py").read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module is None:            # from . import a, b
                    deps.update(a.name for a in node.names)
                else:                              # from .a import x
                    deps.add(node.module.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(NAME + "."):
                deps.add(node.module[len(NAME) + 1:].split(".")[0])
        graph[stem] = {d for d in deps if d in modules and d != stem}
    return graph


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(m, path):
        state[m] = "open"
        for d in sorted(graph[m]):
            if state.get(d) == "open":
                return path[path.index(d):] + [d]
            if d not in state:
                found = visit(d, path + [d])
                if found:
                    return found
        state[m] = "done"
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m, [m])
            if found:
                return found
    return None


def test_graph_sees_the_rule_modules_imports():
    graph = _graph()
    assert {"_wrapped", "_unbroadcast"} <= graph["_elementwise"]
    assert "_elementwise" in graph["_reductions"]


def test_no_module_level_import_cycle_in_wengert_numpy():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_checker_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
