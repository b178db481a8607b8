"""Run code written for HIPS/autograd on wengert without editing it.

``alias_autograd()`` makes ``import autograd`` and every ``import autograd.X``
resolve to wengert's module of the same path (``autograd.numpy`` is
``wengert.numpy``, ``autograd.misc.flatten`` is ``wengert.misc.flatten``), so
packages built on autograd (lifelines, autograd-gamma, pyerrors, pymanopt's
autograd backend) run on wengert as they are.  The alias is the same module
object, not a copy: a box made through one name is a box for the other.

Example:
    >>> import wengert.compat
    >>> wengert.compat.alias_autograd()
    >>> import autograd, autograd.numpy as anp
    >>> autograd.grad(lambda x: anp.sin(x) * x)(0.0)
    0.0
    >>> wengert.compat.unalias_autograd()
"""
from typing import Any, Sequence
import importlib
import importlib.abc
import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["alias_autograd", "unalias_autograd"]

_ALIAS = "autograd"
_TARGET = "wengert"


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: Any) -> None:
        self.target = target

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self.real_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The target module ran at its own import.  The import system has just
        # set ``__spec__`` to the alias's spec: give the module its own back.
        module.__spec__ = self.real_spec
        _register_loaded_submodules(self.target)


def _register_loaded_submodules(real: Any) -> None:
    """Enter the already-imported submodules of ``real`` under their alias names.

    Python sets a submodule as an attribute of its package whenever it imports
    it afresh; as an alias that would replace a function of the same name
    (``autograd.misc.flatten`` the function by the module).  A submodule found
    in ``sys.modules`` is not imported afresh."""
    prefix = real + "."
    for name, mod in list(sys.modules.items()):
        if name.startswith(prefix):
            sys.modules.setdefault(_ALIAS + name[len(_TARGET):], mod)


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``autograd`` and ``autograd.*`` as the wengert module of the same path."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        real = _TARGET + fullname[len(_ALIAS):]
        try:
            real_spec = importlib.util.find_spec(real)
        except ModuleNotFoundError:
            real_spec = None
        if real_spec is None:
            return None  # Python raises ModuleNotFoundError naming the autograd path
        spec = importlib.util.spec_from_loader(
            fullname, _AliasLoader(real), is_package=real_spec.submodule_search_locations is not None)
        return spec


_finder = _AliasFinder()


def alias_autograd() -> None:
    """Make ``autograd`` and its submodules import as wengert's.

    Call it before the first ``import autograd`` (of your code or of a package
    you use).  An ``autograd`` already imported is replaced in ``sys.modules``
    for later imports; objects created by the real autograd stay autograd's.
    Calling it twice is harmless; :func:`unalias_autograd` undoes it.
    """
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        if getattr(sys.modules[name], "__name__", "").split(".")[0] != _TARGET:
            del sys.modules[name]


def unalias_autograd() -> None:
    """Undo :func:`alias_autograd`: later ``import autograd`` finds the real package (if installed)."""
    while _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        if getattr(sys.modules[name], "__name__", "").split(".")[0] == _TARGET:
            del sys.modules[name]
