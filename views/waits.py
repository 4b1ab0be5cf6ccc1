"""Respect for time: median wait and % seen within 15 minutes, by month (control charts) and by
department and month."""

from functools import partial

import streamlit as st

from kpi.catalog.kinds import Direction
from kpi.present import pages
from kpi.present.chart_tables import rows_table
from kpi.present.formatting import markdown_plain
from kpi.present.heatmap import heatmap
from ui.chart_view import show_chart
from ui.comparisons import department_funnel
from ui.context import page_context
from ui.drawings import drawn
from ui.layout import phone_layout
from ui.spc_view import definitions_and_guide, spc_trend
from ui.widgets import headline, page_header, threshold

KPIS = pages.WAITS


def month_grid(ctx, kpi, phone: bool) -> tuple:
    """One wait KPI by department and month: the heatmap and its table."""
    grid = ctx.compute([kpi.id], ["department", "month"])
    return (heatmap(grid, "department_id", "month", ctx.names,
                    title=f"{kpi.label} by department and month", threshold=threshold(kpi),
                    lower_is_better=kpi.direction == Direction.LOWER,
                    min_n=ctx.settings.min_n_for(kpi.kind), cell_text=not phone),
            rows_table(grid, ctx.names, threshold(kpi)))


def main() -> None:
    """The waits page for the sidebar filter."""
    ctx = page_context().asking(KPIS)
    page_header("Respect for time", ctx, "Waits from arrival or appointment time to being "
                                             "seen, over visits with a wait recorded")
    headline(ctx, KPIS, "recorded waits")
    tables = ctx.spc_tables(KPIS)
    for kpi_id in KPIS:
        kpi = ctx.kpis[kpi_id]
        st.header(markdown_plain(kpi.label))
        definitions_and_guide(ctx, [kpi], "Definition")
        spc_trend(ctx, kpi_id, f"spc_{kpi_id}", table=tables[kpi_id])
        phone = phone_layout()
        show_chart(*drawn(ctx, ("by department and month", kpi_id, phone),
                          partial(month_grid, ctx, kpi, phone)), f"grid_{kpi_id}")
    department_funnel(ctx, "seen_within_15_minutes", "funnel_seen_within")


main()
