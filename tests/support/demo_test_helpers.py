"""Helpers for the demo tests: fixed end dates and scale, and reading whole tables back sorted."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd

from kpi.store.connect import open_readonly
from kpi.store.meta import WRITE_ID
from kpi.store.salt import salt_path
from kpi.store.schema import TABLES

END = date(2026, 11, 15)
PAGES_END = date(2025, 6, 30)  # the page tests' demo: its last 12 months start 2024-07
SMALL_SCALE = 0.02


def built_demo(path: Path, end: date, scale: float, seed: int = 7):
    """For a fixture: build the demo at `path`, yield (path, a read-only connection), close."""
    from kpi.demo.build import build_demo

    build_demo(path, seed=seed, scale=scale, end=end)
    con = open_readonly(path)
    try:
        yield path, con
    finally:
        con.close()


def share_salt(source_db: Path, target_db: Path) -> None:
    """Give target_db the same patient-key salt as source_db (so hashes compare)."""
    shutil.copyfile(salt_path(source_db), salt_path(target_db))


def same_data_where(table: str) -> str:
    """What two databases holding the same data have in common of a table: a WHERE clause
    leaving out the meta table's write id (new with every write by design), else nothing."""
    return f" WHERE key <> '{WRITE_ID}'" if table == "meta" else ""


def sorted_tables(db_path: Path, tables=TABLES) -> dict[str, list[tuple]]:
    """Every row of each table, sorted, for comparing two databases (same_data_where)."""
    con = open_readonly(db_path)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}{same_data_where(t)}").fetchall(),
                          key=repr)
                for t in tables}
    finally:
        con.close()


def query(db_path: Path, sql: str, params=None) -> pd.DataFrame:
    """Run one read-only query on a database file and return a DataFrame."""
    con = open_readonly(db_path)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()
