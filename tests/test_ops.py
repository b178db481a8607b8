"""Every operation of the table in wengert/_specs, through one generic checker.

* ``test_op``: forward and reverse mode against centered finite differences,
  recursively to order 2 (3 for products), for every argument.
* ``test_fwd_equals_rev``: the two modes are two readings of one derivative, so
  a forward tangent paired with a cotangent equals the reverse cotangent paired
  with the tangent, to rounding error (far tighter than finite differences).
* ``test_derivatives_keep_dtype``: float32 inputs (and float16 ones, for the
  elementwise ops) get derivatives of their dtype, from ``wengert.grad`` and
  from the rules themselves (before any final cast), in both modes.
"""
import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
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
        p is not None and (p.kind == "elementwise" or p.name in _LINEAR_UFUNCS) for p in prims)


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
