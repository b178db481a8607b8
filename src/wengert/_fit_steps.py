"""How ``wengert.training.fit`` carries the parameters and the optimizer state from
step to step: as trees (eager steps, or an objective that computes its own gradient),
as lists of leaves (a compiled step), or packed into one vector (a compiled step of an
elementwise optimizer, which then updates all parameters with a few NumPy calls)."""
import math
import os
import threading
import weakref
from typing import Any

import numpy as _np

from .optim.base import Optimizer, apply_updates, is_elementwise, kernel_of
from .tree import flatten, unflatten
from .transforms import value_and_grad
from ._typing import PyTree, Fn


class _NotFlat(Exception):
    """The optimizer's state changed structure within a step: it cannot be carried
    as the leaves of the initial state's structure (or, packed, the gradients are not
    arrays of the parameters' shapes and dtype)."""


class _Run:
    """What the loop carries from step to step: ``p`` and ``s`` (the parameters and
    the optimizer state, in the form ``step`` takes and returns) and ``step``."""
    step: Fn
    p: Any
    s: Any

    def params(self) -> PyTree:
        raise NotImplementedError

    def state(self) -> PyTree:
        raise NotImplementedError

    def as_trees(self, loss: Fn, optimizer: Optimizer) -> "_Run":
        raise NotImplementedError


class _TreeRun(_Run):
    """Steps on the parameter and state trees themselves."""

    def __init__(self, step: Fn, params: PyTree, state: PyTree) -> None:
        self.step, self.p, self.s = step, params, state

    def params(self) -> PyTree:
        return self.p

    def state(self) -> PyTree:
        return self.s


class _FlatRun(_Run):
    """A compiled step on the lists of leaves of the parameters and of the state:
    the compiled program's entry then checks two lists of arrays, not every dict and
    list of the trees, and builds no trees; the trees are rebuilt only for callbacks
    and at the end."""

    def __init__(self, loss: Fn, optimizer: Optimizer, params: PyTree, state: PyTree) -> None:
        self.p, self.p_def = flatten(params)
        self.s, self.s_def = flatten(state)
        p_def, s_def = self.p_def, self.s_def

        def make(loss_ref: Fn) -> Fn:
            def step(p_leaves: Any, s_leaves: Any, *batch: Any) -> Any:
                value, new_params, new_state = _step_function(loss_ref(), optimizer, False)(
                    unflatten(p_def, p_leaves), unflatten(s_def, s_leaves), *batch)
                new_p, new_p_def = flatten(new_params)
                new_s, new_s_def = flatten(new_state)
                if new_p_def != p_def or new_s_def != s_def:
                    raise _NotFlat
                return value, new_p, new_s
            return step

        self.step = _compiled(loss, (optimizer.update, p_def, s_def), make)

    def params(self) -> PyTree:
        return unflatten(self.p_def, self.p)

    def state(self) -> PyTree:
        return unflatten(self.s_def, self.s)

    def as_trees(self, loss: Fn, optimizer: Optimizer) -> _Run:
        return _TreeRun(_step_function(loss, optimizer, True), self.params(), self.state())


# Pack parameters into one vector only while their arrays average at most this many
# entries: packing saves a few NumPy calls per array and step (about a microsecond
# each) and costs a copy of every gradient into the vector; past about 16,384 entries
# (128 KiB of float64) an array's copy costs more than its calls.
_PACK_MAX_MEAN_SIZE = 16384
_ALIGN = 16     # bytes: each packed array starts where a fresh NumPy array would


class _PackedRun(_Run):
    """A compiled step on all parameters packed into one vector, for an elementwise
    optimizer (``optim.base.is_elementwise``) and parameter arrays of one dtype: the
    optimizer then updates one vector with a few NumPy calls, not a few per array,
    with the same numbers entry by entry.  The loss sees views into the vector;
    their gradients are concatenated into one.  Each array starts at a multiple of
    16 bytes, as a fresh NumPy array does (so that NumPy and BLAS run the same
    kernels on it); an array that does not fill its last 16 bytes is followed by
    copies of its last entry, which then run through every step exactly as that
    entry does.  The optimizer state keeps each vector that has the parameters'
    shape as one vector of the same layout."""

    @classmethod
    def make(cls, loss: Fn, optimizer: Optimizer, params: PyTree,
             state: PyTree) -> "_PackedRun | None":
        """The packed run, or None where packing does not apply or does not pay."""
        leaves, p_def = flatten(params)
        # (a 0-d array is left out: leaf by leaf, NumPy turns it into a scalar, which
        # the packed step would keep an array)
        if not is_elementwise(optimizer) or len(leaves) < 2 \
                or any(type(x) is not _np.ndarray or not x.ndim for x in leaves):
            return None
        dtype = leaves[0].dtype
        if dtype.kind not in "fc" or any(x.dtype != dtype for x in leaves):
            return None
        kernel = kernel_of(optimizer) if dtype == _np.float64 else None
        large = sum(x.size for x in leaves) > _PACK_MAX_MEAN_SIZE * len(leaves)
        if large and kernel is None:
            return None
        step = max(1, _ALIGN // dtype.itemsize)
        spans, end = [], 0      # (start, size, shape, padded size) of each array
        for x in leaves:
            padded = -(-x.size // step) * step
            spans.append((end, x.size, x.shape, padded))
            end += padded
        flat = _pack(leaves, spans, end, dtype)
        init_leaves, s_def = flatten(optimizer.init(flat))
        is_vec = [type(v) is _np.ndarray and v.shape == flat.shape for v in init_leaves]
        given, given_def = flatten(state)
        expected_def = flatten(unflatten(s_def, [params if v else x
                                                 for v, x in zip(is_vec, init_leaves)]))[1]
        if given_def != expected_def:
            return None
        s_leaves, i = [], 0
        for v in is_vec:
            if not v:
                s_leaves.append(given[i])
                i += 1
                continue
            part = given[i:i + len(leaves)]
            i += len(leaves)
            if any(type(a) is not _np.ndarray or a.shape != x.shape or a.dtype != part[0].dtype
                   for a, x in zip(part, leaves)):
                return None
            s_leaves.append(_pack(part, spans, end, part[0].dtype))
        return cls(loss, optimizer, flat, p_def, spans, s_leaves, s_def, is_vec,
                   kernel if large else None)

    def __init__(self, loss: Fn, optimizer: Optimizer, flat: Any, p_def: Any, spans: Any,
                 s_leaves: Any, s_def: Any, is_vec: Any, kernel: Fn | None = None) -> None:
        self.p, self.s, self.p_def, self.s_def = flat, s_leaves, p_def, s_def
        self.spans, self.is_vec = spans, is_vec
        self.in_place = kernel is not None  # whether the optimizer's in-place form runs
        if kernel is not None:
            self._use_kernel(loss, kernel)
        else:
            self.step = _compiled(loss, (optimizer.update, p_def, tuple(spans), s_def),
                                  lambda loss_ref: self._program(loss_ref, optimizer))

    def _program(self, loss_ref: Fn, optimizer: Optimizer) -> Fn:
        """The step of this layout, loss (``loss_ref()``) and optimizer, to compile."""
        p_def, spans, s_def = self.p_def, self.spans, self.s_def

        def step(flat_p: Any, s_leaves: Any, *batch: Any) -> Any:
            from . import numpy as wnp
            value, g = value_and_grad(loss_ref())(_views(p_def, spans, flat_p), *batch)
            g_leaves, g_def = flatten(g)
            if g_def != p_def or any(
                    getattr(a, "dtype", None) != flat_p.dtype or getattr(a, "shape", None) != shape
                    for a, (_, _, shape, _) in zip(g_leaves, spans)):
                raise _NotFlat      # gradients of another type: run on trees
            pieces = []
            for a, (_, size, _, padded) in zip(g_leaves, spans):
                a = wnp.ravel(a)
                pieces.append(a)
                if padded > size:
                    pieces.append(wnp.repeat(a[size - 1:], padded - size))
            updates, new_state = optimizer.update(wnp.concatenate(pieces),
                                                  unflatten(s_def, s_leaves), flat_p)
            new_s, new_s_def = flatten(new_state)
            if new_s_def != s_def:
                raise _NotFlat
            return value, apply_updates(flat_p, updates), new_s
        return step

    def _use_kernel(self, loss: Fn, kernel: Fn) -> None:
        """Large arrays: the compiled program computes the loss and the gradients only,
        and the optimizer's in-place form (``optim.base.kernel_of``) updates each
        array's entries of the packed vectors, writing into a second set of vectors,
        over ranges of entries that can run on two threads (``_SPLIT_MIN``).  On one
        thread it takes what the compiled optimizer takes (the same dozen NumPy passes
        over every parameter; it uses the new parameters' vector as its scratch space,
        so that it touches no more memory than the compiled program's reused
        temporaries: with a separate scratch vector a step of the W9 MLP took 8% more).
        The two sets alternate: the one a step reads is the one the step before read
        from, which fit keeps to go back to at a non-finite loss; so a step whose loss
        is not finite writes nothing."""
        spans, p_def = self.spans, self.p_def

        def make(loss_ref: Fn) -> Fn:
            def gradient(flat_p: Any, *batch: Any) -> Any:
                from . import numpy as wnp
                value, g = value_and_grad(loss_ref())(_views(p_def, spans, flat_p), *batch)
                g_leaves, g_def = flatten(g)
                if g_def != p_def or any(
                        getattr(a, "dtype", None) != flat_p.dtype
                        or getattr(a, "shape", None) != shape
                        for a, (_, _, shape, _) in zip(g_leaves, spans)):
                    raise _NotFlat      # gradients of another type: run on trees
                return value, [wnp.ravel(a) for a in g_leaves]
            return gradient

        gradient_program = _compiled(loss, ("gradient", p_def, tuple(spans)), make)
        s_def, is_vec = self.s_def, self.is_vec
        sets = [(self.p, self.s),
                (_np.empty_like(self.p), [_np.empty_like(x) if v else x
                                          for v, x in zip(is_vec, self.s)])]

        split = _SPLIT_MIN <= sum(size for _, size, _, _ in spans) and _helper.available()

        def step(p: Any, s: Any, *batch: Any) -> Any:
            value, g = gradient_program(p, *batch)
            if not math.isfinite(value):
                return value, p, s      # fit goes back to the step before: write nothing
            p_out, spare = sets[1] if p is sets[0][0] else sets[0]
            new_state, apply = kernel(unflatten(s_def, s), unflatten(s_def, spare))
            if split:   # large arrays in parts, updated by this thread and the helper
                parts = []
                for g_leaf, (a, size, _, _) in zip(g, spans):
                    n = _PARTS if size >= _SPLIT_MIN // _PARTS else 1
                    cuts = [size * i // n for i in range(n + 1)]
                    parts += [(a + lo, a + hi, g_leaf[lo:hi]) for lo, hi in zip(cuts, cuts[1:])]
                _helper.run(apply, parts, p, p_out)
            else:
                for g_leaf, (a, size, _, _) in zip(g, spans):
                    apply(a, a + size, g_leaf, p, p_out)
            new_s, new_s_def = flatten(new_state)
            if new_s_def != s_def:
                raise _NotFlat
            return value, p_out, new_s

        self.step = step

    def params(self) -> PyTree:
        return self.params_of(self.p)

    def state(self) -> PyTree:
        return unflatten(self.s_def, [self.params_of(x) if v else x
                                      for v, x in zip(self.is_vec, self.s)])

    def params_of(self, vector: Any) -> PyTree:
        """The tree of arrays packed in ``vector`` (copies)."""
        return unflatten(self.p_def, [vector[a:a + n].reshape(shape).copy()
                                      for a, n, shape, _ in self.spans])

    def as_trees(self, loss: Fn, optimizer: Optimizer) -> _Run:
        return _TreeRun(_step_function(loss, optimizer, True), self.params(), self.state())


def _views(p_def: Any, spans: Any, flat: Any) -> PyTree:
    """The tree of views into the packed vector ``flat``."""
    return unflatten(p_def, [flat[a:a + n].reshape(shape) for a, n, shape, _ in spans])


# Compiled steps (and gradients) kept from one fit call to the next, as jax.jit keeps
# its programs: fit called again with the same loss, optimizer and parameter layout
# traces nothing anew.  Keyed weakly by the loss; its programs reach the loss only
# through a weak reference (they call it only to trace), so the cache keeps no loss
# alive; at most _KEPT programs per loss (a sweep over fresh optimizers replaces them).
_PROGRAMS: "weakref.WeakKeyDictionary[Any, dict[Any, Any]]" = weakref.WeakKeyDictionary()
_KEPT = 4


def _compiled(loss: Fn, key: Any, make: Fn) -> Any:
    """``wengert.compile(make(loss_ref))`` for ``loss`` and ``key`` (a layout and an
    optimizer), made once: ``loss_ref()`` is ``loss`` (or the equal loss of the
    latest call: two bound methods of one object are equal, not identical)."""
    from ._compile import compile as _compile_fn
    try:
        programs = _PROGRAMS.setdefault(loss, {})
        ref = weakref.ref(loss)
        hash(key)
    except TypeError:       # a loss that takes no weak reference, an unhashable key
        return _compile_fn(make(lambda: loss))
    entry = programs.pop(key, None)
    if entry is None:
        holder = [ref]
        entry = (_compile_fn(make(lambda: holder[0]())), holder)
    entry[1][0] = ref
    programs[key] = entry           # the most recently used last
    while len(programs) > _KEPT:
        del programs[next(iter(programs))]
    return entry[0]


# An optimizer's in-place form over at least this many entries runs on two threads,
# this one and a helper, each taking the next of _PARTS parts of every large array as
# it comes free (NumPy lets other threads run while a ufunc loops over a large array),
# as XLA spreads a fused loop over its thread pool.  Where the helper does not get a
# CPU soon (another process is busy), this thread updates the parts it did not take.
_SPLIT_MIN = 1 << 16
_PARTS = 4


class _Helper:
    """One worker thread for in-place optimizer steps, started on first use (and again
    in a child process after ``fork``, which copies no threads).  Off where this
    process may run on one CPU only (or when ``enabled`` is set False)."""

    def __init__(self) -> None:
        self.enabled = _cpus() >= 2
        self.pool: Any = None
        self.pid = -1

    def available(self) -> bool:
        return self.enabled

    def run(self, apply: Fn, parts: Any, p: Any, p_out: Any) -> None:
        """``apply(lo, hi, g, p, p_out)`` for every ``(lo, hi, g)`` of ``parts``, each
        once, on this thread and the helper."""
        todo = iter(parts)      # both threads take from it (one next() at a time)
        busy = threading.Lock()     # held by the helper while it updates a part
        failed: list[BaseException] = []

        def helper() -> None:
            try:
                while True:
                    with busy:
                        part = next(todo, None)
                        if part is None:
                            return
                        apply(part[0], part[1], part[2], p, p_out)
            except BaseException as e:      # raised again on the calling thread
                failed.append(e)

        if self.pid != os.getpid():
            from concurrent.futures import ThreadPoolExecutor
            self.pool = ThreadPoolExecutor(1, thread_name_prefix="wengert-fit")
            self.pid = os.getpid()
        self.pool.submit(helper)
        for lo, hi, g in todo:
            apply(lo, hi, g, p, p_out)
        with busy:      # the helper's last part is done (or it has not begun: then it
            pass        # finds nothing left when it does)
        if failed:
            raise failed[0]


def _cpus() -> float:
    """How many CPUs this process may use at once: those it may run on (taskset), and
    no more than a container's CPU quota (cgroup v2 ``cpu.max``): on one CPU, two
    threads that each wait for the interpreter lock take turns, twice as slowly."""
    try:
        cpus: float = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
        if quota != "max":
            cpus = min(cpus, int(quota) / int(period))
    except (OSError, ValueError):
        pass
    return cpus


_helper = _Helper()


def _pack(leaves: Any, spans: Any, end: int, dtype: Any) -> Any:
    """``leaves`` in one vector laid out by ``spans`` (padding repeats each array's
    last entry)."""
    out = _np.zeros(end, dtype)
    for x, (a, size, _, padded) in zip(leaves, spans):
        out[a:a + size] = x.ravel()
        if padded > size:
            out[a + size:a + padded] = out[a + size - 1]
    return out


def _step_function(loss: Fn, optimizer: Optimizer, compiled: bool) -> Fn:
    """One training step, ``step(params, state, *batch) -> (loss, new params, new
    state)``, compiled into one program unless ``compiled`` is False."""
    value_and_grad_loss = value_and_grad(loss)

    def step(params: PyTree, state: PyTree, *batch: Any) -> Any:
        value, g = value_and_grad_loss(params, *batch)
        updates, new_state = optimizer.update(g, state, params)
        return value, apply_updates(params, updates), new_state

    if not compiled:
        return step
    from ._compile import compile as _compile_fn
    return _compile_fn(step)


def _objective_step(objective: Any, optimizer: Optimizer) -> Fn:
    """One full-batch step of an objective that computes its own value and gradient
    (``objective.value_and_grad(params)``), run eagerly: the work happens wherever the
    objective puts it (a cluster's workers), so there is nothing here to compile."""
    def step(params: PyTree, state: PyTree) -> Any:
        value, g = objective.value_and_grad(params)
        updates, new_state = optimizer.update(g, state, params)
        return value, apply_updates(params, updates), new_state

    return step
