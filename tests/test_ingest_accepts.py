"""Awkward but valid deliveries load exactly as given; loads accumulate, replace and hash keys."""

from __future__ import annotations

import datetime as dt
import os
import stat

import duckdb
import pandas as pd
import pytest

from kpi.ingest.delivery import ingest_folder
from kpi.store.meta import set_meta
from kpi.store.salt import load_salt, salt_path
from kpi.store.schema import TABLES
from kpi.store.swap import write_swap
from tests.support.ingest_helpers import GOOD, delivery, rows, write_files

D = dt.date
BIG_COMMENT = ('He said "fine, thanks"\n' + "x" * 3_000_000 + "\r\nend  ")


def _parquet_visits(folder):
    con = duckdb.connect()
    con.execute("COPY (SELECT * FROM (VALUES ('V1', 'PK-0001', 'D1', DATE '2024-01-05', "
                "'inpatient', 30), ('V2', 'PK-0002', 'D2', DATE '2024-01-06', NULL, NULL), "
                "('V3', 'PK-0001', 'D2', DATE '2024-02-29', 'outpatient', 0)) "
                "AS t(visit_id, patient_key, department_id, visit_date, visit_type, "
                "wait_minutes)) TO ? (FORMAT parquet)", [str(folder / "visits.parquet")])
    (folder / "visits.csv").unlink()


def _parquet_survey_from_pandas(folder):
    frame = pd.DataFrame({"response_id": ["R1", "R2"], "department_id": ["D1", "D2"],
                          "response_date": pd.to_datetime(["2024-01-10", "2024-01-11"]),
                          "Q1": [9.0, float("nan")], "q2": [4.0, 1.0]})
    frame.to_parquet(folder / "patient_survey.parquet")
    (folder / "patient_survey.csv").unlink()


# (id, files replacing the good ones, or a function changing the folder; query; its rows)
CASES = [
    ("BOM and CRLF",
     {"departments.csv": "\ufeffdepartment_id,department_name,service_line,site\r\n"
                         "D1,Ward 1,Inpatient,North\r\nD2,Clinic 2,,South\r\n"},
     "SELECT * FROM departments ORDER BY 1",
     [("D1", "Ward 1", "Inpatient", "North"), ("D2", "Clinic 2", None, "South")]),
    ("quoted newlines, quotes and commas",
     {"patient_survey.csv": "response_id,department_id,response_date,comment,Q1\r\n"
                            'R1,D1,2024-01-10,"""Kind"", fast\r\nsecond, line",9\r\n'
                            'R2,D2,2024-01-11,"one\nmore",7\r\n'},
     "SELECT response_id, comment FROM patient_responses ORDER BY 1",
     [("R1", '"Kind", fast\r\nsecond, line'), ("R2", "one\nmore")]),
    ("shuffled columns, header case and spaces",
     {"visits.csv": " Wait_Minutes ,VISIT_ID,department_id , Visit_Date,patient_key,Visit_Type\n"
                    "30,V1,D1,2024-01-05,PK-0001,inpatient\n,V2,D2,2024-01-06,PK-0002,\n"
                    "0,V3,D2,2024-02-29,PK-0001,outpatient\n"},
     "SELECT visit_id, department_id, visit_date, visit_type, wait_minutes FROM visits "
     "ORDER BY 1",
     [("V1", "D1", D(2024, 1, 5), "inpatient", 30), ("V2", "D2", D(2024, 1, 6), None, None),
      ("V3", "D2", D(2024, 2, 29), "outpatient", 0)]),
    ("Parquet with typed columns", _parquet_visits,
     "SELECT visit_id, visit_date, visit_type, wait_minutes FROM visits ORDER BY 1",
     [("V1", D(2024, 1, 5), "inpatient", 30), ("V2", D(2024, 1, 6), None, None),
      ("V3", D(2024, 2, 29), "outpatient", 0)]),
    ("Parquet from pandas: midnight timestamps, float answers, NaN, lower-case column",
     _parquet_survey_from_pandas,
     "SELECT response_id, response_date, question_id, answer FROM patient_responses "
     "JOIN patient_answers USING (response_id) ORDER BY 1, 3",
     [("R1", D(2024, 1, 10), "Q1", 9), ("R1", D(2024, 1, 10), "Q2", 4),
      ("R2", D(2024, 1, 11), "Q2", 1)]),
    ("hcahps_measure codes a question; the column may be absent or empty",
     {"questions.csv": "question_id,audience,domain,scale,question_text,top_box_min,"
                       "hcahps_measure\n"
                       "Q1,patient,overall,rating0_10,Overall rating,,H_HSP_RATING\n"
                       "Q2,patient,communication,frequency4,Nurses listened,, H_COMP_1 \n"
                       "Q3,patient,recommend,yesno,Would recommend,1,\n"
                       "S1,staff,engagement,agree5,I am proud,,\n"},
     "SELECT question_id, hcahps_measure FROM questions WHERE audience = 'patient' ORDER BY 1",
     [("Q1", "H_HSP_RATING"), ("Q2", "H_COMP_1"), ("Q3", None)]),
    ("header-only file delivers nothing",
     {"complaints.csv": GOOD["complaints.csv"].splitlines()[0] + "\n"},
     "SELECT count(*) FROM complaints", [(0,)]),
    ("several MB of free text in one cell (longer than a row the reader reads in parallel)",
     {"patient_survey.csv": "response_id,department_id,response_date,comment\n"
                            f'R1,D1,2024-01-10,"{BIG_COMMENT.replace(chr(34), 2 * chr(34))}"\n'},
     "SELECT length(comment), comment = $big FROM patient_responses",
     [(len(BIG_COMMENT), True)]),
    ("free text kept as given, ids trimmed",
     {"departments.csv": "department_id,department_name,service_line,site\n"
                         " D1 , Ward  A ,Inpatient , North\nD2,=1+1,,\n",
      "patient_survey.csv": "response_id,department_id,response_date,comment\n"
                            "R1, D1 ,2024-01-10,  =HYPERLINK(\"x\")  \n"
                            "R2,D2, 2024-01-11 ,@SUM(A1)\n"},
     "SELECT d.department_id, department_name, site, comment, response_date "
     "FROM departments d JOIN patient_responses USING (department_id) ORDER BY 1",
     [("D1", " Ward  A ", "North", '  =HYPERLINK("x")  ', D(2024, 1, 10)),
      ("D2", "=1+1", None, "@SUM(A1)", D(2024, 1, 11))]),
    ("emoji and other scripts",
     {"departments.csv": "department_id,department_name\nD1,Ward ❤️\nD2,Клиника 2\n",
      "patient_survey.csv": "response_id,department_id,response_date,comment\n"
                            "R1,D1,2024-01-10,Great 👍🏽 care\n"},
     "SELECT department_name, comment FROM departments LEFT JOIN patient_responses "
     "USING (department_id) ORDER BY 1",
     [("Ward ❤️", "Great 👍🏽 care"), ("Клиника 2", None)]),
    ("empty and quoted empty cells are missing; blank answers give no row",
     {"patient_survey.csv": "response_id,department_id,response_date,visit_id,mode,Q1,Q2,Q3\n"
                            'R1,D1,2024-01-10,"","",9,"",\n'
                            "R2,D2,2024-01-11,,, 4.0 ,,0\n"},
     "SELECT response_id, visit_id, mode, list(question_id || '=' || answer ORDER BY "
     "question_id) FROM patient_responses LEFT JOIN patient_answers USING (response_id) "
     "GROUP BY ALL ORDER BY 1",
     [("R1", None, None, ["Q1=9"]), ("R2", None, None, ["Q1=4", "Q3=0"])]),
]


@pytest.mark.parametrize("change, query, expected", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_awkward_valid_file_loads_exactly(tmp_path, change, query, expected):
    folder = delivery(tmp_path / "in")
    if callable(change):
        change(folder)
    else:
        write_files(folder, change)
    ingest_folder(folder, tmp_path / "px.duckdb")
    params = {"big": BIG_COMMENT} if "$big" in query else {}
    assert rows(tmp_path / "px.duckdb", query, params) == expected


def _contents(db) -> dict[str, list]:
    return {t: sorted(rows(db, f"SELECT * FROM {t}"), key=repr) for t in TABLES}


def test_counts_per_table_and_the_loads_record(tmp_path):
    progress = []
    loaded = ingest_folder(delivery(tmp_path / "in"), tmp_path / "px.duckdb",
                           progress=progress.append)
    assert loaded == {"departments": 2, "questions": 4, "visits": 3, "patient_responses": 2,
                      "patient_answers": 5, "complaints": 2, "staff_responses": 2,
                      "staff_answers": 1}
    assert "visits: 3 rows read" in progress and "patient_answers: 5 rows loaded" in progress
    assert rows(tmp_path / "px.duckdb", "SELECT source, table_name, rows FROM loads "
                "ORDER BY table_name") == sorted(("ingest", t, n) for t, n in loaded.items())
    assert rows(tmp_path / "px.duckdb", "SELECT count(DISTINCT loaded_at) FROM loads") == [(1,)]


@pytest.mark.slow
def test_loading_the_same_files_twice_gives_the_same_database(tmp_path):
    db = tmp_path / "px.duckdb"
    folder = delivery(tmp_path / "in")
    ingest_folder(folder, db)
    first = _contents(db)
    ingest_folder(folder, db)
    assert _contents(db) == first
    assert rows(db, "SELECT count(*), count(DISTINCT loaded_at) FROM loads") == [(16, 2)]


@pytest.mark.slow
def test_later_loads_add_new_ids_and_replace_redelivered_ones(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    write_files(tmp_path / "second", {
        "visits.csv": "visit_id,patient_key,department_id,visit_date\n"
                      "V3,PK-0003,D1,2024-03-01\nV4,PK-0004,D2,2024-03-02\n",
        "patient_survey.csv": "response_id,department_id,response_date,visit_id,Q2\n"
                              "R1,D2,2024-03-05,V4,1\nR3,D1,2024-03-06,V2,3\n",
        "complaints.csv": GOOD["complaints.csv"].splitlines()[0] + "\n"
                          "C2,D2,2024-01-20,billing,high,2024-01-21,2024-02-01\n"})
    loaded = ingest_folder(tmp_path / "second", db)
    assert loaded == {"visits": 2, "patient_responses": 2, "patient_answers": 2,
                      "complaints": 1}
    assert rows(db, "SELECT visit_id, department_id, visit_date, wait_minutes FROM visits "
                "ORDER BY 1") == [("V1", "D1", D(2024, 1, 5), 30),
                                  ("V2", "D2", D(2024, 1, 6), None),
                                  ("V3", "D1", D(2024, 3, 1), None),
                                  ("V4", "D2", D(2024, 3, 2), None)]
    assert rows(db, "SELECT response_id, department_id, visit_id, comment FROM "
                "patient_responses ORDER BY 1") == [("R1", "D2", "V4", None),
                                                     ("R2", "D2", None, None),
                                                     ("R3", "D1", "V2", None)]
    assert rows(db, "SELECT response_id, question_id, answer FROM patient_answers "
                "ORDER BY 1, 2") == [("R1", "Q2", 1), ("R2", "Q1", 7), ("R2", "Q3", 0),
                                     ("R3", "Q2", 3)]
    assert rows(db, "SELECT complaint_id, severity, resolved_date FROM complaints "
                "ORDER BY 1") == [("C1", "low", D(2024, 1, 20)), ("C2", "high", D(2024, 2, 1))]
    assert rows(db, "SELECT count(*) FROM departments") == [(2,)]


def test_patient_keys_are_stored_only_as_a_salted_hash(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "in"), db)
    for path in tmp_path.iterdir():
        if path.is_file():
            assert b"PK-0001" not in path.read_bytes() and b"PK-0002" not in path.read_bytes()
    salt = salt_path(db)
    assert salt.parent == db.parent and stat.S_IMODE(os.stat(salt).st_mode) == 0o600
    hashes = dict(rows(db, "SELECT visit_id, patient_hash FROM visits"))
    assert hashes["V1"] == hashes["V3"] != hashes["V2"]
    con = duckdb.connect()
    salted, unsalted = con.execute(
        "SELECT ('0x' || left(sha256(left($salt, 32) || 'PK-0001'), 16))::UBIGINT, "
        "('0x' || left(sha256('PK-0001'), 16))::UBIGINT", {"salt": salt.read_text()}).fetchone()
    assert hashes["V1"] == salted != unsalted


def test_a_delivery_replaces_the_demo_database(tmp_path):
    db = tmp_path / "px.duckdb"
    load_salt(db)  # the demo's salt, made with the demo database
    with write_swap(db) as con:
        con.execute("INSERT INTO departments VALUES ('DEMO', 'Demo ward', NULL, NULL)")
        set_meta(con, "is_demo", "true")
    progress = []
    ingest_folder(delivery(tmp_path / "in"), db, progress=progress.append)
    assert any("demo" in line for line in progress)
    assert rows(db, "SELECT department_id FROM departments ORDER BY 1") == [("D1",), ("D2",)]
    assert rows(db, "SELECT value FROM meta WHERE key = 'is_demo'") == [("false",)]


def test_a_later_load_may_bring_any_subset(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    write_files(tmp_path / "second", {"staff_survey.csv": "response_id,department_id,"
                                      "response_date,s1\nT3,D2,2024-03-01,4\n"})
    assert ingest_folder(tmp_path / "second", db) == {"staff_responses": 1, "staff_answers": 1}
    assert rows(db, "SELECT * FROM staff_answers ORDER BY 1") == [("T1", "S1", 5),
                                                                   ("T3", "S1", 4)]

