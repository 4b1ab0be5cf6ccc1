"""Patient keys: hashed as they are read (never staged in clear), and never mixed with
visits whose keys were hashed another way."""

from __future__ import annotations

import duckdb
import pytest

from kpi.errors import PxError
from kpi.ingest.contract import FILES
from kpi.ingest.delivery import PATIENT_HASH, ingest_folder
from kpi.ingest.read import stage_file
from kpi.store.salt import patient_hash_sql
from kpi.store.swap import write_swap
from tests.support.ingest_helpers import GOOD, delivery, file_hash, rows, write_files


def test_patient_keys_are_staged_as_their_hash(tmp_path):
    folder = delivery(tmp_path / "in")
    con = duckdb.connect()
    stage_file(con, FILES["visits"], folder / "visits.csv", "s1")
    staged = con.execute("SELECT visit_id, patient_key FROM stage_visits ORDER BY 1").fetchall()
    expected = con.execute(f"SELECT {patient_hash_sql('k')} FROM (VALUES ('PK-0001'), "
                           "('PK-0002'), ('PK-0001')) t(k)", {"salt": "s1"}).fetchall()
    assert staged == [(f"V{i}", h) for i, (h,) in enumerate(expected, start=1)]
    assert con.execute("SELECT typeof(patient_key) FROM stage_visits LIMIT 1").fetchone() == (
        "UBIGINT",)


def _hashed_by_an_earlier_version(db):
    with write_swap(db) as con:
        con.execute("DELETE FROM meta WHERE key = ?", [PATIENT_HASH[0]])


def test_the_hashing_is_recorded_and_new_visits_for_other_hashes_are_refused(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    assert rows(db, "SELECT value FROM meta WHERE key = $k", {"k": PATIENT_HASH[0]}) == [
        (PATIENT_HASH[1],)]
    _hashed_by_an_earlier_version(db)
    more_visits = write_files(tmp_path / "visits", {
        "visits.csv": GOOD["visits.csv"].splitlines()[0] + "\nV9,PK-0001,D1,2024-03-01,,\n"})
    before = file_hash(db)
    with pytest.raises(PxError, match="hashed differently"):
        ingest_folder(more_visits, db)
    assert file_hash(db) == before
    complaints = write_files(tmp_path / "complaints", {"complaints.csv": GOOD["complaints.csv"]})
    assert ingest_folder(complaints, db) == {"complaints": 2}
    assert rows(db, "SELECT count(*) FROM meta WHERE key = $k", {"k": PATIENT_HASH[0]}) == [(0,)]
    assert rows(db, "SELECT count(*) FROM visits") == [(3,)]
