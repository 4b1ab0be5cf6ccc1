"""Comparisons of engine results the dashboard shows: change vs the same period a year earlier
(tested at 95 %), and how each department stands against the whole filter."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from kpi.catalog.kpis import Kpi
from kpi.errors import UsageError
from kpi.filters import Filter
from kpi.settings import Settings
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
PERIOD_COUNT_KINDS = {"complaint_count", "visit_count", "response_count"}


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
    sign = now["direction"].map({"higher": 1.0, "lower": -1.0})
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
    if kpi.unit == "%" and counts:
        return TWO_PROPORTIONS, significant_z(two_proportions_z(
            now["numerator"], now["denominator"], before["numerator"], before["denominator"]))
    if kpi.unit == "per_1000" and counts:
        return POISSON, significant_p(poisson_rates_p(
            now["numerator"], now["denominator"], before["numerator"], before["denominator"]))
    if kpi.kind in PERIOD_COUNT_KINDS:
        return POISSON, significant_p(poisson_rates_p(now["value"], _days(now),
                                                      before["value"], _days(before)))
    if kpi.unit == "nps" and not pd.isna(now["ci_low"]) and not pd.isna(before["ci_low"]):
        return NPS_DIFFERENCE, significant_z(nps_difference_z(
            now["value"], se_from_interval(now["ci_low"], now["ci_high"]),
            before["value"], se_from_interval(before["ci_low"], before["ci_high"])))
    return NOT_TESTED, None


def _days(row: pd.Series) -> int:
    return (pd.Timestamp(row["end"]) - pd.Timestamp(row["start"])).days + 1


def against_overall(groups: pd.DataFrame, overall: pd.DataFrame,
                    min_n: Mapping[str, int] | None = None) -> pd.Series:
    """For each group row: BETTER or WORSE when its 95 % interval lies entirely on that side of
    the whole-filter value of the same KPI, else SIMILAR; NOT_COMPARED without an interval or
    direction; TOO_FEW when its n is below the KPI's `min_n`; WITHHELD / NO_DATA where the
    group has no value to compare."""
    whole = overall.set_index("kpi_id")["value"].where(_usable(overall.set_index("kpi_id")))
    reference = groups["kpi_id"].map(whole)
    above = groups["ci_low"] > reference
    below = groups["ci_high"] < reference
    higher_is_better = groups["direction"] == "higher"
    verdict = pd.Series(SIMILAR, index=groups.index, dtype=object)
    verdict[(above & higher_is_better) | (below & ~higher_is_better)] = BETTER
    verdict[(below & higher_is_better) | (above & ~higher_is_better)] = WORSE
    verdict[groups["ci_low"].isna() | reference.isna() | (groups["direction"] == "neutral")] = \
        NOT_COMPARED
    minimum = groups["kpi_id"].map(min_n or {}).fillna(0).to_numpy(dtype=float)
    verdict[too_few(groups["n"], minimum)] = TOO_FEW
    verdict[groups["value"].isna()] = NO_DATA
    verdict[groups["suppressed"].astype(bool)] = WITHHELD
    return verdict
