"""A recorded argument that is a traced value: a reference to its node."""


class Ref:
    """A recorded argument that is the value of node ``k`` (tracers may later be
    rebound to other nodes by in-place updates; a reference never changes)."""

    __slots__ = ("k", "value")

    def __init__(self, k, value):
        self.k = k
        self.value = value
