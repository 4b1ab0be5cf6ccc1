"""The secret salt beside a database, and the salted hash of patient keys."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def salt_path(db_path: Path) -> Path:
    """Where the salt for patient-key hashing lives: beside the database, never inside it."""
    return Path(str(db_path) + ".salt")


def load_salt(db_path: Path) -> str:
    """The database's hashing salt, created (readable by the owner only) on first use."""
    path = salt_path(db_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def patient_hash_sql(column: str) -> str:
    """SQL for the salted 64-bit hash of a patient key column; binds the salt as $salt.

    The first 64 bits of SHA-256 over the salt's first 32 characters (128 secret bits) and
    the key: one SHA-256 block for keys of up to 23 bytes, half the work of hashing the
    whole 64-character salt. Without the salt a key can be neither recovered nor tested.
    """
    if not column.isidentifier():
        raise ValueError(f"not a column name: {column!r}")
    return f"('0x' || left(sha256(left($salt, 32) || {column}), 16))::UBIGINT"
