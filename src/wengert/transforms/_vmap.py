"""``vmap``: a function mapped over a batch axis of its arguments in one pass, by a
batch trace (:mod:`wengert._core.batching`) whose boxes carry the batch axis."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
import functools

import numpy as _np

from .. import numpy as wnp
from .. import tree
from .._core import box_value, getval
from .._core.batching import BatchTrace
from ..numpy._dispatch import shape as _shape
from ..numpy._namespace_only import (adapt, holds_namespace_only, seen as namespace_arrays_seen,
                                     unwrap_tree)
from ._args import name_of
from ._readings import expand_boxed_containers

if TYPE_CHECKING:
    from .._typing import Fn


def _leaf_axes(spec: Any, x: Any, where: str) -> Any:
    """One batch axis (or None) per leaf of ``x``, from ``spec``: an int or None
    for every leaf, or a container matching ``x``'s structure (a tree prefix)."""
    if spec is None or isinstance(spec, (int, _np.integer)):
        return [spec] * len(tree.leaves(x))
    if type(spec) is dict and type(x) is dict and set(spec) == set(x):
        return [a for k in x for a in _leaf_axes(spec[k], x[k], f"{where}[{k!r}]")]
    if isinstance(spec, (tuple, list)) and isinstance(x, (tuple, list)) and len(spec) == len(x):
        return [a for i, (s, v) in enumerate(zip(spec, x))
                for a in _leaf_axes(s, v, f"{where}[{i}]")]
    raise ValueError(
        f"vmap: the axis spec for {where} is {spec!r}, which does not match its structure "
        f"({type(x).__name__}{'' if not hasattr(x, '__len__') else f' of length {len(x)}'}); "
        "give an int or None for all its leaves, or a container of the same structure")


def vmap(fun: Fn, in_axes: Any = 0, out_axes: Any = 0) -> Fn:
    """Map ``fun`` over a batch axis of its arguments in one vectorized pass
    (no Python loop): ``vmap(f)(xs)[i] == f(xs[i])``.

    Args:
        fun: the per-example function (any code of ``wengert.numpy``
            operations, including other transforms: ``grad``, ``jvp``, ``vmap``).
        in_axes: the batch axis of each positional argument: an int (every
            argument), None (not batched: shared by all examples), or a tuple
            with one entry per argument, each an int, None or a tree matching
            that argument.  Negative axes count from the end.
        out_axes: where the batch axis goes in the outputs (an int, None for an
            output that does not depend on the batch, or a tree).

    Keyword arguments are mapped along their axis 0, as in JAX (``in_axes``
    covers positional arguments only); pass an unbatched value positionally
    with ``None`` in ``in_axes``, or bind it first with ``functools.partial``.

    Returns:
        The batched function.  Inside it, values report their per-example
        ``shape``; Python control flow on their values (``if x > 0``) raises an
        error, since it differs between examples (use ``wengert.numpy.where``).

    Example (per-example gradients):
        >>> import numpy, wengert, wengert.numpy as np
        >>> loss = lambda w, x, y: (np.dot(x, w) - y) ** 2
        >>> X, Y = numpy.array([[1.0, 0.0], [0.0, 2.0]]), numpy.array([1.0, 0.0])
        >>> wengert.vmap(wengert.grad(loss), in_axes=(None, 0, 0))(numpy.ones(2), X, Y)
        array([[0., 0.],
               [0., 8.]])
    """
    from ..numpy import _batching  # noqa: F401  (registers the batching rules)

    @functools.wraps(fun)
    def batched(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, (tuple, list)):
            if len(in_axes) != len(args):
                raise ValueError(
                    f"vmap: in_axes has {len(in_axes)} entries but {name_of(fun)} was called "
                    f"with {len(args)} positional arguments; give one entry per argument")
            specs = in_axes
        else:
            specs = [in_axes] * len(args)
        leaves, td = tree.flatten((args, kwargs))
        axes = [a for i, (s, x) in enumerate(zip(specs, args))
                for a in _leaf_axes(s, x, f"argument {i}")]
        kw_names = [name for name in kwargs for _ in tree.leaves(kwargs[name])]
        axes += [0] * len(kw_names)   # keyword arguments: always axis 0, as in JAX
        n_pos = len(axes) - len(kw_names)
        sizes, names = [], []
        for k, (x, ax) in enumerate(zip(leaves, axes)):
            if ax is None:
                continue
            v = getval(x)
            if isinstance(v, (_np.ma.MaskedArray, _np.matrix)):
                raise TypeError(
                    f"vmap: leaf {k} of the arguments is a {type(v).__name__}, whose mask or "
                    "matrix semantics vmap would ignore; pass numpy.asarray(x) (or "
                    "x.filled(value) for a masked array)")
            shp = _shape(x)
            nd = len(shp)
            if k >= n_pos and nd == 0:
                name = kw_names[k - n_pos]
                raise ValueError(
                    f"vmap: keyword argument {name}={v!r:.60} is mapped along its axis 0 "
                    "(keyword arguments always are, as in JAX), but it has no axes; pass "
                    "it positionally with "
                    f"None in in_axes, or bind it first: functools.partial(f, {name}=...)")
            if not -nd <= ax < nd:
                raise ValueError(
                    f"vmap: in_axes asks for axis {ax} of leaf {k} of the arguments, which "
                    f"has shape {shp}; use None for an unbatched argument")
            axes[k] = ax % nd
            sizes.append(shp[ax])
            names.append(k if k < n_pos else f"keyword {kw_names[k - n_pos]!r}")
        if not sizes:
            raise ValueError("vmap: no argument is batched (every in_axes entry is None)")
        if len(set(sizes)) > 1:
            desc = ", ".join(f"leaf {k}: {n}" for k, n in zip(names, sizes))
            raise ValueError(
                f"vmap: the batched arguments of {name_of(fun)} have different batch sizes "
                f"({desc}; leaves count positional arguments' arrays in order); all mapped "
                "axes must have the same length")
        trace = BatchTrace(sizes[0])
        boxed = [x if ax is None else
                 trace.box(x if type(x) is _np.ndarray else adapt(x), ax)
                 for x, ax in zip(leaves, axes)]
        b_args, b_kwargs = tree.unflatten(td, boxed)
        out = fun(*b_args, **b_kwargs)
        out = expand_boxed_containers(out)
        out_leaves, out_def = tree.flatten(out)
        spec_axes = _leaf_axes(out_axes, out, "the output")
        res = []
        for k, (o, ax) in enumerate(zip(out_leaves, spec_axes)):
            if ax is not None:
                nd = len(_shape(o)) + 1   # the output's dimensions with the batch axis
                if not -nd <= ax < nd:
                    raise ValueError(
                        f"vmap: out_axes={ax} for output leaf {k}, whose per-example shape "
                        f"is {tuple(wnp.shape(o))}: the batched output has {nd} axes, so "
                        f"out_axes must lie in [{-nd}, {nd - 1}]")
            if trace.owns(o):
                v, d = box_value(o), trace.dim_of(o)
                if ax is None:
                    raise ValueError(
                        "vmap: out_axes is None for an output that depends on the batch; "
                        "give it an axis")
                nd = len(_shape(v))
                ax %= nd
                res.append(v if d == ax else wnp.moveaxis(v, d, ax))
            elif ax is None:
                res.append(o)
            else:
                s = tuple(wnp.shape(o))
                ax %= len(s) + 1
                res.append(wnp.broadcast_to(wnp.expand_dims(o, ax),
                                            s[:ax] + (trace.size,) + s[ax:]))
        out = tree.unflatten(out_def, res)
        # an array-API-only library's arrays leave the adapter they were batched in
        return unwrap_tree(out) if namespace_arrays_seen and holds_namespace_only(leaves) else out

    return batched


