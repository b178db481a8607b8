"""A Dask callback that counts the computes started while it is active: tests of lazy
gradients assert it counts none while a gradient is built."""
from dask.callbacks import Callback


class CountComputes(Callback):
    def __init__(self):
        super().__init__()
        self.n = 0

    def _start(self, dsk):
        self.n += 1
