"""Products: ``dot``, ``matmul``, ``tensordot``, ``einsum``, ``kron``, ``cross`` and friends.

CS231n's matrix-product rule, dW = dD·Xᵀ and dX = Wᵀ·dD for D = W·X,
generalized to any number of dimensions.  All products are bilinear, so their
forward rules follow from ``def_linear`` in both arguments.
"""
import math as _math

import numpy as _np

from .._core import def_keep, def_linear, defbatch, defjvp_any, defvjp, defvjp_any
from ._batchrules import elementwise as _elementwise_batch, pair_to0, to0, to_rank, with_loop
from . import _elementwise, _reductions, _shape
from ._dispatch import equivalent, iscomplexobj, shape, stand_in, val, wrap
from ._unbroadcast import unbroadcast


def _ndim(x):
    return len(shape(x))


def _tensordot_axes(an, bn, axes):
    if isinstance(axes, int) or _np.ndim(axes) == 0:
        n = int(axes)
        return list(range(an - n, an)), list(range(n))
    ax_a, ax_b = axes
    ax_a = [ax_a] if _np.ndim(ax_a) == 0 else list(ax_a)
    ax_b = [ax_b] if _np.ndim(ax_b) == 0 else list(ax_b)
    return [int(a) % an for a in ax_a], [int(b) % bn for b in ax_b]


def _tensordot_vjp_a(g, a, b, ax_a, ax_b):
    an, bn = _ndim(a), _ndim(b)
    a_free = [i for i in range(an) if i not in ax_a]
    b_free = [i for i in range(bn) if i not in ax_b]
    r = tensordot(g, b, (list(range(len(a_free), _ndim(g))), b_free))
    # r's last axes are b's contracted axes in increasing order; name them by a's axes
    ax_a_in_r = [ax_a[ax_b.index(i)] for i in sorted(ax_b)]
    r = _shape.transpose(r, tuple(_np.argsort(a_free + ax_a_in_r))) if an > 1 else r
    return unbroadcast(r, a)  # a real a (with a complex b) gets a real cotangent


def _tensordot_vjp_b(g, a, b, ax_a, ax_b):
    an, bn = _ndim(a), _ndim(b)
    a_free = [i for i in range(an) if i not in ax_a]
    b_free = [i for i in range(bn) if i not in ax_b]
    r = tensordot(a, g, (a_free, list(range(len(a_free)))))
    # r's first axes are a's contracted axes in increasing order; name them by b's axes
    ax_b_in_r = [ax_b[ax_a.index(i)] for i in sorted(ax_a)]
    r = _shape.transpose(r, tuple(_np.argsort(ax_b_in_r + b_free))) if bn > 1 else r
    return unbroadcast(r, b)  # a real b (with a complex a) gets a real cotangent


def _tensordot(a, b, axes=2):
    if (type(a) is not _np.ndarray or type(b) is not _np.ndarray) and not isinstance(axes, int):
        # non-negative axes: dask.array.tensordot contracts the wrong axes for negative ones
        axes = _tensordot_axes(_np.ndim(a), _np.ndim(b), axes)
    return _np.tensordot(a, b, axes)


tensordot = wrap(_np.tensordot, "numpy.tensordot", fast=stand_in(
    _np.tensordot, _tensordot, "with non-negative axes for other libraries' arrays"))
defvjp(tensordot,
       lambda g, ans, a, b, axes=2: _tensordot_vjp_a(
           g, a, b, *_tensordot_axes(_ndim(a), _ndim(b), axes)),
       lambda g, ans, a, b, axes=2: _tensordot_vjp_b(
           g, a, b, *_tensordot_axes(_ndim(a), _ndim(b), axes)))
def_linear(tensordot, argnums=(0, 1))


def _tensordot_batch(args, dims, kwargs):
    """A batched tensordot as an einsum with one more letter for the batch axis."""
    (a, b), (da, db) = args[:2], dims[:2]
    axes = args[2] if len(args) > 2 else kwargs.get("axes", 2)
    na, nb = _ndim(a) - (da is not None), _ndim(b) - (db is not None)
    ax_a, ax_b = _tensordot_axes(na, nb, axes)
    letters = iter(_LETTERS)
    ta = [next(letters) for _ in range(na)]
    tb = [next(letters) for _ in range(nb)]
    for i, j in zip(ax_a, ax_b):
        tb[j] = ta[i]
    out = [c for i, c in enumerate(ta) if i not in ax_a] + \
          [c for j, c in enumerate(tb) if j not in ax_b]
    spec = "".join(ta) + "," + "".join(tb) + "->" + "".join(out)
    return _einsum_batch([spec, a, b], [None, da, db], {})


defbatch(tensordot, _tensordot_batch)


def _dot_axes(a, b):
    an, bn = _ndim(a), _ndim(b)
    if an == 0 or bn == 0:
        return [], []
    return [an - 1], [max(bn - 2, 0)]


dot = wrap(_np.dot)
defvjp(dot,
       lambda g, ans, a, b: _tensordot_vjp_a(g, a, b, *_dot_axes(a, b)),
       lambda g, ans, a, b: _tensordot_vjp_b(g, a, b, *_dot_axes(a, b)))
def_linear(dot, argnums=(0, 1))
def_keep(dot, args={0: (1,), 1: (0,)})                  # the other factor


def _dot_batch(args, dims, kwargs):
    (a, b), (da, db) = args, dims
    ka, kb = _ndim(a) - (da is not None), _ndim(b) - (db is not None)
    if ka == 0 or kb == 0:
        return _elementwise_batch(_elementwise.multiply)(args, dims, kwargs)
    if ka <= 2 and kb <= 2:
        return _matmul_batch(args, dims, kwargs)
    return _tensordot_batch([a, b, ([ka - 1], [kb - 2 if kb >= 2 else 0])], [da, db], {})


defbatch(dot, with_loop(dot, _dot_batch))


def _matmul_vjp_a(g, ans, a, b, **kwargs):
    if (type(g) is _np.ndarray and type(b) is _np.ndarray and g.ndim == 2 and b.ndim == 2
            and b.dtype.kind != "c" and not kwargs):
        return _np.matmul(g, b.T)    # plain matrices (a first derivative): the product alone
    an, bn = _ndim(a), _ndim(b)
    if an == 2 and bn == 2 and not kwargs:
        # the common case (.T of a box is a recorded transpose); unbroadcast drops the
        # imaginary part a real a cannot have (b complex)
        r = matmul(g, b.T)
        return unbroadcast(r, a) if iscomplexobj(b) else r
    if bn == 1:
        return unbroadcast(g * b if an == 1 else _shape.expand_dims(g, -1) * b, a)
    if an == 1 and bn == 2 and not kwargs:
        # a vector times a matrix: the vector's cotangent is b·g, one product (under vmap,
        # a block of rows is one matrix product; a Hessian's diagonal seed stays a scaling)
        return unbroadcast(matmul(b, g), a)
    if an == 1:
        return unbroadcast(_shape.getitem(matmul(b, _shape.expand_dims(g, -1)), (Ellipsis, 0)), a)
    return unbroadcast(matmul(g, _shape.swapaxes(b, -1, -2)), a)


def _matmul_vjp_b(g, ans, a, b, **kwargs):
    if (type(g) is _np.ndarray and type(a) is _np.ndarray and g.ndim == 2 and a.ndim == 2
            and a.dtype.kind != "c" and not kwargs):
        return _np.matmul(a.T, g)
    an, bn = _ndim(a), _ndim(b)
    if an == 2 and bn == 2 and not kwargs:
        r = matmul(a.T, g)
        return unbroadcast(r, b) if iscomplexobj(a) else r
    if an == 1:
        return unbroadcast(
            g * a if bn == 1 else _shape.expand_dims(a, -1) * _shape.expand_dims(g, -2), b)
    if bn == 1 and an == 2 and not kwargs:
        # a matrix times a vector: the vector's cotangent is g·a, one product (under vmap,
        # as for a Jacobian's block of rows, one matrix product with no reshaping)
        return unbroadcast(matmul(g, a), b)
    if bn == 1:
        column = matmul(_shape.swapaxes(a, -1, -2), _shape.expand_dims(g, -1))
        return unbroadcast(_shape.getitem(column, (Ellipsis, 0)), b)
    return unbroadcast(matmul(_shape.swapaxes(a, -1, -2), g), b)


matmul = wrap(_np.matmul)
defvjp(matmul, _matmul_vjp_a, _matmul_vjp_b)
def_linear(matmul, argnums=(0, 1))
def_keep(matmul, args={0: (1,), 1: (0,)})               # the other factor


def _matmul_batch(args, dims, kwargs):
    a, b, da, db, ka, kb = pair_to0(args, dims)
    # one matrix times a batch: a single matrix product (not a stack of small ones)
    if db is None and kb == 2 and not kwargs:
        if ka == 1:                                    # (B, k) @ (k, m)
            return matmul(a, b), 0
        if ka >= 2:                                    # (B, ..., n, k) @ (k, m)
            s = shape(a)
            out = matmul(_shape.reshape(a, (_math.prod(s[:-1]), s[-1])), b)
            return _shape.reshape(out, s[:-1] + shape(b)[-1:]), 0
    if da is None and ka == 2 and not kwargs:
        if kb == 1:                                    # (n, k) @ (B, k)
            return matmul(b, _shape.transpose(a)), 0
        if kb >= 2:                                    # (n, k) @ (B, ..., k, m)
            bt = _shape.swapaxes(b, -1, -2)
            s = shape(bt)
            out = matmul(_shape.reshape(bt, (_math.prod(s[:-1]), s[-1])), _shape.transpose(a))
            return _shape.swapaxes(_shape.reshape(out, s[:-1] + shape(a)[:1]), -1, -2), 0
    squeezed = []
    if ka == 1:
        a = _shape.expand_dims(a, -2)
        ka, squeezed = 2, squeezed + [-2]
    if kb == 1:
        b = _shape.expand_dims(b, -1)
        kb, squeezed = 2, squeezed + [-1]
    r = max(ka, kb)
    a, b = to_rank(a, da, ka, r), to_rank(b, db, kb, r)
    out = matmul(a, b, **kwargs)
    if squeezed:
        out = _shape.squeeze(out, tuple(squeezed) if len(squeezed) == 1 else (-2, -1))
    return out, 0


defbatch(matmul, _matmul_batch)


def outer(a, b, out=None):
    """``numpy.outer`` (composed: a column times a row)."""
    return _elementwise.multiply(_shape.reshape(a, (-1, 1)), _shape.reshape(b, (1, -1)))


def inner(a, b):
    """``numpy.inner``: a sum product over the last axes."""
    if _ndim(a) == 0 or _ndim(b) == 0:
        return _elementwise.multiply(a, b)
    return tensordot(a, b, ([_ndim(a) - 1], [_ndim(b) - 1]))


def vdot(a, b):
    """``numpy.vdot``: conjugates ``a``, flattens both."""
    return _reductions.sum(_elementwise.conjugate(_shape.ravel(a)) * _shape.ravel(b))


for _np_fun, _ours in ((_np.outer, outer), (_np.inner, inner), (_np.vdot, vdot)):
    equivalent(_np_fun, _ours)


# -- einsum -------------------------------------------------------------------------------
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _sublist_letters(sub):
    """A sublist of ints (and Ellipsis) as subscript letters, like NumPy's."""
    out = []
    for s in sub:
        if s is Ellipsis:
            out.append("...")
        elif isinstance(s, (int, _np.integer)) and 0 <= s < 52:
            out.append(chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26))
        else:
            raise ValueError(f"einsum: subscript {s!r} in a sublist must be an int in "
                             "[0, 52) or Ellipsis")
    return "".join(out)


def _einsum_spec(args):
    """Subscripts and operands from either calling form of ``numpy.einsum``."""
    if isinstance(args[0], str):
        return args[0], list(args[1:])
    operands, subs = list(args[0::2]), [_sublist_letters(s) for s in args[1::2]]
    out = None
    if len(args) % 2 == 1:           # a trailing output sublist
        out = _sublist_letters(args[-1])
        operands = operands[:-1]
    return ",".join(subs) + ("" if out is None else "->" + out), operands


def _canonical_subscripts(subscripts, shapes):
    """Explicit subscripts without ellipses: ``'...ij,jk'`` becomes e.g. ``'Aij,jk->Aik'``.

    Ellipsis dimensions get letters unused elsewhere, aligned to the right across
    operands (they broadcast); an implicit output is NumPy's: the ellipsis
    dimensions, then the letters that appear once, in alphabetical order."""
    subscripts = subscripts.replace(" ", "")
    ins, arrow, out = subscripts.partition("->")
    ins = ins.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: the subscripts {subscripts!r} name {len(ins)} operand(s) "
                         f"but {len(shapes)} were given; give one comma-separated term "
                         "per operand")
    for term in ins + [out]:
        if not term.replace("...", "").isalpha() and term.replace("...", ""):
            raise ValueError(f"einsum: invalid subscript term {term!r} in {subscripts!r}; "
                             "use letters a-z, A-Z and at most one '...' per term")
    fresh = [c for c in _LETTERS if c not in subscripts]
    n_ell = []
    for term, shp in zip(ins, shapes):
        named = len(term.replace("...", ""))
        extra = len(shp) - named
        if ("..." in term and extra < 0) or ("..." not in term and extra != 0):
            raise ValueError(f"einsum: the term {term!r} of {subscripts!r} does not match "
                             f"an operand of shape {tuple(shp)}; give one letter per axis "
                             "(or '...' for the leading ones)")
        n_ell.append(extra if "..." in term else 0)
    k = max(n_ell, default=0)
    if k > len(fresh):
        raise ValueError(f"einsum: {subscripts!r} uses too many axes for 52 letters")
    ell = "".join(fresh[:k])
    ins = [t.replace("...", ell[k - e:]) for t, e in zip(ins, n_ell)]
    if arrow:
        if "..." not in out and k and any(n_ell):
            raise ValueError(f"einsum: the output of {subscripts!r} has no '...' but the "
                             "operands' ellipses cover axes; add '...' to the output")
        out = out.replace("...", ell)
    else:
        counts = {c: "".join(ins).count(c) for c in "".join(ins)}
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    return ",".join(ins) + "->" + out


def _einsum_impl(subscripts, *operands, optimize=False):
    return _np.einsum(subscripts, *operands, optimize=optimize)


_einsum = wrap(_einsum_impl, "numpy.einsum")


def _einsum_batch(args, dims, kwargs):
    """A batched einsum: one more letter, in front, for the batched operands."""
    subscripts, operands = args[0], args[1:]
    if not isinstance(subscripts, str):
        return None
    ins, out = subscripts.split("->")
    z = next(c for c in _LETTERS if c not in subscripts)
    ins = [z + t if d is not None else t for t, d in zip(ins.split(","), dims[1:])]
    ops = [to0(v, d) if d is not None else v for v, d in zip(operands, dims[1:])]
    return _einsum(",".join(ins) + "->" + z + out, *ops, **kwargs), 0


defbatch(_einsum, with_loop(_einsum, _einsum_batch))


def _rule_optimize(optimize):
    # an explicit contraction path fits the original operands only
    return optimize if isinstance(optimize, (bool, str)) else "greedy"


def _einsum_vjp(argnum, g, ans, subscripts, *operands, optimize=False):
    """The cotangent of operand ``argnum`` is itself an einsum: of ``g`` with the
    other operands, into the operand's axes.  Three kinds of axis need more:

    * a letter repeated in the operand (``'ii'``): only its diagonal is read, so
      the cotangent lives there; later occurrences get fresh letters tied to the
      first by an identity matrix;
    * a letter in no other factor (summed out of this operand alone), or only
      in factors where it is broadcast (length 1): the cotangent is constant
      along it, an einsum with a vector of ones;
    * an axis of length 1 broadcast against a longer one: it gets a fresh letter
      and a ones(1), so the longer axis is summed into it.
    """
    ins, out = subscripts.split("->")
    ins = ins.split(",")
    i = argnum - 1
    x = operands[i]
    xshape = shape(x)
    sizes = {}
    for term, op in zip(ins, operands):
        for c, n in zip(term, shape(op)):
            sizes[c] = max(sizes.get(c, 1), n)
    real_dt = _np.empty(0, dtype=_np.result_type(val(g))).real.dtype
    fresh = iter(c for c in _LETTERS if c not in subscripts)
    terms = [out] + [t for j, t in enumerate(ins) if j != i]
    factors = [g] + [op for j, op in enumerate(operands) if j != i]
    target, seen = [], set()
    for c, n in zip(ins[i], xshape):
        if n == 1 and sizes[c] > 1:              # broadcast: sum the long axis into it
            f = next(fresh)
            terms.append(f)
            factors.append(_np.ones(1, real_dt))
            target.append(f)
        elif c in seen:                          # repeated: back onto the diagonal
            f = next(fresh)
            terms.append(c + f)
            factors.append(_np.eye(n, dtype=real_dt))
            target.append(f)
        else:
            seen.add(c)
            target.append(c)
    present = {}                                 # letter -> its length among the factors
    for term, f in zip(terms, factors):
        for c, n in zip(term, shape(f)):
            present[c] = max(present.get(c, 1), n)
    for c, n in zip(target, xshape):
        if present.get(c, 0) < n:                # summed out of x alone: broadcast back
            terms.append(c)
            factors.append(_np.ones(n, real_dt))
            present[c] = n
    r = _einsum(",".join(terms) + "->" + "".join(target), *factors,
                optimize=_rule_optimize(optimize))
    return unbroadcast(r, x)    # a real operand of a complex product gets a real cotangent


def _einsum_jvp(argnum, t, ans, subscripts, *operands, optimize=False):
    ops = list(operands)
    ops[argnum - 1] = t
    return _einsum(subscripts, *ops, optimize=_rule_optimize(optimize))


defvjp_any(_einsum, _einsum_vjp)
defjvp_any(_einsum, _einsum_jvp)


def einsum(*operands, out=None, optimize=False, **kwargs):
    """``numpy.einsum``, differentiable in every operand, for any subscripts.

    Both calling forms (a subscript string, or operands interleaved with
    sublists of ints), implicit and explicit outputs, repeated letters within
    an operand (diagonals, traces), ellipses with broadcasting, and any number
    of operands.  ``optimize=`` is passed to NumPy.  The result is multilinear
    in the operands: the forward rule applies einsum to the tangent, and the
    reverse rule for each operand is an einsum of the cotangent with the others.

    Example:
        >>> import wengert, wengert.numpy as np
        >>> a = np.array([[1.0, 2.0], [3.0, 4.0]])
        >>> float(np.einsum("ii", a))
        5.0
        >>> wengert.grad(lambda a: np.einsum("ij,ij->", a, a))(a)
        array([[2., 4.],
               [6., 8.]])
    """
    if not operands:
        raise TypeError("einsum: give subscripts and at least one operand")
    if out is not None:
        raise TypeError("wengert.numpy.einsum does not support out=; use the returned array")
    dt = kwargs.pop("dtype", None)
    kwargs.pop("order", None)
    kwargs.pop("casting", None)
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword argument(s) {sorted(kwargs)}")
    subscripts, ops = _einsum_spec(operands)
    canonical = _canonical_subscripts(subscripts, [shape(o) for o in ops])
    res = _einsum(canonical, *ops, optimize=optimize)
    return res if dt is None else _elementwise.astype(res, dt)


# -- kron, cross ------------------------------------------------------------------------
def kron(a, b):
    """``numpy.kron``: the Kronecker product, a product of interleaved reshapes.

    Example:
        >>> import wengert.numpy as np
        >>> np.kron(np.array([1.0, 2.0]), np.array([1.0, 10.0]))
        array([ 1., 10.,  2., 20.])
    """
    sa, sb = tuple(shape(a)), tuple(shape(b))
    nd = max(len(sa), len(sb))
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    a2 = _shape.reshape(a, tuple(v for n in sa for v in (n, 1)))
    b2 = _shape.reshape(b, tuple(v for n in sb for v in (1, n)))
    return _shape.reshape(_elementwise.multiply(a2, b2), tuple(m * n for m, n in zip(sa, sb)))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``numpy.cross`` of 2- or 3-vectors (a 2-vector has a zero z component;
    two 2-vectors give the z component alone), broadcasting over the other axes.

    Example:
        >>> import wengert.numpy as np
        >>> np.cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
        array([0., 0., 1.])
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a = _shape.moveaxis(a, axisa, -1)
    b = _shape.moveaxis(b, axisb, -1)
    na, nb = shape(a)[-1], shape(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"cross: the vector axes have lengths {na} and {nb}; both must "
                         "be 2 or 3 (choose them with axisa=, axisb= or axis=)")
    ac = [_shape.getitem(a, (Ellipsis, k)) for k in range(na)]
    bc = [_shape.getitem(b, (Ellipsis, k)) for k in range(nb)]
    z = _elementwise.subtract(ac[0] * bc[1], ac[1] * bc[0])
    if na == nb == 2:
        return z
    if na == 2:
        cx, cy = ac[1] * bc[2], _elementwise.negative(ac[0] * bc[2])
    elif nb == 2:
        cx, cy = _elementwise.negative(ac[2] * bc[1]), ac[2] * bc[0]
    else:
        cx = _elementwise.subtract(ac[1] * bc[2], ac[2] * bc[1])
        cy = _elementwise.subtract(ac[2] * bc[0], ac[0] * bc[2])
    c = _shape.stack([cx, cy, z], axis=-1)
    return _shape.moveaxis(c, -1, axisc) if axisc not in (-1, len(shape(c)) - 1) else c


for _np_fun, _ours in ((_np.einsum, einsum), (_np.kron, kron), (_np.cross, cross)):
    equivalent(_np_fun, _ours)
