"""A filter of one department: its whole-filter rows and charts are its by-department ones, so
the app asks the engine once for both (ui/data.compute, spc_tables; PageContext.widened), and
what the pages get is exactly what the engine gives each way, withheld cells included."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kpi import engine
from kpi.filters import Filter
from kpi.present import pages
from kpi.settings import Settings
from kpi.spc import series as spc_series
from kpi.store.connect import open_readonly
from tests.support.demo_test_helpers import PAGES_END
from ui import data
from ui.context import PageContext
from ui.settings_file import settings_key

HEADLINES = tuple(pages.OVERVIEW_HEADLINES.values())
COMPARED = pages.OVERVIEW_COMPARED
SHOWN = tuple(dict.fromkeys([*HEADLINES, *COMPARED]))
WINDOWS = [  # all dates, a month (small cells), a quarter, a leap day, a month boundary
    (None, None), (date(2025, 6, 1), PAGES_END), (date(2025, 1, 1), date(2025, 3, 31)),
    (date(2024, 2, 29), date(2024, 2, 29)), (date(2024, 12, 31), date(2025, 1, 1))]
CASES = [(dept, start, end) for dept in ("PALL", "ED") for start, end in WINDOWS]


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
    _same_tables(data.spc_tables(key, SHOWN, flt, settings_key(settings)),
                 spc_series.spc_details(con, SHOWN, flt, settings))
    _same_tables(ctx.spc_tables(HEADLINES),
                 spc_series.spc_details(con, HEADLINES, flt, settings))
    pd.testing.assert_frame_equal(ctx.spc_by_department(COMPARED),
                                  spc_series.spc_by_department(con, COMPARED, flt, settings))


def test_the_cases_hold_withheld_cells(demo):
    """The premise of the table above: its one-month window of the smallest department
    withholds cells, in the rows and in the charts."""
    key, con = demo
    flt = Filter(departments=("PALL",), start=date(2025, 6, 1), end=PAGES_END)
    assert engine.compute(con, SHOWN, flt, ["department"])["suppressed"].any()
    charts = spc_series.spc_by_department(con, SHOWN, flt, Settings())
    assert charts["suppressed"].astype(bool).any()


def test_a_page_asks_for_more_only_with_one_department_and_for_its_own_filter(demo,
                                                                             monkeypatch):
    key, _ = demo
    one = _context(key, Filter(departments=("ED",)))
    every = tuple(sorted(k for k in SHOWN if k in one.kpis))
    assert one.widened(("nps",)) == every
    assert _context(key, Filter(departments=("ED", "PALL"))).widened(("nps",)) == ("nps",)
    assert PageContext(key, one.flt, one.kpis, {}).widened(("nps",)) == ("nps",)  # no asking
    asked = []
    real = data.compute

    def compute(key, ids, flt, group_by=()):
        asked.append((ids, flt.departments, group_by))
        return real(key, ids, flt, group_by)

    monkeypatch.setattr(data, "compute", compute)
    one.compute(["nps"])
    one.compute(["nps"], ["department"])  # and, inside, the whole filter's (cached)
    one.compute(["nps"], ["month"])  # not the same rows as a whole: asked as is
    one.compute(["nps"], flt=Filter(departments=("PALL",)))  # another filter: as is
    assert asked == [(every, ("ED",), ()), (every, ("ED",), ("department",)),
                     (every, ("ED",), ()), (("nps",), ("ED",), ("month",)),
                     (("nps",), ("PALL",), ())]
