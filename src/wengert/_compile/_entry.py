"""The start of a compiled program's entry function: the signature check.

The entry function takes the call's ``(args, kwargs)`` as they are, checks that they
have the structure, types, shapes and dtypes the program was traced with (and the
values of its non-traced arguments), unpacks the traced leaves and runs the program.
"""
import math

import numpy as _np

from .. import tree as _tree


class _Retrace(Exception):
    """A guard failed: the program does not apply to this call (trace again)."""


class _Miss(Exception):
    """The call does not have the program's signature."""


class Names:
    """The globals of a compiled program's code: every object its text names, bound by
    reference (only exact built-in types are written as literals), with a note on each
    constant for :meth:`Compiled.source`.  ``inputs`` are the names of the traced
    leaves, ``checks`` the watch's lines run before the program."""

    def __init__(self, name, inputs):
        self.name = name
        self.inputs = inputs
        self.namespace = {"np": _np, "math": math}
        self._names = {}               # id(object) -> name in the namespace
        self.checks = []
        self.const_notes = []

    def _const(self, x, math_mode=False):
        """A literal for ``x`` where Python has one, else a name in the namespace."""
        t = type(x)
        if math_mode and t is _np.float64:
            x, t = float(x), float
        # Only objects of exact built-in types are written as literals: the text of
        # anything else (a str subclass, an enum, an object with its own __repr__)
        # never reaches the source; it is bound by reference below.
        if x is None or x is Ellipsis or t is bool or t is str:
            return repr(x)
        if t is int and x.bit_length() <= 64:
            return repr(x) if x >= 0 else f"({x!r})"     # (-2) ** v, not -(2 ** v)
        if t is float:
            if not math.isfinite(x):
                return f"float({str(x)!r})"
            return repr(x) if math.copysign(1.0, x) > 0 else f"({x!r})"
        if t in (tuple, list):
            inner = ", ".join(self._arg(v) for v in x)
            return f"({inner},)" if t is tuple and len(x) == 1 else (
                f"({inner})" if t is tuple else f"[{inner}]")
        if t is slice:
            return f"slice({self._arg(x.start)}, {self._arg(x.stop)}, {self._arg(x.step)})"
        if isinstance(x, type) and type(x.__name__) is str and x.__name__.isidentifier():
            if getattr(_np, x.__name__, None) is x:
                return f"np.{x.__name__}"
            if x in (tuple, list, dict, float, complex, int, bool, str):
                return x.__name__
        if isinstance(x, _np.dtype) and x.fields is None:
            return f"np.dtype({x.str!r})"
        return self._bind(x)

    def _bind(self, x, live=False):
        """A name in the namespace bound to ``x`` itself (``live``: an array read as it
        is when the program runs, which the note says)."""
        name = self._names.get(id(x))
        if name is None:
            name = self._names[id(x)] = f"c{len(self.const_notes)}"
            self.namespace[name] = x
            self.const_notes.append((name, _describe(x) + (", live" if live else "")))
        return name

    def bind_hidden(self, x):
        """A name bound to ``x`` for the entry's own checks (no note in :meth:`source`)."""
        name = self._names.get(id(x))
        if name is None:
            name = self._names[id(x)] = f"_k{len(self._names)}"
            self.namespace[name] = x
        return name

    def _dict_key(self, k):
        """A dictionary key: the key object itself unless it is a plain literal (a NaN
        key is found only as the very object, never as a new ``float('nan')``)."""
        if type(k) is float and not math.isfinite(k):
            return self._bind(k)
        return self._const(k)

    def _arg(self, x, math_mode=False):
        """An argument's text (:class:`._codegen.Source` adds traced values)."""
        if type(x) is dict:
            return "{" + ", ".join(f"{self._dict_key(k)}: {self._arg(v)}"
                                   for k, v in x.items()) + "}"
        return self._const(x, math_mode)

    def entry_head(self, in_def, leaves, dynamic):
        """The start of the entry function (see :func:`entry_head`)."""
        return entry_head(self, in_def, leaves, dynamic)



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
                                 f"{src.bind_hidden(leaf.dtype)}"   # (not made each call)
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


def _describe(x):
    """A one-line note on a constant for :meth:`Compiled.source` (a comment, never
    code; user objects' own ``__repr__`` is not called)."""
    if isinstance(x, _np.ndarray):
        if x.size <= 4 and x.dtype.kind in "biufc":
            return f"{x.dtype} array {_np.array2string(x, precision=4, separator=', ')}"
        return f"{x.dtype} array of shape {x.shape}"
    t = type(x)
    if t in (int, float, complex, bool, str, bytes, _np.dtype) or t.__module__ == "numpy":
        text = repr(x)
    elif callable(x) and isinstance(getattr(x, "__qualname__", None), str):
        text = f"{t.__name__} {x.__qualname__}"
    else:
        text = f"{t.__qualname__} object"
    text = " ".join(text.split())    # one line
    return text if len(text) < 60 else text[:57] + "..."
