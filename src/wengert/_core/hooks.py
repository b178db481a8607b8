"""Observers of the traces (for debugging tools such as NaN provenance).

``watch(fn)`` registers ``fn(event, prim, value, detail)`` to be called after
every primitive evaluation recorded *in the calling thread* (``event="forward"``,
``value`` = its output, ``detail`` = its arguments), every forward-mode tangent
(``"tangent"``, ``value`` = the tangent) and every reverse-mode cotangent
(``"reverse"``, ``value`` = the cotangent, ``detail`` = ``(argnum, ans)``: the
argument it belongs to and the output of the recorded operation).  Observers
are per thread: a thread's observer never sees another thread's derivatives,
and ``watching()`` says whether the calling thread has one (``wengert.compile``
then runs its functions eagerly, so that every operation is seen).
With no observer registered in any thread the traces pay one truth test per
operation.
"""
import threading

observers = []   # (fn, thread id) pairs: non-empty while any thread watches


def watch(fn):
    """Register an observer for the calling thread; returns ``fn`` (use
    :func:`unwatch` to remove it)."""
    observers.append((fn, threading.get_ident()))
    return fn


def unwatch(fn):
    """Remove an observer registered with :func:`watch` (by the calling thread)."""
    observers.remove((fn, threading.get_ident()))


def watching():
    """Whether the calling thread has an observer."""
    me = threading.get_ident()
    return any(owner == me for _, owner in list(observers))


def notify(event, prim, value, detail):
    me = threading.get_ident()
    for fn, owner in list(observers):
        if owner == me:
            fn(event, prim, value, detail)
