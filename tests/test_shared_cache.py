"""The result caches are shared by every session of the server: people with the same filter
share results, and no one is handed a result computed for another person's reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi import engine
from kpi.engine import breakdowns
from kpi.filters import Filter
from kpi.reach import EVERY_DEPARTMENT, Reach
from kpi.settings import Settings
from kpi.store.connect import open_readonly
from tests.support.kpi_db import build_tiny_db
from ui import data, judged_tables
from ui.settings_file import settings_key

ALL_DATES = {"start": "2023-01-01", "end": "2024-12-31"}
WARD = Reach(departments={"D1"})  # a ward manager: the cardiology ward only
EMERGENCY = Reach(departments={"D3"})  # another manager: the emergency department only
NORTH = Reach(sites={"North"})  # D1 and D2 through their site
D1_AND_D2 = Reach(departments={"D1", "D2"})  # the same departments, named


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    data.clear_caches()
    db = build_tiny_db(tmp_path_factory.mktemp("shared") / "tiny.duckdb")
    yield data.db_version(db)
    data.clear_caches()


def _departments(frame) -> set[str]:
    return set(frame["department_id"])


@pytest.mark.parametrize("first, second, seen_first, seen_second", [
    (WARD, EMERGENCY, {"D1"}, {"D3"}),
    (EMERGENCY, WARD, {"D3"}, {"D1"}),
    (EVERY_DEPARTMENT, WARD, {"D1", "D2", "D3"}, {"D1"}),
    (WARD, EVERY_DEPARTMENT, {"D1"}, {"D1", "D2", "D3"}),
])
def test_two_reaches_with_the_same_filter_each_see_their_own(key, first, second, seen_first,
                                                             seen_second):
    data.clear_caches()
    results = [data.compute(key, ("visits",), Filter(**ALL_DATES, within=reach), ("department",))
               for reach in (first, second)]
    assert [_departments(r) for r in results] == [seen_first, seen_second]


def test_a_second_person_with_a_narrower_reach_gets_their_own_total(key):
    data.clear_caches()
    everyone = data.compute(key, ("visits",), Filter(**ALL_DATES), ())
    ward = data.compute(key, ("visits",), Filter(**ALL_DATES, within=WARD), ())
    by_department = data.compute(key, ("visits",), Filter(**ALL_DATES), ("department",))
    d1 = by_department.loc[by_department["department_id"] == "D1", "value"].item()
    assert ward["value"].item() == d1
    assert everyone["value"].item() == by_department["value"].sum() > d1


def test_readers_and_control_charts_keep_reaches_apart(key):
    data.clear_caches()
    for reach, expected in ((WARD, {"D1"}), (EMERGENCY, {"D3"})):
        flt = Filter(**ALL_DATES, within=reach)
        assert set(data.filter_departments(key, flt)) == expected
        backlog = data.read(key, breakdowns.open_backlog, flt)
        assert set(backlog["department_id"]) <= expected
        charts = judged_tables.spc_by_department(key, ("visits",), flt,
                                                 settings_key(Settings()))
        assert _departments(charts) == expected


# Filters that the engine resolves to the same departments D1 and D2 over the same window.
SAME_SCOPE = [Filter(**ALL_DATES, within=NORTH), Filter(**ALL_DATES, within=D1_AND_D2),
              Filter(**ALL_DATES, sites=("North",)),
              Filter(**ALL_DATES, departments=("D1", "D2"), within=NORTH)]


def test_filters_of_one_scope_share_one_computation(key, monkeypatch):
    data.clear_caches()
    calls = []
    real = engine.compute
    monkeypatch.setattr(engine, "compute", lambda *args: calls.append(args) or real(*args))
    tables = [data.compute(key, ("visits",), flt, ()) for flt in SAME_SCOPE]
    assert len(calls) == 1
    assert all(t.equals(tables[0]) for t in tables) and len(tables[0]) == 1
    ward = data.compute(key, ("visits",), Filter(**ALL_DATES, within=WARD), ())
    assert len(calls) == 2 and ward["value"].item() < tables[0]["value"].item()  # its own


def test_by_department_every_filter_of_one_reach_and_window_shares_one_computation(
        key, monkeypatch):
    """By department, a filter reads its departments' rows of the window's table over its
    reach (kpi.engine.window_rows): one computation per reach and window, never across
    reaches."""
    data.clear_caches()
    calls = []
    real = engine.compute
    monkeypatch.setattr(engine, "compute", lambda *args: calls.append(args) or real(*args))
    tables = [data.compute(key, ("visits",), flt, ("department",)) for flt in SAME_SCOPE]
    reaches = {args[2].within for args in calls}
    assert len(calls) == 2 and reaches == {NORTH, EVERY_DEPARTMENT}  # D1_AND_D2: NORTH's
    assert all(t.equals(tables[0]) for t in tables) and _departments(tables[0]) == {"D1", "D2"}
    for flt in (Filter(**ALL_DATES, departments=("D3",)), Filter(**ALL_DATES)):
        data.compute(key, ("visits",), flt, ("department",))
    assert len(calls) == 2  # everyone's window table again
    ward = data.compute(key, ("visits",), Filter(**ALL_DATES, within=WARD), ("department",))
    assert len(calls) == 3 and _departments(ward) == {"D1"}  # another reach: its own


def test_the_engine_reads_a_filter_only_through_its_scope(key):
    """What makes sharing by Scope safe: every filter of one Scope gives the same table."""
    con = open_readonly(Path(key[0]))
    try:
        tables = [engine.compute(con, None, flt, ("department", "month")) for flt in SAME_SCOPE]
    finally:
        con.close()
    assert all(t.equals(tables[0]) for t in tables[1:]) and len(tables[0]) > 0
