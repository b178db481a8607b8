"""Short text for values: numbers with significant digits kept, arrays as a summary."""
import math

import numpy as _np

_LARGE = 1e6   # from here on, scientific notation (fixed decimals would be long)


def number(v, digits=4):
    """A scalar with ``digits`` decimals, or in scientific notation (``digits``
    decimals of the mantissa) where decimals would hide it: below
    ``10**-(digits - 1)`` in size (so at least two significant digits always show,
    and no nonzero value prints as ``0.0000``) and from ``1e6`` on.  An array is
    summarized as ``float64[3, 2] min .. max .. norm ..``.

    Example:
        >>> import numpy as onp
        >>> from wengert.explain._format import number
        >>> number(2.0166466), number(-13.72396), number(0.02), number(None), number([[1.0, -2.0]])
        ('2.0166', '-13.7240', '0.0200', '0', 'float64[1, 2] min -2 max 1 norm 2.236')
        >>> number(1e-9), number(-0.0), number(2.5e7), number(0.00042, digits=2)
        ('1.0000e-09', '0.0000', '2.5000e+07', '4.20e-04')
        >>> number((1.0, None)), number((onp.ones(2), onp.ones((2, 2))))
        ('(1.0000, 0)', 'tuple of 2')
    """
    if v is None:
        return "0"
    try:
        a = _np.asarray(v)
    except ValueError:  # ragged: the outputs of a multi-output operation
        a = _np.asarray(None)
    if isinstance(v, (tuple, list)):  # the outputs of a multi-output operation
        if len(v) <= 4 and all(x is None or _np.ndim(x) == 0 for x in v):
            return "(" + ", ".join(number(x, digits) for x in v) + ")"
        if a.dtype == object or any(x is None for x in v):
            return f"{type(v).__name__} of {len(v)}"
    if a.dtype.kind not in "biufc":
        return _clip(repr(v))
    if a.ndim == 0:
        x = a[()]
        if a.dtype.kind in "biu":
            return str(int(x))
        if a.dtype.kind == "c":
            imag = _real(x.imag, digits)
            return f"{_real(x.real, digits)}{imag if imag[0] in '+-' else '+' + imag}j"
        return _real(x, digits)
    head = f"{a.dtype}[{', '.join(map(str, a.shape))}]"
    if a.size == 0:
        return head
    mag = _np.abs(a) if a.dtype.kind == "c" else a
    return (f"{head} min {_g(mag.min())} max {_g(mag.max())} "
            f"norm {_g(_np.linalg.norm(a.ravel()))}")


def _real(x, digits):
    x = float(x) + 0.0   # + 0.0: no "-0.0000"
    size = abs(x)
    if x == 0 or not math.isfinite(x) or 10.0 ** -(digits - 1) <= size < _LARGE:
        return f"{x:.{digits}f}"
    return f"{x:.{digits}e}"


def literal(v):
    """A constant as it would be written in the code (arrays summarized by shape)."""
    if isinstance(v, (bool, _np.bool_, str)) or v is None:
        return repr(v)
    if isinstance(v, (int, _np.integer)):
        return str(int(v))
    if isinstance(v, (float, _np.floating)):
        r = repr(float(v))
        return r if len(r) <= 10 else f"{float(v):.6g}"
    if isinstance(v, _np.ndarray):
        return f"{v.dtype}[{', '.join(map(str, v.shape))}]" if v.ndim else literal(v[()])
    if isinstance(v, (tuple, list)) and len(v) <= 4:
        inner = ", ".join(literal(x) for x in v)
        return f"({inner}{',' if len(v) == 1 else ''})" if isinstance(v, tuple) else f"[{inner}]"
    return _clip(repr(v))


def index(idx):
    """An index as written between brackets: ``0:2``, ``..., None``, ``1, ::2``.

    Example:
        >>> from wengert.explain._format import index
        >>> index((slice(0, 2), Ellipsis, None)), index(3), index(slice(None, None, -1))
        ('0:2, ..., None', '3', '::-1')
    """
    if isinstance(idx, tuple):
        return ", ".join(index(i) for i in idx) if idx else "()"
    if isinstance(idx, slice):
        parts = ["" if x is None else str(x) for x in (idx.start, idx.stop)]
        text = ":".join(parts)
        return text + (f":{idx.step}" if idx.step is not None else "")
    if idx is Ellipsis:
        return "..."
    return literal(idx)


def _g(x):
    return f"{float(x):.4g}"


def _clip(s, n=30):
    return s if len(s) <= n else s[:n - 3] + "..."
