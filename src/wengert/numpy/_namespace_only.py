"""Which arrays offer only the Python array API (``__array_namespace__``), and the
wrapping of such arrays where they enter a transform and the unwrapping where they leave.
The adapter itself (:class:`~wengert.numpy._namespace_array.NamespaceArray`) is loaded
the first time such an array is seen: most programs never meet one."""
import sys as _sys

import numpy as _np


# The adapter's class, once loaded (``_namespace_array`` sets it): None until then, when
# no value can be one.
NamespaceArray = None


def _load_adapter():
    from . import _namespace_array  # noqa: F401  (sets NamespaceArray here)
    return NamespaceArray


def is_namespace_only(x):
    """Whether ``x`` is an array that has ``__array_namespace__`` and none of NumPy's
    dispatch protocols (not NumPy's, not CuPy's, not Dask's), or a PyTorch tensor (whose
    namespace array-api-compat provides)."""
    t = type(x)
    if hasattr(t, "__array_namespace__"):
        # (the adapter has __array_function__ too)
        return (not hasattr(t, "__array_function__")
                and not isinstance(x, (_np.ndarray, _np.generic)))
    return is_compat_array(x)


def is_compat_array(x):
    """Whether ``x`` is an array whose array API namespace only array-api-compat gives (a
    PyTorch tensor), when that library has been imported (wengert imports none)."""
    torch = _sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def raw_namespace(raw):
    """The array API namespace of a library's array: its ``__array_namespace__()``, or
    array-api-compat's for the libraries without one (PyTorch)."""
    get = getattr(type(raw), "__array_namespace__", None)
    if get is not None:
        return raw.__array_namespace__()
    try:
        import array_api_compat
    except ImportError:
        raise TypeError(
            f"{type(raw).__module__}.{type(raw).__name__}: differentiating these arrays needs "
            "array-api-compat for their array API namespace; pip install array-api-compat "
            "(or wengert[arrayapi])") from None
    return array_api_compat.array_namespace(raw)


def adapt(x):
    """``x`` wrapped in a :class:`NamespaceArray` if it is an array-API-only array."""
    if is_namespace_only(x):
        if not seen:
            seen.append(True)
        return (NamespaceArray or _load_adapter())(x)
    return x


def adapt_tree(tree):
    """``tree`` (an argument) with its array-API-only arrays wrapped (lists, tuples, dicts)."""
    t = type(tree)
    if t is tuple or t is list:
        return t(adapt_tree(v) for v in tree)
    if t is dict:
        return {k: adapt_tree(v) for k, v in tree.items()}
    return adapt(tree)


def holds_namespace_only(tree):
    """Whether an array-API-only array is among the leaves of ``tree`` (lists, tuples,
    dicts): then a transform unwraps its results."""
    t = type(tree)
    if t is tuple or t is list:
        return any(holds_namespace_only(v) for v in tree)
    if t is dict:
        return any(holds_namespace_only(v) for v in tree.values())
    return is_namespace_only(tree)


# Set once an array-API-only array has been differentiated: from then on the transforms
# unwrap their results (:func:`unwrap_tree`); until then they skip even that walk.
seen = []


def unwrap_tree(tree):
    """``tree`` (a result of a transform) with every :class:`NamespaceArray` replaced by
    the library's array it wraps."""
    t = type(tree)
    if t is NamespaceArray:
        return tree.raw
    if t is tuple or t is list:
        return t(unwrap_tree(v) for v in tree)
    if t is dict:
        return {k: unwrap_tree(v) for k, v in tree.items()}
    return tree


def numpy_dtype(dt):
    """The NumPy dtype of the same name as ``dt`` (a NumPy dtype, or an array API
    library's: ``array_api_strict.float64`` is ``numpy.float64``)."""
    try:
        return _np.dtype(dt)
    except TypeError:
        return _np.dtype(str(dt).rsplit(".", 1)[-1])
