"""A database version's small facts are asked once on the app's connection (kpi.facts), and the
engine's results are the same as on a plain connection that asks every time."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpi.engine import compute
from kpi.engine.hcahps import benchmark_rows
from kpi.facts import Remembering, fact
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from tests.support.kpi_db import build_tiny_db

# What every engine call asks of the version; remembered after the first call.
VERSION_FACTS = {("derive version",), ("extremes",), ("departments",), ("patient domains",),
                 ("file version",), ("coded measures",), ("catalog items", "patient"),
                 ("has table", "reviews")}
CALLS = [  # (KPIs, filter, grouping)
    (None, Filter(), ()),
    (["patient_satisfaction", "nps"], Filter(departments=("D1",)), ("department", "month")),
    (["complaints_per_1000_visits", "return_visit_rate"], Filter(start=date(2024, 2, 1), end=date(2024, 3, 31)),
     ("month",)),
]


class Counting:
    """A connection that counts the statements it is asked to run."""

    def __init__(self, con) -> None:
        self.con, self.statements = con, 0

    def execute(self, *args, **kwargs):
        self.statements += 1
        return self.con.execute(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_a_fact_is_asked_once_with_a_memo_and_every_time_without():
    asked = []
    plain, remembering = object(), Remembering(object(), {})
    for _ in range(3):
        assert fact(plain, ("k",), lambda: asked.append("plain") or 1) == 1
        assert fact(remembering, ("k",), lambda: asked.append("memo") or 2) == 2
    assert asked == ["plain", "memo", "plain", "plain"]
    assert fact(remembering, ("other",), lambda: 3) == 3 and remembering.facts_memo == {
        ("k",): 2, ("other",): 3}


def test_the_engine_gives_the_same_results_and_asks_the_version_once(tmp_path):
    db = build_tiny_db(tmp_path / "px.duckdb")
    plain, raw = open_readonly(db), open_readonly(db)
    memo: dict = {}
    counted = Counting(raw)
    remembering = Remembering(counted, memo)
    try:
        firsts = []
        for kpi_ids, flt, group_by in CALLS:
            expected = compute(plain, kpi_ids, flt, group_by)
            pd.testing.assert_frame_equal(compute(remembering, kpi_ids, flt, group_by), expected)
            firsts.append(counted.statements)
        assert VERSION_FACTS - {("coded measures",)} <= set(memo)
        cursor = remembering.cursor()
        cursor.execute("USE px")  # a cursor starts in the default catalog, as in ui/data.py
        pd.testing.assert_frame_equal(benchmark_rows(cursor, Filter()),
                                      benchmark_rows(plain, Filter()))
        assert ("coded measures",) in memo  # the cursor shares the connection's memo
        before = counted.statements
        compute(remembering, *CALLS[1][:2], CALLS[1][2])
        again = counted.statements - before
        plain_counter = Counting(plain)
        compute(plain_counter, *CALLS[1][:2], CALLS[1][2])
        assert again < plain_counter.statements  # fewer statements once the facts are known
    finally:
        plain.close()
        raw.close()
