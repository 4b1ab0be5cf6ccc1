"""Statistics on every KPI value: 95 % intervals (Wilson, NPS, Poisson, Student's t in kpi/stats_t),
small-cell suppression."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

Z95 = 1.959964
SUPPRESSION_THRESHOLD = 11
PER_1000 = 1000.0  # a rate of unit 'per_1000' counts events per 1,000 of its exposure

_NAN_PAIR = (math.nan, math.nan)
_REL_TOL = 1e-13
_TINY = 1e-300


def wilson_interval_arrays(successes: np.ndarray, n: np.ndarray,
                           z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of successes/n in percent (0-100), element-wise; nan where n == 0."""
    s = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(s < 0) or np.any(s > n):
        raise ValueError("successes must lie between 0 and n")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = s / n
        z2 = z * z
        denom = 1.0 + z2 / n
        centre = (p + z2 / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    low = np.where(s == 0, 0.0, np.clip(100.0 * (centre - half), 0.0, 100.0))
    high = np.where(s == n, 100.0, np.clip(100.0 * (centre + half), 0.0, 100.0))
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def _nps_shares(promoters, detractors, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Promoter and detractor shares (0-1) and n as float arrays; nan shares where n == 0."""
    pro = np.asarray(promoters, dtype=float)
    det = np.asarray(detractors, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(pro < 0) or np.any(det < 0) or np.any(pro + det > n):
        raise ValueError("promoters and detractors must be >= 0 and together at most n")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, pro / n, np.nan), np.where(n > 0, det / n, np.nan), n


def nps_interval_arrays(promoters: np.ndarray, detractors: np.ndarray, n: np.ndarray,
                        z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """NPS +- z x 100 x sqrt((P + D - (P - D)^2) / n), clipped to -100..100; nan where n == 0."""
    p, d, n = _nps_shares(promoters, detractors, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.maximum(p + d - (p - d) ** 2, 0.0)
        half = z * 100.0 * np.sqrt(variance / n)
    centre = 100.0 * (p - d)
    return np.clip(centre - half, -100.0, 100.0), np.clip(centre + half, -100.0, 100.0)


def _gamma_series(a: float, x: float) -> float:
    """Regularized lower incomplete gamma P(a, x) by its power series (use when x < a + 1)."""
    term = total = 1.0 / a
    ap = a
    for _ in range(_max_iterations(a)):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _REL_TOL:
            break
    return math.exp(math.log(total) - x + a * math.log(x) - math.lgamma(a))


def _gamma_continued_fraction(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x) by modified Lentz (use when x >= a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _max_iterations(a)):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _REL_TOL:
            break
    return math.exp(math.log(h) - x + a * math.log(x) - math.lgamma(a))


def _max_iterations(a: float) -> int:
    """Enough terms for the series or fraction to converge near x ~ a (grows like sqrt(a))."""
    return 200 + int(20.0 * math.sqrt(a))


def regularized_gamma_p(a: float, x: float) -> float:
    """Regularized lower incomplete gamma P(a, x) = chi-square CDF of 2x with 2a df (a > 0)."""
    if x <= 0.0:
        return 0.0
    if x < a + 1.0:
        return _gamma_series(a, x)
    return 1.0 - _gamma_continued_fraction(a, x)


def _gamma_quantile(a: float, target: float) -> float:
    """The x with P(a, x) = target, by Newton steps kept inside a shrinking bisection bracket."""
    z = _normal_quantile(target)
    nu = 2.0 * a
    guess = 0.5 * nu * max(1.0 - 2.0 / (9.0 * nu) + z * math.sqrt(2.0 / (9.0 * nu)), 0.1) ** 3
    low, high = 0.0, max(guess, 1.0)
    while regularized_gamma_p(a, high) < target:
        low, high = high, 2.0 * high
    x = min(max(guess, low), high)
    for _ in range(200):
        f = regularized_gamma_p(a, x) - target
        if f < 0:
            low = x
        else:
            high = x
        log_density = (a - 1.0) * math.log(x) - x - math.lgamma(a) if x > 0 else -math.inf
        step = f / math.exp(log_density) if log_density > -700 else math.inf
        nxt = x - step
        if not low < nxt < high:
            nxt = 0.5 * (low + high)
        if abs(nxt - x) <= 1e-14 * max(x, 1e-300) or high - low <= 1e-15 * high:
            return nxt
        x = nxt
    return x


def _normal_quantile(p: float) -> float:
    """Standard normal quantile by bisection on erfc (only a starting guess needs it)."""
    low, high = -40.0, 40.0
    for _ in range(100):
        mid = 0.5 * (low + high)
        if 0.5 * math.erfc(-mid / math.sqrt(2.0)) < p:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


@lru_cache(maxsize=4096)
def poisson_interval(count: int, z: float = Z95) -> tuple[float, float]:
    """Exact (Garwood) two-sided interval on a Poisson count; the level comes from z (95 %)."""
    if count < 0 or not float(count).is_integer():
        raise ValueError("a Poisson count must be a whole number >= 0")
    k = int(count)
    alpha = math.erfc(z / math.sqrt(2.0))
    low = 0.0 if k == 0 else _gamma_quantile(k, alpha / 2.0)
    return low, _gamma_quantile(k + 1, 1.0 - alpha / 2.0)


def rate_interval(count: int, exposure: float, per: float = PER_1000,
                  z: float = Z95) -> tuple[float, float]:
    """Garwood interval of count/exposure scaled per `per` (1,000); (nan, nan) when exposure is
    0."""
    if exposure == 0:
        return _NAN_PAIR
    low, high = poisson_interval(count, z)
    return low * per / exposure, high * per / exposure


def check_threshold(threshold: int, allow_below_cms_minimum: bool = False) -> int:
    """The threshold as an int; ValueError below 11 unless explicitly allowed, or below 1."""
    if not float(threshold).is_integer() or threshold < 1:
        raise ValueError(f"suppression threshold must be a whole number >= 1, got {threshold!r}")
    if threshold < SUPPRESSION_THRESHOLD and not allow_below_cms_minimum:
        raise ValueError(
            f"suppression threshold {threshold} is below the CMS minimum of "
            f"{SUPPRESSION_THRESHOLD}; pass allow_below_cms_minimum=True to allow it")
    return int(threshold)


def suppressed_mask(n_array, threshold: int = SUPPRESSION_THRESHOLD, *,
                    allow_below_cms_minimum: bool = False) -> np.ndarray:
    """Boolean array: True where 0 < n < threshold (n = 0 and missing n are not suppressed)."""
    limit = check_threshold(threshold, allow_below_cms_minimum)
    n = np.asarray(n_array, dtype=float)
    return (n > 0) & (n < limit)
