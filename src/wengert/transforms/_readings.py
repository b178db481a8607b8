"""The two readings of a trace that every transform is built on: reverse mode
records a tape and walks it backwards (:class:`ReverseTrace`, :func:`vjp_at`);
forward mode carries dual numbers (:func:`jvp_at`).

These take one argument ``x`` (a tree) and do no argument checking; the public
transforms (``make_vjp``, ``make_jvp``, ``grad`` ...) add ``argnum``, the checks and
``has_aux`` around them.  The names here are the transforms' internal API, for the
layers built on them (``custom``, ``core``, ``misc``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as _np

from .. import numpy as wnp
from .. import tree
from .._core import Box, DualTrace, TapeTrace, box_trace, box_value, getval, has_jvp, vspace
from .._core.batching import BatchTrace
from ..numpy._backends import is_foreign, numpy_dtype, to_backend
from ..numpy._views import PLAIN_TARGET_FIX

if TYPE_CHECKING:
    from .._typing import PyTree


def innermost(x: Any) -> Any:
    """The value under every box of ``x``, value-level boxes (vmap's, compile's)
    included (:func:`getval` stops at those)."""
    while isinstance(x, Box):
        x = box_value(x)
    return x


def expand_boxed_containers(out: Any) -> Any:
    """Results of multi-output primitives are boxes of tuples: index them out."""
    if isinstance(out, Box):
        inner = innermost(out)
        if type(inner) in (tuple, list):
            seq: Any = out   # a box of a tuple indexes like one
            return type(inner)(expand_boxed_containers(seq[i]) for i in range(len(seq)))
    t = type(out)
    if t in (tuple, list):
        return t(expand_boxed_containers(o) for o in out)
    if t is dict:
        return {k: expand_boxed_containers(v) for k, v in out.items()}
    return out


def reraise_plain_target(e: Any) -> None:
    """NumPy reports ``plain[i] = traced`` as "setting an array element with a
    sequence", with the helpful error only as its cause: raise that one instead,
    with the traceback to the user's line.  Any other error goes on unchanged."""
    cause = e.__cause__
    if isinstance(cause, TypeError) and str(cause) == PLAIN_TARGET_FIX:
        raise cause.with_traceback(e.__traceback__) from None
    raise e


_LEAF_DEF = tree.flatten(0.0)[1]    # the tree definition of a single leaf


class _Shallow(tuple):
    """The structure of a list or tuple of arrays and floats, or of lists and tuples of
    them (a parameter list of ``(W, b)`` pairs): its type and, per item, ``None`` for a
    leaf or ``(type, length)`` for a sequence of leaves."""
    __slots__ = ()


_PAIR = (tuple, 2)     # the item of a (W, b) pair


def _flatten_input(x: Any) -> tuple[list[Any], Any]:
    """``tree.flatten(x)``, with the usual argument of a gradient (see :class:`_Shallow`)
    split without a tree walk (and rebuilt by :func:`_unflatten_input`)."""
    t = type(x)
    if t is list or t is tuple:
        leaves: list[Any] = []
        items: list[Any] = []
        for v in x:
            tv = type(v)
            if tv is tuple and len(v) == 2:     # a (W, b) pair: both written out
                a, b = v
                ta, tb = type(a), type(b)
                if (ta is _np.ndarray or ta is float) and (tb is _np.ndarray or tb is float):
                    leaves += v
                    items.append(_PAIR)
                    continue
            if tv is _np.ndarray or tv is float:
                leaves.append(v)
                items.append(None)
            elif tv is list or tv is tuple:
                for w in v:
                    tw = type(w)
                    if tw is not _np.ndarray and tw is not float:
                        return tree.flatten(x)
                leaves.extend(v)
                items.append((tv, len(v)))
            else:
                return tree.flatten(x)
        return leaves, _Shallow((t, tuple(items)))
    return tree.flatten(x)


def _unflatten_input(spec: Any, leaves: list[Any]) -> Any:
    """The input rebuilt from ``leaves`` (the inverse of :func:`_flatten_input`)."""
    if type(spec) is not _Shallow:
        return tree.unflatten(spec, leaves)
    t, items = spec
    out = []
    i = 0
    for item in items:
        if item is _PAIR:
            out.append((leaves[i], leaves[i + 1]))
            i += 2
        elif item is None:
            out.append(leaves[i])
            i += 1
        else:
            n = i + item[1]
            out.append(item[0](leaves[i:n]))
            i = n
    return out if t is list else tuple(out)


class ReverseTrace:
    """One recorded evaluation of ``fun(x)``: its result ``ans`` and a backward pass
    over its tape (:meth:`vjp`), which may be run any number of times."""

    __slots__ = ("trace", "in_leaves", "in_def", "in_nodes", "out_nodes", "out_def", "ans")

    def __init__(self, fun: Callable[[Any], Any], x: PyTree) -> None:
        trace = self.trace = TapeTrace()
        self.in_leaves, self.in_def = _flatten_input(x)
        boxes, self.in_nodes = trace.new_inputs(self.in_leaves)
        node_of = trace.node_of
        try:
            # (a box of a tuple is indexed out while the tape still records the indexing)
            out = expand_boxed_containers(fun(_unflatten_input(self.in_def, boxes)))
        except ValueError as e:
            reraise_plain_target(e)
        finally:
            trace.recording = False
        owns = trace.owns
        if owns(out) and type(box_value(out)) not in (tuple, list, dict):
            # one output of this tape (a loss): no tree to walk
            self.out_def, self.out_nodes, self.ans = _LEAF_DEF, [node_of(out)], box_value(out)
            return
        leaves, self.out_def = tree.flatten(out)
        self.out_nodes = nodes = [node_of(o) if owns(o) else None for o in leaves]
        self.ans = tree.unflatten(self.out_def, [o if n is None else box_value(o)
                                                 for o, n in zip(leaves, nodes)])

    def independent(self) -> bool:
        """Whether no output depends on the input."""
        return self.out_nodes.count(None) == len(self.out_nodes)

    def has_forward_rules(self) -> bool:
        """Whether every recorded operation has a forward rule for its traced
        arguments (code written for autograd often defines reverse rules only)."""
        return all(has_jvp(prim, argnum)
                   for prim, _args, _kwargs, _ans, parents in filter(None, self.trace.entries)
                   for argnum, _node in parents)

    def backward(self, g_leaves: Sequence[Any]) -> PyTree:
        """Cotangents of the inputs (a tree like ``x``) given one cotangent per
        output leaf (``None`` for zero)."""
        seeds = [(n, g) for n, g in zip(self.out_nodes, g_leaves)
                 if n is not None and g is not None]
        cts = self.trace.backward(seeds, self.in_nodes)
        grads = []
        for leaf, node in zip(self.in_leaves, self.in_nodes):
            g = cts.get(node)
            if (type(g) is _np.ndarray and type(leaf) is _np.ndarray and g.shape == leaf.shape
                    and (g.dtype is leaf.dtype or g.dtype == leaf.dtype)):
                grads.append(g)  # already an array of the argument's space
                continue
            vs = vspace(leaf)
            if g is None:
                g = vs.zeros()
            elif not isinstance(g, Box):
                g = vs.cast(g)
            else:
                trace = box_trace(g)
                if trace.records_calls:   # wengert.compile's tracing: cast as one call
                    g = trace.apply_raw(vs.cast, (g,), {}, "cast")
                elif vs.iscomplex != is_complex(g):   # (no dispatch: vmap would loop)
                    # a traced cotangent (a higher derivative) has its input's kind:
                    # real for a real input, complex for a complex one
                    g = wnp.astype(g, vs.dtype) if vs.iscomplex else wnp.real(g)
                elif isinstance(vs.dtype, _np.dtype) and getattr(
                        innermost(g), "dtype", vs.dtype) != vs.dtype:
                    # and its input's precision, as a plain cotangent's cast gives it (a
                    # float32 input whose cotangent a rule computed in float64, say)
                    g = wnp.astype(g, vs.dtype)
            grads.append(g)
        return _unflatten_input(self.in_def, grads)

    def vjp(self, g: PyTree) -> PyTree:
        """The cotangent of ``x`` for the output cotangent ``g`` (a tree like ``ans``)."""
        g_leaves, g_def = tree.flatten(g)
        if g_def != self.out_def:
            raise ValueError(
                "the cotangent passed to the vjp function must have the structure of the "
                f"function's output; got {g_def} for output structure {self.out_def}")
        out_leaves = tree.leaves(self.ans)
        for k, (gl, out) in enumerate(zip(g_leaves, out_leaves)):
            check_not_complex(gl, out, f"output leaf {k}", "cotangent")
            if type(out) is not _np.ndarray and type(out) is not float and is_foreign(out):
                g_leaves[k] = _on_backend_of(gl, out)
        return self.backward(g_leaves)


def _on_backend_of(g: Any, out: Any) -> Any:
    """The cotangent ``g`` (a NumPy value, or a batch of them under ``vmap``: the rows of
    an identity ``jacobian`` builds) moved to the library and device of the output
    ``out`` (a CuPy array, say), which would refuse to mix with it."""
    if isinstance(g, Box):
        trace, v = box_trace(g), box_value(g)
        if isinstance(trace, BatchTrace) and isinstance(v, _np.ndarray):
            return trace.box(to_backend(v, out), trace.dim_of(g))
        return g
    return to_backend(g, out)


def vjp_at(fun: Callable[[Any], Any], x: PyTree) -> tuple[Callable[[PyTree], PyTree], Any]:
    """``(vjp_fn, fun(x))``: ``vjp_fn(g)`` is the cotangent of ``x`` for an output
    cotangent ``g`` (one recording, any number of backward passes)."""
    rt = ReverseTrace(fun, x)
    return rt.vjp, rt.ans


def is_complex(v: Any) -> bool:
    """Whether the value of ``v`` (a box's included) has a complex type or dtype."""
    v = getval(v)
    t = type(v)
    if t is _np.ndarray:
        return v.dtype.kind == "c"
    if t is float:
        return False
    if t is complex:
        return True
    dt = getattr(v, "dtype", None)
    return dt is not None and numpy_dtype(dt).kind == "c"


def check_not_complex(t: Any, x: Any, what: str, role: str) -> None:
    if is_complex(t) and not is_complex(x):
        raise TypeError(
            f"the {role} for {what} is complex but the value is real; its imaginary part "
            f"would be dropped; pass a real {role} (e.g. np.real(...)), or make the value "
            "complex if the function is meant for complex inputs")


def _cast_tangent(t: Any, x: Any, what: str) -> Any:
    check_not_complex(t, x, what, "tangent")
    vs_x, vs_t = vspace(x), vspace(t)
    if getattr(vs_x, "shape", None) != getattr(vs_t, "shape", None):
        raise ValueError(
            f"the tangent for {what} has shape {vs_t.shape} but the primal has shape "
            f"{vs_x.shape}; tangents must have the primal's shape")
    return t if isinstance(t, Box) else vs_x.cast(t)


def jvp_at(fun: Callable[[Any], Any], x: PyTree) -> Callable[[PyTree], tuple[Any, Any]]:
    """``jvp_fn(t) -> (fun(x), tangent of fun(x))`` for a tangent ``t`` of ``x``
    (each call is one forward pass)."""
    def jvp_fun(t: PyTree) -> tuple[Any, Any]:
        x_leaves, x_def = tree.flatten(x)
        t_leaves, t_def = tree.flatten(t)
        if t_def != x_def:
            raise ValueError(
                f"the tangent must have the structure of the primal; got {t_def} for {x_def}")
        trace = DualTrace()
        boxes = [trace.new_input(xl, _cast_tangent(tl, xl, f"input leaf {i}"))
                 for i, (xl, tl) in enumerate(zip(x_leaves, t_leaves))]
        try:
            out = fun(tree.unflatten(x_def, boxes))
        except ValueError as e:
            reraise_plain_target(e)
        leaves, out_def = tree.flatten(expand_boxed_containers(out))
        values, tangents = [], []
        owns, tangent_of = trace.owns, trace.tangent_of
        for o in leaves:
            if owns(o):
                values.append(box_value(o))
                tangents.append(tangent_of(o))
            else:
                values.append(o)
                tangents.append(vspace(o).zeros())
        return tree.unflatten(out_def, values), tree.unflatten(out_def, tangents)
    return jvp_fun
