"""The Complaints page's worklist tab under AppTest on the small demo, and its CSV file."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest

from kpi.engine import compute
from kpi.engine.scope import resolve_scope
from kpi.engine.worklist import complaint_worklist
from kpi.export import WORKLIST_COLUMNS, worklist_csv
from kpi.filters import Filter
from kpi.present.worklist import readable, shown_table, status_text
from kpi.store.connect import open_readonly
from tests.support.apptest_helpers import (  # noqa: F401 (a fixture)
    fresh_caches,
    open_app,
    open_tab,
    use_database,
)
from ui import data

ED_2025 = {"dept": "ED", "start": "2025-01-01", "end": "2025-06-30"}
FLT = Filter(departments=("ED",), start=date(2025, 1, 1), end=date(2025, 6, 30))


@pytest.fixture(autouse=True)
def px_db(pages_demo, monkeypatch, tmp_path):
    use_database(monkeypatch, pages_demo, tmp_path / "no-settings.toml")
    return pages_demo


@pytest.fixture
def engine_rows(px_db):
    con = open_readonly(px_db)
    try:
        rows = complaint_worklist(con, resolve_scope(con, FLT))
        kpis = compute(con, ["open_complaints"], FLT).set_index("kpi_id")
        return rows, kpis.loc["open_complaints", "value"]
    finally:
        con.close()


def _worklist(params=ED_2025):
    """The Complaints page with its Worklist tab open."""
    return open_tab(open_app("views/complaints.py", params), "complaints_tab", "Worklist")


def _worklist_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Status" in d.value.columns)


def test_the_worklist_tab_shows_the_engines_rows_and_counts(engine_rows):
    rows, open_kpi = engine_rows
    at = _worklist()
    assert [t.label for t in at.tabs] == ["Charts", "Worklist"]
    shown = {m.label: m.value for m in at.metric}
    for status in ("overdue", "acknowledged late", "open", "resolved"):
        assert shown[status.capitalize()] == f"{(rows.status == status).sum():,}"
    assert shown["Acknowledgement missed"] == f"{rows.ack_missed.sum():,}"
    assert any(c.value.startswith("Not resolved on 2025-06-") and
               f": {int(open_kpi):,} (the Open complaints KPI" in c.value for c in at.caption)
    table = _worklist_table(at)
    assert list(table["Complaint"]) == list(rows.complaint_id)  # most overdue first
    assert list(table.columns) == ["Complaint", "Department", "Received", "Category", "Severity",
                                   "Owner", "Outcome", "Acknowledgement due", "Acknowledged",
                                   "Response due", "Resolved", "Status", "Age (days)"]
    assert set(table["Department"]) == {"Emergency Department"}
    assert table["Status"].iloc[0].startswith("overdue ")
    assert not at.exception


def test_only_the_open_tab_is_computed_and_drawn(monkeypatch):
    """The worklist is read only when its tab is open, the charts only when theirs is."""
    read = []
    real = data.complaint_worklist
    monkeypatch.setattr(data, "complaint_worklist", lambda *a: read.append(1) or real(*a))
    data.clear_caches()
    at = open_app("views/complaints.py", ED_2025)
    assert (read, len(at.get("plotly_chart")) > 0) == ([], True)
    assert not any(d for d in at.dataframe if "Status" in d.value.columns)
    open_tab(at, "complaints_tab", "Worklist")
    assert (read, at.get("plotly_chart")) == ([1], [])
    assert len(_worklist_table(at)) > 0


def test_the_choices_narrow_the_rows_and_the_download(engine_rows):
    rows, _ = engine_rows
    at = _worklist()
    unresolved = ["overdue", "acknowledged late", "open"]
    severity = rows[rows.status.isin(unresolved)].severity.iloc[0]
    at.multiselect(key="worklist_status").set_value(unresolved).run()
    at.multiselect(key="worklist_severity").set_value([severity]).run()
    table = _worklist_table(at)
    wanted = rows[rows.status.isin(unresolved) & (rows.severity == severity)]
    assert list(table["Complaint"]) == list(wanted.complaint_id) and len(wanted) > 0
    button = next(b for b in at.get("download_button") if "complaints" in b.proto.label)
    assert button.proto.label == f"Download these {len(wanted):,} complaints (CSV for Excel)"
    at.multiselect(key="worklist_category").set_value(["billing"]).run()
    assert set(_worklist_table(at)["Category"]) <= {"billing"}


@pytest.mark.parametrize("status, days, text", [
    ("overdue", 12, "overdue 12 working days"), ("overdue", 1, "overdue 1 working day"),
    ("overdue", 0, "overdue since the last working day"), ("open", None, "open"),
    ("acknowledged late", None, "acknowledged late"), ("resolved", None, "resolved"),
])
def test_status_words(status, days, text):
    assert status_text(status, days) == text


def test_the_worklist_file_is_formula_safe_and_shows_owner_and_outcome_only_when_delivered():
    frame = pd.DataFrame({
        "complaint_id": ["C1", "-C2"], "department_id": ["ED", "ED"],
        "received_date": pd.to_datetime(["2025-01-02", "2025-01-03"]), "category": ["wait_time"] * 2,
        "severity": ["high", None], "owner": ["=HYPERLINK(\"x\")", None],
        "outcome": ["partly_upheld", None],
        "ack_due": pd.to_datetime(["2025-01-07", "2025-01-08"]),
        "acknowledged_date": pd.to_datetime(["2025-01-03", None]),
        "response_due": pd.to_datetime(["2025-01-09", "2025-01-10"]),
        "resolved_date": pd.to_datetime(["2025-01-05", None]),
        "status": ["resolved", "overdue"], "overdue_working_days": pd.array([None, 3], "Int64"),
        "age_days": [3, 10], "in_window": [True, True], "ack_missed": [False, True],
        "response_missed": [False, True]})
    rows = readable(frame, {"ED": "+Emergency"})
    text = worklist_csv(rows, excel=True)
    assert text.startswith("\ufeff" + ",".join(WORKLIST_COLUMNS) + "\n")
    first, second = csv.DictReader(io.StringIO(text[1:]))
    assert (first["owner"], first["department"], first["outcome"]) == \
        ("'=HYPERLINK(\"x\")", "'+Emergency", "partly upheld")
    assert (first["received_date"], first["category"], first["overdue_working_days"]) == \
        ("2025-01-02", "wait time", "")
    assert (second["complaint_id"], second["status"], second["overdue_working_days"],
            second["acknowledged_date"]) == ("'-C2", "overdue", "3", "")
    assert "Owner" in shown_table(rows).columns
    assert "Owner" not in shown_table(rows.assign(owner=None, outcome=None)).columns


def test_a_long_worklist_shows_its_most_overdue_rows_and_downloads_them_all(engine_rows,
                                                                           monkeypatch):
    rows, _ = engine_rows
    monkeypatch.setattr("ui.worklist_view.SHOWN_AT_MOST", 3)
    at = _worklist()
    assert list(_worklist_table(at)["Complaint"]) == list(rows.complaint_id[:3])
    assert any(c.value == f"Showing the 3 most overdue of these {len(rows):,} complaints; "
               "narrow the choice above, or download them all." for c in at.caption)
    button = next(b for b in at.get("download_button") if "complaints" in b.proto.label)
    assert button.proto.label == f"Download these {len(rows):,} complaints (CSV for Excel)"
