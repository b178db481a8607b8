"""``wengert.compile`` of a call with arrays of another library than NumPy (CuPy, Dask,
array API arrays): the generated program is NumPy code, so such a call runs eagerly (the
transforms themselves keep the arrays on their library and device), with a warning the
first time.  Only the slow path of a compiled function (a signature seen for the first
time, or one that missed every cached program) looks for them: NumPy calls pay nothing.
"""
from typing import Any

from .. import tree
from .._compile import Compiled
from .._warn import warn
from ..numpy._backends import backend_name, is_foreign


class BackendAwareCompiled(Compiled):
    """A compiled function that runs calls with foreign arrays eagerly."""

    _warned_foreign = False

    def _call(self, args: Any, kwargs: Any) -> Any:
        for leaf in tree.leaves((args, kwargs)):
            if is_foreign(leaf):
                if not self._warned_foreign:
                    self._warned_foreign = True
                    warn(f"wengert.compile: {getattr(self.fun, '__name__', 'the function')} "
                         f"was called with {backend_name(leaf)} arrays; compiled programs "
                         "are NumPy code, so it runs eagerly (derivatives stay on the "
                         "arrays' library and device)")
                return self.fun(*args, **kwargs)
        return super()._call(args, kwargs)


def compile_aware(compiled: Any) -> Any:
    """``compiled`` (a :class:`Compiled`) made a :class:`BackendAwareCompiled`."""
    if type(compiled) is Compiled:
        compiled.__class__ = BackendAwareCompiled
    return compiled
