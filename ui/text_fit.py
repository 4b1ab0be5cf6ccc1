"""Text that fits its place on any screen: Streamlit cuts a metric's label, value and change, a
badge and a button's text to one line ending in an ellipsis. On a laptop (about 1,000 px with
the sidebar open) "Complaints per 1,000 visits" and "Special cause — improvement" lost their
ends; at 800 px a tile showed "526,..." for 526,031 surveys. Texts wrap instead, and a metric's
value shrinks with its tile (a container query) and stays on one line.

One style sheet, sent with every run (a style-only st.html takes no room on the page);
tests/test_browser.py checks every page at 800, 1,024 and 1,400 px and on a phone.
"""

from __future__ import annotations

import streamlit as st

VALUE_SIZE = "2.25rem"  # Streamlit's size of a metric's value, kept wherever it fits
STYLE = f"""<style>
[data-testid="stMain"] .stMarkdownEllipsis, [data-testid="stMain"] .stMarkdownEllipsis p,
[data-testid="stMain"] p span.stMarkdownBadge {{ white-space: normal; }}
[data-testid="stMetric"] {{ container-type: inline-size; }}
[data-testid="stMetricValue"] .stMarkdownEllipsis, [data-testid="stMetricValue"] .stMarkdownEllipsis p
{{ white-space: nowrap; font-size: min({VALUE_SIZE}, 15cqi); }}
</style>"""


def fit_text() -> None:
    """Wrap the page's labels, changes, badges and button texts rather than cut them, and size
    each metric's value to its tile."""
    st.html(STYLE)
