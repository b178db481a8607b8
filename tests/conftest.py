import numpy as np
import pytest


@pytest.fixture
def rng():
    """A seeded generator: every test is reproducible."""
    return np.random.default_rng(0)


@pytest.fixture(params=["interpreted", "generated"])
def compile_tier(request, monkeypatch):
    """A test of ``wengert.compile`` under each tier of a traced signature's program:
    interpreted from its second call (the default: code generated once it ran long
    enough), or its code generated at the second call."""
    import wengert._compile as compile_module
    monkeypatch.setattr(compile_module, "INTERPRET_FIRST", [request.param == "interpreted"])
    return request.param
