"""The monthly load in the benchmark: the split of a delivery and its rows in the table."""

from __future__ import annotations

import csv
from pathlib import Path

from benchmarks.monthly import split_delivery
from benchmarks.report import Table, add_scale


def _write(path: Path, header: str, rows: list[str]) -> None:
    path.write_text(header + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")


def test_the_split_keeps_every_cell_and_leaves_out_the_partial_last_month(tmp_path):
    whole = tmp_path / "whole"
    whole.mkdir()
    _write(whole / "departments.csv", "department_id,department_name", ["A,Ward A"])
    _write(whole / "questions.csv", "question_id,audience,domain,scale",
           ["OVR,patient,overall,rating0_10"])
    _write(whole / "visits.csv", "visit_id,patient_key,department_id,visit_date",
           ["V1,P1,A,2026-09-30", "V2,P2,A,2026-10-01", "V3,P1,A,2026-10-31",
            "V4,P3,A,2026-11-03"])
    _write(whole / "patient_survey.csv", "response_id,department_id,response_date,comment,OVR",
           ['R1,A,2026-09-12,"Kind, ""very"" kind\nstaff ",9', "R2,A,2026-10-05,,",
            "R3,A,2026-11-01,Late,3"])
    split = split_delivery(whole, tmp_path / "split")
    assert (split["month_start"], split["month_end"]) == ("2026-10-01", "2026-11-01")
    assert split["rows"] == {"history": {"visits": 1, "patient_survey": 1},
                             "month": {"visits": 2, "patient_survey": 1}}
    with open(tmp_path / "split" / "history" / "patient_survey.csv", newline="",
              encoding="utf-8") as f:
        assert list(csv.reader(f))[1] == ["R1", "A", "2026-09-12", 'Kind, "very" kind\nstaff ',
                                          "9"]
    with open(tmp_path / "split" / "month" / "visits.csv", newline="", encoding="utf-8") as f:
        assert [r["visit_id"] for r in csv.DictReader(f)] == ["V2", "V3"]
    assert (tmp_path / "split" / "month" / "questions.csv").exists()


def test_the_monthly_rows_of_the_table_and_their_target():
    table = Table()
    result = {"scale": 25.0, "ingest": {"seconds": 30.0, "rows": 30_000_000,
                                        "rows_per_second": 1e6, "peak_rss_mb": 1.0,
                                        "db_mb": 1.0},
              "monthly": {"rows": 771_000, "seconds": 9.5, "full_rebuild_seconds": 41.0,
                          "phases": {"read": 2.0, "check": 1.0, "load": 1.5, "finish": 5.0}},
              "engine": {"pages": [], "peak_rss_mb": 1.0}, "pandas": None, "browser": None}
    add_scale(table, result)
    rows = table.rows
    assert (rows["monthly load on top: seconds"].cells[25.0][1],
            rows["monthly load on top: seconds"].verdict(25.0)) == ("9.5 s", "pass")
    assert rows["monthly: full rebuild of the derived tables (baseline)"].cells[25.0][1] == \
        "41.0 s"
    assert rows["monthly load: read / check / load / after the load"].cells[25.0][1] == \
        "2.0 / 1.0 / 1.5 / 5.0 s"
