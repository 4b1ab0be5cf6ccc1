"""Satisfaction: domain scores by department and month, the overall rating, patient comments."""

import streamlit as st

from kpi.catalog.kpis import DOMAIN_KPI_PREFIX
from kpi.engine import breakdowns
from kpi.present import charts, pages
from kpi.present.chart_tables import counts_table, rows_table
from kpi.present.formatting import markdown_plain, suppressed_text
from kpi.present.heatmap import heatmap
from ui.chart_view import show_chart
from ui.comments_access import audited_comment_view, comment_reading
from ui.comparisons import department_funnel
from ui.context import page_context
from ui.drawings import drawn
from ui.drivers_view import key_drivers_section
from ui.layout import phone_layout
from ui.spc_view import definitions_and_guide, spc_trends
from ui.tabs import open_tabs
from ui.widgets import headline, page_header, threshold, withheld_legend

HEADLINE = pages.SATISFACTION_HEADLINE


def domain_ids(kpis) -> list[str]:
    """The overall top-box KPI and every patient domain KPI of the database."""
    return [pages.SATISFACTION_OVERALL, *[k for k in kpis if k.startswith(DOMAIN_KPI_PREFIX)]]


def show_domains(ctx) -> None:
    """Domain top-box % by month (control chart of the chosen one), by department (grid), and
    one domain by both."""
    ids = domain_ids(ctx.kpis)
    st.header("Domain scores")
    definitions_and_guide(ctx, ctx.pick(ids).values())
    spc_trends(ctx, ids, "spc_satisfaction")
    department_funnel(ctx, "patient_satisfaction", "funnel_satisfaction")
    by_dept = ctx.compute(ids, ["department"])
    labels = {k: ctx.kpis[k].label.removesuffix(" top-box %") for k in ids}
    min_n = ctx.settings.min_n_for(ctx.kpis["patient_satisfaction"].kind)
    limit = threshold(ctx.kpis["patient_satisfaction"])
    phone = phone_layout()
    show_chart(*drawn(ctx, ("domains by department", phone), lambda: (
        heatmap(by_dept, "department_id", "kpi_id", ctx.names, labels,
                title="Top-box % by department and domain", threshold=limit, min_n=min_n,
                cell_text=not phone),
        rows_table(by_dept, ctx.names, limit, labels))), "sat_domains_grid")
    withheld_legend(by_dept, ctx.kpis["patient_satisfaction"])
    chosen = st.selectbox("Domain by department and month", ids,
                          format_func=lambda k: ctx.kpis[k].label, key="sat_domain")
    grid = ctx.compute([chosen], ["department", "month"])
    show_chart(*drawn(ctx, ("domain by department and month", chosen, phone), lambda: (
        heatmap(grid, "department_id", "month", ctx.names,
                title=f"{ctx.kpis[chosen].label} by department and month",
                threshold=limit, min_n=min_n, cell_text=not phone),
        rows_table(grid, ctx.names, limit))), "sat_domain_months")
    withheld_legend(grid, ctx.kpis[chosen])


def show_rating(ctx) -> None:
    """The answer distribution of each overall-rating question."""
    st.header("Overall rating: how patients answered")
    frame = ctx.read(breakdowns.rating_distribution)
    for question_id, rows in frame.groupby("question_id", sort=True):
        text = rows["question_text"].iloc[0] or question_id
        if rows["suppressed"].any():
            limit = threshold(ctx.kpis["patient_satisfaction"])
            st.info(f"{markdown_plain(text)}: {suppressed_text(limit)} "
                    "in this filter; the distribution is withheld.")
            continue
        answers, counts = rows["answer"].astype(int), rows["responses"].astype(int)
        show_chart(charts.count_bars(answers, counts, "answer", shares=rows["share"],
                                     title=f"{text} (n = {int(rows['n'].iloc[0]):,} answers)"),
                   counts_table(answers, counts, "answer", rows["share"]), f"rating_{question_id}")


def show_comments(ctx) -> None:
    """Patient comments for the filter, as plain text; small departments withheld; only
    those this person may read, and each view audited."""
    st.header("Patient comments")
    st.page_link("views/comments.py", label="Search them, with themes and sentiment: "
                 "What patients say")
    found = comment_reading(ctx)
    if found is None:
        return
    limit = threshold(ctx.kpis["patient_satisfaction"])
    if found.withheld_departments:
        where = markdown_plain(", ".join(sorted(ctx.names.get(d, d)
                                                for d in found.withheld_departments)))
        st.caption(f"Comments withheld for {where}: {suppressed_text(limit)} in this filter.")
    if found.shown.empty:
        st.info("No comments to show for this filter.")
        return
    table = found.shown.assign(department=found.shown["department_id"].map(ctx.names))
    if not audited_comment_view(ctx, len(table)):
        return
    st.caption(f"The {len(table):,} most recent comments, shown exactly as written.")
    st.dataframe(table[["response_date", "department", "comment"]], hide_index=True,
                 column_config={"response_date": st.column_config.DateColumn(
                                    "date", format="YYYY-MM-DD"),
                                "comment": st.column_config.TextColumn("comment", width="large")})


def show_scores(ctx) -> None:
    """The Scores tab: domain scores, then how patients answered the overall rating."""
    show_domains(ctx)
    show_rating(ctx)


def main() -> None:
    """The satisfaction page for the sidebar filter."""
    ctx = page_context()
    ctx = ctx.asking([*HEADLINE, *domain_ids(ctx.kpis)])
    page_header("Satisfaction", ctx, "Top-box scores of the patient survey")
    headline(ctx, HEADLINE, "patient survey answers", data_kpi="patient_satisfaction")
    for show, tab in open_tabs({"Scores": show_scores, "Key drivers": key_drivers_section,
                                "Comments": show_comments}, "satisfaction_tab"):
        with tab:
            show(ctx)


main()
