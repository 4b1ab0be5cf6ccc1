"""The complaints worklist: one row per complaint of the filter, with its deadlines and status,
read with the deadline KPIs' own definitions (kpi/engine/deadlines.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpi.catalog.kinds import Source
from kpi.catalog.kpis import resolve_kpis
from kpi.engine.deadlines import deadline_kpis, met_sql, with_deadlines_sql
from kpi.engine.meta import data_as_of
from kpi.engine.scope import Scope

ACK_KPI, RESPONSE_KPI = "ack_within_3_working_days", "resolved_within_7_days"
STATUSES = ("overdue", "acknowledged late", "open", "resolved")  # most urgent first
COLUMNS = ["complaint_id", "department_id", "received_date", "category", "severity", "owner",
           "outcome", "ack_due", "acknowledged_date", "response_due", "resolved_date", "status",
           "overdue_working_days", "age_days", "in_window", "ack_missed", "response_missed"]

# Rows: complaints received in the window, and those received before it still open at its end
# (the backlog the open_complaints KPI counts). Status on the status day ($day: the window's
# end, or the complaints' as-of date when earlier). Missed flags: the KPIs' due and not met.
_WORKLIST_SQL = """{with_deadlines},
responses AS (
    SELECT d.*, w.k AS response_k FROM deadlines d
    ASOF LEFT JOIN workdays w ON d.due_1 >= w.day),
judged AS (
    SELECT *, CASE
        WHEN resolved_date <= $day THEN $s3
        WHEN due_1 < $day THEN $s0
        WHEN due_0 < $day AND NOT {ack_met} THEN $s1
        ELSE $s2 END AS status
    FROM responses)
SELECT complaint_id, department_id, received_date, category, severity, owner, outcome,
       due_0 AS ack_due, acknowledged_date, due_1 AS response_due, resolved_date, status,
       CASE WHEN status = $s0 THEN (SELECT max(k) FROM workdays WHERE day <= $day) - response_k
            END AS overdue_working_days,
       date_diff('day', received_date, least(coalesce(resolved_date, $day), $day)) AS age_days,
       received_date >= $start AS in_window,
       received_date >= $start AND due_0 <= $as_of AND NOT {ack_met} AS ack_missed,
       received_date >= $start AND due_1 <= $as_of AND NOT {response_met} AS response_missed
FROM judged
ORDER BY overdue_working_days DESC NULLS LAST, list_position($statuses, status),
         age_days DESC, complaint_id
"""


def complaint_worklist(con, scope: Scope) -> pd.DataFrame:
    """One row per complaint of the scope's departments received in its window or open at its
    end: ids, dates, acknowledgement and response due dates (as the deadline KPIs define
    them), status on the status day (`overdue`, `acknowledged late`, `open`, `resolved`),
    working days overdue, age in days, and whether each deadline KPI counts it as missed;
    most overdue first."""
    as_of = data_as_of(con)[Source.COMPLAINTS]
    kpis = deadline_kpis(resolve_kpis(None, [ACK_KPI, RESPONSE_KPI]))
    open_at_end = "(resolved_date IS NULL OR resolved_date > $end)"
    where = (f"{scope.where_department()} AND received_date <= $end "
             f"AND (received_date >= $start OR {open_at_end})")
    with_deadlines, params = with_deadlines_sql(where, kpis)
    sql = _WORKLIST_SQL.format(with_deadlines=with_deadlines,
                               ack_met=met_sql(kpis[0], 0), response_met=met_sql(kpis[1], 1))
    frame = con.execute(sql, {**scope.params(), **params, "as_of": as_of,
                              "day": status_day(scope.end, as_of),
                              "statuses": list(STATUSES),
                              **{f"s{i}": s for i, s in enumerate(STATUSES)}}).df()
    return frame[COLUMNS]


def status_day(end: date, as_of: date | None) -> date:
    """The day the worklist's statuses describe: the window's end, or the complaints' as-of
    date when that is earlier (nothing is known after it)."""
    return min(end, as_of) if as_of else end
