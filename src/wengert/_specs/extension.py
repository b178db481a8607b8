"""Op specs of primitives defined outside ``wengert.numpy`` with the public extension
API (``wengert.extend``): the sigmoid gate the tour uses (``wengert._gates``).
"""
from .._gates import sigmoid
from ._table import spec

GATES = [spec(sigmoid, (2, 3)), spec(sigmoid, ())]
