"""Losses: scalar functions of predictions and targets, stable and
differentiable (w.r.t. the predictions; labels are constants).

Every loss averages over the batch (the first axis) except
``squared_error``, which is the ½ Σ (prediction − target)² of R. P. Adams's
notes *Computing Gradients with Backpropagation* (eq. 2).

Example:
    >>> import numpy
    >>> from wengert.nn import softmax_cross_entropy
    >>> round(float(softmax_cross_entropy(numpy.array([[0.0, 0.0]]), numpy.array([1]))), 6)
    0.693147
"""
from typing import Any
import numpy as _np

from .. import numpy as np
from .._core import def_keep, def_loop_only, defjvp, defvjp, primitive
from .activations import log_softmax
from .._typing import Array

__all__ = ["squared_error", "mse", "softmax_cross_entropy", "logistic_loss",
           "binary_cross_entropy", "multiclass_hinge"]


def _same_shape(pred: Any, target: Any, where: str) -> None:
    ps, ts = _np.shape(pred), _np.shape(target)
    if ps != ts:
        raise ValueError(f"{where}: predictions have shape {ps} but targets {ts}; "
                         "reshape one of them (e.g. y.reshape(-1, 1)) so they match")


def squared_error(pred: Array, target: Array) -> Array:
    """½ Σ (pred − target)², the least-squares objective of Adams's notes (eq. 2).

    Example:
        >>> import numpy
        >>> float(squared_error(numpy.array([1.0, 2.0]), numpy.array([0.0, 0.0])))
        2.5
    """
    _same_shape(pred, target, "squared_error")
    return 0.5 * np.sum((pred - target) ** 2)


def mse(pred: Array, target: Array) -> Array:
    """Mean squared error, mean((pred − target)²).

    Example:
        >>> import numpy
        >>> float(mse(numpy.array([1.0, 3.0]), numpy.array([0.0, 0.0])))
        5.0
    """
    _same_shape(pred, target, "mse")
    return np.mean((pred - target) ** 2)


def _class_labels(logits: Any, labels: Any, where: str, check_range: bool = True) -> Any:
    """``(integer labels, None)`` or ``(None, one-hot labels)``; integer labels are
    checked to lie in range unless ``check_range`` is False."""
    shape = _np.shape(logits)
    if len(shape) != 2:
        raise ValueError(f"{where}: logits must be a 2-D (batch, classes) array, got shape {shape}")
    if not (hasattr(labels, "shape") and hasattr(labels, "dtype")):
        labels = _np.asarray(labels)   # a list; arrays stay as they are (traced ones too,
        # so that wengert.compile reads the labels as an input, not as a constant)
    if labels.shape == shape and labels.dtype.kind == "f":
        return None, labels
    if labels.shape != shape[:1] or labels.dtype.kind not in "iu":
        raise ValueError(f"{where}: labels must be integers of shape {shape[:1]} or one-hot "
                         f"floats of shape {shape}, got {labels.dtype} of shape {labels.shape}")
    if check_range:
        _check_range(labels, shape[1], where)
    return labels, None


def _check_range(labels: Any, classes: int, where: str) -> None:
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"{where}: integer labels must lie in [0, {classes}), "
                         f"got values from {labels.min()} to {labels.max()}")


# -- softmax cross-entropy with integer labels: one primitive --------------------------------
# Composed of log_softmax, a gather and a mean, its reverse pass scatters into zeros, sums
# and broadcasts over the classes; written as one operation it is what hand-written
# backprop does: (softmax - onehot) / n.  The primitive also returns the softmax, which
# its rules read (a second output, so the forward pass computes it once).
def _xent_impl(logits: Any, labels: Any) -> Any:
    """``(mean over rows of -log softmax(logits)[row, label], softmax(logits))``."""
    n, classes = logits.shape
    if labels.size and labels.min() < 0:    # a negative index would wrap around
        _check_range(labels, classes, "softmax_cross_entropy")
    # NumPy reduces a short last axis slowly (a loop per row): with few classes, reduce
    # the transposed copy over its first axis instead (one vector operation per class)
    few = classes <= _FEW_CLASSES
    z = _np.ascontiguousarray(logits.T) if few else logits
    axis = 0 if few else 1
    shifted = z - z.max(axis=axis, keepdims=True)
    e = _np.exp(shifted)
    total = e.sum(axis=axis, keepdims=True)
    rows = _np.arange(n)
    try:
        picked = shifted[labels, rows] if few else shifted[rows, labels]
    except IndexError:
        _check_range(labels, classes, "softmax_cross_entropy")
        raise
    loss = (_np.log(total).sum() - picked.sum()) / n
    e /= total
    return loss, (e.T if few else e)


_FEW_CLASSES = 32


_xent = primitive(_xent_impl, "wengert.nn.softmax_cross_entropy")


def _onehot(labels: Any, like: Any) -> Any:
    return np.equal(np.reshape(labels, (-1, 1)), np.arange(_np.shape(like)[1]))


def _xent_vjp(g: Any, ans: Any, logits: Any, labels: Any) -> Any:
    g_loss, g_probs = (None, None) if g is None else (g[0], g[1])
    probs = ans[1]
    out = None
    if g_loss is not None:       # d loss = <(softmax - onehot) / n, d logits>
        out = (probs - _onehot(labels, probs)) * (g_loss / _np.shape(probs)[0])
    if g_probs is not None:      # d softmax = softmax * (d logits - <softmax, d logits>)
        term = probs * (g_probs - np.sum(g_probs * probs, axis=1, keepdims=True))
        out = term if out is None else out + term
    return out


def _xent_jvp(t: Any, ans: Any, logits: Any, labels: Any) -> Any:
    probs = ans[1]
    t_loss = np.sum((probs - _onehot(labels, probs)) * t) / _np.shape(probs)[0]
    return t_loss, probs * (t - np.sum(probs * t, axis=1, keepdims=True))


defvjp(_xent, _xent_vjp)
defjvp(_xent, _xent_jvp)
def_keep(_xent, ans=True, args={0: (1,)})
def_loop_only(_xent, "the loss averages over its rows; a batch of losses is a loop")


def softmax_cross_entropy(logits: Array, labels: Array) -> Array:
    """Mean over the batch of −log softmax(logits)[label].

    Args:
        logits: (N, C) unnormalised scores.
        labels: (N,) integer classes, or (N, C) one-hot (or any probability) rows.

    Example:
        >>> import numpy
        >>> z = numpy.array([[2.0, 0.0], [0.0, 2.0]])
        >>> a = softmax_cross_entropy(z, numpy.array([0, 1]))
        >>> b = softmax_cross_entropy(z, numpy.eye(2))
        >>> bool(numpy.isclose(a, b)), round(float(a), 4)
        (True, 0.1269)
    """
    # integer labels out of range are reported by the primitive, which runs every step
    # of a compiled program (checks here would be guards: two more reductions a step)
    index, probs = _class_labels(logits, labels, "softmax_cross_entropy", check_range=False)
    if probs is None:
        return _xent(logits, index)[0]
    return -np.mean(np.sum(probs * log_softmax(logits, axis=-1), axis=-1))


def logistic_loss(logits: Array, labels: Array) -> Array:
    """Binary cross-entropy from logits, mean of log(1 + e^z) − y z, stable
    for large |z|.  ``labels`` are 0/1 (or probabilities) of ``logits``' shape.

    Example:
        >>> import numpy
        >>> float(logistic_loss(numpy.array([1000.0, -1000.0]), numpy.array([1.0, 0.0])))
        0.0
    """
    labels = np.astype(labels, _np.float64)   # wengert.numpy: a traced array stays traced
    _same_shape(logits, labels, "logistic_loss")
    return np.mean(np.logaddexp(0.0, logits) - labels * logits)


binary_cross_entropy = logistic_loss


def multiclass_hinge(scores: Array, labels: Array, margin: float = 1.0) -> Array:
    """Multiclass SVM (Weston–Watkins) loss: mean over the batch of
    Σ_{j ≠ y} max(0, s_j − s_y + margin).

    Args:
        scores: (N, C) class scores.
        labels: (N,) integer classes or (N, C) one-hot rows.
        margin: the required gap between the true class and the others.

    Example:
        >>> import numpy
        >>> float(multiclass_hinge(numpy.array([[3.0, 1.0, 2.5]]), numpy.array([0])))
        0.5
    """
    index, probs = _class_labels(scores, labels, "multiclass_hinge")
    index = _np.argmax(probs, axis=1)[:, None] if probs is not None else index[:, None]
    true = np.take_along_axis(scores, index, axis=1)
    others = _np.ones(_np.shape(scores))
    _np.put_along_axis(others, index, 0.0, axis=1)
    return np.mean(np.sum(others * np.maximum(scores - true + margin, 0.0), axis=1))
