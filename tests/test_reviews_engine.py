"""The review KPIs against the plain-pandas reference on the tiny database, every grouping and
choice of departments (a site review counted once, where its whole site is chosen), and a
database written before the reviews table existed."""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from kpi.engine import compute, data_as_of, default_window
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from tests.support.kpi_db import build_tiny_db
from tests.support.kpi_reference import Reference, load_tables

REVIEW_KPIS = ["review_rating_mean", "reviews", "negative_review_share",
               "review_response_rate", "review_days_to_respond"]
KEYS = ["kpi_id", "department_id", "month"]
CHOICES = [(), ("D1",), ("D2",), ("D3",), ("D1", "D2"), ("D1", "D3"), ("D1", "D2", "D3")]
GROUPINGS = [(), ("department",), ("month",), ("department", "month")]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")
    con = open_readonly(path)
    yield path, con, load_tables(con)
    con.close()


@pytest.mark.parametrize("group_by", GROUPINGS, ids=["whole", "dept", "month", "dept x month"])
@pytest.mark.parametrize("chosen", CHOICES, ids=["+".join(c) or "all" for c in CHOICES])
def test_the_engine_agrees_with_the_reference(tiny, chosen, group_by):
    _, con, tables = tiny
    engine = compute(con, REVIEW_KPIS, Filter(departments=chosen), group_by)
    engine = engine.assign(department_id=engine.department_id.fillna(""),
                           month=engine.month.fillna(""))
    start, end = default_window(con)
    depts = list(chosen) or ["D1", "D2", "D3"]
    reference = pd.concat([pd.DataFrame({"value": value, "n": n}).reset_index().assign(kpi_id=k)
                           for k, (value, n, _) in Reference(tables, depts, start, end,
                                                             group_by).reviews().items()])
    both = engine.merge(reference, on=KEYS, how="outer", suffixes=("", "_ref"), indicator=True)
    assert (both._merge == "both").all()
    assert np.allclose(both.value.astype(float), both.value_ref.astype(float), equal_nan=True)
    assert np.allclose(both.n.astype(float), both.n_ref.astype(float))


def test_department_rows_never_count_a_shared_site_review(tiny):
    _, con, _ = tiny
    whole = compute(con, ["reviews"], Filter())
    by_department = compute(con, ["reviews"], Filter(), ["department"])
    # G4 (site North, two departments) is in the whole hospital, in no department's row
    assert whole.value.sum() == by_department.value.sum() + 1


def test_a_database_without_the_reviews_table_reads_as_no_reviews(tiny, tmp_path):
    path, _, _ = tiny
    old = tmp_path / "old.duckdb"
    shutil.copyfile(path, old)
    writer = duckdb.connect(str(old))
    writer.execute("DROP TABLE reviews")
    writer.execute("DELETE FROM meta WHERE key = 'derive_version'")  # older derived tables too
    writer.close()
    con = open_readonly(old)
    try:
        result = compute(con, REVIEW_KPIS, Filter()).set_index("kpi_id")
        assert result.loc["reviews", "value"] == 0 and result.n.fillna(0).sum() == 0
        assert data_as_of(con)["reviews"] is None
    finally:
        con.close()
