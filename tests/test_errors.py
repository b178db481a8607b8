"""Bad input gets a clear error naming the op, the argument and the fix; never a
silent wrong answer."""
import math
import warnings

import numpy
import pytest

import wengert
import wengert.numpy as np
from wengert import grad, make_jvp
from wengert.extend import primitive


def test_grad_of_non_scalar_output():
    with pytest.raises(TypeError, match=r"shape \(3,\).*jacobian.*elementwise_grad"):
        grad(lambda x: x * 2.0)(numpy.ones(3))
    with pytest.raises(TypeError, match="holomorphic_grad"):
        grad(lambda x: x * 1j)(1.0)
    with pytest.raises(TypeError, match="tuple.*grad_and_aux"):
        grad(lambda x: (x, x))(1.0)


# (integer arrays are differentiated as float arrays, as autograd does: see
# tests/test_transforms.py::test_integer_arrays_are_differentiated_as_float)
@pytest.mark.parametrize("arg, what", [(3, "int"), (True, "bool"),
                                       (numpy.array([True]), "bool")])
def test_differentiating_integers_or_bools(arg, what):
    with pytest.raises(TypeError, match=f"argument 1 of f.*{what}"):
        def f(x, y):
            return x * y
        grad(f, 1)(2.0, arg)


def test_unsupported_argument_type():
    with pytest.raises(TypeError, match="str"):
        grad(lambda s: 1.0)("abc")


def test_missing_rule_names_function_mode_and_fix():
    @primitive
    def cube(x):
        return x ** 3

    with pytest.raises(NotImplementedError,
                       match=r"reverse-mode.*cube.*argument 0.*defvjp"):
        grad(cube)(2.0)
    with pytest.raises(NotImplementedError,
                       match=r"forward-mode.*cube.*argument 0.*defjvp"):
        make_jvp(cube)(2.0)(1.0)


def test_numpy_function_without_rule():
    with pytest.raises(NotImplementedError, match=r"sliding_window_view.*stop_gradient"):
        grad(lambda x: numpy.sum(numpy.lib.stride_tricks.sliding_window_view(x, 2)))(
            numpy.ones(4))
    with pytest.raises(NotImplementedError, match=r"numpy\.polyfit"):
        grad(lambda y: numpy.sum(numpy.polyfit(numpy.arange(3.0), y, 1)))(numpy.ones(3))


def test_item_assignment_into_a_plain_array():
    # (item assignment into a traced array works: tests/test_inplace.py)
    def f(x):
        table = numpy.zeros(3)
        table[:] = x
        return np.sum(table)

    with pytest.raises(TypeError, match="as_traced"):
        grad(f)(numpy.ones(3))


@pytest.mark.parametrize("escape", [float, int, lambda x: numpy.asarray(x),
                                    lambda x: math.exp(x), lambda x: x.tolist(),
                                    lambda x: x.item()])
def test_leaving_the_tape_is_an_error(escape):
    with pytest.raises(TypeError, match="drop its derivative"):
        grad(lambda x: escape(x) * 1.0)(numpy.float64(0.5))


def test_a_plain_array_method_given_a_traced_argument_names_the_function_form():
    W = numpy.ones((2, 3))
    for diff in (grad, lambda f: lambda x: make_jvp(f)(x)(numpy.ones(3))):
        with pytest.raises(TypeError, match=r"^W\.dot\(x\): .*plain NumPy array.*write "
                                            r"np\.dot\(W, x\) or W @ x"):
            diff(lambda x: np.sum(W.dot(x)))(numpy.ones(3))
    with pytest.raises(TypeError, match=r"np\.dot\(W\.T, x \+ 1\.0\) or W\.T @ \(x \+ 1\.0\)"):
        grad(lambda x: np.sum(W.T.dot(
            x + 1.0)))(numpy.ones(2))
    with pytest.raises(TypeError, match=r"np\.searchsorted\(W\[0\], x\)"):
        grad(lambda x: np.sum(W[0].searchsorted(x) * x))(numpy.ones(3))
    # the function forms work (plain numpy routes traced arguments to wengert)
    numpy.testing.assert_allclose(grad(lambda x: np.sum(numpy.dot(W, x)))(numpy.ones(3)),
                                  numpy.full(3, 2.0))
    # numpy.asarray keeps its own fix
    with pytest.raises(TypeError, match="wengert.numpy.array or wengert.numpy.stack"):
        grad(lambda x: numpy.asarray(x).sum())(numpy.ones(3))


def test_independent_output_gives_zeros_and_a_warning():
    with pytest.warns(UserWarning, match="independent"):
        g = grad(lambda x: 3.0)(numpy.ones((2, 2), dtype=numpy.float32))
    assert g.shape == (2, 2) and g.dtype == numpy.float32 and not g.any()
    with pytest.warns(UserWarning):
        assert grad(lambda x: np.sum(np.floor(x)))(1.5) == 0.0


def test_argnum_out_of_range():
    with pytest.raises(TypeError, match="argnum=2"):
        grad(lambda x, y: x * y, 2)(1.0, 2.0)


def test_tangent_of_wrong_shape():
    with pytest.raises(ValueError, match=r"shape \(2,\).*\(3,\)"):
        make_jvp(np.sin)(numpy.ones(3))(numpy.ones(2))


def test_tape_misuse():
    with wengert.Tape() as tape:
        x = tape.watch(1.0)
        y = x * 2.0
    with pytest.raises(ValueError, match="not recorded on this tape"):
        tape.gradient(y, 1.0)
    with pytest.raises(RuntimeError, match="inside"):
        tape.watch(2.0)


def test_nondiff_functions_give_constants_without_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = grad(lambda x: np.sum(x * np.argmax(x)) + np.sum(x[np.isfinite(x)]))(
            numpy.array([1.0, 3.0]))
    assert numpy.array_equal(g, [2.0, 2.0])
