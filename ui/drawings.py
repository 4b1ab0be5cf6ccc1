"""Charts and their tables drawn once per database version, filter, settings and chart, and
shared by every session: a page's figures cost more Python than its (cached) numbers, and a
meeting's worth of people open the same pages with the same filters. The Overview's verdicts,
attention list and changes against a year earlier are shared the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from ui import data
from ui.cache_keys import cache_token
from ui.settings_file import settings_key

T = TypeVar("T")


@st.cache_resource(max_entries=data.RESULTS, show_spinner=False)
def _drawn(token: str, _build: Callable[[], T]) -> T:
    return _build()


@st.cache_resource(max_entries=data.TABLES, show_spinner=False)
def _drawn_table(token: str, _build: Callable[[], T]) -> T:
    return _build()


def drawn(ctx, parts: tuple, build: Callable[[], T], table: bool = False) -> T:
    """build()'s result for the page context (database version, filter with its reach,
    settings) and `parts` (everything else the drawing reads: chart kind, KPI, label...),
    built once and shared read-only by every session; the cache holds at most
    [capacity] result_cache_entries drawings, or table_cache_entries row tables (`table`:
    MBs each, such as a worklist)."""
    cached = _drawn_table if table else _drawn
    return cached(cache_token((ctx.key, ctx.flt, settings_key(ctx.settings), parts)), build)
