"""All or nothing: readers keep the old data during a load, a killed load changes nothing,
and the command line reports in exit codes and plain words, never a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys

import duckdb
import pytest

from kpi.ingest.delivery import ingest_folder
from tests.support.ingest_helpers import GOOD, ROOT, delivery, file_hash, rows, run_cli, write_files

READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM visits").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM visits").fetchone()[0], flush=True)
"""

NEW_VISIT = {"visits.csv": GOOD["visits.csv"].splitlines()[0] + "\nV4,PK-0004,D1,2024-03-01,,\n"}


@pytest.mark.slow
def test_a_reader_holding_the_database_keeps_the_old_data_and_the_load_succeeds(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "3"
        assert ingest_folder(write_files(tmp_path / "second", NEW_VISIT), db) == {"visits": 1}
        reader.stdin.write("go on\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "3"
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert rows(db, "SELECT count(*) FROM visits") == [(4,)]


def _big_delivery(folder, visits: int):
    """The good departments and questions, and many generated visits, written by DuckDB."""
    write_files(folder, {name: GOOD[name] for name in ("departments.csv", "questions.csv")})
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 'W' || i AS visit_id, 'PK-' || (i % 9973) AS patient_key, "
                f"'D' || (1 + i % 2) AS department_id, DATE '2023-01-01' + (i % 365)::INT "
                f"AS visit_date, 'outpatient' AS visit_type, i % 90 AS wait_minutes "
                f"FROM range({visits}) t(i)) TO ? (HEADER)", [str(folder / "visits.csv")])
    con.close()
    return folder


@pytest.mark.slow
def test_a_load_killed_while_writing_leaves_the_database_as_it_was(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    before = file_hash(db)
    folder = _big_delivery(tmp_path / "big", 1_500_000)
    load = subprocess.Popen([sys.executable, "-m", "kpi", "--db", str(db), "ingest",
                             "--progress", str(folder)], cwd=ROOT, stderr=subprocess.PIPE,
                            text=True)
    try:
        for line in load.stderr:
            if line.startswith("departments:") and "loaded" in line:
                load.send_signal(signal.SIGKILL)
                break
    finally:
        load.wait(timeout=120)
        load.stderr.close()
    assert load.returncode == -signal.SIGKILL, "the load finished before it could be killed"
    assert file_hash(db) == before
    assert rows(db, "SELECT count(*) FROM visits") == [(3,)]
    assert ingest_folder(write_files(tmp_path / "again", NEW_VISIT), db) == {"visits": 1}


def test_cli_loads_and_prints_rows_per_file(tmp_path):
    db = tmp_path / "px.duckdb"
    done = run_cli("--db", str(db), "ingest", str(delivery(tmp_path / "in")))
    assert done.returncode == 0, done.stderr
    assert "  visits.csv          3 rows: 3 added, 0 replaced\n" in done.stdout
    assert "  patient_survey.csv  2 rows: 2 added, 0 replaced, 5 answers\n" in done.stdout
    assert done.stderr == ""  # no progress into a log: stderr is not a terminal here


def test_cli_rejects_with_exit_code_1_a_plain_report_and_no_change(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    before = file_hash(db)
    bad = write_files(tmp_path / "bad", {"visits.csv": NEW_VISIT["visits.csv"] +
                                         "V5,PK,D1,2024-02-30,,\n", "notes.txt": "hello"})
    done = run_cli("--db", str(db), "ingest", str(bad))
    assert done.returncode == 1
    assert done.stderr.startswith("error: nothing was loaded: the delivery in ")
    assert ("visits.csv, row 2 (spreadsheet line 3, visit_id V5), column visit_date, "
            "value '2024-02-30': is not a real date") in done.stderr
    assert "notes.txt: is not a file of the data contract" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert file_hash(db) == before


def test_cli_missing_folder_is_an_error_not_a_traceback(tmp_path):
    done = run_cli("--db", str(tmp_path / "px.duckdb"), "ingest", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "no folder at" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "px.duckdb").exists()
