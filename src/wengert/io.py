"""Save and load parameter trees (and optimizer states) as ``.npz`` files.

``save(path, tree)`` writes every leaf as an array of the archive and the
tree's structure as JSON beside them; the file is written to a temporary file
in the same directory and moved into place with ``os.replace``, so a crash
half-way never leaves a corrupt (or half-new) file at ``path``.
``load(path, like=params)`` rebuilds the tree and checks it against ``like``:
structure, shapes and dtypes, naming the path of the first difference.

Dicts (with str, int or bool keys), lists, tuples (namedtuples load as
plain tuples unless ``like`` gives the type), ``None``, NumPy arrays and Python
numbers are supported; Python and NumPy scalars come back as such.  Dataclasses
and other types registered with ``wengert.tree.register`` are saved as their
children (with the type's name for reference, never imported back); they load
as plain tuples of their children unless ``like`` gives the type, which then
rebuilds them with ``like``'s static data.  Trees may
nest up to ``MAX_DEPTH`` containers deep.

``load`` treats the file as untrusted data: it never unpickles, reads only the
archive members the tree description refers to, and reports anything wrong
with the file (empty, truncated, corrupted, not written by ``save``, a ``.npy``
file) as a ``ValueError`` naming the file and the problem.

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
from typing import Any
import json
import os
import secrets
import zipfile

import numpy as _np

from . import tree as _tree
from ._typing import PyTree

__all__ = ["save", "load", "MAX_DEPTH"]

_FORMAT = "wengert-tree-1"
_TREE_KEY = "__wengert_tree__"
MAX_DEPTH = 100     # containers inside containers: deeper trees are refused by save and load
_SCALARS = {"bool": (bool, "b"), "int": (int, "iu"), "float": (float, "f"),
            "complex": (complex, "c")}
_KEYS = {"str": str, "int": int, "bool": bool}


def _path_str(path: Any) -> Any:
    return "".join(f"[{k!r}]" for k in path) or "(the root)"


def _encode(x: Any, path: Any, arrays: Any, where: str) -> Any:
    """The JSON description of ``x``; leaves are appended to ``arrays``."""
    t = type(x)
    if x is None:
        return {"none": None}
    if (t is dict or t is list or isinstance(x, tuple)) and len(path) >= MAX_DEPTH:
        raise ValueError(f"{where}: the tree nests containers more than {MAX_DEPTH} deep "
                         f"(at {_path_str(path[:4])}...); flatten it (wengert.tree.flatten)")
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
    node = _tree._node(t)
    if node is not None:       # a dataclass or a registered container
        if len(path) >= MAX_DEPTH:
            raise ValueError(f"{where}: the tree nests containers more than {MAX_DEPTH} deep "
                             f"(at {_path_str(path[:4])}...); flatten it (wengert.tree.flatten)")
        children = node[0](x)[0]
        return {"node": [f"{t.__module__}.{t.__qualname__}",
                         [_encode(v, path + (i,), arrays, where) for i, v in enumerate(children)]]}
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


# -- saving --------------------------------------------------------------------------------
def save(path: str | os.PathLike[str], tree: PyTree) -> None:
    """Write ``tree`` (parameters, an optimizer state, or both in a dict) to
    the ``.npz`` file ``path``, atomically: readers see the old file or the
    complete new one, never a partial write.  ``path`` is used as given (no
    ``.npz`` is appended).

    The new file gets the permissions a newly created file gets (``0o666``
    less the process's umask), also when it replaces an existing file.  If
    ``path`` is a symbolic link, the file it points to is replaced and the
    link is kept (as ``open(path, "w")`` would write through it).  The data
    goes to a hidden temporary file beside the target (``.NAME.*.tmp``) that
    is renamed over it; temporary files left by a save that was killed
    (power loss, ``kill -9``) are deleted by the next save to the same path.

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
    arrays: dict[str, Any] = {}
    structure = _encode(tree, (), arrays, "save")
    header = json.dumps({"format": _FORMAT, "tree": structure})
    target = os.path.realpath(path)     # through a symbolic link: its target is replaced
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: directory {os.path.dirname(os.path.abspath(path))!r} "
                                "does not exist; create it first")
    prefix = "." + os.path.basename(target) + "."
    _remove_stale_temporaries(directory, prefix)
    fd, tmp = _create_temporary(directory, prefix)
    try:
        with os.fdopen(fd, "wb") as f:
            # the member names are generated (never savez's own keyword allow_pickle)
            _np.savez(f, **{_TREE_KEY: _np.array(header)}, **arrays)  # type: ignore[arg-type]
            f.flush()
            os.fsync(f.fileno())
            if _fcntl is not None:      # while the lock is held (see _create_temporary)
                os.replace(tmp, target)
        if _fcntl is None:              # Windows cannot rename an open file
            os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_directory(directory)


_SUFFIX = ".tmp"
_CHUNK = 1 << 22     # bytes read at a time (one huge read would be copied whole, twice)


def _create_temporary(directory: Any, prefix: Any) -> Any:
    """``(fd, name)`` of a new file in ``directory`` created with mode 0o666, so that the
    umask applies as to any new file (``tempfile.mkstemp`` would make it 0o600).  On POSIX
    the file is locked (``flock``) while the save runs: a later save deletes only
    temporaries whose lock it can take, i.e. whose writer has died."""
    for _ in range(100):
        name = os.path.join(directory, prefix + secrets.token_hex(6) + _SUFFIX)
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
        except FileExistsError:
            continue
        if _fcntl is None:
            return fd, name
        _fcntl.flock(fd, _fcntl.LOCK_EX)
        try:    # a concurrent save may have deleted it between creation and locking
            if os.path.samestat(os.fstat(fd), os.stat(name)):
                return fd, name
        except FileNotFoundError:
            pass
        os.close(fd)
    raise FileExistsError(f"save: could not create a temporary file in {directory!r}")


def _remove_stale_temporaries(directory: Any, prefix: Any) -> None:
    """Delete the temporaries of earlier saves to this path that were killed before
    renaming them (on Windows, only those older than a day: it has no ``flock``)."""
    try:
        names = [n for n in os.listdir(directory) if _is_temporary(n, prefix)]
    except OSError:
        return
    for n in names:
        name = os.path.join(directory, n)
        try:
            if _fcntl is None:
                import time
                if time.time() - os.stat(name).st_mtime > 86400:
                    os.unlink(name)
                continue
            fd = os.open(name, os.O_RDONLY)
        except OSError:
            continue
        try:
            _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
            os.unlink(name)     # its writer is gone: nobody holds the lock
        except OSError:
            pass                # a save in progress, or not ours to delete
        finally:
            os.close(fd)


def _is_temporary(name: Any, prefix: Any) -> Any:
    """Whether ``name`` is one of ``_create_temporary``'s names for this prefix (not
    another path's whose name merely starts the same)."""
    middle = name[len(prefix):-len(_SUFFIX)]
    return (name.startswith(prefix) and name.endswith(_SUFFIX) and len(middle) == 12
            and all(c in "0123456789abcdef" for c in middle))


def _sync_directory(directory: Any) -> None:
    """Make the rename durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


try:
    import fcntl as _fcntl
except ImportError:     # Windows
    _fcntl = None  # type: ignore[assignment]


# -- loading -------------------------------------------------------------------------------
class _Corrupt(Exception):
    """Something wrong inside the file (turned into a ValueError naming the file)."""


def load(path: str | os.PathLike[str], like: PyTree = None) -> PyTree:
    """Read a tree written by ``save``.  With ``like`` (a tree of the expected
    structure, e.g. freshly initialized parameters) check that the structure,
    every shape and every dtype agree, raising a ``ValueError`` that names the
    first differing path; the result then takes ``like``'s container types
    (namedtuples included).

    Raises ``FileNotFoundError`` when there is no file, ``OSError`` when it cannot
    be opened, and ``ValueError`` naming the file and the problem for any content
    that ``save`` did not write: an empty, truncated or corrupted file, a ``.npy``
    or other file, a tree nested more than ``MAX_DEPTH`` deep.  Only the archive
    members that the tree refers to are read (never unpickled).

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
        f = open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no file {path!r}") from None
    with f:
        try:
            tree = _read(f)
        except _Corrupt as e:
            raise ValueError(f"load: {path!r} {e}") from None
        except RecursionError:
            raise ValueError(f"load: {path!r} is corrupt: its tree description nests too "
                             "deep to read") from None
        except MemoryError:
            raise
        except Exception as e:  # noqa: BLE001 - any other failure to parse the bytes
            raise ValueError(f"load: {path!r} is corrupt or truncated (reading it failed "
                             f"with {type(e).__name__}: {e})") from None
    if like is not None:
        return _match(tree, like, (), path)
    return _plain(tree)


class _Node(tuple):
    """A registered container read from a file: its children, and its type's name."""
    type_name: str



def _plain(x: Any) -> Any:
    """Read nodes as plain tuples (the file never names a type to import)."""
    t = type(x)
    if t is _Node:
        return tuple(_plain(v) for v in x)
    if t is list or t is tuple:
        return t(_plain(v) for v in x)
    if t is dict:
        return {k: _plain(v) for k, v in x.items()}
    return x


def _read(f: Any) -> Any:
    start = f.read(6)
    if not start:
        raise _Corrupt("is empty (0 bytes); it was not written by wengert.io.save, or "
                       "the write did not complete")
    if start == b"\x93NUMPY":
        raise _Corrupt("is a .npy file (one array), not a tree written by wengert.io.save; "
                       "read it with numpy.load")
    if not start.startswith(b"PK"):
        raise _Corrupt("is not a .npz archive (it does not start like a zip file); "
                       "it was not written by wengert.io.save")
    f.seek(0)
    try:
        archive = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as e:
        raise _Corrupt(f"is not a readable .npz archive (truncated or corrupted: {e})") from None
    with archive:
        members = {n[:-4]: n for n in archive.namelist() if n.endswith(".npy")}
        if _TREE_KEY not in members:
            raise _Corrupt("has no tree description; it was not written by wengert.io.save "
                           "(use numpy.load or wengert.datasets.load_arrays for plain arrays)")
        text = _read_member(archive, members[_TREE_KEY], "tree description")
        if text.dtype.kind != "U" or text.shape != ():
            raise _Corrupt(f"is corrupt: its tree description is a {text.dtype} array of "
                           f"shape {text.shape}, not a string")
        try:
            header = json.loads(str(text[()]))
        except ValueError as e:
            raise _Corrupt(f"is corrupt: its tree description is not valid JSON ({e})") from None
        if type(header) is not dict or header.get("format") != _FORMAT:
            fmt = header.get("format") if type(header) is dict else None
            raise _Corrupt(f"has format {fmt!r}; this version reads {_FORMAT!r}")
        if "tree" not in header:
            raise _Corrupt("is corrupt: its tree description has no tree")
        return _decode(header["tree"], archive, members, set(), 0)


def _read_member(archive: Any, member: Any, what: str) -> Any:
    """One ``.npy`` member as an array, after checking that its header agrees with the
    member's size (so that a hostile header cannot ask for a huge allocation)."""
    info = archive.getinfo(member)
    with archive.open(info) as fp:
        version = _np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = _np.lib.format.read_array_header_1_0(fp)
        elif version == (2, 0):
            shape, fortran, dtype = _np.lib.format.read_array_header_2_0(fp)
        else:
            raise _Corrupt(f"is corrupt: {what} ({member}) has .npy version {version}")
        if dtype.hasobject:
            raise _Corrupt(f"holds Python objects in {what} ({member}); they are never "
                           "unpickled (wengert.io.save does not write them)")
        count = 1
        for n in shape:
            count *= n
        nbytes = count * dtype.itemsize
        if fp.tell() + nbytes != info.file_size:
            raise _Corrupt(f"is corrupt: {what} ({member}) declares shape {shape} of "
                           f"{dtype} ({nbytes} bytes) but holds {info.file_size - fp.tell()}")
        a = _np.empty(count, dtype)
        if nbytes:
            view = memoryview(a.view(_np.uint8))  # type: ignore[arg-type]  # NumPy's stubs
            got = 0
            while got < nbytes:
                n = fp.readinto(view[got:got + _CHUNK])
                if not n:
                    raise _Corrupt(f"is truncated: {what} ({member}) ends early")
                got += n
        if fp.read(1):   # also reaches the end, where the zip checksum is verified
            raise _Corrupt(f"is corrupt: {what} ({member}) is longer than its header says")
    if fortran:
        return a.reshape(shape[::-1]).transpose()
    return a.reshape(shape)


def _decode(d: Any, archive: Any, members: Any, used: Any, depth: Any) -> Any:
    """The tree described by ``d``, checked node by node (the file may be hostile)."""
    if type(d) is not dict or len(d) not in (1, 2):
        raise _Corrupt(f"is corrupt: a node of its tree description is {_short(d)}")
    if "none" in d and len(d) == 1:
        return None
    if len(d) == 1 and "node" in d:
        spec = d["node"]
        if (type(spec) is not list or len(spec) != 2 or type(spec[0]) is not str
                or type(spec[1]) is not list):
            raise _Corrupt(f"is corrupt: a node of its tree description is {_short(d)}")
        if depth >= MAX_DEPTH:
            raise _Corrupt(f"is corrupt or hostile: its tree nests containers more than "
                           f"{MAX_DEPTH} deep")
        node = _Node(_decode(v, archive, members, used, depth + 1) for v in spec[1])
        node.type_name = spec[0]
        return node
    if len(d) == 1 and ("dict" in d or "list" in d or "tuple" in d):
        if depth >= MAX_DEPTH:
            raise _Corrupt(f"is corrupt or hostile: its tree nests containers more than "
                           f"{MAX_DEPTH} deep")
        (kind, items), = d.items()
        if type(items) is not list:
            raise _Corrupt(f"is corrupt: a {kind} node holds {_short(items)}")
        if kind == "list":
            return [_decode(v, archive, members, used, depth + 1) for v in items]
        if kind == "tuple":
            return tuple(_decode(v, archive, members, used, depth + 1) for v in items)
        out = {}
        for item in items:
            if (type(item) is not list or len(item) != 3 or item[0] not in _KEYS
                    or type(item[1]) is not _KEYS[item[0]]):
                raise _Corrupt(f"is corrupt: a dict entry is {_short(item)}")
            if item[1] in out:
                raise _Corrupt(f"is corrupt: the dict key {item[1]!r} appears twice")
            out[item[1]] = _decode(item[2], archive, members, used, depth + 1)
        return out
    name, py = d.get("leaf"), d.get("py", 0)
    if type(name) is not str or len(d) != 2 or not (py is None or py == "scalar"
                                                    or py in _SCALARS):
        raise _Corrupt(f"is corrupt: a node of its tree description is {_short(d)}")
    if name not in members or name == _TREE_KEY:
        raise _Corrupt(f"is corrupt: the array {name!r} that its tree refers to is missing")
    if name in used:
        raise _Corrupt(f"is corrupt: the array {name!r} is referred to twice")
    used.add(name)
    a = _read_member(archive, members[name], f"the array {name!r}")
    if py is None:
        return a
    if a.shape != ():
        raise _Corrupt(f"is corrupt: the scalar {name!r} has shape {a.shape}")
    if py == "scalar":
        return a[()]
    cls, kinds = _SCALARS[py]
    if a.dtype.kind not in kinds:
        raise _Corrupt(f"is corrupt: the {py} {name!r} is stored as {a.dtype}")
    return cls(a[()])


def _short(x: Any) -> Any:
    r = repr(x)
    return r if len(r) <= 60 else r[:57] + "..."


def _kind(x: Any) -> Any:
    if x is None:
        return "None"
    if type(x) is _Node or _tree._node(type(x)) is not None:
        return "node"
    if type(x) is dict:
        return "dict"
    if type(x) is list:
        return "list"
    if isinstance(x, tuple):
        return "tuple"
    return "leaf"


def _match(got: Any, like: Any, path: Any, file: Any) -> Any:
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
    if kg == "node":
        flat, unflat = _tree._node(type(like))
        children, aux = flat(like)
        children = list(children)
        if len(got) != len(children):
            raise ValueError(f"{where}: a {got.type_name} of {len(got)} children in the file, "
                             f"a {type(like).__name__} of {len(children)} expected")
        return unflat(aux, [_match(g, l, path + (i,), file)
                            for i, (g, l) in enumerate(zip(got, children))])
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
