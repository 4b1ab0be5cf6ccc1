"""kpi.present.chart_tables: each chart's 'show as table' holds the chart's own numbers, withheld
values in words with no n, departments by name."""

import math

import pandas as pd

from kpi.catalog.kpis import KPIS
from kpi.present import charts
from kpi.present.chart_tables import (
    WITHIN_FUNNEL,
    counts_table,
    funnel_table,
    pair_table,
    rows_table,
    spc_months_table,
    stacked_table,
)
from kpi.present.heatmap import heatmap
from tests.test_charts import BY_DEPT, GRID, NAMES, kpi_rows

NAN = math.nan
SATISFACTION = next(k for k in KPIS if k.id == "patient_satisfaction")


def test_rows_by_department_are_named_sorted_and_withheld_in_words():
    table = rows_table(BY_DEPT, NAMES)
    assert list(table.columns) == ["Department", "Value", "n", "95 % interval"]
    assert table.to_dict("records") == [
        {"Department": "Clinic C", "Value": "no data", "n": "0", "95 % interval": ""},
        {"Department": "Ward A", "Value": "82.5 %", "n": "412",
         "95 % interval": "95 % CI 78.5 to 86.0 %"},
        {"Department": "Ward B", "Value": "fewer than 11 responses", "n": "",
         "95 % interval": ""}]


def test_a_withheld_rows_n_is_never_shown_even_when_the_engine_kept_it():
    rows = kpi_rows([("A", None, NAN, 7, NAN, NAN, True)])
    assert rows_table(rows, NAMES, threshold=30).iloc[0][["Value", "n"]].tolist() == [
        "fewer than 30 responses", ""]


def test_a_grid_has_a_month_column_and_the_heatmaps_cell_numbers():
    table = rows_table(GRID, NAMES)
    assert list(table["Month"][:2]) == ["2025-01", "2025-02"]
    cells = [t for t in heatmap(GRID, "department_id", "month", NAMES).data[0].text.ravel() if t]
    assert cells and all(any(t in v for v in table["Value"]) for t in cells), (cells, table)


def test_several_kpis_get_a_kpi_column_named_by_the_labels_given():
    rows = pd.concat([BY_DEPT, kpi_rows([("A", None, 70.0, 50, NAN, NAN, False)],
                                        kpi_id="domain_top_box[privacy]", label="Privacy top-box %")])
    table = rows_table(rows, NAMES, labels={"domain_top_box[privacy]": "Privacy"})
    assert table[table["Department"] == "Ward A"]["KPI"].tolist() == ["Patient satisfaction",
                                                                      "Privacy"]


def test_the_funnel_table_says_where_each_department_lies():
    verdict = pd.Series(["better", "withheld", "no data"], index=BY_DEPT.index)
    table = funnel_table(BY_DEPT, verdict, NAMES, "All departments in the filter")
    assert dict(zip(table["Department"], table["Funnel"])) == {
        "Ward A": "better than all departments in the filter (outside 99.8 %)",
        "Ward B": "", "Clinic C": ""}
    within = funnel_table(BY_DEPT, pd.Series(["no different"] * 3, index=BY_DEPT.index),
                          NAMES, "Rest of the hospital")
    assert within.set_index("Department").loc["Ward A", "Funnel"] == WITHIN_FUNNEL


def test_the_pair_table_shows_both_kpis_per_department():
    staff = kpi_rows([("A", None, 64.0, 40, NAN, NAN, False), ("B", None, 55.5, 12, NAN, NAN,
                                                                False)],
                     kpi_id="staff_engagement", label="Staff engagement")
    rows = pd.concat([staff, BY_DEPT])
    table = pair_table(rows, "staff_engagement", "patient_satisfaction", NAMES)
    assert table.to_dict("records") == [
        {"Department": "Clinic C", "Staff engagement": "no data",
         "Patient satisfaction": "no data"},
        {"Department": "Ward A", "Staff engagement": "64.0 %", "Patient satisfaction": "82.5 %"},
        {"Department": "Ward B", "Staff engagement": "55.5 %",
         "Patient satisfaction": "fewer than 11 responses"}]


def spc_rows(cells):
    """An spc_detail-shaped table from (month, value, n, centre, lower, upper, variation, rule,
    provisional, suppressed)."""
    return pd.DataFrame([
        {"kpi_id": "patient_satisfaction", "month": m, "value": v, "n": n, "centre": c,
         "lower": lo, "upper": hi, "rule": rule, "variation": var, "assurance": "",
         "target": NAN, "trial_limits": False, "chart": "p", "provisional": prov,
         "too_few": False, "chunky": False, "suppressed": s}
        for m, v, n, c, lo, hi, var, rule, prov, s in cells])


def test_the_spc_table_writes_each_month_as_the_charts_hover_does():
    table = spc_months_table(spc_rows([
        ("2025-02", 70.0, 40, 80.0, 72.5, 87.5, "concern", "outside_limits", False, False),
        ("2025-01", NAN, pd.NA, 80.0, 72.5, 87.5, "", "", False, True),
        ("2025-03", 81.0, 50, NAN, NAN, NAN, "", "", True, False)]), SATISFACTION, 7)
    assert table.to_dict("records") == [
        {"Month": "2025-01", "Value": "fewer than 11 responses", "n": "", "Mean": "80.0 %",
         "Limits": "72.5 % to 87.5 % (process limits)", "Verdict": ""},
        {"Month": "2025-02", "Value": "70.0 %", "n": "40", "Mean": "80.0 %",
         "Limits": "72.5 % to 87.5 % (process limits)",
         "Verdict": "▼ Special cause — concern: point outside the limits"},
        {"Month": "2025-03", "Value": "81.0 %", "n": "50", "Mean": "", "Limits": "",
         "Verdict": "Provisional: not judged until the month is complete"}]


def test_counts_and_shares_as_the_bars_label_them():
    labels, counts, shares = ["1", "2"], [3, 1234], [0.2, 99.8]
    table = counts_table(labels, counts, "answer", shares)
    assert table.to_dict("records") == [{"Answer": "1", "Count": "3", "Share": "0.2 %"},
                                        {"Answer": "2", "Count": "1,234", "Share": "99.8 %"}]
    bars = charts.count_bars(labels, counts, "answer", shares=shares).data[0]
    assert list(bars.text) == list(table["Share"])
    assert list(bars.hovertext) == [f"{a}: {s} ({c})" for a, s, c
                                    in zip(table["Answer"], table["Share"], table["Count"])]
    assert list(counts_table(["x"], [5], "category").columns) == ["Category", "Count"]


def test_stacked_bars_as_a_table_have_every_band_in_order():
    rows = pd.DataFrame({"department_id": ["A", "A", "B"], "band": ["old", "new", "new"],
                         "complaints": [2, 1, 4]})
    table = stacked_table(rows, "department_id", "band", "complaints", NAMES, ["new", "mid", "old"])
    assert table.to_dict("records") == [
        {"Department": "Ward A", "new": "1", "mid": "0", "old": "2"},
        {"Department": "Ward B", "new": "4", "mid": "0", "old": "0"}]
