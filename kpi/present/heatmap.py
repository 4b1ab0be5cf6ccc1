"""The heatmap of a KPI grid (e.g. department x month): colour-blind-safe, withheld cells and
cells with too few to judge marked rather than coloured."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from kpi.present.charts import SEQUENTIAL, WITHHELD_COLOUR, cell_hover, house_figure
from kpi.present.formatting import (
    format_n,
    format_number,
    html_plain,
    suppressed_short,
    suppressed_text,
    unit_label,
)
from kpi.present.spc_labels import too_few_name
from kpi.spc.months import too_few
from kpi.stats import SUPPRESSION_THRESHOLD


def heatmap(df: pd.DataFrame, rows: str, columns: str, row_names: Mapping[str, str],
            column_names: Mapping[str, str] | None = None, title: str | None = None,
            threshold: int = SUPPRESSION_THRESHOLD, lower_is_better: bool = False,
            min_n: int = 0, cell_text: bool = True) -> go.Figure:
    """A grid of values (e.g. department x month) on a colour-blind-safe scale; '<11' cells
    grey; a cell whose n is below `min_n` is left uncoloured and shows its n instead. Without
    `cell_text` (a phone: the cells are too narrow for numbers) the cells are colour only and a
    withheld cell a grey cross; the hover keeps every number."""
    column_names = column_names or {}
    withheld = df["suppressed"].astype(bool)
    few = too_few(df["n"], min_n) & df["value"].notna() & ~withheld
    cells = df.assign(
        _row=df[rows].map(lambda v: html_plain(row_names.get(v, v))),
        _col=df[columns].map(lambda v: html_plain(column_names.get(v, v))),
        shown=df["value"].where(~withheld & ~few),
        label=[format_number(v, u) for v, u in zip(df["value"], df["unit"])])
    cells["label"] = cells["label"].where(~withheld & df["value"].notna(), "")
    cells.loc[few, "label"] = [format_n(n) for n in df.loc[few, "n"]]
    cells["hover"] = [cell_hover(r, threshold, f"{r['_row']} · {r['_col']}")
                      + (f"<br>{too_few_name(min_n)}" if f else "")
                      for r, f in zip(cells.to_dict("records"), few)]
    row_order = sorted(dict.fromkeys(cells["_row"]), reverse=True)
    col_order = list(dict.fromkeys(cells.sort_values(columns)["_col"]))

    wide = cells.pivot(index="_row", columns="_col", values=["shown", "label", "hover"])

    def grid(column: str) -> pd.DataFrame:
        return wide[column].reindex(index=row_order, columns=col_order)

    unit = df["unit"].iloc[0] if len(df) else ""
    traces = [dict(
        type="heatmap", z=grid("shown").to_numpy(dtype=float), x=col_order, y=row_order,
        text=grid("label").fillna("").to_numpy(), texttemplate="%{text}" if cell_text else "",
        customdata=grid("hover").fillna("").to_numpy(),
        hovertemplate="%{customdata}<extra></extra>",
        colorscale=SEQUENTIAL, reversescale=lower_is_better, hoverongaps=False,
        colorbar=dict(title=dict(text=unit_label(unit))))]
    marks = cells[withheld]
    if len(marks):
        traces.append(dict(
            type="scatter", x=marks["_col"], y=marks["_row"],
            mode="text" if cell_text else "markers",
            text=[suppressed_short(threshold)] * len(marks),
            textfont=dict(color=WITHHELD_COLOUR), name=suppressed_text(threshold),
            marker=dict(symbol="x-thin-open", size=8, color=WITHHELD_COLOUR, line=dict(width=2)),
            hovertext=marks["_row"] + " · " + marks["_col"] + "<br>" + suppressed_text(threshold),
            hoverinfo="text", showlegend=False))
    return house_figure(
        traces, title, max(260, 30 * len(row_order) + 120),
        xaxis=dict(type="category", categoryorder="array", categoryarray=col_order),
        yaxis=dict(type="category", categoryorder="array", categoryarray=row_order),
        plot_bgcolor="#F2F2F2")
