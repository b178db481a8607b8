"""Code written with plain ``import numpy as np`` differentiates unchanged.

The seeds' examples, written once against a NumPy-like module, give the same
values and derivatives with plain NumPy as with ``wengert.numpy`` (NumPy's
dispatch protocols route the calls on traced values); every way out of the
trace raises an error naming the function and the fix; every ndarray method
exists on traced arrays and either works like NumPy's or says why not.
"""
import math

import numpy
import pytest

import wengert
import wengert.numpy as wnp
from wengert._core import TapeTrace, getval
from wengert.numpy._array_box import ArrayBox


# -- the seeds' examples, written against a module ``xp`` ------------------------------------
def griewank(x, xp):
    x1, x2 = x[0], x[1]
    return (xp.sin(x1 / x2) + x1 / x2 - xp.exp(x2)) * (x1 / x2 - xp.exp(x2))


def sigmoid_neuron(wx, xp):
    w, x = wx[:3], wx[3:]
    return 1.0 / (1.0 + xp.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))


def mlp_loss(params, xp, data):
    X, Y = data
    W1, b1, W2, b2 = params
    h = xp.tanh(xp.dot(X, W1) + b1)
    logits = h @ W2 + b2
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - xp.log(xp.exp(logits).sum(axis=1, keepdims=True))
    return -(Y * logp).sum(axis=1).mean()


def _mlp_case():
    rng = numpy.random.default_rng(3)
    X = rng.normal(size=(5, 3))
    Y = numpy.eye(4)[rng.integers(4, size=5)]
    params = (rng.normal(size=(3, 6)), rng.normal(size=6), rng.normal(size=(6, 4)),
              rng.normal(size=4))
    return params, (X, Y)


@pytest.mark.parametrize("example", ["griewank", "neuron", "mlp"])
def test_plain_numpy_gives_wengert_numpy_numbers(example):
    if example == "griewank":
        f, x = griewank, numpy.array([1.5, 0.5])
        extra = ()
    elif example == "neuron":
        f, x = sigmoid_neuron, numpy.array([2.0, -3.0, -3.0, -1.0, -2.0])
        extra = ()
    else:
        x, data = _mlp_case()
        f, extra = mlp_loss, (data,)
    plain = wengert.value_and_grad(lambda x: f(x, numpy, *extra))(x)
    ours = wengert.value_and_grad(lambda x: f(x, wnp, *extra))(x)
    assert plain[0] == ours[0] == f(x, numpy, *extra)
    for a, b in zip(wengert.tree.leaves(plain[1]), wengert.tree.leaves(ours[1])):
        assert numpy.any(a != 0)                 # not a silently zero gradient
        numpy.testing.assert_array_equal(a, b)
    t = wengert.tree.tree_map(numpy.ones_like, x)
    assert (wengert.jvp(lambda x: f(x, numpy, *extra), (x,), (t,))
            == wengert.jvp(lambda x: f(x, wnp, *extra), (x,), (t,)))
    if example == "neuron":                      # CS231n's numbers
        g = plain[1]
        numpy.testing.assert_allclose(g[:3], [-0.196612, -0.393224, 0.196612], atol=1e-6)


# -- escape routes -----------------------------------------------------------------------------
ESCAPES = [
    ("float", lambda x: float(x[0]), "float()", "stop_gradient"),
    ("int", lambda x: int(x[0]), "int()", "stop_gradient"),
    ("asarray", lambda x: numpy.asarray(x), "numpy.asarray", "wengert.numpy.array"),
    ("array", lambda x: numpy.array(x), "numpy.array", "wengert.numpy.array"),
    ("tolist", lambda x: x.tolist(), "tolist()", "stop_gradient"),
    ("item", lambda x: x.item(), "item()", "stop_gradient"),
    ("math.exp", lambda x: math.exp(x[0]), "math", "wengert.numpy functions"),
    ("no rule", lambda x: numpy.polyfit(numpy.arange(3.0), x, 1),
     "numpy.polyfit", "defvjp"),
    ("no ufunc rule", lambda x: numpy.bitwise_count(x) if hasattr(numpy, "bitwise_count")
     else numpy.gcd(x, x), "has no derivative rule", "stop_gradient"),
    ("ufunc out= plain", lambda x: numpy.exp(x, out=numpy.zeros(3)), "out=", "as_traced"),
    ("function out= plain", lambda x: numpy.cumsum(x, out=numpy.zeros(3)), "out=",
     "as_traced"),
    ("setitem into plain", lambda x: numpy.zeros(3).__setitem__(slice(None), x),
     "numpy.asarray", "stop_gradient"),
    ("ufunc method", lambda x: numpy.add.reduce(x), "add.reduce", "wengert.numpy.sum"),
    ("memory", lambda x: x.tobytes(), "ndarray.tobytes", "stop_gradient"),
]


@pytest.mark.parametrize("name, escape, names, fix", ESCAPES, ids=[e[0] for e in ESCAPES])
@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_every_escape_route_names_itself_and_the_fix(name, escape, names, fix, mode):
    def f(x):
        escape(x)
        return wnp.sum(x)

    x = numpy.array([0.5, 1.0, 2.0])
    with pytest.raises((TypeError, NotImplementedError)) as info:
        if mode == "rev":
            wengert.grad(f)(x)
        else:
            wengert.jvp(f, (x,), (numpy.ones(3),))
    assert names in str(info.value) and fix in str(info.value), str(info.value)


# -- ndarray methods on traced arrays ---------------------------------------------------------
A = numpy.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])


def _in_place(method, *args):
    def run(a):
        getattr(a, method)(*args)
        return a
    return run


WORKS = {
    "all": lambda a: a.all(), "any": lambda a: a.any(axis=0), "argmax": lambda a: a.argmax(),
    "argmin": lambda a: a.argmin(axis=1), "argpartition": lambda a: a.argpartition(1),
    "argsort": lambda a: a.argsort(), "astype": lambda a: a.astype(numpy.complex128),
    "choose": lambda a: numpy.choose([0, 1, 0], [a[0], a[1]]),
    "clip": lambda a: a.clip(0.0, 1.0),
    "compress": lambda a: a.compress([True, False, True], axis=1),
    "conj": lambda a: a.conj(), "conjugate": lambda a: a.conjugate(), "copy": lambda a: a.copy(),
    "cumprod": lambda a: a.cumprod(axis=1), "cumsum": lambda a: a.cumsum(),
    "diagonal": lambda a: a.diagonal(), "dot": lambda a: a.dot(A.T),
    "fill": _in_place("fill", 2.0), "flatten": lambda a: a.flatten(),
    "max": lambda a: a.max(axis=0), "mean": lambda a: a.mean(), "min": lambda a: a.min(),
    "nonzero": lambda a: a.nonzero()[1], "partition": _in_place("partition", 1),
    "prod": lambda a: a.prod(axis=1), "put": _in_place("put", [0, 4], [9.0, 8.0]),
    "ravel": lambda a: a.ravel(), "repeat": lambda a: a.repeat(2, axis=0),
    "reshape": lambda a: a.reshape(3, 2), "round": lambda a: a.round(1),
    "searchsorted": lambda a: a[1].searchsorted(0.0),
    "sort": _in_place("sort", 0), "squeeze": lambda a: a[None].squeeze(),
    "std": lambda a: a.std(axis=0), "sum": lambda a: a.sum(axis=1),
    "swapaxes": lambda a: a.swapaxes(0, 1), "take": lambda a: a.take([0, 2], axis=1),
    "trace": lambda a: a.trace(), "transpose": lambda a: a.transpose(),
    "var": lambda a: a.var(), "T": lambda a: a.T, "mT": lambda a: a.mT, "real": lambda a: a.real,
    "imag": lambda a: a.imag, "shape": lambda a: a.shape, "ndim": lambda a: a.ndim,
    "size": lambda a: a.size, "dtype": lambda a: a.dtype, "itemsize": lambda a: a.itemsize,
    "nbytes": lambda a: a.nbytes, "device": lambda a: a.device,
    "to_device": lambda a: a.to_device("cpu"), "ptp": lambda a: numpy.ptp(a),
    "itemset": _in_place("itemset", 1, 3.0), "__contains__": lambda a: 0.25 in a,
    "__divmod__": lambda a: divmod(a, 0.7)[0], "__copy__": lambda a: __import__("copy").copy(a),
}
RAISES = {
    "byteswap": lambda a: a.byteswap(), "dump": lambda a: a.dump("x"),
    "dumps": lambda a: a.dumps(), "getfield": lambda a: a.getfield(numpy.float64),
    "setfield": lambda a: a.setfield(1.0, numpy.float64), "setflags": lambda a: a.setflags(),
    "tobytes": lambda a: a.tobytes(), "tofile": lambda a: a.tofile("x"),
    "view": lambda a: a.view(), "strides": lambda a: a.strides, "flags": lambda a: a.flags,
    "base": lambda a: a.base, "ctypes": lambda a: a.ctypes, "data": lambda a: a.data,
    "flat": lambda a: a.flat, "resize": lambda a: a.resize((3, 2)),
    "tolist": lambda a: a.tolist(), "item": lambda a: a.item(),
    "newbyteorder": lambda a: a.newbyteorder(),
}


def test_every_ndarray_method_exists_on_traced_arrays():
    public = {m for m in dir(numpy.ndarray) if not m.startswith("_")}
    missing = sorted(m for m in public if not hasattr(ArrayBox, m))
    assert not missing, f"ndarray methods a traced array lacks: {missing}"
    unlisted = sorted(public - set(WORKS) - set(RAISES))
    assert not unlisted, f"add these ndarray methods to a table of this test: {unlisted}"


@pytest.mark.parametrize("name", sorted(WORKS))
def test_ndarray_method_works_like_numpy(name):
    recipe = WORKS[name]
    if name == "itemset" and not hasattr(numpy.ndarray, "itemset"):
        want = A.copy()
        want[1] = 3.0
    else:
        want = recipe(A.copy())
    tape = TapeTrace()
    got = recipe(tape.new_input(A.copy()))
    got = getval(got) if not isinstance(got, tuple) else tuple(map(getval, got))
    numpy.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", sorted(RAISES))
def test_ndarray_method_without_a_derivative_says_so(name):
    tape = TapeTrace()
    with pytest.raises(TypeError, match="traced|wengert"):
        RAISES[name](tape.new_input(A.copy()))


# -- plain arrays given traced arguments -------------------------------------------------------
def test_plain_array_clipped_to_traced_bounds():
    """``W.clip(lo, hi)`` with both bounds calls NumPy's clip ufunc, which routes to
    wengert.numpy.clip (was: "numpy.clip has no derivative rule")."""
    w = numpy.array([0.5, -1.0, 2.0])
    f = lambda lo: wnp.sum(w.clip(lo, 1.0))      # noqa: E731
    assert f(0.0) == numpy.sum(w.clip(0.0, 1.0))
    # the lower bound gets the gradient where it wins: one entry at 0, two at 0.7
    assert wengert.grad(f)(0.0) == 1.0 and wengert.grad(f)(0.7) == 2.0
    assert wengert.grad(lambda t: wnp.sum(w.clip(-t, t)))(1.5) == 1.0
    assert wengert.make_jvp(lambda lo: numpy.clip(w, lo, 1.0))(0.7)(1.0)[1].tolist() == \
        [1.0, 1.0, 0.0]


@pytest.mark.parametrize("fill", [lambda x: numpy.full_like(numpy.ones(3), x),
                                  lambda x: numpy.full(3, x, dtype=float)],
                         ids=["full_like", "full"])
def test_plain_full_with_traced_fill_value_names_the_fix(fill):
    """NumPy does not dispatch full / full_like on fill_value: the traced value would be
    copied into a plain array, so the error names wengert.numpy's version (was a message
    about copyto)."""
    name = "full_like" if "full_like" in str(fill.__code__.co_names) else "full"
    with pytest.raises(TypeError, match=rf"numpy\.{name}\(.*wengert\.numpy\.{name}"):
        wengert.grad(lambda x: wnp.sum(fill(x)))(0.3)
    assert wengert.grad(lambda x: wnp.sum(getattr(wnp, name)(
        numpy.ones(3) if name == "full_like" else 3, x)))(0.3) == 3.0
