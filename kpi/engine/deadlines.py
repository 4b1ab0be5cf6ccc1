"""Complaint deadlines as SQL shared by the deadline KPIs and the worklist: working days (Monday
to Friday less the delivered public holidays) and each complaint's due dates."""

from __future__ import annotations

from collections.abc import Sequence

from kpi.catalog.kinds import Kind
from kpi.catalog.kpis import Kpi

# The kinds with a deadline, and the date that must come by it.
DEADLINES = {Kind.ACK_WITHIN_WORKING_DAYS: "acknowledged_date",
             Kind.RESOLVED_WITHIN_DAYS: "resolved_date"}
# Calendar days around the complaints' dates that the working-day calendar covers: a deadline
# of up to a year of working days, each holiday moving it by at most three days.
CALENDAR_MARGIN = "(366 + 3 * (SELECT count(*) FROM holidays))::INTEGER"

# Every working day near the complaints' dates, numbered in order (k). The working day n days
# after a date is the one numbered k + n, where k is the number of the last working day on or
# before the date: a weekend day or a holiday first rolls back, as
# numpy.busday_offset(date, n, roll='backward', holidays=...) does.
WORKDAYS_SQL = f"""workdays AS (
    SELECT day, row_number() OVER (ORDER BY day) AS k
    FROM (SELECT unnest(generate_series(min(d) - {CALENDAR_MARGIN}, max(d) + {CALENDAR_MARGIN},
                                        INTERVAL 1 DAY))::DATE AS day
          FROM (SELECT received_date AS d FROM complaints
                UNION ALL SELECT acknowledged_date FROM complaints
                UNION ALL SELECT resolved_date FROM complaints))
    WHERE isodow(day) < 6 AND day NOT IN (SELECT date FROM holidays))"""


def deadline_kpis(kpis: Sequence[Kpi]) -> list[Kpi]:
    """The KPIs with a deadline, in the order of their due dates due_0, due_1, ..."""
    return [k for k in kpis if k.kind in DEADLINES]


def with_deadlines_sql(where: str, kpis: Sequence[Kpi]) -> tuple[str, dict]:
    """SQL `WITH workdays AS (...), deadlines AS (...)` (a statement to finish with a SELECT):
    the complaints meeting `where`, each with due_i, the last day on which the date of
    deadline KPI i may come (i in the order of deadline_kpis), and its parameters ($days_i)."""
    dues, joins, params = [], [], {}
    for i, kpi in enumerate(deadline_kpis(kpis)):
        params[f"days_{i}"] = kpi.days
        if kpi.kind == Kind.ACK_WITHIN_WORKING_DAYS:
            joins.append(f"LEFT JOIN workdays w{i} ON w{i}.k = c.received_k + $days_{i}")
            dues.append(f"w{i}.day AS due_{i}")
        else:
            dues.append(f"c.received_date + $days_{i} AS due_{i}")
    sql = f"""WITH {WORKDAYS_SQL},
    numbered AS (
        SELECT c.*, w.k AS received_k
        FROM (SELECT * FROM complaints WHERE {where}) c
        ASOF LEFT JOIN workdays w ON c.received_date >= w.day),
    deadlines AS (
        SELECT c.* EXCLUDE (received_k){''.join(f', {d}' for d in dues)}
        FROM numbered c {' '.join(joins)})
    """
    return sql, params


def met_sql(kpi: Kpi, i: int) -> str:
    """SQL condition: deadline KPI i's date came on or before its due date (false when it has
    not come)."""
    return f"coalesce({DEADLINES[kpi.kind]} <= due_{i}, false)"
