"""Observers of the traces (for debugging tools such as NaN provenance).

``watch(fn)`` registers ``fn(event, prim, value, detail)`` to be called after
every recorded primitive evaluation (``event="forward"``, ``value`` = its
output, ``detail`` = its arguments), every forward-mode tangent
(``"tangent"``, ``value`` = the tangent) and every reverse-mode cotangent
(``"reverse"``, ``value`` = the cotangent, ``detail`` = ``(argnum, ans)``: the
argument it belongs to and the output of the recorded operation).

An observer sees the operations of the thread that registered it only: a
debugging context in one thread must not stop another thread's derivatives.
``observers`` lists the observers of every thread, so that with none
registered the traces pay one truth test per operation.
"""
# threading.local and threading.Lock are these (the threading module itself costs
# ``import wengert`` most of a millisecond, and nothing else of it is used here)
from _thread import _local as _thread_local, allocate_lock as _allocate_lock

observers = []     # every thread's observers (the traces' fast test)
# ``wengert.compile``: while some thread traces a function, ``lifting[0](fun, args,
# kwargs) -> (args, kwargs, fold)`` sees the arguments of every primitive call first
# (it turns arrays the compiled program must read on every call into traced values;
# ``fold``, when not None, makes a call on constants alone: ``fold(fun, args, kwargs)``).
# Empty otherwise, so that the primitives pay one truth test.
lifting = []
_local = _thread_local()
_lock = _allocate_lock()


def _own():
    try:
        return _local.observers
    except AttributeError:
        _local.observers = []
        return _local.observers


def watch(fn):
    """Register an observer of this thread's operations; returns ``fn`` (use
    :func:`unwatch` to remove it)."""
    _own().append(fn)
    with _lock:
        observers.append(fn)
    return fn


def unwatch(fn):
    """Remove an observer registered with :func:`watch` (in this thread)."""
    _own().remove(fn)
    with _lock:
        observers.remove(fn)


def notify(event, prim, value, detail):
    for fn in list(_own()):
        fn(event, prim, value, detail)


def watching():
    """Whether the calling thread has an observer (``wengert.compile`` then runs its
    functions eagerly, so that every operation is seen)."""
    return bool(_own())
