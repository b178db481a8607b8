"""Dataclasses and registered containers as tree nodes: grad, vmap, optim, io, compile."""
import dataclasses
import os

import numpy as onp
import pytest

import wengert
import wengert.numpy as np
from wengert import io, optim, tree


@dataclasses.dataclass
class Layer:
    w: object
    b: object


@dataclasses.dataclass(frozen=True)
class Model:
    layers: list
    scale: float = dataclasses.field(default=2.0, metadata={"static": True})


class Affine:
    """A plain class made a container by registration (JAX's register_pytree_node)."""
    def __init__(self, w, b, name="affine"):
        self.w, self.b, self.name = w, b, name


tree.register(Affine, lambda a: ((a.w, a.b), a.name), lambda name, ch: Affine(*ch, name=name))


def _model(rng):
    return Model([Layer(rng.normal(size=(3, 4)), onp.zeros(4)),
                  Layer(rng.normal(size=(4, 1)), onp.zeros(1))])


def _loss(m, x, y):
    h = x
    for i, layer in enumerate(m.layers):
        h = h @ layer.w + layer.b
        if i < len(m.layers) - 1:
            h = np.tanh(h)
    return m.scale * np.mean((h[:, 0] - y) ** 2)


def _as_dict(m):
    return {"layers": [{"w": l.w, "b": l.b} for l in m.layers]}


def _dict_loss(d, x, y):
    return _loss(Model([Layer(l["w"], l["b"]) for l in d["layers"]]), x, y)


@pytest.fixture
def data():
    rng = onp.random.default_rng(1)
    return _model(rng), rng.normal(size=(10, 3)), rng.normal(size=10)


def test_flatten_and_unflatten_a_dataclass_tree(data):
    m = data[0]
    leaves, td = tree.flatten(m)
    assert len(leaves) == 4 and leaves[0] is m.layers[0].w
    back = tree.unflatten(td, [x * 0 for x in leaves])
    assert type(back) is Model and back.scale == 2.0 and type(back.layers[1]) is Layer
    assert onp.all(back.layers[0].w == 0)
    # static fields are part of the structure
    assert tree.flatten(Model(m.layers, scale=3.0))[1] != td
    assert tree.flatten(_model(onp.random.default_rng(5)))[1] == td


def test_grad_of_a_dataclass_equals_grad_of_the_same_dict(data):
    m, x, y = data
    g = wengert.grad(_loss)(m, x, y)
    gd = wengert.grad(_dict_loss)(_as_dict(m), x, y)
    assert type(g) is Model and g.scale == 2.0
    for layer, ld in zip(g.layers, gd["layers"]):
        assert type(layer) is Layer
        onp.testing.assert_allclose(layer.w, ld["w"], rtol=1e-13)
        onp.testing.assert_allclose(layer.b, ld["b"], rtol=1e-13)


def test_registered_class_in_grad_and_jvp():
    g = wengert.grad(lambda a: a.w * 3.0 + a.b ** 2)(Affine(1.0, 2.0, name="k"))
    assert type(g) is Affine and (g.w, g.b, g.name) == (3.0, 4.0, "k")
    out, t = wengert.jvp(lambda a: a.w * a.b, (Affine(2.0, 5.0),), (Affine(1.0, 0.0),))
    assert (out, t) == (10.0, 5.0)


def test_vmap_over_examples_and_over_a_batched_dataclass(data):
    m, x, y = data
    per_example = wengert.vmap(wengert.grad(_loss), in_axes=(None, 0, 0))(m, x[:, None], y[:, None])
    assert type(per_example) is Model and per_example.layers[0].w.shape == (10, 3, 4)
    mean = wengert.tree.tree_map(lambda a: a.mean(0), per_example)
    full = wengert.grad(_loss)(m, x, y)
    onp.testing.assert_allclose(mean.layers[0].w, full.layers[0].w, rtol=1e-12)
    # a dataclass batched along axis 0 of every leaf
    batch = Layer(onp.arange(6.0).reshape(3, 2), onp.arange(3.0))
    out = wengert.vmap(lambda l: np.sum(l.w) * l.b)(batch)
    onp.testing.assert_allclose(out, [0.0, 5.0, 18.0])


def test_optimizers_update_dataclass_parameters_like_dicts(data):
    m, x, y = data
    d = _as_dict(m)
    for opt in (optim.adam(0.05), optim.sgd(0.1, momentum=0.9)):
        sm, sd = opt.init(m), opt.init(d)
        pm, pd = m, d
        for _ in range(5):
            um, sm = opt.update(wengert.grad(_loss)(pm, x, y), sm, pm)
            pm = optim.apply_updates(pm, um)
            ud, sd = opt.update(wengert.grad(_dict_loss)(pd, x, y), sd, pd)
            pd = optim.apply_updates(pd, ud)
        assert type(pm) is Model and pm.scale == 2.0
        for lm, ld in zip(pm.layers, pd["layers"]):
            onp.testing.assert_allclose(lm.w, ld["w"], rtol=1e-12)


def test_save_and_load_a_dataclass_tree_and_its_optimizer_state(tmp_path, data):
    m = data[0]
    opt = optim.adam(0.1)
    ckpt = {"params": m, "opt": opt.init(m)}
    path = os.path.join(tmp_path, "ckpt.npz")
    io.save(path, ckpt)
    back = io.load(path, like=ckpt)
    assert type(back["params"]) is Model and back["params"].scale == 2.0
    assert type(back["opt"][0]["mu"]) is Model
    onp.testing.assert_array_equal(back["params"].layers[1].w, m.layers[1].w)
    plain = io.load(path)      # without like: tuples of children, no type imported
    assert type(plain["params"]) is tuple and type(plain["params"][0][0]) is tuple
    onp.testing.assert_array_equal(plain["params"][0][0][0], m.layers[0].w)
    other = Model([Layer(onp.zeros((3, 4)), onp.zeros(4))])
    with pytest.raises(ValueError, match="2 expected|1 expected|items"):
        io.load(path, like={"params": other, "opt": opt.init(other)})
    with pytest.raises(ValueError, match="shape"):
        io.load(path, like={"params": Model([Layer(onp.zeros((2, 4)), onp.zeros(4)),
                                             m.layers[1]]), "opt": ckpt["opt"]})


def test_registered_class_saves_and_loads(tmp_path):
    path = os.path.join(tmp_path, "a.npz")
    io.save(path, Affine(onp.ones(2), 0.5, name="z"))
    back = io.load(path, like=Affine(onp.zeros(2), 0.0, name="z"))
    assert type(back) is Affine and back.name == "z" and back.b == 0.5


def test_compiled_step_with_a_dataclass_traces_once(data):
    m, x, y = data
    opt = optim.adam(0.01)

    @wengert.compile
    def step(m, s):
        loss, g = wengert.value_and_grad(_loss)(m, x, y)
        u, s = opt.update(g, s, m)
        return loss, optim.apply_updates(m, u), s

    s, me, se = opt.init(m), m, opt.init(m)
    for _ in range(4):
        loss, m, s = step(m, s)
        ge = wengert.grad(_loss)(me, x, y)
        ue, se = opt.update(ge, se, me)
        me = optim.apply_updates(me, ue)
    assert type(m) is Model
    onp.testing.assert_allclose(m.layers[0].w, me.layers[0].w, rtol=1e-12)
    assert step.stats()["traces"] == 1


def test_register_dataclass_with_explicit_fields_and_errors():
    @dataclasses.dataclass
    class P:
        w: object
        n: int
    tree.register_dataclass(P, data_fields=["w"], meta_fields=["n"])
    g = wengert.grad(lambda p: p.w * p.n)(P(2.0, 3))
    assert type(g) is P and (g.w, g.n) == (3.0, 3)
    with pytest.raises(ValueError, match="each field once"):
        tree.register_dataclass(P, data_fields=["w"], meta_fields=["nope"])
    with pytest.raises(TypeError, match="not a dataclass"):
        tree.register_dataclass(Affine)
    with pytest.raises(ValueError, match="already a container"):
        tree.register(dict, lambda d: d, lambda a, c: c)


def test_a_dataclass_with_a_non_numeric_field_names_the_problem():
    @dataclasses.dataclass
    class Cfg:
        w: object
        activation: str
    with pytest.raises(TypeError, match="str"):
        wengert.grad(lambda c: c.w ** 2)(Cfg(1.0, "tanh"))


def test_compile_runs_the_program_for_dataclass_and_registered_arguments():
    calls = []

    def f(m, a):
        calls.append(1)       # runs only while tracing (or if compile fell back to eager)
        layer = m.layers[0]
        return Model([Layer(layer.w * m.scale, layer.b + a.w)], scale=m.scale + 1.0), \
            Affine(a.w * a.b, a.b, name=a.name + "!")

    compiled = wengert.compile(f)
    m = Model([Layer(onp.ones(2), onp.zeros(2))], scale=3.0)
    for k in range(4):
        out, aff = compiled(m, Affine(onp.full(2, float(k)), 2.0, name="n"))
        assert type(out) is Model and out.scale == 4.0          # the static field kept
        onp.testing.assert_array_equal(out.layers[0].w, [3.0, 3.0])
        onp.testing.assert_array_equal(out.layers[0].b, [k, k])
        assert type(aff) is Affine and aff.name == "n!" and aff.b == 2.0
        onp.testing.assert_array_equal(aff.w, [2.0 * k, 2.0 * k])
    assert len(calls) == 1
    # another static value is another signature, traced anew, never a stale result
    out, _ = compiled(Model(m.layers, scale=5.0), Affine(onp.ones(2), 2.0, name="n"))
    assert out.scale == 6.0 and len(calls) == 2
    onp.testing.assert_array_equal(out.layers[0].w, [5.0, 5.0])


def test_check_grads_jvp_and_vjp_take_dataclasses(data):
    from wengert.test_util import check_grads
    m, x, y = data
    check_grads(lambda m: _loss(m, x, y), modes=["fwd", "rev"], order=2)(m)
    tangent = tree.tree_map(onp.ones_like, m)
    out, t = wengert.jvp(lambda m: _loss(m, x, y), (m,), (tangent,))
    g = wengert.grad(_loss)(m, x, y)
    assert t == pytest.approx(sum(float(onp.sum(a)) for a in tree.leaves(g)), rel=1e-10)
    _, pullback = wengert.vjp(lambda m: _loss(m, x, y), m)
    back = pullback(1.0)
    back = back[0] if type(back) is tuple else back
    assert type(back) is Model
    onp.testing.assert_allclose(back.layers[0].w, g.layers[0].w, rtol=1e-12)


def test_jacobian_of_a_dataclass_argument_names_the_fix():
    with pytest.raises(TypeError, match="got a Layer.*tuple argnum"):
        wengert.jacobian(lambda l: l.w * l.b)(Layer(onp.ones(2), 2.0))
