"""Department rows come from the window's table over the reach (kpi.engine.window_rows): the
by-department rows, charts and HCAHPS standings of any department filter, and a one-department
filter's whole rows and charts, are those of every department of the reach over the window, so
the app asks the engine once per window (ui/data; PageContext.widened). What the pages get is
exactly what the engine gives for each filter asked directly, withheld cells included."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kpi import engine
from kpi.engine.hcahps import benchmark_rows
from kpi.engine.window_rows import department_rows
from kpi.filters import Filter
from kpi.present import pages
from kpi.reach import Reach
from kpi.settings import Settings
from kpi.spc import series as spc_series
from kpi.store.connect import open_readonly
from tests.support.demo_test_helpers import PAGES_END
from ui import data, judged_tables
from ui.context import PageContext
from ui.settings_file import settings_key

HEADLINES = tuple(pages.OVERVIEW_HEADLINES.values())
COMPARED = pages.OVERVIEW_COMPARED
SHOWN = tuple(dict.fromkeys([*HEADLINES, *COMPARED]))
WINDOWS = [  # all dates, a month (small cells), a quarter, a leap day, a month boundary
    (None, None), (date(2025, 6, 1), PAGES_END), (date(2025, 1, 1), date(2025, 3, 31)),
    (date(2024, 2, 29), date(2024, 2, 29)), (date(2024, 12, 31), date(2025, 1, 1))]
CASES = [(dept, start, end) for dept in ("PALL", "ED") for start, end in WINDOWS]
ONE_WINDOW = (date(2025, 6, 1), PAGES_END)  # a month of small cells
SUBSETS = [  # several departments, a service line, a site, and filters within a narrower reach
    Filter(departments=("ED", "PALL")), Filter(service_lines=("Outpatient",)),
    Filter(sites=("Riverside",)),
    Filter(within=Reach(service_lines={"Inpatient"})),
    Filter(departments=("PALL",), within=Reach(service_lines={"Inpatient"})),
    Filter(departments=("MAT", "PAED"), within=Reach(sites={"North Campus"}))]


@pytest.fixture(scope="module")
def demo(pages_demo):
    data.clear_caches()
    con = open_readonly(pages_demo)
    con.execute("USE px")
    yield data.db_version(pages_demo), con
    con.close()
    data.clear_caches()


def _context(key, flt: Filter) -> PageContext:
    return PageContext(key, flt, data.kpis(key), {}, Settings()).asking(SHOWN)


def _same_tables(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for kpi_id, table in expected.items():
        pd.testing.assert_frame_equal(got[kpi_id], table)


TABLE = pd.DataFrame({"kpi_id": ["a", "a", "a", "b", "b", "b"],
                      "department_id": ["D1", "D2", "D3"] * 2, "value": [1., 2., 3., 4., 5., 6.]},
                     index=[10, 11, 12, 13, 14, 15])


@pytest.mark.parametrize("departments, whole, ids, values", [
    (("D2",), False, ["D2", "D2"], [2., 5.]),
    (("D2",), True, [None, None], [2., 5.]),
    (("D3", "D1"), False, ["D1", "D3", "D1", "D3"], [1., 3., 4., 6.]),  # the table's order
    (("D9",), False, [], []),
    ((), False, [], [])])
def test_department_rows_pick_the_filters_rows_in_the_tables_order(departments, whole, ids,
                                                                   values):
    rows = department_rows(TABLE, departments, whole)
    assert list(rows["department_id"]) == ids and list(rows["value"]) == values
    assert list(rows.index) == list(range(len(ids)))
    assert list(TABLE["department_id"]) == ["D1", "D2", "D3"] * 2  # the table is left as it was


@pytest.mark.parametrize("dept, start, end", CASES)
def test_one_departments_rows_and_charts_are_the_engines_each_way(demo, dept, start, end):
    key, con = demo
    flt = Filter(departments=(dept,), start=start, end=end)
    settings = Settings()
    ctx = _context(key, flt)
    for ids in (SHOWN, COMPARED):
        pd.testing.assert_frame_equal(data.compute(key, ids, flt, ("department",)),
                                      engine.compute(con, ids, flt, ["department"]))
    pd.testing.assert_frame_equal(ctx.compute(COMPARED, ["department"]),
                                  engine.compute(con, COMPARED, flt, ["department"]))
    pd.testing.assert_frame_equal(ctx.compute(SHOWN), engine.compute(con, SHOWN, flt))
    _same_tables(judged_tables.spc_tables(key, SHOWN, flt, settings_key(settings)),
                 spc_series.spc_details(con, SHOWN, flt, settings))
    _same_tables(ctx.spc_tables(HEADLINES),
                 spc_series.spc_details(con, HEADLINES, flt, settings))
    pd.testing.assert_frame_equal(ctx.spc_by_department(COMPARED),
                                  spc_series.spc_by_department(con, COMPARED, flt, settings))


@pytest.mark.parametrize("window", [(None, None), ONE_WINDOW], ids=["all dates", "a month"])
@pytest.mark.parametrize("flt", SUBSETS, ids=lambda f: f.describe())
def test_any_filters_department_rows_are_the_engines_for_that_filter(demo, flt, window):
    key, con = demo
    flt = flt.with_window(*window)
    settings = Settings()
    ctx = _context(key, flt)
    pd.testing.assert_frame_equal(data.compute(key, COMPARED, flt, ("department",)),
                                  engine.compute(con, COMPARED, flt, ["department"]))
    pd.testing.assert_frame_equal(ctx.compute(COMPARED, ["department"]),
                                  engine.compute(con, COMPARED, flt, ["department"]))
    pd.testing.assert_frame_equal(ctx.spc_by_department(COMPARED),
                                  spc_series.spc_by_department(con, COMPARED, flt, settings))
    pd.testing.assert_frame_equal(judged_tables.benchmarks(key, flt, None, True),
                                  benchmark_rows(con, flt, None, True))


def test_the_cases_hold_withheld_cells(demo):
    """The premise of the table above: its one-month window of the smallest department
    withholds cells, in the rows and in the charts."""
    key, con = demo
    flt = Filter(departments=("PALL",), start=date(2025, 6, 1), end=PAGES_END)
    assert engine.compute(con, SHOWN, flt, ["department"])["suppressed"].any()
    charts = spc_series.spc_by_department(con, SHOWN, flt, Settings())
    assert charts["suppressed"].astype(bool).any()


def test_a_page_asks_for_all_its_kpis_by_department_and_with_one_department(demo, monkeypatch):
    key, _ = demo
    one = _context(key, Filter(departments=("ED",)))
    two = _context(key, Filter(departments=("ED", "PALL")))
    every = tuple(sorted(k for k in SHOWN if k in one.kpis))
    assert one.widened(("nps",)) == one.widened(("nps",), by_department=True) == every
    assert two.widened(("nps",)) == ("nps",)
    assert two.widened(("nps",), by_department=True) == every
    plain = PageContext(key, one.flt, one.kpis, {})  # no asking
    assert plain.widened(("nps",)) == plain.widened(("nps",), by_department=True) == ("nps",)
    asked = []
    real = data.compute

    def compute(key, ids, flt, group_by=()):
        asked.append((ids, flt.departments, group_by))
        return real(key, ids, flt, group_by)

    monkeypatch.setattr(data, "compute", compute)
    one.compute(["nps"])
    one.compute(["nps"], ["department"])
    one.compute(["nps"], ["month"])  # not a department's rows: asked as is
    one.compute(["nps"], flt=Filter(departments=("PALL",)))  # another filter as a whole: as is
    one.compute(["nps"], ["department"], flt=Filter(departments=("PALL",)))
    two.compute(["nps"])
    assert asked == [(every, ("ED",), ()), (every, ("ED",), ("department",)),
                     (("nps",), ("ED",), ("month",)), (("nps",), ("PALL",), ()),
                     (every, ("PALL",), ("department",)), (("nps",), ("ED", "PALL"), ())]


@pytest.mark.parametrize("window", [(None, None), ONE_WINDOW], ids=["all dates", "a month"])
def test_every_department_filter_of_a_window_shares_one_engine_call(demo, monkeypatch, window):
    """Each department's rows and charts, several departments' and the rest of the hospital's
    by department: one engine call for the rows and one for the charts per window and reach."""
    key, _ = demo
    data.clear_caches()
    asked = []
    real = engine.compute

    def compute(con, kpi_ids, flt, group_by=(), chart=False):
        asked.append((flt.departments, tuple(group_by), chart))
        return real(con, kpi_ids, flt, group_by, chart)

    monkeypatch.setattr(engine, "compute", compute)
    filters = [Filter(departments=(d,)) for d in ("ED", "PALL", "MAT")] + [
        Filter(departments=("ED", "PALL")), Filter(service_lines=("Outpatient",)), Filter()]
    for flt in filters:
        ctx = _context(key, flt.with_window(*window))
        ctx.compute(COMPARED, ["department"])
        ctx.spc_by_department(COMPARED)
        if len(data.filter_departments(key, ctx.flt)) == 1:
            ctx.compute(SHOWN)
            ctx.spc_tables(HEADLINES)
    assert sorted(asked) == [((), ("department",), False), ((), ("department", "month"), True)]
    data.clear_caches()
