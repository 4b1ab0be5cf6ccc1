"""The engine's two doors. The kind registry: each declared kind computed by exactly one engine
function, and a KPI the engine cannot compute refused by name instead of left out. The scope
door: every entry point reads through the one Scope, and a Scope of department D1 never reads
a row of another department (a copy of the tiny database with extra rows in D2 and a new D4,
all inside the data's dates, gives D1 the same results)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from dataclasses import replace

import pandas as pd
import pytest

import kpi.engine
import kpi.engine.scope
from kpi.catalog.kinds import Direction, Kind, Param, Source, Unit
from kpi.catalog.kpis import available_kpis, resolve_kpis
from kpi.engine import (
    breakdowns,
    compute,
    data_as_of,
    departments,
    hcahps,
    kinds,
    review_readers,
    table,
)
from kpi.engine import comments as comment_reader
from kpi.engine.drivers import drivers_query, key_drivers
from kpi.engine.returns import return_rows
from kpi.engine.run import Run
from kpi.engine.scope import Scope, resolve_scope
from kpi.engine.worklist import complaint_worklist
from kpi.errors import PxError, UsageError
from kpi.filters import Filter
from kpi.reach import EVERY_DEPARTMENT, NO_DEPARTMENT, Reach
from kpi.store.connect import open_readonly
from kpi.store.derived.version import is_current
from kpi.store.swap import write_swap
from tests.support.kpi_db import INSERT_COMPLAINTS, build_tiny_db

VISITS = resolve_kpis(None, ["visits"])[0]


# Rows of other departments, dated inside each source's dates (as-of and window unchanged):
# visits and returns of two patients, complaints (one open), 12 commented surveys, staff.
OTHER_DEPARTMENTS = f"""
INSERT INTO departments VALUES ('D4', 'Other ward', 'Inpatient', 'South');
INSERT INTO visits VALUES
  ('X1', 101, 'D2', DATE '2023-03-01', NULL, 90), ('X2', 101, 'D4', DATE '2023-03-05', NULL, 1),
  ('X3', 102, 'D4', DATE '2024-01-15', NULL, 50), ('X4', 102, 'D4', DATE '2024-02-01', NULL, 2);
{INSERT_COMPLAINTS}
  ('X1', 'D2', DATE '2024-03-04', 'other_category', 'high', DATE '2024-03-05', NULL),
  ('X2', 'D4', DATE '2024-01-10', 'other_category', NULL, NULL, NULL);
INSERT INTO patient_responses
  SELECT printf('X%02d', i), CASE WHEN i < 2 THEN 'D2' ELSE 'D4' END,
         DATE '2024-01-05' + i::INT, NULL, 'web', 'a comment from elsewhere: parking' FROM range(14) t(i);
INSERT INTO patient_answers
  SELECT printf('X%02d', i), q, 0 FROM range(14) t(i), unnest(['OVR', 'REC10']) u(q)
  UNION ALL SELECT printf('X%02d', i), 'COM1', 1 FROM range(14) t(i);
INSERT INTO staff_responses SELECT printf('X%02d', i), 'D4', DATE '2024-02-10' FROM range(12) t(i);
INSERT INTO reviews VALUES
  ('X1', 'google', NULL, 'D2', DATE '2024-02-01', 1, 'rude staff', DATE '2024-02-03'),
  ('X2', 'yelp', 'South', 'D4', DATE '2024-03-01', 2, NULL, NULL),
  ('X3', 'google', 'South', NULL, DATE '2024-03-02', 5, NULL, DATE '2024-03-04');
INSERT INTO staff_answers
  SELECT printf('X%02d', i), q, 1 FROM range(12) t(i), unnest(['ENG1', 'WEL1', 'SREC']) u(q);
"""
GROUPINGS = [(), ("department",), ("month",), ("department", "month")]
ONLY_D1 = Filter(departments=("D1",))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = open_readonly(build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb"))
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """The tiny database with rows of other departments added (derived tables rebuilt)."""
    path = build_tiny_db(tmp_path_factory.mktemp("other") / "other.duckdb")
    with write_swap(path) as writer:
        writer.execute(OTHER_DEPARTMENTS)
    connection = open_readonly(path)
    yield connection
    connection.close()


def test_every_declared_kind_has_exactly_one_function_and_every_function_a_kind():
    assert list(kinds.KIND_FUNCTIONS) == list(Kind)
    assert all(callable(f) for f in kinds.KIND_FUNCTIONS.values())


def test_every_kind_declares_known_sources_and_parameters():
    for kind in Kind:
        assert kind.sources and set(kind.sources) <= set(Source), kind
        assert set(kind.params) <= set(Param), kind


@pytest.mark.parametrize("member, text", [
    (Unit.PERCENT, "%"), (Unit.PER_1000, "per_1000"), (Direction.HIGHER, "higher"),
    (Direction.NEUTRAL, "neutral"), (Source.STAFF_SURVEY, "staff_survey"),
    (Kind.ACK_WITHIN_WORKING_DAYS, "ack_within_working_days"),
])
def test_the_enums_read_and_write_as_their_text(member, text):
    assert member == text and str(member) == text and f"{member}" == text
    assert hash(member) == hash(text) and {text: 1}[member] == 1
    assert pd.Series([member], dtype=object).astype(str).tolist() == [text]


def test_the_snapshot_writes_units_and_directions_as_text(con):
    result = compute(con, ["complaints_per_1000_visits", "visits"], Filter())
    assert list(result.unit) == ["per_1000", "count"]
    assert list(result.direction) == ["lower", "neutral"]
    assert all(type(u) is str for u in result.unit)


def test_the_engines_text_columns_hold_python_strings(con):
    """kpi/__init__.py: not pandas' Arrow-backed default, slow for the pages' cell reads."""
    result = compute(con, ["visits"], Filter(), ["department"])
    assert [result[c].dtype.storage for c in ("kpi_id", "unit")] == ["python", "python"]
    assert str(result.kpi_id.dtype) == "str" and result.department_id.notna().all()


def test_an_unknown_id_is_named(con):
    with pytest.raises(UsageError, match="unknown KPI 'odd'"):
        compute(con, ["odd", "visits"], Filter())


@pytest.mark.parametrize("odd, complaint", [
    (replace(VISITS, id="odd", kind="complaint_count"),
     "odd: kind complaint_count reads complaints, not source visits"),
    (replace(VISITS, id="odd", source="complaints"),
     "odd: kind visit_count reads visits, not source complaints"),
    (replace(VISITS, id="odd", kind="mode"), "odd: kind 'mode' is not one of"),
    (replace(VISITS, id="odd", source="emails"), "odd: source 'emails' is not one of"),
    (replace(resolve_kpis(None, ["seen_within_15_minutes"])[0], id="odd", minutes=None),
     "odd: kind wait_within needs minutes"),
    (replace(resolve_kpis(None, ["nps"])[0], id="odd", domain=None), "odd: kind domain_nps needs a domain"),
])
def test_a_kpi_the_engine_cannot_compute_is_named_not_left_out(con, monkeypatch, odd, complaint):
    monkeypatch.setattr(table, "resolve_kpis", lambda _con, _ids: [odd, VISITS])
    with pytest.raises(PxError, match=f"cannot compute KPI {complaint}"):
        compute(con, ["odd", "visits"], Filter())


def test_a_kind_without_a_function_is_named(con, monkeypatch):
    monkeypatch.delitem(kinds.KIND_FUNCTIONS, Kind.VISIT_COUNT)
    with pytest.raises(PxError, match="visits: no function computes kind visit_count"):
        compute(con, ["complaint_count", "visits"], Filter())


def test_every_kind_of_the_catalog_is_computed_once_per_kpi(con):
    result = compute(con, None, Filter())
    assert list(result.kpi_id) == sorted(k.id for k in available_kpis(con))


# Every entry point of the engine (a public function of kpi.engine.* taking a connection),
# called every way it reads: compute ungrouped and grouped, each breakdown reader.
ENTRY_POINTS = {
    "kpi.engine.table.compute": lambda con, flt: [compute(con, None, flt, g) for g in GROUPINGS],
    "kpi.engine.table.withheld_groups":
        lambda con, flt: [table.withheld_groups(con, None, flt, g) for g in GROUPINGS],
    "kpi.engine.breakdowns.rating_distribution":
        lambda con, flt: [breakdowns.rating_distribution(con, flt)],
    "kpi.engine.breakdowns.patient_comments":
        lambda con, flt: list(breakdowns.patient_comments(con, flt)),
    "kpi.engine.comments.filtered_comments":
        lambda con, flt: list(comment_reader.filtered_comments(con, flt)),
    "kpi.engine.comments.theme_sentiment_months":
        lambda con, flt: [comment_reader.theme_sentiment_months(con, flt)],
    "kpi.engine.comments.theme_departments":
        lambda con, flt: [comment_reader.theme_departments(con, flt)],
    "kpi.engine.comments.withheld_comment_departments":
        lambda con, flt: [comment_reader.withheld_comment_departments(  # D4: 12 surveys
            con, kpi.engine.scope.resolve_scope(con, flt), 13)],
    "kpi.engine.breakdowns.complaints_by_category":
        lambda con, flt: [breakdowns.complaints_by_category(con, flt)],
    "kpi.engine.breakdowns.open_backlog": lambda con, flt: [breakdowns.open_backlog(con, flt)],
    "kpi.engine.departments.departments": lambda con, flt: [departments(con, flt)],
    "kpi.engine.drivers.key_drivers": lambda con, flt: [key_drivers(con, flt, 11)],
    "kpi.engine.drivers.drivers_query": lambda con, flt: [  # both paths, whatever is current
        con.execute(*drivers_query(con, kpi.engine.scope.resolve_scope(con, flt), derived))
        .df().sort_values(["outcome", "level", "driver_id"], ignore_index=True)
        for derived in (True, False)],
    **{f"kpi.engine.review_readers.{reader.__name__}": (
        lambda con, flt, reader=reader: [reader(con, flt)])
       for reader in (review_readers.reviews_by_month, review_readers.replies_by_stars,
                      review_readers.negative_review_themes, review_readers.review_texts)},
    "kpi.engine.worklist.complaint_worklist":
        lambda con, flt: [complaint_worklist(con, kpi.engine.scope.resolve_scope(con, flt))],
    "kpi.engine.hcahps.benchmark_rows":
        lambda con, flt: [hcahps.benchmark_rows(con, flt, "MA"),
                          hcahps.benchmark_rows(con, flt, by_department=True)],
    "kpi.engine.scope.resolve_scope":
        lambda con, flt: [kpi.engine.scope.resolve_scope(con, flt, g) for g in GROUPINGS],
}
# Facts about the dates of the whole database (no department's rows); resolve_scope uses them.
# The theme dictionary the comments were classified with is the whole database's too.
WHOLE_DATABASE = {"kpi.engine.meta.data_as_of", "kpi.engine.meta.default_window",
                  "kpi.engine.comments.stored_theme_labels"}
SETS_UP_THE_CONNECTION = {"kpi.engine.pool.bound_connection"}  # limits only: reads no row
# Which file version and settings a connection has, and its cursors for the statements an
# entry point runs side by side: they read no row themselves.
CURSORS = {"kpi.engine.cursors.file_version", "kpi.engine.cursors.statements_at_once",
           "kpi.engine.cursors.each_on_a_cursor"}
# Remembers a computation per read-only file version: reads only the file's path and write id.
REMEMBERS = {"kpi.engine.disclosure.remembered"}


def _engine_functions_taking_a_connection() -> dict[str, typing.Callable]:
    found = {}
    for module_info in pkgutil.iter_modules(kpi.engine.__path__, "kpi.engine."):
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (function.__module__ == module.__name__ and not name.startswith("_")
                    and "con" in inspect.signature(function).parameters):
                found[f"{module.__name__}.{name}"] = function
    return found


def test_every_entry_point_takes_a_filter_resolved_by_the_one_door():
    found = _engine_functions_taking_a_connection()
    assert set(found) == (set(ENTRY_POINTS) | WHOLE_DATABASE | SETS_UP_THE_CONNECTION
                          | REMEMBERS | CURSORS)
    for name in ENTRY_POINTS:
        hints = typing.get_type_hints(found[name])
        assert Filter in hints.values() or Scope in hints.values(), (
            f"{name} takes no Filter or Scope: read the departments and dates through "
            "resolve_scope")


def _same(left: list, right: list) -> bool:
    return len(left) == len(right) and all(
        a.equals(b) if isinstance(a, pd.DataFrame) else a == b for a, b in zip(left, right))


@pytest.mark.parametrize("derived", [True, False], ids=["derived", "plain"])
@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_a_scope_of_one_department_reads_no_other(con, other, monkeypatch, name, derived):
    if not derived:
        monkeypatch.setattr(table, "is_current", lambda _con: False)
    resolved = []
    for module_info in pkgutil.iter_modules(kpi.engine.__path__, "kpi.engine."):
        module = importlib.import_module(module_info.name)
        if getattr(module, "resolve_scope", None) is resolve_scope:
            monkeypatch.setattr(module, "resolve_scope", lambda *args, **kw: (
                resolved.append(1) or resolve_scope(*args, **kw)))
    assert is_current(other) and data_as_of(other) == data_as_of(con)
    read = ENTRY_POINTS[name]
    assert _same(read(con, ONLY_D1), read(other, ONLY_D1))
    assert resolved
    assert not _same(read(con, Filter()), read(other, Filter())), "the other rows are read"


def _return_rate(con, scope: Scope) -> tuple:
    rows = return_rows(Run(con, scope, data_as_of(con), [], derived=True),
                       resolve_kpis(con, ["return_visit_rate"])[0])
    return float(rows.numerator[0]), float(rows.denominator[0])


def test_an_access_scope_narrows_every_department_to_the_allowed_ones(con, other):
    scope = resolve_scope(other, Filter(within=Reach(departments={"D1"})))
    assert (scope.departments, scope.every_department) == (("D1",), False)
    assert _return_rate(other, scope) == _return_rate(con, resolve_scope(con, ONLY_D1))


@pytest.mark.parametrize("chosen", [("D1",), ("D1", "D2")])
def test_the_return_counts_keep_the_department_condition(con, other, chosen):
    """Even a Scope claiming every department reads only its own: the all-departments counts
    check in SQL that the filter holds every department."""
    window = resolve_scope(con, Filter())
    scope = Scope(chosen, window.start, window.end, frozenset(), every_department=True)
    assert _return_rate(other, scope) == _return_rate(con, scope)


@pytest.mark.parametrize("flt, reach, kept, every", [
    (Filter(), EVERY_DEPARTMENT, ("D1", "D2", "D3"), True),
    (Filter(), Reach(departments={"D1"}), ("D1",), False),
    (Filter(), Reach(departments={"D3", "D1", "D2"}), ("D1", "D2", "D3"), True),
    (Filter(), Reach(service_lines={"Outpatient"}), ("D2",), False),
    (Filter(), Reach(sites={"North"}), ("D1", "D2"), False),
    (Filter(), Reach(departments={"D3"}, sites={"North"}), ("D1", "D2", "D3"), True),
    (Filter(sites=("North",)), Reach(departments={"D2", "D3"}), ("D2",), False),
    (Filter(departments=("D1", "D2")), Reach(departments={"D1", "D3"}), None, None),
    (Filter(departments=("D1",)), Reach(departments={"D1", "D2"}), ("D1",), False),
    (Filter(), NO_DEPARTMENT, (), False),
])
def test_the_reach_intersects_the_filter(con, flt, reach, kept, every):
    if kept is None:  # a chosen department outside the reach is as unknown as a missing one
        with pytest.raises(UsageError, match="unknown department 'D2'"):
            resolve_scope(con, replace(flt, within=reach))
        return
    scope = resolve_scope(con, replace(flt, within=reach))
    assert (scope.departments, scope.every_department) == (kept, every)


@pytest.mark.parametrize("flt, message", [
    (Filter(departments=("D9",)), "unknown department 'D9'"),
    (Filter(departments=("D3",)), "unknown department 'D3'"),
    (Filter(service_lines=("Emergency",)), "unknown service line 'Emergency'"),
    (Filter(sites=("South",)), "unknown site 'South'"),
])
def test_outside_the_reach_reads_as_unknown(con, flt, message):
    with pytest.raises(UsageError, match=message):
        resolve_scope(con, replace(flt, within=Reach(departments={"D1"})))


@pytest.mark.parametrize("derived", [True, False], ids=["derived", "plain"])
@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_every_entry_point_reads_only_the_reach(con, other, monkeypatch, name, derived):
    """A reach of D1 with no department chosen reads exactly what choosing D1 reads, even in
    a database with more departments and rows."""
    if not derived:
        monkeypatch.setattr(table, "is_current", lambda _con: False)
    read = ENTRY_POINTS[name]
    assert _same(read(con, ONLY_D1), read(other, Filter(within=Reach(departments={"D1"}))))


@pytest.mark.parametrize("dates, keys", [
    (("start", "end"), ["depts", "start", "end"]), (("end",), ["depts", "end"]), ((), ["depts"]),
])
def test_scope_params_always_bind_the_departments(con, dates, keys):
    scope = resolve_scope(con, ONLY_D1)
    params = scope.params() if dates == ("start", "end") else scope.params(dates=dates)
    assert list(params) == keys and params["depts"] == ["D1"]
