"""A load on top of a history updates only the derived rows it touches, with the result of a
full rebuild: the demo loaded in one go, and in two parts (the history, then its last month),
then a delivery that revises an older month (moved, re-departmented and new visits, changed
answers and comments, a comment removed)."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.monthly import split_delivery
from kpi.demo.build import write_delivery
from kpi.engine import compute
from kpi.filters import Filter
from kpi.ingest.delivery import load_folder
from kpi.store.connect import open_readonly
from kpi.store.derived.rebuild import DERIVED_TABLES
from kpi.store.schema import TABLES
from kpi.store.swap import refresh_derived
from tests.support.demo_test_helpers import share_salt, sorted_tables

END = date(2026, 10, 31)  # a month end: the history and the last month make the whole demo
SCALE = 0.02
UPDATING = "updating the summary tables where the load changed them"
FILTERS = [(Filter(), ("department", "month")),
           (Filter(departments=("ED", "MED"), start="2026-04-10", end="2026-10-31"), ("month",)),
           (Filter(start="2026-09-15", end="2026-10-20"), ("department",)),
           (Filter(service_lines=("Outpatient",), start="2025-11-01", end="2026-10-31"), ())]


def _derived(db: Path) -> dict[str, list[tuple]]:
    return sorted_tables(db, DERIVED_TABLES)


def _kpis(db: Path) -> list[pd.DataFrame]:
    con = open_readonly(db)
    try:
        return [compute(con, None, flt, group_by) for flt, group_by in FILTERS]
    finally:
        con.close()


def _same_kpis(got: Path, want: Path) -> None:
    for a, b in zip(_kpis(got), _kpis(want)):
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-12)


def _load(folder: Path, db: Path) -> list[str]:
    said: list[str] = []
    load_folder(folder, db, said.append)
    return said


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """The demo delivery, its split, the one-go database and the two-part one."""
    root = tmp_path_factory.mktemp("changes")
    write_delivery(root / "whole", seed=3, scale=SCALE, end=END)
    split = split_delivery(root / "whole", root / "split")
    assert split["month_start"] == "2026-10-01"
    _load(root / "whole", root / "one.duckdb")
    share_salt(root / "one.duckdb", root / "two.duckdb")
    assert UPDATING not in _load(root / "split" / "history", root / "two.duckdb")
    said = _load(root / "split" / "month", root / "two.duckdb")
    return root, said


def test_the_month_on_top_of_the_history_updates_only_what_it_touches(parts):
    _, said = parts
    assert UPDATING in said and "deriving the summary tables" not in said


def test_two_parts_give_the_database_built_in_one_go(parts):
    root, _ = parts
    assert _derived(root / "two.duckdb") == _derived(root / "one.duckdb")
    assert sorted_tables(root / "two.duckdb", TABLES) == sorted_tables(root / "one.duckdb",
                                                                        TABLES)
    _same_kpis(root / "two.duckdb", root / "one.duckdb")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        writer.writerows(rows)


def _revision(whole: Path, out: Path) -> Path:
    """A delivery revising May 2026: some visits moved to June or to another department,
    new visits of known patients, surveys with other answers, comments and departments."""
    out.mkdir()
    header, visits = _rows(whole / "visits.csv")
    may = [v for v in visits if v["visit_date"].startswith("2026-05")][:400]
    for i, v in enumerate(may):
        if i % 3 == 0:
            v["visit_date"] = "2026-06-" + v["visit_date"][-2:].replace("31", "30")
        elif i % 3 == 1:
            v["department_id"] = "MED" if v["department_id"] != "MED" else "SURG"
    known = [v["patient_key"] for v in visits[:2000:7]]
    new = [{**may[0], "visit_id": f"VNEW{i}", "patient_key": key, "department_id": "ED",
            "visit_date": f"2026-05-{1 + i % 28:02d}", "wait_minutes": str(i % 90)}
           for i, key in enumerate(known)]
    _write(out / "visits.csv", header, may + new)
    header, surveys = _rows(whole / "patient_survey.csv")
    moved = {v["visit_id"]: v for v in may}
    chosen = [s for s in surveys if s["response_date"].startswith("2026-05")][:120]
    commented = [s["comment"] for s in surveys if s["comment"]][:3]
    for i, s in enumerate(chosen):
        if s["visit_id"] in moved:
            s["department_id"] = moved[s["visit_id"]]["department_id"]
            s["response_date"] = moved[s["visit_id"]]["visit_date"]
        s["comment"] = ("", commented[i % 3], "The car park was full and nobody helped.")[i % 3]
        question = header[6 + i % (len(header) - 6)]
        s[question] = ""
    _write(out / "patient_survey.csv", header, chosen)
    header, staff = _rows(whole / "staff_survey.csv")
    picked = [s for s in staff if s["response_date"].startswith("2026-05")][:30]
    for s in picked:
        s["department_id"] = "ED"
    _write(out / "staff_survey.csv", header, picked)
    return out


def test_a_delivery_revising_an_older_month_gives_a_full_rebuild(parts):
    root, _ = parts
    db = root / "revised.duckdb"
    shutil.copyfile(root / "two.duckdb", db)
    share_salt(root / "two.duckdb", db)
    assert UPDATING in _load(_revision(root / "whole", root / "revision"), db)
    rebuilt = root / "rebuilt.duckdb"
    shutil.copyfile(db, rebuilt)
    share_salt(db, rebuilt)
    refresh_derived(rebuilt)
    revised, before = _derived(db), _derived(root / "two.duckdb")
    assert revised == _derived(rebuilt) and revised != before
    for table in ("derived_survey_measures", "derived_survey_measures_monthly"):
        assert revised[table] != before[table]  # HCAHPS measure counts followed the revision
    _same_kpis(db, rebuilt)


def test_a_changed_question_catalog_rebuilds_everything(parts, tmp_path):
    root, _ = parts
    db = tmp_path / "questions.duckdb"
    shutil.copyfile(root / "two.duckdb", db)
    share_salt(root / "two.duckdb", db)
    header, questions = _rows(root / "whole" / "questions.csv")
    questions[0]["top_box_min"] = "2"
    (tmp_path / "q").mkdir()
    _write(tmp_path / "q" / "questions.csv", header, questions)
    said = _load(tmp_path / "q", db)
    assert "deriving the summary tables" in said and UPDATING not in said


def _tiny(folder: Path, visits: list[tuple[str, str, str]], first: bool) -> Path:
    folder.mkdir()
    if first:
        (folder / "departments.csv").write_text("department_id,department_name\nA,Ward A\n")
        (folder / "questions.csv").write_text(
            "question_id,audience,domain,scale\nOVR,patient,overall,rating0_10\n")
        (folder / "patient_survey.csv").write_text(
            "response_id,department_id,response_date,comment,OVR\n"
            "R1,A,2024-01-10,Kind nurses,9\n")
    (folder / "visits.csv").write_text("visit_id,patient_key,department_id,visit_date\n" + "".join(
        f"{visit_id},{key},A,{day}\n" for visit_id, key, day in visits))
    return folder


def test_months_whose_return_window_closes_with_a_later_last_visit_are_recounted(tmp_path):
    """The monthly return rows count visits whose window ended by the latest visit date: a
    load that only moves that date on (a new patient, far later) makes older months count."""
    db = tmp_path / "band.duckdb"
    _load(_tiny(tmp_path / "h", [("V1", "P", "2023-01-10"), ("V2", "Z", "2023-02-20")], True),
          db)
    said = _load(_tiny(tmp_path / "m", [("V3", "Y", "2024-03-01")], False), db)
    assert UPDATING in said
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(db, rebuilt)
    share_salt(db, rebuilt)
    refresh_derived(rebuilt)
    assert _derived(db) == _derived(rebuilt)
    con = open_readonly(db)
    try:
        assert con.execute("SELECT visits FROM derived_returns_all_departments_monthly WHERE "
                           "month = DATE '2023-01-01' AND window_days = 365").fetchall() == [(1,)]
    finally:
        con.close()


def test_a_touched_day_condition_picks_only_the_touched_department():
    import duckdb

    from kpi.store.derived.touched import in_touched_month, on_touched_day

    with duckdb.connect() as con:
        con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('A', DATE '2024-01-01'), "
                    "('B', DATE '2024-01-01'), ('A', DATE '2024-01-02'), "
                    "('B', DATE '2024-02-01')) v(department_id, day)")
        con.execute("CREATE TABLE delta_days AS SELECT 'visits' AS touched_source, "
                    "'A' AS touched_department, DATE '2024-01-01' AS touched_day")
        day = on_touched_day("'visits'", "department_id", "day")
        month = in_touched_month("'visits'", "department_id", "date_trunc('month', day)")
        assert con.execute(f"SELECT * FROM t WHERE {day} ORDER BY ALL").fetchall() == [
            ("A", date(2024, 1, 1))]
        assert con.execute(f"SELECT * FROM t WHERE {month} ORDER BY ALL").fetchall() == [
            ("A", date(2024, 1, 1)), ("A", date(2024, 1, 2))]
