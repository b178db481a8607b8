"""What a compiled function reads besides its arguments, and how to notice it change.

A traced program keeps every value it did not receive as an argument: arrays are
live (the program reads them where they lie, and recomputes what it computes from
them: see ``_graph``), while numbers, strings, what is computed from them alone,
and whatever Python or NumPy itself read from an array while tracing (``if A[0] >
0``, ``A / 100.0``) are baked in.  So that later calls do not run on stale
values, tracing first walks what the function can reach: the variables it closes
over, the module globals its code names, the functions, ``functools.partial``
objects and bound methods among them, the attributes of objects found there and
of objects passed as arguments, the items of lists, tuples and dicts found there,
what weak references found there point to, and the attributes of the program's own
modules that its code names (``mymodel.loss``, ``config.SCALE``); boundedly:
``_BUDGET`` objects, containers' first ``_ITEMS`` items.  NumPy's and wengert's own
code is not entered, nor are their modules and the standard library's.

Two things come out of the walk:

* the random generators reached (``numpy.random.Generator``, ``RandomState``, bit
  generators, and NumPy's global generator): their states are compared before and
  after tracing, and a generator that was drawn from makes the signature run
  eagerly (its numbers would otherwise be drawn once, at tracing);
* *watches*: each place (closure cell, global name, attribute, list item, dict
  value, ``__slots__`` attribute) holding a number, a string, a tuple of them, an
  array, a list, a dict or any other object but a module (a class's own methods
  excepted), the length of each list and dict, and each weak reference's life.  The
  compiled program
  checks on every call that each place still holds the same object (a number or
  string also passes when equal) and, for an array, that its shape and a sample of
  up to ``_SAMPLE`` evenly spaced elements (the first included) are unchanged;
  otherwise it traces again.  An array of at most ``_SAMPLE`` elements is compared
  whole; a larger one written at a few places only may go unnoticed.  An array the
  program reads itself (or through a view) is checked for its identity and shape
  only: a write into it is what the program reads on the next call.
"""
import functools
import math
import os
import sys
import types
import weakref

import numpy as _np

_BUDGET = 2000    # objects visited at most
_ITEMS = 64       # items of a container looked at
_SAMPLE = 32      # array elements compared on every call
_MAX_WATCHES = 64
_DEPTH = 12       # links followed from the function at most

_RNG_TYPES = (_np.random.Generator, _np.random.RandomState, _np.random.BitGenerator)
_SCALARS = (int, float, complex, bool, str, bytes, _np.generic)
_LIBRARIES = ("numpy", "wengert", "scipy", "builtins")
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
_NUMPY_DIR = os.path.dirname(_np.__file__) + os.sep
_WENGERT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class Watch:
    """A place that held ``value`` at tracing: ``kind`` is "cell" (``holder`` a closure
    cell), "dict" (``holder`` a dict or mapping, ``key`` the key), "attr" (``holder`` an
    object, ``key`` the name of one of its ``__slots__``) or "item" (``holder`` a list,
    ``key`` an index); or what to check of ``holder`` itself: "len" (a list's or
    dict's length is ``value``), "ref" (a weak reference still alive); ``what`` names it
    for messages."""

    __slots__ = ("kind", "holder", "key", "value", "what", "sample")

    def __init__(self, kind, holder, key, value, what):
        self.kind, self.holder, self.key, self.value, self.what = kind, holder, key, value, what
        self.sample = None
        if type(value) is _np.ndarray and value.size:
            self.sample = _sample(value)


class Reach:
    """The random generators and watched places reachable from some roots."""

    def __init__(self, roots):
        self.generators = []   # (generator, what)
        self.watches = []
        self._seen = set()
        self._budget = _BUDGET
        self.truncated = False   # whether the walk stopped short (too many objects or places)
        for obj, what in roots:
            self._visit(obj, what, 0)

    def _room(self):
        """Whether another place can be watched (noting it when none can)."""
        if len(self.watches) < _MAX_WATCHES:
            return True
        self.truncated = True
        return False

    # -- the walk ----------------------------------------------------------------------
    def _visit(self, obj, what, depth):
        if id(obj) in self._seen:
            return
        if self._budget <= 0 or depth > _DEPTH:
            self.truncated = True
            return
        self._seen.add(id(obj))
        self._budget -= 1
        try:
            self._enter(obj, what, depth)
        except Exception:   # noqa: BLE001 - an odd object (a property that raises) ends
            pass            # the walk down its path only

    def _enter(self, obj, what, depth):
        if isinstance(obj, _RNG_TYPES):
            self.generators.append((obj, what))
            return
        t = type(obj)
        if t in _SCALARS or t is _np.ndarray or isinstance(obj, (types.ModuleType, _np.generic)):
            return
        if (t is list or t is dict) and self._room():
            self.watches.append(Watch("len", obj, None, len(obj), what))   # items added
        if t is tuple or t is list:
            for i, v in enumerate(obj[:_ITEMS]):
                self._place("item" if t is list else None, obj, i, v, f"{what}[{i}]", depth)
            return
        if t is dict:
            for k, v in list(obj.items())[:_ITEMS]:
                self._place("dict", obj, k, v, f"{what}[{_short(k)}]", depth)
            return
        if isinstance(obj, types.FunctionType):
            self._function(obj, what, depth)
            return
        if isinstance(obj, types.MethodType):
            self._visit(obj.__func__, what, depth + 1)
            self._visit(obj.__self__, f"{what}.__self__", depth + 1)
            return
        if isinstance(obj, weakref.ref):
            # a function or object reached through a weak reference (weakref.ref,
            # WeakMethod): what it reads is watched, and the program traces again once
            # the reference is dead (the call then fails as it does eagerly)
            target = obj()
            if target is not None:
                if self._room():
                    self.watches.append(Watch("ref", obj, None, None, what))
                self._visit(target, f"{what}()", depth + 1)
            return
        if t is _np.ufunc or isinstance(obj, (types.BuiltinFunctionType, type(len))):
            return
        if isinstance(obj, type):
            # a class of the program's own: its attributes (class-level settings, read
            # as Model.scale or self.scale) and methods, and its bases'
            if _library_module(obj.__module__):
                return
            for base in obj.__mro__[1:]:
                self._visit(base, what, depth + 1)
        elif _library(obj):
            # wengert's wrappers (compile(f), a custom rule) hold user functions
            attrs = getattr(obj, "__dict__", None)
            if isinstance(attrs, dict) and (t.__module__ or "").startswith("wengert"):
                for attr in ("fun", "__wrapped__", "func"):
                    if attr in attrs:
                        self._visit(attrs[attr], what, depth + 1)
            return
        if isinstance(obj, functools.partial):
            self._visit(obj.func, f"{what}.func", depth + 1)
            for i, a in enumerate(obj.args):
                self._place(None, None, None, a, f"{what}.args[{i}]", depth)
            for k, v in obj.keywords.items():      # (a dict: it can be written into)
                self._place("dict", obj.keywords, k, v, f"{what}.keywords[{_short(k)}]", depth)
            return
        attrs = getattr(obj, "__dict__", None)
        if not isinstance(obj, type) and isinstance(attrs, dict) and "__wrapped__" in attrs:
            # a decorator's wrapper (functools.lru_cache, functools.wraps): the function
            # it calls
            self._visit(attrs["__wrapped__"], what, depth + 1)
        if isinstance(attrs, (dict, types.MappingProxyType)) and attrs and depth >= _DEPTH:
            self.truncated = True
        elif isinstance(attrs, (dict, types.MappingProxyType)):
            for k, v in list(attrs.items())[:_ITEMS]:
                if type(k) is str and not (k.startswith("__") and k.endswith("__")):
                    self._place("dict", attrs, k, v, f"{what}.{k}", depth)
        if not isinstance(obj, type) and depth < _DEPTH:
            for name in _slots(t):      # attributes kept in __slots__, not __dict__
                try:
                    value = getattr(obj, name)
                except AttributeError:      # not yet assigned
                    continue
                self._place("attr", obj, name, value, f"{what}.{name}", depth)
            self._visit(t, f"type({what})", depth + 1)

    def _function(self, fun, what, depth):
        code = fun.__code__
        # by the file: wrappers copy the wrapped function's __module__ (functools.wraps)
        if code.co_filename.startswith(_NUMPY_DIR) or code.co_filename.startswith(_scipy_dir()):
            return
        library = code.co_filename.startswith(_WENGERT_DIR)
        name = getattr(fun, "__qualname__", None) or code.co_name
        names = _global_names(code)
        for var, cell in zip(code.co_freevars, fun.__closure__ or ()):
            try:
                value = cell.cell_contents
            except ValueError:     # not yet assigned
                continue
            if isinstance(value, types.ModuleType) and not library:
                self._module(value, names, name, depth)
                continue
            self._place(None if library else "cell", cell, var, value,
                        f"variable {var!r} closed over by {name}", depth)
        wrapped = getattr(fun, "__wrapped__", None)
        if wrapped is not None:
            self._visit(wrapped, what, depth + 1)
        if library:
            return
        for v in (fun.__defaults__ or ()) + tuple((fun.__kwdefaults__ or {}).values()):
            self._place(None, None, None, v, f"a default argument of {name}", depth)
        g = fun.__globals__
        for var in names:
            if var in g:
                value = g[var]
                if isinstance(value, types.ModuleType):
                    self._module(value, names, name, depth)
                else:
                    self._place("dict", g, var, value, f"global {var!r} read by {name}",
                                depth)

    def _module(self, module, names, reader, depth, levels=3):
        """The attributes of a program's own ``module`` that ``reader``'s code names
        (``mymodel.loss(p)``, ``config.SCALE``): watched and walked as its globals are
        (a function called through its module reads that module's globals). NumPy's,
        wengert's and the standard library's modules are not entered."""
        if _library_module(getattr(module, "__name__", "")) or levels == 0:
            return
        attrs = getattr(module, "__dict__", {})
        for var in names:
            if var in attrs:
                value = attrs[var]
                if isinstance(value, types.ModuleType):
                    self._module(value, names, reader, depth, levels - 1)
                else:
                    self._place("dict", attrs, var, value,
                                f"{module.__name__}.{var} read by {reader}", depth)

    def _place(self, kind, holder, key, value, what, depth):
        """``value``, held at ``holder[key]``: watched if it is data, walked if it may
        lead to more."""
        t = type(value)
        if kind is not None and (t in _SCALARS or t is _np.ndarray or isinstance(value, _np.generic)
                                 or (t is tuple and all(type(v) in _SCALARS for v in value))) \
                and self._room():
            self.watches.append(Watch(kind, holder, key, value, what))
        elif kind is not None and (t is list or t is dict) and self._room():
            self.watches.append(Watch(kind, holder, key, value, what))   # rebound: identity
        elif (kind is not None and value is not None and type(holder) is not types.MappingProxyType
              and not isinstance(value, types.ModuleType) and self._room()):
            # any other object (a function, an enum member, a layer, a class): the place
            # still holds the same one (act = np.tanh changed to np.sin, model.layer
            # replaced; a class's own methods are not watched)
            self.watches.append(Watch(kind, holder, key, value, what))
        if t is _np.ndarray and kind is None and value.size and self._room():
            self.watches.append(Watch("fixed", None, None, value, what))   # contents only
        self._visit(value, what, depth + 1)

    # -- random generators -------------------------------------------------------------
    def states(self):
        """The states of the generators reached and, last, of NumPy's global one."""
        return [_state(g) for g, _ in self.generators] + [_np.random.get_state(legacy=False)]

    def restore(self, states):
        """Set the generators that moved back to ``states`` (from :meth:`states`)."""
        now = self.states()
        for (g, _), old, new in zip(self.generators, states, now):
            if _same(old, new):
                continue
            if isinstance(g, _np.random.Generator):
                g.bit_generator.state = old
            elif isinstance(g, _np.random.RandomState):
                g.set_state(old)
            else:
                g.state = old
        if not _same(states[-1], now[-1]):
            _np.random.set_state(states[-1])

    def drawn(self, before):
        """Names of the generators drawn from since ``before`` (empty if none)."""
        names = [what for _, what in self.generators] + ["numpy.random's global generator"]
        return [what for what, old, new in zip(names, before, self.states())
                if not _same(old, new)]


def changed_while_tracing(before, after):
    """The name of the first place whose number, string or tuple of them (as the walk
    found it before tracing) holds another value after tracing (a counter the function
    increments and reads), else None."""
    seen = {(w.kind, id(w.holder), w.key): w.value for w in before
            if w.kind in ("cell", "dict", "item", "attr")}
    for w in after:
        old = seen.get((w.kind, id(w.holder), w.key), w.value)
        if old is not w.value and (type(old) in _SCALARS or type(old) is tuple
                                   or isinstance(old, _np.generic)) \
                and (type(old) is not type(w.value) or not _same(old, w.value)):
            return w.what
    return None


def check_lines(watches, bind, lives=()):
    """Lines of the compiled program that trace again when a watched place changed;
    ``bind`` gives the source name of an object (bound by reference).  An array that
    shares memory with one of ``lives`` (the arrays the program reads on every call)
    is checked for its identity and shape only: a write into it is what the program
    reads, not a reason to trace again."""
    lines = []
    for w in watches:
        v = bind(w.value)
        why = bind(f"{w.what} changed since tracing")
        if w.kind == "cell":
            get = f"{bind(w.holder)}.cell_contents"
        elif w.kind == "dict":
            get = f"{bind(w.holder)}.get({bind(w.key)}, _Retrace)"
        elif w.kind == "attr":
            get = f"getattr({bind(w.holder)}, {bind(w.key)}, _Retrace)"
        elif w.kind == "item":
            get = f"({bind(w.holder)}[{int(w.key)}] if len({bind(w.holder)}) > " \
                  f"{int(w.key)} else _Retrace)"
        else:
            get = None
        if w.kind == "len":
            lines.append(f"if len({bind(w.holder)}) != {int(w.value)}: raise _Retrace({why})")
            continue
        if w.kind == "ref":
            lines.append(f"if {bind(w.holder)}() is None: raise _Retrace({why})")
            continue
        if get is not None:
            if type(w.value) in _SCALARS or type(w.value) is tuple or \
                    isinstance(w.value, _np.generic):
                t = bind(type(w.value))
                # equal numbers pass (a float recomputed to the same value), NaN by identity
                lines.append(f"_w = {get}")
                lines.append(f"if _w is not {v} and (type(_w) is not {t} or not _w == {v}): "
                             f"raise _Retrace({why})")
            else:
                lines.append(f"if {get} is not {v}: raise _Retrace({why})")
        if w.sample is not None and any(_np.may_share_memory(w.value, a) for a in lives):
            lines.append(f"if {v}.shape != {bind(w.value.shape)}: raise _Retrace({why})")
        elif w.sample is not None:
            view, index, data = w.sample
            sample = bind(view) if view is not None else f"{v}[{bind(index)}]"
            lines.append(f"if {v}.shape != {bind(w.value.shape)} or "
                         f"{sample}.tobytes() != {bind(data)}: raise _Retrace({why})")
    return lines


# -- helpers ---------------------------------------------------------------------------------
def _sample(a):
    """``(view, index, bytes)``: up to ``_SAMPLE`` evenly spaced elements of ``a`` and
    their bytes now.  For a contiguous array ``view`` is a strided view of them (reading
    it costs no indexing); otherwise ``index`` selects them."""
    n = a.size
    step = -(-n // _SAMPLE)
    if a.flags.c_contiguous or a.flags.f_contiguous:
        view = a.reshape(-1, order="A")[::step]
        view.flags.writeable = False
        return view, None, view.tobytes()
    flat = _np.arange(0, n, step)
    index = _np.unravel_index(flat, a.shape)
    return None, index, a[index].tobytes()


def _scipy_dir():
    """SciPy's folder once SciPy is imported (its code is not entered either), else a
    prefix no file has."""
    scipy = sys.modules.get("scipy")
    path = getattr(scipy, "__file__", None)
    return os.path.dirname(path) + os.sep if path else "\0"


def _library(obj):
    module = getattr(type(obj), "__module__", "") or ""
    return module.split(".")[0] in _LIBRARIES


def _library_module(name):
    """Whether module ``name`` is NumPy's, wengert's, SciPy's or the standard library's."""
    top = (name or "").partition(".")[0]
    return top in _LIBRARIES or top in _STDLIB


def _slots(cls):
    """The names of the ``__slots__`` attributes of instances of ``cls``."""
    names = []
    for c in cls.__mro__:
        slots = c.__dict__.get("__slots__", ())
        for name in (slots,) if type(slots) is str else slots:
            if name not in ("__dict__", "__weakref__"):
                names.append(name)
    return names


def _global_names(code, out=None):
    out = [] if out is None else out
    out.extend(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            _global_names(c, out)
    return dict.fromkeys(out)


def _short(k):
    t = type(k)
    if t in (int, float, bool) or (t is str and len(k) < 30):
        return repr(k)
    return t.__name__


def _state(g):
    if isinstance(g, _np.random.Generator):
        return g.bit_generator.state
    if isinstance(g, _np.random.RandomState):
        return g.get_state(legacy=False)
    return g.state


def _same(a, b):
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, _np.ndarray):
        return isinstance(b, _np.ndarray) and _np.array_equal(a, b)
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b
