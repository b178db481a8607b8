"""Observers of the traces (for debugging tools such as NaN provenance).

``watch(fn)`` registers ``fn(event, prim, value, detail)`` to be called after
every recorded primitive evaluation (``event="forward"``, ``value`` = its
output, ``detail`` = its arguments), every forward-mode tangent
(``"tangent"``, ``value`` = the tangent) and every reverse-mode cotangent
(``"reverse"``, ``value`` = the cotangent, ``detail`` = ``(argnum, ans)``: the
argument it belongs to and the output of the recorded operation).
With no observer registered the traces pay one truth test per operation.
"""

observers = []


def watch(fn):
    """Register an observer; returns ``fn`` (use :func:`unwatch` to remove it)."""
    observers.append(fn)
    return fn


def unwatch(fn):
    """Remove an observer registered with :func:`watch`."""
    observers.remove(fn)


def notify(event, prim, value, detail):
    for fn in list(observers):
        fn(event, prim, value, detail)
