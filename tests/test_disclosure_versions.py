"""Disclosure decisions are remembered per database version: a reader still on the file a load
replaced must not have its decisions reused for the new file (a cell the new data withholds
would be shown, or the reverse)."""

from __future__ import annotations

from datetime import date

from kpi.engine import compute, disclosure
from kpi.engine.hcahps import benchmark_rows
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from kpi.store.swap import write_swap
from tests.support.hcahps_db import build_hcahps_db
from tests.support.kpi_db import build_tiny_db

FLT = Filter(start=date(2024, 1, 1), end=date(2024, 3, 31))
KPIS = ["patient_satisfaction", "nps"]
# 40 more answered surveys for D2 in each of February and March 2024 (it had 10 and 11, both
# withheld): its cells are shown then.
MORE_SURVEYS = """
INSERT INTO patient_responses
  SELECT printf('M%03d', i), 'D2', DATE '2024-02-01' + (i % 2 * 29 + i % 29)::INT, NULL, 'web',
         NULL
  FROM range(80) t(i);
INSERT INTO patient_answers
  SELECT printf('M%03d', i), q, 9 FROM range(80) t(i), (VALUES ('OVR'), ('REC10')) v(q)
"""


def _withheld(con) -> set[tuple]:
    table = compute(con, KPIS, FLT, ["department", "month"])
    rows = table.loc[table["suppressed"].astype(bool), ["kpi_id", "department_id", "month"]]
    return {tuple(map(str, row)) for row in rows.itertuples(index=False, name=None)}


def _fresh(con) -> set[tuple]:
    disclosure._REMEMBERED.clear()
    return _withheld(con)


def test_a_reader_of_the_replaced_file_does_not_decide_for_the_new_one(tmp_path):
    db = build_tiny_db(tmp_path / "px.duckdb")
    old = open_readonly(db)
    before = _fresh(old)
    disclosure._REMEMBERED.clear()
    with write_swap(db) as con:
        con.execute(MORE_SURVEYS)
    new = open_readonly(db)
    try:
        assert _withheld(old) == before  # the old reader decides first, on the old data
        after = _withheld(new)  # then a reader of the new file
        assert after == _fresh(new) and after != before  # as if nothing were remembered
        assert {("patient_satisfaction", "D2", "2024-02"),
                ("patient_satisfaction", "D2", "2024-03")} <= before - after
    finally:
        old.close()
        new.close()


# 20 more rating answers for W2 in December 2024 (it had 5, withheld with W3's 40): shown then.
MORE_RATINGS = """
INSERT INTO patient_responses
  SELECT printf('U%d', i), 'W2', DATE '2024-12-10' + i::INT, NULL, 'web', NULL FROM range(20) t(i);
INSERT INTO patient_answers SELECT printf('U%d', i), 'RATE', 10 FROM range(20) t(i)
"""


def _benchmark_withheld(con) -> set[tuple[str, str]]:
    rows = benchmark_rows(con, Filter(), None, by_department=True)
    return {(r.department_id, r.measure) for r in rows.itertuples() if r.suppressed}


def test_the_benchmark_window_pattern_is_remembered_per_version_too(tmp_path):
    db = build_hcahps_db(tmp_path / "ward.duckdb")
    old = open_readonly(db)
    disclosure._REMEMBERED.clear()
    before = _benchmark_withheld(old)
    with write_swap(db) as con:
        con.execute(MORE_RATINGS)
    new = open_readonly(db)
    try:
        assert _benchmark_withheld(old) == before  # the old reader asks again, remembered
        after = _benchmark_withheld(new)
        disclosure._REMEMBERED.clear()
        assert after == _benchmark_withheld(new)  # as if nothing were remembered
        assert before == {("W2", "H_HSP_RATING"), ("W3", "H_HSP_RATING")} and after == set()
    finally:
        old.close()
        new.close()
