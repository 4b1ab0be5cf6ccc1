"""The complaints worklist for people: status words, the columns shown, the choices that narrow
it, and its counts (no UI imports; the rows come from kpi.engine.worklist)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from kpi.engine.worklist import STATUSES

DATE_COLUMNS = ("received_date", "ack_due", "acknowledged_date", "response_due", "resolved_date")
# Engine column -> the title shown; owner and outcome only when the data has any.
TITLES = {"complaint_id": "Complaint", "department": "Department", "received_date": "Received",
          "category": "Category", "severity": "Severity", "owner": "Owner", "outcome": "Outcome",
          "ack_due": "Acknowledgement due", "acknowledged_date": "Acknowledged",
          "response_due": "Response due", "resolved_date": "Resolved", "status_text": "Status",
          "age_days": "Age (days)"}
OPTIONAL = ("owner", "outcome")
PHONE_COLUMNS = ("complaint_id", "status_text", "age_days", "department")  # a narrow screen


def words(code) -> str | None:
    """A contract code as words ('partly_upheld' -> 'partly upheld'); empty stays empty."""
    return None if code is None or pd.isna(code) else str(code).replace("_", " ")


def status_text(status: str, overdue_days) -> str:
    """The status as the worklist writes it: 'overdue 12 working days', 'open', ..."""
    if status != "overdue":
        return status
    days = int(overdue_days)
    if days < 1:
        return "overdue since the last working day"
    return f"overdue {days} working day{'' if days == 1 else 's'}"


def readable(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """The engine's worklist with dates as dates, codes as words, the department's name and
    the status text (every engine column kept)."""
    out = frame.copy()
    for column in DATE_COLUMNS:
        out[column] = pd.to_datetime(out[column]).dt.date.astype(object).where(
            out[column].notna(), None)
    for column in ("category", "severity", "outcome"):
        out[column] = out[column].astype(object).str.replace("_", " ", regex=False).where(
            out[column].notna(), None)
    out["department"] = out["department_id"].map(dict(names)).fillna(out["department_id"])
    overdue = out["status"] == "overdue"
    out["status_text"] = out["status"].astype(object)
    out.loc[overdue, "status_text"] = [status_text("overdue", n)
                                       for n in out.loc[overdue, "overdue_working_days"]]
    return out


def narrowed(frame: pd.DataFrame, statuses: Sequence[str] = (), categories: Sequence[str] = (),
             severities: Sequence[str] = ()) -> pd.DataFrame:
    """The rows of a readable worklist with one of the chosen statuses, categories and
    severities (an empty choice keeps all)."""
    keep = pd.Series(True, index=frame.index)
    for column, chosen in (("status", statuses), ("category", categories),
                           ("severity", severities)):
        if chosen:
            keep &= frame[column].isin(chosen)
    return frame[keep]


def shown_table(frame: pd.DataFrame, phone: bool = False) -> pd.DataFrame:
    """The columns a person reads, titled; owner and outcome only when any row has one; on a
    phone only the complaint, its status, age and department."""
    columns = [c for c in TITLES if c not in OPTIONAL or frame[c].notna().any()]
    if phone:
        columns = list(PHONE_COLUMNS)
    return frame[columns].rename(columns=TITLES)


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Complaints per status (every status, 0 included), then the open ones together and the
    deadlines missed by the complaints received in the window (what the KPIs count)."""
    counts = {status: int((frame["status"] == status).sum()) for status in STATUSES}
    counts["not resolved"] = len(frame) - counts["resolved"]
    counts["acknowledgement missed"] = int(frame["ack_missed"].sum())
    counts["response missed"] = int(frame["response_missed"].sum())
    return counts
