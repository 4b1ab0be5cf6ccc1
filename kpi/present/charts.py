"""Plotly figures for the dashboard: colour-blind-safe (Okabe-Ito), withheld values labelled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from kpi.present.chart_titles import TITLE_CHARS, titled
from kpi.present.formatting import (
    detail_text,
    format_n,
    format_number,
    html_plain,
    unit_label,
    value_text,
)
from kpi.stats import SUPPRESSION_THRESHOLD

# Okabe & Ito (2008), ordered so that the first colours stay apart for every colour vision.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
             "#000000")
WITHHELD_COLOUR = "#666666"  # 4.5:1 on white and on the heatmap's grey: it labels cells
INTERVAL_COLOUR = "#333333"
# Every figure starts on the house template (plotly_white, the Okabe-Ito colours, legend below,
# left-aligned hover, axes that make room for their labels). Plotly applies the default
# template unvalidated when a figure is made; setting these per figure in update_layout
# validated the whole template again (50-190 ms a chart on a loaded 2-core machine, all of it
# GIL-held Python that sessions at once queue for; now about 2 ms).
HOUSE_TEMPLATE = "px_house"
# A sequential scale readable with every colour vision (blue to yellow).
SEQUENTIAL = "Cividis"
# Oldest open complaints in the warmest colour.
AGE_COLOURS = ("#56B4E9", "#0072B2", "#E69F00", "#D55E00")
# Bar labels smaller than this are left out (plotly shrinks a label to its bar's width): the
# hover and "Show as table" hold every number.
BAR_TEXT_MIN_PX = 9


def _house_template() -> go.layout.Template:
    house = go.layout.Template(pio.templates["plotly_white"])
    house.layout.update(colorway=list(OKABE_ITO), hoverlabel=dict(align="left"),
                        legend=dict(orientation="h", yanchor="top", y=-0.15, xanchor="left", x=0),
                        xaxis=dict(automargin=True), yaxis=dict(automargin=True))
    return house


pio.templates[HOUSE_TEMPLATE] = _house_template()
pio.templates.default = HOUSE_TEMPLATE


def house_layout(title: str | None, height: int, /, title_chars: int = TITLE_CHARS,
                 **more) -> dict:
    """The house layout (white, Okabe-Ito colours, legend below: the default template,
    HOUSE_TEMPLATE) with its height, margins and the title escaped in lines of `title_chars`
    (kpi.present.chart_titles), and `more` layout merged in (a nested dict such as margin or
    title adds to the house's, a value replaces it)."""
    layout = {"height": height, "margin": dict(l=10, r=10, t=50 if title else 20, b=10)}
    return titled(_merged(layout, more), title, title_chars)


def _merged(base: dict, more: dict) -> dict:
    merged = dict(base)
    for key, value in more.items():
        both = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merged(merged[key], value) if both else value
    return merged


def house_figure(traces: Sequence[dict], title: str | None, height: int, /,
                 title_chars: int = TITLE_CHARS, **layout) -> go.Figure:
    """The figure of these plotly trace dicts (each with its `type`) on house_layout(title,
    height, **layout), validated once: each add_trace or update_layout validates again (two to
    five times the Python, GIL-held, that sessions at once queue for)."""
    return go.Figure(data=list(traces), layout=house_layout(title, height, title_chars,
                                                             **layout))


def across(y: float, line: dict, text: str | None = None) -> tuple[dict, list[dict]]:
    """A horizontal line at `y` across the plot (a layout shape), and its label at the right
    end above it (a layout annotation) when `text` is given: add_hline's drawing, made
    once."""
    shape = dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y, line=line)
    label = dict(text=text, showarrow=False, xref="x domain", x=1, xanchor="right", yref="y",
                 y=y, yanchor="bottom")
    return shape, [label] if text else []


def upright(x: float, line: dict) -> dict:
    """A vertical line at `x` up the plot (a layout shape): add_vline's drawing."""
    return dict(type="line", xref="x", x0=x, x1=x, yref="y domain", y0=0, y1=1, line=line)


def base_layout(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    """house_layout's height, margins and title set on a figure built in steps (a figure of
    subplots); returns it."""
    for key, value in house_layout(title, height).items():
        fig.layout[key] = value  # one by one: update_layout's relayout machinery costs 10x more
    return fig


def cell_hover(row: pd.Series, threshold: int, prefix: str) -> str:
    """Hover text of one KPI row: the prefix, its value (or why none) and its detail."""
    detail = detail_text(row)
    lines = [prefix, value_text(row, threshold)] + ([detail] if detail else [])
    return "<br>".join(lines)


def department_chart(df: pd.DataFrame, names: Mapping[str, str], title: str | None = None,
                     threshold: int = SUPPRESSION_THRESHOLD) -> go.Figure:
    """One row per department for one KPI: a dot at the value, a line across its 95 % interval,
    and the value with its n written at the right (or why there is none)."""
    df = df.assign(name=df["department_id"].map(lambda d: html_plain(names.get(d, d))))
    df = df.sort_values("name", ascending=False)
    shown = df[~df["suppressed"].astype(bool) & df["value"].notna()]
    unit = df["unit"].iloc[0] if len(df) else ""
    traces = []
    with_ci = shown[shown["ci_low"].notna()]
    if len(with_ci):
        xs, ys = [], []
        for r in with_ci.to_dict("records"):
            xs += [r["ci_low"], r["ci_high"], None]
            ys += [r["name"], r["name"], None]
        traces.append(dict(type="scatter", x=xs, y=ys, mode="lines", name="95 % interval",
                           line=dict(color=INTERVAL_COLOUR, width=2), hoverinfo="skip",
                           showlegend=False))
    traces.append(dict(
        type="scatter", x=shown["value"], y=shown["name"], mode="markers", showlegend=False,
        name=html_plain(df["kpi_label"].iloc[0]) if len(df) else "",
        marker=dict(color=OKABE_ITO[0], size=11, line=dict(color="white", width=1)),
        hovertext=[cell_hover(r, threshold, r["name"]) for r in shown.to_dict("records")],
        hoverinfo="text"))
    annotations = []
    for r in df.to_dict("records"):
        usable = not r["suppressed"] and pd.notna(r["value"])
        label = (f"{format_number(r['value'], unit)} ({format_n(r['n'])})" if usable
                 else value_text(r, threshold))
        annotations.append(dict(x=1.01, xref="paper", xanchor="left", y=r["name"], yref="y",
                                text=label, showarrow=False,
                                font=dict(color="#262730" if usable else WITHHELD_COLOUR)))
    interval = dict(title=dict(subtitle=dict(text="dot: value; line: 95 % interval")),
                    margin=dict(t=70)) if len(with_ci) else {}
    return house_figure(traces, title, max(260, 30 * len(df) + 110), annotations=annotations,
                        xaxis=dict(title=unit_label(unit), zeroline=True),
                        yaxis=dict(type="category", categoryorder="array",
                                   categoryarray=list(df["name"]), title=None),
                        **_merged(dict(margin=dict(r=190)), interval))


_SIDE_FIELDS = ("kpi_label", "value", "unit", "n", "ci_low", "ci_high", "suppressed")


def pair_kpis(df: pd.DataFrame, x_kpi: str, y_kpi: str) -> pd.DataFrame:
    """Per department, the x and y KPI rows side by side (columns suffixed _x and _y) and
    `plotted`: both values present and neither withheld."""
    x_rows = df[df["kpi_id"] == x_kpi].set_index("department_id")
    y_rows = df[df["kpi_id"] == y_kpi].set_index("department_id")
    pairs = x_rows.join(y_rows, suffixes=("_x", "_y"), how="outer").reset_index()
    pairs["plotted"] = (pairs["value_x"].notna() & pairs["value_y"].notna()
                        & ~pairs["suppressed_x"].fillna(False).astype(bool)
                        & ~pairs["suppressed_y"].fillna(False).astype(bool))
    return pairs


def pair_side(pair: pd.Series, suffix: str) -> pd.Series:
    """One KPI's row out of a pair (the fields value_text and detail_text read)."""
    return pd.Series({field: pair[f"{field}{suffix}"] for field in _SIDE_FIELDS})


def _side_title(pairs: pd.DataFrame, suffix: str, fallback: str) -> str:
    rows = pairs[pairs[f"kpi_label{suffix}"].notna()]
    if rows.empty:
        return fallback
    label = html_plain(rows[f"kpi_label{suffix}"].iloc[0])
    return f"{label} ({unit_label(rows[f'unit{suffix}'].iloc[0])})"


def kpi_scatter(df: pd.DataFrame, x_kpi: str, y_kpi: str, names: Mapping[str, str],
                title: str | None = None, threshold: int = SUPPRESSION_THRESHOLD) -> go.Figure:
    """One point per department: KPI x against KPI y (departments with a withheld value left
    out)."""
    pairs = pair_kpis(df, x_kpi, y_kpi)
    usable = pairs[pairs["plotted"]]
    label = [html_plain(names.get(d, d)) for d in usable["department_id"]]
    hover = []
    for name, pair in zip(label, usable.to_dict("records")):
        lines = [name]
        for side in (pair_side(pair, "_x"), pair_side(pair, "_y")):
            lines.append(f"{html_plain(side['kpi_label'])}: {value_text(side, threshold)} "
                         f"({detail_text(side)})")
        hover.append("<br>".join(lines))
    return house_figure([dict(
        type="scatter", x=usable["value_x"], y=usable["value_y"], mode="markers+text",
        text=label, textposition="top center", marker=dict(size=12, color=OKABE_ITO[0]),
        cliponaxis=False, hovertext=hover, hoverinfo="text", showlegend=False)], title, 420,
        xaxis=dict(title=_side_title(pairs, "_x", x_kpi)),
        yaxis=dict(title=_side_title(pairs, "_y", y_kpi)))


def count_bars(labels: Sequence[str], counts: Sequence[int], axis_title: str,
               title: str | None = None, shares: Sequence[float] | None = None) -> go.Figure:
    """Vertical bars of counts (e.g. answers or complaint categories), in the order given,
    each labelled with its share when given, else its count (the hover holds both)."""
    pairs = [(c, None if s is None or pd.isna(s) else s)
             for c, s in zip(counts, shares if shares is not None else [None] * len(counts))]
    short = [f"{c:,}" if s is None else f"{s:.1f} %" for c, s in pairs]
    text = [f"{c:,}" if s is None else f"{s:.1f} % ({c:,})" for c, s in pairs]
    labels = [html_plain(v) for v in labels]
    return house_figure([dict(type="bar", x=labels, y=list(counts), text=short,
                              textposition="outside", marker=dict(color=OKABE_ITO[0]),
                              hovertext=[f"{v}: {t}" for v, t in zip(labels, text)],
                              hoverinfo="text")], title, 360,
                        xaxis=dict(type="category", title=axis_title), yaxis=dict(title="count"),
                        uniformtext=dict(minsize=BAR_TEXT_MIN_PX, mode="hide"))


def stacked_bars(df: pd.DataFrame, category: str, stack: str, count: str,
                 names: Mapping[str, str], stack_order: Sequence[str],
                 title: str | None = None) -> go.Figure:
    """Horizontal stacked bars (e.g. open complaints per department, stacked by age band)."""
    df = df.assign(_name=df[category].map(lambda v: html_plain(names.get(v, v))))
    order = sorted(dict.fromkeys(df["_name"]), reverse=True)
    traces = []
    for i, band in enumerate(stack_order):
        rows = df[df[stack] == band].set_index("_name").reindex(order)
        counts = rows[count].fillna(0).astype(int)
        traces.append(dict(type="bar", x=counts, y=order, orientation="h", name=str(band),
                           marker=dict(color=AGE_COLOURS[i % len(AGE_COLOURS)]),
                           hovertext=[f"{n}<br>{band}: {c:,}" for n, c in zip(order, counts)],
                           hoverinfo="text"))
    return house_figure(traces, title, max(260, 30 * len(order) + 120), barmode="stack",
                        legend=dict(traceorder="normal"),
                        yaxis=dict(type="category", categoryorder="array", categoryarray=order))
