"""Every hand-computed case of kpi_cases.py through the engine, and a case for every KPI."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpi.catalog.kpis import available_kpis
from kpi.engine import compute
from kpi.store.connect import open_readonly
from tests.support.kpi_cases import CASES, Case
from tests.support.kpi_db import build_tiny_db

CHECKED = ("department_id", "month", "value", "n", "numerator", "denominator", "ci_low",
           "ci_high", "suppressed")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")
    connection = open_readonly(db)
    yield connection
    connection.close()


def _cell(value):
    """A result cell as a plain Python value, None when empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _matches(expected, actual) -> bool:
    if expected is None or actual is None or isinstance(expected, (bool, str)):
        return expected == actual
    return math.isclose(expected, actual, rel_tol=1e-8, abs_tol=1e-9)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(con, case: Case):
    result = compute(con, [case.kpi_id], case.flt, case.group_by)
    got = [{f: _cell(row[f]) for f in CHECKED} for _, row in result.iterrows()]
    grouped_dept = "department" in case.group_by
    want = [{f: getattr(r, f) for f in CHECKED} for r in case.rows]
    for w in want:
        if not grouped_dept:
            w["department_id"] = None
    assert len(got) == len(want), got
    for g, w in zip(got, want):
        wrong = {f: (g[f], w[f]) for f in CHECKED if not _matches(w[f], g[f])}
        assert not wrong, f"(actual, expected) by column: {wrong}"


def test_every_kpi_of_the_tiny_database_has_a_case(con):
    covered = {c.kpi_id for c in CASES}
    missing = [k.id for k in available_kpis(con) if k.id not in covered]
    assert not missing, f"KPIs without a hand-computed case (tests/support/kpi_cases.py): {missing}"


def test_the_tiny_database_expands_every_patient_domain(con):
    ids = [k.id for k in available_kpis(con) if k.id.startswith("domain_top_box")]
    assert ids == ["domain_top_box[communication]", "domain_top_box[discharge]",
                   "domain_top_box[environment]", "domain_top_box[privacy]"]

