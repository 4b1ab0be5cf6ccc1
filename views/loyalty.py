"""Loyalty: would recommend, Net Promoter Score with its interval, return visits."""

import pandas as pd
import streamlit as st

from kpi.present import charts
from ui.comparisons import department_funnel
from ui.context import page_context
from ui.spc_view import definitions_and_guide, spc_trend
from ui.widgets import headline, page_header

KPIS = ("recommend_top_box", "nps", "return_visit_rate")
LABELS = {"return_visit_rate": "Return visits (loyalty)"}
FOLLOW_UP = ("No patient in this filter has a full year of follow-up yet: a first visit counts "
             "only once 365 days have passed by the data's as-of date. Choose a period that "
             "ends at least a year before the latest visit (for example 'All dates').")
NOT_READMISSION = ("Return visits measure loyalty: patients choosing to come back within a "
                   "year. This is not a readmission measure and says nothing about quality "
                   "of care.")


def show_kpi(ctx, kpi_id: str, whole) -> None:
    """One KPI by department (dots with 95 % intervals) and by month (control chart); `whole`
    is its row for the whole filter."""
    kpi = ctx.kpis[kpi_id]
    label = LABELS.get(kpi_id, kpi.label)
    st.header(label)
    definitions_and_guide(ctx, [kpi], "Definition")
    if kpi_id == "return_visit_rate":
        st.caption(NOT_READMISSION)
        if pd.isna(whole["value"]) and not whole["suppressed"]:
            st.info(FOLLOW_UP)
            return
    by_dept = ctx.compute([kpi_id], ["department"])
    left, right = st.columns(2)
    with left:
        st.plotly_chart(charts.department_chart(by_dept, ctx.names, title=f"{label} by department"),
                        key=f"departments_{kpi_id}")
    with right:
        spc_trend(ctx, kpi_id, f"spc_{kpi_id}", label)
    department_funnel(ctx, kpi_id, f"funnel_{kpi_id}")


def main() -> None:
    """The loyalty page for the sidebar filter."""
    ctx = page_context()
    page_header("Loyalty", ctx.flt, "Would patients recommend us, and do they come back?")
    rows = headline(ctx, KPIS, "loyalty data", LABELS)
    for kpi_id, whole in rows.set_index("kpi_id").loc[list(KPIS)].iterrows():
        show_kpi(ctx, kpi_id, whole)


main()
