"""One verdict per KPI series, read by the tile badge, the attention list, the department table
and the CSV alike: the signal of the latest complete month with a value, and the assurance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.spc.rules import CONCERN, IMPROVEMENT, NEUTRAL
from kpi.spc.series import series_blocks

TOO_FEW = "too few"
CHUNKY = "chunky"
NO_VALUE = ""
SIGNALS = (IMPROVEMENT, CONCERN, NEUTRAL)
VERDICT_COLUMNS = ["department_id", "kpi_id", "status", "rule", "since", "month", "value",
                   "first_judged", "assurance", "target", "trial_limits"]
_ARRAYS = ("month", "value", "variation", "rule", "provisional", "too_few", "chunky",
           "assurance", "target", "trial_limits")


def series_verdict(series: dict[str, np.ndarray]) -> dict:
    """The verdict of one series in month order (arrays by column of an SPC detail table):
    status = the variation of the latest complete month with a value (or TOO_FEW, CHUNKY,
    NO_VALUE when it was not judged), its rule, the month its run of that status began, the
    month and value, the first judged month, assurance, target and trial limits."""
    value = np.asarray(series["value"], dtype=float)
    variation = np.asarray(series["variation"], dtype=object)
    complete = np.flatnonzero(~np.isnan(value) & ~np.asarray(series["provisional"], dtype=bool))
    judged = np.flatnonzero(~np.isnan(value) & (variation != ""))
    found = {"status": NO_VALUE, "rule": "", "since": None, "month": None, "value": np.nan,
             "first_judged": series["month"][judged[0]] if len(judged) else None,
             "assurance": series["assurance"][0] if len(value) else "",
             "target": float(series["target"][0]) if len(value) else np.nan,
             "trial_limits": bool(series["trial_limits"][0]) if len(value) else False}
    if len(complete) == 0:
        return found
    latest = complete[-1]
    status = variation[latest] or (TOO_FEW if series["too_few"][latest] else
                                   CHUNKY if series["chunky"][latest] else NO_VALUE)
    first = latest
    while status in SIGNALS and first > 0 and variation[first - 1] == status:
        first -= 1
    return {**found, "status": status, "rule": series["rule"][latest],
            "since": series["month"][first] if status in SIGNALS else None,
            "month": series["month"][latest], "value": value[latest]}


def verdict_of(table: pd.DataFrame) -> dict:
    """The verdict of one SPC detail table (one series, any order)."""
    table = table.sort_values("month", kind="stable")
    return series_verdict({c: table[c].to_numpy(dtype=object) for c in _ARRAYS})


def verdicts(tables: pd.DataFrame) -> pd.DataFrame:
    """One verdict per department x KPI of spc_by_department's tables (VERDICT_COLUMNS)."""
    ordered = tables.sort_values(["department_id", "kpi_id", "month"], kind="stable",
                                 ignore_index=True)
    arrays = {c: ordered[c].to_numpy(dtype=object) for c in _ARRAYS}
    departments, kpi_ids = (ordered[c].to_numpy(dtype=object) for c in ("department_id", "kpi_id"))
    rows = [{"department_id": departments[first], "kpi_id": kpi_ids[first],
             **series_verdict({c: a[first:end] for c, a in arrays.items()})}
            for first, end in series_blocks(ordered)] if len(ordered) else []
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


def statuses(judged: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(department, KPI) -> its verdict's status, from verdicts' rows of spc_by_department's
    tables."""
    return dict(zip(zip(judged["department_id"], judged["kpi_id"]), judged["status"]))
