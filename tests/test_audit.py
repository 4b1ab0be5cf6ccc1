"""kpi.access.audit: entries appended to their own file, read back by filter, failures blocking."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime

import pytest

from kpi.access.audit import (
    AuditUnavailable,
    Entry,
    Event,
    audit_csv,
    audit_path,
    audited,
    read_audit,
    record,
)


def _entry(event=Event.EXPORT, rows=12):
    return Entry("ed.lead@hospital.example", "department_lead", event, "Export",
                 "dept=ED&start=2026-01-01", rows)


def test_entries_are_appended_and_read_newest_first(tmp_path):
    path = audit_path(tmp_path / "px.duckdb")
    assert path.name == "px.duckdb.audit.duckdb"
    record(path, _entry(Event.SIGN_IN, None), at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    record(path, _entry(), at=datetime(2026, 3, 2, 23, 59, tzinfo=UTC))
    record(path, _entry(Event.COMMENT_VIEW, 40), at=datetime(2026, 3, 3, tzinfo=UTC))
    everything = read_audit(path)
    assert list(everything["event"]) == ["comment_view", "export", "sign_in"]
    assert everything["row_count"].tolist()[:2] == [40, 12]
    assert everything["row_count"].isna().tolist() == [False, False, True]
    assert everything["user_email"].unique().tolist() == ["ed.lead@hospital.example"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("start, end, event, expected", [
    (date(2026, 3, 2), None, None, ["comment_view", "export"]),
    (None, date(2026, 3, 2), None, ["export", "sign_in"]),
    (date(2026, 3, 2), date(2026, 3, 2), None, ["export"]),
    (None, None, Event.SIGN_IN, ["sign_in"]),
    (date(2026, 4, 1), None, None, []),
])
def test_the_audit_is_read_by_day_and_event(tmp_path, start, end, event, expected):
    path = tmp_path / "a.duckdb"
    for day, kind in ((1, Event.SIGN_IN), (2, Event.EXPORT), (3, Event.COMMENT_VIEW)):
        record(path, _entry(kind), at=datetime(2026, 3, day, 12, tzinfo=UTC))
    assert list(read_audit(path, start, end, event)["event"]) == expected


def test_no_audit_file_reads_as_empty(tmp_path):
    assert read_audit(tmp_path / "none.duckdb").empty


def test_an_unwritable_audit_raises_a_plain_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "a.duckdb").mkdir()  # a directory where the file should be
    with pytest.raises(AuditUnavailable, match="cannot be written"):
        record(folder / "a.duckdb", _entry())


def test_an_audited_action_happens_only_after_its_entry(tmp_path):
    made = []
    path = tmp_path / "a.duckdb"
    assert audited(path, _entry(), lambda: made.append(1) or "csv") == "csv"
    assert made == [1] and list(read_audit(path)["event"]) == ["export"]
    blocked = tmp_path / "blocked.duckdb"
    blocked.mkdir()  # a folder where the file should be: the entry cannot be written
    with pytest.raises(AuditUnavailable, match="nothing was exported"):
        audited(blocked, _entry(), lambda: made.append(2) or "csv")
    assert made == [1]


def test_the_audit_csv_neutralises_text_and_keeps_counts(tmp_path):
    path = tmp_path / "a.duckdb"
    record(path, Entry("=cmd@x.example", "quality", Event.EXPORT, "Export", "dept=ED", 7),
           at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    record(path, _entry(Event.SIGN_IN, None), at=datetime(2026, 3, 2, tzinfo=UTC))
    lines = audit_csv(read_audit(path)).splitlines()
    assert lines[0] == "happened_at,user_email,roles,event,page,filter_query,row_count"
    assert lines[1].endswith(",department_lead,sign_in,Export,dept=ED&start=2026-01-01,")
    assert lines[2].split(",")[1:] == ["'=cmd@x.example", "quality", "export", "Export",
                                       "dept=ED", "7"]
    assert lines[2].startswith("2026-03-01T09:30:00")
