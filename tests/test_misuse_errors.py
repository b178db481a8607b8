"""Misuse of the transforms is an error that names the argument and the fix,
raised where the mistake is made, never a plausible number."""
import traceback

import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert import (Tape, elementwise_grad, grad, grad_and_aux, hessian, holomorphic_grad,
                     jacobian, jvp, make_vjp, value_and_grad, vjp, vmap)


def f2(x, y):
    return x * y * y


def _raised_at_this_file(excinfo):
    """The last frame of this test file in the traceback is the user's call."""
    frames = traceback.extract_tb(excinfo.tb)
    return frames[0].filename == __file__


# -- argnum ------------------------------------------------------------------------------------
@pytest.mark.parametrize("transform", [grad, value_and_grad, elementwise_grad, jacobian, hessian,
                                       make_vjp], ids=lambda t: t.__name__)
def test_repeated_argnum_is_an_error(transform):
    with pytest.raises(ValueError, match=r"argnum=\(0, 0\) names argument 0 more than once"):
        transform(f2, (0, 0))
    # the same argument spelled twice (a negative position) is found at the call
    with pytest.raises(ValueError, match="names the same argument twice"):
        transform(f2, (1, -1))(1.0, 2.0)


@pytest.mark.parametrize("argnum, hint", [("y", "grad_named"), (1.0, "use argnum=1"),
                                          (None, "default, argnum=0"), (True, "for the first two"),
                                          ((), "at least one"), ((0, "y"), "the first two")])
def test_argnum_of_the_wrong_type_is_an_error_where_grad_is_made(argnum, hint):
    pattern = f"^grad: argnum must be an int or a tuple of ints.*{hint}"
    with pytest.raises(TypeError, match=pattern) as e:
        grad(f2, argnum)
    assert _raised_at_this_file(e)


def test_argnums_of_the_wrong_type_names_argnums():
    with pytest.raises(TypeError, match="argnums must be"):
        grad(f2, argnums="x")
    with pytest.raises(TypeError, match="argnums must be"):
        jacobian(f2, argnums=1.5)


# -- inputs ------------------------------------------------------------------------------------
def test_masked_array_input_is_an_error():
    x = numpy.ma.masked_array([1.0, 2.0, 3.0], mask=[False, True, False])
    with pytest.raises(TypeError, match="masked array.*filled"):
        grad(lambda x: np.sum(x * x))(x)
    with pytest.raises(TypeError, match="masked array"):
        jvp(lambda x: x * x, (x,), (numpy.ones(3),))
    with pytest.raises(TypeError, match="MaskedArray"):
        vmap(lambda x: x * 2.0)(x)


def test_matrix_input_is_an_error():
    m = numpy.matrix([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match=r"numpy.matrix.*numpy.asarray\(m\)"):
        grad(lambda m: np.sum(m * m))(m)
    with pytest.raises(TypeError, match="numpy.matrix"):
        vjp(lambda m: m, m)


def test_holomorphic_grad_of_a_real_input_is_an_error():
    # holomorphic_grad(f)(1.0) for f(z) = 1j * z would give 0 (the real part of 1j)
    with pytest.raises(TypeError, match=r"needs a complex input.*complex\(x\)"):
        holomorphic_grad(lambda z: 1j * z)(1.0)
    assert holomorphic_grad(lambda z: 1j * z)(1.0 + 0j) == 1j


# -- tangents and cotangents ---------------------------------------------------------------------
def test_complex_tangent_for_a_real_primal_is_an_error():
    with pytest.raises(TypeError, match="tangent for input leaf 0 is complex but the value is"):
        jvp(np.sin, (0.5,), (1j,))
    with pytest.raises(TypeError, match="complex but the value is real"):
        jvp(lambda x: x * 2.0, (numpy.ones(2),), (numpy.ones(2) * 1j,))


def test_complex_cotangent_for_a_real_output_is_an_error():
    out, vjp_fn = vjp(np.sin, 0.5)
    with pytest.raises(TypeError, match="cotangent for output leaf 0 is complex"):
        vjp_fn(1j)
    fn, _ = make_vjp(lambda x: x * 2.0)(numpy.ones(2))
    with pytest.raises(TypeError, match="cotangent"):
        fn(numpy.ones(2) * 1j)
    assert vjp(lambda z: z * 2.0, 1.0 + 1j)[1](1j) == (2j,)   # complex to complex is fine


def test_jvp_primals_must_be_a_tuple():
    with pytest.raises(TypeError, match=r"primals must be a tuple.*jvp\(f, \(x,\), \(t,\)\)"):
        jvp(np.sin, numpy.ones(2), numpy.ones(2))
    with pytest.raises(TypeError, match="tangents must be a tuple"):
        jvp(np.sin, (numpy.ones(2),), numpy.ones(2))


# -- functions returning the wrong thing ---------------------------------------------------------
def test_grad_and_aux_of_a_function_not_returning_a_pair():
    with pytest.raises(TypeError, match="must return a pair.*returned a value of type float"):
        grad_and_aux(lambda x: x * x)(3.0)
    # an array of two numbers is not (loss, aux)
    with pytest.raises(TypeError, match="must return a pair.*ArrayBox|must return a pair"):
        grad_and_aux(lambda x: x * numpy.ones(2))(3.0)
    with pytest.raises(TypeError, match="tuple of length 3"):
        grad(lambda x: (x, x, x), has_aux=True)(3.0)


# -- vmap ----------------------------------------------------------------------------------------
def test_vmap_out_axes_out_of_range_is_an_error():
    with pytest.raises(ValueError, match=r"out_axes=5 for output leaf 0.*\[-2, 1\]"):
        vmap(lambda x: x * 2.0, out_axes=5)(numpy.ones((3, 4)))
    with pytest.raises(ValueError, match="out_axes=-3"):
        vmap(lambda x: x * 2.0, out_axes=-3)(numpy.ones((3, 4)))
    # an output that does not depend on the batch is broadcast: the same bound applies
    with pytest.raises(ValueError, match="out_axes=2"):
        vmap(lambda x: numpy.ones(1), out_axes=2)(numpy.ones(3))
    numpy.testing.assert_allclose(vmap(lambda x: x * 2.0, out_axes=-1)(numpy.ones((3, 4))),
                                  2 * numpy.ones((4, 3)))


# -- the imperative tape -------------------------------------------------------------------------
def test_gradient_of_a_value_computed_after_the_tape_closed_is_an_error():
    with Tape() as tape:
        x = tape.watch(numpy.array([1.0, 2.0]))
        y = np.sum(x ** 2)
    z = y * 3.0                # not recorded: the block is closed
    with pytest.raises(ValueError, match="after the 'with' block closed.*inside the"):
        tape.gradient(z, x)
    numpy.testing.assert_allclose(tape.gradient(y, x), [2.0, 4.0])   # recorded values still work


def test_output_gradients_must_match_the_targets():
    with Tape() as tape:
        x = tape.watch(numpy.array([1.0, 2.0]))
        a, b = x * 2.0, x * 3.0
    with pytest.raises(ValueError, match="output_gradients has 1 value.*target has 2"):
        tape.gradient([a, b], x, output_gradients=[numpy.ones(2)])
    with pytest.raises(ValueError, match=r"shape \(3,\) but the target has shape \(2,\)"):
        tape.gradient(a, x, output_gradients=numpy.ones(3))
    with pytest.raises(TypeError, match="output gradient for target leaf 0 is complex"):
        tape.gradient(a, x, output_gradients=numpy.ones(2) * 1j)
    numpy.testing.assert_allclose(
        tape.gradient([a, b], x, output_gradients=[numpy.ones(2), 2 * numpy.ones(2)]), [8.0, 8.0])
