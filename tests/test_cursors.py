"""An engine call's statements side by side on cursors of a read-only file (kpi.engine.cursors),
the run's memo shared by its threads, and the same results as one statement at a time."""

import threading
import time
from datetime import date

import duckdb
import pandas as pd
import pytest

from kpi.engine import compute
from kpi.engine.cursors import each_on_a_cursor, statements_at_once
from kpi.engine.run import Run
from kpi.filters import Filter
from kpi.store.connect import open_readonly

ODD_NAME = 'odd "db" name'
QUOTED = '"odd ""db"" name"'


@pytest.fixture(scope="module")
def odd_file(tmp_path_factory):
    """A database file with a table in a second schema, attached read-only under a name that
    needs quoting, that schema in use."""
    path = tmp_path_factory.mktemp("cursors") / "odd.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA s2; CREATE TABLE s2.t AS SELECT range AS i FROM range(5); "
                    "CREATE TABLE s2.meta AS SELECT 'write_id' AS key, 'w1' AS value")
    return path


def _attached(path, threads: int, read_only: bool = True):
    con = duckdb.connect()
    con.execute(f"ATTACH ? AS {QUOTED} {'(READ_ONLY)' if read_only else ''}", [str(path)])
    con.execute(f"USE {QUOTED}.s2")
    con.execute(f"SET threads = {threads}")
    return con


@pytest.mark.parametrize("read_only, threads, expected", [
    (True, 1, 1),
    (True, 2, 2),
    (True, 3, 3),
    (False, 2, 1),  # a writable file: a transaction may be changing it under other cursors
])
def test_statements_at_once(odd_file, read_only, threads, expected):
    con = _attached(odd_file, threads, read_only)
    try:
        assert statements_at_once(con) == expected
    finally:
        con.close()


def test_statements_at_once_in_memory_is_one():
    con = duckdb.connect()
    con.execute("SET threads = 4")
    assert statements_at_once(con) == 1


def test_tasks_run_side_by_side_on_cursors_of_the_same_database_and_schema(odd_file):
    con = _attached(odd_file, threads=2)
    both_started = threading.Barrier(2, timeout=10)  # broken unless two tasks run at once

    def task(answer):
        def run(cursor):
            both_started.wait()
            assert cursor is not con
            return answer, cursor.execute("SELECT current_database(), current_schema(), "
                                          "sum(i) FROM t").fetchone()
        return run

    try:
        results = each_on_a_cursor(con, [task("first"), task("second")])
    finally:
        con.close()
    assert results == [("first", (ODD_NAME, "s2", 10)), ("second", (ODD_NAME, "s2", 10))]


def test_one_at_a_time_runs_on_the_connection_itself_in_order(odd_file):
    con = _attached(odd_file, threads=1)
    seen = []
    try:
        results = each_on_a_cursor(con, [lambda c, n=n: seen.append((n, c is con)) or n
                                         for n in range(3)])
    finally:
        con.close()
    assert results == [0, 1, 2]
    assert seen == [(0, True), (1, True), (2, True)]


def test_a_failing_task_raises_in_the_caller(odd_file):
    con = _attached(odd_file, threads=2)

    def broken(cursor):
        cursor.execute("SELECT * FROM no_such_table")

    try:
        with pytest.raises(duckdb.CatalogException, match="no_such_table"):
            each_on_a_cursor(con, [lambda c: 1, broken])
    finally:
        con.close()


def test_the_memo_makes_each_key_once_for_every_thread():
    run = Run(con=None, scope=None, as_of={}, kpis=[])
    made = []

    def make(key):
        made.append(key)
        time.sleep(0.05)  # the other threads ask while it is being made
        return [key]

    answers = {}

    def ask(thread, key):
        answers[thread] = run.on(object()).once(key, lambda: make(key))

    threads = [threading.Thread(target=ask, args=(n, n % 2)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(made) == [0, 1]
    assert {n: answers[n] for n in range(8)} == {n: [n % 2] for n in range(8)}
    assert answers[0] is answers[2] and answers[1] is answers[3]  # the same object, made once


CASES = [  # (KPI ids or None for all, grouping, filter)
    (None, (), Filter()),
    (None, ("department",), Filter()),
    (["patient_satisfaction", "median_wait_minutes", "complaints_per_1000_visits",
      "return_visit_rate", "staff_engagement"], ("department", "month"), Filter()),
    (["nps", "ack_within_3_working_days", "seen_within_15_minutes"], ("month",),
     Filter(start=date(2024, 2, 10), end=date(2024, 11, 20))),
    (None, (), Filter(departments=("ED",))),
]


@pytest.mark.parametrize("kpi_ids, group_by, flt", CASES)
def test_side_by_side_gives_what_one_at_a_time_gives(pages_demo, kpi_ids, group_by, flt):
    results = []
    for threads in (1, 2):
        con = open_readonly(pages_demo)
        con.execute(f"SET threads = {threads}")
        try:
            assert statements_at_once(con) == threads
            results.append(compute(con, kpi_ids, flt, group_by))
        finally:
            con.close()
    assert len(results[0]) > 0
    pd.testing.assert_frame_equal(results[0], results[1])
