"""A training loop: ``fit(loss, params, data, optimizer, ...) -> (params, history)``.

``loss(params, *batch)`` returns a scalar; ``data`` is a tuple of arrays that
share their first axis (examples); the optimizer is an ``(init, update)`` pair
from ``wengert.optim``.  Each epoch visits the data once in minibatches of
``batch_size`` (shuffled by ``rng``), or as one full batch.  After every epoch
the callbacks run: ``cb(epoch, params, history) -> stop?``; ``Evaluate`` and
``EarlyStopping`` are ready-made ones.  Pressing Ctrl-C (``KeyboardInterrupt``)
ends training early and returns the parameters of the last completed step and
the history so far, with ``history["interrupted"] = True``.  A loss that
becomes NaN or infinite stops training with a warning and returns the
parameters whose loss was last finite (``history["stopped_by"]`` says
``"non-finite loss"``).

Progress: a tqdm bar (loss and steps/s) when tqdm is installed
(``pip install 'wengert[progress]'``), plain lines every ``log_every`` epochs
otherwise, nothing with ``progress=False``.

Example:
    >>> import numpy
    >>> from wengert import optim
    >>> from wengert.training import fit
    >>> x = numpy.linspace(-1, 1, 20); y = 3 * x + 1
    >>> loss = lambda p, x, y: ((p["w"] * x + p["b"] - y) ** 2).mean()
    >>> params, hist = fit(loss, {"w": 0.0, "b": 0.0}, (x, y), optim.sgd(0.3),
    ...                    epochs=100, progress=False)
    >>> round(float(params["w"]), 3), round(float(params["b"]), 3), len(hist["loss"])
    (3.0, 1.0, 100)
"""
from typing import Any, Iterator, Sequence, TextIO
import importlib.util
import math
import sys
import time

import numpy as _np

from .optim.base import Optimizer
from .optimize import _is_objective
from ._fit_steps import (_FlatRun, _NotFlat, _PackedRun, _Run, _TreeRun, _objective_step,
                         _step_function)
from ._warn import warn as _warn
from ._typing import PyTree, Fn

__all__ = ["fit", "batches", "EarlyStopping", "Evaluate"]


def _check_data(data: Any, where: str) -> Any:
    if isinstance(data, _np.ndarray):
        data = (data,)
    if not isinstance(data, (tuple, list)) or not data:
        raise TypeError(f"{where}: data must be a non-empty tuple of arrays sharing their "
                        f"first axis, e.g. (x, y); got {type(data).__name__}")
    arrays = tuple(_np.asarray(a) for a in data)
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise ValueError(f"{where}: data[{i}] is a scalar; every array needs a first "
                             "axis of examples")
    n = len(arrays[0])
    lengths = [len(a) for a in arrays]
    if any(m != n for m in lengths):
        raise ValueError(f"{where}: data arrays have different numbers of examples "
                         f"{lengths}; they must share their first axis")
    if n == 0:
        raise ValueError(f"{where}: data has no examples")
    return arrays, n


def _check_rng(rng: Any, where: str) -> Any:
    if rng is None or isinstance(rng, _np.random.Generator):
        return rng
    if isinstance(rng, (int, _np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return _np.random.default_rng(int(rng))
    raise TypeError(f"{where}: rng must be None (no shuffling), a numpy.random.Generator or "
                    f"an int seed, got {rng!r}; pass e.g. numpy.random.default_rng(0)")


def _positive_int(n: Any, name: Any, where: str) -> Any:
    if isinstance(n, bool) or not isinstance(n, (int, _np.integer)) or n < 1:
        raise ValueError(f"{where}: {name} must be an int >= 1, got {n!r}")
    return int(n)


def batches(data: PyTree, batch_size: int | None = None,
            rng: _np.random.Generator | None = None) -> Iterator[PyTree]:
    """Yield minibatches (tuples of arrays) covering ``data`` once: in order,
    or in an order shuffled by ``rng`` (a ``numpy.random.Generator`` or an int
    seed); the last batch may be smaller; ``batch_size=None`` yields the whole
    data as one batch.

    Example:
        >>> import numpy
        >>> [b[0].tolist() for b in batches((numpy.arange(5),), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """
    arrays, n = _check_data(data, "batches")
    rng = _check_rng(rng, "batches")
    if batch_size is not None:
        batch_size = _positive_int(batch_size, "batch_size", "batches")
    return _batches(arrays, n, batch_size, rng)


def _batches(arrays: Any, n: Any, size: Any, rng: Any) -> Any:
    if size is None:
        yield arrays
        return
    order = rng.permutation(n) if rng is not None else None
    for start in range(0, n, size):
        if order is None:
            yield tuple(a[start:start + size] for a in arrays)
        else:
            idx = order[start:start + size]
            yield tuple(a[idx] for a in arrays)


class EarlyStopping:
    """A callback that stops training when ``history[monitor]`` has not
    improved (decreased, or increased with ``mode="max"``) by more than
    ``min_delta`` for ``patience`` epochs.  It keeps the best value, epoch and
    parameters as ``best``, ``best_epoch`` and ``best_params``.

    Example:
        >>> stop = EarlyStopping(patience=2)
        >>> [stop(e, None, {"loss": l}) for e, l in enumerate([[3], [3, 2], [3, 2, 2], [3, 2, 2, 2]])]
        [False, False, False, True]
        >>> stop.best, stop.best_epoch
        (2, 1)
    """

    def __init__(self, patience: Any=5, min_delta: Any=0.0, monitor: Any="loss", mode: Any="min") -> None:
        self.patience = _positive_int(patience, "patience", "EarlyStopping")
        if isinstance(min_delta, bool) or not isinstance(min_delta, (int, float)) \
                or not min_delta >= 0:
            raise ValueError(f"EarlyStopping: min_delta must be a number >= 0, got {min_delta!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        self.min_delta, self.monitor, self.mode = float(min_delta), monitor, mode
        self.best, self.best_epoch, self.best_params, self.wait = None, None, None, 0

    def __call__(self, epoch: Any, params: Any, history: Any) -> Any:
        if self.monitor not in history or not history[self.monitor]:
            raise KeyError(f"EarlyStopping: history has no {self.monitor!r} values; "
                           f"monitor one of {sorted(history)} (add an Evaluate callback "
                           "before EarlyStopping to monitor a validation metric)")
        value = history[self.monitor][-1]
        sign = 1.0 if self.mode == "min" else -1.0
        if self.best is None or sign * (self.best - value) > self.min_delta:
            self.best, self.best_epoch, self.best_params, self.wait = value, epoch, params, 0
            return False
        self.wait += 1
        return self.wait >= self.patience


class Evaluate:
    """A callback that appends ``fn(params)`` to ``history[name]`` every
    ``every`` epochs (and on the first epoch), e.g. a validation loss or an
    accuracy; the value is printed in the progress lines.

    Example:
        >>> history = {}
        >>> Evaluate("val", lambda p: p * 2)(0, 1.5, history)
        False
        >>> history
        {'val': [3.0]}
    """

    def __init__(self, name: Any, fn: Any, every: Any=1) -> None:
        if not isinstance(name, str) or not callable(fn):
            raise TypeError("Evaluate: pass a name (str) and a function params -> number, "
                            f"got {name!r}, {fn!r}")
        self.name, self.fn, self.every = name, fn, _positive_int(every, "every", "Evaluate")

    def __call__(self, epoch: Any, params: Any, history: Any) -> Any:
        if epoch % self.every == 0:
            history.setdefault(self.name, []).append(float(self.fn(params)))
        return False


def _tqdm() -> Any:
    """``tqdm.auto``'s bar class (the notebook widget inside Jupyter, the text bar
    elsewhere); the text bar when ipywidgets, which the widget needs, is missing
    (``tqdm.auto`` would warn and fall back); None without tqdm."""
    try:
        if importlib.util.find_spec("ipywidgets") is None:
            from tqdm import tqdm
        else:
            from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _fmt(v: Any) -> Any:
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def fit(loss: Fn, params: PyTree, data: PyTree, optimizer: Optimizer, epochs: int = 1,
        batch_size: int | None = None, rng: _np.random.Generator | None = None,
        callbacks: Sequence[Fn] = (), progress: bool = True, log_every: int | None = None,
        stream: TextIO | None = None, opt_state: PyTree = None, plot: bool = False,
        compile: bool = True) -> Any:
    """Train ``params`` to minimize ``loss(params, *batch)`` over ``data``.

    Arguments:
        loss: ``loss(params, *batch) -> scalar``; or an object holding its data
            that computes the full-batch ``loss.value_and_grad(params)``, such as
            ``wengert.distributed.DataParallel`` (then ``data`` is ``None``, every
            epoch is one full-batch step, and ``compile`` does not apply).
        params: the initial parameter tree.
        data: a tuple of arrays sharing their first axis, e.g. ``(x, y)``.
        optimizer: an ``(init, update)`` pair from ``wengert.optim``.
        epochs: passes over the data.
        batch_size: examples per step; ``None`` uses the full batch.
        rng: a ``numpy.random.Generator`` or int seed that shuffles each
            epoch; ``None`` keeps the data order.
        callbacks: ``cb(epoch, params, history) -> stop?`` run after each epoch.
        progress: ``True`` (tqdm bar if installed, else plain lines),
            ``"bar"`` (tqdm, required), ``"plain"`` or ``False``.
        log_every: epochs between plain lines (default: about ten lines).
        stream: where progress goes (default ``sys.stderr``, tqdm's convention,
            so that a program's own output on stdout stays clean).  In Jupyter
            the bar is tqdm's notebook widget when ipywidgets is installed
            (``tqdm.auto``).
        opt_state: an optimizer state to resume from (``history["opt_state"]``
            of an earlier run); default ``optimizer.init(params)``.
        plot: ``True`` draws the loss curve when training ends
            (``wengert.plot.loss_curve``, needs matplotlib); in Jupyter it shows
            under the cell.
        compile: run each step (the loss's value and gradient, the optimizer's
            update and applying it) as one program made by ``wengert.compile``: the
            first step of each signature (batch shape, parameter types) traces it, later steps run generated
            NumPy code with the same results, bit for bit.  With an
            elementwise optimizer (``optim.base.is_elementwise``: all of
            ``wengert.optim`` but ``clip_by_global_norm`` and ``multi_transform``)
            and small parameter arrays of one dtype, the step updates all
            parameters packed into one vector (a few NumPy calls, not a few per
            array).  Where compiling does not pay (Python control flow on values
            that change every step), compile falls back to eager steps with a
            warning naming the line.  ``False`` runs every step eagerly.

    Returns ``(params, history)``; ``history`` holds per-epoch lists
    ``"epoch"``, ``"loss"`` (mean training loss over the epoch's steps),
    ``"steps"`` (total so far), ``"seconds"`` (elapsed so far), those the
    callbacks add, and ``"opt_state"``, ``"interrupted"`` and ``"stopped_by"``
    (the callback that stopped training, or ``None``).

    Example:
        >>> import numpy
        >>> from wengert import optim
        >>> x = numpy.arange(8.0)
        >>> loss = lambda w, x: ((w - x) ** 2).mean()
        >>> w, h = fit(loss, 0.0, (x,), optim.sgd(0.1), epochs=1000, progress=False,
        ...            callbacks=[EarlyStopping(patience=3, min_delta=1e-3)])
        >>> round(float(w), 1), len(h["loss"]) < 1000, h["stopped_by"]
        (3.5, True, 'EarlyStopping')
    """
    where = "fit"
    if not callable(loss):
        raise TypeError(f"{where}: loss must be a function loss(params, *batch) -> scalar, "
                        f"got {type(loss).__name__}")
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "update")):
        raise TypeError(f"{where}: optimizer must be an (init, update) pair from "
                        f"wengert.optim (e.g. optim.adam(1e-3)), got {type(optimizer).__name__}")
    objective = _is_objective(loss)
    if objective:   # it holds its data (wengert.distributed.DataParallel): full batch
        if data is not None or batch_size is not None:
            raise TypeError(f"{where}: {type(loss).__name__} holds its own data and computes "
                            "the full-batch gradient; pass data=None and no batch_size")
        arrays, n = (), int(getattr(loss, "n_examples", 1))
    else:
        arrays, n = _check_data(data, where)
    epochs = _positive_int(epochs, "epochs", where)
    if batch_size is not None:
        batch_size = _positive_int(batch_size, "batch_size", where)
    rng = _check_rng(rng, where)
    if callable(callbacks):
        callbacks = (callbacks,)
    callbacks = tuple(callbacks)
    for cb in callbacks:
        if not callable(cb):
            raise TypeError(f"{where}: callbacks must be callables cb(epoch, params, history) "
                            f"-> stop?, got {cb!r}")
    if progress not in (True, False, "bar", "plain"):
        raise ValueError(f"{where}: progress must be True, False, 'bar' or 'plain', "
                         f"got {progress!r}")
    if plot not in (True, False):
        raise TypeError(f"{where}: plot must be True or False, got {plot!r}")
    if plot and importlib.util.find_spec("matplotlib") is None:   # say so before training
        raise ImportError(f"{where}: plot=True needs matplotlib, which is not installed; "
                          "install the plot extra: pip install 'wengert[plot]'")
    if log_every is None:
        log_every = max(1, epochs // 10)
    log_every = _positive_int(log_every, "log_every", where)
    stream = sys.stderr if stream is None else stream
    steps_per_epoch = 1 if batch_size is None else math.ceil(n / batch_size)

    bar = None
    if progress in (True, "bar"):
        tqdm = _tqdm()
        if tqdm is None and progress == "bar":
            raise ImportError(f"{where}: progress='bar' needs tqdm; install the progress "
                              "extra: pip install 'wengert[progress]' (or pass progress=True "
                              "for plain lines)")
        if tqdm is not None:
            bar = tqdm(total=epochs * steps_per_epoch, file=stream, unit="step",
                       desc="fit", leave=True)
    plain = progress is not False and bar is None
    if plain:
        hint = "" if progress == "plain" else \
            " (pip install 'wengert[progress]' for a progress bar)"
        print(f"fit: {epochs} epochs x {steps_per_epoch} steps of {batch_size or n} "
              f"examples{hint}", file=stream)

    state = optimizer.init(params) if opt_state is None else opt_state
    history: dict[str, Any] = {"epoch": [], "loss": [], "steps": [], "seconds": []}
    if compile not in (True, False):
        raise TypeError(f"{where}: compile must be True or False, got {compile!r}")
    if objective:
        run: _Run = _TreeRun(_objective_step(loss, optimizer), params, state)
    elif compile:
        run = _PackedRun.make(loss, optimizer, params, state) or \
            _FlatRun(loss, optimizer, params, state)
    else:
        run = _TreeRun(_step_function(loss, optimizer, False), params, state)
    steps, stopped_by, interrupted, last = 0, None, False, None
    start = time.perf_counter()
    try:
        for epoch in range(epochs):
            total, count = 0.0, 0
            for batch in _batches(arrays, n, batch_size, rng):
                try:
                    value, new_p, new_s = run.step(run.p, run.s, *batch)
                except _NotFlat:    # the state changed structure: keep trees from now on
                    run = run.as_trees(loss, optimizer)
                    value, new_p, new_s = run.step(run.p, run.s, *batch)
                value = float(value)
                if not math.isfinite(value):
                    if last is not None:
                        run.p, run.s = last
                    stopped_by = "non-finite loss"
                    _warn(f"fit: the loss became {value} at epoch {epoch + 1}, step "
                          f"{steps + 1}; stopping and returning the parameters of the "
                          "last finite loss (lower the learning rate or clip gradients "
                          "with optim.clip_by_global_norm)", RuntimeWarning)
                    break
                last = (run.p, run.s)
                run.p, run.s = new_p, new_s     # one step completes here
                steps += 1
                m = len(batch[0]) if batch else n
                total, count = total + value * m, count + m
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{value:.4g}", refresh=False)
            if stopped_by:
                break
            history["epoch"].append(epoch)
            history["loss"].append(total / count)
            history["steps"].append(steps)
            history["seconds"].append(time.perf_counter() - start)
            if callbacks:
                params = run.params()
            for cb in callbacks:
                if cb(epoch, params, history):
                    stopped_by = getattr(cb, "__name__", type(cb).__name__)
                    break
            if plain and (epoch % log_every == 0 or epoch == epochs - 1 or stopped_by):
                _log(stream, epoch, epochs, history, steps, start, stopped_by)
            if stopped_by:
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if bar is not None:
            bar.close()
    if interrupted and progress is not False:
        print(f"fit: interrupted after {steps} steps; returning the last completed "
              "parameters", file=stream)
    params, state = run.params(), run.state()
    history["opt_state"] = state
    history["interrupted"] = interrupted
    history["stopped_by"] = stopped_by
    if plot and history["loss"]:
        from .plot import loss_curve
        loss_curve(history)
    return params, history


def _log(stream: Any, epoch: Any, epochs: Any, history: Any, steps: Any, start: Any, stopped_by: Any) -> None:
    seconds = time.perf_counter() - start
    rate = steps / seconds if seconds > 0 else float("inf")
    extras = "".join(f"  {k} {_fmt(v[-1])}" for k, v in history.items()
                     if k not in ("epoch", "loss", "steps", "seconds") and isinstance(v, list) and v)
    line = (f"epoch {epoch + 1}/{epochs}  loss {history['loss'][-1]:.6g}{extras}  "
            f"{steps} steps  {rate:.0f} steps/s  {seconds:.2f} s")
    if stopped_by:
        line += f"  (stopped by {stopped_by})"
    print(line, file=stream)
