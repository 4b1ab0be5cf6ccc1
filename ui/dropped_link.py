"""A warning for a link Streamlit dropped whole (too many parameters): only the browser knows.

Streamlit ignores a query string of more than 1000 parameters (or 512 Ki characters) before
the app runs, so the server sees an empty link. The browser still holds the URL the page was
opened with (its navigation entry, which survives the app rewriting the address bar): a small
script in the sidebar compares it with the same limits and shows the warning.
"""

from __future__ import annotations

import json

import streamlit as st
from streamlit.runtime.state.query_params import (
    CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
    CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
)

_PAGE = """<body style="margin:0"><div id="dropped" style="display:none; font-family:'Source Sans Pro',sans-serif;
 font-size:14px; line-height:1.5; padding:12px 16px; border-radius:8px;
 background:rgba(255,227,18,0.1); color:rgb(146,108,5)"></div>
<script>
const opened = window.parent.performance.getEntriesByType("navigation")[0];
const query = opened ? new URL(opened.name).search.slice(1) : "";
if (query.split("&").length > %(fields)d || query.length > %(length)d) {
  const box = document.getElementById("dropped");
  box.textContent = %(message)s;
  box.style.display = "block";
  const frame = window.frameElement, tall = box.offsetHeight + "px";
  frame.style.height = tall;  // and its element container, which keeps the 1 px otherwise
  (frame.closest("[data-testid='stElementContainer']") || frame).style.height = tall;
}
</script></body>"""


def message(view: str) -> str:
    """The warning's words, naming the view shown instead."""
    return (f"Ignored the whole link: it has more than "
            f"{CLIENT_STATE_QUERY_STRING_MAX_FIELDS:,} parameters or is too long. "
            f"Showing: {view}.")


def warn_if_dropped(view: str) -> None:
    """Draw the script that shows the warning when the opened link was dropped (an iframe one
    pixel tall that grows to the warning; "content" height would leave a blank 150 px)."""
    st.iframe(_PAGE % {"fields": CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
                       "length": CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
                       "message": json.dumps(message(view))}, height=1)
