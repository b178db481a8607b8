"""Learning-rate schedules: functions ``step -> learning rate`` (step counts
from 0), accepted wherever an optimizer takes ``learning_rate``.

Example:
    >>> from wengert.optim import schedules
    >>> s = schedules.warmup(schedules.cosine_decay(1.0, 10), warmup_steps=5)
    >>> [round(float(s(t)), 3) for t in (0, 5, 10, 15, 20)]
    [0.0, 1.0, 0.5, 0.0, 0.0]
"""
from typing import Any, Mapping
import numpy as _np
from .._typing import Schedule

__all__ = ["constant", "exponential_decay", "cosine_decay", "step_decay",
           "piecewise_constant", "warmup"]


def _out(value: Any, step: Any) -> Any:
    """A Python float for a Python step; else the array (or traced) value as
    computed.  Schedules are written with NumPy operations, not ``if``, ``min``
    or ``math``: an optimizer's step count is a 0-d array, traced under
    ``wengert.compile``, and branching on it would make every step trace anew."""
    if isinstance(step, (int, float)):
        return float(value)
    return value


def _nonneg(value: Any, name: Any, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"{where}: {name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not value >= 0:
        raise ValueError(f"{where}: {name} must be >= 0, got {value!r}")
    return value


def _positive_steps(n: Any, name: Any, where: str) -> Any:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{where}: {name} must be a positive int, got {n!r}")
    return n


def constant(value: float) -> Schedule:
    """The same learning rate at every step.

    Example:
        >>> constant(0.1)(1000)
        0.1
    """
    value = _nonneg(value, "value", "constant")
    return lambda step: value


def exponential_decay(init_value: float, decay_rate: float, decay_steps: int,
                      staircase: bool = False, end_value: float | None = None) -> Schedule:
    """init_value · decay_rate^(step / decay_steps) (the exponent floored when
    ``staircase``), never past ``end_value`` if given.

    Example:
        >>> s = exponential_decay(1.0, 0.5, 10)
        >>> s(0), s(10), s(20)
        (1.0, 0.5, 0.25)
    """
    init_value = _nonneg(init_value, "init_value", "exponential_decay")
    decay_rate = _nonneg(decay_rate, "decay_rate", "exponential_decay")
    decay_steps = _positive_steps(decay_steps, "decay_steps", "exponential_decay")

    def schedule(step: Any) -> Any:
        p = step / decay_steps
        v = init_value * decay_rate ** (_np.floor(p) if staircase else p)
        if end_value is not None:
            v = _np.maximum(v, end_value) if decay_rate < 1 else _np.minimum(v, end_value)
        return _out(v, step)
    return schedule


def cosine_decay(init_value: float, decay_steps: int, alpha: float = 0.0) -> Schedule:
    """Half a cosine from ``init_value`` down to ``alpha · init_value`` over
    ``decay_steps``, constant after.

    Example:
        >>> s = cosine_decay(1.0, 100)
        >>> s(0), round(s(50), 6), s(100), s(500)
        (1.0, 0.5, 0.0, 0.0)
    """
    init_value = _nonneg(init_value, "init_value", "cosine_decay")
    decay_steps = _positive_steps(decay_steps, "decay_steps", "cosine_decay")
    alpha = _nonneg(alpha, "alpha", "cosine_decay")

    def schedule(step: Any) -> Any:
        t = _np.minimum(step, decay_steps) / decay_steps
        cos = 0.5 * (1.0 + _np.cos(_np.pi * t))
        return _out(init_value * ((1.0 - alpha) * cos + alpha), step)
    return schedule


def step_decay(init_value: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """Multiply by ``gamma`` every ``step_size`` steps (PyTorch's StepLR).

    Example:
        >>> s = step_decay(1.0, 10, gamma=0.5)
        >>> s(9), s(10), s(25)
        (1.0, 0.5, 0.25)
    """
    init_value = _nonneg(init_value, "init_value", "step_decay")
    step_size = _positive_steps(step_size, "step_size", "step_decay")
    gamma = _nonneg(gamma, "gamma", "step_decay")
    return lambda step: _out(init_value * gamma ** (step // step_size), step)


def piecewise_constant(init_value: float,
                       boundaries_and_scales: Mapping[int, float]) -> Schedule:
    """Start at ``init_value``; at each boundary step multiply by its scale.

    Example:
        >>> s = piecewise_constant(1.0, {10: 0.1, 20: 0.5})
        >>> s(0), s(10), round(s(20), 6)
        (1.0, 0.1, 0.05)
    """
    init_value = _nonneg(init_value, "init_value", "piecewise_constant")
    if not isinstance(boundaries_and_scales, dict):
        raise TypeError("piecewise_constant: boundaries_and_scales must be a dict "
                        "{step: scale}, e.g. {1000: 0.1}")
    pairs = sorted((int(b), _nonneg(s, f"scale at {b}", "piecewise_constant"))
                   for b, s in boundaries_and_scales.items())

    def schedule(step: Any) -> Any:
        v: Any = init_value
        for b, s in pairs:
            v = v * _np.where(step >= b, s, 1.0)
        return _out(v, step)
    return schedule


def warmup(schedule: Schedule | float, warmup_steps: int, init_value: float = 0.0) -> Schedule:
    """Rise linearly from ``init_value`` to ``schedule(0)`` over
    ``warmup_steps``, then follow ``schedule`` (shifted to start there).
    ``schedule`` may be a number (a constant).

    Example:
        >>> s = warmup(0.1, 4)
        >>> [round(s(t), 3) for t in range(6)]
        [0.0, 0.025, 0.05, 0.075, 0.1, 0.1]
    """
    if not callable(schedule):
        schedule = constant(schedule)
    warmup_steps = _positive_steps(warmup_steps, "warmup_steps", "warmup")
    init_value = _nonneg(init_value, "init_value", "warmup")
    peak = schedule(0)

    def wrapped(step: Any) -> Any:
        ramp = init_value + (peak - init_value) * _np.minimum(step, warmup_steps) / warmup_steps
        after = schedule(_np.maximum(step - warmup_steps, 0))   # never a negative step
        return _out(_np.where(step < warmup_steps, ramp, after), step)
    return wrapped
