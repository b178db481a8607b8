"""The public transforms, their argument conventions and their agreement."""
import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert.test_util import check_grads, combo_check


def f2(x, y):
    return np.sum(np.sin(x) * y ** 2)


X = numpy.array([0.3, -1.2, 2.0])
Y = numpy.array([1.5, 0.5, -0.7])


def test_argnum_forms():
    gx = wengert.grad(f2)(X, Y)
    gy = wengert.grad(f2, 1)(X, Y)
    both = wengert.grad(f2, (0, 1))(X, Y)
    assert numpy.allclose(gx, numpy.cos(X) * Y ** 2)
    assert numpy.allclose(gy, 2 * numpy.sin(X) * Y)
    assert isinstance(both, tuple) and numpy.allclose(both[0], gx) and numpy.allclose(both[1], gy)


def test_value_and_grad_and_aux():
    v, g = wengert.value_and_grad(f2)(X, Y)
    assert v == pytest.approx(float(numpy.sum(numpy.sin(X) * Y ** 2)))
    g2, aux = wengert.grad_and_aux(lambda x: (f2(x, Y), {"n": 3, "x": x}))(X)
    assert numpy.allclose(g, g2) and aux["n"] == 3 and numpy.array_equal(aux["x"], X)


def test_make_vjp_and_make_jvp():
    vjp_fn, value = wengert.make_vjp(lambda x: np.sin(x) * 2.0)(X)
    assert numpy.allclose(value, numpy.sin(X) * 2)
    assert numpy.allclose(vjp_fn(numpy.ones(3)), 2 * numpy.cos(X))
    assert numpy.allclose(vjp_fn(numpy.arange(3.0)), 2 * numpy.cos(X) * numpy.arange(3))
    value, t = wengert.make_jvp(f2, 1)(X, Y)(numpy.ones(3))
    assert t == pytest.approx(float(numpy.sum(2 * numpy.sin(X) * Y)))


def test_a_multi_output_primitive_returned_whole_is_differentiated():
    """A function returning a multi-output primitive's result as it is (a box of a
    tuple) has the derivative of each output (it was zero: the tuple was indexed out
    after the tape had stopped recording)."""
    a = numpy.array([[2.0, 0.5], [0.5, 1.0]])
    inv_t = numpy.linalg.inv(a).T
    vjp_fn, (sign, logdet) = wengert.make_vjp(np.linalg.slogdet)(a)
    assert sign == 1.0 and logdet == pytest.approx(numpy.log(numpy.linalg.det(a)))
    assert numpy.allclose(vjp_fn((0.0, 1.0)), inv_t)
    assert numpy.allclose(wengert.vjp(np.linalg.slogdet, a)[1]((0.0, 1.0))[0], inv_t)
    jac = wengert.jacobian(lambda x: np.linalg.eigh(x)[0])(a)
    cts = wengert.make_vjp(np.linalg.eigh)(a)[0]((numpy.array([1.0, 0.0]), numpy.zeros((2, 2))))
    assert numpy.allclose(cts, jac[0]) and numpy.any(cts != 0)


def test_jax_style_jvp_and_vjp():
    value, t = wengert.jvp(f2, (X, Y), (numpy.ones(3), numpy.zeros(3)))
    assert t == pytest.approx(float(numpy.sum(numpy.cos(X) * Y ** 2)))
    value, vjp_fn = wengert.vjp(f2, X, Y)
    cts = vjp_fn(1.0)
    assert isinstance(cts, tuple) and len(cts) == 2
    assert numpy.allclose(cts[0], wengert.grad(f2)(X, Y))


def test_structured_outputs():
    def f(x):
        return {"a": x * 2.0, "b": (np.sum(x), x[0])}

    vjp_fn, ans = wengert.make_vjp(f)(X)
    g = vjp_fn({"a": numpy.ones(3), "b": (1.0, 10.0)})
    assert numpy.allclose(g, [13.0, 3.0, 3.0])
    _, t = wengert.make_jvp(f)(X)(numpy.array([1.0, 0.0, 0.0]))
    assert numpy.allclose(t["a"], [2, 0, 0]) and t["b"][0] == 1.0 and t["b"][1] == 1.0


def test_elementwise_grad_and_deriv():
    assert numpy.allclose(wengert.elementwise_grad(np.tanh)(X), 1 - numpy.tanh(X) ** 2)
    assert numpy.allclose(wengert.deriv(np.tanh)(X), 1 - numpy.tanh(X) ** 2)


def test_grad_named():
    def loss(w, data):
        return np.sum(w * data)
    assert numpy.array_equal(wengert.grad_named(loss, "data")(X, Y), X)


def test_jacobians_of_every_kind_agree():
    A = numpy.random.default_rng(2).standard_normal((4, 3))
    f = lambda x: np.tanh(A @ x) * x[0]  # noqa: E731
    J = wengert.jacobian(f)(X)
    assert J.shape == (4, 3)
    assert numpy.allclose(J, wengert.jacfwd(f)(X)) and numpy.allclose(J, wengert.jacrev(f)(X))
    eps = 1e-6
    fd = numpy.stack([(f(X + eps * e) - f(X - eps * e)) / (2 * eps) for e in numpy.eye(3)], -1)
    assert numpy.allclose(J, fd, atol=1e-8)
    Jx, Jy = wengert.jacobian(lambda x, y: x * y, (0, 1))(X, Y)
    assert numpy.allclose(Jx, numpy.diag(Y)) and numpy.allclose(Jy, numpy.diag(X))


def test_hessians_and_hvps():
    f = lambda x: np.sum(np.log1p(np.exp(x)) * x[1]) + 0.5 * np.sum(x * x)  # noqa: E731
    H = wengert.hessian(f)(X)
    assert H.shape == (3, 3) and numpy.allclose(H, H.T)
    v = numpy.array([0.5, -1.0, 2.0])
    assert numpy.allclose(wengert.hessian_vector_product(f)(X, v), H @ v)
    assert numpy.allclose(wengert.hessian_tensor_product(f)(X, v), H @ v)
    hvp, g = wengert.make_hvp(f)(X)
    assert numpy.allclose(g, wengert.grad(f)(X))
    assert numpy.allclose(hvp(v), H @ v)
    H2 = numpy.stack([hvp(e) for e in numpy.eye(3)])
    assert numpy.allclose(H, H2)


def test_checkpoint_matches_and_recomputes():
    calls = []

    def block(w, x):
        calls.append(1)
        return np.tanh(x @ w) + x

    ck = wengert.checkpoint(block)
    W = numpy.random.default_rng(3).standard_normal((3, 3)) * 0.5
    loss = lambda w, blk: np.sum(blk(w, blk(w, X[None, :])) ** 2)  # noqa: E731
    g_plain = wengert.grad(loss)(W, block)
    calls.clear()
    g_ck = wengert.grad(loss)(W, ck)
    assert numpy.allclose(g_plain, g_ck)
    assert len(calls) == 4  # two forward calls, and each recomputed once in the backward pass
    check_grads(lambda w: loss(w, ck), modes=["fwd", "rev"], order=2)(W)


def test_stop_gradient():
    assert wengert.grad(lambda x: x * wengert.stop_gradient(x * x))(3.0) == 9.0


def test_check_grads_finds_a_wrong_rule():
    from wengert.extend import defjvp, defvjp, primitive

    @primitive
    def bad_sin(x):
        return numpy.sin(x)

    defvjp(bad_sin, lambda ans, x: lambda g: g * np.cos(x))
    defjvp(bad_sin, lambda g, ans, x: g * np.cos(x) * 1.01)  # wrong on purpose
    check_grads(bad_sin, modes=["rev"], order=1)(0.3)
    with pytest.raises(AssertionError, match="forward-mode.*order 1.*argument 0"):
        check_grads(bad_sin, modes=["fwd"], order=1)(0.3)
    # a first-order-correct rule whose own derivative is wrong (raw numpy inside)
    @primitive
    def flat_sin(x):
        return numpy.sin(x)

    defvjp(flat_sin, lambda ans, x: lambda g: g * numpy.cos(wengert.stop_gradient(x)))
    check_grads(flat_sin, modes=["rev"], order=1)(0.3)
    with pytest.raises(AssertionError, match="reverse-mode.*order 2"):
        check_grads(flat_sin, modes=["rev"], order=2)(0.3)


def test_check_grads_complex_and_containers():
    check_grads(lambda z: np.exp(z) * z, modes=["fwd", "rev"], order=2)(0.3 + 0.2j)
    check_grads(lambda d: np.sum(d["a"] * d["b"][0]), order=2)(
        {"a": X, "b": [Y, 1.0]})


def test_combo_check():
    combo_check(lambda x, axis: np.sum(np.sin(x), axis=axis), modes=["rev"], order=1)(
        [numpy.ones((2, 3))], axis=[0, 1, None])


def test_integer_arrays_are_differentiated_as_float():
    # as autograd does: elementwise_grad(f, argnum=1) of an int64 array
    a, b = numpy.ones(2), numpy.array([1, 2])
    g = wengert.elementwise_grad(lambda a, b: a * b * b, 1)(a, b)
    assert g.dtype == numpy.float64 and g.tolist() == [2.0, 4.0]
    g = wengert.grad(lambda a, b: np.sum(a * b * b), 1)(a, b)
    assert g.dtype == numpy.float64 and g.tolist() == [2.0, 4.0]
    assert wengert.jacobian(lambda b: b * 1.5)(numpy.array([1, 2])).tolist() == [[1.5, 0], [0, 1.5]]


def test_tuple_argnum_gives_0d_arrays_for_scalars_as_autograd_does():
    g = wengert.grad(lambda x, y: x * y * y, (0, 1))(1.0, 2.0)
    assert all(type(gi) is numpy.ndarray and gi.shape == () for gi in g)
    assert [float(gi) for gi in g] == [4.0, 4.0]
    g = wengert.grad(lambda x, y: x * np.sum(y), (0, 1))(3.0, numpy.array([2.0]))
    assert g[0].shape == () and g[1].shape == (1,)
    assert type(wengert.grad(lambda x: x * x)(3.0)) is float   # one argument: its own type
