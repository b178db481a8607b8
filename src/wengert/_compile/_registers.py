"""Register allocation for generated code: value names reused once dead.

A function with thousands of locals is slow to enter and to leave, and keeps every
intermediate array alive until it returns, so the code that runs names its values
``r0, r1, ...`` and hands a name on as soon as the value it held is dead.  The
names are given while the statements are written (:meth:`._codegen.Source._emit`),
from the last reader of each value, known beforehand from the graph.
"""


def last_reads(reads):
    """``{node: index of the last statement that reads it}``, from ``reads`` (per
    statement, the nodes it reads)."""
    last = {}
    for i, nodes in enumerate(reads):
        for k in nodes:
            last[k] = i
    return last


class Registers:
    """The free names, and the statements' reads and last readers."""

    __slots__ = ("reads", "last", "free", "count")

    def __init__(self, reads, last):
        self.reads = reads      # per statement, the nodes it reads (each once)
        self.last = last
        # a dict used as an ordered set: O(1) membership, removal and last-in-first-out
        # reuse (a list made this quadratic in the program's length)
        self.free = {}
        self.count = 0

    def release(self, i, names):
        """Free the names of the values statement ``i`` reads for the last time."""
        last = self.last
        for k in self.reads[i]:
            if last[k] == i:
                self.free[names[k]] = None

    def new(self, k):
        """A name for the value of node ``k``: a free one, or a fresh one if none is
        free or nothing reads the value (a guard's value only)."""
        if self.free and k in self.last:
            return self.free.popitem()[0]
        name = f"r{self.count}"
        self.count += 1
        return name

    def keep(self, name, k, i):
        """``name``, freed by statement ``i`` (an update in place of a value dead after
        it), now holds node ``k``'s value: taken again if a later statement reads it."""
        if name in self.free and self.last.get(k, -1) > i:
            del self.free[name]
