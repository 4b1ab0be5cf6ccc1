"""Export: choose KPIs and grouping, preview, download the snapshot CSV (as the CLI writes it)."""

from dataclasses import replace

import streamlit as st

from kpi.engine.scope import GROUPINGS
from kpi.export import snapshot_file_name
from ui.context import page_context
from ui.exporting import cli_command, deferred_snapshot, export_filter
from ui.widgets import definitions, page_header

PREVIEW_ROWS = 500
EXCEL_NOTE = ("The first button's file starts with a byte order mark, so that Excel reads it as "
              "UTF-8 (accents and symbols intact) when opened with a double click. The plain "
              "file is the same data without the mark, for scripts, databases and other tools.")


def main() -> None:
    """The export page for the sidebar filter."""
    ctx = page_context()
    ctx = replace(ctx, flt=export_filter(ctx.flt))
    page_header("Export", ctx, "A KPI snapshot CSV: the same file as `python -m kpi export` "
                                   "writes for the same choices")
    chosen = st.multiselect("KPIs", list(ctx.kpis), key="export_kpis",
                            format_func=lambda k: f"{ctx.kpis[k].label} ({k})",
                            placeholder="All KPIs")
    definitions(ctx.pick(chosen or ctx.kpis).values())
    group_by = st.pills("Group by", list(GROUPINGS), selection_mode="multi", key="export_by",
                        help="Without grouping: one row per KPI for the whole filter.")
    group_by = [g for g in GROUPINGS if g in (group_by or [])]
    rows = ctx.compute(chosen, group_by)
    name = snapshot_file_name(ctx.flt)
    excel, plain = st.columns(2)
    excel.download_button("Download for Excel (CSV, UTF-8 with BOM)",
                          deferred_snapshot(rows, ctx.flt, excel=True), on_click="ignore",
                          file_name=name, mime="text/csv", type="primary", key="export_excel")
    plain.download_button("Download plain CSV (UTF-8)", deferred_snapshot(rows, ctx.flt),
                          on_click="ignore", file_name=name, mime="text/csv", key="export_plain")
    st.caption(EXCEL_NOTE)
    st.caption(f"{len(rows):,} rows. Withheld values (fewer than the threshold of responses) "
               "are empty with suppressed = true; numbers are at full precision, and "
               "value_display shows each value rounded as the dashboard shows it.")
    st.dataframe(rows.head(PREVIEW_ROWS), hide_index=True)
    st.caption("The same files from the command line (plain; add `--excel` for Excel's):")
    st.code(cli_command(chosen, ctx.flt, group_by), language=None)  # no syntax colours: they fall below 4.5:1


main()
