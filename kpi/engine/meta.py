"""Facts about the whole database the engine needs: as-of dates, the default window."""

from __future__ import annotations

from datetime import date

from kpi.facts import fact
from kpi.store.derived.extremes import SOURCE_DATES, extremes_sql
from kpi.store.derived.version import is_current

DEPARTMENTS_SQL = ("SELECT department_id, department_name, service_line, site FROM departments "
                   "ORDER BY department_id")


def _extremes(con) -> tuple[tuple[str, date | None, date | None], ...]:
    sql = "SELECT source, first, last FROM derived_extremes" if is_current(con) else None
    return fact(con, ("extremes",),
                lambda: tuple(con.execute(sql or extremes_sql(con)).fetchall()))


def data_as_of(con) -> dict[str, date | None]:
    """as_of of each source: the latest date in its date columns, over the whole database."""
    latest: dict[str, date | None] = {source: None for source in SOURCE_DATES}
    for source, _, last in _extremes(con):
        if last is not None and (latest[source] is None or last > latest[source]):
            latest[source] = last
    return latest


def default_window(con) -> tuple[date, date]:
    """The earliest and latest date of any date column in the database (today when empty)."""
    extremes = _extremes(con)
    firsts = [first for _, first, _ in extremes if first is not None]
    lasts = [last for _, _, last in extremes if last is not None]
    if not firsts:
        today = date.today()
        return today, today
    return min(firsts), max(lasts)
