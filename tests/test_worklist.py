"""The complaints worklist: hand-computed rows of the tiny database, statuses and missed
deadlines that count exactly what the complaint KPIs count (tiny database, a holiday, the
demo), and the owner and outcome a delivery brings."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from kpi.engine import compute
from kpi.engine.scope import resolve_scope
from kpi.engine.worklist import ACK_KPI, RESPONSE_KPI, complaint_worklist, status_day
from kpi.filters import Filter
from kpi.ingest.delivery import ingest_folder
from kpi.store.connect import open_readonly
from kpi.store.swap import write_swap
from tests.support.ingest_helpers import delivery, write_files
from tests.support.kpi_db import build_tiny_db

D = date.fromisoformat
FEB_TO_MID_MARCH = Filter(start="2024-02-01", end="2024-03-15")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")


@pytest.fixture(scope="module")
def con(tiny):
    connection = open_readonly(tiny)
    yield connection
    connection.close()


def _worklist(con, flt: Filter) -> pd.DataFrame:
    return complaint_worklist(con, resolve_scope(con, flt))


# Status day 2024-04-01 (a Monday: the window's end and the complaints' as-of date).
# (id, ack due, response due, status, working days overdue, age in days)
WHOLE_WINDOW = [
    ("C3", "2024-03-05", "2024-03-07", "overdue", 17, 32),   # Thu 29 Feb + 3 working days
    ("C5", "2024-04-02", "2024-04-04", "open", None, 4),     # acknowledged, not due yet
    ("C6", "2023-12-25", "2023-12-27", "resolved", None, 103),
    ("C2", "2024-03-06", "2024-03-09", "resolved", None, 8),  # Saturday rolls back to Friday
    ("C1", "2024-03-06", "2024-03-08", "resolved", None, 7),
    ("C4", "2024-01-18", "2024-01-22", "resolved", None, 5),
    ("C7", "2024-02-08", "2024-02-12", "resolved", None, 1),
]
# Status day 2024-03-15: C6 (received before the window, resolved 1 April) is backlog, open
# and overdue since 27 December (57 working days); C5 and C4 are outside the window.
MID_MARCH = [
    ("C6", "2023-12-25", "2023-12-27", "overdue", 57, 86),
    ("C3", "2024-03-05", "2024-03-07", "overdue", 6, 15),
    ("C2", "2024-03-06", "2024-03-09", "resolved", None, 8),
    ("C1", "2024-03-06", "2024-03-08", "resolved", None, 7),
    ("C7", "2024-02-08", "2024-02-12", "resolved", None, 1),
]


@pytest.mark.parametrize("flt, expected", [(Filter(), WHOLE_WINDOW),
                                           (FEB_TO_MID_MARCH, MID_MARCH)], ids=["all", "mid-march"])
def test_the_worklist_rows_are_hand_computed_and_most_overdue_first(con, flt, expected):
    frame = _worklist(con, flt)
    got = [(r.complaint_id, str(r.ack_due.date()), str(r.response_due.date()), r.status,
            None if pd.isna(r.overdue_working_days) else int(r.overdue_working_days),
            int(r.age_days)) for r in frame.itertuples()]
    assert got == expected


@pytest.mark.parametrize("status, ack, resolved, expected", [
    ("acknowledged late, still open", None, None, "acknowledged late"),
    ("acknowledged after its deadline", "2024-03-28", None, "acknowledged late"),
    ("acknowledged on its deadline", "2024-03-27", None, "open"),
    ("resolved on the status day", "2024-03-28", "2024-03-28", "resolved"),
])
def test_the_status_of_a_complaint_between_its_two_deadlines(tiny, tmp_path, status, ack,
                                                              resolved, expected):
    """C9, received Friday 22 March 2024: acknowledgement due Wednesday 27 March, response
    due Friday 29 March; the status day is Thursday 28 March."""
    db = _copy(tiny, tmp_path)
    with write_swap(db) as writer:
        writer.execute("INSERT INTO complaints (complaint_id, department_id, received_date, "
                       "category, acknowledged_date, resolved_date) VALUES ('C9', 'D3', "
                       "DATE '2024-03-22', 'other', ?, ?)", [ack, resolved])
    con = open_readonly(db)
    frame = _worklist(con, Filter(departments=("D3",), start="2024-03-01", end="2024-03-28"))
    con.close()
    row = frame.set_index("complaint_id").loc["C9"]
    assert (row.ack_due.date(), row.response_due.date()) == (D("2024-03-27"), D("2024-03-29"))
    assert row.status == expected, status


def _copy(tiny, tmp_path):
    db = tmp_path / "px.duckdb"
    shutil.copyfile(tiny, db)
    return db


def _counts_match_the_kpis(con, flt: Filter) -> None:
    """The worklist counts exactly what the complaint KPIs count, for the same filter."""
    frame = _worklist(con, flt)
    kpis = compute(con, ["complaint_count", "open_complaints", ACK_KPI, RESPONSE_KPI],
                   flt).set_index("kpi_id")
    assert frame.in_window.sum() == kpis.loc["complaint_count", "value"]
    assert (frame.status != "resolved").sum() == kpis.loc["open_complaints", "value"]
    for kpi_id, missed in ((ACK_KPI, "ack_missed"), (RESPONSE_KPI, "response_missed")):
        due, met = kpis.loc[kpi_id, ["denominator", "numerator"]]
        assert frame[missed].sum() == (0 if pd.isna(due) else due - met), kpi_id


FILTERS = [Filter(), FEB_TO_MID_MARCH, Filter(departments=("D1",)),
           Filter(departments=("D2",), start="2024-01-01", end="2024-02-29"),
           Filter(start="2024-03-02", end="2024-03-02")]


@pytest.mark.parametrize("flt", FILTERS)
def test_the_counts_match_the_kpis_on_the_tiny_database(con, flt):
    _counts_match_the_kpis(con, flt)


def test_a_holiday_inside_the_acknowledgement_window_counts_in_the_kpi_and_the_worklist(
        tiny, tmp_path, con):
    """C2, received Saturday 2 March and acknowledged Thursday 7 March: late by weekends only
    (due Wednesday 6), in time when Monday 4 March is a public holiday (due Thursday 7)."""
    before = compute(con, [ACK_KPI], Filter()).iloc[0]
    db = _copy(tiny, tmp_path)
    with write_swap(db) as writer:
        writer.execute("INSERT INTO holidays VALUES (DATE '2024-03-04')")
    holiday = open_readonly(db)
    row = _worklist(holiday, Filter()).set_index("complaint_id").loc["C2"]
    assert (row.ack_due.date(), bool(row.ack_missed)) == (D("2024-03-07"), False)
    after = compute(holiday, [ACK_KPI], Filter()).iloc[0]
    assert (after.numerator, after.denominator) == (before.numerator + 1, before.denominator)
    for flt in FILTERS:
        _counts_match_the_kpis(holiday, flt)
    holiday.close()


@pytest.mark.parametrize("flt", [Filter(), Filter(departments=("ED",)),
                                 Filter(start="2025-01-01", end="2025-06-30"),
                                 Filter(service_lines=("Inpatient",), end="2025-12-31")])
def test_the_counts_match_the_kpis_on_the_demo(pages_demo, flt):
    demo = open_readonly(pages_demo)
    try:
        _counts_match_the_kpis(demo, flt)
        frame = _worklist(demo, flt)
        assert frame.owner.notna().all()
        assert (frame.outcome.notna() == frame.resolved_date.notna()).all()
        overdue = frame.overdue_working_days.fillna(-1).tolist()
        assert overdue == sorted(overdue, reverse=True)
    finally:
        demo.close()


@pytest.mark.parametrize("end, as_of, day", [
    (D("2024-03-15"), D("2024-04-01"), D("2024-03-15")),
    (D("2024-06-30"), D("2024-04-01"), D("2024-04-01")),
    (D("2024-06-30"), None, D("2024-06-30")),
])
def test_the_status_day_is_the_window_end_unless_the_data_end_sooner(end, as_of, day):
    assert status_day(end, as_of) == day


def test_a_delivery_with_owner_outcome_and_holidays_loads_and_counts_them(tmp_path):
    """C1, received Monday 15 January 2024 and acknowledged Thursday 18th: due Thursday 18th
    by weekends only; with Tuesday 16th a holiday due Friday 19th. Loading the holidays
    again changes nothing (a re-delivered date replaces itself)."""
    folder = delivery(tmp_path / "in")
    write_files(folder, {
        "complaints.csv": "complaint_id,department_id,received_date,category,severity,"
                          "acknowledged_date,resolved_date,owner,outcome\n"
                          "C1,D1,2024-01-15,wait_time,low,2024-01-18,2024-01-20,"
                          " Ward manager ,partly_upheld\n"
                          "C2,D2,2024-02-01,billing,,,,,\n",
        "holidays.csv": "date\n2024-01-16\n2023-12-25\n"})
    db = tmp_path / "px.duckdb"
    ingest_folder(folder, db)
    ingest_folder(folder, db)
    con = open_readonly(db)
    assert con.execute("SELECT count(*) FROM holidays").fetchone() == (2,)
    rows = _worklist(con, Filter()).set_index("complaint_id")
    con.close()
    assert (rows.loc["C1", "owner"], rows.loc["C1", "outcome"]) == ("Ward manager", "partly_upheld")
    assert pd.isna(rows.loc["C2", "owner"]) and pd.isna(rows.loc["C2", "outcome"])
    assert rows.loc["C1", "ack_due"].date() == D("2024-01-19")
