"""No import cycles in ``wengert``: the module import graph, read from the source.

A cycle of module-level imports works only in the order some ``__init__`` happens to
import its members, and breaks when a user imports a submodule first.  The graph
has an edge from a module to every module it imports when it is executed:

* module-level statements only, including those inside ``if``, ``try``, ``with``
  and loops at module level; imports inside functions and classes run later and
  make no edge, nor do those under ``if TYPE_CHECKING:``, which never run;
* relative imports are resolved against the importing module's package;
* ``from pkg import name`` is an edge to ``pkg.name`` when that is a module of
  the package, else to ``pkg`` (whose ``__init__`` defines ``name``);
* only modules of the package itself count, and the parent packages that a dotted
  import runs first make no edge (a package ``__init__`` that imports its
  submodules would otherwise form a cycle with each of them).

To break a cycle, move what both sides need into a module that both import and
that imports neither of them.
"""
import ast
import pathlib

import wengert

PACKAGE_DIR = pathlib.Path(wengert.__file__).parent

# Import cycles tolerated for now, while they are being removed (none today); a test
# below fails once an entry is no longer a cycle, so the list cannot go stale.
KNOWN_CYCLES: list = []


# -- the checker ------------------------------------------------------------------------------
def package_modules(package_dir):
    """{dotted module name: (path, the parts of the package its relative imports
    start from)} for every ``.py`` file under ``package_dir``."""
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
            package = parts
        else:
            package = parts[:-1]
        modules[".".join(parts)] = (path, package)
    return modules


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
            or isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_level_imports(tree):
    """The ``Import`` and ``ImportFrom`` statements that run when the module runs."""
    found = []

    def walk(statements):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                walk(node.orelse)
            else:
                for field in ("body", "orelse", "finalbody"):
                    walk(getattr(node, field, []) or [])
                for handler in getattr(node, "handlers", []) or []:
                    walk(handler.body)
                for case in getattr(node, "cases", []) or []:       # match statements
                    walk(case.body)

    walk(tree.body)
    return found


def import_graph(package_dir):
    """{module: set of the package's modules it imports at module level}."""
    modules = package_modules(package_dir)
    root = package_dir.name
    graph = {}
    for name, (path, package) in modules.items():
        targets = set()
        for node in module_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            if node.level:
                base = package[:len(package) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                targets.add(submodule if submodule in modules else source)
        graph[name] = {t for t in targets
                       if t in modules and t != name and t.split(".")[0] == root}
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan's
    algorithm, iterative), each as a set of module names."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph.get(succ, ())))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(component)
    return found


def cycle_path(graph, component):
    """One closed path through a strongly connected component: ``a -> b -> a``."""
    start = min(component)
    previous = {start: None}
    frontier = [start]
    while frontier:                       # breadth first, back to start
        nxt = []
        for node in frontier:
            for succ in sorted(graph[node] & component):
                if succ == start:
                    path = [start]
                    while node is not None:
                        path.append(node)
                        node = previous[node]
                    return " -> ".join(reversed(path))
                if succ not in previous:
                    previous[succ] = node
                    nxt.append(succ)
        frontier = nxt
    raise AssertionError(f"not a cycle: {sorted(component)}")


# -- the package ------------------------------------------------------------------------------
def test_no_import_cycles():
    graph = import_graph(PACKAGE_DIR)
    assert len(graph) > 100 and "wengert.numpy" in graph["wengert"]
    new = [c for c in cycles(graph) if c not in KNOWN_CYCLES]
    assert not new, "import cycles in wengert (module-level imports):\n" + "\n".join(
        f"  {cycle_path(graph, c)}" for c in new) + (
        "\nmove what both sides need into a module that both import and that imports "
        "neither, or import inside the function that needs it")


def test_known_cycles_are_still_cycles():
    found = cycles(import_graph(PACKAGE_DIR))
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in found]
    assert not gone, f"no longer import cycles: remove them from KNOWN_CYCLES: {gone}"


# -- the checker itself, on small packages ----------------------------------------------------
def _package(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "pkg"


def test_checker_finds_a_cycle_through_a_package_init(tmp_path):
    # the shape _specs had: the package imports a member that imports a name
    # defined by the package
    pkg = _package(tmp_path, {
        "__init__.py": "from .table import ROWS\nSHARED = 1\n",
        "table.py": "from . import SHARED\nROWS = [SHARED]\n",
        "other.py": "import pkg.table\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg"] == {"pkg.table"} and graph["pkg.table"] == {"pkg"}
    assert graph["pkg.other"] == {"pkg.table"}
    assert cycles(graph) == [{"pkg", "pkg.table"}]
    assert cycle_path(graph, {"pkg", "pkg.table"}) == "pkg -> pkg.table -> pkg"


def test_checker_resolves_relative_imports_and_submodule_names(tmp_path):
    pkg = _package(tmp_path, {
        "__init__.py": "",
        "sub/__init__.py": "from .a import f\n",
        "sub/a.py": "from .. import c\nfrom ..b import g\n\ndef f():\n    pass\n",
        "b.py": "def g():\n    pass\n",
        "c.py": "try:\n    from pkg.sub import a\nexcept ImportError:\n    a = None\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg.sub"] == {"pkg.sub.a"}
    assert graph["pkg.sub.a"] == {"pkg.c", "pkg.b"}
    assert graph["pkg.c"] == {"pkg.sub.a"}              # inside try: at module level
    assert cycles(graph) == [{"pkg.sub.a", "pkg.c"}]


def test_checker_ignores_imports_that_do_not_run_with_the_module(tmp_path):
    pkg = _package(tmp_path, {
        "__init__.py": "",
        "a.py": ("from typing import TYPE_CHECKING\nimport pkg.b\n"
                 "if TYPE_CHECKING:\n    from pkg.c import C\n"),
        "b.py": "def f():\n    from pkg import a\n\nclass K:\n    import pkg.a\n",
        "c.py": "import pkg.a\nimport numpy\n",
    })
    graph = import_graph(pkg)
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": set(), "pkg.c": {"pkg.a"}}
    assert cycles(graph) == []
