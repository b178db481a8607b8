"""Op specs of primitives defined outside ``wengert.numpy``: with the public extension
API (``wengert.extend``), the sigmoid gate the tour uses (``wengert._gates``); in
``wengert.nn``, the softmax cross-entropy of integer labels.
"""
import numpy as np

import wengert.numpy as wnp
from .._gates import sigmoid
from ..nn.losses import _xent, softmax_cross_entropy
from ._table import spec

GATES = [spec(sigmoid, (2, 3)), spec(sigmoid, ())]

# wengert.nn's softmax cross-entropy with integer labels: one primitive with two outputs,
# the mean loss and the softmax its rules read; the second spec reads both outputs
_LABELS = np.array([0, 2, 1, 1])
_WEIGHTS = np.array([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7], [-0.2, 0.9, 0.6], [0.8, -0.5, 0.1]])


def _xent_both(z):
    loss, probs = _xent(z, _LABELS)
    return loss + wnp.sum(probs * _WEIGHTS)


XENT = [spec(lambda z: softmax_cross_entropy(z, _LABELS), (4, 3), name="softmax_cross_entropy",
             covers=(_xent,)),
        spec(_xent_both, (4, 3), name="softmax_cross_entropy_outputs", covers=(_xent,))]
