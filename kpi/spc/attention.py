"""What needs attention, read from control charts: recent special-cause concerns and targets
that are never met, per department and KPI; and the latest judged point of a series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.spc.limits import NEVER_MET
from kpi.spc.rules import CONCERN
from kpi.spc.series import series_blocks

RECENT_MONTHS = 3
CONCERN_SIGNAL = "concern"
NEVER_MET_SIGNAL = "never met"
ATTENTION_COLUMNS = ["department_id", "kpi_id", "signal", "rule", "since", "latest_month",
                     "latest_value", "target", "trial_limits"]


def judged_points(table: pd.DataFrame) -> pd.Series:
    """Per row of an SPC table: True for a month that was judged (it has a value and a
    variation; provisional months and months without a value have none)."""
    return table["value"].notna() & table["variation"].fillna("").ne("")


def latest_point(table: pd.DataFrame) -> pd.Series | None:
    """The last judged month of an SPC table (None when no month was judged)."""
    judged = table[judged_points(table)]
    if judged.empty:
        return None
    return judged.sort_values("month").iloc[-1]


def attention(tables: pd.DataFrame, recent_months: int = RECENT_MONTHS) -> pd.DataFrame:
    """From spc_by_department's tables: one row per (department, KPI, signal) with a special-
    cause concern in the last `recent_months` judged months of the window, or a target never
    met. Concerns first, then by department and KPI."""
    months = sorted(tables.loc[judged_points(tables), "month"].unique())
    recent = set(months[-recent_months:])
    ordered = tables.sort_values(["department_id", "kpi_id", "month"], kind="stable",
                                 ignore_index=True)
    columns = {c: ordered[c].to_numpy(dtype=object) for c in
               ("department_id", "kpi_id", "month", "variation", "rule", "assurance")}
    columns["value"] = ordered["value"].to_numpy(dtype=float, na_value=np.nan)
    columns["target"] = ordered["target"].to_numpy(dtype=float, na_value=np.nan)
    columns["trial_limits"] = ordered["trial_limits"].to_numpy(dtype=bool)
    is_recent = np.isin(columns["month"], list(recent))
    rows = []
    for first, end in series_blocks(ordered):
        block = {c: values[first:end] for c, values in columns.items()}
        rows += _series_attention(block, is_recent[first:end])
    found = pd.DataFrame(rows, columns=ATTENTION_COLUMNS)
    order = found["signal"].map({CONCERN_SIGNAL: 0, NEVER_MET_SIGNAL: 1})
    return (found.assign(_order=order)
            .sort_values(["_order", "department_id", "kpi_id"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def _series_attention(series: dict[str, np.ndarray], is_recent: np.ndarray) -> list[dict]:
    """The attention rows of one series in month order: a concern in the recent months (rule
    of the latest one, since the start of its run) and a target never met (since the first
    month judged)."""
    judged = np.flatnonzero(~np.isnan(series["value"]) & (series["variation"] != ""))
    if len(judged) == 0:
        return []
    latest = judged[-1]
    base = {"department_id": series["department_id"][0], "kpi_id": series["kpi_id"][0],
            "latest_month": series["month"][latest], "latest_value": series["value"][latest],
            "target": series["target"][0], "trial_limits": bool(series["trial_limits"][0])}
    rows = []
    concern = series["variation"] == CONCERN
    recent_concerns = np.flatnonzero(concern & is_recent)
    if len(recent_concerns):
        last = recent_concerns[-1]
        first = last
        while first > 0 and concern[first - 1]:
            first -= 1
        rows.append({**base, "signal": CONCERN_SIGNAL, "rule": series["rule"][last],
                     "since": series["month"][first]})
    if (series["assurance"] == NEVER_MET).any():
        rows.append({**base, "signal": NEVER_MET_SIGNAL, "rule": "",
                     "since": series["month"][judged[0]]})
    return rows
