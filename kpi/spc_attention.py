"""What needs attention, read from control charts: recent special-cause concerns and targets
that are never met, per department and KPI; and the latest judged point of a series."""

from __future__ import annotations

import pandas as pd

from kpi.spc import NEVER_MET
from kpi.spc_labels import CONCERN

RECENT_MONTHS = 3
CONCERN_SIGNAL = "concern"
NEVER_MET_SIGNAL = "never met"
ATTENTION_COLUMNS = ["department_id", "kpi_id", "signal", "rule", "since", "latest_month",
                     "latest_value", "target", "trial_limits"]


def latest_point(table: pd.DataFrame) -> pd.Series | None:
    """The last month of an SPC table that has a value (None when no month has one)."""
    present = table[table["value"].notna()]
    if present.empty:
        return None
    return present.sort_values("month").iloc[-1]


def concern_run_start(table: pd.DataFrame, last: int) -> str:
    """The first month of the unbroken run of concern points that ends at row `last`."""
    variation = table["variation"].tolist()
    first = last
    while first > 0 and variation[first - 1] == CONCERN:
        first -= 1
    return table["month"].iloc[first]


def series_attention(table: pd.DataFrame, recent: set[str]) -> list[dict]:
    """The attention rows of one series: a concern in the `recent` months (rule of the latest
    one, since the start of its run) and a target never met (since the first month judged)."""
    table = table.sort_values("month").reset_index(drop=True)
    latest = latest_point(table)
    if latest is None:
        return []
    base = {"department_id": table["department_id"].iloc[0], "kpi_id": table["kpi_id"].iloc[0],
            "latest_month": latest["month"], "latest_value": latest["value"],
            "target": table["target"].iloc[0],
            "trial_limits": bool(table["trial_limits"].iloc[0])}
    rows = []
    concerns = table.index[(table["variation"] == CONCERN) & table["month"].isin(recent)]
    if len(concerns):
        last = int(concerns[-1])
        rows.append({**base, "signal": CONCERN_SIGNAL, "rule": table["rule"].iloc[last],
                     "since": concern_run_start(table, last)})
    if (table["assurance"] == NEVER_MET).any():
        first = table.loc[table["value"].notna(), "month"].iloc[0]
        rows.append({**base, "signal": NEVER_MET_SIGNAL, "rule": "", "since": first})
    return rows


def attention(tables: pd.DataFrame, recent_months: int = RECENT_MONTHS) -> pd.DataFrame:
    """From spc_by_department's tables: one row per (department, KPI, signal) with a special-
    cause concern in the last `recent_months` months of the window, or a target never met.
    Concerns first, then by department and KPI."""
    months = sorted(tables["month"].dropna().unique())
    recent = set(months[-recent_months:])
    rows = []
    for _, table in tables.groupby(["department_id", "kpi_id"], sort=True):
        rows += series_attention(table, recent)
    found = pd.DataFrame(rows, columns=ATTENTION_COLUMNS)
    order = found["signal"].map({CONCERN_SIGNAL: 0, NEVER_MET_SIGNAL: 1})
    return (found.assign(_order=order)
            .sort_values(["_order", "department_id", "kpi_id"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))
