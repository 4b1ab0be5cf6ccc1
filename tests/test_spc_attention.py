"""kpi.spc.attention (what needs attention, from control charts) and kpi.spc.series'
spc_by_department (one engine call, the same tables as spc_for_kpi per department)."""

import math
from datetime import date

import pandas as pd
import pytest

from kpi.filters import Filter
from kpi.settings import Settings
from kpi.spc.attention import ATTENTION_COLUMNS, attention, latest_point
from kpi.spc.series import (
    SPC_BY_DEPARTMENT_COLUMNS,
    SPC_COLUMNS,
    spc_by_department,
    spc_for_kpi,
)
from kpi.store.connect import open_readonly
from tests.support.demo_test_helpers import PAGES_END as END

NAN = math.nan
MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]


def series(department, kpi_id, variations, values=None, assurance="", target=NAN, rules=None,
           provisional=False):
    """One department x KPI SPC table over MONTHS; '' variation with a NaN value is a gap;
    `provisional`: the last month is incomplete (a value, no variation)."""
    values = values or [NAN if v == "" else 50.0 + i for i, v in enumerate(variations)]
    rules = rules or ["outside_limits" if v == "concern" else "" for v in variations]
    table = pd.DataFrame({"department_id": department, "kpi_id": kpi_id, "month": MONTHS,
                          "value": values, "variation": variations, "rule": rules,
                          "assurance": assurance, "target": target, "trial_limits": True,
                          "provisional": False, "too_few": False, "chunky": False})
    if provisional:
        table.loc[len(table) - 1, ["variation", "rule", "provisional"]] = ["", "", True]
    return table


C, K, G = "common", "concern", ""


@pytest.mark.parametrize("variations, rules, provisional, expected", [
    ([C, C, C, K, K, K], None, False, ("outside_limits", "2025-04")),  # the run's start
    ([C, K, K, K, K, K], [""] * 5 + ["shift"], False, ("shift", "2025-02")),  # latest rule
    ([C, K, G, K, K, K], None, False, ("outside_limits", "2025-04")),  # a gap breaks the run
    ([C, C, C, K, K, C], None, True, ("outside_limits", "2025-04")),   # provisional June
    ([C, C, C, K, K, C], None, False, None),   # the latest complete month is common cause
    ([C, K, G, K, C, C], None, False, None),
    ([C, C, C, C, C, C], None, False, None),
    (["improvement"] * 6, None, False, None),  # only concerns count
])
def test_a_concern_in_the_latest_complete_month_is_listed_since_its_run_began(
        variations, rules, provisional, expected):
    found = attention(series("ED", "median_wait_minutes", variations, rules=rules,
                             provisional=provisional))
    concerns = found[found["signal"] == "concern"]
    if expected is None:
        assert concerns.empty
    else:
        assert (concerns["rule"].iloc[0], concerns["since"].iloc[0]) == expected


def test_a_target_never_met_is_listed_since_the_first_month_with_a_value():
    table = series("MAT", "seen_within_15_minutes", [G, C, C, C, C, G], assurance="never met",
                   target=50.0)
    found = attention(table)
    assert found.to_dict("records") == [{
        "department_id": "MAT", "kpi_id": "seen_within_15_minutes", "signal": "never met",
        "rule": "", "since": "2025-02", "latest_month": "2025-05", "latest_value": 54.0,
        "target": 50.0, "trial_limits": True}]


def test_concerns_come_first_then_department_and_kpi():
    tables = pd.concat([
        series("UCC", "nps", [C] * 6, assurance="never met", target=10.0),
        series("CARD", "nps", [C] * 5 + [K]),
        series("ED", "nps", [C] * 5 + [K], assurance="never met", target=10.0),
        series("CARD", "enps", [C] * 6, assurance="always met", target=10.0),
    ])
    found = attention(tables)
    assert list(found.columns) == ATTENTION_COLUMNS
    assert list(zip(found["department_id"], found["signal"])) == [
        ("CARD", "concern"), ("ED", "concern"), ("ED", "never met"), ("UCC", "never met")]


def test_nothing_to_list_without_values():
    assert attention(series("PALL", "nps", [G] * 6)).empty
    assert latest_point(series("PALL", "nps", [G] * 6)) is None
    assert latest_point(series("PALL", "nps", [C, C, G, C, G, G]))["month"] == "2025-04"


WINDOW = Filter(start=date(2024, 7, 1), end=END)


@pytest.fixture(scope="module")
def con(pages_demo):
    connection = open_readonly(pages_demo)
    yield connection
    connection.close()


def test_by_department_matches_spc_for_kpi_of_each_department(con):
    kpi_ids = ["median_wait_minutes", "patient_satisfaction", "complaints_per_1000_visits"]
    flt = Filter(departments=("ED", "CARD", "PALL"), start=WINDOW.start, end=WINDOW.end)
    tables = spc_by_department(con, kpi_ids, flt, Settings(run_length=6))
    assert list(tables.columns) == SPC_BY_DEPARTMENT_COLUMNS
    assert sorted(set(tables["department_id"])) == ["CARD", "ED", "PALL"]
    for (department, kpi_id), got in tables.groupby(["department_id", "kpi_id"]):
        alone = Filter(departments=(department,), start=WINDOW.start, end=WINDOW.end)
        expected = spc_for_kpi(con, kpi_id, alone, Settings(run_length=6))
        pd.testing.assert_frame_equal(got[SPC_COLUMNS].reset_index(drop=True), expected,
                                      check_dtype=False)
    withheld = tables[tables["suppressed"]]
    assert len(withheld) and withheld["value"].isna().all()


def test_by_department_of_no_kpi_is_empty(con):
    assert list(spc_by_department(con, [], WINDOW, Settings()).columns) == \
        SPC_BY_DEPARTMENT_COLUMNS
