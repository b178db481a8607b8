"""wengert.plot: what each plot draws, that it saves, and its errors."""
import sys

import numpy
import pytest

pytest.importorskip("matplotlib", reason="wengert.plot needs the plot extra (matplotlib)")

from wengert import datasets, nn, plot  # noqa: E402


def _saved(ax, path):
    """Save the Axes' figure, close it, and return the image (it must not be blank)."""
    import matplotlib.image
    ax.figure.savefig(path)
    plot.close(ax)
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    assert image[..., :3].std() > 0.01, "blank image"
    return image


def test_loss_curve_draws_each_epoch_and_saves(tmp_path):
    history = {"epoch": [0, 1, 2, 3], "loss": [4.0, 2.0, 1.0, 0.5], "val": [5.0, 3.0, 2.0, 2.5]}
    ax = plot.loss_curve(history, label="train")
    plot.loss_curve(history, ax=ax, key="val", color="red", ls="--")
    (train, val) = ax.get_lines()
    assert train.get_xdata().tolist() == [1, 2, 3, 4]
    assert train.get_ydata().tolist() == history["loss"]
    assert val.get_ydata().tolist() == history["val"] and val.get_label() == "val"
    assert (val.get_color(), val.get_linestyle()) == ("red", "--")
    assert ax.get_yscale() == "log"
    _saved(ax, tmp_path / "loss.png")
    ax = plot.loss_curve([1.0, -1.0])       # not all positive: linear axis
    assert ax.get_yscale() == "linear"
    plot.close(ax)


def test_loss_curve_errors():
    with pytest.raises(KeyError, match="no 'val'.*'loss'"):
        plot.loss_curve({"loss": [1.0]}, key="val")
    with pytest.raises(ValueError, match="1-D sequence of losses.*shape \\(2, 2\\)"):
        plot.loss_curve([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot.loss_curve([1.0], ax="left")


def test_fit_1d_draws_the_fit_and_every_weighted_basis_function(tmp_path):
    basis = nn.RBFBasis(5, low=-2.0, high=2.0)
    model = nn.BasisRegression(basis)
    params = model.init(numpy.random.default_rng(0))
    params["w"] = numpy.array([1.0, -2.0, 0.5, 3.0, -1.0])
    params["b"] = numpy.array(0.25)
    x, y = datasets.curve(30, kind="sin", low=-2.0, high=2.0, rng=0)
    ax = plot.fit_1d(model.apply, params, x, y, basis=basis, x_test=x[:5] + 0.1, y_test=y[:5],
                     num=50, title="fit")
    lines = ax.get_lines()
    assert len(lines) == 5 + 1
    grid = lines[-1].get_xdata()
    assert len(grid) == 50
    numpy.testing.assert_allclose(lines[-1].get_ydata(), model.apply(params, grid))
    phi = basis.apply(params["theta"], grid)
    for k in range(5):
        numpy.testing.assert_allclose(lines[k].get_ydata(), params["w"][k] * phi[:, k])
    assert len(ax.collections) == 2            # training and held-out points
    assert ax.get_title() == "fit"
    _saved(ax, tmp_path / "fit.png")
    ax = plot.fit_1d(model.apply, params, x, y)   # without basis: the fit alone
    assert len(ax.get_lines()) == 1
    plot.close(ax)


def test_fit_1d_errors():
    model = nn.BasisRegression(nn.RBFBasis(3))
    params = model.init(numpy.random.default_rng(0))
    x = numpy.linspace(-1, 1, 4)
    with pytest.raises(ValueError, match="same length, got shapes \\(4,\\) and \\(3,\\)"):
        plot.fit_1d(model.apply, params, x, x[:3])
    with pytest.raises(ValueError, match="params must be a dict with 'theta' and 'w'"):
        plot.fit_1d(lambda p, x: x, 1.0, x, x, basis=nn.RBFBasis(3))
    with pytest.raises(ValueError, match="expected \\(400, 3\\)"):
        plot.fit_1d(model.apply, params, x, x, basis=lambda theta, x: numpy.ones((len(x), 2)))
    with pytest.raises(ValueError, match="one prediction per input"):
        plot.fit_1d(lambda p, x: 1.0, params, x, x)
    with pytest.raises(TypeError, match="model_fn must be a function"):
        plot.fit_1d(None, params, x, x)
    import matplotlib.pyplot as plt
    plt.close("all")


def test_decision_boundary_regions_follow_the_classifier(tmp_path):
    X, y = datasets.blobs(20, centers=[[-2.0, 0.0], [2.0, 0.0], [0.0, 3.0]], std=0.3, rng=0)
    centers = numpy.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 3.0]])

    def scores(c, pts):        # nearest center wins: 3-class scores (M, 3)
        return -((pts[:, None, :] - c[None]) ** 2).sum(-1)

    ax = plot.decision_boundary(scores, centers, X, y, resolution=30)
    assert ax.get_title() == "training accuracy 100.0%"
    _saved(ax, tmp_path / "blobs.png")
    # one score per point: class 1 above the threshold; accuracy counts mistakes
    X2 = numpy.array([[-1.0, 0.0], [1.0, 0.0], [2.0, 1.0], [-2.0, 1.0]])
    y2 = numpy.array([0, 1, 0, 0])
    ax = plot.decision_boundary(lambda p, pts: pts[:, 0], None, X2, y2, resolution=10)
    assert ax.get_title() == "training accuracy 75.0%"
    plot.close(ax)
    ax = plot.decision_boundary(lambda p, pts: (pts[:, :1] > 0.5) * 1.0, None, X2, y2,
                                threshold=0.5, resolution=10, title="probabilities")
    assert ax.get_title() == "probabilities"
    plot.close(ax)


def test_decision_boundary_errors():
    X, y = numpy.zeros((4, 2)), numpy.zeros(4, dtype=int)
    with pytest.raises(ValueError, match="X must have shape \\(N, 2\\).*\\(4, 3\\)"):
        plot.decision_boundary(lambda p, x: x[:, 0], None, numpy.zeros((4, 3)), y)
    with pytest.raises(ValueError, match="y must be integer labels of shape \\(4,\\)"):
        plot.decision_boundary(lambda p, x: x[:, 0], None, X, numpy.zeros(4))
    with pytest.raises(ValueError, match="scores of shape"):
        plot.decision_boundary(lambda p, x: numpy.zeros((len(x), 1, 2)), None, X, y)
    with pytest.raises(ValueError, match="resolution must be an int >= 2"):
        plot.decision_boundary(lambda p, x: x[:, 0], None, X, y, resolution=1)


def test_fd_error(tmp_path):
    steps = [1e-1, 1e-3, 1e-5, 1e-7, 1e-9]
    errors = [1e-3, 1e-7, 1e-10, 1e-9, 1e-7]
    ax = plot.fd_error(steps, errors, ad_error=0.0, title="fd")
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[0] == "centered finite difference"
    assert any("slope 2" in lab for lab in labels) and any("slope -1" in lab for lab in labels)
    assert any("exact: 0" in lab for lab in labels)
    numpy.testing.assert_allclose(ax.get_lines()[0].get_ydata(), errors)
    _saved(ax, tmp_path / "fd.png")
    with pytest.raises(ValueError, match="steps \\(all > 0\\)"):
        plot.fd_error([0.0, 1.0], [1.0, 1.0])


def test_missing_matplotlib_names_the_extra(monkeypatch):
    for name in ("matplotlib", "matplotlib.pyplot"):
        monkeypatch.setitem(sys.modules, name, None)   # makes `import matplotlib` fail
    with pytest.raises(ImportError, match=r'pip install "wengert\[plot\]"'):
        plot.loss_curve([1.0, 0.5])
    with pytest.raises(ImportError, match="decision_boundary needs matplotlib"):
        plot.decision_boundary(lambda p, x: x[:, 0], None, numpy.zeros((2, 2)),
                               numpy.array([0, 1]))


def test_importing_wengert_plot_does_not_import_matplotlib():
    import subprocess
    code = "import sys, wengert.plot; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
