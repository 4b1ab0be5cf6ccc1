"""Funnel plots of departments (Spiegelhalter 2005): each department's value against the
reference value, with 95 % and 99.8 % limits that narrow as its n grows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpi.catalog.kinds import Unit
from kpi.spc.significance import se_from_interval
from kpi.stats import PER_1000

Z_95 = 1.959964
Z_998 = 3.090232
INSIDE = "inside"
OUTSIDE_95 = "outside 95 %"
OUTSIDE_998 = "outside 99.8 %"


def funnel_spread(unit: str, reference: pd.Series) -> tuple[float, float] | None:
    """(centre, spread) of the funnel around a reference row: its limits at n are centre +-
    z x spread / sqrt(n). Proportions (%, with numerator and denominator): spread 100 sqrt(p
    (1 - p)); rates per 1,000: sqrt(1000 x rate); NPS: the reference's own standard deviation,
    from its interval. None for every other KPI (medians, means, counts, multi-item scores)."""
    value, n = reference["value"], reference["n"]
    if pd.isna(value) or pd.isna(n) or n <= 0:
        return None
    if unit == Unit.PERCENT and not pd.isna(reference["denominator"]):
        share = value / 100
        return value, 100 * math.sqrt(share * (1 - share))
    if unit == Unit.PER_1000 and not pd.isna(reference["denominator"]):
        return value, math.sqrt(PER_1000 * value)
    if unit == Unit.NPS and not pd.isna(reference["ci_low"]):
        return value, se_from_interval(reference["ci_low"], reference["ci_high"]) * math.sqrt(n)
    return None


def funnel_band(value, n, centre: float, spread: float) -> np.ndarray:
    """Per group: INSIDE, OUTSIDE_95 or OUTSIDE_998 of the funnel ('' without value or n)."""
    value = np.asarray(value, dtype=float)
    n = np.asarray(pd.array(n, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.abs(value - centre) / (spread / np.sqrt(n))
    band = np.where(z > Z_998, OUTSIDE_998, np.where(z > Z_95, OUTSIDE_95, INSIDE))
    return np.where(np.isfinite(z), band, "").astype(object)


def funnel_limits(centre: float, spread: float, n_max: float, points: int = 200,
                  bounds: tuple[float, float] = (-math.inf, math.inf),
                  n_min: float = 1.0) -> pd.DataFrame:
    """The funnel's curves from n_min (at least 1) to n_max: columns n, lower_95, upper_95,
    lower_998, upper_998, clipped to the KPI's bounds (0-100 %, -100..100)."""
    n_min = max(n_min, 1.0)
    n = np.unique(np.geomspace(n_min, max(n_max, n_min * 2), points))
    width = spread / np.sqrt(n)
    return pd.DataFrame({"n": n,
                         **{f"{side}_{name}": np.clip(centre + sign * z * width, *bounds)
                            for name, z in (("95", Z_95), ("998", Z_998))
                            for side, sign in (("lower", -1), ("upper", 1))}})
