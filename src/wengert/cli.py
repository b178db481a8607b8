"""The ``wengert`` command line.

``wengert tour`` runs the tour (the lecture notes' worked examples, basis-function
regression, an MLP on spirals, finite differences vs AD) and writes its report
folder; ``wengert selfcheck [OPS]`` verifies
the derivative rules against finite differences; ``wengert explain "EXPR" --at
x=1`` prints the trace table of an expression (bad input of any kind is one
line on stderr and exit status 2); ``wengert --version`` prints the version.
Also runnable as ``python -m wengert``.

Example:
    >>> from wengert.cli import main
    >>> main(["--version"])
    wengert ...
    0
"""
import argparse

from . import __version__

__all__ = ["main"]


def _parser():
    parser = argparse.ArgumentParser(
        prog="wengert", description="Exact derivatives of ordinary NumPy code.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    tour = commands.add_parser(
        "tour", help="the tour: worked examples, learning, plots, a report folder",
        description="Print the worked examples of the lecture notes (execution trace, tapes, "
                    "circuits), fit adaptive basis-function regression (fixed vs learned "
                    "bases), train an MLP on spirals, compare finite differences with AD, "
                    "and write a report folder with plots and an index.html. Seeded: the "
                    "output repeats exactly.")
    tour.add_argument("--quick", action="store_true",
                      help="a smaller, faster tour (fewer points and epochs), e.g. for CI")
    tour.add_argument("--out", metavar="DIR", default="wengert-tour",
                      help="the report folder (default: wengert-tour)")
    check = commands.add_parser(
        "selfcheck", help="verify every derivative rule against finite differences",
        description="Run the op table (every registered rule, with input domains) through "
                    "check_grads: forward and reverse mode against centered finite "
                    "differences, to second order (third for products).")
    check.add_argument("ops", nargs="?", default=None,
                       help="only the ops whose spec name contains this text")
    check.add_argument("--verbose", action="store_true", help="print every op as it is checked")
    explain = commands.add_parser(
        "explain", help="show the Wengert list (trace table) of an expression",
        description="Evaluate an arithmetic expression at a point and print its trace: every "
                    "operation with its value, its tangent (forward mode) and its adjoint "
                    "(reverse mode). The expression is parsed safely (no eval): numbers, the "
                    "variables given with --at, + - * / ** and functions such as sin, exp, log; at "
                    "most 1,000 operations. Every value must be finite at the point (the "
                    "derivatives may be inf or nan: they are shown).")
    explain.add_argument("expr", nargs="?",
                         help='e.g. "(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))"; '
                              'one starting with - is fine ("-x * y")')
    explain.add_argument("--expr", dest="expression", metavar="EXPR", help=argparse.SUPPRESS)
    explain.add_argument("--at", nargs="+", action="extend", required=True,
                         metavar="NAME=VALUE", help="the point, e.g. --at x1=1.5 x2=0.5")
    explain.add_argument("--tangent", nargs="+", default=None, metavar="NAME=VALUE",
                         help="the forward-mode direction (default: 1 for the first variable)")
    explain.add_argument("--markdown", action="store_true", help="print a Markdown table")
    explain.add_argument("--dot", metavar="FILE", help="also write the circuit as Graphviz DOT")
    explain.add_argument("--svg", metavar="FILE", help="also draw the circuit as SVG "
                         '(with matplotlib: pip install "wengert[plot]")')
    explain.add_argument("--png", metavar="FILE", help="also draw the circuit as PNG "
                         '(with matplotlib: pip install "wengert[plot]")')
    return parser


class _Usage(Exception):
    """A bad command line: reported in one line, exit status 2."""


def _assignments(items, what):
    import math
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        try:
            if not sep:
                raise ValueError
            number = float(value)
        except ValueError:
            raise _Usage(f"{what} expects NAME=NUMBER, got {_short(item)!r}") from None
        if not name.isidentifier() or name.startswith("__"):
            raise _Usage(f"{what}: {_short(name)!r} is not a variable name (letters, digits "
                         "and _, not starting with a digit or __)")
        if not math.isfinite(number):
            raise _Usage(f"{what}: {name}={_short(value.strip())} is not a finite number")
        if name in out:
            raise _Usage(f"{what}: {name} is given twice")
        out[name] = number
    return out


def _short(text, n=60):
    return text if len(text) <= n else text[:n - 3] + "..."


def _check_output(path, option, suffixes):
    """Fail before any work when the file cannot be written there."""
    import os
    if os.path.isdir(path):
        raise _Usage(f"{option} {_short(path)!r} is a directory; give a file name")
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in suffixes:
        raise _Usage(f"{option} {_short(path)!r}: the file name must end in "
                     f"{' or '.join(suffixes)}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise _Usage(f"{option} {_short(path)!r}: the folder {_short(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise _Usage(f"{option} {_short(path)!r}: the folder {_short(folder)!r} is not writable")


_OUTPUTS = (("dot", "--dot", (".dot", ".gv")), ("svg", "--svg", (".svg",)),
            ("png", "--png", (".png",)))


def _explain(args):
    from .explain._expr import ExpressionError
    try:
        return _explain_checked(args)
    except ExpressionError as e:
        raise _Usage(str(e)) from None
    except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError) as e:
        # the expression was accepted but could not be evaluated or drawn
        raise _Usage(f"cannot explain this expression at this point: {type(e).__name__}: "
                     f"{_short(str(e), 200)}") from None


def _explain_checked(args):
    import numpy

    from . import explain
    from .explain._expr import MAX_OPERATIONS, ExpressionError, expression
    if (args.expr is None) == (args.expression is None):
        raise _Usage("give one expression, e.g. wengert explain \"x * sin(x)\" --at x=1"
                     if args.expr is None else "give the expression once")
    text = args.expr if args.expr is not None else args.expression
    point = _assignments(args.at, "--at")
    if len(point) > MAX_OPERATIONS:
        raise _Usage(f"--at gives {len(point)} variables; at most {MAX_OPERATIONS} are shown")
    names = list(point)
    for attr, option, suffixes in _OUTPUTS:
        if getattr(args, attr):
            _check_output(getattr(args, attr), option, suffixes)
    fun = expression(text, names)
    tangent = None
    if args.tangent is not None:
        given = _assignments(args.tangent, "--tangent")
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise _Usage(f"--tangent names unknown variables {unknown}")
        tangent = tuple(given.get(n, 0.0) for n in names)
    values = [numpy.float64(point[n]) for n in names]
    with numpy.errstate(all="ignore"):   # non-finite derivatives are shown, not warned about
        table = explain.trace(fun, *values, tangent=tangent)
    print(table.to_markdown() if args.markdown else table)
    for attr, option, _ in _OUTPUTS:
        path = getattr(args, attr)
        if path:
            try:
                with numpy.errstate(all="ignore"):
                    explain.graph(fun, *values).save(path)
            except ImportError as e:
                raise _Usage(str(e)) from None
            except OSError as e:
                raise _Usage(f"{option}: cannot write {_short(path)!r}: "
                             f"{e.strerror or e}") from None
            print(f"wrote {path}")
    return 0


def _expression_first(argv):
    """``argv`` with an expression that starts with ``-`` (``-x``, ``-sin(x)``) turned
    into ``--expr=...``, which argparse would otherwise read as an option."""
    argv = list(argv)
    command = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if command is None or argv[command] != "explain":
        return argv
    for i in range(command + 1, len(argv)):
        a = argv[i]
        if a == "--":
            break
        if a.startswith("-") and not _is_option(a):
            argv[i] = "--expr=" + a
            break
    return argv


_EXPLAIN_OPTIONS = ("--at", "--tangent", "--markdown", "--dot", "--svg", "--png", "--help",
                    "--expr", "--version")


def _is_option(arg):
    """Whether argparse would read ``arg`` as one of explain's options (long options
    may be abbreviated and take ``=VALUE``)."""
    if arg in ("-h", "--"):
        return True
    name = arg.split("=", 1)[0]
    return (name.startswith("--") and len(name) > 2
            and any(o.startswith(name) for o in _EXPLAIN_OPTIONS))


def _selfcheck(args):
    import sys

    from ._selfcheck import selfcheck
    report = selfcheck(args.ops, verbose=args.verbose, stream=sys.stdout)
    return 0 if report.ok else 1


def _tour(args):
    # Imported here so that `wengert --version` stays cheap.
    import sys

    import os

    from . import tour
    # The tour is an application that writes PNG files: it draws off-screen unless
    # the user chose a backend (a library never chooses; wengert.plot does not).
    if "matplotlib.pyplot" not in sys.modules:
        os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        tour.run(out=args.out, quick=args.quick)
    except OSError as e:     # e.g. --out names a file or a read-only place
        print(e.strerror if e.strerror else e, file=sys.stderr)
        return 2
    return 0


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the
    exit status instead of exiting (``--help`` and usage errors included).

    Example:
        >>> main(["--version"])  # doctest: +ELLIPSIS
        wengert ...
        0
    """
    import sys
    parser = _parser()
    argv = _expression_first(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error already reported by argparse
        return exit_.code if isinstance(exit_.code, int) else 1
    if args.version:
        print(f"wengert {__version__}")
        return 0
    try:
        if args.command == "tour":
            return _tour(args)
        if args.command == "selfcheck":
            return _selfcheck(args)
        if args.command == "explain":
            return _explain(args)
    except _Usage as e:
        message = str(e)
        prefix = "wengert explain: "
        print(message if message.startswith(prefix) else prefix + message, file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `wengert tour | head`: the reader has gone, not an error
        import os
        import sys
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    parser.print_help()
    return 1
