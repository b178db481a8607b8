"""From a recorded graph to straight-line Python source.

The graph is simplified first (:mod:`._simplify`: identities dropped, common
subexpressions merged, what no output or guard needs removed); then each call is
written as one statement, an addition whose operand is a temporary used nowhere
else done in place (``numpy.add(a, b, out=a)``: how adjoints accumulate at a
fork).  The source shown names inputs ``x0, x1, ...`` and intermediates ``v<k>``;
constants that are not literals are ``c<k>``.  The code that runs reuses names once
dead and writes a ufunc call read once by the next statement inside it (:mod:`._plan`).
"""
import operator
import re
import threading

import numpy as _np

from .. import tree as _tree
from ._graph import Ref, _getitem
from ._internals import _getitem_impl
from ._scalar import _MATH, is_scalar_float as _is_scalar_float, math_call, \
    scalar_args as _scalar_args, scalar_out as _scalar_out
from ._entry import Names
from ._plan import Registers, in_place_pick, last_reads, output_copies, plan, plan_inline
from ._simplify import needed, simplify

# operators for readability (the same NumPy ufuncs run)
_BINARY = {_np.add: "+", _np.subtract: "-", _np.multiply: "*", _np.true_divide: "/",
           _np.matmul: "@", _np.power: "**"}
_UNARY = {_np.negative: "-"}
_METHODS = {_np.sum: "sum", _np.prod: "prod", _np.max: "max", _np.min: "min",
            _np.mean: "mean", _np.any: "any", _np.all: "all", _np.reshape: "reshape"}
_AUGMENTED = {_np.add: "+", _np.subtract: "-", _np.multiply: "*", _np.true_divide: "/"}
_COMMUTATIVE = {_np.add, _np.multiply}


class Source(Names):
    """Generated code for one traced call: ``run_text`` (what runs: names reused once
    dead, a ufunc call read once by the next statement written inside it),
    ``fast_run_text`` (the same on Python floats for scalars, or None: the operators and
    the math functions that give NumPy's bits by default, all of ``math`` with
    ``scalar_math=True``, nothing with ``scalar_math=False``), ``text`` and ``fast_text``
    (the same with one name per value and one statement per call, written when first
    asked for) and ``namespace`` (their globals)."""

    def __init__(self, trace, outputs, out_def, name="compiled", scalar_math=None):
        super().__init__(name, [n.name for n in trace.nodes if n.kind == "input"])
        self.out_def = out_def
        self.trace = trace
        self.nodes = trace.nodes
        self.outputs = outputs          # per output leaf: ("node", k) or ("const", value)
        self._fnames = {}              # id(function) -> its name in the source
        self.alias = simplify(self.nodes)
        self._resolve = self.alias.get
        self.live = needed(self.nodes, self.alias,
                           [k for kind, k in outputs if kind == "node"] +
                           [g.node for g in trace.guards])
        self._plan()
        self._var = None               # per node, its name in the statement being written
        self._pyfloat, self._scalar, self._strict = (), False, False    # see _emit
        self._from_python = ()
        self._atomic = True            # whether the expression just written is a call
        self._scalar_math = scalar_math
        self._texts = {}
        self._texts_lock = threading.Lock()
        self._run_text = self.fast_run_text = None
        self._math_written = False     # whether scalar code was written differently
        if scalar_math is not False and any(
                node.kind == "call" and _is_scalar_float(node.value) for node in self.nodes):
            text = self._emit(math_mode=True, registers=True)
            if self._math_written:
                self.fast_run_text = text   # NumPy's code is written if it is ever needed
            else:
                self._run_text = text       # the same as NumPy's code
        else:
            self._run_text = self._emit(math_mode=False, registers=True)

    @property
    def run_text(self):
        """The code that runs on NumPy's scalars (written when first needed, where
        scalar code runs on Python floats)."""
        if self._run_text is None:
            with self._texts_lock:
                if self._run_text is None:
                    self._run_text = self._emit(math_mode=False, registers=True)
        return self._run_text

    @property
    def text(self):
        """The source with one name per value (written when first asked for)."""
        with self._texts_lock:     # _emit keeps its names on self
            if False not in self._texts:
                self._texts[False] = self._emit(math_mode=False, registers=False)
            return self._texts[False]

    @property
    def fast_text(self):
        """:attr:`text` on Python floats for scalars (None where :attr:`fast_run_text` is)."""
        if self.fast_run_text is None:
            return None
        with self._texts_lock:
            if True not in self._texts:
                self._texts[True] = self._emit(math_mode=True, registers=False)
            return self._texts[True]

    # -- passes ------------------------------------------------------------------------
    def resolve(self, k):
        """The node whose value node ``k``'s is (itself unless simplified away)."""
        return self.alias.get(k, k)

    # -- emission ----------------------------------------------------------------------
    def var(self, k):
        k = self._resolve(k, k)
        name = self._var[k]
        if name is None:      # a live node: an array the program reads where it lies
            node = self.nodes[k]
            if node.kind != "live":
                raise AssertionError(f"wengert.compile: node {k} is read before it is "
                                     "written (please report this)")
            return self._bind(node.value, live=True)
        return name

    def _arg(self, x, math_mode=False):
        if type(x) is Ref:
            k = self._resolve(x.k, x.k)
            if self._strict and k in self._pyfloat:
                return f"np.float64({self._var[k]})"
            return self._var[k] or self.var(k)
        return super()._arg(x, math_mode)

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
        name = self._fnames.get(id(fun))    # the nodes keep the functions alive
        if name is None:
            name = self._fnames[id(fun)] = self._new_fname(fun)
        return name

    def _new_fname(self, fun):
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
        if type(fun) is _np.ufunc and not kwargs:
            return self._ufunc_expr(fun, args, node, math_mode)
        vals = [a.value if type(a) is Ref else a for a in args]
        if fun is _getitem or fun is _getitem_impl:
            return f"{self._arg(args[0])}[{self._index(args[1])}]"
        if fun is operator.pow and len(args) == 2 and not kwargs:   # scalars' own power
            return f"{self._arg(args[0])} ** {self._arg(args[1])}"
        if type(vals[0] if vals else None) is _np.ndarray:
            a0 = self._arg(args[0])
            if fun is _np.transpose and (len(args) == 1 or args[1] is None) and not kwargs:
                return f"{a0}.T"
            if fun in _METHODS and (fun is not _np.reshape or not kwargs):
                # an ndarray method: the same result, less dispatch
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
            if math_mode and self._scalar:
                text = self._math_call(fun, args)
                if text is not None:
                    return text
            arrays = any(isinstance(v, (_np.ndarray, _np.generic)) for v in vals)
            if fun in _BINARY and len(args) == 2 and arrays:
                return f"{self._arg(args[0])} {_BINARY[fun]} {self._arg(args[1])}"
            if fun in _UNARY and len(args) == 1 and arrays:
                return f"{_UNARY[fun]}{self._arg(args[0])}"
        parts = [self._arg(a) for a in args]
        parts += [f"{key}={self._arg(v)}" for key, v in kwargs.items()]
        return f"{self._fname(fun)}({', '.join(parts)})"

    def _math_call(self, fun, args):
        """``fun(*args)`` on Python floats (see :func:`._scalar.math_call`), or None."""
        return math_call(fun, [self._arg(x, True) for x in args], self.namespace,
                         self._scalar_math)

    def _ufunc_expr(self, fun, args, node, math_mode):
        """:meth:`_expr` of a NumPy ufunc called without keywords (most calls)."""
        self._atomic = False     # an operator: parenthesized where it is written inline
        if math_mode and self._scalar:
            self._math_written = True
            text = self._math_call(fun, args)
            if text is not None:
                self._atomic = fun in _MATH and len(args) == 1    # a call: no parentheses
                return text
            self._atomic = True
            name = f"np_{fun.__name__}"      # np_exp: one global lookup
            if getattr(_np, fun.__name__, None) is fun and \
                    self.namespace.setdefault(name, fun) is fun:
                text = f"{name}({', '.join([self._arg(a) for a in args])})"
            else:
                text = self._ufunc_numpy(fun, args)
            return f"float({text})"     # NumPy's bits, as a Python float from here on
        return self._ufunc_numpy(fun, args)

    def _ufunc_numpy(self, fun, args):
        """The NumPy call of :meth:`_ufunc_expr`, an operator where NumPy's is."""
        arg = self._arg
        if len(args) == 2:       # most calls: written without building lists
            a, b = args
            if type(a) is Ref and not self._strict:
                k = self._resolve(a.k, a.k)
                sa, va = self._var[k] or self.var(k), a.value
            else:
                sa, va = arg(a), (a.value if type(a) is Ref else a)
            if type(b) is Ref and not self._strict:
                k = self._resolve(b.k, b.k)
                sb, vb = self._var[k] or self.var(k), b.value
            else:
                sb, vb = arg(b), (b.value if type(b) is Ref else b)
            if isinstance(va, _ARRAYS) or isinstance(vb, _ARRAYS):
                op = _BINARY.get(fun)
                if op is not None and (fun is not _np.power or type(va) is _np.ndarray
                                       or type(vb) is _np.ndarray):
                    return f"{sa} {op} {sb}"
            self._atomic = True
            return f"{self._fname(fun)}({sa}, {sb})"
        for v in (a.value if type(a) is Ref else a for a in args):
            if isinstance(v, _ARRAYS):
                if len(args) == 2:
                    op = _BINARY.get(fun)
                    if op is not None:
                        return f"{arg(args[0])} {op} {arg(args[1])}"
                elif len(args) == 1:
                    op = _UNARY.get(fun)
                    if op is not None:
                        return f"{op}{arg(args[0])}"
                break
        self._atomic = True      # a call
        return f"{self._fname(fun)}({', '.join([arg(a) for a in args])})"

    def _plan(self):
        """The statements, what each reads, which are written inline (see :mod:`._plan`)."""
        nodes, get = self.nodes, self._resolve
        guards = {}
        for g in self.trace.guards:
            guards.setdefault(get(g.node, g.node), []).append(g)
        self._stmts, reads, uses = plan(nodes, get, self.live, self.alias, guards,
                                        self.outputs)
        self._uses = uses
        self._inline = plan_inline(
            self._stmts, reads, nodes, uses,
            lambda node: in_place_pick(node, uses, nodes, get) is not None)
        self._reads, self._last = reads, last_reads(reads)
        # each node's name before the program runs: an input's own, None for the others
        # (a live array is named by its constant, a call by the statement that makes it)
        self._start = [n.name if n.kind == "input" else None for n in nodes]

    def _v_names(self):
        """One name per value: a call's numbered as if the live nodes were not in the
        graph."""
        names, n = list(self._start), 0
        for k, node in enumerate(self.nodes):
            if node.kind == "call":
                names[k] = f"v{k - n}"
            elif node.kind == "live":
                n += 1
        return names

    def _emit(self, math_mode, registers):
        """The function's source: with ``registers``, names reused once dead (what runs),
        else one name per value (what :attr:`text` shows)."""
        nodes, uses, ndarray = self.nodes, self._uses, _np.ndarray
        names = list(self._start) if registers else self._v_names()
        self._var = names
        regs = Registers(self._reads, self._last) if registers else None
        inline = self._inline if registers else ()
        body = []
        # scalar code (math_mode): the nodes whose values it holds as Python floats, which
        # a NumPy call that is not a ufunc of scalars alone (whose result type a Python
        # float's weak type could change: float32 array * float) reads as NumPy's again
        self._pyfloat, self._scalar, self._strict = set(), False, False
        pyfloat, from_python = self._pyfloat, set()    # from_python: NumPy's scalars
        self._from_python = from_python                  # computed from Python floats
        for i, (k, g) in enumerate(self._stmts):
            if g is not None:
                body.append(self._guard(k, g))
                if registers:
                    regs.release(i, names)
                continue
            node = nodes[k]
            if math_mode:
                self._scalar = scalar = _is_scalar_float(node.value) and _scalar_args(node)
                ufunc = type(node.fun) is _np.ufunc and not node.kwargs
                self._strict = not (scalar and ufunc)
                if scalar and ufunc and node.fun.nout == 1:
                    self._pyfloat.add(k)
                elif _is_scalar_float(node.value) and any(
                        self._resolve(j, j) in pyfloat or self._resolve(j, j) in from_python
                        for j in node.deps):
                    from_python.add(k)
            inplace = self._inplace(k, node, uses) if type(node.value) is ndarray else None
            if inplace is None:
                rhs = self._expr(k, node, math_mode)
                if i in inline:     # written where the next statement reads it
                    names[k] = rhs if self._atomic else f"({rhs})"
                    continue
                if registers:
                    regs.release(i, names)
                    names[k] = regs.new(k)
                body.append(f"{names[k]} = {rhs}")
                continue
            kind, j, a, b = inplace
            buf = names[j]
            if not registers:     # vK = vJ; vK += y   or   vK = f(..., out=vJ)
                body.append(f"{names[k]} = {buf}; {names[k]} {a}= {b}" if kind == "inplace"
                            else f"{names[k]} = {a}, out={buf})")
                continue
            # rJ += y   or   rJ = f(..., out=rJ)
            body.append(f"{buf} {a}= {b}" if kind == "inplace" else f"{buf} = {a}, out={buf})")
            names[k] = buf
            regs.release(i, names)
            regs.keep(buf, k, i)
        self._scalar = self._strict = False
        outs = iter(self._outputs(math_mode))
        body.append(f"return {self._tree(self.out_def, outs)}")
        self._var, self._pyfloat, self._from_python = None, (), ()
        head = f"def {self.name}({', '.join(self.inputs)}):"
        return "\n".join([head] + ["    " + line for line in body]) + "\n"

    def _outputs(self, math_mode=False):
        """One expression per output leaf, copied where :func:`._plan.output_copies`
        says.  In scalar code (``math_mode``) a scalar held as a Python float is
        returned as the type eager evaluation returned, and only if finite: an overflow
        or a NaN on Python floats passes silently, so the call is run again by NumPy's
        code, for NumPy's warnings."""
        exprs = []
        for kind, j, copy, k in output_copies(self.outputs, self.nodes, self.resolve):
            if kind == "const":
                c = self._const(j)
                exprs.append(f"{c}.copy()" if copy else c)
                continue
            value = self.nodes[k].value     # (the type eager evaluation returned)
            if math_mode and (j in self._pyfloat or j in self._from_python) and \
                    _is_scalar_float(value):
                self.namespace["_scalar_out"] = _scalar_out
                exprs.append(f"_scalar_out({self.var(j)}, "
                             f"{'float' if type(value) is float else 'np.float64'})")
                continue
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
        runs the program (its scalar code on Python floats if ``fast``)."""
        return self.entry_head(in_def, leaves, dynamic) + self.program_body(fast)

    def program_body(self, fast=False):
        """The body of :attr:`fast_run_text` (``fast``) or :attr:`run_text`, indented."""
        text = self.fast_run_text if fast else self.run_text
        return text.split("\n", 1)[1]

    def _inplace(self, k, node, uses):
        """An elementwise NumPy function writing into one of its arguments, when that
        argument is a temporary of the program used nowhere else (the floor's
        ``dh *= 1 - h * h``): adjoints accumulate at a fork, activations and their
        derivatives reuse buffers, and large arrays are not allocated afresh.
        ``("inplace", j, op, y)`` (``vJ op= y``) or ``("out", j, call, None)``
        (``call, out=vJ)``), or None."""
        pick = in_place_pick(node, uses, self.nodes, self._resolve)
        if pick is None:
            return None
        i, j = pick
        fun, args = node.fun, node.args
        if fun in _AUGMENTED and len(args) == 2 and (i == 0 or fun in _COMMUTATIVE):
            return ("inplace", j, _AUGMENTED[fun], self._arg(args[1 - i]))
        parts = ", ".join(self._arg(x) for x in args)
        return ("out", j, f"{self._fname(fun)}({parts}", None)

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


_ARRAYS = (_np.ndarray, _np.generic)
