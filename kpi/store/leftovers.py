"""What a killed write leaves beside the database (temp copies, their WAL, spill folders):
named, found and removed under the write lock, so that no write ever starts from it."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

TEMP_MARK = ".tmp"     # X.tmp-<pid>-<random>, its X.tmp-...wal and DuckDB's X.tmp-....tmp
SPILL_MARK = ".spill-"  # X.spill-<pid>: a load's private folder for DuckDB's spill files


def temp_path(db_path: Path) -> Path:
    """A new, unique name for the copy a write works on, beside the database."""
    return db_path.parent / f"{db_path.name}{TEMP_MARK}-{os.getpid()}-{secrets.token_hex(4)}"


def leftovers(db_path: Path) -> list[Path]:
    """Every temp copy, WAL, temp or spill folder of earlier writes to db_path."""
    marks = (db_path.name + TEMP_MARK, db_path.name + SPILL_MARK)
    if not db_path.parent.is_dir():
        return []
    return sorted(p for p in db_path.parent.iterdir() if p.name.startswith(marks))


def remove_paths(paths: list[Path]) -> None:
    """Delete files and folders (a folder with everything in it); absent ones are fine."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def remove_temp(tmp: Path) -> None:
    """Delete a write's temp copy and everything DuckDB made beside it (WAL, temp folder)."""
    remove_paths(list(tmp.parent.glob(glob.escape(tmp.name) + "*")))


def clear_leftovers(db_path: Path, progress: Callable[[str], None]) -> None:
    """Remove what interrupted writes left, saying so in one line. Call under the write lock
    only: a running write's files look just the same."""
    found = leftovers(db_path)
    if found:
        progress(f"removing what an interrupted load left beside {db_path.name}: "
                 f"{', '.join(p.name for p in found)}")
        remove_paths(found)
