"""The engine's promises beyond single values: the group grid, order, errors, bound parameters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kpi.catalog.kpis import available_kpis
from kpi.engine import COLUMNS, compute, data_as_of, default_window, departments
from kpi.errors import UsageError
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from kpi.store.swap import write_swap
from tests.support.kpi_db import build_tiny_db

RESULT = ["value", "numerator", "denominator", "n", "ci_low", "ci_high", "suppressed"]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = open_readonly(build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb"))
    yield connection
    connection.close()


def test_the_grid_has_every_department_and_month_with_zero_counts(con):
    result = compute(con, ["complaint_count"], Filter(start="2024-02-01", end="2024-03-31"),
                     ["department", "month"])
    got = list(zip(result.department_id, result.month, result.value, result.n))
    assert got == [("D1", "2024-02", 1, 1), ("D1", "2024-03", 3, 3),
                   ("D2", "2024-02", 0, 0), ("D2", "2024-03", 0, 0),
                   ("D3", "2024-02", 1, 1), ("D3", "2024-03", 0, 0)]


def test_the_grid_follows_site_and_service_line(con):
    by_site = compute(con, ["visits"], Filter(sites=("North",)), ["department"])
    assert list(by_site.department_id) == ["D1", "D2"]
    assert list(by_site.value) == [9, 3]
    outpatient = compute(con, ["visits"], Filter(service_lines=("Outpatient",), sites=("North",)),
                         ["department"])
    assert list(outpatient.department_id) == ["D2"]


def test_columns_and_order_are_the_contract(con):
    result = compute(con, None, Filter(start="2024-01-01", end="2024-02-15"),
                     ["month", "department"])
    assert list(result.columns) == COLUMNS
    keys = list(zip(result.kpi_id, result.department_id, result.month))
    assert keys == sorted(keys)
    assert len(result) == len(available_kpis(con)) * 3 * 2
    assert set(result.start) == {date(2024, 1, 1)} and set(result.end) == {date(2024, 2, 15)}


def test_ungrouped_keys_are_empty_and_every_kpi_is_computed_for_no_ids(con):
    result = compute(con, [], Filter())
    assert result.department_id.isna().all() and result.month.isna().all()
    assert list(result.kpi_id) == sorted(k.id for k in available_kpis(con))


def test_each_group_equals_the_same_narrower_filter(con):
    """Where both show it (complementary suppression may withhold a group that alone is
    shown, and the reverse)."""
    grouped = compute(con, None, Filter(start="2024-01-15", end="2024-03-10"),
                      ["department", "month"])
    months = {"2024-01": ("2024-01-15", "2024-01-31"), "2024-02": ("2024-02-01", "2024-02-29"),
              "2024-03": ("2024-03-01", "2024-03-10")}
    compared = 0
    for (dept, month), rows in grouped.groupby(["department_id", "month"]):
        start, end = months[month]
        alone = compute(con, None, Filter(departments=(dept,), start=start, end=end))
        rows, alone = rows[RESULT].reset_index(drop=True), alone[RESULT].reset_index(drop=True)
        shown = ~rows.suppressed & ~alone.suppressed
        pd.testing.assert_frame_equal(rows[shown], alone[shown])
        compared += shown.sum()
    assert compared >= 0.8 * len(grouped)


@pytest.mark.parametrize("kpi_ids, flt, group_by, named", [
    (["no_such_kpi"], Filter(), (), "no_such_kpi"),
    (["domain_top_box[wellbeing]"], Filter(), (), "domain_top_box[wellbeing]"),
    (["visits"], Filter(departments=("D9",)), (), "D9"),
    (["visits"], Filter(departments=("D1' OR '1'='1",)), (), "D1' OR '1'='1"),
    (["visits"], Filter(departments=("D1'); DROP TABLE visits; --",)), (), "DROP TABLE"),
    (["visits"], Filter(service_lines=("Surgery",)), (), "Surgery"),
    (["visits"], Filter(sites=("East",)), (), "East"),
    (["visits"], Filter(), ("ward",), "ward"),
])
def test_unknown_ids_are_usage_errors_that_name_them(con, kpi_ids, flt, group_by, named):
    with pytest.raises(UsageError, match="unknown|cannot group") as err:
        compute(con, kpi_ids, flt, group_by)
    assert named in str(err.value)
    assert con.execute("SELECT count(*) FROM visits").fetchone() == (13,)


def test_a_department_id_is_bound_never_spliced(con):
    rows = con.execute("SELECT count(*) FROM visits WHERE list_contains($depts, department_id)",
                       {"depts": ["D1' OR '1'='1"]}).fetchone()
    assert rows == (0,)


def test_as_of_window_and_departments_cover_the_whole_database(con):
    assert data_as_of(con) == {"visits": date(2024, 3, 31), "patient_survey": date(2024, 3, 11),
                               "complaints": date(2024, 4, 1), "staff_survey": date(2024, 3, 5),
                               "reviews": date(2024, 3, 31)}
    assert default_window(con) == (date(2023, 1, 10), date(2024, 4, 1))
    table = departments(con, Filter())
    assert list(table.columns) == ["department_id", "department_name", "service_line", "site"]
    assert list(table.department_id) == ["D1", "D2", "D3"]
    assert list(departments(con, Filter(sites=("North",))).department_id) == ["D1", "D2"]


def test_a_filter_with_only_a_start_ends_at_the_latest_date(con):
    result = compute(con, ["complaint_count"], Filter(start="2024-03-01"))
    assert (result.start[0], result.end[0], result.value[0]) == (date(2024, 3, 1),
                                                                 date(2024, 4, 1), 3)


def test_an_empty_database_has_counts_of_zero_and_no_values(tmp_path):
    with write_swap(tmp_path / "empty.duckdb", fresh=True):
        pass
    empty = open_readonly(tmp_path / "empty.duckdb")
    try:
        result = compute(empty, None, Filter(), ["department", "month"])
        assert result.empty and list(result.columns) == COLUMNS
        whole = compute(empty, None, Filter())
        assert (whole.n == 0).all() and not whole.suppressed.any()
        counts = whole.unit == "count"
        assert (whole.value[counts] == 0).all() and whole.value[~counts].isna().all()
        assert set(data_as_of(empty).values()) == {None}
    finally:
        empty.close()
