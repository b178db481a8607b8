"""The start of a compiled program's entry function: the signature check.

The entry function takes the call's ``(args, kwargs)`` as they are, checks that they
have the structure, types, shapes and dtypes the program was traced with (and the
values of its non-traced arguments), unpacks the traced leaves and runs the program.
"""
import numpy as _np

from .. import tree as _tree


def entry_head(src, in_def, leaves, dynamic):
    """The start of the entry function of ``src`` (a :class:`._codegen.Source`): the
    function's line, the check that the call has the traced signature (else it raises
    ``_Miss``), the unpacking of the traced leaves into ``x0, x1, ...`` (binding the
    signature's constants in ``src``'s namespace) and the watch's checks."""
    lines, names = [], iter(range(len(leaves)))
    dyn = {i: j for j, i in enumerate(dynamic)}
    counter = [0]

    def walk(td, expr):
        if td == "*":
            i = next(names)
            leaf = leaves[i]
            if i in dyn:
                var = src.inputs[dyn[i]]
                lines.append(f"{var} = {expr}")
                t = type(leaf)
                if t is _np.ndarray:
                    lines.append(f"if type({var}) is not np.ndarray or {var}.shape != "
                                 f"{src._const(leaf.shape)} or {var}.dtype != "
                                 f"{src._const(leaf.dtype)}"
                                 ": raise _Miss")
                elif t is float or t is _np.float64:
                    lines.append(f"if type({var}) is not float and type({var}) is not "
                                 "np.float64: raise _Miss")
                else:
                    lines.append(f"if type({var}) is not {src._const(t)}: raise _Miss")
            else:
                c = src._const(leaf)
                lines.append(f"if type({expr}) is not {src._const(type(leaf))} or "
                             f"{expr} != {c}: raise _Miss" if _hashable(leaf)
                             else f"if {expr} is not {c}: raise _Miss")
            return
        kind, keys, children = td
        if kind is None:
            lines.append(f"if {expr} is not None: raise _Miss")
            return
        counter[0] += 1
        var = f"a{counter[0]}"
        lines.append(f"{var} = {expr}")
        if _tree.is_registered_def(td):   # a dataclass or registered node
            flat = src._const(_tree.node_functions(kind)[0])
            lines.append(f"if type({var}) is not {src._const(kind)}: raise _Miss")
            lines.append(f"{var}, {var}_aux = {flat}({var})")
            lines.append(f"if {var}_aux != {src._const(keys.value)} or len({var}) != "
                         f"{len(children)}: raise _Miss")
            for j, c in enumerate(children):
                walk(c, f"{var}[{j}]")
            return
        lines.append(f"if type({var}) is not {src._const(kind)} or len({var}) != "
                     f"{len(children)}: raise _Miss")
        for j, c in enumerate(children):
            walk(c, f"{var}[{src._dict_key(keys[j])}]" if kind is dict else f"{var}[{j}]")

    walk(in_def, "(args, kwargs)")
    head = f"def {src.name}_entry(args, kwargs):"
    body = "\n".join("    " + line for line in lines)
    checks = "".join(f"    {line}\n" for line in src.checks)
    return f"{head}\n    try:\n{_indent(body)}\n    except (IndexError, KeyError, " \
           f"TypeError):\n        raise _Miss\n{checks}"


def _indent(text):
    return "\n".join("    " + line for line in text.split("\n"))


def _hashable(x):
    try:
        hash(x)
        return True
    except TypeError:
        return False
