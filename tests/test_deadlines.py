"""Working-day deadlines: the SQL calendar that the deadline KPIs and the worklist share gives
numpy.busday_offset's dates, weekends only or with the delivered public holidays."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import duckdb
import numpy as np
import pytest

from kpi.catalog.kpis import resolve_kpis
from kpi.engine.deadlines import with_deadlines_sql
from kpi.store.schema import SCHEMA

ACK = resolve_kpis(None, ["ack_within_3_working_days"])[0]
RESOLVED = resolve_kpis(None, ["resolved_within_7_days"])[0]
DAYS = [date(2024, 2, 19) + timedelta(days=i) for i in range(21)]  # spans 29 February
HOLIDAYS = [date(2024, 2, 23), date(2024, 2, 26), date(2024, 2, 29), date(2024, 3, 4)]


def _dues(holidays: list[date], kpis) -> list[tuple]:
    con = duckdb.connect()
    con.execute(SCHEMA)
    con.executemany("INSERT INTO complaints (complaint_id, department_id, received_date, category) "
                    "VALUES (?, 'D1', ?, 'other')", [(f"C{i:02d}", d) for i, d in enumerate(DAYS)])
    con.execute("INSERT INTO holidays SELECT unnest($days)", {"days": holidays})
    sql, params = with_deadlines_sql("true", kpis)
    columns = ", ".join(f"due_{i}" for i in range(len(kpis)))
    return con.execute(f"{sql} SELECT {columns} FROM deadlines ORDER BY complaint_id",
                       params).fetchall()


@pytest.mark.parametrize("holidays", [[], HOLIDAYS], ids=["weekends", "holidays"])
@pytest.mark.parametrize("offset", range(11))
def test_the_working_day_deadline_is_numpys_busday_offset(holidays, offset):
    got = [due for (due,) in _dues(holidays, [replace(ACK, days=offset)])]
    want = np.busday_offset(np.array(DAYS, dtype="datetime64[D]"), offset, roll="backward",
                            holidays=np.array(holidays, dtype="datetime64[D]"))
    assert got == [w.item() for w in want]


def test_a_holiday_inside_the_acknowledgement_window_moves_its_deadline_only():
    """Received Tuesday 20 February: due Friday 23rd; with the Friday a holiday, Monday 26th,
    and with the Monday a holiday too, Tuesday 27th. The calendar-day deadline never moves."""
    tuesday = DAYS.index(date(2024, 2, 20))
    assert _dues([], [ACK, RESOLVED])[tuesday] == (date(2024, 2, 23), date(2024, 2, 27))
    assert _dues([date(2024, 2, 23)], [ACK, RESOLVED])[tuesday] == (date(2024, 2, 26),
                                                                    date(2024, 2, 27))
    assert _dues(HOLIDAYS[:2], [ACK, RESOLVED])[tuesday] == (date(2024, 2, 27), date(2024, 2, 27))


def test_a_complaint_received_on_a_holiday_rolls_back_like_a_weekend_day():
    saturday, monday = DAYS.index(date(2024, 2, 24)), DAYS.index(date(2024, 2, 26))
    with_holiday = _dues([date(2024, 2, 26)], [ACK])
    assert with_holiday[saturday] == with_holiday[monday] == (date(2024, 2, 29),)
    without = _dues([], [ACK])
    assert (without[saturday], without[monday]) == ((date(2024, 2, 28),), (date(2024, 2, 29),))
