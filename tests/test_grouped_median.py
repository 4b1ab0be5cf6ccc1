"""The median wait's control chart plots the grouped median of the minute histogram
(L + (N/2 - F) / f, each whole minute m a class from m - 0.5 to m + 0.5), computed by hand here,
the same with and without the derived histograms; tiles and exports keep the contract's median."""

from __future__ import annotations

import numpy as np
import pytest

from kpi.catalog.kpis import charted, resolve_kpis
from kpi.engine import compute
from kpi.filters import Filter
from kpi.settings import Settings
from kpi.spc.chunky import is_chunky
from kpi.spc.series import spc_details
from kpi.store.connect import open_readonly
from kpi.store.salt import load_salt, patient_hash_sql
from kpi.store.swap import write_swap
from tests.support.kpi_db import without_derived

# (department, day, waits); a None wait is a visit without a recorded wait.
WAITS = [
    ("D1", "2024-01-10", [1, 2]), ("D1", "2024-01-20", [2, 3, 9]),   # odd: 1 2 2 3 9
    ("D1", "2024-02-05", [1, 2, 2, 3]),                               # even: 1 2 2 3
    ("D1", "2024-03-05", [10, 20]),                                   # two apart: 10 20
    ("D2", "2024-01-05", [5, 5, 5, 5]),                               # all equal
    ("D2", "2024-02-05", [5]),                                        # one value
    ("D2", "2024-03-05", [None, None]),                               # none recorded
]
MEDIAN_WAIT = "median_wait_minutes"
BY_HAND = {  # (department, month) -> (grouped median, contract median, n)
    ("D1", "2024-01"): (1.5 + (2.5 - 1) / 2, 2.0, 5),    # m 2: F 1, f 2 -> 2.25
    ("D1", "2024-02"): (1.5 + (2 - 1) / 2, 2.0, 4),      # m 2: F 1, f 2 -> 2.0
    ("D1", "2024-03"): (9.5 + (1 - 0) / 1, 15.0, 2),     # m 10 (reaches N/2 = 1) -> 10.5
    ("D2", "2024-01"): (4.5 + (2 - 0) / 4, 5.0, 4),      # -> 5.0, the value itself
    ("D2", "2024-02"): (4.5 + (0.5 - 0) / 1, 5.0, 1),    # -> 5.0, the value itself
    ("D2", "2024-03"): (None, None, 0),
}


@pytest.fixture(scope="module", params=["derived", "plain"])
def con(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("grouped")
    path = folder / "waits.duckdb"
    salt = load_salt(path)
    rows = [(f"V{i:02d}", f"P{i:02d}", dept, day, wait)
            for i, (dept, day, wait) in enumerate((d, day, w) for d, day, ws in WAITS for w in ws)]
    with write_swap(path, fresh=True) as w:
        w.execute("INSERT INTO departments VALUES ('D1', 'Ward', 'Inpatient', 'North'), "
                  "('D2', 'Clinic', 'Outpatient', 'North')")
        w.execute("CREATE TEMP TABLE raw (visit_id VARCHAR, k VARCHAR, department_id VARCHAR, "
                  "visit_date DATE, wait_minutes INTEGER)")
        w.executemany("INSERT INTO raw VALUES (?, ?, ?, ?, ?)", rows)
        w.execute(f"INSERT INTO visits SELECT visit_id, {patient_hash_sql('k')}, department_id, "
                  "visit_date, NULL, wait_minutes FROM raw", {"salt": salt})
    if request.param == "plain":
        path = without_derived(path, folder / "plain.duckdb")
    connection = open_readonly(path)
    yield connection
    connection.close()


def _by_group(result) -> dict:
    return {(r.department_id, r.month): (None if np.isnan(r.value) else r.value, r.n)
            for r in result.astype({"value": float}).itertuples()}


def test_the_chart_plots_the_grouped_median_the_tiles_the_contracts(con):
    flt = Filter(start="2024-01-01", end="2024-03-31")
    chart = _by_group(compute(con, [MEDIAN_WAIT], flt, ["department", "month"], chart=True))
    tiles = _by_group(compute(con, [MEDIAN_WAIT], flt, ["department", "month"]))
    assert chart == {key: (grouped, n) for key, (grouped, _, n) in BY_HAND.items()}
    assert tiles == {key: (median, n) for key, (_, median, n) in BY_HAND.items()}


@pytest.mark.parametrize("flt, expected", [
    # 1 1 2 2 2 2 3 3 5 5 5 5 5 9 10 20: N/2 = 8 is reached at 3 (F 6, f 2); the median is 4.
    (Filter(start="2024-01-01", end="2024-03-31"), 2.5 + (8 - 6) / 2),
    # A window from mid-January (the daily histogram): D1's 2 3 9, m 3 (F 1, f 1) -> 3.0.
    (Filter(departments=("D1",), start="2024-01-15", end="2024-01-31"), 2.5 + (1.5 - 1) / 1),
])
def test_grouped_median_of_a_whole_window(con, flt, expected):
    result = compute(con, [MEDIAN_WAIT], flt, chart=True)
    assert result["value"].iloc[0] == pytest.approx(expected)


def test_only_a_kpi_with_a_chart_kind_is_charted_differently(con):
    flt = Filter(start="2024-01-01", end="2024-03-31")
    for kpi in resolve_kpis(con, None):
        assert (charted(kpi) == kpi) == (kpi.id != MEDIAN_WAIT), kpi.id
    assert compute(con, ["visits"], flt, ["month"], chart=True).equals(
        compute(con, ["visits"], flt, ["month"]))


@pytest.mark.parametrize("department, values, chunky", [
    # 2.25, 2.0: unit 0.25, limits 2.125 +- 2.66 x 0.25, 6 possible values: judged (the
    # whole-minute medians 2, 2 would leave one possible value: chunky).
    ("D1", [2.25, 2.0], False),
    # 5.0, 5.0: the grouped medians are whole minutes and flat: chunky, no rule.
    ("D2", [5.0, 5.0], True),
])
def test_the_control_chart_and_its_chunky_check_read_the_grouped_median(con, department,
                                                                          values, chunky):
    flt = Filter(departments=(department,), start="2024-01-01", end="2024-02-29")
    table = spc_details(con, [MEDIAN_WAIT], flt, Settings(min_n={"median_wait": 0})
                        )[MEDIAN_WAIT]
    assert table["value"].tolist() == pytest.approx(values)
    assert table["chunky"].tolist() == [chunky] * 2
    assert is_chunky(np.array(values), table["lower"].iat[0], table["upper"].iat[0]) == chunky
    assert is_chunky(np.array([2.0, 2.0]), 2.0, 2.0)
    if chunky:
        assert set(table["rule"]) == set(table["variation"]) == {""}
