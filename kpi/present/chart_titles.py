"""Chart titles in lines that fit: plotly never wraps a title, so one longer than its chart is
cut at the chart's edge.

A line of the house's title font holds about 50 characters in 440 px (a chart at 800 px, the
sidebar open), 24 in a chart of a pair side by side, 36 on a phone; a subtitle's smaller font
1.6 times as many. The title hangs from the figure's top and each more line takes
TITLE_LINE_PX (SUBTITLE_LINE_PX) from above the plot, added to the figure's height.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from kpi.present.formatting import html_plain

TITLE_CHARS = 50
PAIRED_TITLE_CHARS = 24
PHONE_TITLE_CHARS = 36  # a phone's chart, about 350 px
SUBTITLE_SCALE = 1.6
TITLE_LINE_PX = 26
SUBTITLE_LINE_PX = 18
TITLE_TOP_PX = 14  # the title's first line hangs from the figure's top, this far below
# A chart of a pair keeps room for two lines of title and of subtitle, so that the plots of a
# pair start level whether or not its neighbour's title wraps.
PAIRED_ROOM_LINES = 2
HUNG = dict(yref="container", y=1, yanchor="top", pad=dict(t=TITLE_TOP_PX))


def title_lines(text: str, chars: int) -> list[str]:
    """A title's words in lines of at most `chars` characters (a longer word alone)."""
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [text]


def _grown(layout: dict, more_px: int) -> dict:
    """The layout with `more_px` more room above the plot and as much more height."""
    if more_px:
        layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + more_px}
        layout["height"] += more_px
    return layout


def titled(layout: dict, title: str | None, title_chars: int) -> dict:
    """A house layout (height, margin) with `title` escaped in lines of `title_chars`, hung
    from the top, and the layout's subtitle (code text) in lines too."""
    lines = title_lines(title, title_chars) if title else []
    if lines:
        layout["title"] = {**layout.get("title", {}), **HUNG,
                           "text": "<br>".join(html_plain(line) for line in lines)}
    subtitle = layout.get("title", {}).get("subtitle", {}).get("text")
    sublines = title_lines(subtitle, round(title_chars * SUBTITLE_SCALE)) if subtitle else []
    if sublines:
        layout["title"] = {**layout["title"], "subtitle": {
            **layout["title"]["subtitle"], "text": "<br>".join(html_plain(s) for s in sublines)}}
    room = PAIRED_ROOM_LINES if title_chars == PAIRED_TITLE_CHARS else 1
    return _grown(layout, TITLE_LINE_PX * _lines_beyond_one(len(lines), room)
                  + SUBTITLE_LINE_PX * _lines_beyond_one(len(sublines), room))


def _lines_beyond_one(lines: int, room: int) -> int:
    """The lines more than one that a title of `lines` takes, kept room for `room` (none for
    no title)."""
    return max(lines, room) - 1 if lines else 0


def with_title_lines(fig: go.Figure, title_chars: int) -> go.Figure:
    """A copy of a house figure with its title and subtitle in lines of `title_chars` (a
    narrower chart: a phone's), the room above the plot grown or shrunk to match."""
    title = fig.layout.title
    if not (title.text or title.subtitle.text):
        return fig
    # The figure was validated when built: its copy is not validated again (go.Figure(fig)
    # took 11 ms of GIL-held Python a chart, at every run of a phone session; this 3 ms).
    copy = go.Figure(fig.to_dict(), _validate=False)
    more_px = 0
    for part, chars, line_px in ((copy.layout.title, title_chars, TITLE_LINE_PX),
                                 (copy.layout.title.subtitle,
                                  round(title_chars * SUBTITLE_SCALE), SUBTITLE_LINE_PX)):
        if part.text:
            old = part.text.split("<br>")
            new = title_lines(" ".join(old), chars)
            part.text = "<br>".join(new)
            more_px += line_px * (len(new) - len(old))
    copy.layout.margin.t += more_px
    copy.layout.height += more_px
    return copy
