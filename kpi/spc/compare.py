"""Comparisons of engine results the dashboard shows: change vs the prior period, and how each
department stands against the whole filter (interval entirely on one side of the overall value)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from kpi.catalog.kpis import Kpi
from kpi.settings import Settings
from kpi.spc.months import too_few

BETTER = "better"
WORSE = "worse"
SIMILAR = "no different"
NOT_COMPARED = "not compared"
WITHHELD = "withheld"
NO_DATA = "no data"
TOO_FEW = "too few to judge"


def min_n_by_kpi(kpis: Iterable[Kpi], settings: Settings) -> dict[str, int]:
    """Each KPI's minimum n for a verdict (from its kind), by KPI id."""
    return {kpi.id: settings.min_n_for(kpi.kind) for kpi in kpis}


def _usable(rows: pd.DataFrame) -> pd.Series:
    return rows["value"].notna() & ~rows["suppressed"].astype(bool)


def change_vs_prior(current: pd.DataFrame, prior: pd.DataFrame) -> pd.DataFrame:
    """Per KPI (ungrouped rows): value, prior_value and change = value - prior_value (empty when
    either is withheld or missing), and `improved` (True/False; None if no change or neutral)."""
    now = current.set_index("kpi_id")
    before = prior.set_index("kpi_id").reindex(now.index)
    both = _usable(now) & _usable(before)
    change = (now["value"] - before["value"]).where(both)
    sign = now["direction"].map({"higher": 1.0, "lower": -1.0})
    improved = [None if pd.isna(c) or pd.isna(s) or c == 0 else bool(c * s > 0)
                for c, s in zip(change, sign)]
    return pd.DataFrame({"value": now["value"].where(_usable(now)),
                         "prior_value": before["value"].where(_usable(before)),
                         "change": change, "improved": improved}, index=now.index)


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
