"""What needs attention, read from each department's verdict (kpi.spc.verdict): a special-cause
concern in the latest complete month, or a target never met, most severe first."""

from __future__ import annotations

import pandas as pd

from kpi.spc.limits import NEVER_MET
from kpi.spc.rules import CONCERN
from kpi.spc.verdict import verdict_of, verdicts

CONCERN_SIGNAL = "concern"
NEVER_MET_SIGNAL = "never met"
ATTENTION_COLUMNS = ["department_id", "kpi_id", "signal", "rule", "since", "latest_month",
                     "latest_value", "target", "trial_limits"]
# Most severe first: a point outside the limits, 2 of 3 near them, a run, a target never met.
SEVERITY = {"outside_limits": 0, "two_of_three": 1, "trend": 2, "shift": 3}
NEVER_MET_SEVERITY = len(SEVERITY)


def severity(signal: str, rule: str) -> int:
    """The rank of an attention row (0 = most severe): concerns by rule, then never met."""
    return SEVERITY.get(rule, NEVER_MET_SEVERITY - 1) if signal == CONCERN_SIGNAL \
        else NEVER_MET_SEVERITY


def latest_point(table: pd.DataFrame) -> pd.Series | None:
    """The row of an SPC table that its verdict reads (the latest complete month with a
    value), or None when there is none."""
    month = verdict_of(table)["month"]
    return None if month is None else table[table["month"] == month].iloc[0]


def attention(tables: pd.DataFrame) -> pd.DataFrame:
    """From spc_by_department's tables: one row per (department, KPI, signal) whose verdict is
    a special-cause concern (since its run began), or whose target is never met (since the
    first judged month); most severe first, then by department and KPI."""
    return attention_of(verdicts(tables))


def attention_of(judged: pd.DataFrame) -> pd.DataFrame:
    """attention's rows from verdicts' rows of spc_by_department's tables (a page that has
    them already)."""
    base = judged.rename(columns={"month": "latest_month", "value": "latest_value"})
    concerns = base[base["status"] == CONCERN].assign(signal=CONCERN_SIGNAL)
    never = base[base["assurance"] == NEVER_MET].assign(
        signal=NEVER_MET_SIGNAL, rule="", since=lambda rows: rows["first_judged"])
    rows = pd.concat([concerns, never], ignore_index=True)[ATTENTION_COLUMNS]
    order = [severity(s, r) for s, r in zip(rows["signal"], rows["rule"])]
    return (rows.assign(_order=order)
            .sort_values(["_order", "department_id", "kpi_id"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def attention_counts(found: pd.DataFrame) -> dict[str, int]:
    """How many attention rows of each kind: outside the limits, other concerns, never met."""
    ranks = pd.Series([severity(s, r) for s, r in zip(found["signal"], found["rule"])],
                      dtype=int)
    return {"outside_limits": int((ranks == 0).sum()),
            "other_concerns": int(((ranks > 0) & (ranks < NEVER_MET_SEVERITY)).sum()),
            "never_met": int((ranks == NEVER_MET_SEVERITY).sum())}
