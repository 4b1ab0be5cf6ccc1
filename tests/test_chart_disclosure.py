"""A control chart shows no cell that its window's tables withhold (complementary suppression is
decided per window; a chart's baseline reaches back further, so it takes the window's decision)."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.demo.build import build_demo
from kpi.engine import compute
from kpi.engine.table import withheld_groups
from kpi.filters import Filter
from kpi.settings import Settings
from kpi.spc.series import spc_by_department, spc_details
from kpi.store.connect import open_readonly
from tests.support.demo_test_helpers import PAGES_END

KPIS = ["staff_engagement", "staff_wellbeing", "enps", "nps", "patient_satisfaction",
        "recommend_top_box"]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("chart_disclosure") / "px.duckdb"
    build_demo(path, seed=7, scale=0.3, end=PAGES_END)
    connection = open_readonly(path)
    yield connection
    connection.close()


def _withheld(table, keys):
    return {tuple(row) for row in table.loc[table["suppressed"].astype(bool), keys].itertuples(
        index=False, name=None)}


@pytest.mark.parametrize("months_back", [3, 7, 12])
def test_a_department_chart_shows_nothing_its_window_withholds(con, months_back):
    start = date(PAGES_END.year - (PAGES_END.month <= months_back),
                 (PAGES_END.month - months_back - 1) % 12 + 1, 1)
    flt = Filter(start=start, end=PAGES_END)
    keys = ["kpi_id", "department_id", "month"]
    withheld = _withheld(compute(con, KPIS, flt, ["department", "month"]), keys)
    assert withheld  # the premise: the window withholds some department months
    chart = spc_by_department(con, KPIS, flt, Settings())
    shown = chart[chart["value"].notna()]
    leaks = {tuple(r) for r in shown[keys].astype(str).itertuples(index=False, name=None)}
    assert not leaks & {(k, d, str(m)) for k, d, m in withheld}
    hidden = chart[chart["value"].isna() & chart["n"].isna()]
    assert hidden[["lower", "upper"]].isna().all().all() or not len(hidden)


def test_a_whole_filter_chart_shows_nothing_its_window_withholds(con):
    flt = Filter(departments=("PALL",), start=date(PAGES_END.year - 1, 1, 1), end=PAGES_END)
    withheld = _withheld(compute(con, KPIS, flt, ["month"]), ["kpi_id", "month"])
    assert withheld
    for kpi_id, table in spc_details(con, KPIS, flt, Settings()).items():
        shown = set(table.loc[table["value"].notna(), "month"].astype(str))
        assert not shown & {m for k, m in withheld if k == kpi_id}, kpi_id


@pytest.mark.parametrize("group_by", [[], ["month"], ["department"], ["department", "month"]])
@pytest.mark.parametrize("flt", [Filter(start=date(2024, 10, 1), end=PAGES_END),
                                 Filter(departments=("PALL", "ED"), start=date(2025, 1, 1),
                                        end=date(2025, 5, 31))])
def test_the_withheld_groups_are_those_compute_withholds(con, flt, group_by):
    rows = compute(con, KPIS, flt, group_by)
    expected = rows.loc[rows["suppressed"].astype(bool), ["kpi_id", "department_id", "month"]]
    found = withheld_groups(con, KPIS, flt, group_by)
    assert found.values.tolist() == expected.values.tolist()
