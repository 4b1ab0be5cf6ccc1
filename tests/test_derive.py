"""Derived tables: rebuilt by every load, hand-checked links, and the fast path equal to the plain
computation (the same engine on a copy of the database without derived tables)."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from kpi.engine import compute
from kpi.engine.months import two_level_params
from kpi.engine.scope import Scope
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from kpi.store.derived import rebuild as derive
from kpi.store.derived import returns as derive_returns
from kpi.store.salt import load_salt, patient_hash_sql, salt_path
from kpi.store.swap import write_swap
from tests.support.kpi_db import build_tiny_db, fast_and_plain, without_derived

DEMO_END = date(2025, 6, 30)
DEMO_DEPARTMENTS = ("CARD", "DERM", "ED", "MAT", "MED", "ONC", "OPH", "ORTH", "PAED", "PALL",
                    "SURG", "UCC")
GROUPINGS = ((), ("department",), ("month",), ("department", "month"))


@pytest.fixture(scope="module")
def demo_pair(tmp_path_factory):
    yield from fast_and_plain(tmp_path_factory.mktemp("derive"), 11, 0.05, DEMO_END)


def _random_cases(count: int, seed: int = 5) -> list[tuple[Filter, tuple[str, ...]]]:
    """Filters over one, several or all departments, windows starting and ending on any day
    (partial months, the leap day), and every grouping."""
    rng = random.Random(seed)
    first, last = date(2022, 7, 1), DEMO_END
    cases = []
    for i in range(count):
        start = first + timedelta(days=rng.randrange((last - first).days))
        end = min(last, start + timedelta(days=rng.randrange(1, 500)))
        size = (1, 2, 3, 0)[i % 4]
        departments = tuple(rng.sample(DEMO_DEPARTMENTS, size)) if size else ()
        cases.append((Filter(departments=departments, start=start, end=end),
                       GROUPINGS[(i // 4) % 4]))
    return cases


CASES = [
    (Filter(start="2024-02-29", end="2024-02-29"), ()),
    (Filter(start="2024-02-29", end="2024-03-31"), ("month",)),
    (Filter(departments=("ED",), start="2023-02-28", end="2024-02-29"), ("month",)),
    (Filter(departments=("ED", "UCC"), start="2024-01-15", end="2024-03-01"),
     ("department", "month")),
    (Filter(service_lines=("Outpatient",), start="2023-07-01", end="2024-06-30"), ()),
    (Filter(), ()),
    (Filter(), ("department", "month")),
    # whole months then a partial one (the usual "up to today"), and the reverse
    (Filter(departments=("ED", "MAT"), start="2024-01-01", end="2024-03-17"), ("department",)),
    (Filter(start="2023-11-12", end="2024-02-29"), ("month",)),
    *_random_cases(24),
]


@pytest.mark.parametrize("start, end, days", [
    # (window) -> the days the daily copies are read for: the partial months' days only
    ("2024-01-01", "2024-03-17", ("2024-03-01", "2024-03-17")),   # whole months, then a part
    ("2023-11-12", "2024-02-29", ("2023-11-12", "2023-11-30")),   # a part, then whole months
    ("2023-11-12", "2024-03-17", ("2023-11-12", "2024-03-17")),   # parts at both ends
    ("2024-01-01", "2024-02-29", ("2024-03-01", "2023-12-31")),   # whole months: no day
    ("2024-02-03", "2024-02-27", ("2024-02-03", "2024-02-27")),   # no whole month
    ("2024-02-29", "2024-02-29", ("2024-02-29", "2024-02-29")),   # the leap day alone
])
def test_the_daily_copies_are_read_for_the_partial_months_only(start, end, days):
    scope = Scope(("ED",), date.fromisoformat(start), date.fromisoformat(end), frozenset())
    params = two_level_params(scope)
    assert (params["days_from"], params["days_to"]) == tuple(map(date.fromisoformat, days))


@pytest.mark.parametrize("flt, group_by", CASES, ids=[f"{i}" for i in range(len(CASES))])
def test_fast_path_equals_the_plain_computation(demo_pair, flt, group_by):
    fast, plain = demo_pair
    got, want = compute(fast, None, flt, group_by), compute(plain, None, flt, group_by)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_the_charted_grouped_median_wait_is_the_same_both_ways(demo_pair, group_by):
    flt = Filter(departments=("ED", "MAT"), start="2024-02-10", end="2025-03-20")
    got, want = (compute(con, ["median_wait_minutes"], flt, group_by, chart=True)
                 for con in demo_pair)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-12)
    assert got["value"].notna().mean() > 0.8  # a few MAT months at this scale hold no wait


class Recording:
    """A connection that keeps the text of every statement it runs."""

    def __init__(self, con) -> None:
        self.con, self.statements = con, []

    def execute(self, sql, *args, **kwargs):
        self.statements.append(sql)
        return self.con.execute(sql, *args, **kwargs)

    def cursor(self):
        """A cursor whose statements are kept in the same list (the engine's side-by-side
        statements run on cursors)."""
        recording = Recording(self.con.cursor())
        recording.statements = self.statements
        return recording

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_every_surveys_domains_are_read_in_one_derived_statement(demo_pair):
    """Patient and staff domain KPIs of one call: each run of the engine (the call's, and those
    deciding what to withhold) reads the derived survey items in one statement for both
    audiences (keyed audience/domain), where the plain path reads each survey's own answers.
    The same rows both ways."""
    ids = ["patient_satisfaction", "recommend_top_box", "nps", "staff_engagement", "enps"]
    flt = Filter(start="2024-01-15", end="2024-12-20")  # partial months at both ends
    fast, plain = (Recording(con) for con in demo_pair)
    got, want = compute(fast, ids, flt, ["month"]), compute(plain, ids, flt, ["month"])
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=1e-12)
    derived = sum("derived_survey_items" in sql for sql in fast.statements)
    per_survey = [sum(table in sql for sql in plain.statements)
                  for table in ("patient_answers", "staff_answers")]
    assert derived >= 1 and per_survey == [derived, derived]  # each run: one, not one a survey
    assert got.groupby("kpi_id")["value"].count().min() >= 6  # each KPI has values


def test_the_comparison_covers_returns_waits_and_surveys(demo_pair):
    fast, _ = demo_pair
    result = compute(fast, ["return_visit_rate", "return_visit_rate_90d", "median_wait_minutes", "nps"],
                     Filter(start="2023-01-01", end="2024-06-30"), ["department", "month"])
    shown = result[result.value.notna() & (result.n > 0)]
    assert shown.groupby("kpi_id").size().min() >= 30


# One patient a letter; C's visit on 2025-12-31 sets as_of. P visits A and B on one day.
RETURN_VISITS = [
    ("P", "A", "2024-01-05"), ("P", "B", "2024-01-05"), ("P", "A", "2024-02-10"),
    ("Q", "B", "2023-12-20"), ("Q", "A", "2024-01-15"), ("Q", "A", "2024-01-16"),
    ("R", "A", "2024-01-31"), ("R", "A", "2024-02-01"),
    ("S", "C", "2024-02-20"), ("Z", "C", "2025-12-31"),
]
WINTER = dict(start="2024-01-01", end="2024-02-29")


def _build_return_db(path, visits=RETURN_VISITS):
    salt = load_salt(path)
    with write_swap(path, fresh=True) as con:
        con.execute("INSERT INTO departments VALUES ('A', 'Ward A', 'Inpatient', 'North'), "
                    "('B', 'Clinic B', 'Outpatient', 'North'), ('C', 'Clinic C', NULL, NULL)")
        con.execute("CREATE TEMP TABLE raw (visit_id VARCHAR, k VARCHAR, department_id VARCHAR, "
                    "visit_date DATE)")
        con.executemany("INSERT INTO raw VALUES (?, ?, ?, ?)",
                        [(f"V{i}", *visit) for i, visit in enumerate(visits)])
        con.execute(f"INSERT INTO visits SELECT visit_id, {patient_hash_sql('k')}, department_id, "
                    "visit_date, NULL, NULL FROM raw", {"salt": salt})
    return path


@pytest.fixture(scope="module")
def return_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("returns")
    path = _build_return_db(folder / "fast.duckdb")
    fast, plain = open_readonly(path), open_readonly(without_derived(path, folder / "p.duckdb"))
    yield fast, plain
    fast.close()
    plain.close()


@pytest.mark.parametrize("flt, group_by, expected", [
    (Filter(**WINTER), (), {("", ""): (4, 3)}),
    (Filter(**WINTER), ("month",), {("", "2024-01"): (3, 3), ("", "2024-02"): (3, 0)}),
    (Filter(departments=("A",), **WINTER), (), {("", ""): (3, 3)}),
    (Filter(departments=("B",), **WINTER), (), {("", ""): (1, 1)}),
    (Filter(**WINTER), ("department",),
     {("A", ""): (3, 3), ("B", ""): (1, 1), ("C", ""): (1, 0)}),
    (Filter(departments=("A", "B"), **WINTER), (), {("", ""): (3, 3)}),
    (Filter(departments=("A",), **WINTER), ("month",),
     {("", "2024-01"): (3, 3), ("", "2024-02"): (2, 0)}),
    (Filter(start="2024-01-06", end="2024-02-29"), (), {("", ""): (4, 2)}),
], ids=["all", "all by month", "A", "B", "by department", "A and B", "A by month",
        "after the same-day visits"])
def test_return_visits_by_hand(return_pair, flt, group_by, expected):
    for con in return_pair:
        rows = compute(con, ["return_visit_rate"], flt, group_by)
        got = {(r.department_id or "", r.month or ""): (r.denominator, r.numerator)
               for r in rows.itertuples()}
        assert got == expected


def test_return_counts_by_department_day_and_previous_visit(tmp_path):
    con = open_readonly(build_tiny_db(tmp_path / "tiny.duckdb"))
    try:
        by_department, everywhere, by_department_90, everywhere_90 = (con.execute(
            f"SELECT {keys}visit_date::VARCHAR, prev_date::VARCHAR, visits, returned "
            f"FROM {table} WHERE window_days = $days ORDER BY ALL", {"days": days}).fetchall()
            for days in (365, 90) for keys, table in (
                ("department_id, ", "derived_returns_by_department"),
                ("", "derived_returns_all_departments")))
        windows = con.execute("SELECT DISTINCT window_days FROM derived_returns_by_department "
                              "ORDER BY 1").fetchall()
    finally:
        con.close()
    assert windows == [(90,), (365,)]  # the catalog's return windows
    # Within 90 days the same visits, but P1's return on the leap day (+365) is too late.
    late = {("D1", "2023-03-01", None, 3, 1): ("D1", "2023-03-01", None, 3, 0),
            ("2023-03-01", None, 3, 1): ("2023-03-01", None, 3, 0)}
    # P1 returns on the leap day (+365), P2 a day too late, P3 twice the same day, no return.
    assert by_department == [
        ("D1", "2023-01-10", None, 1, 1), ("D1", "2023-01-20", "2023-01-10", 1, 0),
        ("D1", "2023-03-01", None, 3, 1), ("D1", "2024-01-10", None, 1, 1),
        ("D1", "2024-01-20", "2024-01-10", 1, 0), ("D1", "2024-03-01", "2023-03-01", 1, 0),
        ("D2", "2023-02-01", None, 1, 0), ("D2", "2024-02-29", None, 1, 0),
        ("D3", "2024-03-31", None, 1, 0)]
    # P1's D2 visit has no earlier D2 visit but an earlier visit in D1.
    assert everywhere == [
        ("2023-01-10", None, 1, 1), ("2023-01-20", "2023-01-10", 1, 0),
        ("2023-02-01", None, 1, 0), ("2023-03-01", None, 3, 1), ("2024-01-10", None, 1, 1),
        ("2024-01-20", "2024-01-10", 1, 0), ("2024-02-29", "2023-03-01", 1, 0),
        ("2024-03-01", "2023-03-01", 1, 0), ("2024-03-31", None, 1, 0)]
    assert by_department_90 == [late.get(row, row) for row in by_department]
    assert everywhere_90 == [late.get(row, row) for row in everywhere]


def test_a_patient_seen_in_two_departments_on_one_day_counts_once_overall(return_pair):
    fast, _ = return_pair
    day = {"day": date(2024, 1, 5)}
    assert fast.execute("SELECT department_id, visits FROM derived_returns_by_department "
                        "WHERE visit_date = $day AND window_days = 365 ORDER BY 1", day
                        ).fetchall() == [("A", 1), ("B", 1)]
    assert fast.execute("SELECT sum(visits) FROM derived_returns_all_departments "
                        "WHERE visit_date = $day AND window_days = 365", day).fetchall() == [(1,)]


def test_derived_tables_hold_no_patient_key(return_pair):
    fast, _ = return_pair
    for table in derive.DERIVED_TABLES:
        columns = {c[0] for c in fast.execute(f"DESCRIBE {table}").fetchall()}
        assert columns.isdisjoint({"patient_hash", "visit_id", "response_id"}), table


def test_a_later_load_rebuilds_the_derived_tables(tmp_path):
    path = build_tiny_db(tmp_path / "tiny.duckdb")
    with write_swap(path) as con:
        con.execute("INSERT INTO visits SELECT 'V14', patient_hash, 'D3', DATE '2024-03-31', "
                    "NULL, 7 FROM visits WHERE visit_id = 'V13'")
        con.execute("INSERT INTO patient_responses VALUES "
                    "('R101', 'D1', DATE '2024-01-31', NULL, 'web', NULL)")
        con.execute("INSERT INTO patient_answers VALUES ('R101', 'OVR', 10)")
    con = open_readonly(path)
    try:
        assert derive.is_current(con)
        rows = compute(con, ["visits", "median_wait_minutes", "patient_satisfaction"],
                       Filter(departments=("D1", "D3"), start="2024-01-01", end="2024-03-31"))
    finally:
        con.close()
    assert list(zip(rows.kpi_id, rows.value, rows.n)) == [
        ("median_wait_minutes", 3.5, 2), ("patient_satisfaction", 6100 / 101, 101),
        ("visits", 5.0, 5)]


def test_domain_counts_past_64_domains_and_only_valid_answers(tmp_path):
    path = tmp_path / "domains.duckdb"
    with write_swap(path, fresh=True) as con:
        con.execute("INSERT INTO departments VALUES ('A', 'Ward A', NULL, NULL)")
        con.execute("INSERT INTO questions SELECT printf('Q%02d', i), 'patient', "
                    "printf('d%02d', i), 'yesno', NULL, NULL, NULL FROM range(70) t(i)")
        con.execute("INSERT INTO patient_responses VALUES "
                    "('R1', 'A', DATE '2024-02-29', NULL, NULL, NULL), "
                    "('R2', 'A', DATE '2024-02-29', NULL, NULL, NULL)")
        con.execute("INSERT INTO patient_answers VALUES ('R1', 'Q00', 1), ('R1', 'Q63', 0), "
                    "('R1', 'Q64', 1), ('R1', 'Q69', 1), ('R2', 'Q64', 5), ('R2', 'Q01', 0), "
                    "('R2', 'Q69', 0)")
    con = open_readonly(path)
    try:
        rows = con.execute("SELECT domain, responses FROM derived_survey_domains "
                           "ORDER BY domain").fetchall()
    finally:
        con.close()
    assert rows == [("d00", 1), ("d01", 1), ("d63", 1), ("d64", 1), ("d69", 2)]


def _salt_spreading(keys: list[str], buckets: int) -> str:
    """A salt that puts each of the patient keys in another bucket."""
    con = duckdb.connect()
    try:
        for digit in "0123456789abcdef":
            sql = f"SELECT {patient_hash_sql('k')} % {buckets} FROM unnest($keys) t(k)"
            found = {b for (b,) in con.execute(sql, {"salt": digit * 64, "keys": keys}).fetchall()}
            if len(found) == len(keys):
                return digit * 64
    finally:
        con.close()
    raise AssertionError("no salt spreads the keys")


def test_return_counts_do_not_depend_on_the_patient_buckets(tmp_path, monkeypatch):
    salt = _salt_spreading(["P1", "P2", "P3"], 5)  # their first visits share day and dept
    for name in ("one", "five"):
        salt_path(tmp_path / f"{name}.duckdb").write_text(salt)
    one = build_tiny_db(tmp_path / "one.duckdb")
    monkeypatch.setattr(derive_returns, "BUCKET_VISITS", 3)  # 13 visits: 5 buckets
    five = build_tiny_db(tmp_path / "five.duckdb")
    tables = ("derived_returns_by_department", "derived_returns_all_departments",
              "derived_returns_by_department_monthly", "derived_returns_all_departments_monthly")
    counts = []
    for path in (one, five):
        con = open_readonly(path)
        try:
            counts.append([con.execute(f"FROM {t} ORDER BY ALL").fetchall() for t in tables])
        finally:
            con.close()
    assert counts[0] == counts[1] and all(counts[0])
    assert ("D1", date(2023, 3, 1), None, 365, 3, 1) in counts[1][0]  # P1, P2, P3 summed


# F visits A, then B four times (twice on one day, once in C too), then A, B and A again: its
# previous A visit lies 1 to 6 rows back, so a lag depth of 1, 2 or 3 leaves rows to the exact
# second sort; G's only visits are a same-day pair.
FREQUENT_VISITS = [
    ("F", "A", "2024-01-02"), ("F", "B", "2024-01-03"), ("F", "B", "2024-01-04"),
    ("F", "B", "2024-01-04"), ("F", "C", "2024-01-04"), ("F", "B", "2024-01-09"),
    ("F", "A", "2024-01-20"), ("F", "B", "2024-03-01"), ("F", "A", "2024-06-30"),
    ("G", "A", "2024-02-29"), ("G", "C", "2024-02-29"), ("Z", "C", "2025-12-31"),
]


@pytest.mark.parametrize("lags", [1, 2, 3, 8])
def test_return_counts_do_not_depend_on_the_lag_depth(tmp_path, monkeypatch, lags):
    monkeypatch.setattr(derive_returns, "LAGS", lags)
    con = open_readonly(_build_return_db(tmp_path / "f.duckdb", FREQUENT_VISITS))
    try:
        rows = con.execute("SELECT department_id, visit_date::VARCHAR, prev_date::VARCHAR, "
                           "visits, returned FROM derived_returns_by_department "
                           "WHERE window_days = 90 ORDER BY ALL").fetchall()
        overall = con.execute("SELECT visit_date::VARCHAR, prev_date::VARCHAR, visits, returned "
                              "FROM derived_returns_all_departments WHERE window_days = 90 "
                              "ORDER BY ALL").fetchall()
    finally:
        con.close()
    # by hand: each (department, day) with the patient's previous day in that department, and
    # whether a later day follows within 90 days (in any department)
    assert rows == [
        ("A", "2024-01-02", None, 1, 1), ("A", "2024-01-20", "2024-01-02", 1, 1),
        ("A", "2024-02-29", None, 1, 0), ("A", "2024-06-30", "2024-01-20", 1, 0),
        ("B", "2024-01-03", None, 1, 1), ("B", "2024-01-04", "2024-01-03", 1, 1),
        ("B", "2024-01-09", "2024-01-04", 1, 1), ("B", "2024-03-01", "2024-01-09", 1, 0),
        ("C", "2024-01-04", None, 1, 1), ("C", "2024-02-29", None, 1, 0),
        ("C", "2025-12-31", None, 1, 0)]
    assert overall == [
        ("2024-01-02", None, 1, 1), ("2024-01-03", "2024-01-02", 1, 1),
        ("2024-01-04", "2024-01-03", 1, 1), ("2024-01-09", "2024-01-04", 1, 1),
        ("2024-01-20", "2024-01-09", 1, 1), ("2024-02-29", None, 1, 0),
        ("2024-03-01", "2024-01-20", 1, 0), ("2024-06-30", "2024-03-01", 1, 0),
        ("2025-12-31", None, 1, 0)]


def test_derived_tables_of_another_version_are_not_read(tmp_path):
    path = build_tiny_db(tmp_path / "tiny.duckdb")
    stale = tmp_path / "stale.duckdb"
    shutil.copyfile(path, stale)
    con = duckdb.connect(str(stale))
    try:
        con.execute("UPDATE meta SET value = '0' WHERE key = ?", [derive.META_KEY])
        con.execute("UPDATE derived_visit_waits SET visits = visits + 100")
    finally:
        con.close()
    current, old = open_readonly(path), open_readonly(stale)
    try:
        assert derive.is_current(current) and not derive.is_current(old)
        flt = Filter(start="2023-01-01", end="2024-03-31")
        assert list(compute(old, ["visits"], flt).value) == [13.0]
        pd.testing.assert_frame_equal(compute(old, None, flt), compute(current, None, flt))
    finally:
        current.close()
        old.close()


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["stale version", "no derived tables"])
def test_refresh_command_rebuilds_the_derived_tables_of_an_older_database(tmp_path, damage):
    path = build_tiny_db(tmp_path / "tiny.duckdb")
    flt = Filter(start="2023-01-01", end="2024-03-31")
    con = open_readonly(path)
    try:
        expected = compute(con, None, flt, ["department"])
    finally:
        con.close()
    if damage == "stale version":
        con = duckdb.connect(str(path))
        con.execute("UPDATE meta SET value = '0' WHERE key = ?", [derive.META_KEY])
        con.execute("UPDATE derived_visit_waits SET visits = visits + 100")
        con.close()
    else:
        without_derived(path, tmp_path / "copy.duckdb")
        shutil.move(tmp_path / "copy.duckdb", path)
    done = subprocess.run([sys.executable, "-m", "kpi", "--db", str(path), "refresh"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "rebuilt the derived tables" in done.stdout
    con = open_readonly(path)
    try:
        assert derive.is_current(con)
        assert con.execute("SELECT sum(visits) FROM derived_visit_waits").fetchone()[0] == 13
        pd.testing.assert_frame_equal(compute(con, None, flt, ["department"]), expected)
    finally:
        con.close()


def test_refresh_of_a_missing_database_says_how_to_make_one(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kpi", "--db", str(tmp_path / "none.duckdb"),
                           "refresh"], capture_output=True, text=True)
    assert done.returncode == 1
    assert "no database at" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "none.duckdb").exists()
