"""Every operation of the table in op_specs.py, through one generic checker.

* ``test_op``: forward and reverse mode against centered finite differences,
  recursively to order 2 (3 for products), for every argument.
* ``test_fwd_equals_rev``: the two modes are two readings of one derivative, so
  a forward tangent paired with a cotangent equals the reverse cotangent paired
  with the tangent, to rounding error (far tighter than finite differences).
* ``test_elementwise_keeps_dtype``: float32 and float16 inputs get float32 and
  float16 derivatives, from the rules themselves (before any final cast).
"""
import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert._core import DualTrace, TapeTrace, get_primitive, getval, vspace
from wengert.test_util import check_grads

from op_specs import OP_SPECS


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


# first order only: a spec with a known higher-order bug has an order-1 twin here
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
_LINEAR_UFUNCS = {wnp.add, wnp.subtract, wnp.negative, wnp.positive, wnp.real, wnp.conjugate}


def _is_elementwise(spec):
    prim = get_primitive(spec.fun)
    return prim is not None and spec.is_real and spec.is_float64 and (
        prim.kind == "elementwise" or spec.fun in _LINEAR_UFUNCS)


def _raw_cotangent(f, args, i):
    """The reverse-mode cotangent of sum(f) w.r.t. args[i] as the rules
    produce it (``wengert.grad`` would cast it to the argument's dtype)."""
    trace = TapeTrace()
    box = trace.new_input(args[i])
    out = f(*_with(args, i, box))
    seed = np.ones_like(getval(out))
    return trace.backward([(out._aux, seed)], [box._aux])[box._aux]


def _raw_tangent(f, args, i):
    trace = DualTrace()
    x = args[i]
    out = f(*_with(args, i, trace.new_input(x, np.ones_like(x))))
    return out._aux


ELEMENTWISE = [s for s in OP_SPECS if _is_elementwise(s)]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize("spec", ELEMENTWISE, ids=str)
def test_elementwise_keeps_dtype(spec, dtype, rng):
    args = [np.asarray(a).astype(dtype)[()] for a in spec.sample(rng)]
    for i, x in enumerate(args):
        def f_i(xi, _i=i):
            return wnp.sum(spec.fun(*_with(args, _i, xi)))

        for how, d in [("grad", wengert.grad(f_i)(x)),
                       ("reverse rule", _raw_cotangent(spec.fun, args, i)),
                       ("forward rule", _raw_tangent(spec.fun, args, i))]:
            assert np.result_type(d) == dtype, (
                f"{spec}: the {how} derivative w.r.t. argument {i} is "
                f"{np.result_type(d)}, not {np.dtype(dtype)}")
            assert np.all(np.isfinite(d)), f"{spec}: {how} derivative not finite: {d!r}"


def test_elementwise_dtype_check_covers_the_ufuncs():
    # the dtype test above must not silently shrink to nothing
    assert len({get_primitive(s.fun).name for s in ELEMENTWISE}) >= 40
