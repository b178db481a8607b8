"""Optimizers as pure ``(init, update)`` pairs (in the style of optax).

``state = opt.init(params)`` builds plain data (dicts, tuples and NumPy
arrays: easy to print, copy and save); ``updates, state = opt.update(grads,
state, params)`` returns the step to add and the next state, mutating
nothing; ``apply_updates(params, updates)`` adds them.  ``chain`` composes
gradient transformations left to right.

Example:
    >>> import numpy
    >>> from wengert import grad
    >>> from wengert.optim import sgd, apply_updates
    >>> loss = lambda p: (p["x"] - 3.0) ** 2
    >>> params = {"x": 0.0}
    >>> opt = sgd(0.4)
    >>> state = opt.init(params)
    >>> for _ in range(20):
    ...     updates, state = opt.update(grad(loss)(params), state, params)
    ...     params = apply_updates(params, updates)
    >>> round(float(params["x"]), 6)
    3.0
"""
from typing import Any, Callable, NamedTuple, Sequence
import weakref

import numpy as _np

from ..tree import flatten, unflatten
from .._typing import Array, PyTree, Fn, T

__all__ = ["Optimizer", "apply_updates", "chain", "global_norm"]


class Optimizer(NamedTuple):
    """A gradient transformation: two pure functions.

    Attributes:
        init: ``init(params) -> state``.
        update: ``update(grads, state, params=None) -> (updates, state)``.

    Example:
        >>> halve = Optimizer(lambda params: (), lambda g, s, p=None: (-0.5 * g, s))
        >>> halve.update(4.0, halve.init(1.0))
        (-2.0, ())
    """
    init: Callable[[PyTree], PyTree]
    update: Callable[..., tuple[PyTree, PyTree]]


# The ``update`` functions of elementwise optimizers: each entry of their updates and
# state depends only on the same entry of the gradients, state and parameters (and on
# scalars such as a step count), so running them on all parameters packed into one
# vector gives the same numbers, entry by entry, as running them leaf by leaf;
# ``wengert.training.fit`` then runs them on one vector (a few NumPy calls per step
# instead of a few per parameter array).  A state leaf either has the parameters'
# shape or is shared by all entries (a step count).
_ELEMENTWISE: "weakref.WeakSet[Callable[..., Any]]" = weakref.WeakSet()


def elementwise(opt: "Optimizer") -> "Optimizer":
    """Mark ``opt`` as elementwise (see ``_ELEMENTWISE``) and return it."""
    _ELEMENTWISE.add(opt.update)
    return opt


def is_elementwise(opt: Any) -> bool:
    """Whether ``opt`` was built only from elementwise transformations."""
    update = getattr(opt, "update", None)
    try:
        return update in _ELEMENTWISE
    except TypeError:       # not weakly referable: not one of ours
        return False


def _check_same(tree_a: Any, tree_b: Any, where: str, name_a: Any, name_b: Any) -> Any:
    la, ta = flatten(tree_a)
    lb, tb = flatten(tree_b)
    if ta != tb:
        raise ValueError(f"{where}: {name_a} and {name_b} have different tree structures "
                         f"({len(la)} vs {len(lb)} leaves); pass trees built from the same params")
    return la, lb, ta


def tree_apply(where: str, fun: Fn, tree: PyTree, *rest: PyTree,
               names: Sequence[str] | None = None) -> PyTree:
    """Map ``fun`` leafwise over trees of the same structure (checked)."""
    leaves, td = flatten(tree)
    others = []
    for i, r in enumerate(rest):
        lr, tr = flatten(r)
        if tr != td:
            what = names[i + 1] if names else f"tree {i + 1}"
            first = names[0] if names else "tree 0"
            raise ValueError(f"{where}: {what} does not have the structure of {first} "
                             f"({len(lr)} vs {len(leaves)} leaves); build both from the same params")
        others.append(lr)
    return unflatten(td, [fun(*xs) for xs in zip(leaves, *others)])


def apply_updates(params: T, updates: PyTree) -> T:
    """``params + updates`` leafwise; each result keeps its parameter's dtype.

    Example:
        >>> import numpy
        >>> apply_updates({"w": numpy.ones(2)}, {"w": numpy.array([0.5, -1.0])})
        {'w': array([1.5, 0. ])}
    """
    def add(p: Any, u: Any) -> Any:
        # p + u, not asarray(p) + u: under wengert.compile, asarray of a traced
        # parameter would read its value and make every step trace anew
        out = p + u
        dtype = getattr(p, "dtype", None)
        # no cast where none is needed: compiled, a no-op cast is a copy of each output
        return out.astype(dtype) if dtype is not None and out.dtype != dtype else out
    return tree_apply("apply_updates", add, params, updates, names=("params", "updates"))


def global_norm(tree: PyTree) -> Array:
    """The Euclidean norm of all leaves of ``tree`` together.

    Example:
        >>> import numpy
        >>> float(global_norm({"a": numpy.array([3.0]), "b": 4.0}))
        5.0
    """
    return _np.sqrt(sum(_np.sum(_np.abs(x) ** 2) for x in flatten(tree)[0]))


def chain(*transforms: Optimizer) -> Optimizer:
    """Apply gradient transformations in sequence; the state is a tuple of
    their states.

    Example:
        >>> from wengert.optim import clip_by_global_norm, scale
        >>> opt = chain(clip_by_global_norm(1.0), scale(-0.1))
        >>> updates, state = opt.update({"x": 30.0}, opt.init({"x": 0.0}))
        >>> round(float(updates["x"]), 6)
        -0.1
    """
    for i, t in enumerate(transforms):
        if not isinstance(t, Optimizer):
            raise TypeError(f"chain: argument {i} must be an Optimizer such as "
                            f"wengert.optim.scale(-0.1), got {type(t).__name__}")

    def init(params: Any) -> Any:
        return tuple(t.init(params) for t in transforms)

    def update(grads: Any, state: Any, params: Any=None) -> Any:
        if not isinstance(state, tuple) or len(state) != len(transforms):
            raise ValueError(f"chain.update: state must be the tuple of {len(transforms)} states "
                             "that this chain's init returned")
        new_state = []
        for t, s in zip(transforms, state):
            grads, s = t.update(grads, s, params)
            new_state.append(s)
        return grads, tuple(new_state)

    opt = Optimizer(init, update)
    return elementwise(opt) if all(is_elementwise(t) for t in transforms) else opt
