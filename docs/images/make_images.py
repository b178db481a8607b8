"""Regenerate the README's pictures: ``python docs/images/make_images.py``.

Every file here is made by wengert itself (matplotlib for the SVGs).
"""
import pathlib

import numpy as onp

import wengert.numpy as np
from wengert import explain

HERE = pathlib.Path(__file__).resolve().parent


def griewank(x1, x2):  # Adams's execution-trace example, v_1 ... v_6
    v1 = x1 / x2
    v4 = v1 - np.exp(x2)
    return (np.sin(v1) + v4) * v4


@explain.gate("sigmoid")
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def neuron(w0, x0, w1, x1, w2):  # CS231n's 2-d neuron with a sigmoid gate
    return sigmoid(w0 * x0 + w1 * x1 + w2)


@explain.gate("dense")
def dense(W, b, x):
    return np.tanh(x @ W + b)


def mlp_loss(params, x, y):  # a 3-layer MLP's mean squared error
    for W, b in params[:-1]:
        x = dense(W, b, x)
    W, b = params[-1]
    return np.mean((x @ W + b - y) ** 2)


def mlp_args():
    rng = onp.random.default_rng(0)
    sizes = [3, 8, 8, 1]
    params = [(rng.normal(size=(m, n)), onp.zeros(n)) for m, n in zip(sizes, sizes[1:])]
    return params, rng.normal(size=(6, 3)), rng.normal(size=(6, 1))


def main():
    explain.graph(griewank, 1.5, 0.5).save(HERE / "griewank_circuit.svg")
    explain.graph(neuron, 2.0, -1.0, -3.0, -2.0, -3.0).save(HERE / "neuron_sigmoid_gate.svg")
    explain.graph(neuron, 2.0, -1.0, -3.0, -2.0, -3.0, collapse=False).save(
        HERE / "neuron_sigmoid_expanded.svg")
    explain.graph(mlp_loss, *mlp_args()).save(HERE / "mlp_circuit.svg")
    (HERE / "mlp_trace.txt").write_text(str(explain.trace(mlp_loss, *mlp_args())) + "\n")


if __name__ == "__main__":
    main()
