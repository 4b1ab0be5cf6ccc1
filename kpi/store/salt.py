"""The secret salt beside a database, its fingerprint in the database, and the salted hash
of patient keys."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from pathlib import Path

import duckdb

from kpi.errors import PxError
from kpi.store.meta import read_meta, set_meta

SALT_FORM = re.compile(rb"[0-9a-fA-F]{64}(\r?\n)?")
FINGERPRINT_KEY = "salt_fingerprint"
FINGERPRINT_LABEL = b"px patient-hash salt fingerprint v1\n"
RESTORE = "restore the salt file from your backup (a new salt would break every return-visit link)"


def salt_path(db_path: Path) -> Path:
    """Where the salt for patient-key hashing lives: beside the database, never inside it."""
    return Path(str(db_path) + ".salt")


def load_salt(db_path: Path) -> str:
    """The database's hashing salt: created (owner-only) only for a database that does not
    exist yet; otherwise read and checked, refused (PxError) when missing or malformed."""
    path = salt_path(db_path)
    if not os.path.lexists(path) and not Path(db_path).exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another first load made it just now
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return _read_salt(path, db_path)


def _read_salt(path: Path, db_path: Path) -> str:
    """The 64 hex characters of a salt file, or a plain PxError naming the file."""
    if not os.path.lexists(path):
        raise PxError(f"the salt file {path} is missing, but the database {db_path} exists "
                      f"and its patients were hashed with that salt: {RESTORE}; nothing was "
                      "loaded")
    if not path.is_file():
        raise PxError(f"the salt file {path} is not a regular file: {RESTORE}; nothing was "
                      "loaded")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PxError(f"the salt file {path} cannot be read ({err.strerror}): let the user "
                      "who runs loads read it (and nobody else: mode 600); nothing was loaded") from None
    if not SALT_FORM.fullmatch(data):
        raise PxError(f"the salt file {path} is not a valid salt: it must hold exactly 64 "
                      f"hexadecimal characters (0-9, a-f) and nothing else; {RESTORE}; "
                      "nothing was loaded")
    _owner_only(path)
    return data[:64].decode("ascii")


def _owner_only(path: Path) -> None:
    """Take group and others' rights off the salt file (a copy restored from a backup often
    comes back readable by all); left as it is when this user may not change its mode."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        with contextlib.suppress(OSError):
            os.chmod(path, mode & 0o700)


def fingerprint(salt: str) -> str:
    """A fingerprint that tells salts apart without revealing them: SHA-256 of label + salt."""
    return hashlib.sha256(FINGERPRINT_LABEL + salt.encode("ascii")).hexdigest()


def confirm_salt(con: duckdb.DuckDBPyConnection, db_path: Path, salt: str) -> None:
    """Refuse (PxError) a salt that is not the one the database's patients were hashed with;
    record its fingerprint in a database that has none yet (new, or from an earlier version)."""
    recorded = read_meta(con).get(FINGERPRINT_KEY)
    if recorded is None:
        set_meta(con, FINGERPRINT_KEY, fingerprint(salt))
    elif recorded != fingerprint(salt):
        raise PxError(f"the salt file {salt_path(db_path)} is not the salt the database "
                      f"{db_path} was loaded with (their fingerprints differ): {RESTORE}; "
                      "nothing was loaded")


def patient_hash_sql(column: str) -> str:
    """SQL for the salted 64-bit hash of a patient key column; binds the salt as $salt.

    The first 64 bits of SHA-256 over the salt's first 32 characters (128 secret bits) and
    the key: one SHA-256 block for keys of up to 23 bytes, half the work of hashing the
    whole 64-character salt. Without the salt a key can be neither recovered nor tested.
    """
    if not column.isidentifier():
        raise ValueError(f"not a column name: {column!r}")
    return f"('0x' || left(sha256(left($salt, 32) || {column}), 16))::UBIGINT"
