"""Save and load parameter trees (and optimizer states) as ``.npz`` files.

``save(path, tree)`` writes every leaf as an array of the archive and the
tree's structure as JSON beside them; the file is written to a temporary file
in the same directory and moved into place with ``os.replace``, so a crash
half-way never leaves a corrupt (or half-new) file at ``path``.
``load(path, like=params)`` rebuilds the tree and checks it against ``like``:
structure, shapes and dtypes, naming the path of the first difference.

Dicts (with str, int or bool keys), lists, tuples (namedtuples load as
plain tuples unless ``like`` gives the type), ``None``, NumPy arrays and Python
numbers are supported; Python and NumPy scalars come back as such.

Example:
    >>> import os, tempfile, numpy
    >>> from wengert import io
    >>> path = os.path.join(tempfile.mkdtemp(), "params.npz")
    >>> params = {"w": numpy.ones((2, 3)), "b": [0.5, numpy.zeros(3)]}
    >>> io.save(path, params)
    >>> back = io.load(path, like=params)
    >>> back["w"].shape, back["b"][0]
    ((2, 3), 0.5)
"""
import json
import os
import tempfile

import numpy as _np

__all__ = ["save", "load"]

_FORMAT = "wengert-tree-1"
_TREE_KEY = "__wengert_tree__"


def _path_str(path):
    return "".join(f"[{k!r}]" for k in path) or "(the root)"


def _encode(x, path, arrays, where):
    """The JSON description of ``x``; leaves are appended to ``arrays``."""
    t = type(x)
    if x is None:
        return {"none": None}
    if t is dict:
        items = []
        for k, v in x.items():
            if type(k) not in (str, int, bool):
                raise TypeError(f"{where}: dict key {k!r} at {_path_str(path)} is a "
                                f"{type(k).__name__}; only str, int and bool keys can be saved")
            items.append([type(k).__name__, k, _encode(v, path + (k,), arrays, where)])
        return {"dict": items}
    if t is list or isinstance(x, tuple):
        kind = "list" if t is list else "tuple"
        return {kind: [_encode(v, path + (i,), arrays, where) for i, v in enumerate(x)]}
    py = None
    if type(x) in (bool, int, float, complex):
        py = type(x).__name__
    elif isinstance(x, _np.generic):
        py = "scalar"
    try:
        a = _np.asarray(x)
    except Exception as e:  # noqa: BLE001 - reported with the path below
        raise TypeError(f"{where}: leaf at {_path_str(path)} cannot become an array ({e})") from None
    if a.dtype.hasobject:
        raise TypeError(f"{where}: leaf at {_path_str(path)} is a {type(x).__name__}, not a "
                        "number or numeric array; save plain values (outside grad, "
                        "call numpy.asarray on results)")
    name = f"leaf_{len(arrays)}"
    arrays[name] = a
    return {"leaf": name, "py": py}


def _decode(d, arrays):
    if "none" in d:
        return None
    if "dict" in d:
        return {_key(kt, k): _decode(v, arrays) for kt, k, v in d["dict"]}
    if "list" in d:
        return [_decode(v, arrays) for v in d["list"]]
    if "tuple" in d:
        return tuple(_decode(v, arrays) for v in d["tuple"])
    a = arrays[d["leaf"]]
    py = d.get("py")
    if py == "scalar":
        return a[()]
    return {"bool": bool, "int": int, "float": float, "complex": complex}[py](a) if py else a


def _key(kind, k):
    return {"str": str, "int": int, "bool": bool}[kind](k)


def save(path, tree):
    """Write ``tree`` (parameters, an optimizer state, or both in a dict) to
    the ``.npz`` file ``path``, atomically: readers see the old file or the
    complete new one, never a partial write.  ``path`` is used as given (no
    ``.npz`` is appended).

    Example:
        >>> import os, tempfile, numpy
        >>> from wengert import io, optim
        >>> params = {"w": numpy.zeros(2)}
        >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
        >>> save(path, {"params": params, "opt": optim.adam(0.1).init(params)})
        >>> sorted(load(path))
        ['opt', 'params']
    """
    path = os.fspath(path)
    arrays = {}
    structure = _encode(tree, (), arrays, "save")
    header = json.dumps({"format": _FORMAT, "tree": structure})
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: directory {directory!r} does not exist; create it first")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            _np.savez(f, **{_TREE_KEY: _np.array(header)}, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load(path, like=None):
    """Read a tree written by ``save``.  With ``like`` (a tree of the expected
    structure, e.g. freshly initialized parameters) check that the structure,
    every shape and every dtype agree, raising a ``ValueError`` that names the
    first differing path; the result then takes ``like``'s container types
    (namedtuples included).

    Example:
        >>> import os, tempfile, numpy
        >>> path = os.path.join(tempfile.mkdtemp(), "p.npz")
        >>> save(path, {"w": numpy.zeros((2, 2))})
        >>> load(path, like={"w": numpy.zeros((3, 2))})
        Traceback (most recent call last):
        ValueError: load: ...['w']: shape (2, 2) in the file, (3, 2) expected
    """
    path = os.fspath(path)
    try:
        archive = _np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no file {path!r}") from None
    except (ValueError, OSError) as e:
        raise ValueError(f"load: {path!r} is not a readable .npz file ({e})") from None
    with archive:
        if _TREE_KEY not in archive.files:
            raise ValueError(f"load: {path!r} has no tree description; it was not written "
                             "by wengert.io.save (use numpy.load or "
                             "wengert.datasets.load_arrays for plain arrays)")
        header = json.loads(str(archive[_TREE_KEY][()]))
        if header.get("format") != _FORMAT:
            raise ValueError(f"load: {path!r} has format {header.get('format')!r}; this "
                             f"version reads {_FORMAT!r}")
        arrays = {k: archive[k] for k in archive.files if k != _TREE_KEY}
    tree = _decode(header["tree"], arrays)
    if like is not None:
        tree = _match(tree, like, (), path)
    return tree


def _kind(x):
    if x is None:
        return "None"
    if type(x) is dict:
        return "dict"
    if type(x) is list:
        return "list"
    if isinstance(x, tuple):
        return "tuple"
    return "leaf"


def _match(got, like, path, file):
    """``got`` rebuilt with ``like``'s containers, after checking they agree."""
    where = f"load: {file!r} at {_path_str(path)}"
    kg, kl = _kind(got), _kind(like)
    if kg != kl:
        raise ValueError(f"{where}: a {kg} in the file, a {kl} expected")
    if kg == "None":
        return None
    if kg == "dict":
        if set(got) != set(like):
            missing = [k for k in like if k not in got]
            extra = [k for k in got if k not in like]
            raise ValueError(f"{where}: keys differ (missing in the file: {missing}, "
                             f"not expected: {extra})")
        return {k: _match(got[k], like[k], path + (k,), file) for k in like}
    if kg in ("list", "tuple"):
        if len(got) != len(like):
            raise ValueError(f"{where}: {len(got)} items in the file, {len(like)} expected")
        parts = [_match(g, l, path + (i,), file) for i, (g, l) in enumerate(zip(got, like))]
        if kg == "list":
            return parts
        return type(like)(*parts) if hasattr(like, "_fields") else type(like)(parts)
    a, b = _np.asarray(got), _np.asarray(like)
    if a.shape != b.shape:
        raise ValueError(f"{where}: shape {a.shape} in the file, {b.shape} expected")
    if a.dtype != b.dtype:
        raise ValueError(f"{where}: dtype {a.dtype} in the file, {b.dtype} expected")
    return got
