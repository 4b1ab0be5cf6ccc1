"""A hospital's (or department's) standing per HCAHPS measure: percentiles against the benchmark
table, the measure stars and the summary star, from the engine's scores (no SQL here)."""

from __future__ import annotations

import pandas as pd

from kpi.csv_cells import csv_text, number_cell, text_cell
from kpi.errors import PxError
from kpi.hcahps.measures import MEASURE_CODES, NO_STAR, STAR_LABEL, STAR_MIN_SURVEYS
from kpi.hcahps.stars import measure_star, summary_star
from kpi.hcahps.table import NATION, BenchmarkTable
from kpi.stats import SUPPRESSION_THRESHOLD

# The columns of `python -m kpi benchmark` (docs: cli-and-export.md), in order.
BENCHMARK_COLUMNS = ["measure", "top_box", "linear_mean", "surveys", "national_percentile",
                     "state_percentile", "benchmark_period", "measure_star", "summary_star"]
_WITHHELD = ["top_box", "linear_mean", "surveys", "national_percentile", "state_percentile",
             "measure_star", "summary_star"]


def _percentile(table: BenchmarkTable, code: str, value: float, region: str | None) -> object:
    """The mid-rank percentile, or NA without a value or a region."""
    if region is None or pd.isna(value):
        return pd.NA
    found = table.percentile(code, value, region)
    return pd.NA if found is None else found


def _star(table: BenchmarkTable, row) -> object:
    if row.star_surveys < STAR_MIN_SURVEYS or pd.isna(row.linear_mean):
        return pd.NA
    return measure_star(row.linear_mean, table.cut_points(row.measure))


def standing_rows(scores: pd.DataFrame, table: BenchmarkTable, state: str | None) -> pd.DataFrame:
    """One row per group and coded measure: the benchmark columns, plus department_id,
    `suppressed` (0 < surveys < the small-cell threshold: every number withheld) and `star_note`
    (the star's label, or why there is none). `scores` holds department_id, measure, top_box,
    linear_mean, surveys and star_surveys (surveys in the last four complete quarters)."""
    if state is not None and state not in table.states():
        raise PxError(f"[benchmarks] state {state!r} has no hospital in the benchmark table "
                      f"{table.name}")
    out = scores.copy()
    out["national_percentile"] = [_percentile(table, m, v, NATION)
                                  for m, v in zip(out.measure, out.top_box)]
    out["state_percentile"] = [_percentile(table, m, v, state)
                               for m, v in zip(out.measure, out.top_box)]
    out["benchmark_period"] = table.period
    out["measure_star"] = [_star(table, row) for row in out.itertuples()]
    summary = {dept: summary_star(dict(zip(group.measure, group.measure_star.map(_or_none))))
               for dept, group in out.groupby("department_id", sort=False)}
    out["summary_star"] = [_or_na(summary[d]) for d in out.department_id]
    out["suppressed"] = False
    out = withhold_rows(out, (out.surveys > 0) & (out.surveys < SUPPRESSION_THRESHOLD))
    out["star_note"] = [STAR_LABEL if not pd.isna(star) else NO_STAR for star in out.measure_star]
    out["order"] = out.measure.map(MEASURE_CODES.index)
    out = out.sort_values(["department_id", "order"], kind="stable").reset_index(drop=True)
    for column in ("surveys", "national_percentile", "state_percentile", "measure_star",
                   "summary_star"):
        out[column] = out[column].astype("Int64")
    return out[["department_id", *BENCHMARK_COLUMNS, "suppressed", "star_note"]]


def withhold_rows(rows: pd.DataFrame, mask) -> pd.DataFrame:
    """The rows with those of the mask marked `suppressed` and every number of theirs withheld."""
    out = rows.copy()
    out["suppressed"] = out["suppressed"].astype(bool) | pd.Series(mask, index=out.index).astype(bool)
    if out["suppressed"].any():  # setting no row still costs pandas a few ms of checks
        out.loc[out.suppressed, _WITHHELD] = pd.NA
    return out


def _or_none(value):
    return None if pd.isna(value) else int(value)


def _or_na(value):
    return pd.NA if value is None else value


def benchmark_csv(rows: pd.DataFrame) -> str:
    """The benchmark CSV text: BENCHMARK_COLUMNS, numbers at full precision, empty when
    missing or withheld."""
    numbers = [c for c in BENCHMARK_COLUMNS if c not in ("measure", "benchmark_period")]
    lines = ([number_cell(getattr(row, c)) if c in numbers else text_cell(getattr(row, c))
              for c in BENCHMARK_COLUMNS] for row in rows.itertuples())
    return csv_text(BENCHMARK_COLUMNS, lines)
