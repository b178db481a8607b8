"""Initializers: functions ``(rng, shape) -> ndarray`` that take an explicit
``numpy.random.Generator``, so every run can be repeated exactly.

The fan-in and fan-out of a shape are its last two axes' sizes as
``(fan_in, fan_out)`` for matrices (the ``x @ w`` convention); leading axes
multiply both (a receptive field); a vector has fan-in = fan-out = its length.

Example:
    >>> import numpy
    >>> from wengert.nn import init
    >>> w = init.glorot_uniform(numpy.random.default_rng(0), (3, 4))
    >>> w.shape, bool(abs(w).max() <= (6 / 7) ** 0.5)
    ((3, 4), True)
"""
from typing import Any, Callable, Tuple, Union
import math

import numpy as _np
from .._typing import NDArray

# A shape as NumPy takes it; an initializer maps (rng, shape) to a new array.
Shape = Union[int, Tuple[int, ...]]
Initializer = Callable[[Any, Shape], NDArray]

__all__ = ["glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
           "he_uniform", "he_normal", "kaiming_uniform", "kaiming_normal",
           "lecun_normal", "zeros", "ones", "normal", "uniform", "check_rng", "fans"]


def check_rng(rng: Any, where: str) -> None:
    """Raise a ``TypeError`` naming ``where`` unless ``rng`` is a ``numpy.random.Generator``.

    Example:
        >>> import numpy
        >>> check_rng(numpy.random.default_rng(0), "f")
        >>> check_rng(0, "f")
        Traceback (most recent call last):
        TypeError: f: rng must be a numpy.random.Generator, got int; pass numpy.random.default_rng(seed)
    """
    if not isinstance(rng, _np.random.Generator):
        raise TypeError(f"{where}: rng must be a numpy.random.Generator, got "
                        f"{type(rng).__name__}; pass numpy.random.default_rng(seed)")


def _shape(shape: Any, where: str) -> tuple[int, ...]:
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"{where}: shape must be an int or a tuple of ints, got {shape!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError(f"{where}: shape must not have negative sizes, got {shape}")
    return shape


def fans(shape: Shape) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of ``shape`` (see the module docstring).

    Example:
        >>> fans((3, 4)), fans((5,)), fans((2, 3, 4))
        ((3, 4), (5, 5), (6, 8))
    """
    shape = _shape(shape, "fans")
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _prep(rng: Any, shape: Any, where: str) -> Any:
    check_rng(rng, where)
    return _shape(shape, where)


def glorot_uniform(rng: _np.random.Generator, shape: Shape) -> NDArray:
    """Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).

    Example:
        >>> import numpy
        >>> glorot_uniform(numpy.random.default_rng(0), (2, 2)).shape
        (2, 2)
    """
    shape = _prep(rng, shape, "glorot_uniform")
    fi, fo = fans(shape)
    a = math.sqrt(6.0 / max(fi + fo, 1))
    return rng.uniform(-a, a, size=shape)


def glorot_normal(rng: _np.random.Generator, shape: Shape) -> NDArray:
    """Glorot/Xavier normal: N(0, 2 / (fan_in + fan_out)).

    Example:
        >>> import numpy
        >>> glorot_normal(numpy.random.default_rng(0), (2, 3)).shape
        (2, 3)
    """
    shape = _prep(rng, shape, "glorot_normal")
    fi, fo = fans(shape)
    return rng.normal(0.0, math.sqrt(2.0 / max(fi + fo, 1)), size=shape)


def he_uniform(rng: _np.random.Generator, shape: Shape) -> NDArray:
    """He/Kaiming uniform (for ReLU layers): U(-a, a) with a = sqrt(6 / fan_in).

    Example:
        >>> import numpy
        >>> he_uniform(numpy.random.default_rng(0), (4, 2)).shape
        (4, 2)
    """
    shape = _prep(rng, shape, "he_uniform")
    a = math.sqrt(6.0 / max(fans(shape)[0], 1))
    return rng.uniform(-a, a, size=shape)


def he_normal(rng: _np.random.Generator, shape: Shape) -> NDArray:
    """He/Kaiming normal (for ReLU layers): N(0, 2 / fan_in).

    Example:
        >>> import numpy
        >>> he_normal(numpy.random.default_rng(0), (4, 2)).shape
        (4, 2)
    """
    shape = _prep(rng, shape, "he_normal")
    return rng.normal(0.0, math.sqrt(2.0 / max(fans(shape)[0], 1)), size=shape)


def lecun_normal(rng: _np.random.Generator, shape: Shape) -> NDArray:
    """LeCun normal: N(0, 1 / fan_in).

    Example:
        >>> import numpy
        >>> lecun_normal(numpy.random.default_rng(0), (4, 2)).shape
        (4, 2)
    """
    shape = _prep(rng, shape, "lecun_normal")
    return rng.normal(0.0, math.sqrt(1.0 / max(fans(shape)[0], 1)), size=shape)


xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_uniform = he_uniform
kaiming_normal = he_normal


def zeros(rng: _np.random.Generator | None, shape: Shape) -> NDArray:
    """All zeros (``rng`` is accepted for a uniform signature and checked).

    Example:
        >>> import numpy
        >>> zeros(numpy.random.default_rng(0), 2)
        array([0., 0.])
    """
    return _np.zeros(_prep(rng, shape, "zeros"))


def ones(rng: _np.random.Generator | None, shape: Shape) -> NDArray:
    """All ones (``rng`` is accepted for a uniform signature and checked).

    Example:
        >>> import numpy
        >>> ones(numpy.random.default_rng(0), 2)
        array([1., 1.])
    """
    return _np.ones(_prep(rng, shape, "ones"))


def normal(rng: _np.random.Generator, shape: Shape, stddev: float = 1.0,
           mean: float = 0.0) -> NDArray:
    """N(mean, stddev²) entries.  ``functools.partial(normal, stddev=0.01)``
    makes a two-argument initializer.

    Example:
        >>> import numpy
        >>> normal(numpy.random.default_rng(0), (2,), stddev=0.0, mean=3.0)
        array([3., 3.])
    """
    shape = _prep(rng, shape, "normal")
    if not stddev >= 0:
        raise ValueError(f"normal: stddev must be >= 0, got {stddev!r}")
    return rng.normal(mean, stddev, size=shape)


def uniform(rng: _np.random.Generator, shape: Shape, low: float = 0.0,
            high: float = 1.0) -> NDArray:
    """U(low, high) entries.

    Example:
        >>> import numpy
        >>> x = uniform(numpy.random.default_rng(0), (100,), -1.0, 1.0)
        >>> bool(x.min() >= -1 and x.max() < 1)
        True
    """
    shape = _prep(rng, shape, "uniform")
    if not high >= low:
        raise ValueError(f"uniform: need low <= high, got low={low!r}, high={high!r}")
    return rng.uniform(low, high, size=shape)
