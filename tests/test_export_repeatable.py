"""A snapshot of unchanged data is byte-identical on every run (DuckDB sums in parallel, so the
engine fixes the order of every float aggregate)."""

from __future__ import annotations

import io

import pytest

from kpi.demo.build import build_demo
from kpi.export import write_snapshot
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from tests.support.demo_test_helpers import END

RUNS = 6
STAMP = "2026-01-02T03:04:05+00:00"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("repeatable") / "px.duckdb"
    build_demo(path, seed=3, scale=0.5, end=END)
    return path


def _snapshot(path, group_by) -> str:
    con = open_readonly(path)
    try:
        out = io.StringIO()
        write_snapshot(out, con, None, Filter(), group_by, generated_at=STAMP)
        return out.getvalue()
    finally:
        con.close()


@pytest.mark.parametrize("group_by", [(), ("department",), ("month",)])
def test_exports_of_the_same_database_are_byte_identical(demo_db, group_by):
    first = _snapshot(demo_db, group_by)
    assert all(_snapshot(demo_db, group_by) == first for _ in range(RUNS - 1))
