"""Op specs of primitives defined outside ``wengert.numpy`` with the public extension
API (``wengert.extend``): the sigmoid gate of ``wengert.tour``.

The tour registers its gate as a library primitive when it is imported, and every
library primitive needs a spec: importing it here keeps the registry the same
whichever modules were imported before.
"""
import wengert.tour
from ._table import spec

GATES = [spec(wengert.tour.sigmoid, (2, 3)), spec(wengert.tour.sigmoid, ())]
