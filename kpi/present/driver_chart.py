"""The priority matrix of key drivers: performance (top-box %) across, importance (rank
correlation with the outcome, 95 % interval) up, quadrants cut at the means and named."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from kpi.present.charts import across, house_figure, upright
from kpi.present.drivers import FIX_FIRST, KEEP, MAINTAIN, MONITOR, cut_lines
from kpi.present.formatting import format_n, html_plain
from kpi.present.spc_charts import CENTRE_COLOUR, VARIATION_STYLE
from kpi.spc.rules import COMMON, CONCERN, IMPROVEMENT

# Colour and marker per quadrant: "fix first" in the concern colour, never by colour alone.
QUADRANT_STYLE = {
    FIX_FIRST: (VARIATION_STYLE[CONCERN][0], "triangle-down"),
    KEEP: (VARIATION_STYLE[IMPROVEMENT][0], "triangle-up"),
    MONITOR: (VARIATION_STYLE[COMMON][0], "square"),
    MAINTAIN: (VARIATION_STYLE[COMMON][0], "circle"),
}
LABEL_COLOUR = "#333333"  # quadrant names: text reaches 4.5:1 (the markers carry the colour)
# Where each quadrant's name is written: (x side, y side) of the cut lines.
CORNERS = {FIX_FIRST: (0, 1), KEEP: (1, 1), MONITOR: (0, 0), MAINTAIN: (1, 0)}


def _hover(row: pd.Series) -> str:
    return (f"{html_plain(row['label'])}<br>importance {row['importance']:.2f} "
            f"({row['ci_low']:.2f} to {row['ci_high']:.2f}) · top box {row['top_box']:.0f} %"
            f" · {format_n(row['n'])}<br>{row['quadrant']}")


def priority_matrix(table: pd.DataFrame, title: str | None = None, height: int = 480
                    ) -> go.Figure:
    """The priority matrix of a kpi.present.drivers.priority_table: one point per driver at
    (top-box %, importance) with its interval, quadrant lines at the means, quadrant names."""
    traces = []
    for quadrant, (colour, symbol) in QUADRANT_STYLE.items():
        rows = table[table["quadrant"] == quadrant]
        if rows.empty:
            continue
        traces.append(dict(
            type="scatter", x=rows["top_box"], y=rows["importance"], mode="markers",
            name=quadrant,
            error_y=dict(type="data", symmetric=False, color=colour, thickness=1,
                         array=rows["ci_high"] - rows["importance"],
                         arrayminus=rows["importance"] - rows["ci_low"]),
            marker=dict(color=colour, symbol=symbol, size=11, line=dict(color="white", width=1)),
            hovertext=[_hover(row) for row in rows.to_dict("records")], hoverinfo="text",
            cliponaxis=False))
    importance_cut, performance_cut = cut_lines(table)
    shapes, annotations = [], []
    if not math.isnan(importance_cut):
        line = dict(color=CENTRE_COLOUR, width=1, dash="dot")
        shapes = [across(importance_cut, line)[0], upright(performance_cut, line)]
        annotations = [dict(xref="paper", yref="paper", x=right, y=top, showarrow=False,
                            xanchor="right" if right else "left",
                            yanchor="top" if top else "bottom",
                            text=f"<b>{quadrant}</b>", font=dict(color=LABEL_COLOUR))
                       for quadrant, (right, top) in CORNERS.items()]
    return house_figure(traces, title, height, shapes=shapes, annotations=annotations,
                        xaxis=dict(title="Performance: top-box %", ticksuffix=" %"),
                        yaxis=dict(title="Importance: rank correlation with the outcome"))
