"""The patient-hash salt cannot drift: only a new database makes one, a load refuses a salt
that is missing, malformed, unreadable or not the one the database was hashed with, and the
database keeps the salt's fingerprint, never the salt. Files are owner-only."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.demo.build import build_demo
from kpi.errors import PxError
from kpi.ingest.delivery import ingest_folder
from kpi.store.salt import FINGERPRINT_KEY, load_salt, salt_path
from kpi.store.swap import refresh_derived, write_swap
from tests.support.ingest_helpers import GOOD, delivery, file_hash, rows, write_files

NEW_VISIT = {"visits.csv": GOOD["visits.csv"].splitlines()[0] + "\nV4,PK-0001,D1,2024-03-01,,\n"}
OTHER_SALT = "0123456789abcdef" * 4
MALFORMED = "is not a valid salt: it must hold exactly 64 hexadecimal characters"


def _replace(path: Path, body: bytes | None) -> None:
    path.unlink()
    if body is not None:
        path.write_bytes(body)


SALT_CASES = [
    ("missing", lambda p: _replace(p, None), "is missing, but the database"),
    ("empty", lambda p: _replace(p, b""), MALFORMED),
    ("whitespace", lambda p: _replace(p, b"  \t \n"), MALFORMED),
    ("abc", lambda p: _replace(p, b"abc"), MALFORMED),
    ("63 hex", lambda p: _replace(p, OTHER_SALT[:63].encode()), MALFORMED),
    ("65 hex", lambda p: _replace(p, OTHER_SALT.encode() + b"a"), MALFORMED),
    ("non-hex", lambda p: _replace(p, OTHER_SALT[:63].encode() + b"g"), MALFORMED),
    ("spaces around", lambda p: _replace(p, b" " + OTHER_SALT.encode() + b"\n"), MALFORMED),
    ("binary bytes", lambda p: _replace(p, bytes(range(256))[::4]), MALFORMED),
    ("directory", lambda p: (p.unlink(), p.mkdir()), "is not a regular file"),
    ("another valid salt", lambda p: _replace(p, OTHER_SALT.encode()), "fingerprints differ"),
]


@pytest.fixture()
def loaded(tmp_path) -> Path:
    db = tmp_path / "db" / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    return db


@pytest.mark.parametrize("spoil, message", [c[1:] for c in SALT_CASES],
                         ids=[c[0] for c in SALT_CASES])
def test_a_load_refuses_a_salt_that_is_not_the_databases(tmp_path, loaded, capsys, spoil,
                                                         message):
    salt = salt_path(loaded).read_text()
    spoil(salt_path(loaded))
    after = salt_path(loaded).read_bytes() if salt_path(loaded).is_file() else None
    before = file_hash(loaded)
    code = main(["--db", str(loaded), "ingest", str(write_files(tmp_path / "new", NEW_VISIT))])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("error:") == 1  # after "copying the database" for a fingerprint
    assert err.splitlines()[-1].startswith(f"error: the salt file {salt_path(loaded)} ")
    assert message in err and "from your backup" in err and "nothing was loaded" in err
    assert salt not in err and OTHER_SALT not in err
    assert file_hash(loaded) == before
    now = salt_path(loaded).read_bytes() if salt_path(loaded).is_file() else None
    assert now == after, "the load touched the salt file"


def test_an_unreadable_salt_is_refused_plainly(tmp_path, loaded, monkeypatch):
    path = salt_path(loaded)
    read_bytes = Path.read_bytes

    def denied(self):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(PxError, match=r"^the salt file .* cannot be read \(Permission denied\)"):
        ingest_folder(write_files(tmp_path / "new", NEW_VISIT), loaded)


@pytest.mark.parametrize("ending", [b"", b"\n", b"\r\n"], ids=["bare", "newline", "crlf"])
def test_the_right_salt_with_or_without_a_newline_is_accepted(tmp_path, loaded, ending):
    salt = salt_path(loaded).read_bytes()[:64]
    salt_path(loaded).write_bytes(salt + ending)
    assert ingest_folder(write_files(tmp_path / "new", NEW_VISIT), loaded) == {"visits": 1}
    hashes = dict(rows(loaded, "SELECT visit_id, patient_hash FROM visits"))
    assert hashes["V4"] == hashes["V1"]  # PK-0001 again: the return visit still links


@pytest.mark.parametrize("mode, after", [(0o644, 0o600), (0o640, 0o600), (0o755, 0o700),
                                        (0o600, 0o600), (0o400, 0o400)])
def test_a_salt_readable_by_others_is_made_owner_only_when_read(loaded, mode, after):
    os.chmod(salt_path(loaded), mode)
    load_salt(loaded)
    assert stat.S_IMODE(os.stat(salt_path(loaded)).st_mode) == after


def test_the_database_keeps_the_salts_fingerprint_never_the_salt(loaded):
    salt = salt_path(loaded).read_text()
    expected = hashlib.sha256(b"px patient-hash salt fingerprint v1\n" + salt.encode()).hexdigest()
    assert rows(loaded, "SELECT value FROM meta WHERE key = $k", {"k": FINGERPRINT_KEY}) == [
        (expected,)]
    assert salt.encode() not in loaded.read_bytes() and salt[:32].encode() not in \
        loaded.read_bytes()


def test_a_database_of_an_earlier_version_takes_its_salts_fingerprint(tmp_path, loaded):
    with write_swap(loaded) as con:
        con.execute("DELETE FROM meta WHERE key = ?", [FINGERPRINT_KEY])
    assert ingest_folder(write_files(tmp_path / "new", NEW_VISIT), loaded) == {"visits": 1}
    assert len(rows(loaded, "SELECT value FROM meta WHERE key = $k", {"k": FINGERPRINT_KEY})) == 1
    salt_path(loaded).write_text(OTHER_SALT)
    with pytest.raises(PxError, match="fingerprints differ"):
        ingest_folder(write_files(tmp_path / "again", NEW_VISIT), loaded)


def test_only_a_new_database_makes_a_salt(tmp_path, loaded):
    new = tmp_path / "new" / "px.duckdb"
    ingest_folder(delivery(tmp_path / "in"), new)
    made = salt_path(new).read_text()
    assert len(made) == 64 and int(made, 16) >= 0 and made != salt_path(loaded).read_text()
    salt_path(new).unlink()
    with pytest.raises(PxError, match="is missing"):
        load_salt(new)
    assert not salt_path(new).exists()


def test_the_demo_makes_a_salt_only_for_a_new_path(tmp_path):
    db = tmp_path / "demo.duckdb"
    build_demo(db, scale=0.01)
    assert len(salt_path(db).read_text()) == 64
    salt_path(db).unlink()
    with pytest.raises(PxError, match="is missing"):
        build_demo(db, scale=0.01)
    assert not salt_path(db).exists()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_salt_and_copy_are_owner_only_after_demo_ingest_and_refresh(tmp_path):
    demo = tmp_path / "demo.duckdb"
    build_demo(demo, scale=0.01)
    assert (_mode(demo), _mode(salt_path(demo))) == (0o600, 0o600)
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "in"), db)
    assert (_mode(db), _mode(salt_path(db))) == (0o600, 0o600)
    os.chmod(db, 0o644)  # as an earlier version left it
    refresh_derived(db)
    assert _mode(db) == 0o600
    with write_swap(db) as con:
        con.execute("INSERT INTO departments VALUES ('D9', 'Ward 9', NULL, NULL)")
        copies = [p for p in tmp_path.iterdir() if p.name.startswith("px.duckdb.tmp")]
        assert copies and {_mode(p) for p in copies} == {0o600}
