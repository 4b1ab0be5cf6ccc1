"""The board pack's HTML: the page shell with its print style and plotly's bundle inlined once,
escaped text, tables and figures (no request to any other host, no web font)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

# System fonts only; A4 landscape; each section on its own page when printed.
CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #1a1a1a; margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.4; }
h1 { font-size: 28px; margin: 0 0 8px; } h2 { font-size: 22px; border-bottom: 2px solid #0072B2;
  padding-bottom: 4px; } h3 { font-size: 17px; margin-top: 20px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid #d0d0d0; padding: 4px 6px; text-align: left;
  vertical-align: top; }
th { background: #f2f2f2; } td.number { text-align: right; white-space: nowrap; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; }
.tile { border: 1px solid #c8c8c8; border-radius: 6px; padding: 10px 14px; min-width: 180px;
  flex: 1; break-inside: avoid; }
.tile .area { font-size: 13px; color: #555; } .tile .value { font-size: 26px; font-weight: 600; }
.badge-blue { color: #0072B2; } .badge-orange { color: #B35900; font-weight: 600; }
.badge-violet { color: #A0447C; } .badge-gray { color: #444; }
.note { color: #555; font-size: 13px; } .figure { break-inside: avoid; margin: 8px 0 16px; }
.cover dl { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; }
.cover dt { font-weight: 600; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; }
  section { break-before: page; page-break-before: always; }
  section.cover { break-before: auto; page-break-before: auto; }
  .figure, .tile, tr { break-inside: avoid; page-break-inside: avoid; }
  .modebar-container { display: none !important; }
}
"""
# Plotly draws at the screen's width; redraw at the paper's before printing.
PRINT_RESIZE = """window.addEventListener("beforeprint", function () {
  document.querySelectorAll(".js-plotly-plot").forEach(function (p) { Plotly.Plots.resize(p); });
});"""
FIGURE_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["sendDataToCloud"]}


def esc(text: Any) -> str:
    """Any data or words as literal HTML text (free text is never interpreted)."""
    return html.escape("" if text is None else str(text), quote=True)


@dataclass
class Figures:
    """Numbers the report's figures, whose script needs plotly's bundle (inlined once)."""

    count: int = 0
    ids: list[str] = field(default_factory=list)

    def html(self, fig: go.Figure) -> str:
        """The figure as a div and its drawing script, plotly's bundle not included."""
        self.count += 1
        div_id = f"figure-{self.count}"
        self.ids.append(div_id)
        drawn = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                            config=FIGURE_CONFIG)
        return f'<div class="figure">{drawn}</div>'


def table_html(columns: Sequence[str], rows: Iterable[Sequence[Any]],
               numbers: Sequence[str] = ()) -> str:
    """A table of escaped cells; columns named in `numbers` right-aligned."""
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(
        f'<td class="number">{esc(v)}</td>' if c in numbers else f"<td>{esc(v)}</td>"
        for c, v in zip(columns, row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section_html(section_id: str, title: str, body: str) -> str:
    """One section: its own printed page, an id and a title."""
    return f'<section id="{esc(section_id)}"><h2>{esc(title)}</h2>{body}</section>'


def document(title: str, body: str, figures: Figures) -> str:
    """The whole file: head with the style and (when there are figures) plotly's bundle once,
    then the body."""
    script = (f'<script type="text/javascript">{get_plotlyjs()}</script>'
              f"<script>{PRINT_RESIZE}</script>" if figures.count else "")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style>{script}</head>"
            f"<body>{body}</body></html>\n")
