"""The HCAHPS benchmark reader from the derived aggregates: the responses answering each measure
by hand, and the standing equal to the base tables' to the last float on the demo."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kpi.engine.hcahps import benchmark_rows
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from kpi.store.swap import write_swap
from tests.support.kpi_db import fast_and_plain

DEMO_END = date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory):
    yield from fast_and_plain(tmp_path_factory.mktemp("hcahps_derived"), 13, 0.05, DEMO_END)


CASES = [
    (Filter(), False),
    (Filter(), True),
    (Filter(start="2023-11-17", end="2025-02-11"), False),  # partial months at both ends
    (Filter(start="2023-11-17", end="2025-02-11"), True),
    (Filter(start="2024-07-01", end="2025-06-30"), False),  # whole months only
    (Filter(departments=("MED",)), False),
    (Filter(departments=("MED",), start="2024-02-29", end="2024-09-03"), False),
    (Filter(departments=("ED", "SURG"), start="2024-02-29", end="2025-03-30"), True),
    (Filter(start="2025-06-03", end="2025-06-30"), False),  # inside one month
]


@pytest.mark.parametrize("flt, by_department", CASES, ids=[str(i) for i in range(len(CASES))])
def test_the_derived_standing_equals_the_base_tables(demo_pair, flt, by_department):
    fast, plain = demo_pair
    got, want = (benchmark_rows(con, flt, "MA", by_department) for con in (fast, plain))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got.surveys.notna().any()


def test_the_comparison_covers_every_coded_measure(demo_pair):
    fast, _ = demo_pair
    rows = benchmark_rows(fast, Filter(), "MA")
    assert list(rows.measure) == ["H_COMP_1", "H_COMP_2", "H_COMP_6", "H_CLEAN", "H_QUIET",
                                  "H_HSP_RATING", "H_RECMND"]  # the demo asks no medicines item
    assert (rows.surveys > 100).all() and rows.top_box.notna().all()


def test_measure_counts_take_responses_with_a_valid_answer_to_a_coded_question(tmp_path):
    path = tmp_path / "measures.duckdb"
    with write_swap(path, fresh=True) as con:
        con.execute("INSERT INTO departments VALUES ('A', 'Ward A', NULL, NULL)")
        con.execute("INSERT INTO questions (question_id, audience, domain, scale, hcahps_measure) "
                    "VALUES ('Q1', 'patient', 'env', 'frequency4', 'H_CLEAN'), "
                    "('Q2', 'patient', 'env', 'frequency4', 'H_CLEAN'), "
                    "('Q3', 'patient', 'env', 'frequency4', NULL), "
                    "('Q4', 'patient', 'care', 'yesno', 'H_COMP_6')")
        con.execute("INSERT INTO patient_responses VALUES "
                    "('R1', 'A', DATE '2024-02-29', NULL, NULL, NULL), "
                    "('R2', 'A', DATE '2024-02-29', NULL, NULL, NULL), "
                    "('R3', 'A', DATE '2024-02-29', NULL, NULL, NULL), "
                    "('R4', 'A', DATE '2024-03-01', NULL, NULL, NULL)")
        # R1 answers both cleanliness items (one response), R2 only the uncoded question,
        # R3 out of scale, R4 cleanliness and discharge on the next day (and next month).
        con.execute("INSERT INTO patient_answers VALUES ('R1', 'Q1', 4), ('R1', 'Q2', 1), "
                    "('R2', 'Q3', 4), ('R3', 'Q1', 9), ('R3', 'Q4', 2), ('R4', 'Q2', 3), "
                    "('R4', 'Q4', 1)")
    con = open_readonly(path)
    try:
        daily, monthly = (con.execute(
            f"SELECT {day}::VARCHAR, hcahps_measure, responses FROM {table} ORDER BY ALL"
        ).fetchall() for day, table in (("response_date", "derived_survey_measures"),
                                        ("month", "derived_survey_measures_monthly")))
    finally:
        con.close()
    assert daily == [("2024-02-29", "H_CLEAN", 1), ("2024-03-01", "H_CLEAN", 1),
                     ("2024-03-01", "H_COMP_6", 1)]
    assert monthly == [("2024-02-01", "H_CLEAN", 1), ("2024-03-01", "H_CLEAN", 1),
                       ("2024-03-01", "H_COMP_6", 1)]
