"""Every write starts from a clean slate: what a killed load left (temp copy, its WAL, spill
folders) is named, removed under the lock and never published; a full disk is refused before
the copy and a failure mid-copy leaves nothing behind."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import duckdb
import pytest

from kpi.cli import main
from kpi.errors import PxError
from kpi.ingest.delivery import ingest_folder
from kpi.store import space, swap
from kpi.store.derived.rebuild import DERIVED_TABLES
from kpi.store.leftovers import leftovers
from kpi.store.schema import TABLES
from kpi.store.swap import write_swap
from tests.support.demo_test_helpers import share_salt, sorted_tables
from tests.support.ingest_helpers import GOOD, delivery, file_hash, write_files

NEW_VISIT = {"visits.csv": GOOD["visits.csv"].splitlines()[0] + "\nV4,PK-0004,D1,2024-03-01,,\n"}
COMPARED = ("meta", *TABLES, *DERIVED_TABLES)

# A load killed half-way: its copy holds committed changes in a WAL nobody checkpointed.
HALF_WRITTEN = """
import os, shutil, signal, sys, duckdb
shutil.copyfile(sys.argv[1], sys.argv[2])
con = duckdb.connect(sys.argv[2])
con.execute("DELETE FROM visits")
con.execute("UPDATE departments SET department_name = 'half-written'")
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture()
def loaded(tmp_path) -> Path:
    db = tmp_path / "db" / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    return db


def _reference(loaded: Path, folder: Path, tmp_path: Path) -> dict:
    """The tables of the old database plus a load of `folder`, never interrupted."""
    reference = tmp_path / "reference" / "px.duckdb"
    reference.parent.mkdir()
    shutil.copyfile(loaded, reference)
    if Path(f"{loaded}.wal").exists():  # what readers see: DuckDB replays it, here by itself
        shutil.copyfile(f"{loaded}.wal", f"{reference}.wal")
        duckdb.connect(str(reference)).close()
    share_salt(loaded, reference)
    ingest_folder(folder, reference)
    return sorted_tables(reference, COMPARED)


@pytest.mark.parametrize("temp_name", ["px.duckdb.tmp", "px.duckdb.tmp-4242-0badcafe"],
                         ids=["earlier version's name", "this version's name"])
def test_a_killed_loads_copy_and_wal_never_reach_the_next_load(tmp_path, loaded, temp_name):
    stale = loaded.parent / temp_name
    subprocess.run([sys.executable, "-c", HALF_WRITTEN, str(loaded), str(stale)], check=False)
    assert Path(f"{stale}.wal").exists(), "the half-written load left no WAL"
    (loaded.parent / "px.duckdb.spill-999").mkdir()
    (loaded.parent / "px.duckdb.spill-999" / "duckdb_temp_block-1.block").write_bytes(b"x" * 99)
    new = write_files(tmp_path / "new", NEW_VISIT)
    expected = _reference(loaded, new, tmp_path)
    said = []
    assert ingest_folder(new, loaded, progress=said.append) == {"visits": 1}
    assert sorted_tables(loaded, COMPARED) == expected
    assert leftovers(loaded) == []
    notes = [line for line in said if "interrupted" in line]
    assert notes == ["removing what an interrupted load left beside px.duckdb: "
                     f"px.duckdb.spill-999, {temp_name}, {temp_name}.wal"]


def test_a_running_writes_files_are_not_leftovers_to_a_second_writer(loaded):
    with write_swap(loaded) as con:
        con.execute("INSERT INTO departments VALUES ('D9', 'Ward 9', NULL, NULL)")
        running = leftovers(loaded)
        assert running and all(p.name.startswith("px.duckdb.tmp-") for p in running)
        with pytest.raises(PxError, match="another load is writing"):
            with write_swap(loaded):
                pass
        assert leftovers(loaded) == running
    assert leftovers(loaded) == []


def test_a_failed_write_removes_its_copy_and_wal(loaded):
    before = file_hash(loaded)
    with pytest.raises(RuntimeError, match="boom"):
        with write_swap(loaded) as con:
            con.execute("DELETE FROM visits")
            assert any(p.name.endswith(".wal") for p in leftovers(loaded))
            raise RuntimeError("boom")
    assert file_hash(loaded) == before
    assert leftovers(loaded) == []


Usage = namedtuple("Usage", "total used free")


def test_a_load_the_disk_cannot_hold_is_refused_before_the_copy(tmp_path, loaded, monkeypatch,
                                                                 capsys):
    new = write_files(tmp_path / "new", NEW_VISIT)
    short = loaded.stat().st_size + (new / "visits.csv").stat().st_size + \
        space.HEADROOM_BYTES - 1
    monkeypatch.setattr(space.shutil, "disk_usage", lambda folder: Usage(10**12, 0, short))
    before = file_hash(loaded)
    assert main(["--db", str(loaded), "ingest", str(new)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: not enough free disk space in {loaded.parent}: this load "
                          "needs about ") and err.count("\n") == 1
    assert file_hash(loaded) == before and leftovers(loaded) == []
    monkeypatch.setattr(space.shutil, "disk_usage", lambda folder: Usage(10**12, 0, short + 1))
    assert ingest_folder(new, loaded) == {"visits": 1}


def test_a_disk_that_fills_during_the_copy_leaves_no_partial_copy(tmp_path, loaded,
                                                                  monkeypatch):
    def half_then_full(source, target):
        Path(target).write_bytes(Path(source).read_bytes()[:4096])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(swap.shutil, "copyfile", half_then_full)
    before = file_hash(loaded)
    with pytest.raises(PxError, match=r"^the disk holding .* filled up during the load: the "
                                      "database is unchanged"):
        ingest_folder(write_files(tmp_path / "new", NEW_VISIT), loaded)
    assert file_hash(loaded) == before and leftovers(loaded) == []


# A direct write to the database itself, killed: readers replay its WAL, so loads must too.
DIRECT_WRITE = """
import os, signal, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("UPDATE departments SET department_name = 'renamed directly' WHERE department_id = 'D2'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_databases_own_wal_is_carried_into_the_load_and_then_removed(tmp_path, loaded):
    subprocess.run([sys.executable, "-c", DIRECT_WRITE, str(loaded)], check=False)
    wal = Path(f"{loaded}.wal")
    assert wal.exists(), "the direct write left no WAL"
    new = write_files(tmp_path / "new", NEW_VISIT)
    expected = _reference(loaded, new, tmp_path)
    assert expected["departments"][1][:2] == ("D2", "renamed directly")
    said = []
    assert ingest_folder(new, loaded, progress=said.append) == {"visits": 1}
    assert not wal.exists()
    assert sorted_tables(loaded, COMPARED) == expected
    assert any(line.startswith("px.duckdb.wal: the log of an unfinished direct write")
               for line in said)
