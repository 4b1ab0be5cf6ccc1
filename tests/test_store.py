"""The database file: path resolution, salt, read-only connections and the atomic swap."""

import hashlib
import os
import stat
from pathlib import Path

import duckdb
import pytest

from kpi.errors import PxError
from kpi.store.connect import (
    DatabaseMissing,
    DatabaseReplaced,
    configure,
    db_version,
    open_readonly,
    open_version,
    resolve_db_path,
)
from kpi.store.meta import read_meta, write_id
from kpi.store.salt import load_salt, patient_hash_sql, salt_path
from kpi.store.schema import SCHEMA_VERSION
from kpi.store.swap import write_swap


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path, department_ids: list[str]) -> None:
    with write_swap(path) as con:
        for dept in department_ids:
            con.execute("INSERT INTO departments VALUES (?, ?, NULL, NULL)", [dept, dept.title()])


def departments(path: Path) -> list[str]:
    con = open_readonly(path)
    try:
        rows = con.execute("SELECT department_id FROM departments ORDER BY 1").fetchall()
        return [r[0] for r in rows]
    finally:
        con.close()


@pytest.mark.parametrize("cli, env, expected", [
    ("a.duckdb", "b.duckdb", "a.duckdb"),
    (None, "b.duckdb", "b.duckdb"),
    (None, None, "data/px.duckdb"),
])
def test_db_path_precedence(monkeypatch, cli, env, expected):
    if env is None:
        monkeypatch.delenv("PX_DB", raising=False)
    else:
        monkeypatch.setenv("PX_DB", env)
    assert resolve_db_path(cli) == Path(expected)


def test_salt_is_private_stable_and_beside_the_database(tmp_path):
    db = tmp_path / "px.duckdb"
    first = load_salt(db)
    assert len(first) == 64
    assert salt_path(db).parent == tmp_path
    assert stat.S_IMODE(os.stat(salt_path(db)).st_mode) == 0o600
    assert load_salt(db) == first
    assert load_salt(tmp_path / "other.duckdb") != first


def test_patient_hash_is_salted_and_rejects_non_columns(tmp_path):
    con = configure(duckdb.connect())
    sql = f"SELECT {patient_hash_sql('k')} FROM (SELECT 'PK1' AS k)"
    a = con.execute(sql, {"salt": "s1"}).fetchone()[0]
    b = con.execute(sql, {"salt": "s2"}).fetchone()[0]
    assert a != b and isinstance(a, int)
    with pytest.raises(ValueError):
        patient_hash_sql("k); DROP TABLE visits; --")


def test_swap_replaces_the_file_and_keeps_schema(tmp_path):
    db = tmp_path / "px.duckdb"
    make_db(db, ["ED"])
    make_db(db, ["CARD"])
    assert departments(db) == ["CARD", "ED"]
    assert not Path(str(db) + ".tmp").exists()
    con = open_readonly(db)
    assert read_meta(con)["schema_version"] == SCHEMA_VERSION
    con.close()


def test_failed_write_leaves_the_database_byte_identical(tmp_path):
    db = tmp_path / "px.duckdb"
    make_db(db, ["ED"])
    before = file_hash(db)
    with pytest.raises(RuntimeError):
        with write_swap(db) as con:
            con.execute("DELETE FROM departments")
            raise RuntimeError("boom")
    assert file_hash(db) == before
    assert departments(db) == ["ED"]
    assert not Path(str(db) + ".tmp").exists()


def test_reader_keeps_old_data_until_it_reconnects(tmp_path):
    db = tmp_path / "px.duckdb"
    make_db(db, ["ED"])
    reader = open_readonly(db)
    version = db_version(db)
    make_db(db, ["CARD"])
    assert reader.execute("SELECT count(*) FROM departments").fetchone()[0] == 1
    reader.close()
    assert departments(db) == ["CARD", "ED"]
    assert db_version(db) != version


def test_a_version_opens_only_while_it_is_the_file_at_the_path(tmp_path):
    """A key read before a load swapped the file must not open the new file under the old
    key (a page would mix two versions): it is refused, and the new key opens the new file."""
    db = tmp_path / "px.duckdb"
    make_db(db, ["ED"])
    old = db_version(db)
    open_version(old).close()
    make_db(db, ["CARD"])
    with pytest.raises(DatabaseReplaced, match="replaced by a load"):
        open_version(old)
    con = open_version(db_version(db))
    assert con.execute("SELECT count(*) FROM departments").fetchone()[0] == 2
    con.close()


def test_every_write_names_its_data_with_a_new_id_and_a_failed_one_keeps_the_old(tmp_path):
    db = tmp_path / "px.duckdb"
    ids = []
    for dept in ["ED", "CARD"]:
        make_db(db, [dept])
        con = open_readonly(db)
        ids.append(write_id(con))
        con.close()
    with pytest.raises(RuntimeError), write_swap(db):
        raise RuntimeError("a load fails")
    con = open_readonly(db)
    assert len(set(ids)) == 2 and all(len(i) == 32 for i in ids) and write_id(con) == ids[-1]
    con.close()


def test_a_database_written_before_write_ids_is_named_by_its_loads(tmp_path):
    db = tmp_path / "px.duckdb"
    make_db(db, ["ED"])
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM meta WHERE key = 'write_id'")
    assert write_id(con) is None  # no load recorded: nothing names the data
    con.execute("INSERT INTO loads VALUES (TIMESTAMP '2026-11-30 08:15:00.123456', 'ingest', "
                "'visits', 5), (TIMESTAMP '2026-11-01 08:00:00', 'demo', 'visits', 9)")
    assert write_id(con) == "loads 2026-11-30T08:15:00.123456 2"
    con.close()


def test_fresh_swap_starts_empty(tmp_path):
    db = tmp_path / "px.duckdb"
    make_db(db, ["ED"])
    with write_swap(db, fresh=True) as con:
        con.execute("INSERT INTO departments VALUES ('ICU', 'Intensive care', NULL, NULL)")
    assert departments(db) == ["ICU"]


def test_second_writer_is_refused_while_one_writes(tmp_path):
    db = tmp_path / "px.duckdb"
    with write_swap(db):
        with pytest.raises(PxError, match="another load"):
            with write_swap(db):
                pass


def test_missing_database_is_a_plain_error(tmp_path):
    with pytest.raises(DatabaseMissing, match="python -m kpi demo"):
        open_readonly(tmp_path / "nope.duckdb")


def test_a_database_whose_loads_freed_blocks_stays_readable(tmp_path):
    """Each load replaces rows, freeing blocks; DuckDB cuts free blocks off the file's end, so
    the file is shorter than its total blocks, yet whole (a fourth load of one delivery was
    once refused as 'cut short')."""
    db = tmp_path / "px.duckdb"
    make_db(db, ["ED"])
    shorter = []
    for _ in range(4):
        with write_swap(db) as con:
            con.execute("DELETE FROM departments")
            con.execute("INSERT INTO departments SELECT 'D' || i, 'Ward ' || i || repeat('x', 200), "
                        "NULL, NULL FROM range(200000) t(i)")
        con = open_readonly(db)
        used, total, size = con.execute("SELECT used_blocks, total_blocks, block_size "
                                        "FROM pragma_database_size()").fetchone()
        assert con.execute("SELECT count(*) FROM departments").fetchone()[0] == 200_000
        con.close()
        shorter.append(total > used and db.stat().st_size < 3 * 4096 + total * size)
    assert any(shorter)  # the case that was refused did happen
