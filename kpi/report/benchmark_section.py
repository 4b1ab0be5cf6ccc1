"""The board pack's benchmarks section: the filter's HCAHPS-coded questions placed among US
hospitals, the unadjusted star estimate and each department's national percentile, read from
the same engine rows and put in the same words as the Benchmarks page."""

from __future__ import annotations

from kpi.engine.hcahps import benchmark_rows
from kpi.hcahps.measures import STAR_LABEL, STAR_MIN_SURVEYS
from kpi.hcahps.table import current_table
from kpi.present import benchmark_words as words
from kpi.report.context import Report
from kpi.report.page import esc, section_html, table_html
from kpi.stats import SUPPRESSION_THRESHOLD


def benchmarks(r: Report) -> str | None:
    """The filter's national (and state) standing per coded measure, the summary star estimate
    and the departments' percentiles; absent when no question carries an HCAHPS code."""
    state = r.settings.benchmark_state
    rows = benchmark_rows(r.con, r.flt, state)
    if rows.empty:
        return None
    table = current_table()
    standing = words.standing_table(rows, state, SUPPRESSION_THRESHOLD)
    parts = [f'<p class="note">Benchmark: {esc(words.period_words(table))}. Percentiles are '
             "mid-ranks among the hospitals with a published value.</p>",
             table_html(list(standing.columns), standing.itertuples(index=False),
                        numbers=("top-box %", "surveys")),
             f"<p>{esc(words.summary_words(rows))}</p>",
             f'<p class="note">Stars are {esc(STAR_LABEL)}. They need at least '
             f"{STAR_MIN_SURVEYS} surveys in the last four complete quarters of the filter.</p>"]
    grid = words.department_grid(benchmark_rows(r.con, r.flt, state, by_department=True), r.names)
    if len(grid) > 1:
        parts.append("<h3>Departments: national percentile</h3>" + table_html(
            ["Department", *grid.columns], grid.itertuples(), numbers=tuple(grid.columns)))
    return section_html("benchmarks", "Benchmarks: where we stand among US hospitals",
                        "".join(parts))
