"""``wengert.distributed``: data-parallel gradients on a Dask cluster.

A loss that is a sum (or a mean) over examples splits over shards of the data:
the gradient of the whole is the sum of the shards' gradients (weighted by the
shards' sizes for a mean).  :class:`DataParallel` places the shards on the
workers of a ``dask.distributed`` cluster once; each call then sends only the
parameters, every worker computes its shards' value and gradient with
``wengert.value_and_grad``, the partial sums are added on the workers in a
tree (pairwise, so no worker receives more than two partial results) and only
the total comes back.  The result equals the single-process full-batch
gradient up to the rounding of a different order of summation (about 1e-15
relative).

Without a client or an address, an embedded ``distributed.LocalCluster`` runs
in this process (worker threads: it starts in a fraction of a second and the
shards are not copied; NumPy releases the GIL in its array loops); pass
``processes=True`` for worker processes, or ``address="tcp://host:8786"``
to use a running cluster (its workers need wengert installed).  Dask is an
optional extra: ``pip install "wengert[dask]"``.

Example:
    >>> import numpy, wengert.optimize
    >>> from wengert.distributed import DataParallel
    >>> rng = numpy.random.default_rng(0)
    >>> X, y = rng.normal(size=(1000, 3)), rng.normal(size=1000)
    >>> loss = lambda p, X, y: ((X @ p["w"] + p["b"] - y) ** 2).sum()
    >>> with DataParallel(loss, (X, y), n_shards=4) as dp:   # doctest: +SKIP
    ...     value, grads = dp.value_and_grad({"w": numpy.zeros(3), "b": 0.0})
    ...     result = wengert.optimize.minimize(dp, {"w": numpy.zeros(3), "b": 0.0})
"""
from typing import Any, Sequence

import numpy as _np

from . import tree as _tree
from ._typing import PyTree, Fn

__all__ = ["DataParallel"]

_INSTALL = 'pip install "wengert[dask]"'
# parameters larger than this travel to the workers once per call as scattered
# data (fetched by each worker once) instead of inside every shard's task
_SCATTER_PARAMS_BYTES = 1 << 20


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ImportError("wengert.distributed needs Dask's distributed scheduler, which is not "
                          f"installed; install the dask extra: {_INSTALL}") from None
    return distributed


class _ShardJob:
    """What every worker needs besides a shard and the parameters: the loss.
    Placed on the workers once (cloudpickle carries lambdas and closures)."""

    def __init__(self, loss: Fn) -> None:
        self.loss = loss
        self._vg: Any = None

    def __getstate__(self) -> Any:
        return {"loss": self.loss}

    def __setstate__(self, state: Any) -> None:
        self.loss, self._vg = state["loss"], None

    def value_and_grad(self) -> Any:
        if self._vg is None:
            from .transforms import value_and_grad
            self._vg = value_and_grad(self.loss)
        return self._vg


def _scalar(value: Any, where: str) -> Any:
    if _np.ndim(value) != 0:
        raise ValueError(f"DataParallel: the loss must return a scalar, but on {where} it "
                         f"returned shape {_np.shape(value)}; reduce it with .sum() or .mean()")
    return value


def _shard_value_and_grad(job: _ShardJob, params: PyTree, shard: Any, weight: float,
                          index: int) -> Any:
    value, g = job.value_and_grad()(params, *shard)
    value = _scalar(value, f"shard {index}")
    if weight != 1.0:
        value = value * weight
        g = _tree.tree_map(lambda a: a * weight, g)
    return value, g


def _shard_hvp(job: _ShardJob, params: PyTree, vector: PyTree, shard: Any, weight: float) -> Any:
    from .transforms import hessian_vector_product
    hv = hessian_vector_product(job.loss)(params, *shard, vector)
    return _tree.tree_map(lambda a: a * weight, hv) if weight != 1.0 else hv


def _shard_value(job: _ShardJob, params: PyTree, shard: Any, weight: float, index: int) -> Any:
    value = _scalar(job.loss(params, *shard), f"shard {index}")
    return value * weight if weight != 1.0 else value


def _shard_per_example_grads(job: _ShardJob, params: PyTree, shard: Any) -> Any:
    from .transforms import grad, vmap

    def one(p: PyTree, *row: Any) -> Any:
        return job.loss(p, *(r[None] for r in row))

    return vmap(grad(one), in_axes=(None,) + (0,) * len(shard))(params, *shard)


def _aligned(shard: Any) -> Any:
    # Arrays received over a network connection can sit at unaligned addresses in the
    # message buffer, where BLAS takes a slow path (X.T @ z 30x slower): copy those
    # once, where the shard lives.
    return tuple(_np.require(a, requirements="A") if isinstance(a, _np.ndarray) else a
                 for a in shard)


def _is_dask(a: Any) -> bool:
    return type(a).__module__.split(".")[0] == "dask" and hasattr(a, "to_delayed")


def _add(a: Any, b: Any) -> Any:
    return _tree.tree_map(lambda x, y: x + y, a, b)


def _concatenate(*parts: Any) -> Any:
    return _tree.tree_map(lambda *xs: _np.concatenate(xs, axis=0), *parts)


class DataParallel:
    """The value and gradient of ``loss(params, *data)`` computed shard by shard
    on a Dask cluster, the data placed on the workers once.

    Args:
        loss: ``loss(params, *batch) -> scalar`` written with ``wengert.numpy``,
            a sum (``reduction="sum"``) or a mean (``reduction="mean"``) over
            the examples of the batch.  A lambda or a closure is fine: it is
            carried to the workers by cloudpickle once.  Terms that do not
            depend on the data (a weight penalty) would be counted once per
            shard: pass them as ``penalty``.
        data: an array, or a tuple of arrays sharing their first axis (examples):
            NumPy arrays (cut here and sent once), or Dask arrays, whose shards
            are computed on the workers and never pass through here (larger
            than this machine's memory is fine; by default one shard per chunk
            along the first axis).
        reduction: ``"sum"`` (the total is the sum over shards) or ``"mean"``
            (each shard's mean is weighted by its share of the examples).  It is
            checked on the first call: two examples' loss must be the sum (or
            the mean) of the two examples' losses.
        penalty: ``penalty(params) -> scalar``, added once to the total (and
            its gradient to the gradient), computed here.
        n_shards: number of shards (default: one per worker thread).
        client: a ``distributed.Client`` to use (left open by :meth:`close`).
        address: a scheduler address to connect to instead (e.g.
            ``"tcp://10.0.0.1:8786"``); its workers need wengert installed.
        **cluster_kwargs: for the embedded ``LocalCluster`` when neither
            ``client`` nor ``address`` is given (default: 2 workers of one
            thread each, in this process: ``processes=False``).

    Use it as a context manager or call :meth:`close`.

    Example:
        >>> import numpy
        >>> from wengert.distributed import DataParallel
        >>> X = numpy.arange(12.0).reshape(6, 2); y = numpy.ones(6)
        >>> loss = lambda w, X, y: ((X @ w - y) ** 2).sum()
        >>> with DataParallel(loss, (X, y), n_shards=3) as dp:   # doctest: +SKIP
        ...     value, g = dp.value_and_grad(numpy.zeros(2))
        >>> value   # doctest: +SKIP
        6.0
    """

    def __init__(self, loss: Fn, data: Any, reduction: str = "sum", penalty: Fn | None = None,
                 n_shards: int | None = None, client: Any = None, address: str | None = None,
                 **cluster_kwargs: Any) -> None:
        if not callable(loss):
            raise TypeError("DataParallel: loss must be a function loss(params, *batch) -> "
                            f"scalar, got {type(loss).__name__}")
        if reduction not in ("sum", "mean"):
            raise ValueError(f"DataParallel: reduction must be 'sum' or 'mean', got {reduction!r}")
        if penalty is not None and not callable(penalty):
            raise TypeError("DataParallel: penalty must be a function penalty(params) -> "
                            f"scalar or None, got {type(penalty).__name__}")
        arrays = self._check_data(data)
        n = len(arrays[0])
        distributed = _import_distributed()
        self.loss, self.reduction, self.penalty = loss, reduction, penalty
        self.n_examples = n
        self._own_client = self._cluster = None
        if client is not None:
            if address is not None or cluster_kwargs:
                raise TypeError("DataParallel: give client, or address, or LocalCluster "
                                "options, not several")
            self.client = client
        elif address is not None:
            if cluster_kwargs:
                raise TypeError("DataParallel: LocalCluster options make no sense with address")
            self.client = self._own_client = distributed.Client(address)
        else:
            options = {"n_workers": 2, "threads_per_worker": 1, "processes": False,
                       "dashboard_address": ":0"}
            options.update(cluster_kwargs)
            self._cluster = distributed.LocalCluster(**options)
            self.client = self._own_client = distributed.Client(self._cluster)
        lazy = any(_is_dask(a) for a in arrays)
        try:
            if n_shards is None and lazy:     # the Dask array's own chunks
                n_shards = len(next(a for a in arrays if _is_dask(a)).chunks[0])
            elif n_shards is None:
                threads = self.client.nthreads()
                n_shards = max(1, sum(threads.values()))
            if isinstance(n_shards, bool) or not isinstance(n_shards, (int, _np.integer)) \
                    or n_shards < 1:
                raise ValueError(f"DataParallel: n_shards must be an int >= 1, got {n_shards!r}")
            n_shards = min(int(n_shards), n)
            bounds = [n * k // n_shards for k in range(n_shards + 1)]
            if lazy:
                bounds = self._dask_bounds(arrays, n_shards, bounds)
            self.shard_sizes = [bounds[k + 1] - bounds[k] for k in range(len(bounds) - 1)]
            self._weights = [1.0 if reduction == "sum" else m / n for m in self.shard_sizes]
            # placed once: from here on, calls refer to these futures
            self.shards = self._place_dask(arrays, bounds) if lazy else \
                self._place(arrays, bounds)
            distributed.wait(self.shards)
            held = self.client.who_has(self.shards)
            # each shard's tasks are pinned to the worker that holds it: the scheduler
            # would otherwise balance work by copying shards between workers
            self._homes = [list(held[f.key])[:1] for f in self.shards]
            self._job = self.client.scatter(_ShardJob(loss), broadcast=True, hash=False)
            # two examples kept here for the first call's check of the reduction
            self._sample = None if n < 2 else tuple(
                _np.asarray(a[:2].compute() if _is_dask(a) else a[:2]) for a in arrays)
        except BaseException:
            self.close()
            raise
        self._checked = False

    def _place(self, arrays: tuple[Any, ...], bounds: list[int]) -> list[Any]:
        shards = [tuple(a[bounds[k]:bounds[k + 1]] for a in arrays)
                  for k in range(len(bounds) - 1)]
        scattered = self.client.scatter(shards, hash=False)
        held = self.client.who_has(scattered)
        return [self.client.submit(_aligned, f, pure=False, workers=list(held[f.key])[:1])
                for f in scattered]

    @staticmethod
    def _dask_bounds(arrays: tuple[Any, ...], n_shards: int, bounds: list[int]) -> list[int]:
        first = next(a for a in arrays if _is_dask(a))
        if len(first.chunks[0]) == n_shards:          # keep the chunks the data came in
            return [0] + [int(b) for b in _np.cumsum(first.chunks[0])]
        return bounds

    def _place_dask(self, arrays: tuple[Any, ...], bounds: list[int]) -> list[Any]:
        # Each shard is computed on a worker from the Dask graph: nothing passes here.
        import dask
        import dask.array as da
        sizes = tuple(bounds[k + 1] - bounds[k] for k in range(len(bounds) - 1))
        blocks = []
        for a in arrays:
            a = da.asarray(a)
            a = a.rechunk((sizes,) + tuple(-1 for _ in a.shape[1:]))
            blocks.append(a.to_delayed().reshape(len(sizes)))
        shards = [dask.delayed(tuple)([b[k] for b in blocks]) for k in range(len(sizes))]
        return list(self.client.compute(shards))

    @staticmethod
    def _check_data(data: Any) -> tuple[Any, ...]:
        if not isinstance(data, (tuple, list)):
            data = (data,)
        if not data:
            raise TypeError("DataParallel: data must be an array or a non-empty tuple of arrays "
                            "sharing their first axis, e.g. (X, y)")
        arrays = tuple(a if hasattr(a, "shape") and hasattr(a, "__getitem__")
                       else _np.asarray(a) for a in data)
        for i, a in enumerate(arrays):
            if len(a.shape) == 0:
                raise ValueError(f"DataParallel: data[{i}] is a scalar; every array needs a "
                                 "first axis of examples")
        lengths = [a.shape[0] for a in arrays]
        if any(m != lengths[0] for m in lengths):
            raise ValueError(f"DataParallel: the data arrays have different numbers of examples "
                             f"(leading axes {lengths}); they must share their first axis")
        if lengths[0] == 0:
            raise ValueError("DataParallel: data has no examples")
        return arrays

    # -- the reduction check ---------------------------------------------------------------
    def _check_reduction(self, params: PyTree) -> None:
        if self._checked:
            return
        self._checked = True
        if self._sample is None:
            return
        two = _scalar(self.loss(params, *self._sample), "two examples")
        ones = [_scalar(self.loss(params, *(a[i:i + 1] for a in self._sample)), f"example {i}")
                for i in range(2)]
        total = float(ones[0]) + float(ones[1])
        expected = total if self.reduction == "sum" else total / 2
        other = total / 2 if self.reduction == "sum" else total
        scale = max(abs(float(two)), abs(expected), 1e-300)
        if abs(float(two) - expected) <= 1e-9 * scale:
            return
        if abs(float(two) - other) <= 1e-9 * scale:
            fix = "mean" if self.reduction == "sum" else "sum"
            raise ValueError(f"DataParallel: the loss is a {fix} over examples, not a "
                             f"{self.reduction} (two examples give {float(two)!r}, their losses "
                             f"{float(ones[0])!r} and {float(ones[1])!r}); pass "
                             f"reduction={fix!r}")
        raise ValueError(f"DataParallel: the loss is not a {self.reduction} over examples (two "
                         f"examples give {float(two)!r}, their losses alone {float(ones[0])!r} "
                         f"and {float(ones[1])!r}), so the shards' sum would be wrong; a term "
                         "that does not depend on the data (a weight penalty) belongs in "
                         "penalty=, and batch statistics cannot be sharded")

    # -- sending the parameters ------------------------------------------------------------
    def _params_ref(self, params: PyTree) -> Any:
        size = sum(getattr(leaf, "nbytes", 8) for leaf in _tree.leaves(params))
        if size > _SCATTER_PARAMS_BYTES:
            return self.client.scatter(params, hash=False, broadcast=True)
        return params

    def _reduce(self, futures: list[Any]) -> Any:
        # pairwise on the workers: only the total comes back
        while len(futures) > 1:
            futures = [self.client.submit(_add, futures[i], futures[i + 1], pure=False)
                       if i + 1 < len(futures) else futures[i]
                       for i in range(0, len(futures), 2)]
        return futures[0].result()

    # -- the public calls ------------------------------------------------------------------
    def value_and_grad(self, params: PyTree) -> tuple[Any, PyTree]:
        """``(loss, gradient)`` over all the data; the gradient is a tree like ``params``.

        Example:
            >>> dp.value_and_grad({"w": numpy.zeros(3), "b": 0.0})   # doctest: +SKIP
        """
        self._check_reduction(params)
        p = self._params_ref(params)
        parts = [self.client.submit(_shard_value_and_grad, self._job, p, shard, w, k, pure=False,
                                    workers=self._homes[k])
                 for k, (shard, w) in enumerate(zip(self.shards, self._weights))]
        value, g = self._reduce(parts)
        if self.penalty is not None:
            from .transforms import value_and_grad
            pv, pg = value_and_grad(self.penalty)(params)
            value, g = value + pv, _add(g, pg)
        return value, g

    def grad(self, params: PyTree) -> PyTree:
        """The gradient over all the data, a tree like ``params``."""
        return self.value_and_grad(params)[1]

    def value(self, params: PyTree) -> Any:
        """The loss over all the data (no gradient computed)."""
        self._check_reduction(params)
        p = self._params_ref(params)
        parts = [self.client.submit(_shard_value, self._job, p, shard, w, k, pure=False,
                                    workers=self._homes[k])
                 for k, (shard, w) in enumerate(zip(self.shards, self._weights))]
        value = self._reduce(parts)
        if self.penalty is not None:
            value = value + self.penalty(params)
        return value

    __call__ = value

    def hessian_vector_product(self, params: PyTree, vector: PyTree) -> PyTree:
        """The Hessian of the loss over all the data at ``params`` times ``vector`` (a
        tree like ``params``), by forward-over-reverse on each shard, summed on the
        workers; ``wengert.optimize.minimize`` uses it for Newton-CG and the
        trust-region methods."""
        self._check_reduction(params)
        p_ref, v_ref = self._params_ref(params), self._params_ref(vector)
        parts = [self.client.submit(_shard_hvp, self._job, p_ref, v_ref, shard, w, pure=False,
                                    workers=self._homes[k])
                 for k, (shard, w) in enumerate(zip(self.shards, self._weights))]
        hv = self._reduce(parts)
        if self.penalty is not None:
            from .transforms import hessian_vector_product
            hv = _add(hv, hessian_vector_product(self.penalty)(params, vector))
        return hv

    def per_example_grads(self, params: PyTree) -> list[Any]:
        """Each example's gradient of ``loss(params, example)`` (the loss of that example
        alone, neither divided by the number of examples nor including ``penalty``),
        left on the workers: one future per shard, in shard order, each holding a tree
        like ``params`` with a leading axis of the shard's examples.  Bring them here
        with :meth:`gather`, or compute on them with ``client.submit``."""
        p = self._params_ref(params)
        return [self.client.submit(_shard_per_example_grads, self._job, p, shard, pure=False,
                                   workers=home)
                for shard, home in zip(self.shards, self._homes)]

    def gather(self, futures: Sequence[Any]) -> Any:
        """The per-shard trees of :meth:`per_example_grads` brought here and concatenated
        along the examples' axis."""
        return _concatenate(*self.client.gather(list(futures)))

    def close(self) -> None:
        """Release the shards; close the client and the cluster if this object made them."""
        for name in ("shards", "_job"):
            if hasattr(self, name):
                delattr(self, name)
        if self._own_client is not None:
            self._own_client.close()
            self._own_client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> "DataParallel":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"DataParallel({getattr(self.loss, '__name__', 'loss')}, "
                f"{self.n_examples} examples in {len(self.shard_sizes)} shards, "
                f"reduction={self.reduction!r})")

