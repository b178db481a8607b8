"""``wengert.numpy.random``: NumPy's random module.

Random numbers are constants: they carry no derivative, so NumPy's functions
are used as they are (``numpy.random`` itself is imported on first use).
"""


def __getattr__(name):
    import numpy.random as _random
    return getattr(_random, name)
