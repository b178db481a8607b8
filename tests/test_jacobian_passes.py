"""How Jacobians run: ``jacobian`` picks forward mode for tall Jacobians (and remembers
that choice); a reverse-mode Jacobian of a vector output seeds its backward pass with
the rows of the identity kept diagonal while the rules allow."""
import numpy
import pytest

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


# -- the diagonal seed of jacrev ------------------------------------------------------------
C = numpy.random.default_rng(6).standard_normal((4, 7))


def test_a_wide_jacobian_is_the_hand_written_formula_with_no_dense_identity_product():
    x = numpy.linspace(-0.5, 0.6, 7)
    f = lambda x: np.tanh(C @ x)  # noqa: E731
    y = numpy.tanh(C @ x)
    assert numpy.array_equal(wengert.jacrev(f)(x), (1 - y ** 2)[:, None] * C)
    # compiled: the same program a person writes (no product with an identity block)
    fast = wengert.compile(wengert.jacrev(f))
    source = fast.source(x)
    assert source.count("@") == 1, source          # the forward product only
    assert "copy" not in source, source            # eager returns the product itself
    assert numpy.array_equal(fast(x), wengert.jacrev(f)(x))
    assert numpy.array_equal(fast(x + 0.1), wengert.jacrev(f)(x + 0.1))


JACOBIAN_CASES = {
    # the seed meets an elementwise product, then operations that need the full batch
    "indexing": lambda x: np.sin(x)[::-1] * x,
    "concatenate": lambda x: np.concatenate([x * 2.0, np.cos(x)])[2:9],
    "division": lambda x: (x / 3.0) / (1.5 + np.cos(x)),
    "fan-out": lambda x: np.exp(x) * x + np.sin(x) * np.exp(x),
    "matrix then vector": lambda x: (C.T @ np.tanh(C @ x)) * x,
    "outer product": lambda x: np.sum(np.outer(x, x), axis=0),
    "constant rows": lambda x: np.concatenate([x[:3], np.zeros(2)]),
    "scalar factor": lambda x: 2.5 * np.log1p(x * x) * 0.5,
    "vector factor broadcast": lambda x: np.tanh(x) * numpy.arange(7.0),
}


def _by_hand(f, x, eps=1e-6):
    """Central differences, column by column (an independent check of both modes)."""
    cols = [(numpy.asarray(f(x + eps * e)) - numpy.asarray(f(x - eps * e))) / (2 * eps)
            for e in numpy.eye(x.size)]
    return numpy.stack(cols, axis=-1)


@pytest.mark.parametrize("mode", ["jacrev", "jacfwd"])
@pytest.mark.parametrize("name", sorted(JACOBIAN_CASES))
def test_jacobians_from_the_diagonal_seed_are_right_and_compile_to_their_bits(name, mode):
    f = JACOBIAN_CASES[name]
    transform = getattr(wengert, mode)
    x = numpy.linspace(0.1, 0.9, 7)
    J = transform(f)(x)
    numpy.testing.assert_allclose(J, _by_hand(f, x), rtol=1e-7, atol=1e-8)
    other = wengert.jacfwd if mode == "jacrev" else wengert.jacrev
    numpy.testing.assert_allclose(J, other(f)(x), rtol=1e-12, atol=1e-15)
    fast = wengert.compile(transform(f))
    fast(x)
    assert numpy.array_equal(fast(x + 0.05), transform(f)(x + 0.05))


def test_a_tall_jacobian_is_the_hand_written_formula_with_no_dense_identity_product():
    x = numpy.linspace(-0.5, 0.6, 4)
    f = lambda x: np.tanh(C.T @ x)  # noqa: E731     (7 outputs, 4 inputs: forward mode)
    y = numpy.tanh(C.T @ x)
    assert numpy.array_equal(wengert.jacobian(f)(x), (1 - y ** 2)[:, None] * C.T)
    source = wengert.compile(wengert.jacfwd(f)).source(x)
    assert source.count("@") == 1, source


def test_nested_jacobians_through_the_diagonal_seed():
    x = numpy.linspace(0.2, 0.8, 4)
    f = lambda x: np.sum(np.tanh(C[:, :4] @ x) ** 2) + np.sum(x ** 3)  # noqa: E731
    H = wengert.hessian(f)(x)
    numpy.testing.assert_allclose(H, wengert.jacfwd(wengert.grad(f))(x), rtol=1e-10)
    numpy.testing.assert_allclose(H, H.T, rtol=1e-10)
    # under vmap and under grad: each example's (or each level's) rows stay its own
    g = lambda x: np.tanh(C[:, :4] @ x)  # noqa: E731
    xs = numpy.stack([x, x[::-1], 2 * x])
    per_example = wengert.vmap(wengert.jacrev(g))(xs)
    for xi, Ji in zip(xs, per_example):
        numpy.testing.assert_allclose(Ji, wengert.jacfwd(g)(xi), rtol=1e-12)
    through_grad = wengert.grad(lambda x: np.sum(wengert.jacrev(g)(x) ** 2))(x)
    numpy.testing.assert_allclose(
        through_grad, wengert.grad(lambda x: np.sum(wengert.jacfwd(g)(x) ** 2))(x), rtol=1e-10)


def test_a_hessian_through_a_matrix_product_makes_no_product_with_the_identity(monkeypatch):
    # the Hessian of Σ softplus(Ax) + ½xᵀx is Aᵀ diag(σ'(Ax)) A + I: its backward pass
    # starts at the gradient's own last operation (the gradient is not stacked into a
    # one-row Jacobian first) with the identity's rows kept diagonal, and the vector
    # times matrix rule hands them to the matrix as a scaling, so the one batched matrix
    # product left is the closed form's (a dense identity block would add a product of
    # the identity with Aᵀ and the reshaping around it)
    A = numpy.random.default_rng(7).standard_normal((9, 5))
    f = lambda x: np.sum(np.log1p(np.exp(A @ x))) + 0.5 * np.sum(x * x)  # noqa: E731
    x = numpy.linspace(-0.4, 0.7, 5)
    batched = _batched_ops(monkeypatch)
    H = wengert.hessian(f)(x)
    s = 1 / (1 + numpy.exp(-(A @ x)))
    numpy.testing.assert_allclose(H, (A.T * (s * (1 - s))) @ A + numpy.eye(5), rtol=1e-12)
    assert batched.count("matmul") == 1, batched
    assert not {"reshape", "getitem", "expand_dims", "concatenate"} & set(batched), batched


def test_a_diagonal_hessian_stays_diagonal_through_a_fan_out(monkeypatch):
    # x * x sends the identity's rows to x twice: the two diagonals add as diagonals, so
    # the Hessian of a separable function makes no batched operation at all
    batched = _batched_ops(monkeypatch, short=False)
    x = numpy.linspace(-0.4, 0.7, 5)
    H = wengert.hessian(lambda x: 0.5 * np.sum(x * x) + np.sum(np.sin(x) * x))(x)
    want = numpy.diag(1 + 2 * numpy.cos(x) - x * numpy.sin(x))
    numpy.testing.assert_allclose(H, want, rtol=1e-12, atol=1e-15)
    assert batched == [], batched


def _batched_ops(monkeypatch, short=True):
    """The names of the operations the batching trace applies from now on (in this test),
    without their module prefix when ``short``."""
    from wengert._core.batching import BatchTrace
    batched = []
    apply = BatchTrace.apply

    def counting(self, prim, args, kwargs):
        batched.append(prim.name.rpartition(".")[2] if short else prim.name)
        return apply(self, prim, args, kwargs)

    monkeypatch.setattr(BatchTrace, "apply", counting)
    return batched


def _softplus_sum(A):
    return lambda x: np.sum(np.log1p(np.exp(A @ x))) + 0.5 * np.sum(x * x)


def _softplus_hessian(A, x):
    s = 1 / (1 + numpy.exp(-(A @ x)))
    return (A.T * (s * (1 - s))) @ A + numpy.eye(len(x))


def test_a_hessian_scales_the_matrix_once(monkeypatch):
    # the identity's rows times Aᵀ stay A with one factor per entry of a row while the
    # elementwise rules multiply them by their slopes (vectors shared by every row): the
    # block of A's size is made once, by one product, before the matrix product, as the
    # closed form makes it; no batched product or sum of the block's size is left, and
    # no dense identity
    A = numpy.random.default_rng(7).standard_normal((9, 5))
    x = numpy.linspace(-0.4, 0.7, 5)
    batched = _batched_ops(monkeypatch)
    H = wengert.hessian(_softplus_sum(A))(x)
    numpy.testing.assert_allclose(H, _softplus_hessian(A, x), rtol=1e-13)
    # (the + I part's rows of the identity are added onto the product's diagonal)
    assert batched == ["matmul"], batched
    fast = wengert.compile(wengert.hessian(_softplus_sum(A)))
    fast(x)
    assert numpy.array_equal(fast(x + 0.25), wengert.hessian(_softplus_sum(A))(x + 0.25))


def test_scaled_rows_in_other_dtypes_orders_and_nestings():
    rng = numpy.random.default_rng(8)
    A = rng.standard_normal((7, 4))
    x = rng.standard_normal(4)
    # a float32 matrix with float64 factors: the block is made at once, in float64
    H = wengert.hessian(_softplus_sum(A.astype(numpy.float32)))(x)
    assert H.dtype == numpy.float64
    numpy.testing.assert_allclose(H, _softplus_hessian(A.astype(numpy.float32).astype(float), x),
                                  rtol=1e-6)
    # all float32: kept scaled, float32 throughout
    A32, x32 = A.astype(numpy.float32), x.astype(numpy.float32)
    H32 = wengert.hessian(_softplus_sum(A32))(x32)
    assert H32.dtype == numpy.float32
    numpy.testing.assert_allclose(H32, _softplus_hessian(A32.astype(float), x32.astype(float)),
                                  rtol=1e-5)
    # a linear function's Jacobian is a new array, not the matrix itself
    J = wengert.jacobian(lambda x: A @ x)(x)
    assert numpy.array_equal(J, A) and not numpy.shares_memory(J, A)
    Jr = wengert.jacrev(lambda x: A @ x)(x)
    assert numpy.array_equal(Jr, A) and not numpy.shares_memory(Jr, A)
    # two matrices whose scaled rows meet in a sum (no common factor): made dense first
    B = rng.standard_normal((7, 4))
    f = lambda x: np.sum(np.tanh(A @ x) * np.sin(B @ x))  # noqa: E731
    numpy.testing.assert_allclose(wengert.hessian(f)(x), wengert.jacfwd(wengert.jacfwd(f))(x),
                                  rtol=1e-10, atol=1e-12)
    # third order: a Hessian differentiated again, in both modes
    g = _softplus_sum(A)
    t_rev = wengert.jacobian(wengert.hessian(g))(x)
    t_fwd = wengert.jacfwd(wengert.jacfwd(wengert.jacfwd(g)))(x)
    numpy.testing.assert_allclose(t_rev, t_fwd, rtol=1e-10, atol=1e-12)
    through = wengert.grad(lambda x: np.sum(wengert.hessian(g)(x) ** 2))(x)
    numpy.testing.assert_allclose(
        through, wengert.grad(lambda x: np.sum(wengert.jacfwd(wengert.jacfwd(g))(x) ** 2))(x),
        rtol=1e-10)


def test_a_tall_jacobian_through_scaled_columns_is_the_hand_written_one():
    # forward mode: the columns of the identity times B, scaled by tanh's slope, are
    # B times the slope, the hand-written product, bit for bit
    B = numpy.random.default_rng(9).standard_normal((40, 6))
    x = numpy.linspace(-1, 1, 6)
    y = numpy.tanh(B @ x)
    J = wengert.jacobian(lambda x: np.tanh(B @ x))(x)
    assert numpy.array_equal(J, (1 - y * y)[:, None] * B)


def test_a_mask_of_scaled_columns_is_that_of_the_columns_they_stand_for():
    # a forward rule that reads its tangent's value (getval) sees the columns of A scaled
    # by the identity's, as a batched value without derivative boxes, and its mask is
    # the dense columns' mask
    from wengert.extend import defjvp, getval
    rng = numpy.random.default_rng(10)
    A = rng.standard_normal((6, 3))
    x = rng.standard_normal(3)
    clip = primitive(lambda y: y + 0.0)
    defjvp(clip, lambda t, ans, y: t * (getval(t) > 0))
    J = wengert.jacfwd(lambda x: clip(np.tanh(A @ x) * 2.0))(x)
    dense = (1 - numpy.tanh(A @ x) ** 2)[:, None] * 2.0 * A
    numpy.testing.assert_allclose(J, dense * (dense > 0), rtol=1e-13)


def test_a_mask_of_scaled_rows_carries_no_derivative():
    # a rule's mask computed from the value of scaled rows (maximum's ties, through
    # wengert.numpy's value-level code) is the mask of the rows it stands for, and the
    # Hessian through it, at any order, is that of the dense rows
    rng = numpy.random.default_rng(10)
    A = rng.standard_normal((6, 3))
    x = rng.standard_normal(3)
    f = lambda x: np.sum(np.maximum(np.exp(A @ x) * x[0], 0.5) ** 2)  # noqa: E731
    numpy.testing.assert_allclose(wengert.hessian(f)(x), wengert.jacfwd(wengert.jacfwd(f))(x),
                                  rtol=1e-10, atol=1e-12)
    t = wengert.jacobian(wengert.hessian(f))(x)
    numpy.testing.assert_allclose(t, wengert.jacfwd(wengert.jacfwd(wengert.jacfwd(f)))(x),
                                  rtol=1e-9, atol=1e-11)
