"""The control chart of one KPI's monthly series (NHS "Making Data Count" style): points coloured
and shaped by variation, mean, process or trial limits, the target, and every month without a
value marked with the reason."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from kpi.catalog.kpis import Kpi
from kpi.present.chart_titles import TITLE_CHARS
from kpi.present.charts import WITHHELD_COLOUR, house_figure
from kpi.present.formatting import (
    NO_DATA,
    format_n,
    format_value,
    html_plain,
    is_missing,
    suppressed_text,
    unit_label,
)
from kpi.present.spc_labels import (
    CHUNKY,
    COMMON,
    CONCERN,
    IMPROVEMENT,
    NEUTRAL,
    chart_words,
    limits_words,
    point_verdict,
    provisional_name,
    too_few_name,
    variation_badge,
)
from kpi.spc.limits import TOO_FEW_FOR_FIRM_LIMITS
from kpi.stats import SUPPRESSION_THRESHOLD

# Okabe-Ito equivalents of the NHS colours: blue improvement, orange concern, reddish purple
# for a neutral special cause, grey common cause; each with its own marker shape.
VARIATION_STYLE: dict[str, tuple[str, str]] = {
    IMPROVEMENT: ("#0072B2", "triangle-up"),
    CONCERN: ("#E69F00", "triangle-down"),
    NEUTRAL: ("#CC79A7", "diamond"),
    COMMON: ("#8C8C8C", "circle"),
}
VALUE_LINE_COLOUR = "#A6A6A6"
CENTRE_COLOUR = "#000000"
LIMIT_COLOUR = "#595959"
TARGET_COLOUR = "#007A5A"  # Okabe-Ito bluish green, darkened to 4.5:1 on white for its label
MEAN = "Mean"
NO_DATA_MONTH = f"{NO_DATA} this month"
def limits_name(trial: bool) -> str:
    """The legend name of the limit lines ('Trial limits (fewer than N months)' when trial)."""
    return f"Trial limits ({TOO_FEW_FOR_FIRM_LIMITS})" if trial else "Process limits"


def gap_reason(row: pd.Series, threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """Why a month has no point: withheld (fewer than `threshold` responses) or no data."""
    return suppressed_text(threshold) if bool(row["suppressed"]) else NO_DATA_MONTH


def point_hover(row: pd.Series, kpi: Kpi, run_length: int,
                threshold: int = SUPPRESSION_THRESHOLD, through: date | None = None,
                min_n: int = 0) -> str:
    """Hover text of a month: value with unit and n, the signal with its rule (or why it is
    not judged), the limits."""
    month = html_plain(row["month"])
    if is_missing(row["value"]):
        return f"{month}<br>{gap_reason(row, threshold)}"
    value = format_value(row["value"], kpi.unit)
    n = format_n(row["n"])
    lines = [month, f"{value} · {n}" if n else value,
             point_verdict(row, kpi.direction, run_length, through, min_n)]
    if not (is_missing(row["lower"]) or is_missing(row["upper"])):
        lines.append(f"{limits_words(bool(row['trial_limits']))} "
                     f"{format_value(row['lower'], kpi.unit)} to "
                     f"{format_value(row['upper'], kpi.unit)} · mean "
                     f"{format_value(row['centre'], kpi.unit)}")
    return "<br>".join(lines)


def month_dates(months: pd.Series) -> list[str]:
    """'YYYY-MM' months as the first day of the month, for a date axis ('2025-06-01')."""
    return [f"{month}-01" for month in months]


def fitted_range(table: pd.DataFrame, margin: float = 0.08) -> list[float] | None:
    """A y-axis range that fits the values and limits, with a margin (None without any)."""
    numbers = pd.concat([table[c] for c in ("value", "lower", "upper", "centre")]).astype(float)
    numbers = numbers[numbers.notna()]
    if numbers.empty:
        return None
    low, high = float(numbers.min()), float(numbers.max())
    pad = (high - low) * margin or max(abs(high) * margin, 1.0)
    return [low - pad, high + pad]


def _line(table: pd.DataFrame, column: str, name: str, colour: str, dash: str,
          showlegend: bool = True, group: str | None = None) -> dict:
    return dict(type="scatter", x=month_dates(table["month"]), y=table[column], mode="lines",
                name=name, line=dict(color=colour, width=1.5, dash=dash), connectgaps=True,
                hoverinfo="skip", showlegend=showlegend, legendgroup=group or name)


def _unjudged_points(table: pd.DataFrame, rows: pd.Index, name: str, symbol: str,
                     hover: list[str]) -> dict:
    return dict(type="scatter", x=month_dates(table.loc[rows, "month"]),
                y=table.loc[rows, "value"], mode="markers", name=name, cliponaxis=False,
                marker=dict(color=VARIATION_STYLE[COMMON][0], symbol=symbol, size=10,
                            line=dict(width=2)),
                hovertext=[hover[i] for i in rows], hoverinfo="text")


def spc_chart(table: pd.DataFrame, kpi: Kpi, run_length: int, title: str | None = None,
              threshold: int = SUPPRESSION_THRESHOLD, height: int = 420,
              through: date | None = None, min_n: int = 0,
              title_chars: int = TITLE_CHARS) -> go.Figure:
    """The control chart of an spc_detail table (month, value, n, centre, lower, upper, rule,
    variation, target, trial_limits, chart, provisional, suppressed, too_few) for `kpi`;
    `through` is the last day of data (named on the provisional month), `min_n` the least
    n for a verdict; the title in lines of `title_chars` (PAIRED_TITLE_CHARS side by side)."""
    table = table.sort_values("month").reset_index(drop=True)
    traces, annotations = [], []
    trial = bool(table["trial_limits"].any())
    if table["upper"].notna().any():
        traces.append(_line(table, "upper", limits_name(trial), LIMIT_COLOUR, "dash",
                            group="limits"))
        traces.append(_line(table, "lower", f"{limits_name(trial)} (lower)", LIMIT_COLOUR,
                            "dash", showlegend=False, group="limits"))
    if table["centre"].notna().any():
        traces.append(_line(table, "centre", MEAN, CENTRE_COLOUR, "solid"))
    target = table["target"].iloc[0] if len(table) else None
    y_range = fitted_range(table)
    if not is_missing(target) and (y_range is None or y_range[0] <= target <= y_range[1]):
        traces.append(_line(table.assign(target=float(target)), "target",
                            f"Target ({format_value(target, kpi.unit)})", TARGET_COLOUR,
                            "dashdot"))
    elif not is_missing(target):  # far away: a marker at the edge, so the data keep the chart
        above = target > y_range[1]
        annotations.append(dict(
            xref="paper", x=1, y=y_range[1] if above else y_range[0], xanchor="right",
            yanchor="top" if above else "bottom", showarrow=False,
            font=dict(color=TARGET_COLOUR),
            text=f"{'▲' if above else '▼'} Target {format_value(target, kpi.unit)}"
                 f" ({'above' if above else 'below'} the chart)"))
    traces.append(dict(type="scatter", x=month_dates(table["month"]), y=table["value"],
                       mode="lines", name=html_plain(kpi.label), showlegend=False,
                       hoverinfo="skip", line=dict(color=VALUE_LINE_COLOUR, width=2)))
    hover = [point_hover(row, kpi, run_length, threshold, through, min_n)
             for row in table.to_dict("records")]
    for variation, (colour, symbol) in VARIATION_STYLE.items():
        points = table.index[(table["variation"] == variation) & table["value"].notna()]
        if len(points):
            traces.append(dict(
                type="scatter", x=month_dates(table.loc[points, "month"]),
                y=table.loc[points, "value"], mode="markers",
                name=variation_badge(variation).words, cliponaxis=False,
                marker=dict(color=colour, symbol=symbol, size=10,
                            line=dict(color="white", width=1)),
                hovertext=[hover[i] for i in points], hoverinfo="text"))
    provisional = table["provisional"].astype(bool) & table["value"].notna()
    few = ~provisional & table["too_few"].astype(bool)
    coarse = ~provisional & ~few & table["chunky"].astype(bool) & table["value"].notna()
    for rows, name, symbol in (
            (table.index[provisional], provisional_name(through), "circle-open"),
            (table.index[few], too_few_name(min_n), "diamond-open"),
            (table.index[coarse], CHUNKY, "square-open")):
        if len(rows):
            traces.append(_unjudged_points(table, rows, name, symbol, hover))
    gaps = table.index[table["value"].isna()]
    if len(gaps):
        traces.append(dict(
            type="scatter", x=month_dates(table.loc[gaps, "month"]), y=[0.03] * len(gaps),
            yaxis="y2", mode="markers",
            marker=dict(symbol="x-thin-open", size=10, color=WITHHELD_COLOUR,
                        line=dict(width=2)),
            name="No value: " + " or ".join(dict.fromkeys(
                gap_reason(table.loc[i], threshold) for i in gaps)),
            hovertext=[hover[i] for i in gaps], hoverinfo="text"))
    chart = table["chart"].iloc[0] if len(table) else "xmr"
    note = f" · {CHUNKY.lower()}: no rules" if coarse.any() else ""
    return house_figure(
        traces, title, height, title_chars, annotations=annotations,
        xaxis=dict(type="date", title=None),
        yaxis=dict(title=unit_label(kpi.unit), range=y_range),
        yaxis2=dict(overlaying="y", range=[0, 1], visible=False),
        title=dict(subtitle=dict(
            text=f"{chart_words(chart)} · {limits_words(trial)} from every complete month to "
                 f"the window's end{note}")),
        margin=dict(t=70 if title else 40))
