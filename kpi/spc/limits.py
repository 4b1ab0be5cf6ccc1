"""Control charts of a monthly KPI series: XmR, p'/u' (Laney), rebasing, assurance vs target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kpi.catalog.kinds import Direction
from kpi.catalog.reviews import STARS
from kpi.settings import DEFAULT_RUN_LENGTH
from kpi.spc.chunky import is_chunky
from kpi.spc.rules import Limits, detect, variation

XMR_LIMIT_FACTOR = 2.66        # 3 / d2, d2 = 1.128 for moving ranges of two points
XMR_TWO_SIGMA_FACTOR = 1.7733  # 2 / d2
D2 = 1.128
SIGMA_LIMIT = 3.0
SIGMA_WARNING = 2.0
MIN_POINTS_FOR_FIRM_LIMITS = 12
# Why the limits are trial limits, in words for the pages and charts.
TOO_FEW_FOR_FIRM_LIMITS = f"fewer than {MIN_POINTS_FOR_FIRM_LIMITS} months"
LANEY_MIN_MEAN_DENOMINATOR = 1000

NO_LIMITS = Limits(*(np.array([]),) * 5)
UNBOUNDED = (-np.inf, np.inf)
# Where a KPI's values can lie, by unit: limits are written truncated there.
UNIT_BOUNDS = {"%": (0.0, 100.0), "score": (0.0, 100.0), "nps": (-100.0, 100.0),
               "count": (0.0, np.inf), "per_1000": (0.0, np.inf), "minutes": (0.0, np.inf),
               "days": (0.0, np.inf), "stars": tuple(map(float, STARS))}
ALWAYS_MET = "always met"
NEVER_MET = "never met"
HIT_AND_MISS = "hit and miss"


@dataclass(frozen=True)
class ChartKind:
    """xmr for any value; p for a percentage with numerator/denominator; u for a rate per `per`."""

    name: str
    per: float = 1.0


XMR = ChartKind("xmr")
P_CHART = ChartKind("p", per=100.0)


def u_chart(per: float) -> ChartKind:
    """A u-chart of a rate expressed per `per` units (e.g. per 1,000 visits)."""
    return ChartKind("u", per=per)


def xmr_limits(values: np.ndarray, fit: np.ndarray | None = None) -> Limits:
    """Centre = mean; limits = mean +- 2.66 x mean moving range (2-sigma at 1.7733 x), from
    the points `fit` selects (all by default), for every point."""
    values = np.asarray(values, dtype=float)
    base = values if fit is None else values[fit]
    centre = float(base.mean()) if len(base) else np.nan
    mean_mr = float(np.abs(np.diff(base)).mean()) if len(base) > 1 else np.nan
    full = np.full(len(values), 1.0)
    return Limits(centre * full, (centre - XMR_LIMIT_FACTOR * mean_mr) * full,
                  (centre + XMR_LIMIT_FACTOR * mean_mr) * full,
                  (centre - XMR_TWO_SIGMA_FACTOR * mean_mr) * full,
                  (centre + XMR_TWO_SIGMA_FACTOR * mean_mr) * full)


def attribute_limits(numerators: np.ndarray, denominators: np.ndarray, kind: ChartKind,
                     laney: bool | None = None, fit: np.ndarray | None = None) -> Limits:
    """p- or u-chart limits per point, with Laney's correction (auto: large denominators);
    centre and Laney's sigma from the points `fit` selects (all by default)."""
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    fit = np.ones(len(den), dtype=bool) if fit is None else fit
    centre = num[fit].sum() / den[fit].sum()
    if kind.name == "p":
        sigma = np.sqrt(centre * (1 - centre) / den)
    else:
        sigma = np.sqrt(centre / den)
    if laney is None:
        laney = len(den) > 1 and den.mean() >= LANEY_MIN_MEAN_DENOMINATOR
    if laney and len(den) > 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (num / den - centre) / sigma
        sigma_z = np.abs(np.diff(z[fit])).mean() / D2 if np.all(np.isfinite(z)) else 1.0
        sigma = sigma * sigma_z
    lower_floor = 0.0
    upper_cap = 1.0 if kind.name == "p" else np.inf

    def band(width: float) -> tuple[np.ndarray, np.ndarray]:
        lo = np.maximum(centre - width * sigma, lower_floor)
        hi = np.minimum(centre + width * sigma, upper_cap)
        return lo * kind.per, hi * kind.per

    lower, upper = band(SIGMA_LIMIT)
    lower2, upper2 = band(SIGMA_WARNING)
    return Limits(np.full(len(den), centre * kind.per), lower, upper, lower2, upper2)


def assurance(target: float | None, limits: Limits, direction: str) -> str:
    """always met / never met / hit and miss: the target against the latest limits."""
    if target is None or direction == Direction.NEUTRAL or len(limits.centre) == 0:
        return ""
    lower, upper = limits.lower[-1], limits.upper[-1]
    if not (np.isfinite(lower) and np.isfinite(upper)):
        return ""
    if direction == Direction.HIGHER:
        return ALWAYS_MET if target < lower else NEVER_MET if target > upper else HIT_AND_MISS
    return ALWAYS_MET if target > upper else NEVER_MET if target < lower else HIT_AND_MISS


def spc_table(series: pd.DataFrame, direction: str, kind: ChartKind = XMR,
              target: float | None = None, rebase: Sequence[date] = (),
              run_length: int = DEFAULT_RUN_LENGTH,
              bounds: tuple[float, float] = UNBOUNDED, fix_after: int = 0) -> pd.DataFrame:
    """One row per month with value, limits, the rule that fired, variation and assurance.

    `series` has columns month ('YYYY-MM'), value, n and, for p/u charts, numerator and
    denominator; an optional boolean column `judged` marks the months that may be judged.
    Months without a value (no data or suppressed) or not judged are left out of the limits
    and rules and kept in the output with empty limits. `rebase` dates start new segments
    whose limits are computed apart.
    """
    order = np.argsort(series["month"].to_numpy(dtype=object), kind="stable")
    table = {column: series[column].array.take(order) for column in series.columns}
    judged = np.asarray(table["judged"], dtype=bool) if "judged" in table else None
    return pd.DataFrame({**table, **spc_columns(table, direction, kind, target, rebase,
                                                run_length, judged, bounds, fix_after)})


def spc_columns(table: dict, direction: str, kind: ChartKind = XMR,
                target: float | None = None, rebase: Sequence[date] = (),
                run_length: int = DEFAULT_RUN_LENGTH,
                judged: np.ndarray | None = None,
                bounds: tuple[float, float] = UNBOUNDED,
                fix_after: int = 0) -> dict[str, np.ndarray]:
    """spc_table's computed columns (centre ... target, chunky) for a series already in month
    order, given as arrays by column name; only months with a value and `judged` (default:
    all) take part in limits, rules and assurance. An XmR segment whose measurement unit is
    too coarse for its limits (chunky) keeps its limits but gets no rule, variation or
    assurance. Limits are written truncated at the KPI's `bounds` (0 to 100 for a %);
    `fix_after` N > 0 fixes each segment's limits on its first N judged months."""
    values = float_column(table, "value")
    size = len(values)
    present = ~np.isnan(values)
    if judged is not None:
        present &= judged
    centre, lower, upper = (np.full(size, np.nan) for _ in range(3))
    rules = np.full(size, "", dtype=object)
    variations = np.full(size, "", dtype=object)
    chunky = np.zeros(size, dtype=bool)
    segment_ids = _segments(np.asarray(table["month"], dtype=object), rebase)
    last_limits = NO_LIMITS
    for segment in np.unique(segment_ids):
        rows = np.flatnonzero((segment_ids == segment) & present)
        if len(rows) == 0:
            continue
        fit = np.arange(len(rows)) < fix_after if 0 < fix_after < len(rows) else None
        limits = _limits(table, rows, kind, fit)
        centre[rows], lower[rows], upper[rows] = limits.centre, limits.lower, limits.upper
        chunky[rows] = kind.name == "xmr" and is_chunky(values[rows], limits.lower[0],
                                                        limits.upper[0])
        if chunky[rows[0]]:  # Wheeler: the rules would give false alarms; no verdict
            last_limits = NO_LIMITS
            continue
        names, sides = detect(values[rows], limits, run_length)
        rules[rows] = names
        variations[rows] = [variation(int(s), direction) for s in sides]
        last_limits = limits
    return {
        "centre": centre, "lower": np.clip(lower, *bounds), "upper": np.clip(upper, *bounds),
        "rule": rules,
        "variation": variations, "chunky": chunky,
        "trial_limits": np.full(size, int(present.sum()) < MIN_POINTS_FOR_FIRM_LIMITS),
        "assurance": np.full(size, assurance(target, last_limits, direction), dtype=object),
        "target": np.full(size, np.nan if target is None else target)}


def float_column(table, column: str) -> np.ndarray:
    """A column of a table (DataFrame, or arrays by name) as floats, missing as NaN."""
    values = table[column]
    if isinstance(values, np.ndarray) and values.dtype == float:
        return values
    return values.to_numpy(dtype=float, na_value=np.nan)


def _limits(table: dict, rows: np.ndarray, kind: ChartKind, fit: np.ndarray | None) -> Limits:
    if kind.name == "xmr":
        return xmr_limits(float_column(table, "value")[rows], fit)
    return attribute_limits(float_column(table, "numerator")[rows],
                            float_column(table, "denominator")[rows], kind, fit=fit)


def _segments(months: np.ndarray, rebase: Sequence[date]) -> np.ndarray:
    starts = sorted(f"{d.year:04d}-{d.month:02d}" for d in rebase)
    return np.searchsorted(np.array(starts, dtype=object), months,
                           side="right") if starts else np.zeros(len(months), dtype=int)
