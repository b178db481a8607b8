"""Explain a derivative: the trace table and the circuit diagram of one evaluation.

``trace(fun, *args)`` prints the Wengert list of ``fun(*args)`` with every
intermediate value, its tangent (forward mode) and its adjoint (reverse mode);
``graph(fun, *args)`` draws the same evaluation as a circuit whose wires carry
the forward value and the backward gradient: Graphviz DOT text (no
dependency) or SVG/PNG/PDF pictures from a pure-Python layered layout drawn
with matplotlib (the ``plot`` extra; no system Graphviz), inline in Jupyter.
Both read one recording: a tape whose inputs are dual numbers.
``cost(fun, *args)`` reports operation counts, flops, bytes, tape memory and
the gradient/function time ratio; ``detect_nonfinite()`` names the first
operation and source line that produced a NaN or inf in any pass.
``@gate("sigmoid")`` and ``with scope("layer1"):`` show a piece of user code
as one gate in the table and the diagram (``collapse=False`` opens it).
"""
from .cost import Cost, cost
from .dot import Graph, graph
from .groups import gate, scope
from .nonfinite import detect_nonfinite
from .table import Trace, trace

__all__ = ["trace", "Trace", "graph", "Graph", "cost", "Cost", "detect_nonfinite", "gate",
           "scope"]
