"""wengert.explain debugging tools: NaN/inf provenance and the cost report."""
import re

import numpy as onp
import pytest

import wengert
import wengert.numpy as np
from wengert import explain
from wengert._core import hooks

from source_lines import line_of as _line_of


def log_of_negative(x):
    y = x - 2.0
    return np.log(y)  # forward NaN here


def sqrt_at_zero(x):
    y = x * x
    return np.sqrt(y)  # forward 0, cotangent inf here


def test_forward_nan_names_op_pass_and_line():
    with pytest.raises(FloatingPointError) as e:
        with explain.detect_nonfinite():
            wengert.grad(log_of_negative)(1.0)
    msg = str(e.value)
    assert "numpy.log" in msg and "forward pass" in msg
    assert _line_of(log_of_negative, "np.log(y)") in msg
    assert "already" not in msg


def test_reverse_only_inf_points_at_the_forward_call():
    assert onp.isfinite(sqrt_at_zero(0.0))  # the forward value is fine
    with pytest.raises(FloatingPointError) as e:
        with explain.detect_nonfinite():
            wengert.grad(sqrt_at_zero)(0.0)
    msg = str(e.value)
    assert "numpy.sqrt" in msg and "reverse pass" in msg and "argument 0" in msg
    assert "inf" in msg
    assert f"backward pass of numpy.sqrt called at {_line_of(sqrt_at_zero, 'np.sqrt(y)')}" in msg


def test_tangent_inf_names_line():
    with pytest.raises(FloatingPointError) as e:
        with explain.detect_nonfinite():
            wengert.jvp(sqrt_at_zero, (0.0,), (1.0,))
    msg = str(e.value)
    assert "numpy.sqrt" in msg and "tangent" in msg
    assert _line_of(sqrt_at_zero, "np.sqrt(y)") in msg


def test_input_already_nonfinite_is_reported_distinctly():
    with pytest.raises(FloatingPointError, match="input already non-finite"):
        with explain.detect_nonfinite():
            wengert.grad(np.sin)(onp.nan)


def test_array_nan_in_reverse_and_decorator_form():
    @explain.detect_nonfinite()
    def g(x):
        return wengert.grad(lambda v: np.sum(np.sqrt(v)))(x)

    with pytest.raises(FloatingPointError, match=r"inf in an array of shape \(3,\)"):
        g(onp.array([1.0, 0.0, 4.0]))
    onp.testing.assert_allclose(g(onp.array([1.0, 4.0])), [0.5, 0.25])


def test_inactive_outside_and_unwatched_after_errors():
    before = list(hooks.observers)
    with pytest.raises(FloatingPointError):
        with explain.detect_nonfinite():
            wengert.grad(log_of_negative)(1.0)
    assert hooks.observers == before
    with onp.errstate(all="ignore"):
        # no detector: the NaN forward value passes silently, the gradient 1/y = -1
        assert wengert.grad(log_of_negative)(1.0) == -1.0
    with explain.detect_nonfinite():  # nested and finite: no error
        with explain.detect_nonfinite():
            assert wengert.grad(np.sin)(0.0) == 1.0
    assert hooks.observers == before


def griewank(x1, x2):
    v1 = x1 / x2
    v2 = np.sin(v1)
    v3 = np.exp(x2)
    v4 = v1 - v3
    v5 = v2 + v4
    return v5 * v4


def test_cost_counts_griewank():
    c = explain.cost(griewank, 1.5, 0.5, repeat=1)
    assert c.counts == {"divide": 1, "sin": 1, "exp": 1, "subtract": 1, "add": 1,
                        "multiply": 1}
    assert c.flops == 6
    assert c.tape_bytes == 8 * 8  # 2 inputs and 6 results, floats
    assert c.fun_time > 0 and c.grad_time > 0 and c.ratio == c.grad_time / c.fun_time
    text = str(c)
    assert "6 recorded operations" in text and "cheap-gradient bound" in text
    assert "reverse mode is cheaper" in text


def test_cost_matmul_flops_and_tape_memory():
    A, B = onp.ones((5, 7)), onp.ones((7, 3))
    c = explain.cost(lambda a, b: np.sum(a @ b), A, B, repeat=1)
    assert c.counts == {"matmul": 1, "sum": 1}
    assert c.flops == 2 * 5 * 7 * 3 + 15
    assert c.backward_flops == 2 * (2 * 5 * 7 * 3 + 15) + (15 + 1)
    assert "backward pass: ~" in str(c)
    assert c.tape_bytes == A.nbytes + B.nbytes + 15 * 8 + 8


def test_mode_advice_tall_and_wide():
    tall = explain.cost(lambda x: np.outer(x, x), onp.ones(2), repeat=1)
    assert tall.n_inputs == 2 and tall.n_outputs == 4
    assert tall.advice.startswith("forward mode is cheaper")
    wide = explain.cost(lambda x: np.sum(x ** 2), onp.ones(6), repeat=1)
    assert wide.advice.startswith("reverse mode is cheaper")
    square = explain.cost(np.sin, onp.ones(3), repeat=1)
    assert "same number of passes" in square.advice


def test_cost_bad_input():
    with pytest.raises(TypeError, match="explain.cost: fun must be callable"):
        explain.cost(3.0, 1.0)
    with pytest.raises(ValueError, match="repeat must be a positive integer"):
        explain.cost(np.sin, 1.0, repeat=0)
    with pytest.raises(TypeError, match="no floating-point inputs"):
        explain.cost(lambda n: n, 3)


def test_detector_error_replaces_numpys_own_under_seterr_raise():
    with onp.errstate(all="raise"):
        with pytest.raises(FloatingPointError, match="numpy.log produced nan"):
            with explain.detect_nonfinite():
                wengert.grad(log_of_negative)(1.0)


def mlp_loss(params, x):
    for W in params:
        x = np.tanh(x @ W)
    return np.mean(x ** 2)


def test_cost_of_a_three_layer_mlp(rng):
    params = [rng.normal(size=(4, 8)), rng.normal(size=(8, 8)), rng.normal(size=(8, 2))]
    x = rng.normal(size=(5, 4))
    c = explain.cost(mlp_loss, params, x, repeat=1)
    assert c.counts == {"matmul": 3, "tanh": 3, "power": 1, "mean": 1}
    matmuls = 2 * 5 * 8 * 4 + 2 * 5 * 8 * 8 + 2 * 5 * 2 * 8
    assert c.flops == matmuls + (40 + 40 + 10) + 10 + 10
    assert c.n_inputs == 32 + 64 + 16 + 20 and c.n_outputs == 1


def test_cost_report_covers_the_issue(rng):
    """Ops by kind, flops and bytes both ways, tape memory, time ratio, mode advice."""
    A, B = onp.ones((5, 7)), onp.ones((7, 3))
    c = explain.cost(lambda a, b: np.sum(np.tanh(a @ b)), A, B, repeat=1)
    # backward: g (15 floats) + saved a, b and a@b + cotangents of a and b for matmul;
    # g + saved input and result + one cotangent for tanh and sum
    matmul = 15 * 8 + (A.nbytes + B.nbytes + 15 * 8) + (A.nbytes + B.nbytes)
    tanh = 15 * 8 + 2 * 15 * 8 + 15 * 8
    total = 8 + (15 * 8 + 8) + 15 * 8
    assert c.backward_bytes == matmul + tanh + total
    text = str(c).splitlines()
    assert text[0] == "cost of <lambda>: 3 recorded operations"
    assert [s.split() for s in text[1:4]] == [["matmul", "1"], ["sum", "1"], ["tanh", "1"]]
    assert text[5].startswith("backward pass: ~") and "B read and written" in text[5]
    assert re.search(r"ratio \d+\.\d \(cheap-gradient bound ~3-5", text[7])
    assert text[8].startswith("reverse mode is cheaper for the Jacobian: 1 output(s) < 56")


def test_cost_markdown_for_jupyter():
    md = explain.cost(griewank, 1.5, 0.5, repeat=1)._repr_markdown_()
    lines = md.splitlines()
    assert lines[0] == "**cost of griewank**: 6 recorded operations"
    assert lines[2:4] == ["| operation | calls |", "|---|--:|"]
    assert "| multiply | 1 |" in lines
    assert sum(s.startswith("- ") for s in lines) == 5
