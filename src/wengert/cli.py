"""The ``wengert`` command line.

``wengert tour`` runs the tour (the lecture notes' worked examples, basis-function
regression, an MLP on spirals, finite differences vs AD) and writes its report
folder; ``wengert selfcheck [OPS]`` verifies
the derivative rules against finite differences; ``wengert --version`` prints
the version.  Also runnable as ``python -m wengert``.

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
                    "variables given with --at, + - * / ** and functions such as sin, exp, log.")
    explain.add_argument("expr", help='e.g. "(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))"')
    explain.add_argument("--at", nargs="+", required=True, metavar="NAME=VALUE",
                         help="the point, e.g. --at x1=1.5 x2=0.5")
    explain.add_argument("--tangent", nargs="+", default=None, metavar="NAME=VALUE",
                         help="the forward-mode direction (default: 1 for the first variable)")
    explain.add_argument("--markdown", action="store_true", help="print a Markdown table")
    explain.add_argument("--dot", metavar="FILE", help="also write the circuit as Graphviz DOT")
    explain.add_argument("--svg", metavar="FILE", help="also draw the circuit as SVG "
                         '(with matplotlib: pip install "wengert[plot]")')
    explain.add_argument("--png", metavar="FILE", help="also draw the circuit as PNG "
                         '(with matplotlib: pip install "wengert[plot]")')
    return parser


def _assignments(items, what):
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise SystemExit(f"wengert explain: {what} expects NAME=NUMBER, got {item!r}") from None
    return out


def _explain(args):
    from . import explain
    from .explain._expr import ExpressionError, expression
    point = _assignments(args.at, "--at")
    names = list(point)
    try:
        fun = expression(args.expr, names)
    except ExpressionError as e:
        print(e)
        return 2
    tangent = None
    if args.tangent is not None:
        given = _assignments(args.tangent, "--tangent")
        unknown = sorted(set(given) - set(names))
        if unknown:
            print(f"wengert explain: --tangent names unknown variables {unknown}")
            return 2
        tangent = tuple(given.get(n, 0.0) for n in names)
    values = [point[n] for n in names]
    table = explain.trace(fun, *values, tangent=tangent)
    print(table.to_markdown() if args.markdown else table)
    for path in (args.dot, args.svg, args.png):
        if path:
            try:
                explain.graph(fun, *values).save(path)
            except ImportError as e:
                print(f"wengert explain: {e}")
                return 2
            print(f"wrote {path}")
    return 0


def _selfcheck(args):
    import sys

    from ._selfcheck import selfcheck
    report = selfcheck(args.ops, verbose=args.verbose, stream=sys.stdout)
    return 0 if report.ok else 1


def _tour(args):
    # Imported here so that `wengert --version` stays cheap.
    import sys

    from . import tour
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
    parser = _parser()
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
    except BrokenPipeError:  # e.g. `wengert tour | head`: the reader has gone, not an error
        import os
        import sys
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    parser.print_help()
    return 1
