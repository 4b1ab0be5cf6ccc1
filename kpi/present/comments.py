"""What patients say, for people: the comments table and its figures (no UI imports; the rows
come from kpi.engine.comments)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kpi.comments.classify import THEME_SEPARATOR
from kpi.comments.sentiment import LABELS
from kpi.present.charts import SEQUENTIAL, base_layout, house_figure
from kpi.present.formatting import html_plain
from kpi.scoring import SCALES

# Negative in vermillion, neutral in sky blue, positive in bluish green (Okabe-Ito).
SENTIMENT_COLOURS = {"negative": "#D55E00", "neutral": "#56B4E9", "positive": "#009E73"}
TREND_COLUMNS = 3
TABLE_COLUMNS = ["response_date", "department_id", "department", "overall_answer", "themes",
                 "sentiment", "score", "comment"]


def answer_text(answer, scale_name) -> str:
    """The respondent's overall answer with its scale ('9 of 0-10'); '' when not answered."""
    if answer is None or pd.isna(answer):
        return ""
    scale = SCALES.get(scale_name)
    return f"{int(answer)}" if scale is None else f"{int(answer)} of {scale.low:g}-{scale.high:g}"


def comment_table(shown: pd.DataFrame, names: Mapping[str, str],
                  labels: Mapping[str, str]) -> pd.DataFrame:
    """The comments as people read them (and the download writes them): department name,
    overall answer with its scale, theme labels joined by ';'."""
    return pd.DataFrame({
        "response_date": shown["response_date"].dt.date,
        "department_id": shown["department_id"],
        "department": shown["department_id"].map(lambda d: names.get(d, d)),
        "overall_answer": [answer_text(a, s) for a, s in zip(shown["overall_answer"],
                                                             shown["overall_scale"])],
        "themes": [f"{THEME_SEPARATOR} ".join(labels.get(t, t) for t in themes)
                   for themes in shown["themes"]],
        "sentiment": shown["sentiment"],
        "score": shown["score"],
        "comment": shown["comment"]}, columns=TABLE_COLUMNS)


def theme_trends(months: pd.DataFrame, labels: Mapping[str, str],
                 title: str | None = None) -> go.Figure:
    """One small chart per theme: comments by sentiment (stacked) over the window's months."""
    themes = list(dict.fromkeys(months["theme_id"]))
    rows = max(1, math.ceil(len(themes) / TREND_COLUMNS))
    fig = make_subplots(rows=rows, cols=TREND_COLUMNS, shared_xaxes=True,
                        subplot_titles=[html_plain(labels.get(t, t)) for t in themes],
                        vertical_spacing=0.35 / rows)
    traces, rows_at, columns_at = [], [], []
    for i, theme in enumerate(themes):
        for sentiment in LABELS:
            part = months[(months["theme_id"] == theme) & (months["sentiment"] == sentiment)]
            traces.append(dict(
                type="bar", x=part["month"].dt.strftime("%Y-%m"), y=part["comments"],
                name=sentiment, marker=dict(color=SENTIMENT_COLOURS[sentiment]),
                legendgroup=sentiment, showlegend=i == 0,
                hovertemplate=f"{html_plain(labels.get(theme, theme))}<br>%{{x}}: "
                              f"%{{y:,}} {sentiment}<extra></extra>"))
            rows_at.append(i // TREND_COLUMNS + 1)
            columns_at.append(i % TREND_COLUMNS + 1)
    fig.add_traces(traces, rows=rows_at, cols=columns_at)  # one call: each add_trace revalidates
    fig.layout.barmode = "stack"
    fig.update_xaxes(type="category")
    return base_layout(fig, title, 200 * rows + 120)


def theme_department_heatmap(grid: pd.DataFrame, labels: Mapping[str, str],
                             names: Mapping[str, str], title: str | None = None) -> go.Figure:
    """Comments per theme (columns) and department (rows), counts written in the cells."""
    table = grid.assign(
        theme=grid["theme_id"].map(lambda t: html_plain(labels.get(t, t))),
        department=grid["department_id"].map(lambda d: html_plain(names.get(d, d))))
    columns = list(dict.fromkeys(table["theme"]))
    rows = sorted(dict.fromkeys(table["department"]), reverse=True)
    counts = table.pivot(index="department", columns="theme", values="comments").reindex(
        index=rows, columns=columns)
    return house_figure([dict(
        type="heatmap", z=counts.to_numpy(dtype=float), x=columns, y=rows, colorscale=SEQUENTIAL,
        text=counts.astype("Int64").astype(str).to_numpy(), texttemplate="%{text}",
        hovertemplate="%{y} · %{x}: %{z:,} comments<extra></extra>",
        colorbar=dict(title=dict(text="comments")))], title, max(260, 30 * len(rows) + 160),
        xaxis=dict(type="category"), yaxis=dict(type="category"))
