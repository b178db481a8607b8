"""Layers as ``(init, apply)`` pairs over parameter trees (dicts of arrays).

``layer.init(rng)`` returns fresh parameters; ``layer.apply(params, x)`` is a
pure function of them, so ``wengert.grad`` differentiates it directly and any
optimizer in ``wengert.optim`` can update them.

The adaptive basis-function regression of R. P. Adams's notes *Computing Gradients
with Backpropagation* (eqs. 1–16) is
``BasisRegression(basis)``: f(x) = wᵀ Φ_θ(x) + b with parameters
``{"theta": ..., "w": ..., "b": ...}``, where Φ_θ is one of ``PolynomialBasis``
(x^θ), ``RBFBasis`` (exp(−(x − c)²/s)) or ``TanhBasis`` (tanh(x a + c)).

Example:
    >>> import numpy
    >>> import wengert
    >>> from wengert.nn import MLP, mse
    >>> net = MLP([2, 8, 1])
    >>> params = net.init(numpy.random.default_rng(0))
    >>> x, y = numpy.ones((4, 2)), numpy.zeros((4, 1))
    >>> g = wengert.grad(lambda p: mse(net.apply(p, x), y))(params)
    >>> [sorted(layer) for layer in g], g[0]["w"].shape
    ([['b', 'w'], ['b', 'w']], (2, 8))
"""
from typing import Any, Callable, NamedTuple, Sequence

import numpy as _np

from .. import numpy as np
from . import init as _init
from .activations import tanh as _tanh
from .init import Initializer
from .._typing import Fn, PyTree

__all__ = ["Layer", "Linear", "MLP", "PolynomialBasis", "RBFBasis", "TanhBasis",
           "BasisRegression"]


class Layer(NamedTuple):
    """A model as a pair of pure functions.

    Attributes:
        init: ``init(rng) -> params`` (a tree of arrays), ``rng`` a ``numpy.random.Generator``.
        apply: ``apply(params, x) -> output``.

    Example:
        >>> import numpy
        >>> double = Layer(lambda rng: {}, lambda params, x: 2 * x)
        >>> double.apply(double.init(numpy.random.default_rng(0)), 3.0)
        6.0
    """
    init: Callable[[Any], PyTree]
    apply: Callable[..., Any]


def _positive_int(n: Any, name: Any, where: str) -> Any:
    if isinstance(n, bool) or not isinstance(n, (int, _np.integer)) or n < 1:
        raise ValueError(f"{where}: {name} must be a positive int, got {n!r}")
    return int(n)


def Linear(in_features: int, out_features: int, w_init: Initializer = _init.glorot_uniform,
           b_init: Initializer = _init.zeros) -> Layer:
    """Affine layer x @ w + b with ``w`` of shape (in, out) and ``b`` of shape (out,).

    Example:
        >>> import numpy
        >>> lin = Linear(3, 2)
        >>> p = lin.init(numpy.random.default_rng(0))
        >>> p["w"].shape, p["b"].shape, lin.apply(p, numpy.ones((5, 3))).shape
        ((3, 2), (2,), (5, 2))
    """
    n_in = _positive_int(in_features, "in_features", "Linear")
    n_out = _positive_int(out_features, "out_features", "Linear")

    def init(rng: Any) -> Any:
        _init.check_rng(rng, "Linear.init")
        return {"w": w_init(rng, (n_in, n_out)), "b": b_init(rng, (n_out,))}

    def apply(params: Any, x: Any) -> Any:
        return x @ params["w"] + params["b"]

    return Layer(init, apply)


def MLP(sizes: int | Sequence[int], activation: Fn = _tanh, out_activation: Fn | None = None,
        w_init: Initializer = _init.glorot_uniform) -> Layer:
    """Multilayer perceptron: Linear layers of the given ``sizes`` with
    ``activation`` between them; parameters are a list of ``{"w", "b"}`` dicts.

    Args:
        sizes: ``[n_in, hidden..., n_out]``, at least two positive ints.
        activation: elementwise function applied after every hidden layer.
        out_activation: applied to the output (``None``: linear output, e.g. logits).
        w_init: weight initializer ``(rng, shape) -> array``.

    Example:
        >>> import numpy
        >>> from wengert.nn import relu
        >>> net = MLP([2, 16, 16, 3], activation=relu)
        >>> net.apply(net.init(numpy.random.default_rng(0)), numpy.zeros((7, 2))).shape
        (7, 3)
    """
    sizes = list(sizes) if not isinstance(sizes, int) else [sizes]
    if len(sizes) < 2:
        raise ValueError(f"MLP: sizes must list at least an input and an output size, got {sizes!r}")
    if not callable(activation):
        raise TypeError(f"MLP: activation must be a function such as wengert.nn.tanh, got {activation!r}")
    layers = [Linear(a, b, w_init=w_init) for a, b in zip(sizes[:-1], sizes[1:])]

    def init(rng: Any) -> Any:
        _init.check_rng(rng, "MLP.init")
        return [layer.init(rng) for layer in layers]

    def apply(params: Any, x: Any) -> Any:
        if len(params) != len(layers):
            raise ValueError(f"MLP.apply: expected parameters for {len(layers)} layers, "
                             f"got {len(params)}; create them with this MLP's init")
        for layer, p in zip(layers[:-1], params[:-1]):
            x = activation(layer.apply(p, x))
        x = layers[-1].apply(params[-1], x)
        return x if out_activation is None else out_activation(x)

    return Layer(init, apply)


def _column(x: Any) -> Any:
    """Inputs of the basis layers are 1-D: (N,) or (N, 1); return (N, 1)."""
    shape = _np.shape(x)
    if len(shape) == 1:
        return np.reshape(x, (-1, 1))
    if len(shape) == 2 and shape[1] == 1:
        return x
    if len(shape) == 0:
        return np.reshape(x, (1, 1))
    raise ValueError(f"basis layers take 1-D inputs of shape (N,) or (N, 1), got shape {shape}")


def PolynomialBasis(num: int, max_exponent: float | None = None) -> Layer:
    """Φ_θ(x) = [x^θ₁ … x^θ_K] with learnable exponents θ (Adams's notes); inputs
    must be positive for non-integer exponents.  Initial exponents are 1, …, K
    (or evenly spaced up to ``max_exponent``).  ``apply(theta, x)`` maps (N,)
    inputs to (N, K) features.

    Example:
        >>> import numpy
        >>> basis = PolynomialBasis(3)
        >>> theta = basis.init(numpy.random.default_rng(0))
        >>> basis.apply(theta, numpy.array([2.0]))
        array([[2., 4., 8.]])
    """
    k = _positive_int(num, "num", "PolynomialBasis")
    top = float(k if max_exponent is None else max_exponent)

    def init(rng: Any) -> Any:
        _init.check_rng(rng, "PolynomialBasis.init")
        return {"exponents": _np.linspace(top / k, top, k)}

    def apply(theta: Any, x: Any) -> Any:
        return _column(x) ** theta["exponents"]

    return Layer(init, apply)


def RBFBasis(num: int, low: float = -1.0, high: float = 1.0, scale: float | None = None,
             jitter: float = 0.0) -> Layer:
    """Φ_θ(x) = [exp(−(x − c_k)² / s_k)]_k with learnable centers c and scales s
    (Adams's notes: "RBF centers and scales").  Centers start evenly spaced over
    [low, high] (plus ``jitter`` × spacing of uniform noise); scales start at
    ``scale`` (default: twice the squared spacing).

    Example:
        >>> import numpy
        >>> basis = RBFBasis(3, low=0.0, high=2.0, scale=1.0)
        >>> theta = basis.init(numpy.random.default_rng(0))
        >>> theta["centers"], theta["scales"]
        (array([0., 1., 2.]), array([1., 1., 1.]))
        >>> numpy.round(basis.apply(theta, numpy.array([1.0])), 4)
        array([[0.3679, 1.    , 0.3679]])
    """
    k = _positive_int(num, "num", "RBFBasis")
    if not high > low:
        raise ValueError(f"RBFBasis: need low < high, got low={low!r}, high={high!r}")
    spacing = (high - low) / max(k - 1, 1)
    s0 = 2.0 * spacing ** 2 if scale is None else float(scale)
    if not s0 > 0:
        raise ValueError(f"RBFBasis: scale must be > 0, got {scale!r}")

    def init(rng: Any) -> Any:
        _init.check_rng(rng, "RBFBasis.init")
        centers = _np.linspace(low, high, k)
        if jitter:
            centers = centers + jitter * spacing * rng.uniform(-0.5, 0.5, size=k)
        return {"centers": centers, "scales": _np.full(k, s0)}

    def apply(theta: Any, x: Any) -> Any:
        return np.exp(-(_column(x) - theta["centers"]) ** 2 / theta["scales"])

    return Layer(init, apply)


def TanhBasis(num: int, low: float = -1.0, high: float = 1.0,
              slope: float | None = None) -> Layer:
    """Φ_θ(x) = [tanh(x a_k + c_k)]_k with learnable scales a and locations c
    (Adams's notes: "tanh scale and location").  The steps start at evenly spaced
    points of [low, high] with slope ``slope`` (default: 2 / spacing) and
    alternating sign, so that the bases differ.

    Example:
        >>> import numpy
        >>> basis = TanhBasis(4)
        >>> theta = basis.init(numpy.random.default_rng(0))
        >>> basis.apply(theta, numpy.linspace(-1, 1, 5)).shape
        (5, 4)
    """
    k = _positive_int(num, "num", "TanhBasis")
    if not high > low:
        raise ValueError(f"TanhBasis: need low < high, got low={low!r}, high={high!r}")
    spacing = (high - low) / max(k - 1, 1)
    a0 = 2.0 / spacing if slope is None else float(slope)

    def init(rng: Any) -> Any:
        _init.check_rng(rng, "TanhBasis.init")
        points = _np.linspace(low, high, k)
        scales = a0 * _np.where(_np.arange(k) % 2 == 0, 1.0, -1.0)
        return {"scales": scales, "locations": -scales * points}

    def apply(theta: Any, x: Any) -> Any:
        return np.tanh(_column(x) * theta["scales"] + theta["locations"])

    return Layer(init, apply)


def BasisRegression(basis: Layer, w_init: Initializer = _init.zeros) -> Layer:
    """Adaptive basis-function regression f(x) = wᵀ Φ_θ(x) + b (Adams's notes, eq. 1):
    parameters ``{"theta": basis parameters, "w": (K,), "b": ()}``; ``apply``
    maps (N,) inputs to (N,) predictions.  Train θ with w and b, or keep θ
    fixed (e.g. ``optim.multi_transform`` with ``optim.set_to_zero()`` for
    ``"theta"``).

    Example:
        >>> import numpy
        >>> model = BasisRegression(RBFBasis(4, low=0.0, high=1.0))
        >>> params = model.init(numpy.random.default_rng(0))
        >>> sorted(params), model.apply(params, numpy.linspace(0, 1, 6)).shape
        (['b', 'theta', 'w'], (6,))
    """
    if not isinstance(basis, Layer):
        raise TypeError("BasisRegression: basis must be a Layer such as RBFBasis(10), "
                        f"got {type(basis).__name__}")

    def init(rng: Any) -> Any:
        _init.check_rng(rng, "BasisRegression.init")
        theta = basis.init(rng)
        k = _np.shape(basis.apply(theta, _np.ones(1)))[1]
        return {"theta": theta, "w": w_init(rng, (k,)), "b": _np.zeros(())}

    def apply(params: Any, x: Any) -> Any:
        return basis.apply(params["theta"], x) @ params["w"] + params["b"]

    return Layer(init, apply)
