"""wengert.plot never chooses matplotlib's backend (Jupyter's inline one must stay)."""
import os
import subprocess
import sys

import pytest

pytest.importorskip("matplotlib")

SRC = os.path.join(os.path.dirname(__file__), os.pardir, "src")


def test_plot_keeps_the_backend_the_user_chose_when_headless():
    code = ("import matplotlib; matplotlib.use('svg')\n"
            "from wengert import plot\n"
            "ax = plot.loss_curve({'loss': [1.0, 0.5]})\n"
            "print(matplotlib.get_backend())\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    env["PYTHONPATH"] = SRC
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().lower() == "svg"
