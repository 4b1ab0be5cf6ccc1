"""Is a change more than chance? Two-sided tests at 95 % of a KPI now against the same period a
year earlier: two proportions, Poisson counts and rates, an NPS difference; medians and means
are not tested."""

from __future__ import annotations

import math

import numpy as np

from kpi.stats import Z95

SIGNIFICANCE = 0.05
TWO_PROPORTIONS = "two proportions"
POISSON = "Poisson"
NPS_DIFFERENCE = "NPS difference"
NOT_TESTED = ""


def two_proportions_z(x1: float, n1: float, x2: float, n2: float) -> float:
    """The pooled two-proportion z statistic of x1/n1 against x2/n2 (nan without counts)."""
    if min(n1, n2) <= 0:
        return math.nan
    pooled = (x1 + x2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return 0.0
    return (x1 / n1 - x2 / n2) / spread


def binomial_two_sided_p(k: int, n: int, p: float) -> float:
    """The exact two-sided p-value of k successes in n trials with probability p (the sum of
    the probabilities of outcomes no more likely than k)."""
    if n == 0:
        return 1.0
    outcomes = np.arange(n + 1)
    # log C(n, i) by the running sum of log((n - i + 1) / i): one array operation, not n lgammas
    log_choose = np.concatenate(([0.0], np.cumsum(np.log(n - outcomes[1:] + 1.0)
                                                  - np.log(outcomes[1:].astype(float)))))
    with np.errstate(divide="ignore"):
        log_pmf = log_choose + outcomes * np.log(p) + (n - outcomes) * np.log1p(-p)
    pmf = np.exp(log_pmf)
    return float(min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum()))


def poisson_rates_p(count1: float, exposure1: float, count2: float, exposure2: float) -> float:
    """The exact conditional test of two Poisson rates: given the total count, count1 is
    binomial with p = exposure1 / (exposure1 + exposure2)."""
    if min(exposure1, exposure2) <= 0:
        return math.nan
    return binomial_two_sided_p(int(count1), int(count1 + count2),
                                exposure1 / (exposure1 + exposure2))


def nps_difference_z(nps1: float, se1: float, nps2: float, se2: float) -> float:
    """z of an NPS difference: (NPS1 - NPS2) / sqrt(se1^2 + se2^2), each se the NPS's
    standard error 100 sqrt((P + D - (P - D)^2) / n)."""
    spread = math.hypot(se1, se2)
    return math.nan if not spread else (nps1 - nps2) / spread


def se_from_interval(low: float, high: float) -> float:
    """The standard error behind a symmetric 95 % normal interval: (high - low) / (2 z)."""
    return (high - low) / (2 * Z95)


def significant_z(z: float) -> bool | None:
    """|z| beyond 1.96 (None when z is unknown)."""
    return None if math.isnan(z) else abs(z) > Z95


def significant_p(p: float) -> bool | None:
    """p below 0.05 (None when p is unknown)."""
    return None if math.isnan(p) else p < SIGNIFICANCE
