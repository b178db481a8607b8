"""``jacobian`` picks forward mode for tall Jacobians; what it remembers of that choice."""
import numpy

import wengert
import wengert.numpy as np
from wengert.extend import defvjp, primitive

B = numpy.random.default_rng(4).standard_normal((6, 2))


def test_a_tall_jacobian_is_recorded_in_reverse_once_then_straight_forward():
    # the first call records the function in reverse mode to learn the output's size,
    # then runs forward mode; later calls of the same input shape run forward mode alone
    calls = []

    def f(x):
        calls.append(1)
        return np.tanh(B @ x)

    jac = wengert.jacobian(f)
    x = numpy.array([0.3, -0.2])
    first = jac(x)
    n_first = len(calls)
    calls.clear()
    second = jac(x)
    assert len(calls) == n_first - 1
    assert numpy.array_equal(first, second)
    numpy.testing.assert_allclose(second, wengert.jacrev(f)(x), rtol=1e-13)
    # another input shape chooses for itself: 8 inputs, 6 outputs (wide: reverse mode)
    calls.clear()
    g = wengert.jacobian(lambda x: f(x[:2]) * np.sum(x))
    x8 = numpy.linspace(0.1, 0.8, 8)
    numpy.testing.assert_allclose(g(x8), wengert.jacfwd(lambda x: f(x[:2]) * np.sum(x))(x8),
                                  rtol=1e-13)


def test_a_remembered_forward_choice_meeting_a_reverse_only_operation_chooses_again():
    @primitive
    def cube(x):
        return x ** 3

    defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)   # reverse rule only
    branch = ["forward"]

    def f(x):
        y = B @ x
        return y ** 3 if branch[0] == "forward" else cube(y)

    jac = wengert.jacobian(f)
    x = numpy.array([0.5, 1.5])
    expected = 3 * (B @ x)[:, None] ** 2 * B
    numpy.testing.assert_allclose(jac(x), expected, rtol=1e-13)
    branch[0] = "reverse-only"        # the same shape, an operation with no forward rule
    numpy.testing.assert_allclose(jac(x), expected, rtol=1e-13)
    numpy.testing.assert_allclose(jac(x), expected, rtol=1e-13)


def test_has_aux_keeps_the_aux_of_the_first_evaluation():
    jac = wengert.jacobian(lambda x: (np.tanh(B @ x), "aux"), has_aux=True)
    for _ in range(2):
        J, aux = jac(numpy.array([0.1, 0.2]))
        assert aux == "aux" and J.shape == (6, 2)


def test_tuple_argnums_remember_each_argument_apart():
    f = lambda a, b: np.tanh(B @ a) * b  # noqa: E731
    jac = wengert.jacobian(f, (0, 1))
    a, b = numpy.array([0.1, 0.2]), 0.5
    for _ in range(2):
        Ja, Jb = jac(a, b)
        numpy.testing.assert_allclose(Ja, wengert.jacrev(f, 0)(a, b), rtol=1e-13)
        numpy.testing.assert_allclose(Jb, wengert.jacrev(f, 1)(a, b), rtol=1e-13)
