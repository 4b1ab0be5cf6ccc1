"""The fast way: a first load streams visits straight into the database, checked as they
stream, with no staged copy; any doubt stages everything. Spill files stay beside the
database and are removed."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from kpi.errors import RejectedInput
from kpi.ingest import delivery as ingest
from kpi.ingest import load as ingest_load
from kpi.ingest.contract import FILES
from kpi.ingest.delivery import ingest_folder
from kpi.ingest.settings import MEMORY_LIMIT, duckdb_settings_for_load, spill_folder
from kpi.store.salt import salt_path
from kpi.store.schema import TABLES
from tests.support.ingest_helpers import GOOD, delivery, rows, write_files

FALLBACK = "reading it again, row by row"
AWKWARD_VISITS = ("visit_id,patient_key,department_id,visit_date,visit_type,wait_minutes\n"
                  " V1 , PK-0001 ,D1,2024-01-05,inpatient, 30 \n"
                  "V2,PK-0002,D2, 2024-01-06 ,,\n"
                  "V3,PK-0001,D2,2024-02-29,outpatient,4.0\n")


def _contents(db) -> dict[str, list]:
    return {t: sorted(rows(db, f"SELECT * FROM {t}"), key=repr) for t in TABLES}


@pytest.mark.parametrize("visits", [GOOD["visits.csv"], AWKWARD_VISITS],
                         ids=["good", "spaces and 4.0"])
def test_streamed_and_staged_loads_give_the_same_database(tmp_path, monkeypatch, visits):
    folder = delivery(tmp_path / "in", visits_csv=visits)
    streamed, staged = tmp_path / "streamed.duckdb", tmp_path / "staged.duckdb"
    progress, direct = [], []
    monkeypatch.setattr(ingest, "load_direct", lambda *args: direct.append(args[1].file) or
                        ingest_load.load_direct(*args))
    ingest_folder(folder, streamed, progress=progress.append)
    assert direct == ["visits.csv"] and "visits: 3 rows read" in progress
    assert not any(FALLBACK in line for line in progress)
    shutil.copyfile(salt_path(streamed), salt_path(staged))
    monkeypatch.setattr(ingest_load, "DIRECT_FILES", ())
    ingest_folder(folder, staged)
    assert _contents(streamed) == _contents(staged)
    assert rows(streamed, "SELECT visit_id, wait_minutes FROM visits ORDER BY 1") == [
        ("V1", 30), ("V2", None), ("V3", 0 if visits == GOOD["visits.csv"] else 4)]


@pytest.mark.parametrize("visits, expected", [
    (GOOD["visits.csv"] + "V4,PK,D1,2024-02-30,,\nV2,PK,D9,2024-01-01,,\n",
     [(4, "visit_date", "2024-02-30"), (5, "department_id", None), (5, "visit_id", None)]),
    (GOOD["visits.csv"] + "V4,PK,D9,2024-01-07,,\n",
     [(4, "department_id", None)]),
    (GOOD["visits.csv"] + 'V4,PK,D1,2024-01-07,"x,\n',
     [(4, "visit_type", None)]),
    (GOOD["visits.csv"].replace("visit_date", "day"),
     [(None, "visit_date", None), (None, "day", None)]),
], ids=["broken rules", "unknown department", "unreadable row", "header"])
def test_a_broken_first_delivery_is_staged_again_to_name_every_problem(tmp_path, visits,
                                                                       expected):
    progress = []
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(delivery(tmp_path / "in", visits_csv=visits), tmp_path / "px.duckdb",
                      progress=progress.append)
    problems = [(p.row, p.column, p.value) for p in caught.value.problems
                if p.file == "visits.csv"]
    assert sorted(problems, key=repr) == sorted(expected, key=repr)
    assert any(FALLBACK in line for line in progress)
    assert not (tmp_path / "px.duckdb").exists()


def test_spill_folders_stay_beside_the_database_and_are_removed(tmp_path):
    db = tmp_path / "db" / "px.duckdb"
    stale = tmp_path / "db" / "px.duckdb.spill-1"
    (stale / "sub").mkdir(parents=True)
    (stale / "duckdb_temp_block").write_bytes(b"left by a killed load")
    ingest_folder(delivery(tmp_path / "in"), db)
    assert sorted(p.name for p in db.parent.iterdir()) == [
        "px.duckdb", "px.duckdb.lock", "px.duckdb.salt"]
    with pytest.raises(RejectedInput):
        ingest_folder(write_files(tmp_path / "bad", {"visits.csv": "visit_id\nV9\n"}), db)
    assert not list(db.parent.glob("*.spill-*"))


def test_duckdb_settings_for_load_point_spills_into_the_database_folder_and_are_reset(tmp_path):
    db = tmp_path / "px.duckdb"
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    setting = "SELECT current_setting('memory_limit'), current_setting('checkpoint_threshold')"
    before = con.execute(setting).fetchone()
    limited = duckdb.connect()
    limited.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    with duckdb_settings_for_load(con, db):
        assert con.execute(setting).fetchone()[0] == limited.execute(setting).fetchone()[0]
        assert con.execute("SELECT current_setting('temp_directory')").fetchone() == (
            str(spill_folder(db)),)
    assert con.execute(setting).fetchone() == before != limited.execute(setting).fetchone()
    assert spill_folder(db).parent == db.parent



def _failing_once(real):
    calls = []

    def failing(*args):
        calls.append(args)
        if len(calls) == 1:
            raise duckdb.InvalidInputException("failed once")
        return real(*args)
    return failing


@pytest.mark.parametrize("bad_row, fails_in_load", [(True, False), (False, True)],
                         ids=["a broken row", "a failure while loading"])
def test_staging_after_a_failed_fast_way_keeps_the_file_order(tmp_path, monkeypatch,
                                                              bad_row, fails_in_load):
    """Inserts run unordered; the staging after a failed fast way must not (rows are
    numbered by their staged order)."""
    orders = []
    staged_file = ingest.stage_file

    def recording(con, *args):
        orders.append(con.execute("SELECT current_setting('preserve_insertion_order')")
                      .fetchone()[0])
        return staged_file(con, *args)

    monkeypatch.setattr(ingest, "stage_file", recording)
    if fails_in_load:
        monkeypatch.setattr(ingest_load, "answers_sql", _failing_once(ingest_load.answers_sql))
    visits = GOOD["visits.csv"] + ("V4,PK,D1,2024-02-30,,\n" if bad_row else "")
    progress = []
    try:
        ingest_folder(delivery(tmp_path / "in", visits_csv=visits), tmp_path / "px.duckdb",
                      progress=progress.append)
    except RejectedInput:
        assert bad_row
    assert len(orders) == 2 * len(FILES) and all(orders)
    assert any(FALLBACK in line for line in progress)
