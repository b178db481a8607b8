"""wengert.distributed: data-parallel value and gradient on a dask.distributed cluster.

Runs where Dask's distributed scheduler is installed (the test extra has it); the error
naming the extra is checked everywhere.  One in-process LocalCluster (two single-thread workers, processes=False: it starts in
about 0.3 s and needs no worker processes) serves the whole module; one slow test
uses worker processes, where cloudpickle has to carry the loss."""
import numpy
import pytest

import wengert
import wengert.numpy as np

from wengert.distributed import DataParallel   # imports Dask only when used


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=":0")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def least_squares(p, X, y):
    return ((X @ p["w"] + p["b"] - y) ** 2).sum()


def logistic(p, X, y):
    z = X @ p["layer"][0] + p["layer"][1]
    return (np.logaddexp(0.0, z) - y * z).mean()


def data(n=503, d=4, seed=0):
    rng = numpy.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (rng.uniform(size=n) < 0.5).astype(float)
    return X, y


def assert_tree_close(a, b, rtol=1e-12):
    la, ta = wengert.tree.flatten(a)
    lb, tb = wengert.tree.flatten(b)
    assert ta == tb
    for x, y in zip(la, lb):
        numpy.testing.assert_allclose(x, y, rtol=rtol, atol=0)


@pytest.mark.parametrize("n_shards", [1, 3, 8])
def test_sum_loss_equals_full_batch(client, n_shards):
    X, y = data()
    p = {"w": numpy.linspace(-1, 1, 4), "b": 0.3}
    with DataParallel(least_squares, (X, y), n_shards=n_shards, client=client) as dp:
        value, g = dp.value_and_grad(p)
        assert len(dp.shards) == n_shards
        assert float(dp.value(p)) == pytest.approx(float(value), rel=1e-13)
    v0, g0 = wengert.value_and_grad(least_squares)(p, X, y)
    assert float(value) == pytest.approx(float(v0), rel=1e-12)
    assert_tree_close(g, g0)


def test_mean_loss_over_a_nested_tree_equals_full_batch(client):
    X, y = data(n=1001)          # unequal shards: the mean weights them by size
    p = {"layer": (numpy.array([0.5, -0.2, 0.1, 0.0]), numpy.array(0.1))}
    with DataParallel(logistic, (X, y), reduction="mean", n_shards=7, client=client) as dp:
        value, g = dp.value_and_grad(p)
        g_only = dp.grad(p)
    v0, g0 = wengert.value_and_grad(logistic)(p, X, y)
    assert float(value) == pytest.approx(float(v0), rel=1e-12)
    assert_tree_close(g, g0)
    assert_tree_close(g_only, g0)


def test_penalty_is_added_once(client):
    X, y = data()
    p = {"w": numpy.ones(4), "b": 0.0}
    penalty = lambda p: 0.5 * (p["w"] ** 2).sum()   # noqa: E731
    with DataParallel(least_squares, (X, y), penalty=penalty, n_shards=4, client=client) as dp:
        value, g = dp.value_and_grad(p)
    v0, g0 = wengert.value_and_grad(lambda p: least_squares(p, X, y) + penalty(p))(p)
    assert float(value) == pytest.approx(float(v0), rel=1e-12)
    assert_tree_close(g, g0)


def test_closure_loss_is_carried_to_the_workers(client):
    X, y = data()
    scale = numpy.array([1.0, 2.0, 3.0, 4.0])   # captured, not passed

    def make():
        def loss(w, X, y):
            return ((X @ (scale * w) - y) ** 2).sum()
        return loss

    loss = make()
    w = numpy.full(4, 0.1)
    with DataParallel(loss, (X, y), n_shards=4, client=client) as dp:
        g = dp.grad(w)
    numpy.testing.assert_allclose(g, wengert.grad(loss)(w, X, y), rtol=1e-12)


def test_shards_are_placed_once_and_stay(client):
    X, y = data(n=4000)
    p = {"w": numpy.zeros(4), "b": 0.0}
    with DataParallel(least_squares, (X, y), n_shards=4, client=client) as dp:
        placed = client.who_has(dp.shards)
        assert all(len(w) == 1 for w in placed.values())
        for _ in range(3):
            dp.value_and_grad(p)
        # no shard was copied to another worker: a task running away from its shard
        # would have fetched it there, and re-sending would have made new keys
        assert client.who_has(dp.shards) == placed
        key = dp.shards[0].key
        stored = client.run(lambda dask_worker: key in dask_worker.data)
        assert sum(stored.values()) == 1


def test_per_example_grads_are_left_sharded(client):
    X, y = data(n=50)
    p = {"w": numpy.linspace(0, 1, 4), "b": -0.2}
    with DataParallel(least_squares, (X, y), n_shards=3, client=client) as dp:
        futures = dp.per_example_grads(p)
        assert len(futures) == 3
        assert all(isinstance(f, type(dp.shards[0])) for f in futures)   # Futures
        G = dp.gather(futures)
    assert G["w"].shape == (50, 4) and G["b"].shape == (50,)
    for i in (0, 17, 49):
        gi = wengert.grad(least_squares)(p, X[i:i + 1], y[i:i + 1])
        numpy.testing.assert_allclose(G["w"][i], gi["w"], rtol=1e-12)
        numpy.testing.assert_allclose(G["b"][i], gi["b"], rtol=1e-12)


def test_minimize_lbfgs_reaches_the_single_process_optimum(client):
    pytest.importorskip("scipy")
    from wengert.optimize import minimize
    X, y = data(n=800)
    p0 = {"layer": (numpy.zeros(4), numpy.array(0.0))}
    with DataParallel(logistic, (X, y), reduction="mean", n_shards=4, client=client) as dp:
        r = minimize(dp, p0, method="L-BFGS-B", tol=1e-12)
    r0 = minimize(logistic, p0, args=(X, y), method="L-BFGS-B", tol=1e-12)
    assert r.success and r0.success
    numpy.testing.assert_allclose(r.x_flat, r0.x_flat, rtol=1e-6, atol=1e-8)
    assert isinstance(r.x["layer"], tuple)


def test_a_wrong_reduction_is_named(client):
    X, y = data()
    p = {"layer": (numpy.zeros(4), numpy.array(0.1))}
    with DataParallel(logistic, (X, y), reduction="sum", client=client) as dp:
        with pytest.raises(ValueError, match="reduction='mean'"):
            dp.value_and_grad(p)
    regularized = lambda w, X, y: ((X @ w - y) ** 2).sum() + (w ** 2).sum()  # noqa: E731
    with DataParallel(regularized, (X, y), client=client) as dp:
        with pytest.raises(ValueError, match="penalty="):
            dp.grad(numpy.ones(4))


def test_a_non_scalar_loss_is_an_error(client):
    X, y = data()
    with DataParallel(lambda w, X, y: X @ w - y, (X, y), client=client) as dp:
        with pytest.raises(ValueError, match="must return a scalar.*shape"):
            dp.grad(numpy.ones(4))


def test_bad_data_is_an_error(client):
    X, y = data()
    with pytest.raises(ValueError, match=r"different numbers of examples.*\[503, 502\]"):
        DataParallel(least_squares, (X, y[:-1]), client=client)
    with pytest.raises(ValueError, match="scalar"):
        DataParallel(least_squares, (X, 1.0), client=client)
    with pytest.raises(ValueError, match="reduction"):
        DataParallel(least_squares, (X, y), reduction="avg", client=client)


def test_missing_dask_names_the_extra(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    X, y = data()
    with pytest.raises(ImportError, match=r'pip install "wengert\[dask\]"'):
        DataParallel(least_squares, (X, y))


def test_embedded_cluster_starts_and_closes():
    pytest.importorskip("distributed")
    X, y = data(n=100)
    p = {"w": numpy.zeros(4), "b": 0.0}
    with DataParallel(least_squares, (X, y)) as dp:
        assert len(dp.shards) == 2           # one per worker thread
        g = dp.grad(p)
        client = dp.client
    assert client.status == "closed"
    assert_tree_close(g, wengert.grad(least_squares)(p, X, y))


@pytest.mark.slow
def test_worker_processes_receive_a_closure_by_cloudpickle():
    pytest.importorskip("distributed")
    X, y = data(n=300)
    offset = 0.25

    def loss(w, X, y):
        return ((X @ w + offset - y) ** 2).sum()

    with DataParallel(loss, (X, y), processes=True, n_workers=2) as dp:
        placed = dp.client.who_has(dp.shards)
        g = dp.grad(numpy.ones(4))
        dp.grad(numpy.zeros(4))
        assert dp.client.who_has(dp.shards) == placed      # pinned: never copied
        # shards arrive in message buffers, maybe unaligned; placement made them aligned
        aligned = dp.client.run(lambda dask_worker: [
            a.flags.aligned for k, v in dask_worker.data.items()
            if str(k).startswith("_aligned") for a in v])
        assert all(all(flags) and flags for flags in aligned.values())
    numpy.testing.assert_allclose(g, wengert.grad(loss)(numpy.ones(4), X, y), rtol=1e-12)


def test_large_parameters_travel_once_per_call(client, monkeypatch):
    import wengert.distributed as wd
    monkeypatch.setattr(wd, "_SCATTER_PARAMS_BYTES", 0)     # scatter even small ones
    X, y = data()
    p = {"w": numpy.linspace(-1, 1, 4), "b": 0.3}
    with DataParallel(least_squares, (X, y), n_shards=4, client=client) as dp:
        value, g = dp.value_and_grad(p)
    v0, g0 = wengert.value_and_grad(least_squares)(p, X, y)
    assert float(value) == pytest.approx(float(v0), rel=1e-12)
    assert_tree_close(g, g0)


def test_fit_trains_on_the_full_batch_through_the_cluster(client):
    from wengert import optim
    from wengert.training import fit
    X, y = data(n=400)
    p0 = {"w": numpy.zeros(4), "b": 0.0}
    mean_sq = lambda p, X, y: ((X @ p["w"] + p["b"] - y) ** 2).mean()   # noqa: E731
    with DataParallel(mean_sq, (X, y), reduction="mean", n_shards=4, client=client) as dp:
        p, hist = fit(dp, p0, None, optim.sgd(0.1), epochs=5, progress=False)
        with pytest.raises(TypeError, match="data=None"):
            fit(dp, p0, (X, y), optim.sgd(0.1), progress=False)
    p_ref, hist_ref = fit(mean_sq, p0, (X, y), optim.sgd(0.1), epochs=5, progress=False,
                          compile=False)
    assert_tree_close(p, p_ref, rtol=1e-12)
    numpy.testing.assert_allclose(hist["loss"], hist_ref["loss"], rtol=1e-12)


def test_hessian_vector_product_and_newton_cg(client):
    pytest.importorskip("scipy")
    from wengert.optimize import minimize
    X, y = data(n=600)
    p = {"layer": (numpy.array([0.3, -0.1, 0.2, 0.0]), numpy.array(0.1))}
    v = {"layer": (numpy.array([1.0, 2.0, -1.0, 0.5]), numpy.array(-1.0))}
    penalty = lambda p: 0.01 * (p["layer"][0] ** 2).sum()   # noqa: E731
    with DataParallel(logistic, (X, y), reduction="mean", penalty=penalty, n_shards=3,
                      client=client) as dp:
        hv = dp.hessian_vector_product(p, v)
        r = minimize(dp, p, method="trust-ncg", tol=1e-8)
    full = lambda p: logistic(p, X, y) + penalty(p)   # noqa: E731
    assert_tree_close(hv, wengert.hessian_vector_product(full)(p, v), rtol=1e-11)
    r0 = minimize(full, p, method="trust-ncg", tol=1e-8)
    assert r.success and r0.success and r.nhev > 0
    numpy.testing.assert_allclose(r.x_flat, r0.x_flat, rtol=1e-6, atol=1e-8)


def test_dask_array_data_is_computed_on_the_workers(client):
    da = pytest.importorskip("dask.array")
    X = da.random.default_rng(3).normal(size=(2000, 4), chunks=(500, 4))
    y = (da.random.default_rng(4).uniform(size=2000, chunks=700) < 0.5).astype(float)
    p = {"layer": (numpy.array([0.5, -0.2, 0.1, 0.0]), numpy.array(0.1))}
    with DataParallel(logistic, (X, y), reduction="mean", client=client) as dp:
        assert dp.shard_sizes == [500] * 4          # the chunks of X
        value, g = dp.value_and_grad(p)
    Xn, yn = X.compute(), y.compute()
    v0, g0 = wengert.value_and_grad(logistic)(p, Xn, yn)
    assert float(value) == pytest.approx(float(v0), rel=1e-12)
    assert_tree_close(g, g0)


@pytest.mark.slow
def test_the_benchmark_runs_its_three_columns_and_the_huge_case(capsys):
    # python -m benchmarks.distributed at toy sizes: every column's gradient is checked
    # against the one-process gradient inside the benchmark (an assertion there)
    pytest.importorskip("distributed")
    from benchmarks import distributed as bench
    bench.main(["--sizes", "2000,4000", "--repeats", "1", "--chunk", "1000"])
    out = capsys.readouterr().out
    for model in ("logistic", "mlp"):
        assert f"break-even, {model}: cluster " in out and "lazy Dask" in out
    assert out.count("ms") >= 12
    bench.main(["--huge", "--huge-gb", "0.004", "--huge-features", "10", "--huge-chunk",
                "10000"])
    out = capsys.readouterr().out
    assert "0.0 GB generated lazily" in out and "peak resident memory" in out
