"""Every operation of the table in wengert/_specs, through one generic checker.

* ``test_op``: forward and reverse mode against centered finite differences,
  recursively to order 2 (3 for products), for every argument.
* ``test_fwd_equals_rev``: the two modes are two readings of one derivative, so
  a forward tangent paired with a cotangent equals the reverse cotangent paired
  with the tangent, to rounding error (far tighter than finite differences).
* ``test_derivatives_keep_dtype``: float32 inputs (and float16 ones, for the
  elementwise ops) get derivatives of their dtype, from ``wengert.grad`` and
  from the rules themselves (before any final cast), in both modes.
* ``test_python_scalars_keep_float64``: every spec whose function takes scalars
  also runs on Python floats, whose value and derivatives to order 2 (both modes,
  eagerly, compiled and under ``vmap``) must equal those on float64 arrays to 1 ulp.
"""
import dataclasses
import warnings

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert import tree
from wengert._core import Box, DualTrace, TapeTrace, get_primitive, getval, vspace
from wengert.test_util import check_grads

from wengert._specs import OP_SPECS, cover_name


def _params(specs):
    """Specs as pytest parameters; a spec with a known bug outside the rules is a
    strict xfail, so the test turns red once the bug is fixed."""
    return [pytest.param(s, id=str(s), marks=[pytest.mark.xfail(strict=True, reason=s.xfail)]
                         if s.xfail else []) for s in specs]


@pytest.mark.parametrize("spec", _params(OP_SPECS))
def test_op(spec, rng):
    args = spec.sample(rng)
    check_grads(spec.fun, modes=["fwd", "rev"], order=spec.order, rng=rng)(*args)


def _with(args, i, x):
    return [*args[:i], x, *args[i + 1:]]


def _pairing(a, b):
    """Re(sum(a * b)), the pairing of tangents with cotangents, and its scale
    sum(|a| |b|), which bounds its rounding error."""
    a, b = np.asarray(a), np.asarray(b)
    return float(np.real(np.sum(a * b))), float(np.sum(np.abs(a) * np.abs(b)))


# xfail specs are left out: their operations are checked by other specs at order 1
@pytest.mark.parametrize("spec", [s for s in OP_SPECS if s.is_float64 and not s.xfail],
                         ids=str)
def test_fwd_equals_rev(spec, rng):
    args = spec.sample(rng)
    for i, x in enumerate(args):
        def f_i(xi, _i=i):
            return spec.fun(*_with(args, _i, xi))

        v = vspace(x).randn(rng)
        _, tangent = wengert.make_jvp(f_i)(x)(v)
        vjp_fn, ans = wengert.make_vjp(f_i)(x)
        u = vspace(ans).randn(rng)
        cotangent = vjp_fn(u)
        fwd, fwd_scale = _pairing(tangent, u)
        rev, rev_scale = _pairing(cotangent, v)
        assert abs(fwd - rev) <= 1e-10 * max(fwd_scale, rev_scale, 1e-300), (
            f"{spec}: argument {i}: <jvp(v), u> = {fwd!r} but <v, vjp(u)> = {rev!r}")


# -- dtypes -----------------------------------------------------------------------------------
_LINEAR_UFUNCS = {"numpy.add", "numpy.subtract", "numpy.negative", "numpy.positive",
                  "numpy.real", "numpy.conjugate"}


def _is_elementwise(spec):
    """A real float64 spec of elementwise primitives only (ufuncs, clip, where...)."""
    prims = [get_primitive(f) for f in spec.covers if not isinstance(f, str)]
    return spec.is_real and spec.is_float64 and bool(prims) and all(
        p is not None and (p.elementwise or p.name in _LINEAR_UFUNCS) for p in prims)


def _cast(args, dtype):
    return [np.asarray(a).astype(dtype)[()] for a in args]


def _raw_cotangent(f, args, i, seed=None):
    """The reverse-mode cotangent of f w.r.t. args[i] as the rules produce it
    (``wengert.grad`` casts its result to the argument's dtype; this does not)."""
    trace = TapeTrace()
    box = trace.new_input(args[i])
    out = f(*_with(args, i, box))
    if not (isinstance(out, Box) and out._trace is trace):
        return None     # out does not depend on args[i]
    seed = np.ones_like(getval(out)) if seed is None else seed
    return trace.backward([(out._aux, seed)], [box._aux]).get(box._aux)


def _raw_second_cotangent(f, args, i):
    """Reverse over reverse: the cotangent of sum(vjp(ones)) w.r.t. args[i]."""
    def first(xi):
        ct = _raw_cotangent(f, _with(args, i, xi), i)
        return 0.0 if ct is None else wnp.sum(ct)
    return _raw_cotangent(lambda *a: first(a[i]), args, i)


def _raw_tangent(f, args, i):
    trace = DualTrace()
    x = args[i]
    out = f(*_with(args, i, trace.new_input(x, np.ones_like(x))))
    return out._aux if isinstance(out, Box) and out._trace is trace else None


def _keeps_dtype(spec, dtype):
    """Whether ``spec``'s value keeps ``dtype`` (specs with float64 constants do not)."""
    with np.errstate(all="ignore"):
        out = spec.fun(*_cast(spec.sample(np.random.default_rng(0)), dtype))
    if isinstance(out, (tuple, list, dict)):
        return False        # structured outputs: their parts are checked by other specs
    return np.result_type(out) == dtype


DTYPE_CASES = [pytest.param(s, dt, id=f"{s}-{np.dtype(dt).name}")
               for s in OP_SPECS if s.is_real and s.is_float64 and not s.xfail
               for dt in ((np.float32, np.float16) if _is_elementwise(s) else (np.float32,))
               if _keeps_dtype(s, dt)]


@pytest.mark.skipif(int(np.__version__.split(".")[0]) < 2,
                    reason="NumPy 1.x promotes float32 scalars combined with Python floats to "
                           "float64 (value-based casting); dtypes are kept under NEP 50, NumPy 2")
@pytest.mark.parametrize("spec, dtype", DTYPE_CASES)
def test_derivatives_keep_dtype(spec, dtype, rng):
    args = _cast(spec.sample(rng), dtype)
    for i, x in enumerate(args):
        def sum_f(xi, _i=i):
            return wnp.sum(spec.fun(*_with(args, _i, xi)))

        derivatives = [("grad", wengert.grad(sum_f)(x)),
                       ("reverse rule", _raw_cotangent(spec.fun, args, i)),
                       ("forward rule", _raw_tangent(spec.fun, args, i)),
                       ("second-order reverse rule", _raw_second_cotangent(spec.fun, args, i))]
        for how, d in derivatives:
            if d is None:
                continue        # a symbolic zero: no dtype to keep
            assert np.result_type(d) == dtype, (
                f"{spec}: the {how} derivative w.r.t. argument {i} is "
                f"{np.result_type(d)}, not {np.dtype(dtype)}")


def test_dtype_cases_cover_the_ufuncs():
    # the dtype test above must not silently shrink: float16 for every ufunc
    float16 = {cover_name(f) for s, dt in (p.values for p in DTYPE_CASES) if dt is np.float16
               for f in s.covers}
    assert len(float16) >= 45, sorted(float16)


# -- Python scalars -----------------------------------------------------------------------------
# Python floats are weakly typed in NumPy 2 (NEP 50): a rule that picks its result dtype from
# ``numpy.result_type(x, float16)`` hands a Python-float ``x`` back in float16.  Every spec
# whose function takes scalars therefore also runs on Python floats (Python complex numbers
# for complex specs; orders and counts inside the specs' functions are Python ints), and its
# value and derivatives must equal those of the same call on 0-d float64 arrays.

def _python_scalars(spec):
    """``spec`` with every argument a Python float, or None where its function does not
    take scalars (shapes it indexes, matrices) or the spec is not float64 at order 2."""
    if spec.xfail or not spec.is_float64 or spec.order < 2:
        return None
    scalar = dataclasses.replace(spec, shapes=(None,) * len(spec.shapes))
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = scalar.fun(*scalar.sample(np.random.default_rng(0)))
    except Exception:  # noqa: BLE001 - a function of arrays only: not a scalar spec
        return None
    leaves = tree.leaves(out)
    return scalar if leaves and all(np.result_type(x).kind in "fc" for x in leaves) else None


# one per function and dtypes: specs of one function differing only in shapes coincide here
SCALAR_SPECS = list({(id(s.fun), str(s)): s for s in map(_python_scalars, OP_SPECS)
                     if s is not None}.values())

# Scalar specs whose derivatives raise where their NumPy function works, for reasons other
# than Python floats: expected failures, and a failure once fixed.  The list may only shrink.
NO_SCALAR_DERIVATIVE = {}      # (none left: reductions given an axis on 0-d values, var of one
#                                 element with ddof=1 and expm of a scalar all work now)


# Scalar specs whose derivatives come from an iterative solver that stops at a tolerance:
# under vmap the loop runs until every example has converged, so an example may take more
# iterations than alone and its derivative differs within the solver's tolerance (1e-13),
# not within an ulp.  Under vmap they are compared to that many ulps; eagerly and compiled
# they still match to 1 ulp.
SOLVER_ULPS = {"fixed_point(dict params)[float,float]": 1e-11 / np.finfo(float).eps}

_DERIVATIVES = ("forward", "reverse", "forward-over-forward", "reverse-over-reverse")


def _to_order_2(f, args, seed):
    """f's value, then for each argument its derivatives in both modes to order 2 (as named
    in _DERIVATIVES); the outermost derivative in the direction (or with the cotangent)
    ``seed`` times ones."""
    out = [f(*args)]
    for i, x in enumerate(args):
        def f_i(y, _i=i):
            return f(*_with(args, _i, y))

        one = vspace(x).ones()
        vjp, ans = wengert.make_vjp(f_i)(x)
        ones_out = tree.tree_map(lambda a: vspace(a).ones(), ans)
        out += [wengert.make_jvp(f_i)(x)(seed * one)[1],
                vjp(tree.tree_map(lambda a: seed * a, ones_out)),
                wengert.make_jvp(lambda y: wengert.make_jvp(f_i)(y)(one)[1])(x)(seed * one)[1],
                wengert.make_vjp(lambda y: wengert.make_vjp(f_i)(y)[0](ones_out))(x)[0](
                    seed * one)]
    return out


def _ulps(a, b, floor=0.0):
    """|a - b| in units in the last place of the largest of |a|, |b| (moduli for complex)
    and ``floor``."""
    a, b = np.asarray(a, dtype=np.complex128), np.asarray(b, dtype=np.complex128)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(a - b) / np.spacing(np.maximum(np.maximum(np.abs(a), np.abs(b)), floor))
    return float(np.max(np.where(same, 0.0, d), initial=0.0))


def _precision_lost(where, got, ref, scale=1.0, allowed=1.0):
    """Where ``got`` (from Python scalars) is not float64 to 1 ulp of ``scale`` times
    ``ref`` (from 0-d arrays; the value is never scaled); 4 ulps of the larger of the
    moduli and 1 for complex values: Python's complex arithmetic and NumPy's are different
    algorithms, each within about an ulp per component, whose differences survive
    cancellations to 0 (float16 is 10**12 ulps off)."""
    names = ["value"] + [f"{d} derivative w.r.t. argument {i}"
                         for i in range((len(ref) - 1) // len(_DERIVATIVES)) for d in _DERIVATIVES]
    for what, g, r in zip(names, got, ref):
        for leaf, want in zip(tree.leaves(g), tree.leaves(r)):
            want = want if what == "value" else scale * np.asarray(want)
            dt = np.result_type(leaf)
            ulps = _ulps(leaf, want) if np.result_type(want).kind == "f" else \
                _ulps(leaf, want, floor=1.0) / 4
            if dt not in (np.float64, np.complex128) or np.shape(leaf) != np.shape(want) \
                    or ulps > allowed:
                return (f"{where}: the {what} is {leaf!r} ({dt}); on float64 arrays "
                        f"{want!r}")
    return None


@pytest.mark.parametrize("spec", SCALAR_SPECS, ids=str)
def test_python_scalars_keep_float64(spec, rng):
    """Value and derivatives to order 2 (forward and reverse) on Python floats equal those
    on 0-d float64 arrays to 1 ulp, eagerly, under ``compile``, and under ``vmap`` (over a
    batch of seeds, the Python-float primal unbatched)."""
    args = spec.sample(rng)
    seeds = np.array([1.0, 2.0])        # powers of two: scaling by them is exact
    known = NO_SCALAR_DERIVATIVE.get(str(spec))
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = _to_order_2(spec.fun, [np.asarray(a) for a in args], 1.0)
            eager = _to_order_2(spec.fun, args, 1.0)
            fast = wengert.compile(lambda *a: _to_order_2(spec.fun, list(a), 1.0))
            fast(*args)
            compiled = fast(*args)      # the generated program
            batched = wengert.vmap(lambda s: _to_order_2(spec.fun, args, s))(seeds)
    except (ArithmeticError, LookupError, ValueError) as e:
        if not known:
            raise
        raised = f"{type(e).__name__}: {e}"
    else:
        raised = None
        assert not known, f"{spec} no longer raises: take it out of NO_SCALAR_DERIVATIVE"
    if raised:      # (outside the except block: pytest would format the deep traceback)
        pytest.xfail(f"{known}: {raised}")
    lost = [_precision_lost("eagerly", eager, ref), _precision_lost("compiled", compiled, ref)]
    for k, s in enumerate(seeds):
        example = [tree.tree_map(lambda x: np.asarray(x)[k], b) for b in batched]
        lost.append(_precision_lost(f"under vmap, example {k}", example, ref, scale=s,
                                    allowed=SOLVER_ULPS.get(str(spec), 1.0)))
    lost = [m for m in lost if m]
    assert not lost, f"{spec}: " + "\n".join(lost)
