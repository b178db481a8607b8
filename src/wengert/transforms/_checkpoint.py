"""``checkpoint``: a function whose intermediate values are recomputed during the
backward pass instead of kept (memory for time), as one primitive whose rules
re-trace the function."""
from typing import Any, Callable, TypeVar, cast
import functools

from .. import tree
from .._core import defbatch, defjvp_joint, defvjp_joint, primitive, vspace
from ._readings import ReverseTrace, jvp_at
from ._vmap import vmap

F = TypeVar("F", bound=Callable[..., Any])


def _call_flat(f: Any, *leaves: Any) -> Any:
    return f(*leaves)


_checkpointed = primitive(_call_flat, "wengert.checkpoint")


def _checkpoint_vjp(argnums: Any, g: Any, ans: Any, f: Any, *leaves: Any) -> Any:
    # Recompute the forward pass of f, now recording it, then walk it backwards.
    if type(g) in (tuple, list):
        g = type(g)(vspace(a).zeros() if gi is None else gi for gi, a in zip(g, ans))
    idx = [a - 1 for a in argnums]
    rt = ReverseTrace(lambda xs: f(*[xs[idx.index(i)] if i in idx else l
                                     for i, l in enumerate(leaves)]),
                      tuple(leaves[i] for i in idx))
    return rt.vjp(g)


def _checkpoint_jvp(argnums: Any, tangents: Any, ans: Any, f: Any, *leaves: Any) -> Any:
    idx = [a - 1 for a in argnums]
    return jvp_at(lambda xs: f(*[xs[idx.index(i)] if i in idx else l
                                 for i, l in enumerate(leaves)]),
                  tuple(leaves[i] for i in idx))(tuple(tangents))[1]


defvjp_joint(_checkpointed, _checkpoint_vjp)
defjvp_joint(_checkpointed, _checkpoint_jvp)


def _checkpoint_batch(args: Any, dims: Any, kwargs: Any) -> Any:
    # Under vmap, checkpoint the vmapped function: the recomputation stays batched.
    f, leaves = args[0], args[1:]
    return _checkpointed(vmap(f, in_axes=tuple(dims[1:])), *leaves), 0


defbatch(_checkpointed, _checkpoint_batch)


def checkpoint(fun: F) -> F:
    """``fun`` with its intermediate values discarded after the forward pass and
    recomputed during the backward pass: memory for time.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> layer = wengert.checkpoint(lambda w, x: np.tanh(w * x))
        >>> round(float(wengert.grad(lambda w: layer(w, 1.0))(0.0)), 6)
        1.0
    """

    @functools.wraps(fun)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        leaves, td = tree.flatten(args)

        def flat_fun(*ls: Any) -> Any:
            return fun(*tree.unflatten(td, ls), **kwargs)

        return _checkpointed(flat_fun, *leaves)

    return cast(F, wrapped)   # same arguments and results as fun


