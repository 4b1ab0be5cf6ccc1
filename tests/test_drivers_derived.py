"""Key drivers from the load-time cells (whole months) plus the base tables (the days of partial
months) are those of the base tables alone: same respondents, same rank correlations, same top
box, for windows of whole months, partial months at both ends, and days inside one month."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kpi.engine import drivers
from kpi.engine.drivers import drivers_query, key_drivers
from kpi.engine.scope import resolve_scope
from kpi.filters import Filter
from kpi.store.derived.version import is_current
from tests.support.demo_test_helpers import END, built_demo

KEYS = ["outcome", "level", "driver_id"]
# (filter, the window's whole months as two_level_params gives them)
CASES = [
    (Filter(), None),  # every date: the demo's last month is partial (END is the 15th)
    (Filter(start="2025-03-10", end="2026-01-20"), (date(2025, 4, 1), date(2025, 12, 31))),
    (Filter(departments=("ED",), start="2025-06-01", end="2026-05-31"),
     (date(2025, 6, 1), date(2026, 5, 31))),
    (Filter(departments=("CARD", "MED"), start="2026-02-03", end="2026-02-24"),
     (date(2026, 3, 1), date(2026, 1, 31))),  # inside one month: no whole month
    (Filter(departments=("ED",), start="2025-11-20", end="2025-12-10"),
     (date(2025, 12, 1), date(2025, 11, 30))),  # across a month's end: no whole month either
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("drivers_derived") / "px.duckdb"
    for _, connection in built_demo(path, END, 0.05, seed=11):
        yield connection


def _found(con, flt: Filter, derived: bool) -> pd.DataFrame:
    sql, params = drivers_query(con, resolve_scope(con, flt), derived)
    return con.execute(sql, params).df().sort_values(KEYS).reset_index(drop=True)


@pytest.mark.parametrize("flt, whole", CASES)
def test_the_derived_cells_give_the_base_tables_drivers(demo, flt, whole):
    assert is_current(demo)
    _, params = drivers_query(demo, resolve_scope(demo, flt), True)
    if whole is not None:
        assert (params["whole_from"], params["whole_to"]) == whole
    plain, derived = _found(demo, flt, False), _found(demo, flt, True)
    assert plain[KEYS + ["domain", "question_text"]].equals(
        derived[KEYS + ["domain", "question_text"]])
    assert list(plain.n) == list(derived.n) and plain.n.sum() > 100
    for column in ("importance", "top_box"):
        assert derived[column].to_numpy() == pytest.approx(plain[column].to_numpy(), abs=1e-12,
                                                           nan_ok=True)
    assert plain.importance.notna().sum() > 20


def test_key_drivers_keep_the_base_tables_when_the_derived_tables_are_not_current(
        demo, monkeypatch):
    flt = Filter(start="2025-03-10", end="2026-01-20")
    derived = key_drivers(demo, flt)
    monkeypatch.setattr(drivers, "is_current", lambda con: False)
    chosen = []
    real = drivers.drivers_query
    monkeypatch.setattr(drivers, "drivers_query",
                        lambda con, scope, derived: chosen.append(derived) or real(con, scope, derived))
    plain = key_drivers(demo, flt)
    assert chosen == [False]
    pd.testing.assert_frame_equal(plain, derived, check_exact=False, rtol=0, atol=1e-12)


def test_the_cells_are_few_and_count_every_pair(demo):
    cells, pairs = demo.execute(
        "SELECT count(*), sum(w) FROM derived_driver_cells_monthly").fetchone()
    answers = demo.execute("SELECT count(*) FROM patient_answers").fetchone()[0]
    n = _found(demo, Filter(end="2026-10-31"), False).n.sum()
    assert n == demo.execute("SELECT sum(w) FROM derived_driver_cells_monthly "
                             "WHERE month <= DATE '2026-10-01'").fetchone()[0]
    assert pairs > answers and cells < pairs
