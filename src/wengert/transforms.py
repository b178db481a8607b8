"""Function transforms: grad, jvp, vjp, jacobians, Hessians, checkpointing.

Every transform is built on two readings of a trace: reverse mode records a
tape and walks it backwards (:func:`make_vjp`); forward mode carries dual
numbers (:func:`make_jvp`).  Transforms nest to any order and in any mix.
Arguments and results may be nested tuples, lists and dicts of arrays.
"""
import functools
import inspect
import warnings

import numpy as _np

from . import numpy as wnp
from . import tree
from ._core import Box, DualTrace, TapeTrace, getval, primitive, vspace
from ._core.primitive import get_primitive
from .numpy._vspace import ArrayVSpace

__all__ = [
    "grad", "value_and_grad", "grad_and_aux", "elementwise_grad", "deriv", "holomorphic_grad",
    "grad_named", "jacobian", "jacfwd", "jacrev", "hessian", "hessian_tensor_product",
    "hessian_vector_product", "make_hvp", "make_vjp", "make_jvp", "jvp", "vjp",
    "checkpoint", "stop_gradient", "Tape", "vmap",
]


# -- arguments ------------------------------------------------------------------------
def _check_differentiable(x, what):
    for leaf in tree.leaves(x):
        v = getval(leaf)
        t = type(v)
        if t is float or (t is _np.ndarray and v.dtype.kind in "fc"):
            continue  # the common cases, checked cheaply
        if isinstance(v, (bool, _np.bool_)) or (isinstance(v, (int, _np.integer))):
            raise TypeError(
                f"cannot differentiate with respect to {what}: it is {type(v).__name__} "
                f"{v!r}, which has no derivative; pass a float (e.g. {float(v)!r}) or leave it "
                "out of argnum")
        dt = getattr(v, "dtype", None)
        if dt is not None and dt.kind not in "fc":
            raise TypeError(
                f"cannot differentiate with respect to {what}: it has dtype {dt}, which has no "
                "derivative; convert it with .astype(float) or leave it out of argnum")
        vspace(v)  # raises a clear TypeError for other types


def _nary(unary):
    """Turn ``unary(fun_of_x, x, ...)`` into ``op(fun, argnum=0, ...)(*args, **kwargs)``;
    with a tuple ``argnum`` the unary function sees a tuple of those arguments."""

    @functools.wraps(unary)
    def op(fun, argnum=0, *op_args, **op_kwargs):
        @functools.wraps(fun)
        def nary_f(*args, **kwargs):
            many = not isinstance(argnum, int)
            nums = tuple(argnum) if many else (argnum,)
            if any(i >= len(args) or i < -len(args) for i in nums):
                raise TypeError(
                    f"{unary.__name__}: argnum={argnum!r} but the function was called with "
                    f"{len(args)} positional argument(s)")
            for i in nums:
                _check_differentiable(args[i], f"argument {i} of {_name(fun)}")

            def unary_f(x):
                a = list(args)
                for i, xi in zip(nums, x if many else (x,)):
                    a[i] = xi
                return fun(*a, **kwargs)

            x = tuple(args[i] for i in nums) if many else args[argnum]
            return unary(unary_f, x, *op_args, **op_kwargs)

        return nary_f

    return op


def _name(fun):
    return getattr(fun, "__name__", type(fun).__name__)


# -- the two readings of a trace --------------------------------------------------------
def _expand_boxed_containers(out):
    """Results of multi-output primitives are boxes of tuples: index them out."""
    if isinstance(out, Box):
        inner = out
        while isinstance(inner, Box):
            inner = inner._value
        if type(inner) in (tuple, list):
            return type(inner)(_expand_boxed_containers(out[i]) for i in range(len(out)))
    t = type(out)
    if t in (tuple, list):
        return t(_expand_boxed_containers(o) for o in out)
    if t is dict:
        return {k: _expand_boxed_containers(v) for k, v in out.items()}
    return out


class _ReverseTrace:
    """One recorded evaluation: its result and a backward pass over its tape."""

    __slots__ = ("trace", "in_leaves", "in_def", "in_nodes", "out_nodes", "out_def", "ans")

    def __init__(self, fun, x):
        trace = self.trace = TapeTrace()
        self.in_leaves, self.in_def = tree.flatten(x)
        boxes = [trace.new_input(leaf) for leaf in self.in_leaves]
        self.in_nodes = [b._aux for b in boxes]
        try:
            out = fun(tree.unflatten(self.in_def, boxes))
        finally:
            trace.recording = False
        leaves, self.out_def = tree.flatten(_expand_boxed_containers(out))
        ours = [isinstance(o, Box) and o._trace is trace for o in leaves]
        self.out_nodes = [o._aux if m else None for o, m in zip(leaves, ours)]
        self.ans = tree.unflatten(self.out_def, [o._value if m else o
                                                 for o, m in zip(leaves, ours)])

    def independent(self):
        return all(n is None for n in self.out_nodes)

    def backward(self, g_leaves):
        """Cotangents of the inputs (a tree like ``x``) given one cotangent per
        output leaf (``None`` for zero)."""
        seeds = [(n, g) for n, g in zip(self.out_nodes, g_leaves)
                 if n is not None and g is not None]
        cts = self.trace.backward(seeds, self.in_nodes)
        grads = []
        for leaf, node in zip(self.in_leaves, self.in_nodes):
            g = cts.get(node)
            if (type(g) is _np.ndarray and type(leaf) is _np.ndarray and g.dtype == leaf.dtype
                    and g.shape == leaf.shape):
                grads.append(g)  # already an array of the argument's space
                continue
            vs = vspace(leaf)
            if g is None:
                g = vs.zeros()
            elif isinstance(vs, ArrayVSpace):
                if not isinstance(g, Box):
                    g = vs.cast(g)
                elif getattr(g._trace, "records_calls", False):   # wengert.compile's tracing
                    g = g._trace.apply_raw(vs.cast, (g,), {}, "cast")
                elif vs.iscomplex != _np.iscomplexobj(getval(g)):
                    # a traced cotangent (a higher derivative) has its input's kind:
                    # real for a real input, complex for a complex one
                    g = wnp.astype(g, vs.dtype) if vs.iscomplex else wnp.real(g)
            grads.append(g)
        return tree.unflatten(self.in_def, grads)

    def vjp(self, g):
        g_leaves, g_def = tree.flatten(g)
        if g_def != self.out_def:
            raise ValueError(
                "the cotangent passed to the vjp function must have the structure of the "
                f"function's output; got {g_def} for output structure {self.out_def}")
        return self.backward(g_leaves)


def _make_vjp(fun, x):
    rt = _ReverseTrace(fun, x)
    return rt.vjp, rt.ans


def _cast_tangent(t, x, what):
    vs_x, vs_t = vspace(x), vspace(t)
    if getattr(vs_x, "shape", None) != getattr(vs_t, "shape", None):
        raise ValueError(
            f"the tangent for {what} has shape {vs_t.shape} but the primal has shape "
            f"{vs_x.shape}; tangents must have the primal's shape")
    if isinstance(vs_x, ArrayVSpace) and not isinstance(t, Box):
        return vs_x.cast(t)
    return t


def _make_jvp(fun, x):
    def jvp_fun(t):
        x_leaves, x_def = tree.flatten(x)
        t_leaves, t_def = tree.flatten(t)
        if t_def != x_def:
            raise ValueError(
                f"the tangent must have the structure of the primal; got {t_def} for {x_def}")
        trace = DualTrace()
        boxes = [trace.new_input(xl, _cast_tangent(tl, xl, f"input leaf {i}"))
                 for i, (xl, tl) in enumerate(zip(x_leaves, t_leaves))]
        out = fun(tree.unflatten(x_def, boxes))
        leaves, out_def = tree.flatten(_expand_boxed_containers(out))
        values, tangents = [], []
        for o in leaves:
            if isinstance(o, Box) and o._trace is trace:
                values.append(o._value)
                tangents.append(o._aux)
            else:
                values.append(o)
                tangents.append(vspace(o).zeros())
        return tree.unflatten(out_def, values), tree.unflatten(out_def, tangents)
    return jvp_fun


# -- public transforms ------------------------------------------------------------------
make_vjp = _nary(_make_vjp)
make_vjp.__doc__ = """make_vjp(fun, argnum=0)(*args) -> (vjp_fn, value)

    Evaluate ``fun`` once, recording its tape; ``vjp_fn(cotangent)`` walks the
    tape backwards and returns the cotangent of argument ``argnum``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> vjp_fn, value = wengert.make_vjp(np.sin)(0.0)
        >>> float(vjp_fn(2.0))
        2.0
    """
make_jvp = _nary(_make_jvp)
make_jvp.__doc__ = """make_jvp(fun, argnum=0)(*args)(tangent) -> (value, tangent_out)

    Forward mode: push ``tangent`` (the direction of argument ``argnum``)
    through ``fun`` with dual numbers.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> value, t = wengert.make_jvp(np.exp)(0.0)(3.0)
        >>> float(value), float(t)
        (1.0, 3.0)
    """


_ONE64 = _np.float64(1.0)


def _scalar_seed(ans, who):
    v = getval(ans)
    if type(v) is _np.float64:      # the usual loss: no checks to make
        return _ONE64
    if type(v) is float:
        return 1.0
    if isinstance(v, (tuple, list, dict)):
        raise TypeError(
            f"{who} needs a function with a real scalar output, but it returned a "
            f"{type(v).__name__}; use jacobian, elementwise_grad or make_vjp for "
            "structured outputs (or grad_and_aux for an output with auxiliary data)")
    shape, dt = _np.shape(v), _np.result_type(v)  # (no value needed: compile traces v)
    if len(shape) and _np.prod(shape) != 1:
        raise TypeError(
            f"{who} needs a function with a real scalar output, but it returned an array of "
            f"shape {shape}; use jacobian for the full Jacobian or elementwise_grad for "
            "the gradient of its sum")
    if dt.kind == "b":
        raise TypeError(
            f"{who} needs a real scalar output, but the output is a boolean, which has no "
            "derivative (a comparison or a test such as np.allclose); differentiate a float "
            "expression instead")
    if dt.kind == "c":
        raise TypeError(
            f"{who} needs a real scalar output, but the output is complex ({dt}); use "
            "holomorphic_grad for holomorphic functions, or differentiate np.real/np.abs of it")
    return ArrayVSpace(v).ones() if dt.kind == "f" else 1.0


def _warn_independent():
    warnings.warn("Output seems independent of input: its gradient is zero.",
                  UserWarning, stacklevel=4)


@_nary
def value_and_grad(fun, x):
    """Return ``(fun(*args), gradient)``, the gradient with respect to ``argnum``.

    Example:
        >>> import wengert
        >>> value, g = wengert.value_and_grad(lambda x: x ** 3)(2.0)
        >>> float(value), g
        (8.0, 12.0)
    """
    rt = _ReverseTrace(fun, x)
    seed = _scalar_seed(rt.ans, "grad")
    if rt.independent():
        _warn_independent()
    return rt.ans, rt.backward([seed])


def grad(fun, argnum=0):
    """The gradient of a real scalar-valued ``fun`` with respect to argument
    ``argnum`` (an int, or a tuple of ints for a tuple of gradients), by
    reverse mode.  The gradient has the structure, shape and dtype of the
    argument.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> def f(x1, x2):   # Griewank's example from the seeds
        ...     return (np.sin(x1 / x2) + x1 / x2 - np.exp(x2)) * (x1 / x2 - np.exp(x2))
        >>> print(*(f"{g:.4f}" for g in wengert.grad(f, (0, 1))(1.5, 0.5)))
        3.0118 -13.7240
    """
    vg = value_and_grad(fun, argnum)

    @functools.wraps(fun)
    def gradfun(*args, **kwargs):
        return vg(*args, **kwargs)[1]

    return gradfun


@_nary
def grad_and_aux(fun, x):
    """For ``fun`` returning ``(loss, aux)``: return ``(gradient of loss, aux)``.

    Example:
        >>> import wengert
        >>> wengert.grad_and_aux(lambda x: (x * x, "note"))(3.0)
        (6.0, 'note')
    """
    rt = _ReverseTrace(lambda x: tuple(fun(x)), x)
    ans, aux = rt.ans
    seed = _scalar_seed(ans, "grad_and_aux")
    n = len(tree.leaves(ans))
    return rt.backward([seed] + [None] * (len(rt.out_nodes) - n)), aux


@_nary
def elementwise_grad(fun, x):
    """The gradient of ``sum(fun(x))``: the diagonal of the Jacobian when the
    Jacobian is diagonal (elementwise functions), in one reverse pass.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.elementwise_grad(np.square)(np.array([1.0, 2.0]))
        array([2., 4.])
    """
    rt = _ReverseTrace(fun, x)
    if vspace(rt.ans).iscomplex:
        raise TypeError("elementwise_grad needs real outputs; use holomorphic_grad or "
                        "differentiate np.real/np.abs of the output")
    return rt.vjp(vspace(rt.ans).ones())


@_nary
def deriv(fun, x):
    """The forward-mode derivative along a tangent of ones (for a scalar input,
    the derivative of every output).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> float(wengert.deriv(np.sin)(0.0))
        1.0
    """
    return _make_jvp(fun, x)(vspace(x).ones())[1]


@_nary
def holomorphic_grad(fun, x):
    """The complex derivative f'(z) of a holomorphic ``fun``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> complex(wengert.holomorphic_grad(lambda z: z * z)(1.0 + 2.0j))
        (2+4j)
    """
    if not vspace(x).iscomplex:
        warnings.warn("Input to holomorphic_grad is not complex", UserWarning, stacklevel=3)
    rt = _ReverseTrace(fun, x)
    v = _np.asarray(getval(rt.ans))
    if v.size != 1:
        raise TypeError("holomorphic_grad needs a scalar output; use jacobian for arrays")
    return rt.backward([_np.ones((), complex) if v.ndim == 0 else _np.ones(v.shape, complex)])


def grad_named(fun, argname):
    """The gradient with respect to the argument named ``argname``."""
    return grad(fun, list(inspect.signature(fun).parameters).index(argname))


def _array_arg(x, who):
    if isinstance(getval(x), (tuple, list, dict)):
        raise TypeError(f"{who} needs a scalar or array argument (got a "
                        f"{type(getval(x)).__name__}); pass a tuple argnum to get one "
                        "Jacobian per argument")
    return vspace(x)


# Batched basis vectors are processed in chunks whose basis block and result block
# together stay within this many bytes (override per call with chunk_size=).
JACOBIAN_CHUNK_BYTES = 64 * 2 ** 20


def _chunks(n_basis, n_other, itemsize, chunk_size):
    """``(start, stop)`` blocks of basis vectors: all at once when they fit the
    memory budget (the usual case), else as many as fit."""
    if chunk_size is None:
        per_vector = max(1, (n_basis + n_other) * itemsize)
        chunk_size = max(1, JACOBIAN_CHUNK_BYTES // per_vector)
    elif not isinstance(chunk_size, (int, _np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int or None, not {chunk_size!r}")
    return [(i, min(i + chunk_size, n_basis)) for i in range(0, n_basis, chunk_size)]


def _basis(vs, start, stop):
    """Rows ``start:stop`` of the identity, each shaped like a value of ``vs``."""
    eye = _np.eye(vs.size, dtype=vs.dtype)[start:stop]
    return eye.reshape((stop - start,) + tuple(vs.shape))


def _jacrev_at(rt, vs_in, who, chunk_size=None):
    vs_out = _array_arg(rt.ans, who + " (output)")
    if vs_out.iscomplex:
        raise TypeError(f"{who}: complex outputs are not supported; differentiate the real "
                        "and imaginary parts separately")
    shape = tuple(vs_out.shape) + tuple(vs_in.shape)
    if vs_in.iscomplex or vs_out.size <= 1:  # one pass per row (a gradient: no batching)
        rows = [rt.vjp(b) for b in vs_out.standard_basis()]
        return wnp.reshape(wnp.stack(rows), shape) if rows else _np.zeros(shape)
    # one backward pass carrying a block of cotangents (rows of the identity)
    vjp_rows = vmap(rt.vjp)
    blocks = [vjp_rows(_basis(vs_out, a, b))
              for a, b in _chunks(vs_out.size, vs_in.size, vs_out.dtype.itemsize, chunk_size)]
    return wnp.reshape(blocks[0] if len(blocks) == 1 else wnp.concatenate(blocks), shape)


def _jacfwd_at(fun, x, vs_in, who, chunk_size=None, n_out=None):
    jvp_fun = _make_jvp(fun, x)
    if vs_in.iscomplex or vs_in.size <= 1:  # one pass per column
        cols, ans = [], fun(x)
        for b in vs_in.standard_basis():
            ans, col = jvp_fun(b)
            cols.append(col)
        vs_out = _array_arg(ans, who + " (output)")
        if not cols:
            return _np.zeros(tuple(vs_out.shape) + tuple(vs_in.shape))
        return wnp.reshape(wnp.stack(cols, axis=-1), tuple(vs_out.shape) + tuple(vs_in.shape))
    # one forward pass carrying a block of tangents (columns of the identity)
    jvp_cols = vmap(lambda t: jvp_fun(t)[1])
    blocks, out_shape = [], None
    n_out = vs_in.size if n_out is None else n_out   # (an estimate when not known)
    for a, b in _chunks(vs_in.size, n_out, vs_in.dtype.itemsize, chunk_size):
        col = jvp_cols(_basis(vs_in, a, b))
        if out_shape is None:
            if isinstance(getval(col), (tuple, list, dict)):
                _array_arg(col, who + " (output)")
            out_shape = tuple(wnp.shape(col))[1:]
        blocks.append(wnp.reshape(col, (b - a, -1)))
    cols = blocks[0] if len(blocks) == 1 else wnp.concatenate(blocks)
    return wnp.reshape(wnp.transpose(cols), out_shape + tuple(vs_in.shape))


def _per_argnum(unary):
    """Allow a tuple argnum on a transform defined for one array argument."""
    one = _nary(unary)

    @functools.wraps(unary)
    def op(fun, argnum=0, *, chunk_size=None):
        if isinstance(argnum, int):
            return one(fun, argnum, chunk_size=chunk_size)
        fs = [one(fun, i, chunk_size=chunk_size) for i in argnum]
        return functools.wraps(fun)(lambda *a, **k: tuple(f(*a, **k) for f in fs))

    return op


@_per_argnum
def jacrev(fun, x, chunk_size=None):
    """The Jacobian by reverse mode; shape ``out.shape + in.shape``.  The
    function is recorded once and its tape walked backwards once, carrying a
    block of cotangents (rows of the identity, batched with :func:`vmap`);
    ``chunk_size`` bounds the rows per pass (default: as many as fit in
    ``JACOBIAN_CHUNK_BYTES``).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.jacrev(lambda x: x[::-1] * 2.0)(np.array([1.0, 2.0]))
        array([[0., 2.],
               [2., 0.]])
    """
    vs_in = _array_arg(x, "jacrev")
    return _jacrev_at(_ReverseTrace(fun, x), vs_in, "jacrev", chunk_size)


@_per_argnum
def jacfwd(fun, x, chunk_size=None):
    """The Jacobian by forward mode; shape ``out.shape + in.shape``.  One
    forward pass carries a block of tangents (columns of the identity, batched
    with :func:`vmap`); ``chunk_size`` bounds the columns per pass.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.jacfwd(lambda x: x * x)(np.array([1.0, 3.0]))
        array([[2., 0.],
               [0., 6.]])
    """
    return _jacfwd_at(fun, x, _array_arg(x, "jacfwd"), "jacfwd", chunk_size)


@_per_argnum
def jacobian(fun, x, chunk_size=None):
    """The Jacobian ``d fun / d x`` of shape ``out.shape + in.shape``; uses
    forward mode when there are fewer inputs than outputs (a tall Jacobian)
    and reverse mode otherwise, each as one pass carrying a block of basis
    vectors (``chunk_size`` bounds the block).

    Example:
        >>> import wengert, wengert.numpy as np
        >>> W = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> wengert.jacobian(lambda x: W @ x)(np.array([1.0, 1.0]))
        array([[1., 2.],
               [3., 4.],
               [5., 6.]])
    """
    vs_in = _array_arg(x, "jacobian")
    rt = _ReverseTrace(fun, x)
    vs_out = _array_arg(rt.ans, "jacobian (output)")
    if vs_in.size < vs_out.size:
        return _jacfwd_at(fun, x, vs_in, "jacobian", chunk_size, vs_out.size)
    return _jacrev_at(rt, vs_in, "jacobian", chunk_size)


def hessian(fun, argnum=0, *, chunk_size=None):
    """The Hessian of a scalar function; shape ``in.shape + in.shape``.

    The gradient computation is recorded once, on plain values, and its tape
    walked backwards once carrying a block of cotangents (the rows of the
    identity, batched with :func:`vmap`): reverse over reverse, which measured
    2-2.5x faster than forward over reverse (``jacfwd(jacrev(f))``, whose
    forward pass carries two levels of boxes).  ``chunk_size`` bounds the rows
    per pass.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> wengert.hessian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    return jacrev(jacrev(fun, argnum, chunk_size=chunk_size), argnum, chunk_size=chunk_size)


def hessian_tensor_product(fun, argnum=0):
    """``hvp(*args, v)``: the Hessian of ``fun`` times ``v`` (of the shape of
    argument ``argnum``), by forward-over-reverse, without forming the Hessian.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> hvp = wengert.hessian_vector_product(lambda x: np.sum(x ** 3))
        >>> hvp(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
        array([ 6., 12.])
    """
    g = grad(fun, argnum)

    def hvp(*args, **kwargs):
        args, v = args[:-1], args[-1]
        return make_jvp(g, argnum)(*args, **kwargs)(v)[1]

    return hvp


hessian_vector_product = hessian_tensor_product


@_nary
def make_hvp(fun, x):
    """make_hvp(fun, argnum=0)(*args) -> (hvp_fn, gradient): records the gradient
    computation once; each ``hvp_fn(v)`` is then one backward pass.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> hvp, g = wengert.make_hvp(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
        >>> hvp(np.array([1.0, 0.0]))
        array([6., 0.])
    """
    return _make_vjp(grad(fun), x)


def jvp(fun, primals, tangents):
    """JAX-style forward mode: ``(fun(*primals), tangent of the output)``.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> value, tangent = wengert.jvp(lambda x, y: x * y, (3.0, 2.0), (1.0, 0.0))
        >>> float(value), float(tangent)
        (6.0, 2.0)
    """
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    for i, p in enumerate(primals):
        _check_differentiable(p, f"primal {i}")
    return _make_jvp(lambda xs: fun(*xs), primals)(tangents)


def vjp(fun, *primals):
    """JAX-style reverse mode: ``(fun(*primals), vjp_fn)`` where
    ``vjp_fn(cotangent)`` returns a tuple with one cotangent per primal.

    Example:
        >>> import wengert
        >>> value, vjp_fn = wengert.vjp(lambda x, y: x * y, 3.0, 2.0)
        >>> vjp_fn(1.0)
        (2.0, 3.0)
    """
    for i, p in enumerate(primals):
        _check_differentiable(p, f"primal {i}")
    rt = _ReverseTrace(lambda xs: fun(*xs), tuple(primals))
    return rt.ans, rt.vjp


def stop_gradient(x):
    """``x`` as a constant: no derivative flows through it, at any level.

    Example:
        >>> import wengert
        >>> wengert.grad(lambda x: x * wengert.stop_gradient(x))(3.0)
        3.0
    """
    return tree.tree_map(getval, x)


# -- vectorizing map ------------------------------------------------------------------------
def _leaf_axes(spec, x, where):
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


def _ndim(x):
    return len(wnp.shape(x)) if not isinstance(x, Box) else len(x.shape)


def vmap(fun, in_axes=0, out_axes=0):
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
    from ._core.batching import BatchTrace
    from .numpy import _batching  # noqa: F401  (registers the batching rules)

    @functools.wraps(fun)
    def batched(*args, **kwargs):
        if isinstance(in_axes, (tuple, list)):
            if len(in_axes) != len(args):
                raise ValueError(
                    f"vmap: in_axes has {len(in_axes)} entries but {_name(fun)} was called "
                    f"with {len(args)} positional arguments; give one entry per argument")
            specs = in_axes
        else:
            specs = [in_axes] * len(args)
        leaves, td = tree.flatten(args)
        axes = [a for i, (s, x) in enumerate(zip(specs, args))
                for a in _leaf_axes(s, x, f"argument {i}")]
        sizes, names = [], []
        for k, (x, ax) in enumerate(zip(leaves, axes)):
            if ax is None:
                continue
            nd = _ndim(x)
            if not -nd <= ax < nd:
                raise ValueError(
                    f"vmap: in_axes asks for axis {ax} of leaf {k} of the arguments, which "
                    f"has shape {tuple(wnp.shape(x))}; use None for an unbatched argument")
            axes[k] = ax % nd
            sizes.append(wnp.shape(x)[ax])
            names.append(k)
        if not sizes:
            raise ValueError("vmap: no argument is batched (every in_axes entry is None)")
        if len(set(sizes)) > 1:
            desc = ", ".join(f"leaf {k}: {n}" for k, n in zip(names, sizes))
            raise ValueError(
                f"vmap: the batched arguments of {_name(fun)} have different batch sizes "
                f"({desc}; leaves count positional arguments' arrays in order); all mapped "
                "axes must have the same length")
        trace = BatchTrace(sizes[0])
        boxed = [x if ax is None else trace.box(x, ax) for x, ax in zip(leaves, axes)]
        out = fun(*tree.unflatten(td, boxed), **kwargs)
        out = _expand_boxed_containers(out)
        out_leaves, out_def = tree.flatten(out)
        spec_axes = _leaf_axes(out_axes, out, "the output")
        res = []
        for o, ax in zip(out_leaves, spec_axes):
            if isinstance(o, Box) and o._trace is trace:
                v, d = o._value, o._aux
                if ax is None:
                    raise ValueError(
                        "vmap: out_axes is None for an output that depends on the batch; "
                        "give it an axis")
                nd = len(wnp.shape(v))
                ax %= nd
                res.append(v if d == ax else wnp.moveaxis(v, d, ax))
            elif ax is None:
                res.append(o)
            else:
                s = tuple(wnp.shape(o))
                ax %= len(s) + 1
                res.append(wnp.broadcast_to(wnp.expand_dims(o, ax),
                                            s[:ax] + (trace.size,) + s[ax:]))
        return tree.unflatten(out_def, res)

    return batched


# -- checkpointing ------------------------------------------------------------------------
def _call_flat(f, *leaves):
    return f(*leaves)


_checkpointed = primitive(_call_flat, "wengert.checkpoint")


def _checkpoint_vjp(argnums, g, ans, f, *leaves):
    # Recompute the forward pass of f, now recording it, then walk it backwards.
    if type(g) in (tuple, list):
        g = type(g)(vspace(a).zeros() if gi is None else gi for gi, a in zip(g, ans))
    idx = [a - 1 for a in argnums]
    rt = _ReverseTrace(lambda xs: f(*[xs[idx.index(i)] if i in idx else l
                                      for i, l in enumerate(leaves)]),
                       tuple(leaves[i] for i in idx))
    return rt.vjp(g)


def _checkpoint_jvp(argnums, tangents, ans, f, *leaves):
    idx = [a - 1 for a in argnums]
    return _make_jvp(lambda xs: f(*[xs[idx.index(i)] if i in idx else l
                                    for i, l in enumerate(leaves)]),
                     tuple(leaves[i] for i in idx))(tuple(tangents))[1]


get_primitive(_checkpointed).vjp_joint = _checkpoint_vjp
get_primitive(_checkpointed).jvp_joint = _checkpoint_jvp


def _checkpoint_batch(args, dims, kwargs):
    # Under vmap, checkpoint the vmapped function: the recomputation stays batched.
    f, leaves = args[0], args[1:]
    return _checkpointed(vmap(f, in_axes=tuple(dims[1:])), *leaves), 0


get_primitive(_checkpointed).batch = _checkpoint_batch


def checkpoint(fun):
    """``fun`` with its intermediate values discarded after the forward pass and
    recomputed during the backward pass: memory for time.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> layer = wengert.checkpoint(lambda w, x: np.tanh(w * x))
        >>> round(float(wengert.grad(lambda w: layer(w, 1.0))(0.0)), 6)
        1.0
    """

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        leaves, td = tree.flatten(args)

        def flat_fun(*ls):
            return fun(*tree.unflatten(td, ls), **kwargs)

        return _checkpointed(flat_fun, *leaves)

    return wrapped


# -- the imperative tape --------------------------------------------------------------------
class Tape:
    """A gradient tape in the style of the seeds' ``Tape`` and TensorFlow's
    ``GradientTape``: watch inputs, compute, then ask for gradients of any
    recorded value with respect to watched inputs *or* recorded intermediates,
    as many times as you like.

    Example:
        >>> import wengert
        >>> with wengert.Tape() as tape:
        ...     x = tape.watch(3.0); y = tape.watch(2.0)
        ...     h = x * y
        ...     o = h * h
        >>> [float(g) for g in tape.gradient(o, [h, x, y])]
        [12.0, 24.0, 36.0]
    """

    def __init__(self):
        self._trace = None

    def __enter__(self):
        self._trace = TapeTrace()
        return self

    def __exit__(self, *exc):
        self._trace.recording = False
        return False

    @property
    def trace(self):
        """The underlying Wengert list (used by ``wengert.explain``)."""
        return self._trace

    def watch(self, value):
        """Start recording operations on ``value`` (a float, an array or a tree of
        them); returns the traced value to compute with."""
        if self._trace is None or not self._trace.recording:
            raise RuntimeError("Tape.watch must be called inside 'with wengert.Tape() as tape:'")
        _check_differentiable(value, "the watched value")
        return tree.tree_map(self._trace.new_input, value)

    def _node(self, v):
        return v._aux if isinstance(v, Box) and v._trace is self._trace else None

    def _source_node(self, v):
        node = self._node(v)
        # a box rebound by an in-place write remembers the node it held before
        return node if node is None else getattr(v, "_origin", node)

    def gradient(self, target, sources, output_gradients=None):
        """d target / d sources, with ``sources`` a value recorded on this tape or a
        tree of them; the result has the structure of ``sources``.  A source the
        target does not depend on gets zeros.

        A source written into after it was watched or computed (``x[0] = 0``,
        ``x += 1``) stands for the value it had then, not its current contents:
        the write is one more operation on the tape, between the source and the
        target.

        Example:
            >>> import numpy, wengert
            >>> with wengert.Tape() as tape:
            ...     x = tape.watch(numpy.array([1.0, 2.0]))
            ...     x[0] = 5.0                # x's watched value no longer reaches y[0]
            ...     y = (x * x).sum()
            >>> tape.gradient(y, x)
            array([0., 4.])
        """
        if self._trace is None:
            raise RuntimeError("this Tape has recorded nothing; use 'with wengert.Tape() as tape:'")
        t_leaves, t_def = tree.flatten(target)
        if output_gradients is None:
            seeds = [_scalar_seed(t, "Tape.gradient") if len(t_leaves) == 1 else
                     vspace(t).ones() for t in t_leaves]
        else:
            seeds = tree.leaves(output_gradients)
        seeds = [(self._node(t), g) for t, g in zip(t_leaves, seeds)]
        seeds = [(n, g) for n, g in seeds if n is not None]
        s_leaves, s_def = tree.flatten(sources)
        nodes = [self._source_node(s) for s in s_leaves]
        for s, n in zip(s_leaves, nodes):
            if n is None:
                raise ValueError(
                    f"Tape.gradient: a source ({s!r}) was not recorded on this tape; pass "
                    "values returned by tape.watch or computed from them inside the 'with' "
                    "block")
        cts = self._trace.backward(seeds, nodes) if seeds else {}
        out = []
        for s, n in zip(s_leaves, nodes):
            g = cts.get(n)
            vs = vspace(s)
            out.append(vs.zeros() if g is None else
                       vs.cast(g) if not isinstance(g, Box) and isinstance(vs, ArrayVSpace)
                       else g)
        return tree.unflatten(s_def, out)
