"""Complaints: volume and rate over time, categories, deadline performance, open backlog."""

import streamlit as st

from kpi import breakdowns, charts
from kpi.breakdowns import AGE_BANDS
from ui.context import page_context
from ui.widgets import definitions, headline, page_header

KPIS = ("complaint_count", "complaints_per_1000_visits", "ack_within_3_working_days",
        "resolved_within_7_days", "median_days_to_resolve", "open_complaints")
DEADLINES = ("ack_within_3_working_days", "resolved_within_7_days")
HOLIDAYS = ("Working days are Monday to Friday; public holidays are not modelled, so a "
            "deadline that spans a holiday is counted as if the holiday were a working day.")


def show_volume(ctx) -> None:
    """Complaints received and the rate per 1,000 visits, by month."""
    st.header("Volume and rate")
    definitions(ctx.pick(("complaint_count", "complaints_per_1000_visits")).values())
    left, right = st.columns(2)
    for column, kpi_id in zip((left, right), ("complaint_count", "complaints_per_1000_visits")):
        with column:
            rows = ctx.compute([kpi_id], ["month"])
            st.plotly_chart(charts.trend_chart(rows, title=f"{ctx.kpis[kpi_id].label} by month"),
                            key=f"trend_{kpi_id}")


def show_categories(ctx) -> None:
    """Complaints received in the filter, per category."""
    st.header("By category")
    frame = ctx.read(breakdowns.complaints_by_category)
    if frame.empty:
        st.info("No complaints were received in this filter.")
        return
    st.plotly_chart(charts.count_bars(frame["category"].str.replace("_", " "),
                                      frame["complaints"], "category",
                                      title="Complaints received, by category"))


def show_deadlines(ctx) -> None:
    """Acknowledged within 3 working days and resolved within 7 days, by month."""
    st.header("Deadline performance")
    definitions(ctx.pick(DEADLINES).values())
    st.caption(HOLIDAYS)
    rows = ctx.compute(DEADLINES, ["month"])
    st.plotly_chart(charts.trend_chart(rows, title="Share of complaints handled in time, by month"),
                    key="trend_deadlines")


def show_backlog(ctx) -> None:
    """Complaints still open at the end of the window, per department and age."""
    st.header("Open backlog")
    definitions([ctx.kpis["open_complaints"]], "Definition")
    frame = ctx.read(breakdowns.open_backlog)
    if frame.empty:
        st.info(f"No complaint was open on {ctx.flt.end}.")
        return
    st.plotly_chart(charts.stacked_bars(frame, "department_id", "age_band", "complaints",
                                        ctx.names, AGE_BANDS,
                                        title=f"Open on {ctx.flt.end}, by age since receipt"))


def main() -> None:
    """The complaints page for the sidebar filter."""
    ctx = page_context()
    page_header("Complaints", ctx.flt, "Complaints and grievances received")
    headline(ctx, KPIS, "complaint data")
    show_volume(ctx)
    show_categories(ctx)
    show_deadlines(ctx)
    show_backlog(ctx)


main()
