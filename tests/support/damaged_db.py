"""Six kinds of damaged database file, made from a good one, for the CLI and page tests."""

from __future__ import annotations

import random
from pathlib import Path

DATABASE_HEADER = 4096  # where DuckDB's first (checksummed) database header starts
FIRST_BLOCK = 3 * 4096  # where its blocks start (262144 bytes each)
BLOCK = 262_144


def _garbled_header(good: bytes) -> bytes:
    noise = random.Random(1).randbytes(64)
    return good[:DATABASE_HEADER] + noise + good[DATABASE_HEADER + len(noise):]


DAMAGE = {
    "truncated": lambda good: good[: len(good) // 2],
    "random bytes": lambda good: random.Random(7).randbytes(300_000),
    "empty": lambda good: b"",
    "text": lambda good: b"department_id,department_name\nED,Emergency\n",
    "garbled header": _garbled_header,
}
KINDS = [*DAMAGE, "directory"]


def damaged_inside(good_db: Path, target: Path) -> Path:
    """A copy whose second block is zeroed: it opens, and fails DuckDB's checksum only when a
    query reads that block."""
    good = good_db.read_bytes()
    start = FIRST_BLOCK + BLOCK + 100
    target.write_bytes(good[:start] + bytes(BLOCK // 2) + good[start + BLOCK // 2:])
    return target


def damage(kind: str, good_db: Path, target: Path) -> Path:
    """Write the `kind` of damaged database at target (a directory for "directory")."""
    if kind == "directory":
        target.mkdir(parents=True)
        (target / "px.duckdb").write_bytes(good_db.read_bytes())
    else:
        target.write_bytes(DAMAGE[kind](good_db.read_bytes()))
    return target
