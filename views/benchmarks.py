"""Benchmarks: the HCAHPS-coded questions against US hospitals (CMS), nationally and in the
state of the settings, with an unadjusted star estimate."""

import streamlit as st

from kpi.errors import PxError
from kpi.hcahps.measures import STAR_LABEL, STAR_MIN_SURVEYS
from kpi.hcahps.table import current_table
from kpi.present import benchmark_words as words
from kpi.present.formatting import markdown_plain
from kpi.stats import SUPPRESSION_THRESHOLD
from ui import judged_tables
from ui.context import page_context
from ui.widgets import page_header


def main() -> None:
    """The benchmarks page for the sidebar filter."""
    ctx = page_context()
    page_header("Benchmarks", ctx, "Top-box % of the HCAHPS-coded questions placed among "
                                       "US hospitals")
    table = current_table()
    state = ctx.settings.benchmark_state
    st.caption(f"Benchmark: {markdown_plain(words.period_words(table))}. Percentiles are "
               "mid-ranks among the hospitals with a published value"
               + ("" if state else "; set `[benchmarks] state` in the settings file for a "
                                   "state percentile") + ".")
    try:
        rows = judged_tables.benchmarks(ctx.key, ctx.flt, state, False)
        by_department = judged_tables.benchmarks(ctx.key, ctx.flt, state, True)
    except PxError as err:
        st.error(markdown_plain(err))
        st.stop()
    if rows.empty:
        st.info("No question of the catalog carries an HCAHPS measure code (the optional "
                "column hcahps_measure of questions), so there is nothing to benchmark.")
        st.stop()
    st.header("This filter")
    st.dataframe(words.standing_table(rows, state, SUPPRESSION_THRESHOLD), hide_index=True)
    st.subheader("Star estimate")
    st.markdown(markdown_plain(words.summary_words(rows)))
    st.caption(f"Stars are {STAR_LABEL}. They need at least {STAR_MIN_SURVEYS} surveys in the "
               "last four complete quarters of the filter; the cut points are those CMS "
               f"used for {table.start} to {table.end}.")
    st.header("Departments: national percentile")
    st.dataframe(words.department_grid(by_department, ctx.names))


main()
