"""``wengert.selfcheck()``: verify derivative rules from an installed copy.

Runs the test suite's op table (every registered rule, with input domains)
through ``check_grads``: forward and reverse mode against centered finite
differences, recursively to second order (third for products), and reports
per-op results.  Rule authors pass their own specs to check a rule they added.
"""
import dataclasses
import sys
import time
import warnings

import numpy as _np

from .test_util import check_grads


@dataclasses.dataclass
class SelfCheckResult:
    op: str
    status: str      # "ok", "FAIL" (disagrees with finite differences) or "ERROR"
    message: str = ""
    seconds: float = 0.0


@dataclasses.dataclass
class SelfCheckReport:
    results: list

    @property
    def ok(self):
        return all(r.status == "ok" for r in self.results)

    @property
    def failures(self):
        return [r for r in self.results if r.status != "ok"]

    def __str__(self):
        n_ok = sum(r.status == "ok" for r in self.results)
        lines = [f"wengert selfcheck: {n_ok} of {len(self.results)} op checks agree with "
                 "finite differences (forward and reverse mode, order 2; 3 for products)"]
        for r in self.failures:
            first = r.message.strip().splitlines()[0] if r.message.strip() else ""
            lines.append(f"  {r.status:5s} {r.op}: {first}")
        return "\n".join(lines)


def _select(ops):
    from ._specs import OP_SPECS, OpSpec
    if ops is None or isinstance(ops, str):
        if ops is None:
            return list(OP_SPECS)
        chosen = [s for s in OP_SPECS if ops in str(s)]
        if not chosen:
            raise ValueError(f"selfcheck: no op spec matches {ops!r}")
        return chosen
    if isinstance(ops, OpSpec):
        return [ops]
    chosen = []
    for op in ops:      # names and specs may be mixed: ["tanh", op_spec(cube, (3,))]
        if isinstance(op, str):
            chosen.extend(_select(op))
        elif isinstance(op, OpSpec):
            chosen.append(op)
        else:
            raise TypeError(
                f"selfcheck: each entry of ops must be a name (a string such as 'tanh') or "
                f"an op spec made with wengert.test_util.op_spec, not {type(op).__name__}")
    return chosen


def selfcheck(ops=None, *, modes=("fwd", "rev"), order=None, seed=0, verbose=False,
              stream=None):
    """Check derivative rules against centered finite differences.

    Args:
        ops: ``None`` for every library rule; a string to check the specs whose
            name contains it (e.g. ``"tanh"``); or a list of such strings and
            ``OpSpec``s of your own, made with ``wengert.test_util.op_spec``.
        modes: which modes to check.
        order: the derivative order (default: each spec's own, 2 or 3).
        seed: the seed of the random inputs and directions.
        verbose: print every op as it is checked.
        stream: where to print the summary (default: nowhere).

    Returns:
        A ``SelfCheckReport`` (``.ok``, ``.failures``, ``str(report)``).

    Example:
        >>> import wengert
        >>> wengert.selfcheck("tanh").ok
        True
        >>> import numpy
        >>> from wengert.extend import primitive, defvjp, defjvp
        >>> from wengert.test_util import op_spec
        >>> cube = primitive(lambda x: x ** 3)
        >>> defvjp(cube, lambda ans, x: lambda g: 3 * g * x ** 2)
        >>> defjvp(cube, lambda g, ans, x: 3 * g * x ** 2)
        >>> wengert.selfcheck([op_spec(cube, (3,), name="cube")]).ok
        True
    """
    results = []
    for spec in _select(ops):
        rng = _np.random.default_rng(seed)
        start = time.perf_counter()
        try:
            with warnings.catch_warnings(), _np.errstate(all="ignore"):
                # specs probe NaN slices and overflow on purpose: the verdict is the report
                warnings.simplefilter("ignore", RuntimeWarning)
                check_grads(spec.fun, modes=modes, order=order or spec.order, rng=rng)(
                    *spec.sample(rng))
            status, message = "ok", ""
        except AssertionError as e:
            status, message = "FAIL", str(e)
        except Exception as e:  # noqa: BLE001 - a crashing rule is a finding, not a crash
            status, message = "ERROR", f"{type(e).__name__}: {e}"
        results.append(SelfCheckResult(str(spec), status, message,
                                       time.perf_counter() - start))
        if verbose:
            print(f"{status:5s} {spec}", file=stream or sys.stdout)
    report = SelfCheckReport(results)
    if stream is not None:
        print(report, file=stream)
    return report
