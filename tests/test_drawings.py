"""Drawings shared between sessions: built once per database version, filter (with its reach),
settings and chart, and never handed to a context that differs in any of them."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.filters import Filter
from kpi.reach import Reach
from kpi.settings import Settings
from ui import data
from ui.context import PageContext
from ui.drawings import drawn

KEY = ("/data/px.duckdb", 1, 100)
WARD = Filter(within=Reach(departments={"D1"}))
DEFAULTS = Settings()


@pytest.fixture(autouse=True)
def empty_cache():
    data.clear_caches()
    yield
    data.clear_caches()


def context(key=KEY, flt=WARD, settings=DEFAULTS) -> PageContext:
    return PageContext(key, flt, {}, {}, settings)


@pytest.mark.parametrize("other, parts", [
    (context(key=("/data/px.duckdb", 2, 100)), ("chart",)),
    (context(flt=Filter(within=Reach(departments={"D3"}))), ("chart",)),
    (context(flt=Filter(within=Reach(departments={"D1"}), start=date(2024, 2, 29))), ("chart",)),
    (context(settings=Settings(run_length=8)), ("chart",)),
    (context(), ("chart", "phone")),
])
def test_a_context_that_differs_in_anything_gets_its_own_drawing(other, parts):
    built = []

    def build():
        built.append(1)
        return object()

    first = drawn(context(), ("chart",), build)
    assert drawn(context(), ("chart",), build) is first  # another session, same everything
    assert drawn(other, parts, build) is not first
    assert len(built) == 2
