"""The imperative Tape, custom rules (autograd's extend API) and a small network
against hand-written NumPy backprop."""
import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert import builtins, grad
from wengert.extend import (defjvp, defjvp_argnum, defvjp, defvjp_argnum, defvjp_argnums,
                            notrace_primitive, primitive)
from wengert.test_util import check_grads


def test_tape_gradients_of_inputs_and_intermediates():
    with wengert.Tape() as tape:
        x = tape.watch(3.0)
        y = tape.watch(2.0)
        h = x * y
        o = h * h
    assert tape.gradient(o, [h, x, y]) == [12.0, 24.0, 36.0]
    # several times, for several targets (the tape persists)
    assert tape.gradient(h, [x, y]) == [2.0, 3.0]
    assert tape.gradient(o, {"h": h}) == {"h": 12.0}


def test_tape_stops_recording_after_the_block():
    with wengert.Tape() as tape:
        x = tape.watch(numpy.array([1.0, 2.0]))
        y = np.sum(x ** 2)
    n = len(tape.trace.entries)
    z = y * 3.0  # outside the block: a constant, not recorded
    assert len(tape.trace.entries) == n and not isinstance(z, wengert.extend.Box)
    assert numpy.array_equal(tape.gradient(y, x), [2.0, 4.0])


def test_nested_tapes_give_second_derivatives():
    with wengert.Tape() as outer:
        x = outer.watch(3.0)
        with wengert.Tape() as inner:
            xi = inner.watch(x)
            y = xi * xi * xi
        dy = inner.gradient(y, xi)   # 3x^2, itself recorded on the outer tape
    assert dy == 27.0
    assert outer.gradient(dy, x) == 18.0


def test_unconnected_source_gets_zeros():
    with wengert.Tape() as tape:
        x = tape.watch(numpy.ones(2))
        y = tape.watch(1.0)
        o = y * 2.0
    g = tape.gradient(o, [x, y])
    assert numpy.array_equal(g[0], [0.0, 0.0]) and g[1] == 2.0


# -- custom gates ---------------------------------------------------------------------
@primitive
def sigmoid(x):
    """The seeds' sigmoid gate, with its algebraically nice derivative."""
    return 1.0 / (1.0 + numpy.exp(-x))


defvjp(sigmoid, lambda ans, x: lambda g: g * ans * (1 - ans))
defjvp(sigmoid, lambda g, ans, x: g * ans * (1 - ans))


def test_custom_sigmoid_gate():
    assert grad(sigmoid)(1.0) == pytest.approx(0.7310585786 * (1 - 0.7310585786))
    # the rule uses ans, itself traced: higher orders work
    check_grads(sigmoid, modes=["fwd", "rev"], order=3)(numpy.array([-1.0, 0.3, 2.0]))
    fine = lambda x: 1.0 / (1.0 + np.exp(-x))  # noqa: E731  the fine-grained circuit
    x = numpy.array([-1.0, 0.3, 2.0])
    assert numpy.allclose(wengert.elementwise_grad(sigmoid)(x),
                          wengert.elementwise_grad(fine)(x))


def test_autograd_argnum_conventions():
    @primitive
    def mul(x, y):
        return x * y

    defvjp(mul, lambda ans, x, y: lambda g: g * y, lambda ans, x, y: lambda g: g * x)
    defjvp(mul, "same", "same")  # linear in each argument
    check_grads(mul, order=2)(2.0, 3.0)

    @primitive
    def lin(x, y):
        return 2.0 * x - y

    defvjp_argnum(lin, lambda argnum, ans, args, kwargs: lambda g: g * (2.0, -1.0)[argnum])
    defjvp_argnum(lin, lambda argnum, g, ans, args, kwargs: g * (2.0, -1.0)[argnum])
    check_grads(lin, order=2)(1.0, 4.0)

    @primitive
    def both(x, y):
        return x * y + x

    defvjp_argnums(both, lambda argnums, ans, args, kwargs:
                   lambda g: tuple({0: g * (args[1] + 1), 1: g * args[0]}[i] for i in argnums))
    defjvp(both, lambda g, ans, x, y: g * (y + 1), lambda g, ans, x, y: g * x)
    check_grads(both, modes=["rev", "fwd"], order=2)(1.5, 2.0)
    assert grad(both, (0, 1))(1.5, 2.0) == (3.0, 1.5)


def test_only_a_vjp_given():
    @primitive
    def double(x):
        return 2.0 * x

    defvjp(double, lambda ans, x: lambda g: 2.0 * g)
    assert grad(double)(1.0) == 2.0
    with pytest.raises(NotImplementedError, match="forward-mode.*double"):
        wengert.deriv(double)(1.0)


def test_notrace_primitive():
    count = notrace_primitive(lambda x: float(numpy.sum(x > 0)))
    g = grad(lambda x: np.sum(x) * count(x))(numpy.array([1.0, -1.0, 2.0]))
    assert numpy.array_equal(g, [2.0, 2.0, 2.0])


def test_builtins_isinstance_sees_through_boxes():
    seen = []
    grad(lambda x: seen.append(builtins.isinstance(x, float) and
                               not isinstance(x, float)) or x * 1.0)(1.0)
    assert seen == [True]


# -- a multilayer perceptron against hand-written NumPy backprop -----------------------
def _mlp_by_hand(params, X, T):
    (W1, b1), (W2, b2) = params
    H = numpy.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    Z = Z - Z.max(axis=1, keepdims=True)
    P = numpy.exp(Z) / numpy.exp(Z).sum(axis=1, keepdims=True)
    loss = -numpy.sum(T * numpy.log(P)) / len(X)
    dZ = (P - T) / len(X)
    dW2, db2 = H.T @ dZ, dZ.sum(0)
    dH = dZ @ W2.T
    dA = dH * (1 - H ** 2)
    dW1, db1 = X.T @ dA, dA.sum(0)
    return loss, [(dW1, db1), (dW2, db2)]


def _mlp(params, X, T):
    (W1, b1), (W2, b2) = params
    H = np.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    logp = Z - np.max(Z, axis=1, keepdims=True)
    logp = logp - np.log(np.sum(np.exp(logp), axis=1, keepdims=True))
    return -np.sum(T * logp) / X.shape[0]


@pytest.mark.parametrize("dtype", [numpy.float64, numpy.float32])
def test_mlp_matches_hand_written_backprop(rng, dtype):
    X = rng.standard_normal((16, 5)).astype(dtype)
    T = numpy.eye(3, dtype=dtype)[rng.integers(0, 3, 16)]
    params = [(rng.standard_normal((5, 8)).astype(dtype) * 0.5, numpy.zeros(8, dtype)),
              (rng.standard_normal((8, 3)).astype(dtype) * 0.5, numpy.zeros(3, dtype))]
    loss, g = wengert.value_and_grad(_mlp)(params, X, T)
    ref_loss, ref = _mlp_by_hand(params, X, T)
    tol = 1e-12 if dtype == numpy.float64 else 1e-5
    assert loss == pytest.approx(ref_loss, rel=tol)
    for (gw, gb), (rw, rb) in zip(g, ref):
        assert gw.dtype == dtype and gb.dtype == dtype
        assert numpy.allclose(gw, rw, rtol=tol, atol=tol)
        assert numpy.allclose(gb, rb, rtol=tol, atol=tol)
