"""Issue 7's 'done when': in-place updates, plain numpy and vmap working together
(and through compile): per-example gradients of a plain-numpy loss that fills a
table in place."""
import numpy as np

import wengert
import wengert.numpy as wnp
from wengert.test_util import check_grads


def running_loss(w, x):
    h = wnp.as_traced(np.zeros(len(x)), like=(w, x))   # the innermost of w's and x's traces
    h[0] = x[0] * w
    for i in range(1, len(x)):
        h[i] = np.logaddexp(h[i - 1], x[i] * w)          # plain numpy on traced values
    return np.sum(h ** 2)


X = np.random.default_rng(1).standard_normal((6, 5))


def test_per_example_gradients_of_a_plain_numpy_loss_filled_in_place():
    per_example = wengert.vmap(wengert.grad(running_loss), in_axes=(None, 0))
    loop = np.array([wengert.grad(running_loss)(0.7, x) for x in X])
    np.testing.assert_allclose(per_example(0.7, X), loop, rtol=1e-12)
    total = wengert.grad(lambda w: np.sum(wengert.vmap(running_loss, in_axes=(None, 0))(w, X)))
    np.testing.assert_allclose(total(0.7), loop.sum(), rtol=1e-12)
    check_grads(lambda w: np.sum(wengert.vmap(running_loss, in_axes=(None, 0))(w, X)),
                modes=["fwd", "rev"], order=2)(0.7)


def test_and_compiled():
    per_example = wengert.vmap(wengert.grad(running_loss), in_axes=(None, 0))
    fast = wengert.compile(per_example)
    for w in (0.7, 0.5):
        assert np.array_equal(fast(w, X), per_example(w, X))
    assert fast.stats()["traces"] == 1
