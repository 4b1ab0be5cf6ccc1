"""The phone layout: fewer columns, cards and colour-only heatmaps on a narrow screen.

Streamlit has no media query per element, so the layout is a choice made on the server: a
sidebar toggle, switched on at a session's start when the browser says it is a phone (its
user agent holds "Mobi", as every phone browser's does). Pages ask `phone_layout()`.
"""

from __future__ import annotations

import streamlit as st

PHONE = "layout_phone"
PHONE_HELP = ("Fewer columns, lists instead of wide tables, and heatmaps in colour only (their "
              "numbers under 'Show as table'). On by itself on a phone.")


def is_phone_browser(user_agent: str) -> bool:
    """True for a phone's browser ('Mobi' in its user agent); tablets and computers are not."""
    return "Mobi" in user_agent


def phone_layout() -> bool:
    """Whether this session lays its pages out for a phone (seeded once from the browser)."""
    if PHONE not in st.session_state:
        st.session_state[PHONE] = is_phone_browser(st.context.headers.get("User-Agent") or "")
    return bool(st.session_state[PHONE])


def render_layout_toggle() -> None:
    """The sidebar's 'Phone layout' toggle (its first value from the browser)."""
    phone_layout()
    st.sidebar.toggle("Phone layout", key=PHONE, help=PHONE_HELP)
