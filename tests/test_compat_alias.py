"""wengert.compat.alias_autograd: `import autograd...` resolves to wengert's modules."""
import sys

import pytest

import wengert
import wengert.compat
import wengert.numpy


@pytest.fixture
def aliased():
    wengert.compat.alias_autograd()
    yield
    wengert.compat.unalias_autograd()


def test_alias_is_the_same_module(aliased):
    import autograd
    import autograd.numpy as anp
    assert autograd is wengert and anp is wengert.numpy
    assert anp.__spec__.name == "wengert.numpy"  # the alias leaves the module's own spec
    assert autograd.grad(lambda x: anp.sin(x) * x)(0.0) == 0.0


def test_missing_path_names_the_autograd_module(aliased):
    with pytest.raises(ModuleNotFoundError, match="autograd.no_such_module"):
        import autograd.no_such_module  # noqa: F401


def test_unalias_removes_the_alias():
    wengert.compat.alias_autograd()
    import autograd  # noqa: F401
    wengert.compat.unalias_autograd()
    assert "autograd" not in sys.modules or sys.modules["autograd"] is not wengert
