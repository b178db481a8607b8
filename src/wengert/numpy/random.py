"""``wengert.numpy.random``: NumPy's random module.

Random numbers are constants: they carry no derivative, so NumPy's functions
are used as they are.
"""
import numpy.random as _random


def __getattr__(name):
    return getattr(_random, name)
