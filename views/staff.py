"""Staff morale: engagement, wellbeing and eNPS by month (control charts) and by department; staff
beside patient satisfaction."""

import streamlit as st

from kpi.present import charts, pages
from kpi.present.chart_tables import pair_table, rows_table
from kpi.present.formatting import markdown_plain, suppressed_text
from ui.chart_view import show_chart
from ui.comparisons import department_funnel
from ui.context import page_context
from ui.spc_view import definitions_and_guide, spc_trends
from ui.widgets import definitions, headline, page_header, threshold

KPIS = pages.STAFF
PAIR = pages.STAFF_BESIDE_PATIENTS


def show_scatter(ctx) -> None:
    """Staff engagement against patient satisfaction, one point per department."""
    st.header("Staff engagement beside patient satisfaction")
    definitions(ctx.pick(PAIR).values())
    by_dept = ctx.compute(PAIR, ["department"])
    limit = threshold(ctx.kpis[PAIR[0]])
    show_chart(charts.kpi_scatter(by_dept, *PAIR, ctx.names, threshold=limit,
                                  title=" beside ".join(ctx.kpis[k].label for k in PAIR)
                                  + ", by department"),
               pair_table(by_dept, *PAIR, ctx.names, limit), "staff_beside_patients")
    pairs = charts.pair_kpis(by_dept, *PAIR)
    left_out = pairs[~pairs["plotted"]]
    if len(left_out):
        names = markdown_plain(", ".join(sorted(ctx.names.get(d, d)
                                                for d in left_out["department_id"])))
        st.caption(f"Not plotted: {names} ({suppressed_text(threshold(ctx.kpis[PAIR[0]]))}, "
                   "or no data, on the staff or the patient survey).")
    st.caption("Each point is a department over the whole period; a pattern here is an "
               "association, not a cause.")


def main() -> None:
    """The staff morale page for the sidebar filter."""
    ctx = page_context().asking((*KPIS, *PAIR))
    page_header("Staff morale", ctx, "From the anonymous staff survey")
    headline(ctx, KPIS, "staff survey data")
    st.header("By month")
    definitions_and_guide(ctx, ctx.pick(KPIS).values())
    spc_trends(ctx, KPIS, "spc_staff")
    st.header("By department")
    definitions(ctx.pick(KPIS).values())
    for kpi_id in KPIS:
        rows = ctx.compute([kpi_id], ["department"])
        limit = threshold(ctx.kpis[kpi_id])
        show_chart(charts.department_chart(rows, ctx.names, title=ctx.kpis[kpi_id].label,
                                           threshold=limit),
                   rows_table(rows, ctx.names, limit), f"departments_{kpi_id}")
    department_funnel(ctx, "enps", "funnel_enps")
    show_scatter(ctx)


main()
