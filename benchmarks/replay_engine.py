"""Replay each page's recorded engine calls on a fresh connection (no Streamlit cache), timed.

    python -m benchmarks.replay_engine --db X.duckdb --workload W.json --runs 5 --out R.json

Per page and scenario: a warm-up run ('first') then the median of --runs runs, for the KPI
calls (the target) and the breakdown reads separately; then one profiled run that times each
SQL statement. The connection carries a memo of its database's small facts, as the app's does
(kpi.facts: the warm-up asks them). Peak RSS of this process at the end.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import pandas as pd

from benchmarks.workload import (
    filter_of,
    fingerprint,
    load_workload,
    page_calls,
    peak_rss_mb,
    progress,
    replay_arguments,
    timed_runs,
    write_result,
)
from kpi.engine import compute
from kpi.facts import Remembering
from kpi.settings import Settings
from kpi.spc import series as spc_series
from kpi.store.connect import open_readonly

HEAVIEST_STATEMENTS = 5
STATEMENT_CHARS = 110


class TimedConnection:
    """A connection whose execute(...).df()/fetchall()/fetchone() calls are timed per SQL."""

    def __init__(self, con) -> None:
        self._con, self.queries = con, []

    def execute(self, sql, params=None):
        """Run the statement; the returned object times the fetch that follows."""
        started = time.perf_counter()
        self._con.execute(sql, params)
        return _TimedFetch(self, sql, params, started)

    def cursor(self) -> TimedConnection:
        """A cursor of the connection whose statements are timed into the same list."""
        timed = TimedConnection(self._con.cursor())
        timed.queries = self.queries
        return timed

    def __getattr__(self, name):
        return getattr(self._con, name)


class _TimedFetch:
    def __init__(self, owner: TimedConnection, sql, params, started: float) -> None:
        self._owner, self._sql, self._params, self._started = owner, sql, params, started

    def __getattr__(self, name):
        fetch = getattr(self._owner._con, name)

        def timed(*args, **kwargs):
            result = fetch(*args, **kwargs)
            self._owner.queries.append({"sql": self._sql, "params": self._params,
                                        "seconds": time.perf_counter() - self._started})
            return result
        return timed


def read_with(con, call: dict):
    """Run one recorded breakdown read (module.function) on the connection."""
    module, _, name = call["reader"].rpartition(".")
    return getattr(importlib.import_module(module), name)(con, filter_of(call["filter"]))


def run_kpis(con, calls: list[dict]) -> list:
    """Every recorded KPI call of a page, in order (a control-chart call with its charts);
    each call's KPI rows (kpi_id, value, n, ...)."""
    return [run_call(con, c) for c in calls]


def run_call(con, call: dict) -> pd.DataFrame:
    """One recorded call: engine.compute, or the kpi.spc.series function it names."""
    flt = filter_of(call["filter"])
    if "spc" not in call:
        return compute(con, call["kpi_ids"], flt, call["group_by"])
    settings = Settings(targets=call["targets"], run_length=call["run_length"])
    tables = getattr(spc_series, call["spc"])(con, call["kpi_ids"], flt, settings)
    return pd.concat(tables.values()) if isinstance(tables, dict) else tables


def profiled(con, kpi_calls: list[dict]) -> dict:
    """One run with every SQL statement timed: total, SQL time, the statements that took
    longest together (same text, any parameters) and the slowest single one."""
    timed_con = TimedConnection(con)
    started = time.perf_counter()
    run_kpis(timed_con, kpi_calls)
    total = time.perf_counter() - started
    queries = sorted(timed_con.queries, key=lambda q: -q["seconds"])
    together: dict[str, list] = {}
    for q in queries:
        text = " ".join(q["sql"].split())
        together.setdefault(text, [0, 0.0])
        together[text][0] += 1
        together[text][1] += q["seconds"]
    heaviest = sorted(together.items(), key=lambda item: -item[1][1])[:HEAVIEST_STATEMENTS]
    return {"total": total, "sql": sum(q["seconds"] for q in queries),
            "statements": len(queries), "slowest": queries[0] if queries else None,
            "heaviest": [{"sql": text[:STATEMENT_CHARS], "count": count, "seconds": seconds}
                         for text, (count, seconds) in heaviest]}


def replay_page(db: Path, kpi_calls: list[dict], reader_calls: list[dict], runs: int) -> dict:
    """Timings, fingerprints and a profile of one page, on a fresh connection."""
    last = {}

    def compute_page():
        last["frames"] = run_kpis(con, kpi_calls)
    con = Remembering(open_readonly(db), {})
    try:
        kpis = timed_runs(compute_page, runs)
        readers = timed_runs(lambda: [read_with(con, c) for c in reader_calls], runs)
        profile = profiled(con, kpi_calls)
    finally:
        con.close()
    return {"kpis": kpis, "readers": readers if reader_calls else None,
            "calls": len(kpi_calls), "fingerprints": [fingerprint(f) for f in last["frames"]],
            "profile": profile}


def settings(db: Path) -> dict:
    """DuckDB's threads and memory limit as the app's connection has them."""
    con = open_readonly(db)
    try:
        threads, memory = con.execute("SELECT current_setting('threads'), "
                                      "current_setting('memory_limit')").fetchone()
    finally:
        con.close()
    return {"threads": threads, "memory_limit": memory}


def main() -> None:
    """Replay the workload and write the timings, profile and peak RSS as JSON."""
    args = replay_arguments(__doc__, default_runs=5)
    pages = []
    for scenario, page, kpi_calls, reader_calls in page_calls(load_workload(args.workload)):
        progress(f"engine: {page}, {scenario}")
        pages.append({"scenario": scenario, "page": page,
                      **replay_page(args.db, kpi_calls, reader_calls, args.runs)})
    write_result(args.out, {"pages": pages, "duckdb": settings(args.db),
                            "peak_rss_mb": peak_rss_mb()})


if __name__ == "__main__":
    main()
