"""Small-sample intervals: Student's t for means (its quantile from the regularized incomplete
beta) and Fisher's z for rank correlations."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from kpi.stats import _REL_TOL, _TINY, Z95, _max_iterations


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularized incomplete beta (modified Lentz)."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (_TINY if abs(d) < _TINY else d)
    h = d
    for m in range(1, _max_iterations(a + b)):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (_TINY if abs(d) < _TINY else d)
            c = 1.0 + numerator / c
            c = _TINY if abs(c) < _TINY else c
            h *= d * c
        if abs(d * c - 1.0) < _REL_TOL:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0 or x >= 1.0:
        return 0.0 if x <= 0.0 else 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


@lru_cache(maxsize=4096)
def t_quantile(df: int, z: float = Z95) -> float:
    """Student's t with df degrees of freedom at the two-sided level that z has for the
    normal (95 %): the t with P(|T| > t) = erfc(z / sqrt 2), by bisection on its CDF."""
    if df < 1:
        raise ValueError("Student's t needs at least 1 degree of freedom")
    tail = math.erfc(z / math.sqrt(2.0))
    low, high = 0.0, 2.0 * z
    while regularized_beta(df / 2.0, 0.5, df / (df + high * high)) > tail:
        low, high = high, 2.0 * high
    for _ in range(200):
        mid = 0.5 * (low + high)
        if regularized_beta(df / 2.0, 0.5, df / (df + mid * mid)) > tail:
            low = mid
        else:
            high = mid
        if high - low <= 1e-13 * high:
            break
    return 0.5 * (low + high)


def t_interval_arrays(mean, sd, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """mean +- t(df = n - 1) x sd / sqrt(n), element-wise; nan where n < 2 or sd is 0."""
    mean, sd, n = (np.asarray(a, dtype=float) for a in (mean, sd, n))
    t = np.array([t_quantile(int(k) - 1, z) if k >= 2 else np.nan for k in n.ravel()])
    with np.errstate(divide="ignore", invalid="ignore"):
        half = np.where((n >= 2) & (sd > 0), t.reshape(n.shape) * sd / np.sqrt(n), np.nan)
    return mean - half, mean + half


def correlation_interval_arrays(r, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of Spearman correlations r from n pairs, element-wise: Fisher's z = atanh(r)
    +- z x sqrt((1 + r^2 / 2) / (n - 3)) (Bonett-Wright variance for a rank correlation), back
    through tanh; nan where n < 4 or r is nan, (r, r) where |r| = 1."""
    r = np.asarray(r, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt((1.0 + r * r / 2.0) / (n - 3.0))
        centre = np.arctanh(np.clip(r, -1.0, 1.0))
        low, high = np.tanh(centre - half), np.tanh(centre + half)
    usable = (n >= 4) & ~np.isnan(r)
    return np.where(usable, low, np.nan), np.where(usable, high, np.nan)
