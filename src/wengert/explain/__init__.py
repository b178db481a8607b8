"""Explain a derivative: the trace table and the circuit diagram of one evaluation.

``trace(fun, *args)`` prints the Wengert list of ``fun(*args)`` with every
intermediate value, its tangent (forward mode) and its adjoint (reverse mode);
``graph(fun, *args)`` draws the same evaluation as a circuit whose wires carry
the forward value and the backward gradient (Graphviz DOT, no dependency).
Both read one recording: a tape whose inputs are dual numbers.
"""
from .dot import Graph, graph
from .table import Trace, trace

__all__ = ["trace", "Trace", "graph", "Graph"]
