"""The department funnel plot: each department's value by its n, the reference value and the
95 % and 99.8 % limits; only departments outside 99.8 % are coloured (and named so)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpi.present.charts import across, house_figure
from kpi.present.formatting import format_n, format_value, html_plain, unit_label
from kpi.present.spc_charts import CENTRE_COLOUR, LIMIT_COLOUR, VARIATION_STYLE
from kpi.spc.compare import BETTER, WORSE
from kpi.spc.funnel import funnel_limits
from kpi.spc.rules import COMMON, CONCERN, IMPROVEMENT

BOUNDS = {"%": (0.0, 100.0), "nps": (-100.0, 100.0), "per_1000": (0.0, np.inf)}
POINT_STYLE = {BETTER: VARIATION_STYLE[IMPROVEMENT], WORSE: VARIATION_STYLE[CONCERN]}


def funnel_chart(groups: pd.DataFrame, verdict: pd.Series, funnel: tuple[float, float],
                 names: Mapping[str, str], reference: str, title: str | None = None
                 ) -> go.Figure:
    """Departments (engine rows of one KPI with a value) at (n, value), coloured by their
    verdict (better / worse only outside 99.8 %), around `funnel` = (centre, spread) of the
    `reference` (e.g. 'All departments in the filter')."""
    unit = groups["unit"].iloc[0]
    centre, spread = funnel
    shown = groups[groups["value"].notna() & groups["n"].notna()]
    sizes = shown["n"].astype(float)
    curves = funnel_limits(centre, spread, sizes.max() * 1.5 if len(shown) else 10,
                           bounds=BOUNDS.get(unit, (-np.inf, np.inf)),
                           n_min=sizes.min() / 2 if len(shown) else 1.0)
    traces = [dict(type="scatter", x=curves["n"], y=curves[f"{side}_{level}"], mode="lines",
                   name=name, legendgroup=name, showlegend=side == "upper",
                   line=dict(color=LIMIT_COLOUR, width=1.2, dash=dash), hoverinfo="skip")
              for level, dash, name in (("95", "dash", "95 % limits"),
                                        ("998", "dot", "99.8 % limits"))
              for side in ("upper", "lower")]
    shape, label = across(centre, dict(color=CENTRE_COLOUR, width=1.5),
                          f"{html_plain(reference)}: {format_value(centre, unit)}")
    verdicts = verdict.reindex(shown.index)
    verdicts = verdicts.where(verdicts.isin(list(POINT_STYLE)), COMMON)
    for kind, (colour, symbol) in {**POINT_STYLE, COMMON: VARIATION_STYLE[COMMON]}.items():
        rows = shown[verdicts == kind]
        if rows.empty:
            continue
        labels = [html_plain(names.get(d, d)) for d in rows["department_id"]]
        traces.append(dict(
            type="scatter", x=rows["n"].astype(float), y=rows["value"], mode="markers",
            cliponaxis=False,
            name=f"{kind} (outside 99.8 %)" if kind in POINT_STYLE else "within 99.8 %",
            marker=dict(color=colour, symbol=symbol, size=10, line=dict(color="white", width=1)),
            hovertext=[f"{label}<br>{format_value(v, unit)} · {format_n(n)}"
                       for label, v, n in zip(labels, rows["value"], rows["n"])],
            hoverinfo="text"))
    return house_figure(traces, title, 420, shapes=[shape], annotations=label,
                        xaxis=dict(type="log", title="n (log scale)"),
                        yaxis=dict(title=unit_label(unit)))
