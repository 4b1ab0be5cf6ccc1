"""Complaints: volume and rate over time, categories, deadline performance, open backlog, and
the worklist of the complaints themselves."""

import streamlit as st

from kpi.engine import breakdowns
from kpi.engine.breakdowns import AGE_BANDS
from kpi.present import charts, pages
from kpi.present.chart_tables import counts_table, stacked_table
from ui.chart_view import show_chart
from ui.comparisons import department_funnel
from ui.context import page_context
from ui.spc_view import definitions_and_guide, spc_trend, spc_trends
from ui.tabs import open_tabs
from ui.widgets import definitions, headline, page_header
from ui.worklist_view import show_worklist

KPIS = pages.COMPLAINTS
VOLUME = pages.COMPLAINTS_VOLUME
DEADLINES = pages.COMPLAINTS_DEADLINES
HOLIDAYS = ("Working days are Monday to Friday, less the public holidays of the delivery's "
            "optional holidays file; without that file only weekends are skipped.")


def show_volume(ctx) -> None:
    """Complaints received and the rate per 1,000 visits, by month (control charts)."""
    st.header("Volume and rate")
    definitions_and_guide(ctx, ctx.pick(VOLUME).values())
    tables = ctx.spc_tables(VOLUME)
    for column, kpi_id in zip(st.columns(2), VOLUME):
        with column:
            spc_trend(ctx, kpi_id, f"spc_{kpi_id}", table=tables[kpi_id], paired=True)
    department_funnel(ctx, "complaints_per_1000_visits", "funnel_complaint_rate")


def show_categories(ctx) -> None:
    """Complaints received in the filter, per category."""
    st.header("By category")
    frame = ctx.read(breakdowns.complaints_by_category)
    if frame.empty:
        st.info("No complaints were received in this filter.")
        return
    categories = frame["category"].str.replace("_", " ")
    show_chart(charts.count_bars(categories, frame["complaints"], "category",
                                 title="Complaints received, by category"),
               counts_table(categories, frame["complaints"], "category"), "categories")


def show_deadlines(ctx) -> None:
    """Acknowledged within 3 working days and resolved within 7 days, by month (control
    charts, one tab each)."""
    st.header("Deadline performance")
    definitions_and_guide(ctx, ctx.pick(DEADLINES).values())
    st.caption(HOLIDAYS)
    spc_trends(ctx, DEADLINES, "spc_deadlines")


def show_backlog(ctx) -> None:
    """Complaints still open at the end of the window, per department and age."""
    st.header("Open backlog")
    definitions([ctx.kpis["open_complaints"]], "Definition")
    frame = ctx.read(breakdowns.open_backlog)
    if frame.empty:
        st.info(f"No complaint was open on {ctx.flt.end}.")
        return
    show_chart(charts.stacked_bars(frame, "department_id", "age_band", "complaints", ctx.names,
                                   AGE_BANDS, title=f"Open on {ctx.flt.end}, by age since receipt"),
               stacked_table(frame, "department_id", "age_band", "complaints", ctx.names,
                             AGE_BANDS), "backlog")


def show_charts(ctx) -> None:
    """The Charts tab: volume and rate, categories, deadlines, the open backlog."""
    show_volume(ctx)
    show_categories(ctx)
    show_deadlines(ctx)
    show_backlog(ctx)


def main() -> None:
    """The complaints page for the sidebar filter."""
    ctx = page_context().asking(KPIS)
    page_header("Complaints", ctx, "Complaints and grievances received")
    backlog = f"Open complaints (backlog on {ctx.flt.end})" if ctx.flt.end else None
    headline(ctx, KPIS, "complaint data", {"open_complaints": backlog} if backlog else None)
    for show, tab in open_tabs({"Charts": show_charts, "Worklist": show_worklist},
                               "complaints_tab"):
        with tab:
            show(ctx)


main()
