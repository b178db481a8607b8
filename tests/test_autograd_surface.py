"""autograd's public surface, imported through ``wengert.compat.alias_autograd()``:
every module path autograd 1.9.1 has imports, and its names give the values derived by
hand or by finite differences (both modes where a derivative rule is involved)."""
import importlib
import warnings

import numpy as onp
import pytest

import wengert.compat
from wengert.test_util import check_grads

AUTOGRAD_MODULES = [
    "autograd", "autograd.builtins", "autograd.core", "autograd.differential_operators",
    "autograd.extend", "autograd.misc", "autograd.misc.fixed_points", "autograd.misc.flatten",
    "autograd.misc.optimizers", "autograd.misc.tracers", "autograd.numpy", "autograd.numpy.fft",
    "autograd.numpy.linalg", "autograd.numpy.numpy_boxes", "autograd.numpy.numpy_jvps",
    "autograd.numpy.numpy_vjps", "autograd.numpy.numpy_vspaces", "autograd.numpy.numpy_wrapper",
    "autograd.numpy.random", "autograd.scipy", "autograd.scipy.integrate", "autograd.scipy.linalg",
    "autograd.scipy.signal", "autograd.scipy.special", "autograd.scipy.stats",
    "autograd.scipy.stats.beta", "autograd.scipy.stats.chi2", "autograd.scipy.stats.dirichlet",
    "autograd.scipy.stats.gamma", "autograd.scipy.stats.multivariate_normal",
    "autograd.scipy.stats.norm", "autograd.scipy.stats.poisson", "autograd.scipy.stats.t",
    "autograd.test_util", "autograd.tracer", "autograd.util", "autograd.wrap_util",
]

# the names programs and packages import, module by module
AUTOGRAD_NAMES = {
    "autograd": "grad elementwise_grad value_and_grad grad_and_aux jacobian hessian make_vjp "
                "make_jvp make_hvp make_ggnvp deriv holomorphic_grad grad_named checkpoint "
                "hessian_tensor_product hessian_vector_product tensor_jacobian_product "
                "vector_jacobian_product multigrad_dict primitive tuple list dict isinstance "
                "type flatten const_graph",
    "autograd.core": "make_vjp make_jvp backward_pass VJPNode JVPNode primitive_vjps "
                     "primitive_jvps defvjp defjvp defvjp_argnum defjvp_argnum defvjp_argnums "
                     "defjvp_argnums def_linear vspace VSpace Box SparseObject getval isbox "
                     "trace toposort primitive sum_outgrads",
    "autograd.tracer": "trace Node primitive notrace_primitive getval isbox new_box Box "
                       "register_notrace toposort subvals",
    "autograd.extend": "primitive notrace_primitive defvjp defjvp defvjp_argnum defjvp_argnum "
                       "defvjp_argnums defjvp_argnums def_linear vspace VSpace Box SparseObject "
                       "VJPNode JVPNode register_notrace",
    "autograd.builtins": "tuple list dict isinstance type SequenceBox DictBox container_take "
                         "container_untake make_sequence ContainerVSpace",
    "autograd.util": "subval subvals toposort func quick_grad_check",
    "autograd.wrap_util": "unary_to_nary wraps wrap_nary_f get_name get_doc",
    "autograd.misc": "flatten const_graph",
    "autograd.misc.flatten": "flatten flatten_func",
    "autograd.misc.optimizers": "sgd rmsprop adam unflatten_optimizer",
    "autograd.misc.fixed_points": "fixed_point",
    "autograd.misc.tracers": "const_graph const_graph_unary full_graph",
    "autograd.numpy": "linspace diagonal make_diagonal metadata array_from_args "
                      "concatenate_args wrap_namespace numpy_version primitive",
    "autograd.numpy.numpy_boxes": "ArrayBox SequenceBox",
    "autograd.numpy.numpy_vspaces": "ArrayVSpace ComplexArrayVSpace",
    "autograd.numpy.numpy_vjps": "unbroadcast unbroadcast_f match_complex "
                                 "repeat_to_match_shape balanced_eq replace_zero",
    "autograd.numpy.numpy_jvps": "defjvp def_linear",
    "autograd.numpy.numpy_wrapper": "wrap_namespace make_diagonal sum dot",
    "autograd.scipy.stats.dirichlet": "logpdf pdf rvs",
    "autograd.test_util": "check_grads combo_check",
}


@pytest.fixture
def ag():
    """``import autograd`` resolving to wengert, for the duration of one test."""
    wengert.compat.alias_autograd()
    yield importlib.import_module("autograd")
    wengert.compat.unalias_autograd()


@pytest.mark.parametrize("name", AUTOGRAD_MODULES)
def test_every_autograd_module_imports(ag, name):
    module = importlib.import_module(name)
    assert module.__name__.startswith("wengert")


@pytest.mark.parametrize("module", sorted(AUTOGRAD_NAMES))
def test_autograd_names_exist(ag, module):
    mod = importlib.import_module(module)
    missing = [n for n in AUTOGRAD_NAMES[module].split() if not hasattr(mod, n)]
    assert not missing, f"{module} lacks {missing}"


# -- misc.flatten: autograd's order --------------------------------------------------------
def test_flatten_orders_dict_entries_by_sorted_key(ag):
    from autograd.misc.flatten import flatten
    params = {"scale": onp.array([2.0, 3.0]), "alpha": 0.5, "mu": onp.array([[1.0]])}
    vec, unflatten = flatten(params)
    # autograd's vector: alpha, mu, scale (sorted keys), whatever order the dict has
    onp.testing.assert_array_equal(vec, [0.5, 1.0, 2.0, 3.0])
    # a vector built in that order (an optimizer's result, standard errors) pairs with
    # the right parameters
    back = unflatten(onp.array([10.0, 20.0, 30.0, 40.0]))
    assert back["alpha"] == 10.0 and type(back["alpha"]) is float
    onp.testing.assert_array_equal(back["mu"], [[20.0]])
    onp.testing.assert_array_equal(back["scale"], [30.0, 40.0])
    assert list(back) == ["scale", "alpha", "mu"]   # the dict keeps its own order


def test_flatten_nested_and_differentiable(ag):
    import autograd
    from autograd.misc import flatten
    tree = [{"b": 1.0, "a": (onp.array([2.0]), 3.0)}, 4.0]
    vec, unflatten = flatten(tree)
    onp.testing.assert_array_equal(vec, [2.0, 3.0, 1.0, 4.0])
    g = autograd.grad(lambda v: unflatten(v)[0]["a"][1] * unflatten(v)[1])(vec)
    onp.testing.assert_array_equal(g, [0.0, 4.0, 0.0, 3.0])


def test_flatten_func(ag):
    from autograd.misc.flatten import flatten_func
    f, unflatten, x0 = flatten_func(lambda p, k: {"y": p["w"] * k, "x": p["b"]},
                                    {"w": onp.array([1.0, 2.0]), "b": 5.0})
    onp.testing.assert_array_equal(x0, [5.0, 1.0, 2.0])
    onp.testing.assert_array_equal(f(x0, 3.0), [5.0, 3.0, 6.0])


# -- differential operators -------------------------------------------------------------------
def test_autograd_only_operators(ag):
    import autograd
    import autograd.numpy as np
    A = onp.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    x = onp.array([0.3, -0.7])
    v = onp.array([1.0, 2.0])
    f = lambda x: np.tanh(np.dot(A, x))  # noqa: E731
    J = onp.diag(1 - onp.tanh(A @ x) ** 2) @ A
    # J^T H_g J v with g = half the sum of squares: H_g = I
    onp.testing.assert_allclose(autograd.make_ggnvp(f)(x)(v), J.T @ J @ v)
    u = onp.array([1.0, -1.0, 2.0])
    onp.testing.assert_allclose(autograd.tensor_jacobian_product(f)(x, u), u @ J)
    onp.testing.assert_allclose(autograd.vector_jacobian_product(f)(x, u), u @ J)
    from autograd.differential_operators import make_jvp_reversemode
    onp.testing.assert_allclose(make_jvp_reversemode(f)(x)(v), J @ v)
    grads = autograd.multigrad_dict(lambda a, b=2.0: a * b ** 2)(3.0, b=5.0)
    assert grads == {"a": 25.0, "b": 30.0}


def test_unary_to_nary_and_core_make_vjp(ag):
    from autograd.core import make_jvp, make_vjp
    from autograd.wrap_util import unary_to_nary

    @unary_to_nary
    def grad(fun, x):
        vjp, _ = make_vjp(fun, x)
        return vjp(1.0)

    f = lambda a, b: a * b * b  # noqa: E731
    assert grad(f, 1)(2.0, 3.0) == 12.0
    assert grad(f, (0, 1))(2.0, 3.0) == (9.0, 12.0)
    assert grad(f).__name__ == "grad_of_<lambda>_wrt_argnum_0"
    assert make_jvp(lambda x: x ** 3, 2.0)(1.0) == (8.0, 12.0)


# -- tracer, nodes, rule tables -----------------------------------------------------------------
def test_trace_builds_user_nodes(ag):
    import autograd
    import autograd.numpy as np
    from autograd.tracer import Node, trace

    class Recorder(Node):
        def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
            self.line = (fun.__name__, parent_argnums, [getattr(p, "line", None) for p in parents])
            self.value = value

        def initialize_root(self, x):
            self.line = ("input", x)

    value, node = trace(Recorder.new_root(1.5), lambda x: np.sin(x + x) * 2.0, 1.5)
    assert value == onp.sin(3.0) * 2.0
    assert node.line[0] == "multiply" and node.line[1] == (0,)
    assert node.line[2][0][0] == "sin"
    # independent of the input: no node
    assert trace(Recorder.new_root(0.0), lambda x: 3.0, 1.0) == (3.0, None)
    # nests with grad in either order
    vals = []

    class Values(Node):
        def __init__(self, value, fun, args, kwargs, parent_argnums, parents):
            vals.append(float(value))

        def initialize_root(self):
            pass

    trace(Values.new_root(), autograd.grad(lambda x: x * x * x), 2.0)
    assert 12.0 in vals


def test_vjp_and_jvp_nodes(ag):
    import autograd.numpy as np
    from autograd.core import JVPNode, VJPNode, backward_pass
    from autograd.tracer import trace
    f = lambda x: np.sum(np.exp(x) * x)  # noqa: E731
    x = onp.array([0.1, -0.4])
    _, end = trace(VJPNode.new_root(), f, x)
    onp.testing.assert_allclose(backward_pass(1.0, end), onp.exp(x) * (1 + x))
    t = onp.array([1.0, 2.0])
    _, end = trace(JVPNode.new_root(t), f, x)
    onp.testing.assert_allclose(end.g, onp.exp(x) * (1 + x) @ t)


def test_primitive_vjps_pop_and_restore(ag):
    import autograd
    import autograd.numpy as np
    from autograd.core import primitive_vjps
    assert np.sin in primitive_vjps
    rules = primitive_vjps.pop(np.sin)
    try:
        with pytest.raises(NotImplementedError, match="sin"):
            autograd.grad(np.sin)(1.0)
    finally:
        primitive_vjps[np.sin] = rules
    assert autograd.grad(np.sin)(1.0) == onp.cos(1.0)
    # autograd's curried form of the rule
    assert rules[0](onp.sin(1.0), 1.0)(2.0) == 2.0 * onp.cos(1.0)


def test_toposort_deep_chain_has_no_recursion_limit(ag):
    from autograd.util import toposort

    class N:
        def __init__(self, parents):
            self.parents = parents

    node = N([])
    root = node
    for _ in range(5000):
        node = N([node, node])
    order = list(toposort(node))
    assert order[0] is node and order[-1] is root and len(order) == 5001


def test_defvjp_argnum_and_def_linear(ag):
    import autograd
    from autograd.extend import def_linear, defjvp_argnum, defvjp_argnum, primitive

    @primitive
    def scaled_diff(a, b, c):
        return c * (a - b)

    defvjp_argnum(scaled_diff, lambda argnum, ans, args, kwargs: lambda g: (
        [g * args[2], -g * args[2], g * (args[0] - args[1])][argnum]))
    defjvp_argnum(scaled_diff, lambda argnum, g, ans, args, kwargs: (
        [g * args[2], -g * args[2], g * (args[0] - args[1])][argnum]))
    check_grads(scaled_diff, modes=["fwd", "rev"], order=1)(1.0, 0.5, 2.0)
    assert autograd.grad(scaled_diff, 2)(3.0, 1.0, 5.0) == 2.0

    @primitive
    def bilinear(x, y):
        return x * y

    def_linear(bilinear)   # autograd's meaning: linear in each argument
    assert autograd.deriv(lambda t: bilinear(t, 3.0 * t))(2.0) == 12.0


def test_vspace_subclass_in_autograd_style(ag):
    import autograd
    from autograd.extend import VSpace, vspace

    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b

    class PairVSpace(VSpace):
        def __init__(self, value):
            self.kind = "pair"

        def zeros(self):
            return Pair(0.0, 0.0)

        def _add(self, x, y):
            return Pair(x.a + y.a, x.b + y.b)

        def _scalar_mul(self, x, c):
            return Pair(x.a * c, x.b * c)

        def _inner_prod(self, x, y):
            return x.a * y.a + x.b * y.b

    PairVSpace.register(Pair)
    vs = vspace(Pair(1.0, 2.0))
    assert isinstance(vs, PairVSpace) and vs == vspace(Pair(3.0, 4.0))
    assert vs.inner_prod(Pair(1.0, 2.0), Pair(3.0, 4.0)) == 11.0
    s = vs.add(Pair(1.0, 2.0), vs.scalar_mul(Pair(1.0, 1.0), 2.0))
    assert (s.a, s.b) == (3.0, 4.0)
    assert vs.covector(s) is s
    assert autograd.core.vspace(1.0).size == 1


def test_isbox_getval_new_box(ag):
    import autograd
    from autograd.tracer import getval, isbox
    seen = []
    autograd.grad(lambda x: seen.append((isbox(x), getval(x))) or x * x)(3.0)
    assert seen == [(True, 3.0)]
    assert not isbox(3.0)


def test_builtins_containers(ag):
    import autograd
    from autograd import isinstance as ag_isinstance, tuple as ag_tuple, type as ag_type
    from autograd.builtins import DictBox, SequenceBox

    def f(x):
        assert ag_isinstance(x, float) and ag_type(x) is float
        pair = ag_tuple((x * x, 3.0 * x))
        return pair[0] + pair[1]

    assert autograd.grad(f)(2.0) == 7.0
    assert issubclass(DictBox, autograd.extend.Box) and issubclass(SequenceBox, autograd.extend.Box)


def test_dict_and_sequence_boxes_in_trace(ag):
    import autograd.numpy as np
    from autograd.builtins import DictBox
    from autograd.core import VJPNode, backward_pass
    from autograd.tracer import trace
    seen = []

    def f(d):
        seen.append(isinstance(d, DictBox))
        return np.sum(d["w"] ** 2) + d["b"] * len(d)

    x = {"w": onp.array([1.0, 2.0]), "b": 3.0}
    _, end = trace(VJPNode.new_root(), f, x)
    g = backward_pass(1.0, end)
    assert seen == [True]
    onp.testing.assert_allclose(g["w"], [2.0, 4.0])
    assert g["b"] == 2.0


# -- misc: optimizers, fixed points, const_graph --------------------------------------------------
@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam"])
def test_optimizers_minimize_a_quadratic_over_a_tree(ag, name):
    import autograd
    from autograd.misc import optimizers
    target = {"w": onp.array([1.0, -2.0]), "b": 0.5}
    loss = lambda p, i: autograd.numpy.sum((p["w"] - target["w"]) ** 2) + (p["b"] - target["b"]) ** 2  # noqa: E731,E501
    calls = []

    def callback(p, i, g):
        calls.append((i, type(p), sorted(p), type(g)))

    kw = dict(num_iters=2000, step_size=0.05 if name != "sgd" else 0.5)
    out = getattr(optimizers, name)(autograd.grad(loss), {"w": onp.zeros(2), "b": 0.0},
                                    callback, **kw)
    onp.testing.assert_allclose(out["w"], target["w"], atol=1e-3)
    assert abs(out["b"] - target["b"]) < 1e-3
    assert calls[0] == (0, dict, ["b", "w"], dict) and len(calls) == 2000


def test_adam_matches_the_published_update():
    from wengert.misc.optimizers import adam
    g = onp.array([0.5, -1.0])
    x = adam(lambda x, i: g, onp.zeros(2), num_iters=1, step_size=0.1)
    # one step: mhat = g, vhat = g^2, so x = -0.1 g / (|g| + eps)
    onp.testing.assert_allclose(x, -0.1 * g / (onp.abs(g) + 1e-8))


def test_fixed_point_derivatives(ag):
    import autograd
    import autograd.numpy as np
    from autograd.misc.fixed_points import fixed_point
    newton = lambda a: lambda x: 0.5 * (x + a / x)  # noqa: E731
    dist = lambda x, y: np.abs(x - y)  # noqa: E731
    sqrt = lambda a: fixed_point(newton, a, 1.0, dist, 1e-12)  # noqa: E731
    assert abs(sqrt(2.0) - onp.sqrt(2.0)) < 1e-12
    assert abs(autograd.grad(sqrt)(2.0) - 0.5 / onp.sqrt(2.0)) < 1e-10
    assert abs(autograd.deriv(sqrt)(2.0) - 0.5 / onp.sqrt(2.0)) < 1e-10
    assert abs(autograd.grad(autograd.grad(sqrt))(2.0) + 0.25 * 2.0 ** -1.5) < 1e-8
    check_grads(sqrt, modes=["fwd", "rev"], order=2)(1.7)


def test_const_graph_replays_without_running_python(ag):
    import autograd
    import autograd.numpy as np
    runs = []

    def f(x, y):
        runs.append(1)
        return np.sin(x) * y + x

    fast = autograd.const_graph(f)
    assert fast(0.3, 2.0) == f(0.3, 2.0)
    assert abs(fast(1.1, -1.0) - (onp.sin(1.1) * -1.0 + 1.1)) < 1e-15
    assert len(runs) == 2    # the recording and the direct call; the replay ran no Python
    assert abs(autograd.grad(fast)(0.5, 3.0) - (3.0 * onp.cos(0.5) + 1.0)) < 1e-14
    from autograd.misc.tracers import full_graph
    node = full_graph(lambda x: np.exp(x) * 2.0, 0.0)
    assert node.value == 2.0 and node.recipe[0].__name__ == "multiply"


# -- numpy additions -------------------------------------------------------------------------------
def test_linspace_is_differentiable(ag):
    import autograd
    import autograd.numpy as np
    onp.testing.assert_array_equal(np.linspace(0.0, 1.0, 5), onp.linspace(0.0, 1.0, 5))
    # d/da of sum(linspace(a, b, n)) = sum(1 - k/(n-1)) = n/2
    assert autograd.grad(lambda a: np.sum(np.linspace(a, 3.0, 7)))(1.0) == pytest.approx(3.5)
    check_grads(lambda a, b: np.linspace(a, b, 4, endpoint=False) ** 2,
                modes=["fwd", "rev"])(0.3, 1.2)
    s, step = np.linspace(0.0, 2.0, 5, retstep=True)
    assert step == 0.5


def test_make_diagonal_and_diagonal(ag):
    import autograd
    import autograd.numpy as np
    d = onp.array([[1.0, -2.0], [3.0, 4.0]])
    m = np.make_diagonal(d, axis1=-1, axis2=-2)
    onp.testing.assert_array_equal(m[1], [[3.0, 0.0], [0.0, 4.0]])
    onp.testing.assert_array_equal(np.diagonal(m, axis1=-1, axis2=-2), d)
    g = autograd.grad(lambda d: np.sum(np.make_diagonal(d, axis1=-1, axis2=-2) * onp.arange(8.).reshape(2, 2, 2)))(d)  # noqa: E501
    onp.testing.assert_array_equal(g, [[0.0, 3.0], [4.0, 7.0]])
    with pytest.raises(NotImplementedError, match="axis1=-1"):
        np.make_diagonal(d)


def test_unbroadcast_helpers(ag):
    import autograd
    from autograd.extend import defvjp, primitive
    from autograd.numpy.numpy_vjps import unbroadcast, unbroadcast_f
    from autograd.numpy import metadata
    g = onp.ones((4, 2, 3))
    onp.testing.assert_array_equal(unbroadcast(g, metadata(onp.zeros((2, 1)))), 12 * onp.ones((2, 1)))

    @primitive
    def mul(x, y):
        return x * y

    defvjp(mul, lambda ans, x, y: unbroadcast_f(x, lambda g: g * y),
           lambda ans, x, y: unbroadcast_f(y, lambda g: g * x))
    check_grads(lambda x, y: mul(x, y), modes=["rev"], order=2)(onp.array([1.0, 2.0]), 3.0)


def test_dirichlet_rvs(ag):
    from autograd.scipy.stats import dirichlet
    s = dirichlet.rvs(onp.array([1.0, 2.0, 3.0]), size=4, random_state=0)
    assert s.shape == (4, 3)
    onp.testing.assert_allclose(s.sum(axis=1), 1.0)


def test_deprecated_names_warn(ag):
    from autograd.util import quick_grad_check
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        quick_grad_check(lambda x: x ** 2, 1.0, verbose=False)
    assert w


# -- found by running autograd's own test suite on wengert -------------------------------------
def test_polygamma_of_a_python_float_is_float64():
    # the second derivative of digamma came out in float16 (-6.43359375) for a Python float
    import scipy.special as sp
    import wengert
    from wengert.scipy import special
    assert wengert.grad(wengert.grad(special.psi))(0.7) == pytest.approx(sp.polygamma(2, 0.7),
                                                                         rel=1e-14)
    assert special.polygamma(1, 0.7).dtype == onp.float64


def test_moveaxis_and_swapaxes_by_keyword():
    import wengert
    import wengert.numpy as np
    x = onp.arange(6.0).reshape(1, 2, 3)
    check_grads(lambda x: np.moveaxis(x, source=0, destination=2))(x)
    check_grads(lambda x: np.swapaxes(x, axis1=0, axis2=2))(x)
    assert np.swapaxes(x, axis1=0, axis2=2).shape == (3, 2, 1)


def test_grad_of_a_boolean_output_is_an_error():
    import wengert
    import wengert.numpy as np
    with pytest.raises(TypeError, match="boolean"):
        wengert.grad(lambda x: np.allclose(x, x * 3.0 / 3.0))(onp.ones(3))


def test_vspace_operations_are_differentiable():
    from wengert._core import vspace
    vs = vspace(onp.zeros((2, 2)))
    x, y = onp.arange(4.0).reshape(2, 2), onp.ones((2, 2)) * 0.5
    check_grads(vs.inner_prod)(x, y)
    check_grads(vs.scalar_mul)(x, 2.0)
    check_grads(vspace(onp.zeros(2, complex)).inner_prod)(x[0] + 1j, y[0] - 2j)


def test_forward_over_reverse_of_a_real_input_stays_real():
    # the cotangent of a real argument of matmul with a complex one, differentiated
    # again in forward mode, carried an imaginary part
    import wengert.numpy as np
    a = onp.array([0.3, -1.2, 0.5])
    b = onp.array([1.0 + 2.0j, 0.5, -1.0j])
    check_grads(lambda a: np.matmul(a, b), modes=["fwd", "rev"], order=2)(a)


def test_convolve_with_autograds_axes_and_dot_axes(ag):
    import scipy.signal
    from autograd.scipy.signal import convolve
    rng = onp.random.default_rng(1)
    A, B = rng.standard_normal((3, 5)), rng.standard_normal((3, 4, 2))
    for mode in ("full", "valid", "same"):
        out = convolve(A, B, axes=([1], [1]), dot_axes=([0], [0]), mode=mode)
        want = sum(scipy.signal.convolve(A[i], B[i, :, 1], mode) for i in range(3))
        onp.testing.assert_allclose(out[1], want, atol=1e-12)   # kept axis of B first
    onp.testing.assert_allclose(convolve(A, B, axes=([], []), dot_axes=([0], [0])),
                                onp.tensordot(A, B, axes=([0], [0])), atol=1e-12)


def test_scipy_linalg_passes_other_names_through(ag):
    import autograd
    import autograd.scipy.linalg as spla
    onp.testing.assert_array_equal(spla.block_diag(onp.eye(1), 2 * onp.eye(1)), onp.diag([1.0, 2.0]))
    with pytest.raises(TypeError, match="traced value"):   # no derivative: an error, not zero
        autograd.grad(lambda x: spla.det(x))(onp.eye(2))
