"""Every warning wengert gives names the user's file and line, not wengert's own.

A fixed ``stacklevel`` is right for one call path only; ``wengert._warn.warn`` walks
past wengert's frames instead, so the same warning blames the right line whether
the call comes directly, through vmap, through compile or from inside a user's
function."""
import functools
import inspect

import numpy as np
import pytest

import wengert
import wengert.numpy as wnp
from wengert import optim
from wengert.extend import defjvp, defvjp, primitive
from wengert.training import fit


def _next_line():
    """The line number after the caller's line."""
    return inspect.currentframe().f_back.f_lineno + 1


def _blames(record, line, match):
    hits = [w for w in record if match in str(w.message)]
    assert hits, f"no warning containing {match!r} among {[str(w.message) for w in record]}"
    assert [(w.filename, w.lineno) for w in hits] == [(__file__, line)] * len(hits)


def test_grad_of_an_independent_output_blames_the_call():
    with pytest.warns(UserWarning) as record:
        line = _next_line()
        wengert.grad(lambda x: 1.0)(2.0)
    _blames(record, line, "independent of input")


def test_grad_inside_a_decorated_user_function_blames_the_users_line():
    line = [None]

    def decorate(fun):
        @functools.wraps(fun)
        def wrapper(*args):
            return fun(*args)
        return wrapper

    @decorate
    def user(x):
        line[0] = _next_line()
        return wengert.grad(lambda y: 3.0)(x)

    with pytest.warns(UserWarning) as record:
        user(2.0)
    _blames(record, line[0], "independent of input")


def _cube_for_vmap_warning(x):
    return np.asarray(x) ** 3


def _cube_for_vmap_warning_inside(x):
    return np.asarray(x) ** 3


def _declare(fun):
    cube = primitive(fun)
    defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)
    defjvp(cube, lambda t, ans, x: 3 * t * x ** 2)
    return cube


def test_vmap_loop_fallback_blames_the_call_and_gives_no_record_field_advice():
    cube = _declare(_cube_for_vmap_warning)
    with pytest.warns(UserWarning) as record:
        line = _next_line()
        out = wengert.vmap(cube)(np.arange(6.0).reshape(3, 2))
    np.testing.assert_allclose(out, np.arange(6.0).reshape(3, 2) ** 3)
    _blames(record, line, "has no batching rule, so it runs once per example")
    assert ".batch" not in str(record[0].message)


def test_vmap_loop_fallback_inside_a_user_function_blames_the_line_using_the_op():
    cube = _declare(_cube_for_vmap_warning_inside)

    def f(x):
        line[0] = _next_line()
        return wnp.sum(cube(x))

    line = [None]
    with pytest.warns(UserWarning) as record:
        wengert.vmap(f)(np.arange(6.0).reshape(3, 2))
    _blames(record, line[0], "has no batching rule")


def test_compile_guard_failures_blame_the_call():
    def f(x, s):
        return wnp.sum(x * float(s[0]))       # a new value every call: its guard fails

    fast = wengert.compile(wengert.grad(f), max_traces=1)
    x = np.arange(3.0)
    fast(x, np.array([1.0]))
    with pytest.warns(RuntimeWarning) as record:
        line = _next_line()
        fast(x, np.array([2.0]))
    _blames(record, line, "running eagerly")


def test_compile_fallback_to_eager_blames_the_call():
    def f(x):
        out = np.zeros(3)
        np.add.at(out, [0, 0, 1], wnp.sin(x))   # plain NumPy writing into a plain array
        return out

    fast = wengert.compile(f)
    with pytest.warns(RuntimeWarning) as record:
        line = _next_line()
        fast(np.arange(3.0))
    _blames(record, line, "runs eagerly")


def test_compile_changing_int_argument_blames_the_call():
    fast = wengert.compile(lambda x, n: x * n)
    fast(np.ones(2), 1)
    with pytest.warns(RuntimeWarning) as record:
        line = _next_line()
        fast(np.ones(2), 2)
    _blames(record, line, "changed value")


def test_fit_non_finite_loss_blames_the_call():
    def blows_up(p, x):
        return (p - 1.0) ** 2 * float("nan")

    with pytest.warns(RuntimeWarning) as record:
        line = _next_line()
        fit(blows_up, 0.0, (np.zeros(2),), optim.sgd(0.25), epochs=2, progress=False)
    _blames(record, line, "fit: the loss became nan")
