"""Reputation: online reviews' stars, volume, negative share and replies over time, by source
and site, the themes of negative reviews, and the reviews themselves (masked, searchable)."""

import streamlit as st

from kpi.catalog.reviews import SITE_RULE
from kpi.engine import review_readers
from kpi.present import pages, reputation
from kpi.present.review_search import matching_reviews
from ui.chart_view import show_chart
from ui.context import page_context
from ui.spc_view import definitions_and_guide, spc_trends
from ui.tabs import open_tabs
from ui.widgets import headline, page_header

KPIS = pages.REPUTATION
SHOWN_REVIEWS = 500


def show_trends(ctx) -> None:
    """The reputation KPIs by month (control charts, one tab each)."""
    st.header("Over time")
    definitions_and_guide(ctx, ctx.pick(KPIS).values())
    st.caption(SITE_RULE)
    spc_trends(ctx, pages.REPUTATION_CHARTS, "spc_reputation")


def show_sources_and_sites(ctx) -> None:
    """Reviews and mean stars by month, per source and per site."""
    st.header("By source and site")
    frame = ctx.read(review_readers.reviews_by_month)
    if frame.empty:
        st.info("No reviews were posted in this filter.")
        return
    for dimension, tab in open_tabs(dict(zip(["By source", "By site"], reputation.DIMENSIONS)),
                                    "reputation_tab"):
        with tab:
            for column, measure in zip(st.columns(2), reputation.MEASURES):
                with column:
                    rows = frame[frame["dimension"] == dimension]
                    show_chart(reputation.monthly_lines(frame, dimension, measure),
                               rows[["month", "group", measure, "reviews"]].rename(
                                   columns={"group": dimension}),
                               f"{dimension}_{measure}",
                               alt=f"{reputation.MEASURES[measure].capitalize()} by month "
                                   f"and {dimension}")


def show_replies(ctx) -> None:
    """Replies by star rating: reviews, replied, median days to reply."""
    st.header("Replies by stars")
    frame = ctx.read(review_readers.replies_by_stars)
    if frame.empty:
        st.info("No reviews were posted in this filter.")
        return
    st.dataframe(frame, hide_index=True, column_config={
        "median_days": st.column_config.NumberColumn("median days to reply", format="%.1f")})


def show_themes(ctx) -> None:
    """What the negative reviews are about (the comment themes)."""
    st.header("Themes of negative reviews")
    themes = ctx.read(review_readers.negative_review_themes)
    if themes.empty:
        st.info("No negative review with a theme in this filter.")
        return
    show_chart(reputation.theme_bars(themes), themes, "themes",
               alt="Themes of negative reviews")


def show_reviews(ctx) -> None:
    """The reviews themselves, newest first, personal details masked, searchable."""
    st.header("The reviews")
    query = st.text_input("Search the reviews (words, or \"a phrase\")", key="review_search")
    found = matching_reviews(ctx.read(review_readers.review_texts), query)
    st.caption(f"{len(found):,} reviews match; the newest {min(len(found), SHOWN_REVIEWS):,} "
               "are shown as plain text, with personal details masked.")
    st.dataframe(reputation.listed_reviews(found.head(SHOWN_REVIEWS), ctx.names),
                 hide_index=True,
                 column_config={"text": st.column_config.TextColumn("text", width="large")})


def main() -> None:
    """The reputation page for the sidebar filter."""
    ctx = page_context().asking(KPIS)
    page_header("Reputation", ctx, "What patients say about us in public online reviews")
    headline(ctx, KPIS, "online reviews", data_kpi="review_rating_mean")
    show_trends(ctx)
    show_sources_and_sites(ctx)
    show_replies(ctx)
    show_themes(ctx)
    show_reviews(ctx)


main()
