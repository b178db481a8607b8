"""Every public function documents a runnable example; run them all."""
import doctest
import importlib
import importlib.util
import inspect
import pkgutil

import pytest

import wengert

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
MODULES = sorted(m.name for m in pkgutil.walk_packages(wengert.__path__, "wengert.")
                 if HAS_SCIPY or not m.name.startswith("wengert.scipy"))  # SciPy is optional


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_public_functions_have_examples():
    import wengert.extend
    import wengert.test_util
    missing = []
    for mod in (wengert, wengert.extend, wengert.test_util):
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                doc = inspect.getdoc(obj) or ""
                if ">>>" not in doc and name not in _NO_EXAMPLE:
                    missing.append(f"{mod.__name__}.{name}")
    assert not missing, f"public functions without a runnable example: {missing}"


# Aliases and low-level hooks documented by their module or twin instead.
_NO_EXAMPLE = {"grad_named", "Box", "VSpace", "getval", "register_vspace", "defvjp_flat",
               "defjvp_flat", "defvjp", "defjvp", "defvjp_argnum", "defvjp_argnums",
               "defjvp_argnum", "defjvp_argnums", "def_linear", "notrace_primitive",
               "defjvp_joint", "combo_check", "scalar_close", "numerical_jvp", "check_equivalent"}
