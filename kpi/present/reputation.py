"""Figures and words of the Reputation page (no Streamlit): reviews and stars by month per
source or site, the themes of negative reviews."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.catalog.reviews import NEGATIVE_STARS, STARS
from kpi.present.chart_titles import PAIRED_TITLE_CHARS
from kpi.present.charts import count_bars, house_figure
from kpi.present.formatting import html_plain

MEASURES = {"reviews": "reviews", "stars": "mean stars"}
DIMENSIONS = {"source": "source", "site": "site"}
NO_SITE = "(no site)"
NOT_REPLIED = "not replied"


def monthly_lines(frame: pd.DataFrame, dimension: str, measure: str) -> go.Figure:
    """One line per source or site (`dimension`) of a reviews_by_month reader's `measure`
    (reviews, or mean stars on a 1-5 axis) by month; drawn in pairs (its title in their
    shorter lines)."""
    rows = frame[frame["dimension"] == dimension]
    traces = []
    for group, lines in rows.groupby("group", sort=True):
        name = html_plain(str(group).replace("_", " ") or NO_SITE)
        traces.append(dict(
            type="scatter", x=lines["month"], y=lines[measure], mode="lines+markers", name=name,
            customdata=lines["reviews"],
            hovertemplate=f"{name}<br>%{{x|%b %Y}}: %{{y:.2f}} ({MEASURES[measure]})"
                          "<br>%{customdata:,} reviews<extra></extra>"))
    axis = dict(title=MEASURES[measure])
    if measure == "stars":
        axis["range"] = [STARS[0] - 0.1, STARS[1] + 0.1]
    return house_figure(traces, f"{MEASURES[measure].capitalize()} by month and "
                                f"{DIMENSIONS[dimension]}", 360, PAIRED_TITLE_CHARS,
                        yaxis=axis, xaxis=dict(title="month"))


def theme_bars(themes: pd.DataFrame) -> go.Figure:
    """Negative reviews per theme, most frequent first."""
    return count_bars(themes["theme"].str.replace("_", " "), themes["reviews"], "theme",
                      title=f"Reviews of {NEGATIVE_STARS} stars or fewer, by theme")


def listed_reviews(reviews: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The reviews as the page lists them: department names for ids, no site as blank, dates
    as days, 'not replied' where the hospital has not answered."""
    replied = pd.to_datetime(reviews["response_date"])
    return reviews.assign(
        department=reviews["department_id"].map(lambda d: names.get(d, d) if d else ""),
        review_date=pd.to_datetime(reviews["review_date"]).dt.strftime("%Y-%m-%d"),
        response_date=replied.dt.strftime("%Y-%m-%d").where(replied.notna(), NOT_REPLIED))[
        ["review_date", "source", "site", "department", "stars", "response_date", "text"]]
