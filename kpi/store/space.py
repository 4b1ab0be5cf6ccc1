"""Free disk space: checked before a write copies the database, and a full disk said plainly."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from kpi.errors import PxError

HEADROOM_BYTES = 256 * 2**20  # DuckDB's WAL, derived tables and checkpoint need room too
FULL_DISK = (errno.ENOSPC, errno.EDQUOT)


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def ensure_free_space(folder: Path, need_bytes: int) -> None:
    """Refuse (PxError) unless `folder`'s disk has need_bytes plus the headroom free."""
    need = need_bytes + HEADROOM_BYTES
    free = shutil.disk_usage(folder).free
    if free < need:
        raise PxError(f"not enough free disk space in {folder}: this load needs about "
                      f"{_mb(need)} (a copy of the database, the delivery and headroom) and "
                      f"{_mb(free)} is free; free some space and try again (nothing was "
                      "changed)")


def is_full_disk(err: BaseException) -> bool:
    """Whether an error says the disk (or the user's quota) is full."""
    if isinstance(err, OSError):
        return err.errno in FULL_DISK
    return "No space left on device" in str(err)


def full_disk_error(folder: Path) -> PxError:
    """The plain error for a disk that filled up during a write."""
    return PxError(f"the disk holding {folder} filled up during the load: the database is "
                   "unchanged and the partial copy removed; free some space and try again")


def files_bytes(paths) -> int:
    """The total size of some files (a delivery), in bytes."""
    return sum(Path(p).stat().st_size for p in paths)
