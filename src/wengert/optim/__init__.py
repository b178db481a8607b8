"""Optimizers as pure ``(init, update)`` pairs over parameter trees, composable
with ``chain`` (in the style of optax): SGD, momentum and Nesterov, RMSProp,
Adam, AdamW, gradient clipping, learning-rate schedules and per-group
learning rates (``multi_transform``).

Example:
    >>> import numpy
    >>> from wengert import grad
    >>> from wengert import optim
    >>> loss = lambda p: (p["w"] - 2.0) ** 2 + (p["theta"] + 1.0) ** 2
    >>> opt = optim.multi_transform({"w": optim.sgd(0.3), "theta": optim.adam(0.1)},
    ...                             {"w": "w", "theta": "theta"})
    >>> params = {"w": 0.0, "theta": 0.0}
    >>> state = opt.init(params)
    >>> for _ in range(200):
    ...     updates, state = opt.update(grad(loss)(params), state, params)
    ...     params = optim.apply_updates(params, updates)
    >>> round(float(params["w"]), 3), round(float(params["theta"]), 2)
    (2.0, -1.0)
"""
from . import schedules
from .aliases import adam, adamw, momentum, rmsprop, sgd
from .base import Optimizer, apply_updates, chain, global_norm
from .transforms import (add_decayed_weights, clip, clip_by_global_norm, multi_transform,
                         scale, scale_by_adam, scale_by_learning_rate, scale_by_rms,
                         set_to_zero, trace)

__all__ = [
    "Optimizer", "apply_updates", "chain", "global_norm", "schedules",
    "sgd", "momentum", "rmsprop", "adam", "adamw",
    "scale", "scale_by_learning_rate", "trace", "scale_by_rms", "scale_by_adam",
    "add_decayed_weights", "clip", "clip_by_global_norm", "set_to_zero", "multi_transform",
]
