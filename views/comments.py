"""What patients say: the patients' comments, searched and narrowed by theme and sentiment, with
their themes over time and by department; only for those who may read them, each view
audited, the text always plain and masked."""

import streamlit as st

from kpi.comments.sentiment import LABELS
from kpi.engine.comments import MOST_NEGATIVE, NEWEST, CommentChoice
from kpi.errors import UsageError
from kpi.export import comments_csv, snapshot_file_name
from kpi.present.comments import comment_table, theme_department_heatmap, theme_trends
from kpi.present.formatting import markdown_plain, suppressed_text
from ui import comment_data, data
from ui.audit_trail import audited_download
from ui.chart_view import show_chart
from ui.comments_access import audited_comment_view, comment_context
from ui.context import page_context
from ui.exporting import download_allowed
from ui.widgets import page_header, threshold

SEARCH_HELP = ('Words and "quoted phrases"; a comment must hold every one, in any case. '
               "Characters match themselves (% and _ are no wildcards). The masked text is "
               "searched, so a masked name or number finds nothing.")
NOT_CLASSIFIED = ("The comments of this database have not been classified yet: rebuild its "
                  "summary tables once with `python -m kpi refresh` (or load new data).")


def comment_choice(labels: dict[str, str]) -> CommentChoice:
    """The search box, theme and sentiment choices and the order, as the engine's choice."""
    search = st.text_input("Search the comments", key="comments_search",
                           placeholder='words or "a phrase"', help=SEARCH_HELP)
    theme_column, sentiment_column, order_column = st.columns(3)
    themes = theme_column.multiselect("Themes (any of)", list(labels), format_func=labels.get,
                                      key="comments_themes", placeholder="All")
    sentiments = sentiment_column.multiselect("Sentiment", LABELS, key="comments_sentiments",
                                              placeholder="All")
    order = order_column.radio("Order", (NEWEST, MOST_NEGATIVE), key="comments_order",
                               format_func=lambda o: f"{o.capitalize()} first", horizontal=True)
    return CommentChoice(search.strip(), tuple(themes), tuple(sentiments), order)


def show_list(ctx, found, labels: dict[str, str]) -> None:
    """The comments shown, as plain text in a table (masked; the newest or most negative)."""
    shown = len(found.shown)
    st.caption(f"{found.matches:,} comments match" + (
        f"; the first {shown:,} are listed." if shown < found.matches else ".")
        + " Personal details are masked; sentiment blends the text with the overall answer.")
    table = comment_table(found.shown, ctx.names, labels)
    st.dataframe(table.drop(columns="department_id"), hide_index=True, column_config={
        "response_date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
        "overall_answer": st.column_config.TextColumn("overall answer"),
        "score": st.column_config.NumberColumn("score", format="%.2f"),
        "comment": st.column_config.TextColumn("comment", width="large")})


def show_download(ctx, choice: CommentChoice, matches: int, labels: dict[str, str]) -> None:
    """Every matching comment as a formula-safe CSV, for those who may download these
    departments (audited when clicked)."""
    allowed = download_allowed(ctx)
    if allowed is None:
        return
    if not allowed:
        st.caption("Downloads of these departments' comments are not part of your access.")
        return
    every = comment_data.found_comments(ctx.key, ctx.flt, choice, limit=None)
    table = comment_table(every.shown, ctx.names, labels)
    st.download_button(f"Download these {matches:,} comments (CSV for Excel)",
                       audited_download(lambda: comments_csv(table, excel=True), ctx.flt,
                                        matches),
                       file_name=snapshot_file_name(ctx.flt, "comments"), mime="text/csv",
                       on_click="ignore", key="comments_download")


def show_counts(ctx, choice: CommentChoice, labels: dict[str, str]) -> None:
    """Matching comments per theme by sentiment over the months, and per theme x department."""
    st.header("Themes over time")
    st.caption("A comment counts once under each of its themes.")
    months = comment_data.theme_months(ctx.key, ctx.flt, choice)
    show_chart(theme_trends(months, labels, title="Comments by sentiment and month, per theme"),
               months, "comment_theme_months")
    st.header("Themes by department")
    grid = comment_data.theme_grid(ctx.key, ctx.flt, choice)
    show_chart(theme_department_heatmap(grid, labels, ctx.names,
                                        title="Comments per theme and department"),
               grid, "comment_theme_departments")


def main() -> None:
    """The comments page for the sidebar filter."""
    ctx = page_context()
    page_header("What patients say", ctx,
                "Patients' own words: themes, sentiment and search")
    if not data.derived_current(ctx.key):
        st.info(NOT_CLASSIFIED)
        return
    narrowed = comment_context(ctx)
    if narrowed is None:
        return
    labels = comment_data.theme_labels(ctx.key)
    choice = comment_choice(labels)
    try:
        found = comment_data.found_comments(narrowed.key, narrowed.flt, choice)
    except UsageError:
        st.info("The comments of the chosen departments are not part of your access.")
        return
    if found.withheld_departments:
        where = markdown_plain(", ".join(sorted(ctx.names.get(d, d)
                                                for d in found.withheld_departments)))
        limit = threshold(ctx.kpis["patient_satisfaction"])
        st.caption(f"Comments withheld for {where}: {suppressed_text(limit)} in this filter.")
    if not found.matches:
        st.info("No comment matches this filter and these choices.")
        return
    if not audited_comment_view(ctx, len(found.shown)):
        return
    show_list(narrowed, found, labels)
    show_download(narrowed, choice, found.matches, labels)
    show_counts(narrowed, choice, labels)


main()
