"""The ``wengert`` command line.

``wengert tour`` prints the worked examples of the lecture notes in
``shared/seeds``, computed by the library; ``wengert selfcheck [OPS]`` verifies
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
        "tour", help="print the seeds' worked examples, computed by wengert",
        description="Print the worked examples of the lecture notes (execution trace, "
                    "tapes, circuits, finite differences vs AD), computed by wengert.")
    tour.add_argument("--quick", action="store_true",
                      help="a quick tour (the tour is already quick: same output)")
    tour.add_argument("--out", metavar="DIR",
                      help="directory for output files (accepted; nothing is written yet)")
    check = commands.add_parser(
        "selfcheck", help="verify every derivative rule against finite differences",
        description="Run the op table (every registered rule, with input domains) through "
                    "check_grads: forward and reverse mode against centered finite "
                    "differences, to second order (third for products).")
    check.add_argument("ops", nargs="?", default=None,
                       help="only the ops whose spec name contains this text")
    check.add_argument("--verbose", action="store_true", help="print every op as it is checked")
    return parser


def _selfcheck(args):
    import sys

    from ._selfcheck import selfcheck
    report = selfcheck(args.ops, verbose=args.verbose, stream=sys.stdout)
    return 0 if report.ok else 1


def _tour(args):
    # Imported here so that `wengert --version` stays cheap.
    from . import tour
    print(tour.report(quick=args.quick))
    return 0


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the
    exit status instead of exiting (``--help`` and usage errors included).

    Example:
        >>> main(["tour"])  # doctest: +ELLIPSIS
        wengert tour: ...
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
    except BrokenPipeError:  # e.g. `wengert tour | head`: the reader has gone, not an error
        import os
        import sys
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    parser.print_help()
    return 1
