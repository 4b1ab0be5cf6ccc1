"""Export: choose KPIs and grouping, preview, download the snapshot CSV (as the CLI writes it)."""

from dataclasses import replace

import streamlit as st

from kpi.engine.scope import GROUPINGS
from kpi.export import snapshot_file_name
from ui.context import page_context
from ui.exporting import cli_command, deferred_snapshot, export_filter
from ui.widgets import definitions, page_header

PREVIEW_ROWS = 500


def main() -> None:
    """The export page for the sidebar filter."""
    ctx = page_context()
    ctx = replace(ctx, flt=export_filter(ctx.flt))
    page_header("Export", ctx.flt, "A KPI snapshot CSV: the same file as `python -m kpi export` "
                                   "writes for the same choices")
    chosen = st.multiselect("KPIs", list(ctx.kpis), key="export_kpis",
                            format_func=lambda k: f"{ctx.kpis[k].label} ({k})",
                            placeholder="All KPIs")
    definitions(ctx.pick(chosen or ctx.kpis).values())
    group_by = st.pills("Group by", list(GROUPINGS), selection_mode="multi", key="export_by",
                        help="Without grouping: one row per KPI for the whole filter.")
    group_by = [g for g in GROUPINGS if g in (group_by or [])]
    rows = ctx.compute(chosen, group_by)
    st.download_button("Download snapshot CSV", deferred_snapshot(rows, ctx.flt), on_click="ignore",
                       file_name=snapshot_file_name(ctx.flt),
                       mime="text/csv", type="primary")
    st.caption(f"{len(rows):,} rows. Withheld values (fewer than the threshold of responses) "
               "are empty with suppressed = true; numbers are at full precision.")
    st.dataframe(rows.head(PREVIEW_ROWS), hide_index=True)
    st.caption("The same file from the command line:")
    st.code(cli_command(chosen, ctx.flt, group_by), language="bash")


main()
