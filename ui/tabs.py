"""Tabs whose content runs only while open, and which tab is open: kept in the link
(?<key>=<label>, left out for the first tab) so that a copied link reopens it, and remembered
for the session, so that leaving a page and coming back opens the tab left open.

The sidebar rewrites the link's parameters to the filter's at every run, before the page draws
its tabs: it hands the link the session opened with to `remember_link` first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import streamlit as st

T = TypeVar("T")
SUFFIX = "_tab"  # every group of tabs has a key ending so: its parameter in the link
_LINK = "tabs_in_link"  # key -> label: the tabs of the link the session opened with
_LAST = "tabs_last_open"  # key -> label: the tab open when the group was last drawn
_OPENED_WITH = "tabs_opened_with"  # key -> label: the tab the group opened with when drawn anew


def link_tabs(params: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The tabs a link's parameters open (key -> label; the last value of a repeated one)."""
    return {key: values[-1] for key, values in params.items() if key.endswith(SUFFIX) and values}


def remember_link(params: Mapping[str, Sequence[str]]) -> None:
    """Keep the tabs of the link this session opened with (once, before the link is rewritten)."""
    st.session_state[_LINK] = link_tabs(params)


def _opened_with(tabs: Mapping[str, T], key: str) -> str | None:
    """The tab a group opens with: when drawn anew (on arriving at its page) the one last open,
    else the link's; the same label while the group stays drawn (it is part of its identity)."""
    state = st.session_state
    opened_with = state.setdefault(_OPENED_WITH, {})
    if key not in state:
        opened_with[key] = (state.setdefault(_LAST, {}).get(key)
                            or state.get(_LINK, {}).get(key))
    label = opened_with.get(key)
    return label if label in tabs else None


def open_tabs(tabs: Mapping[str, T], key: str) -> list[tuple[T, object]]:
    """Tabs (label -> what the tab shows) whose content runs only while open: what the open
    tab shows and its container, alone in the list. Choosing another tab reruns the page (its
    numbers and drawings cached), so a page never computes, draws and sends what nobody looks
    at. `key` ends with SUFFIX; the open tab goes into the link and the session's memory."""
    if not key.endswith(SUFFIX):
        raise ValueError(f"A group of tabs needs a key ending with {SUFFIX!r}: {key!r}")
    containers = st.tabs(list(tabs), default=_opened_with(tabs, key), key=key,
                         on_change="rerun")
    opened = [(label, shown, tab) for (label, shown), tab in zip(tabs.items(), containers)
              if tab.open]
    for label, _, _ in opened:
        st.session_state.setdefault(_LAST, {})[key] = label
        if label != next(iter(tabs)):
            st.query_params[key] = label
    return [(shown, tab) for _, shown, tab in opened]
