"""Comparisons of engine results the dashboard shows: change vs the same period a year earlier
(tested at 95 %), and how each department stands against the whole filter."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np
import pandas as pd

from kpi.catalog.kinds import Direction, Unit
from kpi.catalog.kpis import Kpi
from kpi.errors import UsageError
from kpi.filters import Filter
from kpi.settings import Settings
from kpi.spc.funnel import OUTSIDE_998, funnel_band, funnel_spread
from kpi.spc.months import too_few
from kpi.spc.significance import (
    NOT_TESTED,
    NPS_DIFFERENCE,
    POISSON,
    TWO_PROPORTIONS,
    nps_difference_z,
    poisson_rates_p,
    se_from_interval,
    significant_p,
    significant_z,
    two_proportions_z,
)

BETTER = "better"
WORSE = "worse"
SIMILAR = "no different"
NOT_COMPARED = "not compared"
WITHHELD = "withheld"
NO_DATA = "no data"
TOO_FEW = "too few to judge"
# Counts of events in the window (Poisson, exposure = the window's days); a backlog is not one.
PERIOD_COUNT_KINDS = {"complaint_count", "visit_count", "response_count", "review_count"}
POOLED_KINDS = {"return_rate"}


def min_n_by_kpi(kpis: Iterable[Kpi], settings: Settings) -> dict[str, int]:
    """Each KPI's minimum n for a verdict (from its kind), by KPI id."""
    return {kpi.id: settings.min_n_for(kpi.kind) for kpi in kpis}


def _usable(rows: pd.DataFrame) -> pd.Series:
    return rows["value"].notna() & ~rows["suppressed"].astype(bool)


def year_earlier(flt: Filter) -> Filter:
    """The same filter one year earlier (29 February becomes the 28th)."""
    if flt.start is None or flt.end is None:
        raise UsageError("the same period a year earlier needs both a start and an end date")
    return flt.with_window(*(_year_before(day) for day in (flt.start, flt.end)))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def change_vs_year_earlier(current: pd.DataFrame, earlier: pd.DataFrame,
                           kpis: Mapping[str, Kpi],
                           min_n: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Per KPI (ungrouped rows): value, earlier_value, change (empty when either is withheld
    or missing), the test used, `significant` (at 95 %; None when not tested: medians, means,
    multi-item scores, backlogs, or n below the KPI's minimum) and `improved` (True/False
    only when significant and the KPI has a direction)."""
    now = current.set_index("kpi_id")
    before = earlier.set_index("kpi_id").reindex(now.index)
    both = _usable(now) & _usable(before)
    change = (now["value"] - before["value"]).where(both)
    tested = [_test(kpis[k], now.loc[k], before.loc[k]) if both[k] and
              _enough(now.loc[k], before.loc[k], (min_n or {}).get(k, 0)) else (NOT_TESTED, None)
              for k in now.index]
    sign = now["direction"].map({Direction.HIGHER: 1.0, Direction.LOWER: -1.0})
    improved = [bool(c * s > 0) if significant and not pd.isna(s) and c != 0 else None
                for c, s, (_, significant) in zip(change, sign, tested)]
    return pd.DataFrame({"value": now["value"].where(_usable(now)),
                         "earlier_value": before["value"].where(_usable(before)),
                         "change": change, "test": [t for t, _ in tested],
                         "significant": [sig for _, sig in tested], "improved": improved},
                        index=now.index)


def _enough(now: pd.Series, before: pd.Series, minimum: int) -> bool:
    return not (too_few([now["n"]], minimum)[0] or too_few([before["n"]], minimum)[0])


def _test(kpi: Kpi, now: pd.Series, before: pd.Series) -> tuple[str, bool | None]:
    """The test that fits the KPI and whether the change is significant at 95 %."""
    counts = all(not pd.isna(r[c]) for r in (now, before) for c in ("numerator", "denominator"))
    if kpi.unit == Unit.PERCENT and counts:
        return TWO_PROPORTIONS, significant_z(two_proportions_z(
            now["numerator"], now["denominator"], before["numerator"], before["denominator"]))
    if kpi.unit == Unit.PER_1000 and counts:
        return POISSON, significant_p(poisson_rates_p(
            now["numerator"], now["denominator"], before["numerator"], before["denominator"]))
    if kpi.kind in PERIOD_COUNT_KINDS:
        return POISSON, significant_p(poisson_rates_p(now["value"], _days(now),
                                                      before["value"], _days(before)))
    if kpi.unit == Unit.NPS and not pd.isna(now["ci_low"]) and not pd.isna(before["ci_low"]):
        return NPS_DIFFERENCE, significant_z(nps_difference_z(
            now["value"], se_from_interval(now["ci_low"], now["ci_high"]),
            before["value"], se_from_interval(before["ci_low"], before["ci_high"])))
    return NOT_TESTED, None


def _days(row: pd.Series) -> int:
    return (pd.Timestamp(row["end"]) - pd.Timestamp(row["start"])).days + 1


def rest_of_hospital(flt: Filter, every_department: Iterable[str], chosen: str) -> Filter:
    """The filter's window over every department but `chosen`: what one department is
    compared with, rather than with itself."""
    others = tuple(d for d in every_department if d != chosen)
    if not others:
        raise UsageError("there is no other department to compare with")
    return Filter(departments=others, start=flt.start, end=flt.end, within=flt.within)


def pooled_kpis(kpis: Iterable[Kpi]) -> set[str]:
    """The KPIs whose departments are compared with their pooled value, never with the whole
    filter's (return visits: a department's index visits come later in a patient's history)."""
    return {kpi.id for kpi in kpis if kpi.kind in POOLED_KINDS}


def reference_rows(overall: pd.DataFrame) -> dict[str, pd.Series]:
    """The row each KPI's groups are compared with: its usable row of `overall` (the whole
    filter, the rest of the hospital, or a pooled KPI's departments pooled: with_pooled)."""
    return {row["kpi_id"]: row for _, row in overall[_usable(overall)].iterrows()}


def _pooled(rows: pd.DataFrame) -> dict:
    """One KPI's rows pooled: the sum of the numerators over the sum of the denominators of
    those with a usable value (withheld rows add nothing)."""
    rows = rows[_usable(rows)]
    numerator, denominator = rows["numerator"].sum(), rows["denominator"].sum()
    return {"value": 100 * numerator / denominator if denominator else math.nan,
            "n": denominator, "numerator": numerator, "denominator": denominator,
            "ci_low": math.nan, "ci_high": math.nan}


def pooled_reference(by_department: pd.DataFrame) -> pd.DataFrame:
    """Each KPI's departments pooled into one row (no department): the reference one
    department is compared with for a pooled KPI (pooled_kpis), from the rows of the rest of
    the hospital by department, as each department is compared with its filter's departments
    pooled (with_pooled)."""
    rows = []
    for _, group in by_department.groupby("kpi_id", sort=False):
        row = group.iloc[0].copy()
        for column, value in _pooled(group).items():
            row[column] = value
        row["department_id"], row["suppressed"] = None, False
        rows.append(row)
    return pd.DataFrame(rows, columns=by_department.columns).reset_index(drop=True)


def with_pooled(overall: pd.DataFrame, by_department: pd.DataFrame | None,
                pooled: Iterable[str]) -> pd.DataFrame:
    """`overall` with the row of each `pooled` KPI (pooled_kpis) replaced by its rows of
    `by_department` pooled (pooled_reference): what departments are compared with
    (`by_department` may be None when nothing is pooled)."""
    pooled = set(pooled)
    parts = [overall[~overall["kpi_id"].isin(pooled)]]
    if pooled:
        parts.append(pooled_reference(by_department[by_department["kpi_id"].isin(pooled)]))
    return pd.concat(parts, ignore_index=True)


def against_overall(groups: pd.DataFrame, overall: pd.DataFrame,
                    min_n: Mapping[str, int] | None = None) -> pd.Series:
    """For each group row: BETTER or WORSE when it lies outside the 99.8 % funnel limits
    (Spiegelhalter) around its KPI's row of `overall` (reference_rows) on that side, else
    SIMILAR; NOT_COMPARED for a KPI without a funnel (medians, means, counts, multi-item
    scores) or direction; TOO_FEW when its n is below the KPI's `min_n`; WITHHELD / NO_DATA
    where the group has no value to compare."""
    references = reference_rows(overall)
    verdict = pd.Series(NOT_COMPARED, index=groups.index, dtype=object)
    for kpi_id, rows in groups.groupby("kpi_id", sort=False):
        funnel = (funnel_spread(rows["unit"].iloc[0], references[kpi_id])
                  if kpi_id in references else None)
        direction = rows["direction"].iloc[0]
        if funnel is None or direction == Direction.NEUTRAL:
            continue
        band = funnel_band(rows["value"], rows["n"], *funnel)
        good = (rows["value"] - funnel[0]) * (1 if direction == Direction.HIGHER else -1) > 0
        verdict[rows.index] = np.where(band == OUTSIDE_998, np.where(good, BETTER, WORSE),
                                       SIMILAR)
    minimum = groups["kpi_id"].map(min_n or {}).fillna(0).to_numpy(dtype=float)
    verdict[too_few(groups["n"], minimum)] = TOO_FEW
    verdict[groups["value"].isna()] = NO_DATA
    verdict[groups["suppressed"].astype(bool)] = WITHHELD
    return verdict


def department_funnel_of(kpi: Kpi, groups: pd.DataFrame, overall: pd.DataFrame,
                         settings: Settings) -> tuple[pd.Series, tuple[float, float]] | None:
    """One KPI's department funnel: each group row's verdict (against_overall) and the funnel
    (centre, spread) of its row of `overall` (a pooled KPI's pooled already: with_pooled);
    None where the KPI has no funnel (medians, means, counts, multi-item scores) in these
    rows."""
    row = reference_rows(overall).get(kpi.id)
    funnel = None if row is None else funnel_spread(kpi.unit, row)
    if funnel is None:
        return None
    return against_overall(groups, overall, min_n_by_kpi([kpi], settings)), funnel
