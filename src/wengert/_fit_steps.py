"""How ``wengert.training.fit`` carries the parameters and the optimizer state from
step to step: as trees (eager steps, or an objective that computes its own gradient),
as lists of leaves (a compiled step), or packed into one vector (a compiled step of an
elementwise optimizer, which then updates all parameters with a few NumPy calls)."""
import threading
from typing import Any

import numpy as _np

from .optim.base import Optimizer, apply_updates, is_elementwise
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

        def make(loss: Fn) -> Fn:
            def step(p_leaves: Any, s_leaves: Any, *batch: Any) -> Any:
                value, new_params, new_state = _step_function(loss, optimizer, False)(
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
        if dtype.kind not in "fc" or any(x.dtype != dtype for x in leaves) \
                or sum(x.size for x in leaves) > _PACK_MAX_MEAN_SIZE * len(leaves):
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
        return cls(loss, optimizer, flat, p_def, spans, s_leaves, s_def, is_vec)

    def __init__(self, loss: Fn, optimizer: Optimizer, flat: Any, p_def: Any, spans: Any,
                 s_leaves: Any, s_def: Any, is_vec: Any) -> None:
        self.p, self.s, self.p_def, self.s_def = flat, s_leaves, p_def, s_def
        self.spans, self.is_vec = spans, is_vec
        self.step = _compiled(loss, (optimizer.update, p_def, tuple(spans), s_def),
                              lambda loss: self._program(loss, optimizer))

    def _program(self, loss: Fn, optimizer: Optimizer) -> Fn:
        """The step of this layout, loss and optimizer, to compile."""
        p_def, spans, s_def = self.p_def, self.spans, self.s_def

        def step(flat_p: Any, s_leaves: Any, *batch: Any) -> Any:
            from . import numpy as wnp
            value, g = value_and_grad(loss)(_views(p_def, spans, flat_p), *batch)
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


# Compiled steps kept from one fit call to the next, as jax.jit keeps its programs: fit
# called again with the same loss, optimizer and parameter layout traces nothing anew.
# They are kept in the loss function's own attribute _KEPT_ATTR (at most _KEPT_MAX, the
# most recently used; a sweep over fresh optimizers replaces them), so that they live
# exactly as long as the loss: a kept program refers to its loss (wengert.compile must
# see the loss to check what it reads, such as a global's value, at each call), and a
# cache outside the loss would keep it alive for good.  A loss that takes no attribute
# (a bound method, a builtin) gets fresh programs at each fit.
_KEPT_ATTR = "_wengert_fit_programs"
_KEPT_MAX = 4
_LOCK = threading.Lock()


class _Programs(dict[Any, Any]):
    """The programs kept with a loss function; pickled (cloudpickle carries a function's
    attributes with it to other processes) as an empty one."""

    def __reduce__(self) -> Any:
        return (_Programs, ())


def _compiled(loss: Fn, key: Any, make: Fn) -> Any:
    """``wengert.compile(make(loss))`` for ``loss`` and ``key`` (a layout and an
    optimizer), made once and kept with the loss."""
    from ._compile import compile as _compile_fn
    with _LOCK:
        programs = getattr(loss, "__dict__", {}).get(_KEPT_ATTR)
        try:
            program = programs.pop(key, None) if programs is not None else None
        except TypeError:   # an unhashable key
            return _compile_fn(make(loss))
        if program is None:
            program = _compile_fn(make(loss))
        if programs is None:
            try:
                programs = _Programs()
                setattr(loss, _KEPT_ATTR, programs)
            except (AttributeError, TypeError):
                return program
        programs[key] = program         # the most recently used last
        while len(programs) > _KEPT_MAX:
            del programs[next(iter(programs))]
    return program


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
