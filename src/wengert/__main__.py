"""``python -m wengert``: the command line (see :mod:`wengert.cli`)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
