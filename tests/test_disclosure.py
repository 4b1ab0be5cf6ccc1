"""Complementary suppression: for every layout of a table of cases, no withheld n, numerator
or value can be recomputed from everything the engine shows for the filter (tiles, tables,
charts, the snapshot CSV and `kpi spc` are all engine results of these four groupings)."""

from __future__ import annotations

import numpy as np
import pytest

from kpi.engine import compute
from kpi.engine.complement import protect, protect_columns
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from tests.support.disclosure_helpers import Attacker, build_layout, small_sums_given_away

KPIS = ["patient_satisfaction", "survey_responses"]
GROUPINGS = [(), ("department",), ("month",), ("department", "month")]
MONTHS = ["2024-01", "2024-02", "2024-03"]
WINDOW = {"start": "2024-01-01", "end": "2024-03-31"}
BIG = {1: 40, 2: 35, 3: 30}

# name: surveys per department and month. The attacker reads every grouping of the filter of
# every department, of every department but the first, and of every department but the last.
LAYOUTS = {
    "one small department": ({"A": BIG, "B": {1: 20, 2: 25, 3: 22}, "C": {1: 15, 2: 14, 3: 16},
                              "TINY": {1: 2, 2: 2, 3: 1}}),
    "a small department in one month": ({"A": BIG, "B": {1: 30, 2: 31, 3: 29},
                                         "TINY": {2: 5}}),
    "two small departments whose sum is small too": (
        {"A": BIG, "B": {1: 25, 2: 24, 3: 26}, "C": {1: 12, 2: 11, 3: 13},
         "S1": {1: 3}, "S2": {1: 2, 3: 1}}),
    "a big department's small month": ({"A": {1: 4, 2: 40, 3: 38}, "B": {1: 30, 2: 20, 3: 25},
                                        "C": {1: 22, 2: 21, 3: 23}}),
    "one department, one small month": ({"A": {1: 5, 2: 20, 3: 18}}),
    "every month small": ({"A": {1: 6, 2: 7, 3: 5}, "B": {1: 8, 2: 3, 3: 9},
                           "C": {1: 30, 2: 33, 3: 31}}),
    "a small department and two others": (
        {"A": BIG, "B": {1: 20, 2: 25, 3: 22}, "TINY": {1: 3, 3: 2}}),
    "complements that differ by filter": (
        {"A": BIG, "B": {1: 20, 2: 25, 3: 22}, "C": {1: 12, 2: 13, 3: 12}, "TINY": {2: 4}}),
}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def hospital(request, tmp_path_factory):
    layout = LAYOUTS[request.param]
    ends = list(dict.fromkeys([next(iter(layout)), list(layout)[-1]]))
    filters = [(), *(tuple(x for x in layout if x != d) for d in ends if len(layout) > 1)]
    db = build_layout(tmp_path_factory.mktemp("layout") / "px.duckdb", layout)
    con = open_readonly(db)
    yield layout, filters, con
    con.close()


def _published(con, layout, filters) -> dict[str, Attacker]:
    """An attacker per KPI who has read every result of every filter and grouping."""
    attackers = {k: Attacker(list(layout), MONTHS) for k in KPIS}
    for departments in filters:
        for group_by in GROUPINGS:
            result = compute(con, KPIS, Filter(departments=departments, **WINDOW), group_by)
            for kpi_id, rows in result.groupby("kpi_id"):
                attackers[kpi_id].read(rows, list(departments or layout), MONTHS)
    return attackers


def _counts(layout) -> dict[tuple[str, str], int]:
    return {(d, m): layout[d].get(i + 1, 0) for d in layout for i, m in enumerate(MONTHS)}


def test_no_withheld_cell_can_be_recomputed_from_what_is_shown(hospital):
    layout, filters, con = hospital
    for kpi_id, attacker in _published(con, layout, filters).items():
        assert attacker.withheld, f"{kpi_id}: the layout has small cells to withhold"
        assert attacker.given_away() == [], kpi_id
        assert small_sums_given_away(attacker, _counts(layout)) == [], kpi_id


def test_every_small_cell_is_withheld_and_withheld_cells_show_nothing(hospital):
    layout, _, con = hospital
    result = compute(con, KPIS, Filter(**WINDOW), ("department", "month"))
    counts = _counts(layout)
    for row in result.itertuples():
        if 0 < counts[(row.department_id, row.month)] < 11:
            assert row.suppressed, row
    withheld = result[result.suppressed]
    assert withheld[["value", "numerator", "denominator", "n", "ci_low", "ci_high"]
                    ].isna().all().all()


def test_the_same_group_is_withheld_however_the_result_is_asked_for(hospital):
    _, _, con = hospital
    flt = Filter(**WINDOW)
    alone = compute(con, ["survey_responses"], flt, ("department",))
    together = compute(con, None, flt, ("department",))
    together = together[together.kpi_id == "survey_responses"].reset_index(drop=True)
    assert list(alone.suppressed) == list(together.suppressed)


def test_one_small_department_is_hidden_with_the_next_smallest_and_the_total_shown(tmp_path):
    layout = {"A": {1: 40}, "B": {1: 20}, "C": {1: 15}, "TINY": {1: 5}}
    con = open_readonly(build_layout(tmp_path / "px.duckdb", layout))
    try:
        flt = Filter(start="2024-01-01", end="2024-01-31")
        by_dept = compute(con, ["survey_responses"], flt, ("department",))
        total = compute(con, ["survey_responses"], flt)
    finally:
        con.close()
    assert dict(zip(by_dept.department_id, by_dept.suppressed)) == {
        "A": False, "B": False, "C": True, "TINY": True}
    assert (total.value[0], total.suppressed[0]) == (80, False)


@pytest.mark.parametrize("counts, primary, expected", [
    # one line of four departments and its total (one month: the month column is the total)
    ([[40, 40], [20, 20], [15, 15], [5, 5], [80, 80]],
     [[0, 0], [0, 0], [0, 0], [1, 1], [0, 0]],
     [[0, 0], [0, 0], [1, 1], [1, 1], [0, 0]]),
    # two small cells summing to 5 < 11: a third one is withheld with them
    ([[40, 40], [3, 3], [2, 2], [30, 30], [75, 75]],
     [[0, 0], [1, 1], [1, 1], [0, 0], [0, 0]],
     [[0, 0], [1, 1], [1, 1], [1, 1], [0, 0]]),
    # 2 x 2 with totals: a small cell pulls in its row, its column and the opposite corner
    ([[5, 20, 25], [30, 40, 70], [35, 60, 95]],
     [[1, 0, 0], [0, 0, 0], [0, 0, 0]],
     [[1, 1, 0], [1, 1, 0], [0, 0, 0]]),
])
def test_protect_withholds_the_next_smallest_until_nothing_can_be_subtracted(
        counts, primary, expected):
    hidden = protect(np.array(counts), np.array(primary, dtype=bool), 11)
    assert hidden.astype(int).tolist() == expected


@pytest.mark.parametrize("counts, primary, expected", [
    # departments x measures, only the column totals published: one small cell per column
    # takes the next smallest of its column; a column without one is left alone
    ([[400, 300], [5, 0], [20, 30]], [[0, 0], [1, 0], [0, 0]], [[0, 0], [1, 0], [1, 0]]),
    # two small cells holding 3 + 4 < 11 together: a third is withheld with them
    ([[3, 50], [4, 50], [30, 50], [90, 50]], [[1, 0], [1, 0], [0, 0], [0, 0]],
     [[1, 0], [1, 0], [1, 0], [0, 0]]),
    # two small cells holding 6 + 7 >= 11: safe as they are
    ([[6], [7], [90]], [[1], [1], [0]], [[1], [1], [0]]),
    # zeros are taken only when nothing else is left, and until the shown ones give nothing away
    ([[5], [0], [0]], [[1], [0], [0]], [[1], [1], [1]]),
    ([[5], [0], [20]], [[1], [0], [0]], [[1], [0], [1]]),
    # nothing withheld, nothing to protect
    ([[1, 2]], [[0, 0]], [[0, 0]]),
])
def test_protect_columns_withholds_per_column_until_the_total_gives_nothing_away(
        counts, primary, expected):
    hidden = protect_columns(np.array(counts), np.array(primary, dtype=bool), 11)
    assert hidden.astype(int).tolist() == expected
