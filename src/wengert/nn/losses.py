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


def _class_labels(logits: Any, labels: Any, where: str) -> Any:
    """Integer labels as an (N, 1) index array; one-hot labels as None."""
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
    if labels.size and (labels.min() < 0 or labels.max() >= shape[1]):
        raise ValueError(f"{where}: integer labels must lie in [0, {shape[1]}), "
                         f"got values from {labels.min()} to {labels.max()}")
    return labels[:, None], None


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
    index, probs = _class_labels(logits, labels, "softmax_cross_entropy")
    logp = log_softmax(logits, axis=-1)
    if probs is not None:
        return -np.mean(np.sum(probs * logp, axis=-1))
    return -np.mean(np.take_along_axis(logp, index, axis=1))


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
    if probs is not None:
        index = _np.argmax(probs, axis=1)[:, None]
    true = np.take_along_axis(scores, index, axis=1)
    others = _np.ones(_np.shape(scores))
    _np.put_along_axis(others, index, 0.0, axis=1)
    return np.mean(np.sum(others * np.maximum(scores - true + margin, 0.0), axis=1))
