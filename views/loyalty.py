"""Loyalty: would recommend, Net Promoter Score with its interval, return visits."""

from dataclasses import replace

import streamlit as st

from kpi.present import charts, pages
from kpi.present.chart_tables import rows_table
from kpi.present.comparison_words import cohort_words
from kpi.present.formatting import markdown_plain
from kpi.spc.months import followed_cohort
from ui import data
from ui.chart_view import show_chart
from ui.comparisons import department_funnel
from ui.context import page_context
from ui.spc_view import definitions_and_guide, spc_trend
from ui.widgets import headline, kpi_tile, page_header, threshold

RETURNS = pages.LOYALTY_RETURNS
KPIS = pages.LOYALTY
LABELS = {"return_visit_rate": "Return visits (loyalty)",
          "return_visit_rate_90d": "Return visits within 90 days"}
NOT_READMISSION = ("Return visits measure loyalty: patients choosing to come back. This is "
                   "not a readmission measure and says nothing about quality of care.")


def show_kpi(ctx, kpi_id: str) -> None:
    """One KPI by department (dots with 95 % intervals, a funnel) and by month (control
    chart)."""
    kpi = ctx.kpis[kpi_id]
    label = LABELS.get(kpi_id, kpi.label)
    st.header(markdown_plain(label))
    definitions_and_guide(ctx, [kpi], "Definition")
    by_dept = ctx.compute([kpi_id], ["department"])
    department_chart(by_dept, kpi, ctx.names, f"{label} by department")
    spc_trend(ctx, kpi_id, f"spc_{kpi_id}", label)
    department_funnel(ctx, kpi_id, f"funnel_{kpi_id}")


def department_chart(by_dept, kpi, names, title: str) -> None:
    """One KPI by department: dots with 95 % intervals, and the same rows as a table (the
    whole width: beside another chart a laptop cut the department names)."""
    limit = threshold(kpi)
    show_chart(charts.department_chart(by_dept, names, title=title, threshold=limit),
               rows_table(by_dept, names, limit), f"departments_{kpi.id}")


def follow_up_missing(days: int) -> str:
    """What the page says when no cohort has `days` of follow-up yet."""
    return (f"No patient has {days} days of follow-up yet: a first visit counts only once "
            f"{days} days have passed by the data's as-of date.")


def show_return_visits(ctx, kpi_id: str) -> None:
    """A return rate of the latest complete months whose patients all have the KPI's
    follow-up (the cohort named on its tile), by department (dots and a funnel among the
    departments), and by month of the sidebar filter (control chart)."""
    kpi = ctx.kpis[kpi_id]
    st.header(LABELS[kpi_id])
    definitions_and_guide(ctx, [kpi], "Definition")
    st.caption(NOT_READMISSION)
    window = followed_cohort(data.data_as_of(ctx.key)["visits"], kpi.days,
                             pages.cohort_months(kpi.days))
    if window is None or window[1] < window[0]:
        st.info(follow_up_missing(kpi.days))
        return
    cohort = replace(ctx, flt=ctx.flt.with_window(*window)).asking([kpi_id])
    row = cohort.compute([kpi_id]).set_index("kpi_id").loc[kpi_id]
    kpi_tile(kpi, row, label=f"Return visits: {cohort_words(*window, kpi.days)}")
    by_dept = cohort.compute([kpi_id], ["department"])
    department_chart(by_dept, kpi, ctx.names, f"{LABELS[kpi_id]} by department (cohort)")
    spc_trend(ctx, kpi_id, f"spc_{kpi_id}", LABELS[kpi_id])
    department_funnel(cohort, kpi_id, f"funnel_{kpi_id}")


def main() -> None:
    """The loyalty page for the sidebar filter."""
    ctx = page_context().asking(KPIS)
    page_header("Loyalty", ctx, "Would patients recommend us, and do they come back?")
    headline(ctx, KPIS[:2], "loyalty data", LABELS)
    for kpi_id in KPIS[:2]:
        show_kpi(ctx, kpi_id)
    for kpi_id in RETURNS:
        if kpi_id in ctx.kpis:
            show_return_visits(ctx, kpi_id)


main()
