"""The kind registry: each declared kind computed by exactly one engine function, and the
engine refusing, by name, a KPI it cannot compute instead of leaving it out."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from kpi_db import build_tiny_db

from kpi.catalog.kinds import Direction, Kind, Param, Source, Unit
from kpi.catalog.kpis import available_kpis, kpi_by_id
from kpi.engine import compute, kinds, table
from kpi.errors import PxError, UsageError
from kpi.filters import Filter
from kpi.store.connect import open_readonly

VISITS = kpi_by_id(None, "visits")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = open_readonly(build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb"))
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
    (replace(kpi_by_id(None, "seen_within_15_minutes"), id="odd", minutes=None),
     "odd: kind wait_within needs minutes"),
    (replace(kpi_by_id(None, "nps"), id="odd", domain=None), "odd: kind domain_nps needs a domain"),
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
