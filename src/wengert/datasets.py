"""Small datasets made locally from a seed, and loaders for your own data.

Nothing is downloaded.  Every generator takes ``rng``: a
``numpy.random.Generator`` or an int seed (the default seed is 0), so the same
call gives the same arrays on every machine.  Each returns ``(x, y)`` as
NumPy float64 inputs and float64 targets (regression) or int64 labels
(classification), ready for ``wengert.training.fit(loss, params, (x, y), ...)``.

Example:
    >>> from wengert import datasets
    >>> x, y = datasets.spirals(n_per_class=50, classes=3, rng=0)
    >>> x.shape, y.shape, sorted(set(y.tolist()))
    ((150, 2), (150,), [0, 1, 2])
"""
import csv
import math
import os

import numpy as _np

__all__ = ["curve", "spirals", "moons", "blobs", "load_csv", "load_arrays"]


def _rng(rng, where):
    if isinstance(rng, _np.random.Generator):
        return rng
    if isinstance(rng, (int, _np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return _np.random.default_rng(int(rng))
    raise TypeError(f"{where}: rng must be a numpy.random.Generator or a seed (an int >= 0), "
                    f"got {rng!r}; pass e.g. rng=0 or rng=numpy.random.default_rng(0)")


def _count(n, name, where, minimum=1):
    if isinstance(n, bool) or not isinstance(n, (int, _np.integer)) or n < minimum:
        raise ValueError(f"{where}: {name} must be an int >= {minimum}, got {n!r}")
    return int(n)


def _noise(noise, where):
    if isinstance(noise, bool) or not isinstance(noise, (int, float, _np.number)) \
            or not noise >= 0:
        raise ValueError(f"{where}: noise must be a number >= 0, got {noise!r}")
    return float(noise)


_CURVES = {
    "sin": lambda x: _np.sin(x),
    "cubic": lambda x: 0.1 * x ** 3 - 0.5 * x,
    "bump": lambda x: _np.exp(-x ** 2) - 0.5 * _np.exp(-(x - 1.5) ** 2 / 0.2),
    "step": lambda x: _np.tanh(4 * x),
}


def curve(n=100, kind="sin", noise=0.1, low=-3.0, high=3.0, rng=0):
    """A noisy 1-D regression curve: ``x`` of shape ``(n,)``, sorted, drawn
    uniformly from ``[low, high]``, and ``y = f(x) + noise * N(0, 1)`` where
    ``f`` is ``kind``: ``"sin"``, ``"cubic"``, ``"bump"``, ``"step"`` or any
    vectorized callable.

    Example:
        >>> import numpy
        >>> x, y = curve(n=20, kind="sin", noise=0.0, rng=1)
        >>> x.shape, y.shape, bool(numpy.allclose(y, numpy.sin(x)))
        ((20,), (20,), True)
    """
    where = "curve"
    n = _count(n, "n", where)
    noise = _noise(noise, where)
    if callable(kind):
        f = kind
    elif kind in _CURVES:
        f = _CURVES[kind]
    else:
        raise ValueError(f"{where}: kind must be one of {sorted(_CURVES)} or a callable, "
                         f"got {kind!r}")
    if not float(low) < float(high):
        raise ValueError(f"{where}: low must be < high, got low={low!r}, high={high!r}")
    g = _rng(rng, where)
    x = _np.sort(g.uniform(float(low), float(high), n))
    y = _np.asarray(f(x), dtype=float) + noise * g.standard_normal(n)
    return x, y


def spirals(n_per_class=100, classes=2, noise=0.02, turns=1.5, rng=0):
    """``classes`` interleaved spiral arms in the plane: ``x`` of shape
    ``(classes * n_per_class, 2)`` (inside roughly the unit disc) and int
    labels ``y`` in ``0 .. classes-1``, grouped by class.

    Example:
        >>> x, y = spirals(n_per_class=10, classes=2, rng=0)
        >>> x.shape, y.dtype.name, int(y.sum())
        ((20, 2), 'int64', 10)
    """
    where = "spirals"
    n = _count(n_per_class, "n_per_class", where)
    k = _count(classes, "classes", where, minimum=2)
    noise = _noise(noise, where)
    g = _rng(rng, where)
    xs = []
    for c in range(k):
        r = _np.sqrt(g.uniform(0.0, 1.0, n))
        t = r * turns * 2 * math.pi + 2 * math.pi * c / k
        xs.append(_np.stack([r * _np.cos(t), r * _np.sin(t)], axis=1))
    x = _np.concatenate(xs) + noise * g.standard_normal((n * k, 2))
    return x, _np.repeat(_np.arange(k, dtype=_np.int64), n)


def moons(n=200, noise=0.1, rng=0):
    """Two interleaving half circles: ``x`` of shape ``(n, 2)`` and int labels
    ``y`` (``n // 2`` zeros on the upper moon, the rest ones).

    Example:
        >>> x, y = moons(n=7, noise=0.0, rng=0)
        >>> x.shape, y.tolist()
        ((7, 2), [0, 0, 0, 1, 1, 1, 1])
    """
    where = "moons"
    n = _count(n, "n", where, minimum=2)
    noise = _noise(noise, where)
    g = _rng(rng, where)
    n0 = n // 2
    t0 = g.uniform(0.0, math.pi, n0)
    t1 = g.uniform(0.0, math.pi, n - n0)
    upper = _np.stack([_np.cos(t0), _np.sin(t0)], axis=1)
    lower = _np.stack([1.0 - _np.cos(t1), 0.5 - _np.sin(t1)], axis=1)
    x = _np.concatenate([upper, lower]) + noise * g.standard_normal((n, 2))
    return x, _np.concatenate([_np.zeros(n0, _np.int64), _np.ones(n - n0, _np.int64)])


def blobs(n_per_class=100, centers=3, dim=2, std=0.5, spread=3.0, rng=0):
    """Gaussian blobs: ``centers`` (an int: that many centers drawn uniformly
    from ``[-spread, spread]^dim``; or an array of shape ``(k, dim)``), each
    with ``n_per_class`` points of standard deviation ``std``.  Returns ``x``
    of shape ``(k * n_per_class, dim)`` and int labels ``y``.

    Example:
        >>> x, y = blobs(n_per_class=5, centers=[[0.0, 0.0], [10.0, 10.0]], std=0.1)
        >>> x.shape, bool((x[y == 1] > 5).all())
        ((10, 2), True)
    """
    where = "blobs"
    n = _count(n_per_class, "n_per_class", where)
    std = _noise(std, where)
    g = _rng(rng, where)
    if isinstance(centers, (int, _np.integer)) and not isinstance(centers, bool):
        k = _count(centers, "centers", where)
        dim = _count(dim, "dim", where)
        c = g.uniform(-spread, spread, (k, dim))
    else:
        c = _np.asarray(centers, dtype=float)
        if c.ndim != 2 or c.shape[0] < 1:
            raise ValueError(f"{where}: centers must be an int or an array of shape (k, dim), "
                             f"got shape {c.shape}")
        k, dim = c.shape
    x = _np.repeat(c, n, axis=0) + std * g.standard_normal((k * n, dim))
    return x, _np.repeat(_np.arange(k, dtype=_np.int64), n)


def load_csv(path, target=-1, delimiter=",", header=None, dtype=float):
    """Read a numeric CSV file into ``(x, y)``: ``y`` is the ``target`` column
    (an index, negative counts from the end, or a column name when the file
    has a header row), ``x`` the other columns, shape ``(rows, columns - 1)``.
    ``target=None`` returns the whole table as one array.  ``header=None``
    detects a header row (a first row that is not all numbers).

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
        >>> _ = open(path, "w").write("a,b,price\\n1,2,10\\n3,4,20\\n")
        >>> x, y = load_csv(path, target="price")
        >>> x.tolist(), y.tolist()
        ([[1.0, 2.0], [3.0, 4.0]], [10.0, 20.0])
    """
    where = "load_csv"
    path = os.fspath(path)
    try:
        with open(path, newline="") as f:
            rows = [r for r in csv.reader(f, delimiter=delimiter) if r and any(c.strip() for c in r)]
    except FileNotFoundError:
        raise FileNotFoundError(f"{where}: no file {path!r}") from None
    if not rows:
        raise ValueError(f"{where}: {path!r} has no rows")
    names = None
    if header is None:
        header = not all(_is_number(c) for c in rows[0])
    if header:
        names, rows = [c.strip() for c in rows[0]], rows[1:]
    width = len(rows[0]) if rows else len(names)
    table = []
    for i, r in enumerate(rows):
        line = i + 1 + bool(header)
        if len(r) != width:
            raise ValueError(f"{where}: {path!r} line {line} has {len(r)} columns, "
                             f"{width} expected")
        try:
            table.append([float(c) for c in r])
        except ValueError:
            raise ValueError(f"{where}: {path!r} line {line} has a non-numeric value in "
                             f"{r!r}; encode categories as numbers first") from None
    data = _np.asarray(table, dtype=dtype).reshape(len(table), width)
    if target is None:
        return data
    if isinstance(target, str):
        if names is None:
            raise ValueError(f"{where}: target={target!r} is a column name but {path!r} has "
                             "no header row; pass a column index instead")
        if target not in names:
            raise ValueError(f"{where}: no column {target!r} in {path!r}; columns: {names}")
        col = names.index(target)
    elif isinstance(target, (int, _np.integer)) and -width <= target < width:
        col = int(target) % width
    else:
        raise ValueError(f"{where}: target must be a column index in [-{width}, {width}) or "
                         f"a column name, got {target!r}")
    return _np.delete(data, col, axis=1), data[:, col]


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def load_arrays(path, keys=None):
    """The arrays of a NumPy ``.npz`` file as a tuple, in ``keys`` order
    (default: the order they were saved in), e.g. ``x, y = load_arrays(p)``.

    Example:
        >>> import os, tempfile, numpy
        >>> path = os.path.join(tempfile.mkdtemp(), "d.npz")
        >>> numpy.savez(path, x=numpy.zeros((4, 2)), y=numpy.ones(4))
        >>> x, y = load_arrays(path)
        >>> x.shape, y.shape
        ((4, 2), (4,))
    """
    where = "load_arrays"
    path = os.fspath(path)
    try:
        archive = _np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(f"{where}: no file {path!r}") from None
    if not hasattr(archive, "files"):
        return (archive,)
    with archive:
        names = archive.files if keys is None else list(keys)
        missing = [k for k in names if k not in archive.files]
        if missing:
            raise KeyError(f"{where}: {path!r} has no arrays {missing}; it has {archive.files}")
        return tuple(archive[k] for k in names)
