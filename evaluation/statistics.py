"""The few statistics the reports need, with their 95 % intervals, in plain Python.

Every figure given to a coordinator or a donor comes with n and an interval computed here, so
the method is written once (and tested against textbook values in tests/evaluation). Inputs are
sums computed by SQL aggregates (n, Σx, Σx²), so no list of people is ever loaded to compute a
mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_975 = 1.959963984540054

# Student's t, two-sided 95 % (0.975 quantile), for 1 to 30 degrees of freedom (published
# tables); above 30 the Cornish-Fisher expansion below is accurate to 1e-4.
_T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_975(df: int) -> float:
    """The 0.975 quantile of Student's t with `df` degrees of freedom."""
    if df < 1:
        raise ValueError("t needs at least one degree of freedom")
    if df <= len(_T_975):
        return _T_975[df - 1]
    z, v = Z_975, float(df)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
    )


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95 % interval and the number of people it comes from."""

    n: int
    value: float | None
    low: float | None = None
    high: float | None = None

    def rounded(self, digits: int = 1) -> Estimate:
        def r(x):
            return None if x is None else round(x, digits)

        return Estimate(self.n, r(self.value), r(self.low), r(self.high))


def mean_interval(n: int, total: float, total_sq: float) -> Estimate:
    """Mean with a t-based 95 % interval, from n, Σx and Σx²."""
    if n == 0:
        return Estimate(0, None)
    mean = total / n
    if n == 1:
        return Estimate(1, mean)
    variance = max(0.0, (total_sq - n * mean * mean) / (n - 1))
    half = t_975(n - 1) * math.sqrt(variance / n)
    return Estimate(n, mean, mean - half, mean + half)


def paired_effect_size(n: int, total: float, total_sq: float) -> Estimate:
    """Cohen's d for paired scores (d_z: mean difference ÷ standard deviation of the
    differences), with the large-sample interval d ± t·√(1/n + d²/2n)."""
    if n < 2:
        return Estimate(n, None)
    mean = total / n
    variance = max(0.0, (total_sq - n * mean * mean) / (n - 1))
    if variance == 0:
        return Estimate(n, None)
    d = mean / math.sqrt(variance)
    half = t_975(n - 1) * math.sqrt(1 / n + d * d / (2 * n))
    return Estimate(n, d, d - half, d + half)


def proportion_interval(n: int, successes: int) -> Estimate:
    """A percentage with its Wilson 95 % interval (sound near 0 % and 100 % and for small n)."""
    if n == 0:
        return Estimate(0, None)
    p = successes / n
    z2 = Z_975 * Z_975
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_975 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Estimate(n, 100 * p, 100 * (centre - half), 100 * (centre + half))
