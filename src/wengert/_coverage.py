"""Render docs/coverage.md: every wrapped name and what is verified about it.

``python -m wengert._coverage > docs/coverage.md`` rebuilds the page; a test
checks that the committed page is up to date.  The facts come from the rule
registries (which modes have rules) and from the op table that ``selfcheck``
and the test suite run (which orders and dtypes are verified).
"""
import importlib
import inspect


from ._core import get_primitive

MODULES = ["wengert.numpy", "wengert.numpy.linalg", "wengert.numpy.fft",
           "wengert.scipy.special", "wengert.scipy.stats", "wengert.scipy.linalg",
           "wengert.scipy.signal", "wengert.scipy.integrate"]


def _modules():
    for name in MODULES:
        try:
            yield name, importlib.import_module(name)
        except ImportError:  # an optional dependency (SciPy) is missing
            continue


def _spec_facts():
    """{covered name or function: (max order, complex verified)} from the op table."""
    from ._specs import OP_SPECS, cover_name
    facts = {}
    for spec in OP_SPECS:
        cplx = any(d.kind == "c" for d in spec.dtypes())
        for f in spec.covers:
            key = cover_name(f) if isinstance(f, str) or get_primitive(f) else f
            order, c = facts.get(key, (0, False))
            facts[key] = (max(order, spec.order), c or cplx)
    return facts


def _has(prim, mode):
    if mode == "fwd":
        return bool(prim.jvps or prim.jvp_any or prim.jvp_joint)
    return bool(prim.vjps or prim.vjp_any or prim.vjp_joint)


def _public(mod, prefix=""):
    """(name, object) of a module's public functions; for a module of modules
    (``scipy.stats``: one per distribution) their functions, as ``norm.pdf``."""
    names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
    for name in sorted(names):
        f = getattr(mod, name, None)
        if inspect.ismodule(f) and not prefix and f.__name__.startswith(mod.__name__):
            yield from _public(f, name + ".")
        elif callable(f) and not inspect.isclass(f) and not inspect.ismodule(f):
            if not prefix or getattr(f, "__module__", "") == mod.__name__:
                yield prefix + name, f  # (a distribution's own functions, not its imports)


def rows():
    facts = _spec_facts()
    for modname, mod in _modules():
        for name, f in _public(mod):
            prim = get_primitive(f)
            if getattr(f, "_notrace", False):
                yield modname, name, "not differentiable", "", "", "", ""
                continue
            if prim is not None:
                order, cplx = facts.get(prim.name, (0, False))
                kind = "primitive"
                fwd, rev = _has(prim, "fwd"), _has(prim, "rev")
            elif getattr(f, "__module__", "").startswith("wengert"):
                order, cplx = facts.get(f, (0, False))
                kind, fwd, rev = "composed", True, True
            else:
                continue  # NumPy's own constructor or constant
            yield (modname, name, kind, "yes" if fwd else "no", "yes" if rev else "no",
                   f"verified to order {order}" if order else "not verified",
                   "verified" if cplx else "")


def render():
    out = ["# Coverage", "",
           "Every differentiable (or explicitly non-differentiable) name wengert wraps. "
           "*forward*/*reverse*: a rule exists for that mode (composed functions get both "
           "from the operations they are made of). *higher order*: the op table checks it "
           "against finite differences in both modes recursively to that order. *complex*: "
           "the table checks it on complex inputs. Names not listed are NumPy's own "
           "(constructors, constants) or raise an error naming themselves on traced values.",
           "", "Rebuild with `python -m wengert._coverage > docs/coverage.md`.", ""]
    current = None
    for modname, name, kind, fwd, rev, order, cplx in rows():
        if modname != current:
            current = modname
            out += ["", f"## `{modname}`", "",
                    "| name | kind | forward | reverse | higher order | complex |",
                    "|---|---|---|---|---|---|"]
        out.append(f"| `{name}` | {kind} | {fwd} | {rev} | {order} | {cplx} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
