"""Safe arithmetic expressions for ``wengert explain "EXPR"``.

The text is parsed with :mod:`ast` and evaluated by walking the tree against an
allow-list of operators and ``wengert.numpy`` functions: never ``eval``.
Attribute access, subscripts, lambdas, comprehensions, keywords, starred
arguments, dunder names and calls to anything off the list are rejected, and so
are calls with the wrong number of arguments.  Everything is checked before
anything is evaluated; evaluation is a loop (no recursion), in float64, and a
value that is not finite (``9**9**9``, ``log(-1)``) is an error naming the
sub-expression.  Expressions are limited to ``MAX_LENGTH`` characters and
``MAX_OPERATIONS`` operations (a trace table is read by a person).

Example:
    >>> from wengert.explain._expr import expression
    >>> f = expression("sin(x1 / x2) * x2", ["x1", "x2"])
    >>> round(float(f(1.5, 0.5)), 4)
    0.0706
"""
import ast
import inspect
import math
import operator
import warnings

import numpy as _np

from .. import numpy as wnp
from .._core import getval

MAX_LENGTH = 10_000
MAX_OPERATIONS = 1_000

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
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
# how many arguments each function takes (the values are numbers: no axis, no out)
_ARITY = {name: 1 for name in FUNCTIONS}
_ARITY.update({name: 2 for name in ("arctan2", "maximum", "minimum", "max", "min", "power",
                                    "hypot", "logaddexp", "dot")})


class ExpressionError(ValueError):
    """An expression that is not allowed, with the reason."""


def _short(text, n=60):
    return text if len(text) <= n else text[:n - 3] + "..."


def _reject(node, why):
    raise ExpressionError(f"wengert explain: {why} (at column {getattr(node, 'col_offset', 0) + 1})"
                          "; expressions may use numbers, the variables given with --at, "
                          "+ - * / ** and the functions " + ", ".join(sorted(FUNCTIONS)))


def _check(node, variables, text):
    """Validate the whole tree before anything is evaluated."""
    operations = 0
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Expression, ast.Load, ast.operator, ast.unaryop)):
            continue
        if isinstance(sub, ast.BinOp):
            if isinstance(sub.op, ast.MatMult):
                _reject(sub, "the operator @ multiplies matrices, and every value here is a "
                             "number: use *")
            if type(sub.op) not in _BINARY:
                _reject(sub, f"the operator {type(sub.op).__name__} is not allowed")
            operations += 1
        elif isinstance(sub, ast.UnaryOp):
            if type(sub.op) not in _UNARY:
                _reject(sub, f"the operator {type(sub.op).__name__} is not allowed")
            operations += 1
        elif isinstance(sub, ast.Constant):
            if type(sub.value) not in (int, float):
                _reject(sub, "only numbers are allowed as constants, not "
                             + _short(repr(sub.value)))
            if not math.isfinite(_float(sub.value)):
                _reject(sub, f"the number {_short(ast.get_source_segment(text, sub) or '')} "
                             "is too large for a float64")
        elif isinstance(sub, ast.Name):
            if sub.id.startswith("__"):
                _reject(sub, f"the name {_short(repr(sub.id))} is not allowed")
        elif isinstance(sub, ast.Call):
            if not isinstance(sub.func, ast.Name) or sub.func.id not in FUNCTIONS:
                what = (_short(repr(sub.func.id)) if isinstance(sub.func, ast.Name)
                        else "an attribute" if isinstance(sub.func, ast.Attribute)
                        else f"the result of a {type(sub.func).__name__}")
                _reject(sub, f"calling {what} is not allowed")
            if sub.keywords or any(isinstance(a, ast.Starred) for a in sub.args):
                _reject(sub, "keyword and starred arguments are not allowed")
            n = _ARITY[sub.func.id]
            if len(sub.args) != n:
                _reject(sub, f"{sub.func.id} takes {n} argument{'s' if n > 1 else ''}, "
                             f"got {len(sub.args)}")
            operations += 1
        else:
            _reject(sub, f"{type(sub).__name__} is not allowed")
    if operations > MAX_OPERATIONS:
        raise ExpressionError(f"wengert explain: the expression has {operations} operations; "
                              f"at most {MAX_OPERATIONS} are shown (a trace is read by a person)")
    callees = {id(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in variables and id(sub) not in callees:
            _reject(sub, f"unknown variable {_short(repr(sub.id))}; give its value with "
                         f"--at {_short(sub.id, 30)}=...")


def _float(v):
    try:
        return float(v)
    except OverflowError:      # an int beyond float64
        return math.inf


def _evaluate(tree, env, text):
    """The value of ``tree``, computed by a loop over the nodes in post-order (a sum
    of a thousand terms nests a thousand deep: too deep for recursion)."""
    stack, done = [(tree.body, False)], []
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            done.append(_np.float64(node.value))
            continue
        if isinstance(node, ast.Name):
            done.append(env[node.id])
            continue
        children = ([node.left, node.right] if isinstance(node, ast.BinOp)
                    else [node.operand] if isinstance(node, ast.UnaryOp) else node.args)
        if not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(children))
            continue
        args = done[len(done) - len(children):]
        del done[len(done) - len(children):]
        if isinstance(node, ast.BinOp):
            value = _BINARY[type(node.op)](*args)
        elif isinstance(node, ast.UnaryOp):
            value = _UNARY[type(node.op)](*args)
        else:
            value = FUNCTIONS[node.func.id](*args)
        v = getval(value)
        if not _np.isfinite(v):
            part = _short(ast.get_source_segment(text, node) or "a part of it")
            why = "is inf (an overflow or a division by zero)" if _np.isinf(v) else "is nan"
            raise ExpressionError(
                f"wengert explain: {part} {why} at this point (at column "
                f"{node.col_offset + 1}); the trace needs finite values")
        done.append(value)
    return done[0]


def expression(text, variables):
    """A function of ``variables`` (in order) computing the expression ``text``."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"wengert explain: the expression has {len(text)} characters; "
                              f"at most {MAX_LENGTH} are allowed")
    try:
        with warnings.catch_warnings():   # "1if": a warning from Python's parser, an error here
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"wengert explain: cannot parse {_short(repr(text))}: "
                              f"{e.msg}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("wengert explain: the expression nests too deeply to parse; "
                              "write it with fewer nested operations") from None
    except ValueError as e:   # e.g. a NUL character
        raise ExpressionError(f"wengert explain: cannot parse {_short(repr(text))}: {e}") from None
    _check(tree, set(variables), text)

    def fun(*values):
        with _np.errstate(all="ignore"):     # non-finite values are reported by _evaluate
            return _evaluate(tree, dict(zip(variables, values)), text)

    fun.__name__ = "expression"
    # so that explain names the inputs after the variables
    fun.__signature__ = inspect.Signature(
        [inspect.Parameter(v, inspect.Parameter.POSITIONAL_OR_KEYWORD) for v in variables])
    return fun
