"""Safe arithmetic expressions for ``wengert explain "EXPR"``.

The text is parsed with :mod:`ast` and evaluated by walking the tree against an
allow-list of operators and ``wengert.numpy`` functions: never ``eval``.
Attribute access, subscripts, lambdas, comprehensions, keywords, starred
arguments, dunder names and calls to anything off the list are rejected.

Example:
    >>> from wengert.explain._expr import expression
    >>> f = expression("sin(x1 / x2) * x2", ["x1", "x2"])
    >>> round(float(f(1.5, 0.5)), 4)
    0.0706
"""
import ast
import inspect
import operator

from .. import numpy as wnp

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow, ast.MatMult: operator.matmul}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
FUNCTIONS = {
    "sin": wnp.sin, "cos": wnp.cos, "tan": wnp.tan, "arcsin": wnp.arcsin,
    "arccos": wnp.arccos, "arctan": wnp.arctan, "arctan2": wnp.arctan2,
    "sinh": wnp.sinh, "cosh": wnp.cosh, "tanh": wnp.tanh, "exp": wnp.exp, "log": wnp.log,
    "log1p": wnp.log1p, "expm1": wnp.expm1, "sqrt": wnp.sqrt, "square": wnp.square,
    "abs": wnp.abs, "maximum": wnp.maximum, "minimum": wnp.minimum, "max": wnp.maximum,
    "min": wnp.minimum, "power": wnp.power, "hypot": wnp.hypot, "logaddexp": wnp.logaddexp,
    "sum": wnp.sum, "mean": wnp.mean, "dot": wnp.dot,
}


class ExpressionError(ValueError):
    """An expression that is not allowed, with the reason."""


def _reject(node, why):
    raise ExpressionError(f"wengert explain: {why} (at column {getattr(node, 'col_offset', 0) + 1})"
                          "; expressions may use numbers, the variables given with --at, "
                          "+ - * / ** @ and the functions " + ", ".join(sorted(FUNCTIONS)))


def _check(node, variables):
    """Validate the whole tree before anything is evaluated."""
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Expression, ast.Load, ast.operator, ast.unaryop)):
            continue
        if isinstance(sub, ast.BinOp):
            if type(sub.op) not in _BINARY:
                _reject(sub, f"the operator {type(sub.op).__name__} is not allowed")
        elif isinstance(sub, ast.UnaryOp):
            if type(sub.op) not in _UNARY:
                _reject(sub, f"the operator {type(sub.op).__name__} is not allowed")
        elif isinstance(sub, ast.Constant):
            if type(sub.value) not in (int, float):
                _reject(sub, f"only numbers are allowed as constants, not {sub.value!r}")
        elif isinstance(sub, ast.Name):
            if sub.id.startswith("__"):
                _reject(sub, f"the name {sub.id!r} is not allowed")
        elif isinstance(sub, ast.Call):
            if not isinstance(sub.func, ast.Name) or sub.func.id not in FUNCTIONS:
                what = (repr(sub.func.id) if isinstance(sub.func, ast.Name)
                        else f"a {type(sub.func).__name__}")
                _reject(sub, f"calling {what} is not allowed")
            if sub.keywords or any(isinstance(a, ast.Starred) for a in sub.args):
                _reject(sub, "keyword and starred arguments are not allowed")
        else:
            _reject(sub, f"{type(sub).__name__} is not allowed")
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in variables and not (
                sub.id in FUNCTIONS and _is_callee(node, sub)):
            _reject(sub, f"unknown variable {sub.id!r}; give its value with --at {sub.id}=...")


def _is_callee(tree, name):
    return any(isinstance(c, ast.Call) and c.func is name for c in ast.walk(tree))


def _evaluate(node, env):
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, env)
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, env))
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id]
    return FUNCTIONS[node.func.id](*[_evaluate(a, env) for a in node.args])  # ast.Call


def expression(text, variables):
    """A function of ``variables`` (in order) computing the expression ``text``."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"wengert explain: cannot parse {text!r}: {e.msg}") from None
    _check(tree, set(variables))

    def fun(*values):
        return _evaluate(tree, dict(zip(variables, values)))

    fun.__name__ = "expression"
    # so that explain names the inputs after the variables
    fun.__signature__ = inspect.Signature(
        [inspect.Parameter(v, inspect.Parameter.POSITIONAL_OR_KEYWORD) for v in variables])
    return fun
