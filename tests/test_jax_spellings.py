"""JAX's spellings of the transforms: argnums=, has_aux=, linearize, keyword
arguments under vmap, custom_jvp and custom_vjp.  Expected values are derived by
hand (and were compared with JAX 0.10.2 in float64 when written)."""
import functools

import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert import (custom_jvp, custom_vjp, grad, hessian, jacfwd, jacobian, jacrev, jvp,
                     linearize, value_and_grad, vjp, vmap)
from wengert._core import Box
from wengert.test_util import check_grads


def f2(x, y):
    return np.sum(np.sin(x) * y ** 2)


X = numpy.array([0.3, -1.2, 2.0])
Y = numpy.array([1.5, 0.5, -2.0])


# -- argnums ---------------------------------------------------------------------------------
@pytest.mark.parametrize("transform", [grad, jacfwd, jacrev, jacobian, hessian],
                         ids=lambda t: t.__name__)
def test_argnums_is_argnum(transform):
    for nums in (1, (0, 1), [0, 1]):
        a = transform(f2, argnums=nums)(X, Y)
        b = transform(f2, tuple(nums) if isinstance(nums, list) else nums)(X, Y)
        for u, v in zip(wengert.tree.leaves(a), wengert.tree.leaves(b)):
            numpy.testing.assert_allclose(u, v)
    v, g = value_and_grad(f2, argnums=1)(X, Y)
    numpy.testing.assert_allclose(g, 2 * numpy.sin(X) * Y)


def test_list_argnums_gives_a_tuple_as_in_jax():
    g = grad(f2, argnums=[1])(X, Y)
    assert type(g) is tuple and len(g) == 1
    numpy.testing.assert_allclose(g[0], 2 * numpy.sin(X) * Y)


def test_hessian_with_a_tuple_of_argnums_gives_the_blocks():
    h = hessian(lambda x, y: x * x * y + y ** 3, argnums=(0, 1))(1.5, 2.0)
    # d2/dx2 = 2y, d2/dxdy = 2x, d2/dy2 = 6y
    assert [[float(b) for b in row] for row in h] == [[4.0, 3.0], [3.0, 12.0]]


def test_argnum_and_argnums_together_is_an_error():
    with pytest.raises(TypeError, match="both argnum=1 and argnums=0"):
        grad(f2, 1, argnums=0)


# -- has_aux ---------------------------------------------------------------------------------
def loss_with_aux(x, y):
    return np.sum(np.sin(x) * y ** 2), {"sum": np.sum(x), "label": "step"}


def _check_aux(aux):
    assert not isinstance(aux["sum"], Box)
    assert float(aux["sum"]) == pytest.approx(X.sum()) and aux["label"] == "step"


def test_has_aux_on_grad_and_value_and_grad():
    g, aux = grad(loss_with_aux, has_aux=True)(X, Y)
    numpy.testing.assert_allclose(g, numpy.cos(X) * Y ** 2)
    _check_aux(aux)
    (v, aux), g = value_and_grad(loss_with_aux, argnums=1, has_aux=True)(X, Y)
    assert v == pytest.approx(numpy.sum(numpy.sin(X) * Y ** 2))
    numpy.testing.assert_allclose(g, 2 * numpy.sin(X) * Y)
    _check_aux(aux)


@pytest.mark.parametrize("transform", [jacfwd, jacrev, jacobian], ids=lambda t: t.__name__)
def test_has_aux_on_jacobians(transform):
    def f(x):
        return np.sin(x) * 2.0, {"sum": np.sum(x), "label": "step"}
    J, aux = transform(f, has_aux=True)(X)
    numpy.testing.assert_allclose(J, numpy.diag(2 * numpy.cos(X)))
    _check_aux(aux)


def test_has_aux_on_hessian_vjp_jvp_linearize():
    H, aux = hessian(lambda x, y: loss_with_aux(x, y), has_aux=True)(X, Y)
    numpy.testing.assert_allclose(H, numpy.diag(-numpy.sin(X) * Y ** 2))
    _check_aux(aux)
    out, vjp_fn, aux = vjp(loss_with_aux, X, Y, has_aux=True)
    numpy.testing.assert_allclose(vjp_fn(1.0)[0], numpy.cos(X) * Y ** 2)
    _check_aux(aux)
    out, t, aux = jvp(loss_with_aux, (X, Y), (numpy.ones(3), numpy.zeros(3)), has_aux=True)
    assert t == pytest.approx(numpy.sum(numpy.cos(X) * Y ** 2))
    _check_aux(aux)
    out, f_jvp, aux = linearize(loss_with_aux, X, Y, has_aux=True)
    assert f_jvp(numpy.ones(3), numpy.zeros(3)) == pytest.approx(t)
    _check_aux(aux)


def test_aux_keeps_the_derivative_of_enclosing_transforms():
    # The inner grad strips its own level from aux (y * x) but keeps the outer one:
    # d/dx (x * x) = 2x.
    def inner_aux(x):
        return grad(lambda y: (y * y, y * x), has_aux=True)(x)[1]
    assert grad(inner_aux)(3.0) == pytest.approx(6.0)


# -- vmap maps keyword arguments along axis 0 -------------------------------------------------
def test_vmap_maps_keyword_arguments_along_axis_0():
    def f(x, scale, shift=0.0):
        return np.sum(x * scale) + shift
    xs = numpy.arange(6.0).reshape(3, 2)
    scales = numpy.array([1.0, 2.0, 3.0])
    shifts = numpy.array([0.5, -0.5, 1.0])
    out = vmap(f)(xs, scale=scales, shift=shifts)
    loop = [f(xs[i], scales[i], shifts[i]) for i in range(3)]
    numpy.testing.assert_allclose(out, loop)
    # keyword arguments are mapped on axis 0 whatever in_axes says about positional ones
    out = vmap(f, in_axes=(1,))(xs.T, scale=scales, shift=shifts)
    numpy.testing.assert_allclose(out, loop)


def test_vmap_keyword_argument_without_axis_is_a_clear_error():
    with pytest.raises(ValueError, match="keyword argument shift=2.0 .*axis 0.*functools.partial"):
        vmap(lambda x, shift: x + shift)(numpy.ones(3), shift=2.0)
    with pytest.raises(ValueError, match="keyword 'shift'"):
        vmap(lambda x, shift: x + shift)(numpy.ones(3), shift=numpy.ones(4))


# -- linearize -------------------------------------------------------------------------------
def test_linearize_is_the_jvp_at_fixed_primals():
    def f(x, y):
        return np.sin(x) * y
    out, f_jvp = linearize(f, X, Y)
    numpy.testing.assert_allclose(out, numpy.sin(X) * Y)
    tx, ty = numpy.array([1.0, 2.0, 3.0]), numpy.array([0.5, 0.0, -1.0])
    numpy.testing.assert_allclose(f_jvp(tx, ty), numpy.cos(X) * Y * tx + numpy.sin(X) * ty)
    numpy.testing.assert_allclose(f_jvp(2 * tx, 2 * ty), 2 * f_jvp(tx, ty))   # linear
    # under vmap: the Jacobian, one column per tangent
    J = vmap(lambda t: f_jvp(t, numpy.zeros(3)), out_axes=1)(numpy.eye(3))
    numpy.testing.assert_allclose(J, numpy.diag(numpy.cos(X) * Y))
    with pytest.raises(TypeError, match="takes 2 tangent"):
        f_jvp(tx)


# -- custom_jvp -------------------------------------------------------------------------------
@custom_jvp
def sin_times(x, y):
    return np.sin(x) * y


@sin_times.defjvp
def _sin_times_jvp(primals, tangents):
    (x, y), (tx, ty) = primals, tangents
    return sin_times(x, y), np.cos(x) * y * tx + np.sin(x) * ty


def test_custom_jvp_passes_the_finite_difference_check():
    check_grads(sin_times, modes=("fwd", "rev"), order=2)(X, Y)
    check_grads(lambda x, y: vmap(sin_times)(x, y), modes=("fwd", "rev"), order=2)(
        numpy.stack([X, Y]), numpy.stack([Y, X]))


def test_custom_jvp_rule_is_what_every_transform_uses():
    @custom_jvp
    def f(x):
        return np.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):       # not sin's derivative: proves the rule is used
        (x,), (t,) = primals, tangents
        return f(x), 3.0 * x * t

    loss = lambda x: np.sum(f(x))
    numpy.testing.assert_allclose(grad(loss)(X), 3 * X)
    numpy.testing.assert_allclose(jacfwd(f)(X), numpy.diag(3 * X))
    numpy.testing.assert_allclose(jacrev(f)(X), numpy.diag(3 * X))
    numpy.testing.assert_allclose(hessian(loss)(X), 3 * numpy.eye(3))
    numpy.testing.assert_allclose(vmap(grad(f))(X), 3 * X)
    numpy.testing.assert_allclose(grad(lambda x: np.sum(vmap(f)(x)))(X), 3 * X)
    fast = wengert.compile(grad(loss))
    fast(X)
    numpy.testing.assert_allclose(fast(X + 1.0), 3 * (X + 1.0))
    assert float(f(0.5)) == pytest.approx(numpy.sin(0.5))   # plain call: the function


def test_custom_jvp_nondiff_argnums_defjvps_trees_and_keywords():
    @functools.partial(custom_jvp, nondiff_argnums=(0,))
    def apply(fn, x):
        return fn(x)

    @apply.defjvp
    def apply_jvp(fn, primals, tangents):
        (x,), (t,) = primals, tangents
        return apply(fn, x), fn(x) * t      # exp's derivative, with fn = np.exp

    assert grad(lambda x: apply(np.exp, x))(0.5) == pytest.approx(numpy.exp(0.5))
    numpy.testing.assert_allclose(vmap(grad(lambda x: apply(np.exp, x)))(X), numpy.exp(X))

    @custom_jvp
    def mul(x, y):
        return x * y
    mul.defjvps(lambda t, ans, x, y: t * y, lambda t, ans, x, y: x * t)
    check_grads(mul, modes=("fwd", "rev"), order=2)(X, Y)
    assert grad(lambda a: mul(y=3.0, x=a))(2.0) == pytest.approx(3.0)

    @custom_jvp
    def tree_fn(p):
        return {"a": p["w"] * p["b"], "b": np.sin(p["w"])}

    @tree_fn.defjvp
    def tree_jvp(primals, tangents):
        (p,), (t,) = primals, tangents
        return tree_fn(p), {"a": t["w"] * p["b"] + p["w"] * t["b"], "b": np.cos(p["w"]) * t["w"]}

    check_grads(lambda w, b: tree_fn({"w": w, "b": b}), modes=("fwd", "rev"), order=2)(X, 2.0)


# -- custom_vjp -------------------------------------------------------------------------------
@custom_vjp
def sin_vjp(x, y):
    return np.sin(x) * y


def _sin_fwd(x, y):
    return sin_vjp(x, y), (np.cos(x), np.sin(x), y)


def _sin_bwd(res, g):
    cos_x, sin_x, y = res
    return cos_x * y * g, sin_x * g


sin_vjp.defvjp(_sin_fwd, _sin_bwd)


def test_custom_vjp_passes_the_finite_difference_check():
    # second order needs the derivatives of the residuals (cos x, sin x), which
    # flow through fwd: a residual treated as a constant would fail here
    check_grads(sin_vjp, modes=("fwd", "rev"), order=2)(X, Y)
    check_grads(lambda x, y: vmap(sin_vjp)(x, y), modes=("fwd", "rev"), order=2)(
        numpy.stack([X, Y]), numpy.stack([Y, X]))
    numpy.testing.assert_allclose(hessian(lambda x: np.sum(sin_vjp(x, Y)))(X),
                                  numpy.diag(-numpy.sin(X) * Y))


@functools.partial(custom_vjp, nondiff_argnums=(0, 1))
def clip_gradient(lo, hi, x):
    return x


clip_gradient.defvjp(lambda lo, hi, x: (x, None),
                     lambda lo, hi, res, g: (np.clip(g, lo, hi),))


def test_custom_vjp_rule_is_what_every_transform_uses():
    loss = lambda x: np.sum(3.0 * clip_gradient(-1.0, 1.0, x) ** 2)
    x = numpy.array([0.1, 2.0, -0.05])
    expected = numpy.clip(6 * x, -1.0, 1.0)
    numpy.testing.assert_allclose(grad(loss)(x), expected)
    numpy.testing.assert_allclose(vmap(grad(loss))(numpy.stack([x, x])), [expected, expected])
    per_example = lambda x: 3.0 * clip_gradient(-1.0, 1.0, x) ** 2
    numpy.testing.assert_allclose(grad(lambda x: np.sum(vmap(per_example)(x)))(x), expected)
    fast = wengert.compile(grad(loss))
    fast(x)
    numpy.testing.assert_allclose(fast(2 * x), numpy.clip(12 * x, -1.0, 1.0))
    numpy.testing.assert_allclose(clip_gradient(-1.0, 1.0, x), x)


def test_custom_vjp_forward_mode_transposes_bwd():
    @custom_vjp
    def scale(x):
        return 2.0 * x
    scale.defvjp(lambda x: (scale(x), None), lambda res, g: (5.0 * g,))   # deliberately 5
    numpy.testing.assert_allclose(jacfwd(scale)(X), 5 * numpy.eye(3))
    numpy.testing.assert_allclose(jacrev(scale)(X), 5 * numpy.eye(3))


def test_custom_rule_mistakes_are_clear_errors():
    @custom_vjp
    def f(x, y):
        return x * y
    with pytest.raises(AttributeError, match="defvjp"):
        f(1.0, 2.0)
    f.defvjp(lambda x, y: x * y, lambda res, g: (g,))
    with pytest.raises(TypeError, match="fwd rule of f must return a pair"):
        grad(f)(1.0, 2.0)
    f.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g,))
    with pytest.raises(TypeError, match="one cotangent per differentiable argument"):
        grad(f)(1.0, 2.0)

    @custom_jvp
    def h(x):
        return x
    with pytest.raises(AttributeError, match="defjvp"):
        h(1.0)
    h.defjvp(lambda primals, tangents: tangents[0])
    with pytest.raises(TypeError, match="JVP rule of h must return a pair"):
        grad(h)(1.0)

    @functools.partial(custom_jvp, nondiff_argnums=(0,))
    def k(n, x):
        return n * x
    k.defjvp(lambda n, p, t: (k(n, *p), n * t[0]))
    with pytest.raises(TypeError, match="argument 0 is in nondiff_argnums"):
        grad(lambda n: k(n, 1.0))(2.0)


def test_custom_rules_under_threads():
    # The custom rules keep their per-call state on the call and per thread: threads
    # taking second derivatives at once get each their own right answer.
    import concurrent.futures

    def work(k):
        x = X + 0.1 * k
        ok = []
        for _ in range(10):
            ok.append(numpy.allclose(hessian(lambda x: np.sum(sin_vjp(x, Y)))(x),
                                     numpy.diag(-numpy.sin(x) * Y)))
            ok.append(numpy.allclose(hessian(lambda x: np.sum(sin_times(x, Y)))(x),
                                     numpy.diag(-numpy.sin(x) * Y)))
        return all(ok)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, range(8)))


def test_exported_from_wengert():
    for name in ("custom_jvp", "custom_vjp", "linearize"):
        assert name in wengert.__all__ and hasattr(wengert, name)


def test_symbolic_zeros_is_refused_clearly():
    @custom_jvp
    def f(x):
        return x
    with pytest.raises(NotImplementedError, match="symbolic_zeros"):
        f.defjvp(lambda p, t: (p[0], t[0]), symbolic_zeros=True)
    f.defjvp(lambda p, t: (p[0], t[0]), symbolic_zeros=False)
    assert grad(f)(2.0) == 1.0
