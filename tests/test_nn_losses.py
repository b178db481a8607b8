"""softmax_cross_entropy with integer labels is one primitive: its value and derivatives
equal the composed formula's, bad labels are errors eagerly and compiled, and a compiled
training step computes (softmax - onehot) / n rather than scattering into zeros."""
import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert import nn


def _composed(z, y):
    logp = nn.log_softmax(z, axis=-1)
    return -np.mean(np.take_along_axis(logp, np.reshape(y, (-1, 1)), axis=1))


def _data(dtype=numpy.float64, classes=4):
    rng = numpy.random.default_rng(4)
    return (3 * rng.standard_normal((7, classes))).astype(dtype), rng.integers(0, classes, 7)


@pytest.mark.parametrize("classes", [1, 4, 33, 200])    # few classes reduce transposed
def test_value_and_gradient_equal_the_composed_formula(classes):
    z, y = _data(classes=classes)
    value, g = wengert.value_and_grad(nn.softmax_cross_entropy)(z, y)
    want, want_g = wengert.value_and_grad(_composed)(z, y)
    assert value == pytest.approx(want, rel=1e-14, abs=1e-15)
    p = numpy.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    onehot = numpy.eye(classes)[y]
    numpy.testing.assert_allclose(g, (p - onehot) / len(y), rtol=0, atol=1e-16)
    numpy.testing.assert_allclose(g, want_g, rtol=0, atol=1e-16)


def test_hessian_and_forward_mode_equal_the_composed_formula():
    z, y = _data()
    h = wengert.hessian(nn.softmax_cross_entropy)(z, y)
    numpy.testing.assert_allclose(h, wengert.hessian(_composed)(z, y), rtol=1e-12, atol=1e-15)
    t = numpy.random.default_rng(5).standard_normal(z.shape)
    got = wengert.jvp(lambda a: nn.softmax_cross_entropy(a, y), (z,), (t,))
    want = wengert.jvp(lambda a: _composed(a, y), (z,), (t,))
    assert got[1] == pytest.approx(want[1], rel=1e-13)


def test_float32_logits_give_a_float32_loss_and_gradient():
    z, y = _data(numpy.float32)
    value, g = wengert.value_and_grad(nn.softmax_cross_entropy)(z, y)
    assert value.dtype == numpy.float32 and g.dtype == numpy.float32
    assert value == pytest.approx(float(_composed(z.astype(float), y)), rel=1e-6)


def test_a_batch_of_losses_under_vmap_is_the_loop_over_examples():
    rng = numpy.random.default_rng(6)
    zs, y = rng.standard_normal((3, 5, 4)), rng.integers(0, 4, 5)
    per = wengert.vmap(wengert.grad(lambda z: nn.softmax_cross_entropy(z, y)))(zs)
    for z, g in zip(zs, per):
        numpy.testing.assert_allclose(g, wengert.grad(_composed)(z, y), rtol=0, atol=1e-16)


@pytest.mark.parametrize("bad", [-1, 4, 9])
def test_labels_out_of_range_are_errors_eagerly_and_compiled(bad):
    z, y = _data()
    step = wengert.compile(wengert.value_and_grad(nn.softmax_cross_entropy))
    step(z, y)
    y_bad = y.copy()
    y_bad[2] = bad
    message = r"softmax_cross_entropy: integer labels must lie in \[0, 4\)"
    with pytest.raises(ValueError, match=message):
        nn.softmax_cross_entropy(z, y_bad)
    with pytest.raises(ValueError, match=message):
        wengert.grad(nn.softmax_cross_entropy)(z, y_bad)
    with pytest.raises(ValueError, match=message):
        step(z, y_bad)
    assert step.stats()["traces"] == 1     # the labels' values are read, never guarded


def test_a_compiled_step_computes_softmax_minus_onehot_without_scattering():
    z, y = _data()
    step = wengert.compile(wengert.value_and_grad(nn.softmax_cross_entropy))
    source = step.source(z, y)
    # the composed formula's reverse pass scattered into zeros and summed over classes;
    # its forward pass checked the labels' range with two guarded reductions
    assert "untake" not in source and "raise _Retrace('" not in step.executed_source(z, y)
    assert "xent(" in source
