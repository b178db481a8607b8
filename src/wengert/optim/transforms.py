"""Gradient transformations, the pieces optimizers are chained from.

Each is an ``Optimizer(init, update)``; states are dicts of NumPy arrays (and
trees of them shaped like the parameters).  Learning rates are numbers or
schedules (``step -> rate``, see ``wengert.optim.schedules``).

Example:
    >>> from wengert.optim import chain, trace, scale_by_learning_rate
    >>> opt = chain(trace(0.9), scale_by_learning_rate(0.1))   # heavy-ball momentum
    >>> state = opt.init({"x": 0.0})
    >>> u, state = opt.update({"x": 1.0}, state)
    >>> u, state = opt.update({"x": 1.0}, state)
    >>> round(float(u["x"]), 6)
    -0.19
"""
from typing import Any, Hashable, Mapping
import numpy as _np

from ..tree import flatten, unflatten
from .base import Optimizer, elementwise, global_norm, tree_apply
from .._typing import Schedule

__all__ = ["scale", "scale_by_learning_rate", "trace", "scale_by_rms", "scale_by_adam",
           "add_decayed_weights", "clip_by_global_norm", "clip", "set_to_zero",
           "multi_transform"]


def _zeros_like(tree: Any) -> Any:
    return tree_apply("init", lambda x: _np.zeros_like(_np.asarray(x, dtype=float)), tree)


def _rate(value: Any, name: Any, where: str) -> Any:
    """A number >= 0 or a schedule; returns ``step -> float``."""
    if callable(value):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, _np.number)):
        raise TypeError(f"{where}: {name} must be a number or a schedule (step -> rate), "
                        f"got {type(value).__name__}")
    value = float(value)
    if not value >= 0:
        raise ValueError(f"{where}: {name} must be >= 0, got {value!r}; optimizers "
                         "descend by themselves, so pass the positive step size")
    return lambda step: value


def _unit(value: Any, name: Any, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, _np.number)) \
            or not 0 <= value < 1:
        raise ValueError(f"{where}: {name} must be a number in [0, 1), got {value!r}")
    return float(value)


def _abs2(g: Any) -> Any:
    """|g|², as ``g * g`` for real gradients (the same bits as ``abs(g) ** 2``, with
    one operation instead of two: it runs once per parameter per step)."""
    dtype = getattr(g, "dtype", None)
    complex_ = dtype.kind == "c" if dtype is not None else isinstance(g, complex)
    return _np.abs(g) ** 2 if complex_ else g * g


def _count0() -> Any:
    return _np.zeros((), dtype=_np.int64)


def _next_count(count: Any) -> Any:
    """``count + 1`` as a 0-d int64 array, by array operations only: under
    ``wengert.compile`` the count stays a traced input (``int(count)`` would make
    every step a new signature), and a 0-d array, not a NumPy scalar, comes back
    (NumPy turns ``array(0) + 1`` into a scalar, which compile keys on by value)."""
    after = count + 1
    if getattr(after, "dtype", None) == _np.int64 and getattr(after, "shape", None) == ():
        return after[...]      # a 0-d array from NumPy's scalar: a third of full_like's time
    return _np.full_like(count, after, dtype=_np.int64)


def scale(factor: float) -> Optimizer:
    """Multiply updates by ``factor`` (use a negative factor to descend).

    Example:
        >>> scale(-0.5).update({"x": 2.0}, ())
        ({'x': -1.0}, ())
    """
    factor = float(factor)

    def init(params: Any) -> Any:
        return ()

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        return tree_apply("scale", lambda g: factor * g, grads), state

    return elementwise(Optimizer(init, update))


def scale_by_learning_rate(learning_rate: float | Schedule) -> Optimizer:
    """Multiply updates by −learning_rate (a number or a schedule of the step count).

    Example:
        >>> from wengert.optim.schedules import step_decay
        >>> opt = scale_by_learning_rate(step_decay(1.0, 1, gamma=0.5))
        >>> state = opt.init(0.0)
        >>> [float(opt.update(1.0, state)[0]) for state in [state, {"count": 1}]]
        [-1.0, -0.5]
    """
    lr = _rate(learning_rate, "learning_rate", "scale_by_learning_rate")

    def init(params: Any) -> Any:
        return {"count": _count0()}

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        count = state["count"]
        rate = lr(count)
        return (tree_apply("scale_by_learning_rate", lambda g: -rate * g, grads),
                {"count": _next_count(count)})

    return elementwise(Optimizer(init, update))


def trace(decay: float = 0.9, nesterov: bool = False) -> Optimizer:
    """Momentum: m ← g + decay·m; the update is m (or g + decay·m with Nesterov).

    Example:
        >>> opt = trace(0.5)
        >>> u, s = opt.update(1.0, opt.init(0.0))
        >>> u, s = opt.update(1.0, s)
        >>> float(u)
        1.5
    """
    decay = _unit(decay, "decay", "trace")

    def init(params: Any) -> Any:
        return {"momentum": _zeros_like(params)}

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        m = tree_apply("trace", lambda g, m: g + decay * m, grads, state["momentum"],
                       names=("grads", "momentum state"))
        out = tree_apply("trace", lambda g, m: g + decay * m, grads, m) if nesterov else m
        return out, {"momentum": m}

    return elementwise(Optimizer(init, update))


def scale_by_rms(decay: float = 0.9, eps: float = 1e-8) -> Optimizer:
    """RMSProp's scaling: ν ← decay·ν + (1 − decay)·g²; g / (√ν + eps).

    Example:
        >>> opt = scale_by_rms(decay=0.0)
        >>> u, s = opt.update(-3.0, opt.init(0.0))
        >>> round(float(u), 6)
        -1.0
    """
    decay = _unit(decay, "decay", "scale_by_rms")
    eps = float(eps)

    def init(params: Any) -> Any:
        return {"nu": _zeros_like(params)}

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        nu = tree_apply("scale_by_rms", lambda g, v: decay * v + (1 - decay) * _abs2(g),
                        grads, state["nu"], names=("grads", "rms state"))
        out = tree_apply("scale_by_rms", lambda g, v: g / (_np.sqrt(v) + eps), grads, nu)
        return out, {"nu": nu}

    return elementwise(Optimizer(init, update))


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam's scaling: bias-corrected first and second moments, m̂ / (√v̂ + eps).

    Example:
        >>> opt = scale_by_adam()
        >>> u, s = opt.update(-5.0, opt.init(0.0))
        >>> round(float(u), 6), int(s["count"])
        (-1.0, 1)
    """
    return _adam_then_learning_rate(b1, b2, eps, None)


def _adam_then_learning_rate(b1: float, b2: float, eps: float,
                            learning_rate: float | Schedule | None) -> Optimizer:
    """``scale_by_adam(b1, b2, eps)``, and with a ``learning_rate``
    ``chain(scale_by_adam(b1, b2, eps), scale_by_learning_rate(learning_rate))`` as
    one transformation with that chain's state: its numbers (the bias corrections
    and the learning rate) multiply every entry once, not twice (``optim.adam``)."""
    b1 = _unit(b1, "b1", "scale_by_adam")
    b2 = _unit(b2, "b2", "scale_by_adam")
    eps = float(eps)
    lr = None if learning_rate is None else \
        _rate(learning_rate, "learning_rate", "scale_by_learning_rate")

    def init(params: Any) -> Any:
        state = {"count": _count0(), "mu": _zeros_like(params), "nu": _zeros_like(params)}
        return state if lr is None else (state, {"count": _count0()})

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        if lr is not None:
            if not isinstance(state, tuple) or len(state) != 2:
                raise ValueError("adam.update: state must be the tuple of 2 states "
                                 "(scale_by_adam's, scale_by_learning_rate's) that its init returned")
            state, rate_state = state
        count = _next_count(state["count"])
        mu = tree_apply("scale_by_adam", lambda g, m: b1 * m + (1 - b1) * g, grads,
                        state["mu"], names=("grads", "first-moment state"))
        nu = tree_apply("scale_by_adam", lambda g, v: b2 * v + (1 - b2) * _abs2(g),
                        grads, state["nu"], names=("grads", "second-moment state"))
        # m̂ / (√v̂ + eps) with m̂ = m / c1, v̂ = v / c2, computed as Kingma & Ba suggest
        # (Adam, end of section 2): the corrections fold into two numbers, which saves
        # a division of every entry: (√c2 / c1) · m / (√v + eps √c2)
        c1, root_c2 = 1 - b1 ** count, _np.sqrt(1 - b2 ** count)
        factor, eps_hat = root_c2 / c1, eps * root_c2
        new_state: Any = {"count": count, "mu": mu, "nu": nu}
        if lr is not None:
            factor = -lr(rate_state["count"]) * factor
            new_state = (new_state, {"count": _next_count(rate_state["count"])})
        out = tree_apply("scale_by_adam", lambda m, v: factor * (m / (_np.sqrt(v) + eps_hat)),
                         mu, nu)
        return out, new_state

    return elementwise(Optimizer(init, update))


def add_decayed_weights(weight_decay: float) -> Optimizer:
    """Add ``weight_decay · params`` to the updates (decoupled weight decay
    when placed before the learning rate, as in AdamW).  Needs ``params``.

    Example:
        >>> add_decayed_weights(0.1).update(1.0, (), 10.0)
        (2.0, ())
    """
    wd = float(weight_decay)
    if not wd >= 0:
        raise ValueError(f"add_decayed_weights: weight_decay must be >= 0, got {weight_decay!r}")

    def init(params: Any) -> Any:
        return ()

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        if params is None:
            raise ValueError("add_decayed_weights.update: weight decay needs the parameters; "
                             "call update(grads, state, params)")
        return tree_apply("add_decayed_weights", lambda g, p: g + wd * p, grads, params,
                          names=("grads", "params")), state

    return elementwise(Optimizer(init, update))


def clip_by_global_norm(max_norm: float) -> Optimizer:
    """Scale all updates together so that their joint norm is at most ``max_norm``.

    Example:
        >>> u, _ = clip_by_global_norm(1.0).update({"a": 3.0, "b": 4.0}, ())
        >>> round(float(u["a"]), 6), round(float(u["b"]), 6)
        (0.6, 0.8)
    """
    max_norm = float(max_norm)
    if not max_norm > 0:
        raise ValueError(f"clip_by_global_norm: max_norm must be > 0, got {max_norm!r}")

    def init(params: Any) -> Any:
        return ()

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        # min(1, max_norm / norm) without a Python branch on the norm, which compiled
        # would be a guard: every step that crosses max_norm would trace again
        factor = max_norm / _np.maximum(global_norm(grads), max_norm)
        return tree_apply("clip_by_global_norm", lambda g: g * factor, grads), state

    return Optimizer(init, update)


def clip(max_delta: float) -> Optimizer:
    """Clip every update entry to [−max_delta, max_delta].

    Example:
        >>> import numpy
        >>> clip(1.0).update(numpy.array([-3.0, 0.5]), ())[0]
        array([-1. ,  0.5])
    """
    max_delta = float(max_delta)
    if not max_delta > 0:
        raise ValueError(f"clip: max_delta must be > 0, got {max_delta!r}")

    def init(params: Any) -> Any:
        return ()

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        return tree_apply("clip", lambda g: _np.clip(g, -max_delta, max_delta), grads), state

    return elementwise(Optimizer(init, update))


def set_to_zero() -> Optimizer:
    """Zero updates: freezes the parameters it is applied to (see ``multi_transform``).

    Example:
        >>> set_to_zero().update({"x": 5.0}, ())
        ({'x': 0.0}, ())
    """
    def init(params: Any) -> Any:
        return ()

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        return tree_apply("set_to_zero", lambda g: 0.0 * g, grads), state

    return elementwise(Optimizer(init, update))


def _labels_for(labels: Any, params: Any, where: str) -> Any:
    """Expand a label tree that may be a prefix of ``params`` (a single string
    labels a whole subtree) into one label per leaf."""
    out = []

    def walk(lab: Any, sub: Any, path: Any) -> None:
        if isinstance(lab, str):
            out.extend([lab] * len(flatten(sub)[0]))
        elif isinstance(lab, dict) and isinstance(sub, dict):
            if set(lab) != set(sub):
                raise ValueError(f"{where}: labels at {path or 'the root'} have keys {sorted(lab)} "
                                 f"but the parameters have {sorted(sub)}")
            for k in sub:
                walk(lab[k], sub[k], f"{path}[{k!r}]")
        elif isinstance(lab, (list, tuple)) and isinstance(sub, (list, tuple)) \
                and len(lab) == len(sub):
            for i, (lb, s) in enumerate(zip(lab, sub)):
                walk(lb, s, f"{path}[{i}]")
        else:
            raise ValueError(f"{where}: labels at {path or 'the root'} must be a string or a "
                             f"container matching the parameters, got {type(lab).__name__} "
                             f"for a {type(sub).__name__}")

    walk(labels, params, "")
    return out


def multi_transform(transforms: Mapping[Hashable, Optimizer], labels: Any) -> Optimizer:
    """Different optimizers (e.g. learning rates) for different parameter groups.

    Args:
        transforms: ``{label: Optimizer}``.
        labels: a tree matching the parameters, or a prefix of it, whose
            leaves are labels (one string labels a whole subtree); or a
            function ``params -> labels``.

    The state is ``{label: state of that group}``, each group's parameters
    handed to its optimizer as a list of leaves.

    Example:
        >>> from wengert.optim import sgd
        >>> opt = multi_transform({"fast": sgd(1.0), "slow": sgd(0.01)},
        ...                       {"w": "fast", "theta": "slow"})
        >>> params = {"w": 0.0, "theta": {"c": 0.0, "s": 0.0}}
        >>> u, _ = opt.update({"w": 1.0, "theta": {"c": 1.0, "s": 1.0}}, opt.init(params))
        >>> u
        {'w': -1.0, 'theta': {'c': -0.01, 's': -0.01}}
    """
    if not isinstance(transforms, dict) or not transforms:
        raise TypeError("multi_transform: transforms must be a non-empty dict {label: Optimizer}")
    for k, t in transforms.items():
        if not isinstance(t, Optimizer):
            raise TypeError(f"multi_transform: transforms[{k!r}] must be an Optimizer, "
                            f"got {type(t).__name__}")

    def leaf_labels(tree: Any) -> Any:
        labs = labels(tree) if callable(labels) else labels
        flat = _labels_for(labs, tree, "multi_transform")
        unknown = sorted(set(flat) - set(transforms))
        if unknown:
            raise ValueError(f"multi_transform: labels {unknown} have no transform; "
                             f"add them to transforms (known: {sorted(transforms)})")
        return flat

    def groups(tree: Any, flat_labels: Any) -> Any:
        leaves = flatten(tree)[0]
        return {k: [x for x, lab in zip(leaves, flat_labels) if lab == k] for k in transforms}

    def init(params: Any) -> Any:
        flat_labels = leaf_labels(params)
        parts = groups(params, flat_labels)
        return {k: transforms[k].init(parts[k]) for k in transforms}

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        flat_labels = leaf_labels(grads)
        g_parts = groups(grads, flat_labels)
        p_parts = groups(params, flat_labels) if params is not None else {}
        new_state, u_parts = {}, {}
        for k, t in transforms.items():
            u_parts[k], new_state[k] = t.update(g_parts[k], state[k], p_parts.get(k))
        iters = {k: iter(v) for k, v in u_parts.items()}
        leaves, td = flatten(grads)
        return unflatten(td, [next(iters[lab]) for lab in flat_labels]), new_state

    return Optimizer(init, update)
