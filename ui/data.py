"""Cached access to the database for the pages: one read-only connection per database version.

Every cached function takes the database key `db_version(path)` = (path, inode, mtime_ns), so
a database swapped in by a load is picked up on the next rerun, without restarting the app.
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from kpi import engine
from kpi.capacity import capacity_or_default
from kpi.catalog import kpis as catalog
from kpi.catalog.kpis import Kpi
from kpi.engine.drivers import key_drivers as engine_key_drivers
from kpi.engine.pool import bound_connection
from kpi.engine.scope import Scope, resolve_scope
from kpi.engine.window_rows import department_rows
from kpi.engine.worklist import complaint_worklist
from kpi.facts import Remembering
from kpi.filters import Filter
from kpi.reach import Reach
from kpi.store.connect import db_version, open_version, resolve_db_path
from kpi.store.derived import version as derive_version
from kpi.store.meta import read_meta
from ui.cache_keys import cached_data

DbKey = tuple[str, int, int]
# [capacity] of the settings file, read once when the server starts (the caches are made then):
# every cache is shared by all sessions and bounded, results per filter and the few row tables.
CAPACITY = capacity_or_default()
RESULTS, TABLES = CAPACITY.result_cache_entries, CAPACITY.table_cache_entries
RUN_KEY = "px_run_db_key"  # session state: the database key of the current run
VERSIONS = 4  # per-database-version facts: the current file and a few swapped-out ones


def db_path() -> Path:
    """Where the app reads its database: $PX_DB, else data/px.duckdb."""
    return resolve_db_path()


def db_key() -> DbKey:
    """The key of the database file as it is now (changes when a load swaps the file)."""
    return db_version(db_path())


def pin_db_key() -> DbKey:
    """Read the database key once for this run (app.py) and keep it for the page, so a load
    swapping the file mid-run cannot give one page two versions of the data."""
    st.session_state[RUN_KEY] = key = db_key()
    return key


def pinned_db_key() -> DbKey:
    """The database key this run pinned (pin_db_key)."""
    return st.session_state[RUN_KEY]


def _close(con: duckdb.DuckDBPyConnection) -> None:
    con.close()


@st.cache_resource(max_entries=2, on_release=_close, show_spinner=False)
def _connection(key: DbKey) -> Remembering:
    return Remembering(bound_connection(open_version(key), CAPACITY), {})


@contextlib.contextmanager
def cursor(key: DbKey) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the cached connection for one query (connections are not shared by threads),
    remembering the small facts of the database version (kpi.facts: the file cannot change
    under a read-only connection to one version)."""
    cur = _connection(key).cursor()
    try:
        cur.execute("USE px")
        yield cur
    finally:
        cur.close()


@cached_data(max_entries=RESULTS)
def scope(key: DbKey, flt: Filter, group_by: tuple[str, ...] = ()) -> Scope:
    """The engine's Scope of the filter within its reach (kpi.engine.scope.resolve_scope)."""
    with cursor(key) as cur:
        return resolve_scope(cur, flt, group_by)


def compute(key: DbKey, kpi_ids: tuple[str, ...] | None, flt: Filter,
            group_by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The engine's KPI table for these KPIs, filter and grouping, shared by everyone whose
    filter and reach resolve to the same Scope (cached per database version). By department,
    and as a whole for one department, it is the window's by-department table over the reach
    with the filter's departments (kpi.engine.window_rows): one engine call per window serves
    every department filter of it."""
    kpi_ids = tuple(sorted(kpi_ids)) if kpi_ids else kpi_ids  # the engine sorts them anyway
    by_department = group_by == ("department",)
    chosen = filter_departments(key, flt) if by_department or not group_by else ()
    if chosen and (by_department or len(chosen) == 1):
        widest = flt.every_department()
        table = _scoped_compute(key, kpi_ids, scope(key, widest, ("department",)),
                                ("department",), widest)
        return department_rows(table, chosen, whole=not by_department)
    return _scoped_compute(key, kpi_ids, scope(key, flt, group_by), group_by, flt)


@cached_data(max_entries=RESULTS)
def _scoped_compute(key: DbKey, kpi_ids: tuple[str, ...] | None, scoped: Scope,
                    group_by: tuple[str, ...], _flt: Filter) -> pd.DataFrame:
    """Keyed by the Scope, not the filter (`_flt` is left out of the key): engine.compute reads
    its filter only through resolve_scope, so any filter of this Scope gives this table."""
    with cursor(key) as cur:
        return engine.compute(cur, kpi_ids, _flt, group_by)


@cached_data(max_entries=VERSIONS)
def meta(key: DbKey) -> dict[str, str]:
    """The database's meta table (is_demo, schema_version, ...)."""
    with cursor(key) as cur:
        return read_meta(cur)


@cached_data(max_entries=VERSIONS)
def derived_current(key: DbKey) -> bool:
    """Whether the database's derived tables were built by this version (else pages are slow)."""
    with cursor(key) as cur:
        return derive_version.is_current(cur)


@cached_data(max_entries=VERSIONS)
def data_as_of(key: DbKey) -> dict[str, date | None]:
    """The latest date of each source, over the whole database."""
    with cursor(key) as cur:
        return engine.data_as_of(cur)


@cached_data(max_entries=VERSIONS)
def default_window(key: DbKey) -> tuple[date, date]:
    """The earliest and latest date of any date column in the database (today when empty)."""
    with cursor(key) as cur:
        return tuple(engine.default_window(cur))


@cached_data(max_entries=64)
def departments(key: DbKey, within: Reach) -> pd.DataFrame:
    """Every department within reach, with its name, service line and site."""
    with cursor(key) as cur:
        return engine.departments(cur, Filter(within=within))


@cached_data(max_entries=VERSIONS)
def kpis(key: DbKey) -> dict[str, Kpi]:
    """The catalog's KPIs available in this database, by id, in catalog order."""
    with cursor(key) as cur:
        return {k.id: k for k in catalog.available_kpis(cur)}


def worklist(key: DbKey, flt: Filter) -> pd.DataFrame:
    """The complaints worklist of the filter (kpi.engine.worklist), read through its Scope; not
    cached here: the page keeps its readable rows, once per filter (ui/worklist_view.py)."""
    with cursor(key) as cur:
        return complaint_worklist(cur, resolve_scope(cur, flt))


@cached_data(max_entries=RESULTS)
def key_drivers(key: DbKey, flt: Filter, minimum: int) -> pd.DataFrame:
    """The key drivers of the filter (kpi.engine.drivers), withheld below `minimum`
    respondents."""
    with cursor(key) as cur:
        return engine_key_drivers(cur, flt, minimum)


@cached_data(max_entries=128)
def filter_departments(key: DbKey, flt: Filter) -> tuple[str, ...]:
    """The department ids the filter resolves to (its departments, service lines and sites)."""
    with cursor(key) as cur:
        return tuple(engine.departments(cur, flt)["department_id"])


def only_department(key: DbKey, flt: Filter) -> str | None:
    """The filter's department when it resolves to exactly one, else None."""
    chosen = filter_departments(key, flt)
    return chosen[0] if len(chosen) == 1 else None


def _function_name(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


@cached_data(max_entries=RESULTS,
               hash_funcs={types.FunctionType: _function_name})
def read(key: DbKey, reader: Callable, flt: Filter):
    """A kpi.engine.breakdowns reader (e.g. breakdowns.open_backlog) for the filter, cached per
    database version."""
    with cursor(key) as cur:
        return reader(cur, flt)


def clear_caches() -> None:
    """Forget every cached result and connection (tests; a new database is picked up anyway)."""
    st.cache_data.clear()
    st.cache_resource.clear()

