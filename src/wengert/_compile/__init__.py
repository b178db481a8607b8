"""``wengert.compile``: trace a derivative once, run it as generated Python.

``compile(fun)`` accepts any function of arrays, in particular a transformed
one (``grad(f)``, ``value_and_grad(f)``, ``jacobian(f)``, ``hessian(f)``, a
training step returning the loss and the gradients).  On the first call with a
new *signature* (the structure of the arguments, the shapes and dtypes of the
arrays, the values of every non-array argument) it runs ``fun`` once while
recording every NumPy call the forward and the backward pass make, and returns
that run's result.  From the second call with that signature the recorded calls
run interpreted (a loop over them: no tape, no boxes, no rule lookups), and once
those runs took about as long as generating code is estimated to take (twice the
tracing), the graph is simplified and written out as straight-line Python source,
which every later call runs directly.  A signature called a few times never pays
for code generation, and one called often pays for it at most about once more than
it spent running interpreted.
``compiled.source(*args)`` shows that source: the staged forward and backward
code one would write by hand.

Example:
    >>> import numpy
    >>> import wengert, wengert.numpy as np
    >>> def loss(w, x):
    ...     return np.sum(np.tanh(x @ w) ** 2)
    >>> fast = wengert.compile(wengert.grad(loss))
    >>> w, x = numpy.ones(3), numpy.eye(3)
    >>> bool(numpy.allclose(fast(w, x), wengert.grad(loss)(w, x)))
    True
    >>> print(fast.source(w, x))  # doctest: +ELLIPSIS
    def loss(x0, x1):
        v... = x1 @ x0
        v... = np.tanh(v...)
    ...

Python control flow on traced values is not baked in silently: where Python
needs a concrete value (``if x > 0``, ``float(x)``, ``int(n)``), the program
records a guard, checks it on every call and traces again when it fails.
Operations that cannot be recorded (writing into a plain array with ``out=``,
say) make that signature run eagerly, with one warning naming the line.
Python side effects inside ``fun`` (printing, appending to a list) happen once,
while tracing, not on every call; results are always arrays of their own.

What the compiled program treats as constant, and what it checks on every
call: see :func:`compile`.
"""
from typing import Any, Callable
import collections
import functools
import logging
import threading
import time

import numpy as _np

from .. import tree
from .._warn import warn as _warn
from .._core import Box, hooks
from .._core.box import box_value
from ._graph import Escape, GraphTrace
from ._internals import backend_name, expand_boxed_containers, is_foreign
from ._codegen import Source
from ._entry import _Miss, _Retrace
from ._interp import interpreted_entry
from ._collector import _no_cycle_collection
from ._watch import Reach, changed_while_tracing, check_lines

__all__ = ["compile", "Compiled"]
_FAST = 4   # programs tried before the signature is computed
_log = logging.getLogger("wengert.compile")   # each trace, at INFO (silent unless configured)


def compile(fun: Callable[..., Any] | None = None, *, max_cache: int = 32, max_traces: int = 8,
            scalar_math: bool | None = None) -> Any:
    """Compile ``fun`` (usually a transformed function) into generated NumPy code.

    ``max_cache`` bounds the number of signatures kept (least recently used
    are dropped); ``max_traces`` bounds how many times one signature is traced
    again because a guard failed (beyond it, that signature runs eagerly, with
    a warning naming the guard's line).

    Scalar code. By default, code on float64 scalars runs on Python floats wherever
    that gives NumPy's bits, several times faster than NumPy's scalars: ``+``, ``-``,
    ``*``, ``/``, negation and ``abs`` (exact in IEEE 754), and ``math.sin``,
    ``math.cos`` and ``math.sqrt`` where NumPy computes them with the same C library
    functions (checked once per process on about 15,000 arguments); everything else
    (``exp``, ``log``, ``tanh``, ...) stays NumPy's.  A zero divisor, a math domain error
    or a result that is not finite runs the call again with NumPy's scalars, for
    NumPy's values and warnings (an overflow in between whose result is finite
    passes without NumPy's warning).  ``scalar_math=True`` uses the ``math`` module for
    ``exp``, ``log`` and the others too (faster still; those may differ from NumPy's in
    the last bit); ``scalar_math=False`` keeps NumPy's scalars throughout.

    What is constant. Arrays, floats and complex numbers among the arguments are
    traced: every call uses their new values. Every other argument (ints, strings,
    functions, enums, dtypes, objects) is part of the signature, compared by value
    (by identity if unhashable); a new value compiles anew. Every other array the
    function reads (closed over, a global, an attribute, an item of a list or dict,
    a module's attribute, a view of any of these, an array made by plain NumPy) is
    *live*: the program holds the array itself, never a copy, and every
    ``wengert.numpy`` operation that reads it, and everything computed from that,
    runs again on every call, so that a write into the array (``A[7] = 0``,
    ``A[:] = batch``) is seen at the next call without tracing again; a result that
    is such an array or a view of one is copied. What is fixed at tracing: Python
    numbers, and what ``wengert.numpy``'s functions compute from Python numbers and
    from such results alone (``np.exp(0.5)``). Also fixed, out of the tracer's sight:
    what Python or NumPy itself reads from a live array while tracing, rather than
    a ``wengert.numpy`` function: ``if A[0] > 0``, ``float(A[i])``, ``A.tolist()``,
    ``A.sum()``, and operators between plain arrays and numbers (``A / 100.0``;
    write ``np.divide(A, 100.0)`` to keep it live). Those values are baked in, and
    only the following check guards them: each compiled call checks that the
    closed-over variables, the module globals the function's code names, the
    attributes of objects reached from the function or passed as arguments, and the
    items of lists, tuples and dicts among them still hold the objects (numbers and
    strings: equal values) they held at tracing, that those lists and dicts keep
    their lengths, that each such array keeps its shape and, unless the program
    itself reads the array (or a view of it), a sample of 32 of its elements; if
    not, it traces again (``max_traces`` applies). So a Python-level read of an
    array that the program also reads is not checked, and one of an array of more
    than 32 elements written at a few places only can go unnoticed: pass arrays that
    Python reads as arguments. Not checked: values reached only through a module
    (``mymodule.table``: live arrays are still read live), the insides of NumPy's and
    wengert's own functions, sets, anything past the first 2,000 objects visited or
    the first 64 places watched, and state outside Python objects (files, other
    processes). A function that writes into a live array while tracing after reading
    it runs eagerly, with a warning. A random generator (``numpy.random.Generator``,
    ``RandomState`` or the global ``numpy.random``) drawn from while tracing makes the
    signature run eagerly, with a warning (the numbers would otherwise be drawn
    once); a generator passed as an argument is an error.

    Usable as a decorator, with or without options.
    """
    if fun is None:
        return lambda f: compile(f, max_cache=max_cache, max_traces=max_traces,
                                 scalar_math=scalar_math)
    if isinstance(fun, Compiled):
        fun = fun.fun
    if not callable(fun):
        raise TypeError(f"wengert.compile: expected a function, got {type(fun).__name__}")
    return Compiled(fun, max_cache, max_traces, scalar_math)


class _Entry:
    """What is known about one signature: its traced variants and counters."""

    __slots__ = ("variants", "traces", "eager", "reason", "lock")

    def __init__(self) -> None:
        self.variants: tuple[Any, ...] = ()   # entry programs, most recent first (replaced, never mutated)
        self.traces = 0
        self.eager = False
        self.reason: str | None = None
        self.lock = threading.RLock()   # one thread traces a signature at a time


class Compiled:
    """A compiled function: call it like ``fun``.

    ``source(*args, **kwargs)`` returns the generated source for that signature,
    ``executed_source`` the code that runs, ``stats()`` the number of signatures,
    traces, retraces and eager fallbacks; ``clear()`` empties the cache.
    """

    def __init__(self, fun: Callable[..., Any], max_cache: int, max_traces: int,
                 scalar_math: bool | None) -> None:
        self.fun = fun
        self.max_cache = max_cache
        self.max_traces = max_traces
        self.scalar_math = scalar_math
        # Threads share the cache: it changes only under the lock.  The fast path reads
        # _fast, a tuple replaced whole, and takes no lock.
        self._lock = threading.RLock()
        self._cache: collections.OrderedDict[Any, _Entry] = collections.OrderedDict()
        self._fast: tuple[Any, ...] = ()   # the most recently traced programs, tried first
        self._warned_static = False
        self._warned_foreign = False
        self._name = _py_name(getattr(fun, "__name__", "compiled"))
        functools.update_wrapper(self, fun)

    def __repr__(self) -> str:
        return f"<wengert.compile of {getattr(self.fun, '__name__', self.fun)!r}>"

    # -- calling -----------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if hooks.observers and hooks.watching():   # explain.detect_nonfinite: run eagerly
            return self.fun(*args, **kwargs)
        for entry in self._fast:      # generated: signature check, unpacking, program
            try:
                return entry(args, kwargs)
            except _Miss:
                continue
            except _Retrace:
                break
        return self._call(args, kwargs)

    def _call(self, args: Any, kwargs: Any) -> Any:
        leaves, in_def = tree.flatten((args, kwargs))
        if any(isinstance(x, Box) for x in leaves):
            return self.fun(*args, **kwargs)   # traced by an outer transform: run eagerly
        for leaf in leaves:
            if type(leaf) is not _np.ndarray and is_foreign(leaf):
                # the program would be NumPy code: another library's arrays run eagerly
                # (the transforms keep them on their library and device)
                if not self._warned_foreign:
                    self._warned_foreign = True
                    _warn(f"wengert.compile: {getattr(self.fun, '__name__', 'the function')} "
                          f"was called with {backend_name(leaf)} arrays; compiled programs "
                          "are NumPy code, so it runs eagerly (derivatives stay on the "
                          "arrays' library and device)")
                return self.fun(*args, **kwargs)
        key, dynamic = _signature(leaves, in_def)
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                if not self._warned_static:
                    self._warn_static(key)
                entry = self._cache[key] = _Entry()
                while len(self._cache) > self.max_cache:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
        tried = entry.variants
        result = self._run(entry, tried, args, kwargs)
        if result is _FAILED:
            with entry.lock:
                # another thread may have traced this signature while this one waited
                result = self._run(entry, entry.variants[:len(entry.variants) - len(tried)],
                                   args, kwargs)
                if result is _FAILED:
                    return self._trace(entry, leaves, in_def, dynamic, args, kwargs)
        return self.fun(*args, **kwargs) if result is _EAGER else result

    def _trace(self, entry: Any, leaves: Any, in_def: Any, dynamic: Any, args: Any,
               kwargs: Any) -> Any:
        if entry.traces >= self.max_traces:
            entry.eager = True
            entry.reason = (f"its guards failed {entry.traces} times "
                            f"(last at {entry.reason or 'an unknown line'})")
            _warn(f"wengert.compile({self._name}): running eagerly from now on for "
                  f"this signature: {entry.reason}", RuntimeWarning)
            return self.fun(*args, **kwargs)
        entry.traces += 1
        t0 = time.perf_counter()
        try:
            with _no_cycle_collection():
                traced, out_def, out = _trace(self.fun, leaves, in_def, dynamic, self._name,
                                              self.scalar_math)
        except Escape as e:
            entry.eager = True
            entry.reason = str(e)
            _warn(f"wengert.compile({self._name}): this signature runs eagerly: {e}",
                  RuntimeWarning)
            return self.fun(*args, **kwargs)
        _log.info("wengert.compile(%s): traced this signature (trace %d of at most %d)",
                  self._name, entry.traces, self.max_traces)
        # The traced call computed the result; the signature's program is made when it
        # is called again (a function called once costs its tracing alone).
        pending = _Pending(traced, in_def, leaves, dynamic)
        pending.budget = _CODEGEN_COST * (time.perf_counter() - t0)
        entry.variants = (pending,) + entry.variants
        return tree.unflatten(out_def, out)

    def _ready(self, entry: Any, pending: Any) -> Any:
        """The program of a traced signature, made now if not yet: interpreted first
        (:mod:`._interp`), its code generated once it ran as long as generating the code
        is estimated to take (:meth:`_promote`; at once if ``INTERPRET_FIRST[0]`` is
        False)."""
        with entry.lock:
            program = pending.program
            if program is None and INTERPRET_FIRST[0]:
                with _no_cycle_collection():
                    program, interpreted = interpreted_entry(
                        pending.traced, pending.in_def, pending.leaves, pending.dynamic,
                        pending.budget, lambda: self._promote(entry, pending))
                program.pending, program.interpreted = pending, interpreted
                pending.program = program
                self._replace(entry, pending, program)
            return self._promote(entry, pending) if program is None else program

    def _replace(self, entry: Any, old: Any, program: Any) -> None:
        """``program`` in place of ``old`` among the signature's variants, and first
        among the programs the fast path tries."""
        entry.variants = tuple(program if p is old else p for p in entry.variants)
        with self._lock:
            self._fast = (program,) + tuple(p for p in self._fast if p is not old)[:_FAST - 1]

    def _promote(self, entry: Any, pending: Any) -> Any:
        """The generated program of a traced signature, generated now if not yet (in
        place of its interpreted program, if any)."""
        with entry.lock:
            if pending.generated is None:
                with _no_cycle_collection():
                    source = pending.traced.source()
                    program = _build(source, pending.in_def, pending.leaves, pending.dynamic)
                program.source = source
                interpreted = pending.program
                pending.program = pending.generated = program
                pending.leaves = None
                self._replace(entry, pending if interpreted is None else interpreted, program)
        return pending.generated

    def _warn_static(self, key: Any) -> None:
        """Warn (once) when a new signature differs from a cached one only in the value
        of a non-array argument: each new value is compiled anew, which is slow."""
        for other in self._cache:
            if len(other) != len(key) or other[0] != key[0]:
                continue
            diff = [i for i, (a, b) in enumerate(zip(other[1:], key[1:])) if a != b]
            if diff and all(key[1 + i][0] == "k" and other[1 + i][:2] == key[1 + i][:2]
                            and issubclass(key[1 + i][1], (int, _np.integer))
                            for i in diff):
                self._warned_static = True
                kinds = sorted({key[1 + i][1].__name__ for i in diff})
                _warn(
                    f"wengert.compile({self._name}): an argument of type {', '.join(kinds)} "
                    "changed value, and such values are part of the signature: every new value "
                    "is traced and compiled anew. Pass it as a float or a NumPy array to trace "
                    "it instead (e.g. numpy.asarray(step, float))", RuntimeWarning)
                return

    # -- looking inside ----------------------------------------------------------------
    def _latest(self, args: Any, kwargs: Any) -> Any:
        """The newest generated source for this call's signature (traced now if
        needed), with the flattened call."""
        leaves, in_def = tree.flatten((args, kwargs))
        key, dynamic = _signature(leaves, in_def)
        with self._lock:
            entry = self._cache.get(key)
        if entry is None or not entry.variants:
            self(*args, **kwargs)
            with self._lock:
                entry = self._cache[key]
        if entry.eager and not entry.variants:
            raise RuntimeError(f"wengert.compile({self._name}) runs eagerly for this "
                               f"signature: {entry.reason}")
        program = entry.variants[0]
        if type(program) is _Pending or hasattr(program, "pending"):
            program = self._promote(entry, getattr(program, "pending", program))
        return program.source, in_def, leaves, dynamic

    def source(self, *args: Any, **kwargs: Any) -> str:
        """The generated source for this signature (traced now if needed)."""
        src = self._latest(args, kwargs)[0]
        notes = "".join(f"# {name}: {what}\n" for name, what in src.const_notes)
        return notes + (src.fast_text if src.fast_text else src.text).rstrip("\n")

    def executed_source(self, *args: Any, **kwargs: Any) -> str:
        """The code that runs for this signature: :meth:`source` with variable names
        reused once their values are dead, behind the generated signature check."""
        src, in_def, leaves, dynamic = self._latest(args, kwargs)
        return src.entry(in_def, leaves, dynamic,
                         fast=src.fast_run_text is not None).rstrip("\n")

    def stats(self) -> dict[str, int]:
        """Counters: ``signatures``, ``traces`` (first traces and retraces),
        ``retraces`` and ``eager`` (signatures running eagerly)."""
        with self._lock:
            entries = list(self._cache.values())
        traces = sum(e.traces for e in entries)
        return {"signatures": len(entries), "traces": traces,
                "retraces": traces - sum(1 for e in entries if e.traces),
                "eager": sum(e.eager for e in entries)}

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._fast = ()


    def _run(self, entry: Any, programs: Any, args: Any, kwargs: Any) -> Any:
        """The result of the first of ``programs`` whose guards hold (eager evaluation
        if the signature runs eagerly), or ``_FAILED``."""
        if entry.eager:
            return _EAGER
        for program in programs:
            if type(program) is _Pending:
                program = self._ready(entry, program)
            try:
                return program(args, kwargs)
            except _Retrace as e:
                entry.reason = str(e) or entry.reason
                continue
            except _Miss:   # its checks and the signature disagree: never a wrong program
                return _EAGER
        return _FAILED


_FAILED, _EAGER = object(), object()


class _Pending:
    """A traced signature whose code is not generated yet (:meth:`Compiled._ready`)."""

    __slots__ = ("traced", "in_def", "leaves", "dynamic", "program", "generated", "budget")

    def __init__(self, traced: Any, in_def: Any, leaves: Any, dynamic: Any) -> None:
        self.traced, self.in_def, self.leaves, self.dynamic = traced, in_def, leaves, dynamic
        self.program: Any = None      # what runs: the interpreted or the generated program
        self.generated: Any = None
        self.budget = 0.0             # seconds: the estimated cost of generating the code


# Generating the code (simplifying the graph, writing the source, Python's compile) takes
# about twice as long as tracing the call (benchmarks/compile_scaling.py)
_CODEGEN_COST = 2.0
# whether a traced signature runs interpreted before its code is generated (tests of the
# generated code set it False, for the code at the second call)
INTERPRET_FIRST = [True]


def _py_name(name: str) -> str:
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return name if name and not name[0].isdigit() else "compiled"


# -- signatures ----------------------------------------------------------------------------
def _signature(leaves: Any, in_def: Any) -> Any:
    """A hashable key for the call and the positions of its traced leaves.
    Arrays and floats are traced (their values may change); everything else is
    part of the key by value (or, if unhashable, by identity)."""
    parts, dynamic = [in_def], []   # tree definitions hold types and keys: hashable
    for i, x in enumerate(leaves):
        t = type(x)
        if t is _np.ndarray:
            parts.append(("a", x.shape, x.dtype.str))
            dynamic.append(i)
        elif t is float or t is _np.float64:     # one signature: eager mixes the two
            parts.append(("f",))
            dynamic.append(i)
        elif t is complex:
            parts.append(("c",))
            dynamic.append(i)
        elif isinstance(x, _np.generic) and x.dtype.kind in "fc":
            parts.append(("s", x.dtype.str))
            dynamic.append(i)
        elif isinstance(x, (_np.random.Generator, _np.random.RandomState)):
            raise TypeError(
                "wengert.compile: a random generator cannot be an argument of a compiled "
                "function (its numbers would be drawn once, at tracing); draw them outside "
                "and pass the arrays in")
        else:
            try:
                hash(x)
                parts.append(("k", t, x))
            except TypeError:
                parts.append(("id", t, id(x)))
    return tuple(parts), dynamic


# -- tracing -------------------------------------------------------------------------------
def _trace(fun: Any, leaves: Any, in_def: Any, dynamic: Any, name: str,
           scalar_math: bool | None) -> Any:
    trace = GraphTrace()
    leaves = list(leaves)
    for i in dynamic:
        leaves[i] = trace.new_input(leaves[i])
    args, kwargs = tree.unflatten(in_def, leaves)
    fixed = set(dynamic)
    roots = [(fun, getattr(fun, "__qualname__", "the function"))] + [
        (x, f"argument {x!r}" if type(x) in (int, float, str) else f"a {type(x).__name__} argument")
        for i, x in enumerate(leaves) if i not in fixed and not isinstance(x, Box)]
    reach = Reach(roots)
    if reach.truncated:
        _warn(f"wengert.compile({name}): it reaches more objects than compile looks through "
              "for values to check on each call; values beyond are taken as they are now "
              "(if one of them changes between calls, pass it as an argument instead)")
    states = reach.states()
    for w in reach.watches:    # the user's arrays, live wherever they are read (even when
        if type(w.value) is _np.ndarray:   # handed to a transform: jvp(f, (x,), (V,)))
            trace.known[id(w.value)] = w.value
    with trace.recording():
        out = fun(*args, **kwargs)
    drawn = reach.drawn(states)
    if drawn:
        reach.restore(states)    # the eager call that follows draws the same numbers
        raise Escape(f"it draws from {' and '.join(drawn)} (the numbers would be drawn once, "
                     "at tracing); pass the numbers in as an argument to compile it")
    out_leaves, out_def = tree.flatten(expand_boxed_containers(out))
    outputs, values = [], []
    for o in out_leaves:
        if type(o) is _np.ndarray and not trace.is_constant(o):
            o = trace.live(o)   # returned as it is when called: copied
        if isinstance(o, Box):
            if not trace.owns(o):
                raise Escape(f"its result holds a traced value of another transform ({o!r})")
            outputs.append(("node", trace.node_of(o)))
            values.append(box_value(o))
        else:   # kept apart from the value this call returns (the caller may write into it)
            outputs.append(("const", o.copy() if isinstance(o, _np.ndarray) else o))
            values.append(o)
    watches = Reach(roots).watches    # values as traced
    changed = changed_while_tracing(reach.watches, watches)
    if changed:
        _warn(f"wengert.compile({name}): while tracing, it changed {changed}, which it reads; "
              "the compiled program runs no Python, so that change happens once per trace, "
              "not on every call (pass such a value as an argument, or call the function "
              "uncompiled)")
    written = trace.written()
    if written:
        which = _array_name(trace.nodes[written[0]].value, watches)
        raise Escape(f"while tracing, it writes into {which} after reading it (the program "
                     "would read the array only as it is when called); pass the values in "
                     "as an argument to compile it")
    lives = [n.value for n in trace.nodes if n.kind == "live"]
    values = [v.copy() if type(v) is _np.ndarray and any(
        _np.may_share_memory(v, a) for a in lives) else v for v in values]
    return _Traced(trace, outputs, out_def, name, scalar_math, watches, lives), out_def, values


class _Traced:
    """A recorded call, before its code is generated (:meth:`source`).  Everything the
    code depends on was fixed while tracing (the graph, its values' types and shapes,
    the watched places and their samples), so generating it later writes the same
    program."""

    __slots__ = ("trace", "outputs", "out_def", "name", "scalar_math", "watches", "lives")

    def __init__(self, trace: Any, outputs: Any, out_def: Any, name: str,
                 scalar_math: bool | None, watches: Any, lives: Any) -> None:
        self.trace, self.outputs, self.out_def, self.name = trace, outputs, out_def, name
        self.scalar_math, self.watches, self.lives = scalar_math, watches, lives

    def source(self) -> Source:
        with _no_cycle_collection():
            src = Source(self.trace, self.outputs, self.out_def, self.name, self.scalar_math)
            src.checks = check_lines(self.watches, src.bind_hidden, self.lives)
        return src


def _array_name(a: Any, watches: Any) -> str:
    """How a message names the array ``a``: the place it was found, if watched."""
    for w in watches:
        if w.value is a:
            return f"the array in {w.what}"
    return "an array"


def _build(src: Any, in_def: Any, leaves: Any, dynamic: Any) -> Any:
    """The entry function of a traced program.  Where its scalar code runs on Python
    floats (:attr:`Source.fast_run_text`), that code runs, and where it raises (a zero
    divisor, a math domain error, a result that is not finite), the call runs again
    with NumPy's scalars, for NumPy's results and warnings: that code is written and
    compiled the first time it is needed."""
    head = src.entry_head(in_def, leaves, dynamic)   # first: it binds the signature's constants
    if src.fast_run_text is None:
        namespace = dict(src.namespace)
        namespace.update(_Retrace=_Retrace, _Miss=_Miss)
        exec(compile_source(head + src.program_body(), src.name), namespace)
        return namespace[f"{src.name}_entry"]
    fast_ns = dict(src.namespace)
    fast_ns.update(_Retrace=_Retrace, _Miss=_Miss)
    exec(compile_source(head + src.program_body(fast=True), src.name), fast_ns)
    fast = fast_ns[f"{src.name}_entry"]
    safe_entry: list[Any] = []
    lock = threading.Lock()

    def safe(args: Any, kwargs: Any) -> Any:
        with lock:
            if not safe_entry:
                body = src.program_body()     # written now: it may bind constants of its own
                namespace = dict(src.namespace)
                namespace.update(_Retrace=_Retrace, _Miss=_Miss)
                exec(compile_source(head + body, src.name), namespace)
                safe_entry.append(namespace[f"{src.name}_entry"])
        return safe_entry[0](args, kwargs)

    def program(args: Any, kwargs: Any) -> Any:
        try:
            return fast(args, kwargs)
        except (ArithmeticError, ValueError):
            return safe(args, kwargs)   # Python floats raise where NumPy returns inf or nan
    return program


def compile_source(text: str, name: str) -> Any:
    import builtins
    return builtins.compile(text, f"<wengert.compile {name}>", "exec")
