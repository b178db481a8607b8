"""Type aliases for the public API's hints (no runtime behaviour).

A differentiable function may be handed NumPy arrays, Python numbers or, while
it is being traced, wengert's boxes standing for them; a parameter tree is any
nesting of tuples, lists, dicts, namedtuples, dataclasses and registered nodes.
Static types cannot say "an array or a box of one" or "a tree of arrays"
precisely, so these aliases name the intent and type-check as ``Any``.
"""
from typing import TYPE_CHECKING, Any, Callable, TypeVar

__all__ = ["Array", "ArrayLike", "NDArray", "PyTree", "Fn", "T", "Schedule", "TreeDef"]

# An ndarray, a Python or NumPy scalar, or a traced box standing for one.
Array = Any
if TYPE_CHECKING:
    import numpy.typing as npt
    ArrayLike = npt.ArrayLike
    NDArray = npt.NDArray[Any]
else:
    # numpy.typing would cost ``import wengert`` about a millisecond, for hints that only
    # wengert.nn and wengert.plot use: it loads when they ask for these two names.
    def __getattr__(name):
        if name not in ("ArrayLike", "NDArray"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import numpy.typing as npt
        globals()["ArrayLike"], globals()["NDArray"] = npt.ArrayLike, npt.NDArray[Any]
        return globals()[name]

# A nested container of arrays (see wengert.tree).
PyTree = Any
# The tree structure returned by wengert.tree.flatten (opaque to users).
TreeDef = Any
# A function to differentiate, batch or wrap: any positional and keyword arguments.
Fn = Callable[..., Any]
# A learning rate as a function of the step count (wengert.optim.schedules).
Schedule = Callable[[Any], Any]
# The same structure in and out (stop_gradient, apply_updates, ...).
T = TypeVar("T")

