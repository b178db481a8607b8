"""Python's cycle collector, paused while a call is traced or its code generated."""
from typing import Any
import gc
import threading


_gc_lock = threading.Lock()
_gc_paused = [0, False]    # code generations under way; whether they paused the collector


class _no_cycle_collection:
    """A context in which Python's cycle collector does not run (unless another thread
    turns it on): code generation makes millions of small tuples and lists that hold
    no cycles, and the collections they trigger walk the whole graph again and again
    (a third of the time of code generation at 100,000 operations).  Reference
    counting still frees everything; the collector runs again after the last code
    generation under way ends, if it ran before the first began."""

    __slots__ = ()

    def __enter__(self) -> None:
        with _gc_lock:
            if _gc_paused[0] == 0:
                _gc_paused[1] = gc.isenabled()
                if _gc_paused[1]:
                    gc.disable()
            _gc_paused[0] += 1

    def __exit__(self, *exc: Any) -> None:
        with _gc_lock:
            _gc_paused[0] -= 1
            if _gc_paused[0] == 0 and _gc_paused[1]:
                # The objects made meanwhile (a traced graph: hundreds of thousands) are
                # kept for as long as the program is, yet the first allocation would make
                # the collector walk them all as young objects (a fifth of the time of
                # tracing).  Freezing and unfreezing moves every tracked object to the
                # oldest generation at once, where full collections see them as usual.
                # (Not where the program froze objects itself, say before forking:
                # unfreezing would undo that.)
                if not gc.get_freeze_count():
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
