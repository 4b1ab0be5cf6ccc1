"""The derived tables brought up to date with one load's changes (kpi.store.derived.delta),
table by table, for the departments, days, months and patients they touch: the same rows a
full rebuild would write (tests/test_derive_changes.py compares them)."""

from __future__ import annotations

from kpi.store.derived.delta import Delta
from kpi.store.derived.driver_cells import touched_driver_cell_statements
from kpi.store.derived.extremes import extremes_sql
from kpi.store.derived.returns_delta import merge_return_statements, touched_return_statements
from kpi.store.derived.survey import touched_survey_statements
from kpi.store.derived.touched import touched_days_sql, touched_span
from kpi.store.derived.waits import touched_wait_statements

SOURCES = ("visits", "patient", "staff")


def _run(con, statements: list[tuple[str, dict]]) -> None:
    for sql, params in statements:
        con.execute(sql, params)


def follow_changes(con, delta: Delta) -> dict[str, dict]:
    """Update every derived table but the comments' with the changes in `delta`; returns the
    first and last touched day of each source (kpi.store.derived.touched), for the comments."""
    con.execute(touched_days_sql())
    spans = {source: touched_span(con, source) for source in SOURCES}
    _run(con, [(f"CREATE OR REPLACE TABLE derived_extremes AS {extremes_sql()}", {}),
               *touched_survey_statements(spans), *touched_wait_statements(spans["visits"]),
               *touched_driver_cell_statements(con, spans["patient"])])
    if spans["visits"]["first"] is not None:
        _run(con, touched_return_statements(con))
        _run(con, merge_return_statements(con, delta.as_of_before))
    return spans
