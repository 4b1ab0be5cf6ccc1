"""kpi.engine.breakdowns on a hand-built database: rating distribution, comments, categories,
backlog."""

from datetime import date

import pytest

from kpi.engine import breakdowns
from kpi.errors import UsageError
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from kpi.store.swap import write_swap
from tests.support.kpi_db import INSERT_COMPLAINTS

D = date.fromisoformat
JAN = Filter(start=D("2025-01-01"), end=D("2025-01-31"))
JAN_FEB = Filter(start=D("2025-01-01"), end=D("2025-02-28"))

# Ward A: 12 surveys, 11 with an overall rating (r_a11 in February, r_a12 blank).
A_RATINGS = [10, 10, 10, 10, 10, 10, 9, 9, 7, 7, 3]
B_RATINGS = [10, 8, 8, 5, 0]
COMMENTS = {"r_a01": "Great care, thank you", "r_a02": "   ", "r_a03": '=HYPERLINK("x")',
            "r_a11": "<b>cold food</b>", "r_b1": "Parking was hard"}
COMPLAINTS = [  # id, dept, received, category, acknowledged, resolved
    ("c1", "A", "2025-01-10", "communication", "2025-01-12", "2025-01-15"),
    ("c2", "A", "2025-01-20", "communication", None, None),
    ("c3", "A", "2024-11-01", "billing", None, "2025-03-01"),
    ("c4", "B", "2025-02-20", "wait_time", None, "2025-02-28"),
    ("c5", "B", "2025-02-27", "access", None, None),
]


def _response_date(response_id: str) -> str:
    day = int(response_id[-2:]) if response_id.startswith("r_a") else 3
    return "2025-02-01" if response_id == "r_a11" else f"2025-01-{day:02d}"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("breakdowns") / "px.duckdb"
    with write_swap(path, fresh=True) as w:
        w.execute("INSERT INTO departments VALUES ('A', 'Ward A', 'Inpatient', 'North'), "
                  "('B', 'Clinic B', 'Outpatient', 'South')")
        w.execute("INSERT INTO questions VALUES "
                  "('q_overall', 'patient', 'overall', 'rating0_10', 'Overall rating', NULL, NULL), "
                  "('q_rec', 'patient', 'recommend', 'recommend4', 'Recommend', NULL, NULL)")
        ids = [f"r_a{i:02d}" for i in range(1, 13)] + [f"r_b{i}" for i in range(1, 6)]
        for rid in ids:
            w.execute("INSERT INTO patient_responses VALUES (?, ?, ?, NULL, 'web', ?)",
                      [rid, "A" if rid.startswith("r_a") else "B", _response_date(rid),
                       COMMENTS.get(rid)])
        for rid, answer in zip(ids[:11] + ids[12:], A_RATINGS + B_RATINGS):
            w.execute("INSERT INTO patient_answers VALUES (?, 'q_overall', ?)", [rid, answer])
        for row in COMPLAINTS:
            w.execute(f"{INSERT_COMPLAINTS} (?, ?, ?, ?, 'low', ?, ?)", list(row))
    connection = open_readonly(path)
    yield connection
    connection.close()


@pytest.fixture(params=["derived", "plain"])
def ratings(request, con, monkeypatch):
    """The connection, read through the load-time rating counts or the answers themselves."""
    if request.param == "plain":
        monkeypatch.setattr(breakdowns, "is_current", lambda _con: False)
    return con


def _counts(frame):
    return {int(a): int(r) for a, r in zip(frame["answer"], frame["responses"]) if r}


@pytest.mark.parametrize("flt, n, counts", [
    (JAN_FEB, 16, {10: 7, 9: 2, 8: 2, 7: 2, 5: 1, 3: 1, 0: 1}),
])
def test_rating_distribution_counts_every_code_of_the_scale(ratings, flt, n, counts):
    got = breakdowns.rating_distribution(ratings, flt)
    assert list(got["answer"]) == list(range(0, 11))
    assert _counts(got) == counts
    assert set(got["n"]) == {n}
    assert not got["suppressed"].any()
    assert got.loc[got["answer"] == 10, "share"].item() == pytest.approx(100 * counts[10] / n)


@pytest.mark.parametrize("flt", [
    Filter(departments=("A",), start=D("2025-01-01"), end=D("2025-01-31")),  # n = 10
    Filter(departments=("B",)),  # n = 5
    # n = 11, but the whole filter's 16 minus these 11 would give away B's 5 (complementary
    # suppression: the engine withholds ward A's satisfaction for this window too)
    Filter(departments=("A",), start=D("2025-01-01"), end=D("2025-02-28")),
])
def test_rating_distribution_is_withheld_below_eleven_answers_or_as_a_complement(ratings, flt):
    got = breakdowns.rating_distribution(ratings, flt)
    assert len(got) == 1
    assert bool(got["suppressed"].item())
    assert got[["answer", "responses", "share", "n"]].isna().all(axis=None)


def test_rating_distribution_with_no_answers_has_zero_counts_and_no_share(ratings):
    got = breakdowns.rating_distribution(ratings, Filter(start=D("2024-12-01"), end=D("2024-12-31")))
    assert len(got) == 11 and set(got["responses"]) == {0}
    assert got["share"].isna().all() and not got["suppressed"].any()


def test_comments_are_newest_first_verbatim_and_small_departments_withheld(con):
    got = breakdowns.patient_comments(con, JAN_FEB)
    assert got.withheld_departments == ("B",)
    assert list(got.shown["comment"]) == ["<b>cold food</b>", '=HYPERLINK("x")',
                                          "Great care, thank you"]
    assert set(got.shown["department_id"]) == {"A"}


@pytest.mark.parametrize("threshold, withheld, shown", [
    (11, ("B",), 2),  # Ward A has exactly 11 surveys in January: shown
    (12, ("A", "B"), 0),
])
def test_comments_threshold_edge(con, threshold, withheld, shown):
    got = breakdowns.patient_comments(con, JAN, threshold=threshold)
    assert got.withheld_departments == withheld
    assert len(got.shown) == shown


def test_threshold_below_eleven_is_refused(con):
    with pytest.raises(ValueError):
        breakdowns.patient_comments(con, JAN, threshold=10)


def test_complaints_by_category_counts_complaints_received_in_the_window(con):
    got = breakdowns.complaints_by_category(con, JAN_FEB)
    assert list(zip(got["category"], got["complaints"])) == [
        ("communication", 2), ("access", 1), ("wait_time", 1)]


@pytest.mark.parametrize("flt, expected", [
    (JAN_FEB, [("A", "31-90 days", 1), ("A", "over 90 days", 1), ("B", "0-7 days", 1)]),
    # at 2025-01-31: c2 is 11 days old, c3 91 days; c4 and c5 not yet received
    (JAN, [("A", "8-30 days", 1), ("A", "over 90 days", 1)]),
    (Filter(departments=("B",), start=D("2025-02-01"), end=D("2025-02-27")),
     [("B", "0-7 days", 2)]),  # c4 open, 7 days old (resolved the day after); c5 0 days
])
def test_open_backlog_by_department_and_age(con, flt, expected):
    got = breakdowns.open_backlog(con, flt)
    assert list(zip(got["department_id"], got["age_band"], got["complaints"])) == expected


def test_unknown_department_is_a_usage_error_not_sql(con):
    with pytest.raises(UsageError):
        breakdowns.complaints_by_category(con, Filter(departments=("A' OR 1=1 --",)))
