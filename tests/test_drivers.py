"""Key drivers: the rank correlation and its interval by hand on the tiny database, the
withholding rule, the quadrants and the fix-first list, and the demo's planted driver."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpi.demo.surveys import PLANTED_DEPARTMENT, PLANTED_DRIVER
from kpi.engine import compute
from kpi.engine.drivers import DRIVER_COLUMNS, key_drivers
from kpi.filters import Filter
from kpi.present.driver_chart import priority_matrix
from kpi.present.drivers import (
    FIX_FIRST,
    KEEP,
    MAINTAIN,
    MONITOR,
    fix_first,
    fix_first_rows,
    priority_table,
    withheld_words,
)
from kpi.stats_t import correlation_interval_arrays
from kpi.store.connect import open_readonly
from kpi.store.derived.driver_cells import cells_params, cells_sql, driver_domains
from tests.support.demo_test_helpers import END, built_demo
from tests.support.kpi_db import build_tiny_db

# The tiny database's D1 (100 respondents): OVR 9 for R000-R059 and 5 after; COM1 4 for
# R000-R049 and 2 after. Two binary answers: Spearman = phi = (50 x 40 - 0 x 10) /
# sqrt(50 x 50 x 60 x 40) = sqrt(2/3).
COM1_OVERALL = math.sqrt(2 / 3)
# Recommend = mean of REC4 and REC10 (0-100): 100 (R000-R069), 90 (R070-R079), 73.33
# (R080-R089), 48.33 (R090-R099); average ranks 65.5, 25.5, 15.5, 5.5; COM1's 75.5 and 25.5;
# centred on 50.5: sum dx dy = 37,500, sum dx^2 = 62,500, sum dy^2 = 54,500.
COM1_RECOMMEND = 37_500 / math.sqrt(62_500 * 54_500)


def _fisher(r: float, n: int) -> tuple[float, float]:
    """The interval written out: atanh(r) -/+ 1.959964 x sqrt((1 + r^2/2) / (n - 3))."""
    half = 1.959964 * math.sqrt((1 + r * r / 2) / (n - 3))
    return math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = open_readonly(build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb"))
    yield connection
    connection.close()


def _row(found: pd.DataFrame, outcome: str, level: str, driver: str) -> pd.Series:
    rows = found[(found.outcome == outcome) & (found.level == level) & (found.driver_id == driver)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize("outcome, level, driver, rho, n, top_box", [
    ("overall", "question", "COM1", COM1_OVERALL, 100, 50.0),
    ("overall", "domain", "communication", COM1_OVERALL, 100, 50.0),
    ("recommend", "question", "COM1", COM1_RECOMMEND, 100, 50.0),
    # PRV: 20 respondents, all rated 9: no variation in the outcome, so no correlation.
    ("overall", "question", "PRV", math.nan, 20, 75.0),
    # ENV: top box raised to 5, 10 of 40.
    ("overall", "question", "ENV", math.nan, 40, 25.0),
    ("overall", "question", "COM2", math.nan, 0, math.nan),
])
def test_the_rank_correlation_and_interval_by_hand(con, outcome, level, driver, rho, n, top_box):
    row = _row(key_drivers(con, Filter(), 11), outcome, level, driver)
    assert row.n == n and not row.suppressed
    assert row.top_box == pytest.approx(top_box, nan_ok=True)
    assert row.importance == pytest.approx(rho, abs=1e-12, nan_ok=True)
    if not math.isnan(rho):
        assert (row.ci_low, row.ci_high) == pytest.approx(_fisher(rho, n), abs=1e-6)


def test_a_domains_top_box_is_its_kpis_value(con):
    row = _row(key_drivers(con, Filter(), 11), "overall", "domain", "communication")
    kpi = compute(con, ["domain_top_box[communication]"], Filter()).iloc[0]
    assert row.top_box == kpi.value


@pytest.mark.parametrize("minimum, withheld", [(100, set()), (101, {"COM1", "communication"})])
def test_drivers_are_withheld_below_the_minimum_of_respondents(con, minimum, withheld):
    found = key_drivers(con, Filter(), minimum)
    assert list(found.columns) == DRIVER_COLUMNS
    # PRV (20) and ENV (40) are withheld at both minimums; nothing answered (n 0) never is.
    hidden = set(found.loc[found.suppressed, "driver_id"])
    assert hidden == withheld | {"PRV", "ENV", "privacy", "environment"}
    assert found.loc[found.suppressed, ["n", "importance", "ci_low", "ci_high", "top_box"]
                     ].isna().all().all()
    assert not found.loc[found.n == 0, "suppressed"].any()


@pytest.mark.parametrize("minimum", [10, 0, 50.5])
def test_a_minimum_below_the_small_cell_threshold_is_refused(con, minimum):
    with pytest.raises(ValueError):
        key_drivers(con, Filter(), minimum)


def test_a_department_without_pairs_has_no_drivers(con):
    found = key_drivers(con, Filter(departments=("D2",)), 11)  # D2 answered only OVR
    assert (found.n == 0).all() and found.importance.isna().all()
    assert priority_table(found, "overall").empty
    assert withheld_words(found, "overall", 11) is None


def test_the_cells_without_driver_domains_count_the_questions_alone(con):
    per_level = " SELECT level, count(*), sum(w) FROM counted GROUP BY ALL ORDER BY ALL"
    domains = driver_domains(con)
    full = con.execute(cells_sql(domains, "true") + per_level, cells_params(domains)).fetchall()
    bare = con.execute(cells_sql([], "true") + per_level, cells_params([])).fetchall()
    assert [level for level, _, _ in full] == ["domain", "question"]
    assert bare == full[1:]


@pytest.mark.parametrize("r, n, low, high", [
    (0.0, 103, -0.1939, 0.1939),   # atanh 0 +- 1.96 x sqrt(1/100) = +-0.196, tanh -> 0.1935
    (0.5, 52, 0.2513, 0.6858),
    (1.0, 50, 1.0, 1.0), (-1.0, 50, -1.0, -1.0),
    (0.5, 3, math.nan, math.nan), (math.nan, 100, math.nan, math.nan),
])
def test_the_correlation_interval(r, n, low, high):
    found = correlation_interval_arrays(np.array([r]), np.array([n]))
    if math.isnan(low):
        assert np.isnan(found[0][0]) and np.isnan(found[1][0])
        return
    expected = _fisher(r, n) if abs(r) < 1 else (r, r)
    assert (found[0][0], found[1][0]) == pytest.approx(expected, abs=1e-9)
    assert (found[0][0], found[1][0]) == pytest.approx((low, high), abs=5e-3)


# A hand-made set of drivers: mean importance 0.4, mean top box 60.
DRIVERS = pd.DataFrame({
    "outcome": "overall", "level": "question",
    "driver_id": ["A", "B", "C", "D", "E", "F"],
    "domain": "d", "question_text": ["Kept informed", "Clean", "Quiet", None, "Kind", "Food"],
    "n": [200, 200, 200, 200, 200, 50],
    "importance": [0.7, 0.5, 0.2, 0.2, 0.4, None],
    "ci_low": [0.6, 0.4, 0.1, 0.1, 0.3, None], "ci_high": [0.8, 0.6, 0.3, 0.3, 0.5, None],
    "top_box": [40.0, 80.0, 50.0, 70.0, 60.0, None],
    "suppressed": [False, False, False, False, False, True],
})


def test_quadrants_cut_at_the_means_and_the_fix_first_list():
    table = priority_table(DRIVERS, "overall")
    assert dict(zip(table.driver_id, table.quadrant)) == {
        "A": FIX_FIRST, "B": KEEP, "C": MONITOR, "D": MAINTAIN, "E": KEEP}
    assert list(table.label) == ["Kept informed", "Clean", "Quiet", "D", "Kind"]
    chosen = fix_first(table)
    assert list(chosen.driver_id) == ["A"] and list(chosen["rank"]) == [1]
    assert fix_first_rows(chosen).iloc[0].to_dict() == {
        "Rank": "1", "Driver": "Kept informed", "Importance (95 % interval)": "0.70 (0.60 to 0.80)",
        "Top box": "40 %", "Respondents": "200"}
    assert "Some drivers are withheld: fewer than 100 respondents" in withheld_words(
        DRIVERS, "overall", 100)


def test_fix_first_ranks_by_importance_then_the_lower_score():
    drivers = DRIVERS.assign(importance=[0.6, 0.1, 0.6, 0.1, 0.6, None],
                             top_box=[40.0, 80.0, 30.0, 70.0, 50.0, None])  # mean 54
    chosen = fix_first(priority_table(drivers, "overall"))
    assert list(chosen.driver_id) == ["C", "A", "E"] and list(chosen["rank"]) == [1, 2, 3]


def test_the_priority_matrix_names_its_quadrants_and_escapes_labels():
    table = priority_table(DRIVERS.assign(question_text=["<b>x</b>", "b", "c", "d", "e", "f"]),
                           "overall")
    fig = priority_matrix(table, "title")
    assert {t.name for t in fig.data} == {FIX_FIRST, KEEP, MONITOR, MAINTAIN}
    assert {a.text for a in fig.layout.annotations} == {f"<b>{q}</b>" for q in
                                                        (FIX_FIRST, KEEP, MONITOR, MAINTAIN)}
    hovers = " ".join(h for t in fig.data for h in t.hovertext)
    assert "&lt;b&gt;x&lt;/b&gt;" in hovers and "<b>x</b>" not in hovers


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("drivers_demo") / "px.duckdb"
    for _, connection in built_demo(path, END, 0.05, seed=7):
        yield connection


@pytest.mark.parametrize("level, planted", [("question", PLANTED_DRIVER), ("domain", "wait_time")])
def test_the_planted_driver_ranks_first_for_the_ed(demo, level, planted):
    found = key_drivers(demo, Filter(departments=(PLANTED_DEPARTMENT,)))
    table = priority_table(found, "overall", level)
    assert len(table) >= 7 and table.n.min() >= 100
    assert table.sort_values("importance", ascending=False).driver_id.iloc[0] == planted
    assert fix_first(table).driver_id.iloc[0] == planted


def test_elsewhere_the_planted_driver_does_not_stand_out(demo):
    table = priority_table(key_drivers(demo, Filter(departments=("CARD",))), "overall")
    ranked = list(table.sort_values("importance", ascending=False).driver_id)
    strongest = table.importance.max()
    planted = table.set_index("driver_id").importance[PLANTED_DRIVER]
    assert ranked[0] != PLANTED_DRIVER or strongest - table.importance.nlargest(2).iloc[1] < 0.1
    assert planted < strongest + 1e-9 and planted < 0.7
