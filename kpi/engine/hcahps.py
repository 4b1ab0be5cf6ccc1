"""The HCAHPS-coded questions' scores for a filter, placed against the national benchmark table:
the one reader behind `python -m kpi benchmark` and the Benchmarks page."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from kpi.engine.complement import protect_columns
from kpi.engine.disclosure import filter_totals_withheld, remembered
from kpi.engine.scope import resolve_scope
from kpi.engine.survey import grouped_scores_query
from kpi.facts import fact
from kpi.filters import Filter
from kpi.hcahps.measures import MEASURE_CODES
from kpi.hcahps.standing import standing_rows, withhold_rows
from kpi.hcahps.table import BenchmarkTable, current_table
from kpi.stats import SUPPRESSION_THRESHOLD
from kpi.store.derived.version import is_current

STAR_QUARTERS = 4
_CODED_SQL = """
SELECT DISTINCT hcahps_measure FROM questions
WHERE audience = 'patient' AND hcahps_measure IS NOT NULL
"""
_HAS_CODES_SQL = ("SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() "
                  "AND table_name = 'questions' AND column_name = 'hcahps_measure'")


def star_window(start: date, end: date, quarters: int = STAR_QUARTERS) -> tuple[date, date] | None:
    """The first and last day of the last `quarters` complete calendar quarters inside
    start..end (fewer when the window holds fewer); None when it holds no complete quarter."""
    last_day = _quarter_start(end + timedelta(days=1)) - timedelta(days=1)
    first = _quarter_start(last_day)
    if first < start:
        return None
    for _ in range(quarters - 1):
        earlier = _quarter_start(first - timedelta(days=1))
        if earlier < start:
            break
        first = earlier
    return first, last_day


def _quarter_start(day: date) -> date:
    """The first day of the calendar quarter of day."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _coded_measures(con) -> list[str]:
    """The measure codes that patient questions carry, in the spec's order (none in a database
    written before the column existed)."""
    return list(fact(con, ("coded measures",), lambda: _asked_coded_measures(con)))


def _asked_coded_measures(con) -> tuple[str, ...]:
    if not con.execute(_HAS_CODES_SQL).fetchone()[0]:
        return ()
    found = {row[0] for row in con.execute(_CODED_SQL).fetchall()}
    return tuple(code for code in MEASURE_CODES if code in found)


def _scores(con, flt: Filter, groups: tuple[str, ...], codes: list[str]) -> pd.DataFrame:
    """department_id ('' when not grouped), measure, top_box, linear_mean and surveys of every
    group of the filter and coded measure (surveys 0 where none answered), from the derived
    aggregates when the database's are current."""
    scope = resolve_scope(con, flt, groups)
    sql, params = grouped_scores_query(scope, "hcahps_measure", derived=is_current(con))
    found = con.execute(sql, {**params, "audience": "patient", "domains": codes}).df()
    departments = scope.departments if groups else ("",)
    grid = pd.DataFrame([(d, c) for d in departments for c in codes],
                        columns=["department_id", "measure"])
    found = found.rename(columns={"domain": "measure", "linear": "linear_mean", "n": "surveys"})
    merged = grid.merge(found[["department_id", "measure", "top_box", "linear_mean", "surveys"]],
                        how="left", on=["department_id", "measure"])
    merged["surveys"] = merged.surveys.fillna(0).astype("int64")
    return merged


def benchmark_rows(con, flt: Filter, state: str | None = None, by_department: bool = False,
                   table: BenchmarkTable | None = None) -> pd.DataFrame:
    """The filter's standing on each HCAHPS measure its questions are coded with (per
    department with by_department): kpi.hcahps.standing's columns; the stars count the surveys
    of the last four complete quarters of the filter's window (kpi.engine.hcahps.star_window)."""
    table = table or current_table()
    codes = _coded_measures(con)
    groups = ("department",) if by_department else ()
    scores = _scores(con, flt, groups, codes)
    scope = resolve_scope(con, flt)
    window = star_window(scope.start, scope.end)
    if window is None or not codes:
        scores["star_surveys"] = 0
    else:
        counted = _scores(con, flt.with_window(*window), groups, codes)
        scores["star_surveys"] = counted.surveys.to_numpy()
    rows = standing_rows(scores, table, state)
    return _withhold_as_the_window(rows, _window_pattern(con, scope, codes), scope, by_department)


def _window_pattern(con, scope, codes: list[str]) -> pd.DataFrame:
    """Which cells of the window's table are withheld: every department of the database (rows,
    then the hospital's total, index "") x coded measure; small cells and their complements,
    decided on the whole table so that every filter of the window takes the same decisions
    (remembered per read-only database version and window: every filter of a window asks)."""
    return remembered(con, ("hcahps", scope.start, scope.end, tuple(codes)),
                      lambda: _window_pattern_of(con, scope, codes))


def _window_pattern_of(con, scope, codes: list[str]) -> pd.DataFrame:
    every = _scores(con, Filter(start=scope.start, end=scope.end), ("department",), codes)
    counts = every.pivot(index="department_id", columns="measure", values="surveys")
    counts = counts.reindex(columns=codes)
    n = counts.to_numpy()
    hidden = protect_columns(n, (n > 0) & (n < SUPPRESSION_THRESHOLD), SUPPRESSION_THRESHOLD)
    total = n.sum(axis=0)
    return pd.DataFrame(np.vstack([hidden, (total > 0) & (total < SUPPRESSION_THRESHOLD)]),
                        index=[*counts.index, ""], columns=codes)


def _withhold_as_the_window(rows: pd.DataFrame, hidden: pd.DataFrame, scope,
                            by_department: bool) -> pd.DataFrame:
    """The rows with the window's decisions applied: a department's cell as the window's table
    has it; the filter's own row only where it is the sum of shown cells or the hospital's
    total less shown cells (kpi.engine.disclosure). A group with a withheld measure has no
    summary star (it would carry the withheld measure's star)."""
    if not by_department:
        inside = hidden.index[:-1].isin(scope.departments)
        hidden = pd.DataFrame({m: [filter_totals_withheld(np.column_stack([c, c]), inside)[-1]]
                               for m, c in hidden.items()}, index=[""])
    out = withhold_rows(rows, [bool(hidden.at[d, m]) for d, m in zip(rows.department_id,
                                                                      rows.measure)])
    partial = out.groupby("department_id").suppressed.transform("any")
    out.loc[partial.to_numpy(bool), "summary_star"] = pd.NA
    return out
