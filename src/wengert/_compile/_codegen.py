"""From a recorded graph to straight-line Python source.

Passes, in order: identities are dropped (``x * 1``, ``x + 0``, a reshape or a
cast to what ``x`` already is), common subexpressions are merged, everything no
output or guard needs is removed, and an addition whose operand is a temporary
used nowhere else is done in place (``numpy.add(a, b, out=a)``: how adjoints
accumulate at a fork).  The source names inputs ``x0, x1, ...`` and
intermediates ``v<k>``; constants that are not literals are ``c<k>``.
"""
import math
import re

import numpy as _np

from .. import tree as _tree
from ._graph import Ref, _getitem, _getitem_impl

# operators for readability (the same NumPy ufuncs run)
_BINARY = {_np.add: "+", _np.subtract: "-", _np.multiply: "*", _np.true_divide: "/",
           _np.matmul: "@", _np.power: "**"}
_UNARY = {_np.negative: "-"}
# Python's math module for scalar code (scalar_math=True)
_MATH = {_np.sin: "math.sin", _np.cos: "math.cos", _np.tan: "math.tan", _np.exp: "math.exp",
         _np.log: "math.log", _np.sqrt: "math.sqrt", _np.tanh: "math.tanh",
         _np.sinh: "math.sinh", _np.cosh: "math.cosh", _np.arctan: "math.atan",
         _np.arcsin: "math.asin", _np.arccos: "math.acos", _np.log1p: "math.log1p",
         _np.expm1: "math.expm1", _np.absolute: "abs", _np.fabs: "abs"}
_MATH_BINARY = {_np.add: "+", _np.subtract: "-", _np.multiply: "*", _np.true_divide: "/"}
_METHODS = {_np.sum: "sum", _np.prod: "prod", _np.max: "max", _np.min: "min",
            _np.mean: "mean", _np.any: "any", _np.all: "all"}
_AUGMENTED = {_np.add: "+", _np.subtract: "-", _np.multiply: "*", _np.true_divide: "/"}
_COMMUTATIVE = {_np.add, _np.multiply}
# in-place accumulation pays off from this size on
_INPLACE_BYTES = 1 << 15
# functions known to return a new array that nothing else refers to
_FRESH = {_np.matmul, _np.dot, _np.tensordot, _np.einsum, _np.outer, _np.sum}


def _is_scalar_float(v):
    return type(v) is float or type(v) is _np.float64


def _is_fresh(node):
    v = node.value
    if type(v) is not _np.ndarray or v.base is not None or not v.flags.writeable:
        return False
    fun = node.fun
    return (isinstance(fun, _np.ufunc) or fun in _FRESH) and not node.kwargs


class Source:
    """Generated code for one traced call: ``text`` (the source, one name per value),
    ``fast_text`` (with the math module for scalars, when asked), ``run_text`` and
    ``fast_run_text`` (the same with names reused) and ``namespace`` (their globals)."""

    def __init__(self, trace, outputs, out_def, name="compiled", scalar_math=False):
        self.out_def = out_def
        self.trace = trace
        self.nodes = trace.nodes
        self.outputs = outputs          # per output leaf: ("node", k) or ("const", value)
        self.name = name
        self.inputs = [n.name for n in trace.nodes if n.kind == "input"]
        self.namespace = {"np": _np, "math": math}
        self._names = {}               # id(object) -> name in the namespace
        self.checks = []               # lines run before the program (see _watch)
        self.alias = {}
        self.const_notes = []
        self._skipped, n = [], 0
        for node in self.nodes:
            self._skipped.append(n)
            n += node.kind == "live"
        self._simplify()
        self.live = self._live()
        self.text = self._emit(math_mode=False)
        self.fast_text = self._emit(math_mode=True) if scalar_math else None
        self.run_text = _registers(self.text)
        self.fast_run_text = _registers(self.fast_text) if self.fast_text else None

    # -- passes ------------------------------------------------------------------------
    def resolve(self, k):
        while k in self.alias:
            k = self.alias[k]
        return k

    def _key(self, x):
        """A hashable description of an argument, for common subexpressions: a node's
        number for a traced value, ``(type, value)`` for a literal, else the identity."""
        t = type(x)
        if t is Ref:
            return self.resolve(x.k)
        if t is tuple or t is list:
            return (t,) + tuple([self._key(v) for v in x])
        if t is int or t is bool or t is str or x is None or x is Ellipsis:
            return (t, x)
        if t is float or t is complex:
            return (t, repr(x))     # -0.0 and 0.0 apart
        if t is dict:
            return (t,) + tuple([(self._key(k), self._key(v)) for k, v in x.items()])
        if t is slice:
            return (t, self._key(x.start), self._key(x.stop), self._key(x.step))
        return ("id", id(x))

    def _simplify(self):
        seen, deterministic = {}, {}
        for k, node in enumerate(self.nodes):
            if node.kind != "call":
                continue
            same = _identity_of(node)
            if same is not None:
                self.alias[k] = self.resolve(same)
                continue
            fun = node.fun
            det = deterministic.get(id(fun))
            if det is None:
                det = deterministic[id(fun)] = _deterministic(fun)
            if det:
                try:
                    key = (id(node.fun), self._key(node.args), self._key(node.kwargs))
                except TypeError:
                    continue
                j = seen.get(key)
                if j is not None and _same_type(self.nodes[j].value, node.value):
                    self.alias[k] = j
                else:
                    seen[key] = k

    def _live(self):
        live = set()
        stack = [self.resolve(k) for kind, k in self.outputs if kind == "node"]
        stack += [self.resolve(g.node) for g in self.trace.guards]
        while stack:
            k = stack.pop()
            if k in live:
                continue
            live.add(k)
            node = self.nodes[k]
            if node.kind == "call":
                stack.extend(map(self.resolve, node.deps))
        return live

    # -- emission ----------------------------------------------------------------------
    def var(self, k):
        k = self.resolve(k)
        node = self.nodes[k]
        if node.kind == "live":      # an array the program reads where it lies
            return self._bind(node.value, live=True)
        return node.name if node.kind == "input" else self._v(k)

    def _v(self, k):
        """The name of the value of call node ``k``: numbered as if the live nodes (named
        by their constants) were not in the graph."""
        return f"v{k - self._skipped[k]}"

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
        if type(x) is Ref:
            return self.var(x.k)
        t = type(x)
        if t is dict:
            return "{" + ", ".join(f"{self._dict_key(k)}: {self._arg(v)}"
                                   for k, v in x.items()) + "}"
        return self._const(x, math_mode)

    def _index(self, idx):
        items = idx if type(idx) is tuple else (idx,)
        parts = []
        for i in items:
            if type(i) is slice:
                s = "" if i.start is None else self._arg(i.start)
                s += ":" + ("" if i.stop is None else self._arg(i.stop))
                if i.step is not None:
                    s += ":" + self._arg(i.step)
                parts.append(s)
            elif i is Ellipsis:
                parts.append("...")
            elif i is None:
                parts.append("None")
            else:
                parts.append(self._arg(i))
        if type(idx) is tuple and len(items) == 1:
            return parts[0] + ","
        return ", ".join(parts) if parts else "()"

    def _fname(self, fun):
        if isinstance(fun, _np.ufunc):
            if getattr(_np, fun.__name__, None) is fun:
                return f"np.{fun.__name__}"
        else:
            owner = getattr(fun, "__self__", None)
            if isinstance(owner, _np.ufunc) and getattr(_np, owner.__name__, None) is owner:
                return f"np.{owner.__name__}.{fun.__name__}"
            mod, name = getattr(fun, "__module__", None), getattr(fun, "__name__", None)
            if mod and name and mod.split(".")[0] == "numpy":
                if getattr(_np, name, None) is fun:
                    return f"np.{name}"
                sub = mod.split(".")[1] if "." in mod else None
                if sub in ("linalg", "fft") and getattr(getattr(_np, sub), name, None) is fun:
                    return f"np.{sub}.{name}"
        name = self._names.get(id(fun))
        if name is None:
            base = getattr(fun, "__name__", "f")
            base = re.sub(r"\W", "_", base if type(base) is str else "f").strip("_") or "f"
            base = re.sub(r"_impl$", "", base)
            if not base.isidentifier() or not base.isascii():
                base = "f_" + base if ("f_" + base).isidentifier() else "f"
            name = base
            i = 1
            while name in self.namespace:
                i += 1
                name = f"{base}_{i}"
            self._names[id(fun)] = name
            self.namespace[name] = fun
        return name

    def _expr(self, k, node, math_mode):
        fun, args, kwargs = node.fun, node.args, node.kwargs
        vals = [a.value if type(a) is Ref else a for a in args]
        if fun is _getitem or fun is _getitem_impl:
            return f"{self._arg(args[0])}[{self._index(args[1])}]"
        if type(vals[0] if vals else None) is _np.ndarray:
            a0 = self._arg(args[0])
            if fun is _np.transpose and (len(args) == 1 or args[1] is None) and not kwargs:
                return f"{a0}.T"
            if fun in _METHODS:       # an ndarray method: the same result, less dispatch
                rest = [self._arg(a) for a in args[1:]]
                rest += [f"{key}={self._arg(v)}" for key, v in kwargs.items()]
                return f"{a0}.{_METHODS[fun]}({', '.join(rest)})"
        if fun is _np.swapaxes and not kwargs and type(vals[0]) is _np.ndarray and \
                vals[0].ndim == 2 and \
                sorted(a % 2 for a in args[1:]) == [0, 1]:
            return f"{self._arg(args[0])}.T"
        if fun is _np.expand_dims and not kwargs and type(args[1]) is int and \
                type(vals[0]) is _np.ndarray:
            nd = node.value.ndim
            axis = args[1] % nd
            return f"{self._arg(args[0])}[{', '.join([':'] * axis + ['None'])}]" if axis \
                else f"{self._arg(args[0])}[None]"
        if not kwargs:
            if math_mode and all(_is_scalar_float(v) or type(v) is int for v in vals) \
                    and _is_scalar_float(node.value):
                a = [self._arg(x, True) for x in args]
                if fun in _MATH_BINARY and len(args) == 2:
                    return f"{a[0]} {_MATH_BINARY[fun]} {a[1]}"
                if fun in _MATH and len(args) == 1:
                    name = _MATH[fun].replace(".", "_")     # math_sin: one global lookup
                    if name != "abs":
                        self.namespace[name] = getattr(math, name[5:])
                    return f"{name}({a[0]})"
                if fun is _np.negative:
                    return f"-{a[0]}"
            arrays = any(isinstance(v, (_np.ndarray, _np.generic)) for v in vals)
            if fun in _BINARY and len(args) == 2 and arrays:
                return f"{self._arg(args[0])} {_BINARY[fun]} {self._arg(args[1])}"
            if fun in _UNARY and len(args) == 1 and arrays:
                return f"{_UNARY[fun]}{self._arg(args[0])}"
        parts = [self._arg(a) for a in args]
        parts += [f"{key}={self._arg(v)}" for key, v in kwargs.items()]
        return f"{self._fname(fun)}({', '.join(parts)})"

    def _emit(self, math_mode):
        nodes = self.nodes
        guards = {}
        for g in self.trace.guards:
            guards.setdefault(self.resolve(g.node), []).append(g)
        uses = {}
        for k in self.live:
            if nodes[k].kind == "call":
                for j in map(self.resolve, nodes[k].deps):
                    uses[j] = uses.get(j, 0) + 1
        for kind, k in self.outputs:
            if kind == "node":
                j = self.resolve(k)
                uses[j] = uses.get(j, 0) + 1000   # outputs are never overwritten
        for j in guards:
            uses[j] = uses.get(j, 0) + 1000
        body = []
        for k, node in enumerate(nodes):
            if node.kind != "call":
                body.extend(self._guard(k, g) for g in guards.get(k, ()))
        for k, node in enumerate(nodes):
            if k not in self.live or node.kind != "call" or k in self.alias:
                continue
            expr = self._inplace(k, node, uses) or self._expr(k, node, math_mode)
            body.append(f"{self._v(k)} = {expr}")
            for g in guards.get(k, ()):
                body.append(self._guard(k, g))
        outs = iter(self._outputs())
        body.append(f"return {self._tree(self.out_def, outs)}")
        head = f"def {self.name}({', '.join(self.inputs)}):"
        return "\n".join([head] + ["    " + line for line in body]) + "\n"

    def _outputs(self):
        """One expression per output leaf.  Every call returns arrays of its own, as
        eager evaluation does: a constant output, an output that the simplifications
        made the same as another value (``x * 1`` is ``x``), a value returned twice, or
        a live array (or a view of one) is copied, so that writing into a result never
        changes an input, a closed-over array, another result or the next call's
        result."""
        exprs, seen = [], set()
        lives = [n.value for n in self.nodes if n.kind == "live"]
        for kind, v in self.outputs:
            if kind == "const":
                c = self._const(v)
                exprs.append(f"{c}.copy()" if isinstance(v, _np.ndarray) else c)
                continue
            j = self.resolve(v)
            value, same = self.nodes[v].value, self.nodes[j].value is self.nodes[v].value
            if self.nodes[j].kind == "input":
                shared = not same          # eager returned the input itself only if same
            elif self.nodes[j].kind == "live":
                shared = True
            else:
                shared = j in seen or not same or (type(value) is _np.ndarray and any(
                    _np.may_share_memory(value, a) for a in lives))
            seen.add(j)
            copy = shared and isinstance(value, _np.ndarray)
            exprs.append(f"{self.var(j)}.copy()" if copy else self.var(j))
        return exprs

    def _tree(self, td, leaves):
        """The expression that rebuilds a tree of ``td``'s structure from ``leaves``."""
        if td == "*":
            return next(leaves)
        kind, keys, children = td
        if kind is None:
            return "None"
        parts = [self._tree(c, leaves) for c in children]
        if kind is dict:
            return "{" + ", ".join(f"{self._dict_key(k)}: {p}" for k, p in zip(keys, parts)) + "}"
        if kind is list:
            return "[" + ", ".join(parts) + "]"
        if kind is tuple:
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        if _tree.is_registered_def(td):   # a dataclass or registered node: its unflatten
            return (f"{self._const(_tree.node_functions(kind)[1])}"
                    f"({self._const(keys.value)}, [{', '.join(parts)}])")
        return f"{self._const(kind)}({', '.join(parts)})"

    def entry(self, in_def, leaves, dynamic, fast=False):
        """Source of ``name(args, kwargs)``: checks that the call has this signature
        (else raises ``_Miss``), unpacks the traced leaves into ``x0, x1, ...`` and
        runs the program (with the math module for scalars if ``fast``)."""
        lines, names = [], iter(range(len(leaves)))
        dyn = {i: j for j, i in enumerate(dynamic)}
        counter = [0]

        def walk(td, expr):
            if td == "*":
                i = next(names)
                leaf = leaves[i]
                if i in dyn:
                    var = self.inputs[dyn[i]]
                    lines.append(f"{var} = {expr}")
                    t = type(leaf)
                    if t is _np.ndarray:
                        lines.append(f"if type({var}) is not np.ndarray or {var}.shape != "
                                     f"{self._const(leaf.shape)} or {var}.dtype != "
                                     f"{self._const(leaf.dtype)}"
                                     ": raise _Miss")
                    elif t is float or t is _np.float64:
                        lines.append(f"if type({var}) is not float and type({var}) is not "
                                     "np.float64: raise _Miss")
                    else:
                        lines.append(f"if type({var}) is not {self._const(t)}: raise _Miss")
                else:
                    c = self._const(leaf)
                    lines.append(f"if type({expr}) is not {self._const(type(leaf))} or "
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
                flat = self._const(_tree.node_functions(kind)[0])
                lines.append(f"if type({var}) is not {self._const(kind)}: raise _Miss")
                lines.append(f"{var}, {var}_aux = {flat}({var})")
                lines.append(f"if {var}_aux != {self._const(keys.value)} or len({var}) != "
                             f"{len(children)}: raise _Miss")
                for j, c in enumerate(children):
                    walk(c, f"{var}[{j}]")
                return
            lines.append(f"if type({var}) is not {self._const(kind)} or len({var}) != "
                         f"{len(children)}: raise _Miss")
            for j, c in enumerate(children):
                walk(c, f"{var}[{self._dict_key(keys[j])}]" if kind is dict else f"{var}[{j}]")

        walk(in_def, "(args, kwargs)")
        text = self.fast_run_text if fast else self.run_text
        call = text.split("\n", 1)[1]   # the body of the program, indented
        head = f"def {self.name}_entry(args, kwargs):"
        body = "\n".join("    " + line for line in lines)
        checks = "".join(f"    {line}\n" for line in self.checks)
        return f"{head}\n    try:\n{_indent(body)}\n    except (IndexError, KeyError, " \
               f"TypeError):\n        raise _Miss\n{checks}{call}"

    def _inplace(self, k, node, uses):
        """An elementwise NumPy function writing into one of its arguments, when that
        argument is a temporary of the program used nowhere else (the floor's
        ``dh *= 1 - h * h``): adjoints accumulate at a fork, activations and their
        derivatives reuse buffers, and large arrays are not allocated afresh."""
        fun = node.fun
        if not isinstance(fun, _np.ufunc) or fun.nout != 1 or node.kwargs:
            return None
        out = node.value
        if type(out) is not _np.ndarray or out.nbytes < _INPLACE_BYTES:
            return None   # small arrays: a new one costs less than out= does
        args = node.args
        for i, a in enumerate(args):
            if type(a) is not Ref:
                continue
            j = self.resolve(a.k)
            src = self.nodes[j]
            if (src.kind == "call" and uses.get(j) == 1 and _is_fresh(src)
                    and src.value.shape == out.shape and src.value.dtype == out.dtype):
                buf = self.var(j)
                if fun in _AUGMENTED and len(args) == 2 and (i == 0 or fun in _COMMUTATIVE):
                    return f"{buf}; {self._v(k)} {_AUGMENTED[fun]}= {self._arg(args[1 - i])}"
                parts = ", ".join(self._arg(x) for x in args)
                return f"{self._fname(fun)}({parts}, out={buf})"
        return None

    def _guard(self, k, g):
        v = self.var(k)
        where = repr(g.where)
        if g.kind == "bool":
            cond = f"not {v}" if g.expected else f"{v}"
            return f"if {cond}: raise _Retrace({where})"
        if g.kind == "value":
            return f"if {v} != {self._const(g.expected)}: raise _Retrace({where})"
        if g.kind == "shape":
            return f"if np.shape({v}) != {self._const(g.expected)}: raise _Retrace({where})"
        c = self._const(g.expected)
        nan = g.expected.dtype.kind in "fc"
        return (f"if not np.array_equal({v}, {c}{', equal_nan=True' if nan else ''}): "
                f"raise _Retrace({where})")


_VAR = re.compile(r"\b(v\d+)\b")    # split by it: text and names alternate
_INPLACE = re.compile(r"^(v\d+) = (v\d+); \1 (.)= (.*)$")
_OUT = re.compile(r"^(v\d+) = (.*), out=(v\d+)\)$")


def _registers(text):
    """``text`` (one name per value) with names reused once their value is dead:
    a function with thousands of locals is slow to enter and to leave, and keeps
    every intermediate array alive until it returns.  A write into a buffer keeps
    the buffer's name."""
    head, *lines = text.rstrip("\n").split("\n")
    # Each statement is parsed once: (kind, pieces, extra, target, buffer), where
    # ``pieces`` is a part of its text split into text and value names (odd places).
    stmts = []
    for line in lines:
        stmt = line.strip()
        if stmt.startswith("if "):
            cond, rest = stmt.split(": raise", 1)
            stmts.append(("if", _VAR.split(cond), rest, None, None))
        elif stmt.startswith("return "):
            stmts.append(("return", _VAR.split(stmt), None, None, None))
        else:
            m = _INPLACE.match(stmt) if "; " in stmt else None
            o = _OUT.match(stmt) if m is None and ", out=" in stmt else None
            if m:                        # vK = vJ; vK += y
                stmts.append(("inplace", _VAR.split(m.group(4)), m.group(3), m.group(1),
                              m.group(2)))
            elif o:                      # vK = f(..., out=vJ)
                stmts.append(("out", _VAR.split(o.group(2)), stmt, o.group(1), o.group(3)))
            else:
                target, rhs = stmt.split(" = ", 1)
                stmts.append(("plain", _VAR.split(rhs), None, target, None))
    uses = [st[1][1::2] + [st[4]] if st[0] in ("inplace", "out") else st[1][1::2]
            for st in stmts]
    last = {}
    for i, used in enumerate(uses):
        for v in used:
            last[v] = i
    # free registers: a dict used as an ordered set (O(1) membership, removal and
    # last-in-first-out reuse; a list made this quadratic in the program's length)
    names, free, count, out = {}, {}, [0], []

    def sub(pieces):
        pieces = list(pieces)
        pieces[1::2] = [names[v] for v in pieces[1::2]]
        return "".join(pieces)

    def release(i):
        for v in set(uses[i]):
            if last[v] == i:
                free[names[v]] = None

    for i, (kind, pieces, extra, target, buf) in enumerate(stmts):
        if kind == "if":
            out.append(f"{sub(pieces)}: raise{extra}")
            release(i)
            continue
        if kind == "return":
            out.append(sub(pieces))
            continue
        if kind == "out" and buf not in names:      # not a buffer of the program
            kind, pieces = "plain", _VAR.split(extra.split(" = ", 1)[1])
        if kind == "inplace":              # vK = vJ; vK += y  ->  rJ += y
            out.append(f"{names[buf]} {extra}= {sub(pieces)}")
        elif kind == "out":                # vK = f(..., out=vJ)  ->  rJ = f(..., out=rJ)
            out.append(f"{names[buf]} = {sub(pieces)}, out={names[buf]})")
        else:
            rhs = sub(pieces)
            release(i)
            if last.get(target) is None:       # never used (kept for a guard only)
                name = f"r{count[0]}"
                count[0] += 1
            else:
                name = free.popitem()[0] if free else None
                if name is None:
                    name = f"r{count[0]}"
                    count[0] += 1
            names[target] = name
            out.append(f"{name} = {rhs}")
            continue
        names[target] = names[buf]
        release(i)
        if names[buf] in free and last.get(target, -1) > i:
            del free[names[buf]]
    return "\n".join([head] + ["    " + line for line in out]) + "\n"


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


def _same_type(a, b):
    t = type(a)
    if t is not type(b):
        return False
    if t is float or t is _np.float64:
        return True
    if t is _np.ndarray:
        return a.dtype == b.dtype and a.shape == b.shape
    if getattr(a, "dtype", None) != getattr(b, "dtype", None):
        return False
    if type(a) in (tuple, list):
        return len(a) == len(b) and all(_same_type(x, y) for x, y in zip(a, b))
    try:
        return _np.shape(a) == _np.shape(b)
    except ValueError:
        return False


def _deterministic(fun):
    mod = getattr(fun, "__module__", "") or ""
    owner = getattr(fun, "__self__", None)
    return "random" not in mod and not isinstance(owner, (_np.random.Generator,
                                                          _np.random.RandomState))


def _is_const(x, value):
    """``x`` is a constant (not traced) equal to ``value`` everywhere."""
    t = type(x)
    if t is Ref:
        return False
    if t is float or t is int:
        return x == value
    try:
        arr = _np.asarray(x)
    except Exception:
        return False
    return arr.dtype.kind in "biufc" and arr.size > 0 and bool(_np.all(arr == value))


def _is_identity(x):
    """``x`` is a constant (not traced) identity matrix."""
    if type(x) is not _np.ndarray or x.ndim != 2 or x.shape[0] != x.shape[1] or \
            x.dtype.kind not in "biuf":
        return False
    return bool(_np.all(x.diagonal() == 1)) and _np.count_nonzero(x) == x.shape[0]


def _identity_of(node):
    """The node whose value ``node`` merely passes on (``x * 1``, ``x + 0``, a reshape
    or cast to what ``x`` already is), or None."""
    fun, args, out = node.fun, node.args, node.value
    if node.kwargs:
        return None
    candidates = ()
    if fun is _np.multiply and len(args) == 2:
        candidates = [(args[i], args[1 - i]) for i in (0, 1) if _is_const(args[1 - i], 1)]
    elif fun is _np.add and len(args) == 2:
        candidates = [(args[i], args[1 - i]) for i in (0, 1) if _is_const(args[1 - i], 0)]
    elif fun in (_np.subtract, _np.true_divide, _np.power) and len(args) == 2:
        if _is_const(args[1], 0 if fun is _np.subtract else 1):
            candidates = [(args[0], args[1])]
    elif fun is _np.matmul and len(args) == 2:     # by an identity matrix (a basis)
        candidates = [(args[i], args[1 - i]) for i in (0, 1) if _is_identity(args[1 - i])]
    for x, _ in candidates:
        if type(x) is Ref and _same_type(x.value, out):
            return x.k
    if args and type(args[0]) is Ref and _same_type(args[0].value, out) and (
            fun in _RESHAPES or getattr(fun, "__func__", None) in _RESHAPES):
        return args[0].k
    return None


_RESHAPES = {_np.reshape, _np.ravel, _np.squeeze, _np.asarray, _np.ascontiguousarray,
             _np.broadcast_to, _np.real_if_close}


def _add_reshapes():
    """wengert.numpy's own reshape and cast primitives (their NumPy functions)."""
    from ..numpy import _shape, _elementwise
    from ..numpy._vspace import ArrayVSpace
    _RESHAPES.add(ArrayVSpace.cast)   # a cast to the type the value already has
    for mod, names in ((_shape, ("_reshape_impl", "_squeeze_impl", "_ravel_impl",
                                  "_broadcast_to_impl")),
                       (_elementwise, ("_astype_impl",))):
        for n in names:
            f = getattr(mod, n, None)
            if f is not None:
                _RESHAPES.add(f)


_add_reshapes()
