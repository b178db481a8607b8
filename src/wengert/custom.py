"""Custom derivative rules for user functions, in JAX's spelling.

``custom_jvp`` gives a function a forward rule; reverse mode comes from it (the
rule is linear in the tangents, so its reverse pass is the transpose).
``custom_vjp`` gives a function a forward pass that saves residuals and a
backward rule; forward mode comes from transposing the backward rule.  Both
rules are ordinary Python over ``wengert.numpy`` operations, so they are
themselves differentiable: derivatives of any order, in either mode, under
``vmap`` and ``compile``.  Arguments and results may be trees (tuples, lists,
dicts) of arrays; ``nondiff_argnums`` names arguments that are not
differentiated (functions, flags, sizes), which the rules receive first.

``wengert.extend`` has the same power in autograd's spelling (``primitive``,
``defvjp``, ``defjvp``).

Example (a numerically safe ``log(1 + exp(x))``):
    >>> import wengert, wengert.numpy as np
    >>> @wengert.custom_jvp
    ... def softplus(x):
    ...     return np.logaddexp(x, 0.0)
    >>> @softplus.defjvp
    ... def softplus_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return softplus(x), t / (1.0 + np.exp(-x))
    >>> float(wengert.grad(softplus)(0.0))
    0.5
"""
from typing import Any, Callable, Sequence, TypeVar
import contextlib
import functools
import inspect
import threading

from . import numpy as wnp
from . import tree
from ._core import Box, defbatch, defjvp_joint, defvjp_joint, is_value_level, primitive, vspace
from .transforms import vmap
from .transforms._readings import ReverseTrace, jvp_at
from ._typing import Fn

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["custom_jvp", "custom_vjp"]

# Per thread: the custom functions whose forward rule is being differentiated for
# the derivatives of its residuals; a call of such a function from inside its own
# rule runs the plain function (its residual derivatives would otherwise ask for
# the same rule again, without end).
_state = threading.local()


def _plain_set() -> Any:
    s = getattr(_state, "plain", None)
    if s is None:
        s = _state.plain = set()
    return s


class _Spec:
    """The static part of one call: the non-differentiable arguments and the
    structure of the differentiable ones (passed to the primitive as a constant)."""

    __slots__ = ("nargs", "nondiff", "in_def")

    def __init__(self, nargs: Any, nondiff: Any, in_def: Any) -> None:
        self.nargs = nargs
        self.nondiff = nondiff      # ((position, value), ...)
        self.in_def = in_def        # tree structure of the tuple of differentiable args

    def args(self, leaves: Sequence[Any]) -> list[Any]:
        """The full positional arguments from the differentiable leaves."""
        diff = iter(tree.unflatten(self.in_def, leaves))
        fixed = dict(self.nondiff)
        return [fixed[i] if i in fixed else next(diff) for i in range(self.nargs)]

    def parts(self, leaves: Sequence[Any]) -> tuple[list[Any], Any]:
        """``(nondiff values, differentiable args)``."""
        return [v for _, v in self.nondiff], tree.unflatten(self.in_def, leaves)


class _Out:
    """The output structure of one call (filled in by the forward pass)."""

    __slots__ = ("out_def", "n_out", "res_def")
    out_def: Any
    n_out: Any
    res_def: Any

    def __init__(self) -> None:
        self.out_def = self.n_out = self.res_def = None


@contextlib.contextmanager
def _plain(custom: Any) -> Any:
    plain = _plain_set()
    inside = custom in plain
    plain.add(custom)
    try:
        yield
    finally:
        if not inside:
            plain.discard(custom)


def _zeros(x: Any) -> Any:
    return wnp.zeros_like(x) if isinstance(x, Box) else vspace(x).zeros()


def _fill(gs: Any, like: Any) -> Any:
    """Cotangent or tangent leaves with ``None`` (a symbolic zero) made zeros."""
    return [_zeros(v) if g is None else g for g, v in zip(gs, like)]


def _item(seq: Any, i: Any) -> Any:
    """Element ``i`` of a (possibly traced) tuple."""
    return seq[i]


class _Custom:
    kind = "custom"
    # set by functools.update_wrapper
    __name__: str
    __wrapped__: Fn
    # defined by each kind (custom_jvp, custom_vjp)
    _run: Fn
    _vjp_joint: Fn
    _jvp_joint: Fn
    _check_rules: Callable[[], None]
    _for_whole_batch: Fn

    def __init__(self, fun: Any, nondiff_argnums: Any=()) -> None:
        if not callable(fun):
            raise TypeError(f"{self.kind} decorates a function, not {type(fun).__name__}")
        nums = (nondiff_argnums,) if isinstance(nondiff_argnums, int) else nondiff_argnums
        if not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in nums):
            raise TypeError(f"{self.kind}: nondiff_argnums must be non-negative ints (positions "
                            f"of arguments), not {nondiff_argnums!r}")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(sorted(set(nums)))
        name = getattr(fun, "__qualname__", None) or getattr(fun, "__name__", repr(fun))
        self._prim = primitive(self._run, name=f"{self.kind}({name})")
        defvjp_joint(self._prim, self._vjp_joint)
        defjvp_joint(self._prim, self._jvp_joint)
        defbatch(self._prim, self._batch)

    def __repr__(self) -> Any:
        return f"<{self.kind} {self.__wrapped__!r}>"

    def __get__(self, obj: Any, objtype: Any=None) -> Any:   # as a method
        return self if obj is None else functools.partial(self, obj)

    def _positional(self, args: Any, kwargs: Any) -> Any:
        if not kwargs:
            return list(args)
        try:
            bound = inspect.signature(self.fun).bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.__name__}: {e}") from None
        bound.apply_defaults()
        if bound.kwargs:
            raise TypeError(f"{self.__name__}: keyword arguments {sorted(bound.kwargs)} have no "
                            f"position in {self.__name__}'s signature; a {self.kind} function "
                            "takes its arguments by position")
        return list(bound.args)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._check_rules()
        args = self._positional(args, kwargs)
        if self in _plain_set():
            return self.fun(*args)
        for i in self.nondiff_argnums:
            if i >= len(args):
                raise TypeError(f"{self.__name__}: nondiff_argnums names argument {i} but the "
                                f"function was called with {len(args)} arguments")
            if any(isinstance(v, Box) and not is_value_level(v) for v in tree.leaves(args[i])):
                raise TypeError(
                    f"{self.__name__}: argument {i} is in nondiff_argnums but carries a "
                    "derivative (it depends on a differentiated value); take it out of "
                    "nondiff_argnums, or pass wengert.stop_gradient(...) of it if it is a "
                    "constant")
        diff = tuple(v for i, v in enumerate(args) if i not in self.nondiff_argnums)
        leaves, in_def = tree.flatten(diff)
        spec = _Spec(len(args), tuple((i, args[i]) for i in self.nondiff_argnums), in_def)
        if not any(isinstance(v, Box) for v in leaves):
            return self.fun(*args)   # nothing traced: the plain function
        out = _Out()
        flat = self._prim(spec, out, *leaves)
        return tree.unflatten(out.out_def, [_item(flat, i) for i in range(out.n_out)])

    # the primal function on flat leaves: returns a flat tuple
    def _flat_out(self, out: Any, value: Any) -> Any:
        leaves, out.out_def = tree.flatten(value)
        out.n_out = len(leaves)
        return leaves

    def _batch(self, args: Any, dims: Any, kwargs: Any) -> Any:
        """Under ``vmap``: a custom function of the same kind on the whole batch,
        whose rules are the per-example rules vmapped (outputs batched on axis 0)."""
        spec, out, leaves = args[0], args[1], args[2:]
        whole = self._for_whole_batch(spec, out, tuple(dims[2:]))
        return whole(*leaves), 0

    def _per_example_out(self, spec: Any, out: Any, leaves: Any) -> Any:
        return tuple(self._flat_out(out, self.fun(*spec.args(list(leaves)))))


class custom_jvp(_Custom):
    """A function with a custom forward-mode rule, in JAX's spelling.

    ``@custom_jvp`` decorates ``f``; ``@f.defjvp`` then gives the rule
    ``f_jvp(primals, tangents) -> (primal_out, tangent_out)``, with ``primals``
    and ``tangents`` tuples of the differentiable arguments (tangents of
    arguments that are not being differentiated are zeros).  With
    ``nondiff_argnums`` those arguments come first: ``f_jvp(*nondiff, primals,
    tangents)``.  ``defjvps`` takes one rule per argument instead:
    ``jvp_i(tangent_i, primal_out, *primals) -> its contribution``.

    Reverse mode, ``vmap`` and higher orders come from the rule (write it with
    ``wengert.numpy`` operations).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> @wengert.custom_jvp
        ... def f(x, y):
        ...     return np.sin(x) * y
        >>> @f.defjvp
        ... def f_jvp(primals, tangents):
        ...     (x, y), (tx, ty) = primals, tangents
        ...     return f(x, y), np.cos(x) * tx * y + np.sin(x) * ty
        >>> float(wengert.grad(f, argnums=1)(0.0, 2.0)), float(wengert.grad(f)(0.0, 2.0))
        (0.0, 2.0)
    """

    kind = "custom_jvp"

    def __init__(self, fun: Any, nondiff_argnums: Any=()) -> None:
        super().__init__(fun, nondiff_argnums)
        self.jvp: Any = None    # the rule (a function) once defjvp or defjvps is called

    def defjvp(self, jvp: F, symbolic_zeros: bool = False) -> F:
        """Set the rule ``jvp(*nondiff, primals, tangents) -> (primal_out, tangent_out)``;
        returns ``jvp`` (usable as a decorator)."""
        _no_symbolic_zeros(symbolic_zeros, "defjvp")
        if not callable(jvp):
            raise TypeError(f"defjvp takes a function, not {type(jvp).__name__}")
        self.jvp = jvp
        return jvp

    def defjvps(self, *jvps: Fn | None) -> None:
        """One rule per differentiable argument, ``jvp_i(t_i, primal_out, *primals)``
        (``None`` for an argument with zero derivative); their sum is the tangent."""
        def jvp(*a: Any) -> Any:
            nd, (primals, tangents) = a[:-2], a[-2:]
            ans = self.fun(*_merge(self.nondiff_argnums, nd, primals))
            total = None
            for rule, t in zip(jvps, tangents):
                if rule is not None:
                    ti = rule(t, ans, *primals)
                    total = ti if total is None else tree.tree_map(lambda p, q: p + q, total, ti)
            return ans, (tree.tree_map(_zeros, ans) if total is None else total)
        self.jvp = jvp

    def _check_rules(self) -> None:
        if self.jvp is None:
            raise AttributeError(f"no JVP rule for the custom_jvp function {self.__name__}; "
                                 f"define one with @{self.__name__}.defjvp")

    def _run(self, spec: Any, out: Any, *leaves: Any) -> Any:
        return tuple(self._flat_out(out, self.fun(*spec.args(leaves))))

    def _tangent_out(self, spec: Any, out: Any, leaves: Any, t_leaves: Any) -> Any:
        nd, primals = spec.parts(leaves)
        tangents = tree.unflatten(spec.in_def, _fill(t_leaves, leaves))
        res = self.jvp(*nd, tuple(primals), tuple(tangents))
        if type(res) not in (tuple, list) or len(res) != 2:
            raise TypeError(f"the JVP rule of {self.__name__} must return a pair (primal_out, "
                            f"tangent_out), but it returned a {type(res).__name__}")
        t_flat, t_def = tree.flatten(res[1])
        if t_def != out.out_def:
            raise TypeError(f"the JVP rule of {self.__name__} returned a tangent of structure "
                            f"{t_def} for an output of structure {out.out_def}; give the "
                            "tangent the output's structure")
        return t_flat

    def _jvp_joint(self, argnums: Any, tangents: Any, ans: Any, spec: Any, out: Any, *leaves: Any) -> Any:
        t_leaves = [None] * len(leaves)
        for i, t in zip(argnums, tangents):
            t_leaves[i - 2] = t
        return tuple(self._tangent_out(spec, out, leaves, t_leaves))

    def _vjp_joint(self, argnums: Any, g: Any, ans: Any, spec: Any, out: Any, *leaves: Any) -> Any:
        # The rule is linear in the tangents: its reverse pass (at zero tangents)
        # is the transpose, the cotangents of the inputs.
        idx = [i - 2 for i in argnums]
        g = tuple(_fill(g, [_item(ans, k) for k in range(len(ans))]))

        def tangent_map(ts: Any) -> Any:
            t_leaves = [None] * len(leaves)
            for i, t in zip(idx, ts):
                t_leaves[i] = t
            return tuple(self._tangent_out(spec, out, leaves, t_leaves))

        rt = ReverseTrace(tangent_map, tuple(_zeros(leaves[i]) for i in idx))
        return list(rt.vjp(g))

    def _for_whole_batch(self, spec: Any, out: Any, ldims: Any) -> Any:
        whole = custom_jvp(lambda *leaves: vmap(
            lambda *ls: self._per_example_out(spec, out, ls), in_axes=ldims)(*leaves))

        def one(p_leaves: Any, t_leaves: Any) -> Any:
            nd, primals = spec.parts(list(p_leaves))
            tangents = tree.unflatten(spec.in_def, list(t_leaves))
            res = self.jvp(*nd, tuple(primals), tuple(tangents))
            return tuple(tree.leaves(res[0])), tuple(tree.leaves(res[1]))

        whole.defjvp(lambda primals, tangents: vmap(one, in_axes=(ldims, ldims))(
            primals, tangents))
        return whole


class custom_vjp(_Custom):
    """A function with a custom reverse-mode rule, in JAX's spelling.

    ``@custom_vjp`` decorates ``f``; ``f.defvjp(fwd, bwd)`` then gives
    ``fwd(*args) -> (output, residuals)`` and ``bwd(*nondiff, residuals,
    cotangent) -> tuple`` with one cotangent per differentiable argument (in
    its structure; ``None`` for zero).  With ``nondiff_argnums`` those
    arguments are passed to ``bwd`` first (``fwd`` takes all arguments).

    Residuals flow as values of the computation, so higher orders are exact
    when ``fwd`` and ``bwd`` use ``wengert.numpy`` operations; forward mode
    (``jvp``, ``jacfwd``, Hessian-vector products) transposes ``bwd``.

    Example (a gradient clipped to [-1, 1]):
        >>> import wengert, wengert.numpy as np
        >>> @wengert.custom_vjp
        ... def clip_gradient(x):
        ...     return x
        >>> clip_gradient.defvjp(lambda x: (x, None),
        ...                      lambda res, g: (np.clip(g, -1.0, 1.0),))
        >>> float(wengert.grad(lambda x: 3.0 * clip_gradient(x))(2.0))
        1.0
    """

    kind = "custom_vjp"

    def __init__(self, fun: Any, nondiff_argnums: Any=()) -> None:
        super().__init__(fun, nondiff_argnums)
        self.fwd: Any = None    # the rules (functions) once defvjp is called
        self.bwd: Any = None

    def defvjp(self, fwd: Fn, bwd: Fn, symbolic_zeros: bool = False) -> None:
        """Set ``fwd(*args) -> (output, residuals)`` and
        ``bwd(*nondiff, residuals, cotangent) -> tuple of cotangents``."""
        _no_symbolic_zeros(symbolic_zeros, "defvjp")
        if not (callable(fwd) and callable(bwd)):
            raise TypeError("defvjp takes two functions, fwd and bwd")
        self.fwd, self.bwd = fwd, bwd

    def _check_rules(self) -> None:
        if self.fwd is None:
            raise AttributeError(f"no VJP rule for the custom_vjp function {self.__name__}; "
                                 f"define one with {self.__name__}.defvjp(fwd, bwd)")

    def _run(self, spec: Any, out: Any, *leaves: Any) -> Any:
        res = self.fwd(*spec.args(leaves))
        if type(res) not in (tuple, list) or len(res) != 2:
            raise TypeError(f"the fwd rule of {self.__name__} must return a pair (output, "
                            f"residuals), but it returned a {type(res).__name__}")
        outs = self._flat_out(out, res[0])
        r_leaves, out.res_def = tree.flatten(res[1])
        return tuple(outs) + tuple(r_leaves)

    def _residuals(self, out: Any, ans: Any) -> Any:
        return tree.unflatten(out.res_def, [_item(ans, k) for k in
                                            range(out.n_out, len(ans))])

    def _cotangents(self, spec: Any, out: Any, ans: Any, leaves: Any, g_out: Any) -> Any:
        """The leaves of ``bwd``'s cotangents, zeros for ``None``."""
        return self._bwd_leaves(spec, out, self._residuals(out, ans), leaves, g_out)

    def _bwd_leaves(self, spec: Any, out: Any, res: Any, leaves: Any, g_out: Any) -> Any:
        nd, diff = spec.parts(list(leaves))
        g_tree = tree.unflatten(out.out_def, list(g_out))
        cts = self.bwd(*nd, res, g_tree)
        if type(cts) not in (tuple, list) or len(cts) != len(diff):
            raise TypeError(
                f"the bwd rule of {self.__name__} must return a tuple with one cotangent per "
                f"differentiable argument ({len(diff)}), but it returned "
                f"{len(cts) if type(cts) in (tuple, list) else 'a ' + type(cts).__name__}"
                f"{' entries' if type(cts) in (tuple, list) else ''}")
        flat: list[Any] = []
        for k, (c, a) in enumerate(zip(cts, diff)):
            a_leaves, a_def = tree.flatten(a)
            if c is None:
                flat.extend(_zeros(v) for v in a_leaves)
                continue
            c_leaves, c_def = tree.flatten(c)
            if c_def != a_def:
                raise TypeError(f"the bwd rule of {self.__name__} returned a cotangent of "
                                f"structure {c_def} for argument {k} of structure {a_def}")
            flat.extend(_zeros(v) if ci is None else ci for ci, v in zip(c_leaves, a_leaves))
        return flat

    def _vjp_joint(self, argnums: Any, g: Any, ans: Any, spec: Any, out: Any, *leaves: Any) -> Any:
        n = out.n_out
        ans_items = [_item(ans, k) for k in range(len(ans))]
        g = list(g)
        cts = [None] * len(leaves)
        if any(gi is not None for gi in g[:n]):
            flat = self._cotangents(spec, out, ans, leaves, _fill(g[:n], ans_items[:n]))
            cts = list(flat)
        if any(gi is not None for gi in g[n:]):
            # cotangents of the residuals (a derivative of a derivative): through fwd
            idx = [i - 2 for i in argnums]
            rt = ReverseTrace(lambda xs: self._res_of(spec, leaves, idx, xs),
                              tuple(leaves[i] for i in idx))
            extra = rt.vjp(tuple(_fill(g[n:], ans_items[n:])))
            for i, e in zip(idx, extra):
                cts[i] = e if cts[i] is None else cts[i] + e
        return [cts[i - 2] for i in argnums]

    def _res_of(self, spec: Any, leaves: Any, idx: Any, xs: Any) -> Any:
        ls = list(leaves)
        for i, x in zip(idx, xs):
            ls[i] = x
        with _plain(self):
            return tuple(tree.leaves(self.fwd(*spec.args(ls))[1]))

    def _jvp_joint(self, argnums: Any, tangents: Any, ans: Any, spec: Any, out: Any, *leaves: Any) -> Any:
        n = out.n_out
        ans_items = [_item(ans, k) for k in range(len(ans))]
        idx = [i - 2 for i in argnums]
        # the outputs' tangent: the transpose of bwd (linear in its cotangent)
        rt = ReverseTrace(lambda gs: tuple(self._cotangents(spec, out, ans, leaves, gs)),
                          tuple(_zeros(v) for v in ans_items[:n]))
        t_full = [None] * len(leaves)
        for i, t in zip(idx, tangents):
            t_full[i] = t
        t_out = rt.vjp(tuple(_fill(t_full, leaves)))
        if len(ans_items) == n:
            return tuple(t_out)
        # the residuals' tangent: through fwd (for derivatives of the backward pass)
        _, t_res = jvp_at(lambda xs: self._res_of(spec, leaves, idx, xs),
                          tuple(leaves[i] for i in idx))(tuple(tangents))
        return tuple(t_out) + tuple(t_res)

    def _for_whole_batch(self, spec: Any, out: Any, ldims: Any) -> Any:
        # The primitive's outputs are the function's outputs and the residuals: the
        # batched version computes both for the whole batch, and its backward rule
        # is the per-example rule (and the residuals' derivatives) vmapped.
        def per_example(*ls: Any) -> Any:
            with _plain(self):   # calls of this function inside fwd: the plain function
                return self._run(spec, out, *ls)

        whole = custom_vjp(lambda *leaves: vmap(per_example, in_axes=ldims)(*leaves))

        def fwd(*leaves: Any) -> Any:
            flat = whole.fun(*leaves)
            return flat, (leaves, flat)

        def bwd(res: Any, g: Any) -> Any:
            leaves, flat = res
            n = out.n_out

            def one(ls: Any, fl: Any, g: Any) -> Any:
                r = tree.unflatten(out.res_def, list(fl[n:]))
                return tuple(self._bwd_leaves(spec, out, r, ls, g[:n]))
            cts = vmap(one, in_axes=(ldims, 0, 0))(leaves, flat, tuple(g))
            # an input shared by the batch (not mapped) gets the sum over the batch
            cts = [wnp.sum(c, axis=0) if d is None else wnp.moveaxis(c, 0, d)
                   for c, d in zip(cts, ldims)]
            if len(flat) > n:   # the residuals' cotangents, through fwd
                rt = ReverseTrace(lambda ls: whole.fun(*ls)[n:], tuple(leaves))
                cts = [c + e for c, e in zip(cts, rt.vjp(tuple(g[n:])))]
            return tuple(cts)

        whole.defvjp(fwd, bwd)
        return whole


def _merge(positions: Any, nd: Any, primals: Any) -> Any:
    """Positional arguments from the nondiff values (at ``positions``) and the others."""
    nd, primals = list(nd), list(primals)
    return [nd.pop(0) if i in positions else primals.pop(0)
            for i in range(len(nd) + len(primals))]


def _no_symbolic_zeros(flag: Any, who: str) -> None:
    if flag:
        raise NotImplementedError(
            f"{who}(symbolic_zeros=True) is not supported: the rules always receive zeros as "
            "arrays (JAX's default); drop symbolic_zeros")
