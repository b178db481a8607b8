"""``wengert.numpy.fft``: NumPy's FFT module.

Derivative rules for the transforms arrive with the NumPy-surface work; until
then every name is NumPy's own for plain values, and applying one to a traced
value raises an error naming it (never a silent zero gradient).
"""
import numpy.fft as _fft


def __getattr__(name):
    return getattr(_fft, name)
