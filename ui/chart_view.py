"""Every chart of the pages goes through `show_chart`: the figure with its title as its
accessible name, and a "Show as table" toggle with the same numbers (built by
kpi.present.chart_tables from the frame the figure was built from)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.present.chart_titles import PHONE_TITLE_CHARS, with_title_lines
from kpi.present.formatting import markdown_plain
from ui.layout import phone_layout

SHOW_AS_TABLE = "Show as table"


def figure_title(fig: go.Figure) -> str:
    """The figure's title as plain text ('' without one; plotly's title text is escaped and
    a long one broken into lines)."""
    text = fig.layout.title.text
    return html.unescape(text.replace("<br>", " ")) if text else ""


def show_chart(fig: go.Figure, table: pd.DataFrame, key: str, alt: str | None = None) -> None:
    """The figure, named for screen readers by `alt` (else its title: a chart needs one),
    drawn with its own template (Streamlit's chart theme greys the axis text below 4.5:1; its
    title in a phone's shorter lines in the phone layout), and below it a toggle that shows
    `table`, its numbers in words and digits."""
    name = alt or figure_title(fig)
    if not name.strip():
        raise ValueError(f"chart {key!r} has no title: give the figure one, or alt=")
    if phone_layout():
        fig = with_title_lines(fig, PHONE_TITLE_CHARS)
    st.plotly_chart(fig, key=key, theme=None, alt=name)
    if st.toggle(SHOW_AS_TABLE, key=f"{key}_table", help=f"The numbers of '{markdown_plain(name)}' as a table"):
        st.dataframe(table, hide_index=True)
