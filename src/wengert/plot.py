"""Plots for training: loss curves, a 1-D fit with its basis functions, the
decision regions of a 2-D classifier, and finite-difference error against the
step size.

matplotlib is optional (``pip install "wengert[plot]"``) and imported only
when a function here is called.  The backend is matplotlib's (or yours): this
module never selects one, so figures show inline in Jupyter and in windows on a
desktop; without a display matplotlib itself falls back to Agg, which can
still save them.
Every function draws into ``ax`` when given one (so several plots can share a
figure) and otherwise into a new figure, and returns the matplotlib ``Axes``
(its figure is ``ax.figure``; save it with ``ax.figure.savefig("fit.png")``).

Example:
    >>> import os, tempfile
    >>> from wengert import plot
    >>> ax = plot.loss_curve({"loss": [1.0, 0.5, 0.25, 0.2]})
    >>> path = os.path.join(tempfile.mkdtemp(), "loss.png")
    >>> ax.figure.savefig(path); os.path.getsize(path) > 0
    True
    >>> plot.close(ax)
"""
from typing import Any

import numpy as _np
from ._typing import ArrayLike, Fn, NDArray, PyTree

__all__ = ["loss_curve", "fit_1d", "decision_boundary", "fd_error", "close"]

_INSTALL = 'pip install "wengert[plot]"'


def _pyplot(where: str) -> Any:
    """matplotlib.pyplot, imported now (with whatever backend matplotlib picks)."""
    try:
        import matplotlib
    except ImportError as e:
        raise ImportError(f"wengert.plot.{where} needs matplotlib, which is not installed; "
                          f"install the plot extra: {_INSTALL}") from e
    import matplotlib.pyplot as plt
    return plt


def _axes(ax: Any, where: str, figsize: Any=(6.0, 4.0)) -> Any:
    plt = _pyplot(where)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    elif not hasattr(ax, "plot"):
        raise TypeError(f"plot.{where}: ax must be a matplotlib Axes or None, "
                        f"got {type(ax).__name__}")
    return ax


def _array(a: ArrayLike | None, name: str, where: str) -> NDArray:
    try:
        out = _np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"plot.{where}: {name} must be numbers (an array or list), "
                        f"got {type(a).__name__}") from None
    return out


def close(ax_or_fig: Any) -> None:
    """Release a figure made by this module (pyplot keeps every figure open
    until it is closed); takes the ``Axes`` a plot function returned or its
    ``Figure``.

    Example:
        >>> from wengert import plot
        >>> plot.close(plot.loss_curve([3.0, 2.0, 1.0]))
    """
    plt = _pyplot("close")
    plt.close(getattr(ax_or_fig, "figure", ax_or_fig))


def loss_curve(history: Any, ax: Any = None, label: str | None = None, key: str = "loss",
               log: bool = True, **style: Any) -> Any:
    """Draw a training curve: ``history[key]`` per epoch (``history`` from
    ``wengert.training.fit``), or a plain sequence of losses.

    Args:
        history: a dict with a list under ``key`` (and optionally ``"epoch"``),
            or a sequence of numbers.
        ax: an Axes to draw into; ``None`` makes a new figure.
        label: the legend entry (default: ``key``).
        key: which history entry to draw.
        log: a logarithmic y axis when every value is positive.
        style: passed to ``Axes.plot`` (``color``, ``ls``, ...).

    Returns the Axes.

    Example:
        >>> from wengert import plot
        >>> ax = plot.loss_curve({"loss": [2.0, 1.0, 0.5]}, label="train")
        >>> [line.get_label() for line in ax.get_lines()]
        ['train']
        >>> plot.close(ax)
    """
    where = "loss_curve"
    if isinstance(history, dict):
        if key not in history:
            raise KeyError(f"plot.{where}: history has no {key!r}; it has {sorted(history)}")
        values = _array(history[key], f"history[{key!r}]", where)
        epochs = history.get("epoch") if key == "loss" else None
    else:
        values, epochs = _array(history, "history", where), None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"plot.{where}: expected a non-empty 1-D sequence of losses, "
                         f"got shape {values.shape}")
    x = _np.arange(1, values.size + 1) if epochs is None or len(epochs) != values.size \
        else _np.asarray(epochs) + 1
    ax = _axes(ax, where)
    ax.plot(x, values, label=label or key, **style)
    if log and _np.all(values[_np.isfinite(values)] > 0):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(key)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def fit_1d(model_fn: Fn, params: PyTree, x: ArrayLike, y: ArrayLike, basis: Any = None,
           ax: Any = None, x_test: ArrayLike | None = None, y_test: ArrayLike | None = None,
           num: int = 400, title: str | None = None) -> Any:
    """Draw 1-D regression data, the fitted function and each basis function.

    Args:
        model_fn: ``model_fn(params, x) -> predictions`` of shape ``(N,)``,
            e.g. ``nn.BasisRegression(...).apply``.
        params: the parameters; with ``basis``, a dict with ``"theta"`` (the
            basis parameters) and ``"w"`` (one weight per basis function), as
            ``nn.BasisRegression`` makes.
        x, y: the training data, shape ``(N,)``.
        basis: the basis layer (e.g. ``nn.RBFBasis(8)``) or a function
            ``basis(theta, x) -> (N, K)``; each learned basis function is then
            drawn scaled by its weight, ``w_k * phi_k(x)``.
        ax: an Axes to draw into; ``None`` makes a new figure.
        x_test, y_test: held-out data, drawn with a different marker.
        num: points on the curve.
        title: the Axes title.

    Returns the Axes.

    Example:
        >>> import numpy
        >>> from wengert import nn, plot
        >>> model = nn.BasisRegression(nn.RBFBasis(3, low=0.0, high=1.0))
        >>> params = model.init(numpy.random.default_rng(0))
        >>> params["w"] = numpy.array([1.0, -1.0, 0.5])
        >>> x = numpy.linspace(0, 1, 10)
        >>> ax = plot.fit_1d(model.apply, params, x, numpy.sin(x), basis=nn.RBFBasis(3))
        >>> len(ax.get_lines())   # the fit and three basis functions
        4
        >>> plot.close(ax)
    """
    where = "fit_1d"
    if not callable(model_fn):
        raise TypeError(f"plot.{where}: model_fn must be a function model_fn(params, x), "
                        f"got {type(model_fn).__name__}")
    x, y = _array(x, "x", where), _array(y, "y", where)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"plot.{where}: x and y must be 1-D of the same length, got shapes "
                         f"{x.shape} and {y.shape}")
    lo, hi = [float(v) for v in (x.min(), x.max())]
    if x_test is not None:
        x_test, y_test = _array(x_test, "x_test", where), _array(y_test, "y_test", where)
        if x_test.ndim != 1 or x_test.shape != y_test.shape:
            raise ValueError(f"plot.{where}: x_test and y_test must be 1-D of the same length, "
                             f"got shapes {x_test.shape} and {y_test.shape}")
        lo, hi = min(lo, float(x_test.min())), max(hi, float(x_test.max()))
    grid = _np.linspace(lo, hi, num)
    fitted = _np.asarray(model_fn(params, grid), dtype=float).reshape(-1)
    if fitted.shape != grid.shape:
        raise ValueError(f"plot.{where}: model_fn(params, x) must return one prediction per "
                         f"input, got shape {fitted.shape} for {grid.shape[0]} inputs")
    ax = _axes(ax, where)
    ax.scatter(x, y, s=12, color="0.35", alpha=0.7, label="training data", zorder=3)
    if x_test is not None:
        ax.scatter(x_test, y_test, s=14, marker="x", color="tab:red", alpha=0.8,
                   label="held-out data", zorder=3)
    if basis is not None:
        if not isinstance(params, dict) or "theta" not in params or "w" not in params:
            raise ValueError(f"plot.{where}: with basis=, params must be a dict with 'theta' "
                             "and 'w' (as nn.BasisRegression makes)")
        apply = getattr(basis, "apply", basis)
        if not callable(apply):
            raise TypeError(f"plot.{where}: basis must be a basis layer or a function "
                            f"basis(theta, x), got {type(basis).__name__}")
        phi = _np.asarray(apply(params["theta"], grid), dtype=float)
        w = _np.asarray(params["w"], dtype=float).reshape(-1)
        if phi.ndim != 2 or phi.shape != (grid.size, w.size):
            raise ValueError(f"plot.{where}: basis(theta, x) gave shape {phi.shape}, expected "
                             f"({grid.size}, {w.size}): one column per weight")
        for k in range(w.size):
            ax.plot(grid, w[k] * phi[:, k], lw=1.0, alpha=0.6, ls="--",
                    label=r"$w_k\,\phi_k(x)$" if k == 0 else "_nolegend_")
    ax.plot(grid, fitted, lw=2.2, color="tab:blue", label="fit", zorder=4)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return ax


def _classes(scores: Any, threshold: Any, where: str) -> Any:
    scores = _np.asarray(scores)
    if scores.ndim == 2 and scores.shape[1] > 1:
        return _np.argmax(scores, axis=1)
    scores = scores.reshape(len(scores), -1)
    if scores.shape[1] != 1:
        raise ValueError(f"plot.{where}: predict_fn must return scores of shape (N, C), (N, 1) "
                         f"or (N,), got {scores.shape}")
    scores = scores[:, 0]
    if _np.issubdtype(scores.dtype, _np.integer) or scores.dtype == bool:
        return scores.astype(int)
    return (scores > threshold).astype(int)


def decision_boundary(predict_fn: Fn, params: PyTree, X: ArrayLike, y: ArrayLike, ax: Any = None,
                      resolution: int = 200, margin: float = 0.25, threshold: float = 0.0,
                      title: str | None = None) -> Any:
    """Draw the decision regions of a 2-D classifier with its data.

    Args:
        predict_fn: ``predict_fn(params, points) -> scores`` for points of
            shape ``(M, 2)``: class scores ``(M, C)`` (the argmax is the
            class), one score per point ``(M,)`` or ``(M, 1)`` (class 1 where
            it exceeds ``threshold``: 0 for logits, 0.5 for probabilities),
            or integer labels.
        params: the classifier's parameters.
        X: inputs of shape ``(N, 2)``; y: their integer labels ``(N,)``.
        ax: an Axes to draw into; ``None`` makes a new figure.
        resolution: grid points per axis.
        margin: extra room around the data, as a fraction of its extent.
        title: the Axes title (default: the accuracy on ``X``).

    Returns the Axes.

    Example:
        >>> import numpy
        >>> from wengert import plot
        >>> X = numpy.array([[-1.0, 0.0], [1.0, 0.0], [-0.5, 1.0], [0.5, -1.0]])
        >>> y = numpy.array([0, 1, 0, 1])
        >>> ax = plot.decision_boundary(lambda p, pts: pts[:, 0] * p, 2.0, X, y, resolution=20)
        >>> ax.get_title()
        'training accuracy 100.0%'
        >>> plot.close(ax)
    """
    where = "decision_boundary"
    if not callable(predict_fn):
        raise TypeError(f"plot.{where}: predict_fn must be a function predict_fn(params, "
                        f"points), got {type(predict_fn).__name__}")
    X = _array(X, "X", where)
    y = _np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot.{where}: X must have shape (N, 2) (2-D inputs), got {X.shape}")
    if y.shape != (X.shape[0],) or not _np.issubdtype(y.dtype, _np.integer):
        raise ValueError(f"plot.{where}: y must be integer labels of shape ({X.shape[0]},), "
                         f"got {y.dtype} of shape {y.shape}")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"plot.{where}: resolution must be an int >= 2, got {resolution!r}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * _np.maximum(hi - lo, 1e-12)
    gx, gy = _np.meshgrid(_np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
                          _np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution))
    grid = _np.column_stack([gx.ravel(), gy.ravel()])
    regions = _classes(predict_fn(params, grid), threshold, where).reshape(gx.shape)
    predicted = _classes(predict_fn(params, X), threshold, where)
    accuracy = float(_np.mean(predicted == y))
    k = int(max(regions.max(), y.max())) + 1
    ax = _axes(ax, where, figsize=(5.0, 5.0))
    ax.contourf(gx, gy, regions, levels=_np.arange(k + 1) - 0.5, cmap="coolwarm", alpha=0.3)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", vmin=0, vmax=max(k - 1, 1), s=14,
               edgecolors="k", linewidths=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.set_title(title if title is not None else f"training accuracy {100 * accuracy:.1f}%")
    return ax


def fd_error(steps: ArrayLike, errors: ArrayLike, ad_error: float | None = None, ax: Any = None,
             title: str | None = None, guides: bool = True) -> Any:
    """Draw the error of centered finite differences against the step ``h``
    (log-log): it falls like ``h**2`` (truncation) until round-off, which
    grows like ``eps / h``, takes over.  ``ad_error`` (the error of the
    automatic derivative, typically 0 or about ``1e-16``) is drawn as a
    horizontal line for comparison; ``guides`` adds dotted lines of slope 2
    and -1 through the largest and the smallest step.

    Returns the Axes.

    Example:
        >>> from wengert import plot
        >>> ax = plot.fd_error([1e-1, 1e-3, 1e-5], [1e-3, 1e-7, 1e-11], ad_error=0.0)
        >>> ax.get_xscale(), ax.get_yscale()
        ('log', 'log')
        >>> plot.close(ax)
    """
    where = "fd_error"
    steps, errors = _array(steps, "steps", where), _array(errors, "errors", where)
    if steps.ndim != 1 or steps.shape != errors.shape or not _np.all(steps > 0):
        raise ValueError(f"plot.{where}: steps (all > 0) and errors must be 1-D of the same "
                         f"length, got shapes {steps.shape} and {errors.shape}")
    floor = _np.finfo(float).eps / 4
    ax = _axes(ax, where)
    ax.loglog(steps, _np.maximum(errors, floor), "o-", label="centered finite difference")
    if guides and steps.size >= 2:
        # Guide lines through the largest and the smallest step: slope 2 (truncation,
        # ~h**2) and slope -1 (round-off, ~eps/h).
        big, small = int(_np.argmax(steps)), int(_np.argmin(steps))
        hs = _np.geomspace(steps.min(), steps.max(), 50)
        ax.loglog(hs, max(errors[big], floor) * (hs / steps[big]) ** 2, ":", color="0.5",
                  label="slope 2: truncation ~ h^2")
        ax.loglog(hs, max(errors[small], floor) * (steps[small] / hs), "--", color="0.5",
                  label="slope -1: round-off ~ eps/h")
        ax.set_ylim(bottom=floor / 2, top=10 * max(float(errors.max()), floor))
    if ad_error is not None:
        shown = max(float(ad_error), floor)
        label = "automatic differentiation" + (" (exact: 0)" if ad_error == 0 else "")
        ax.axhline(shown, color="tab:green", lw=2, label=label)
    ax.set_xlabel("step h")
    ax.set_ylabel("|error|")
    if title:
        ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    return ax
