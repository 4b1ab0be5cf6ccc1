"""The engine agrees with an independent plain-pandas computation on a small demo hospital."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from kpi.demo.build import build_demo
from kpi.engine import compute, default_window
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from tests.support.kpi_reference import Reference, load_tables

KEYS = ["kpi_id", "department_id", "month"]
FILTERS = [
    (Filter(), ()),
    (Filter(), ("department", "month")),
    (Filter(departments=("CARD", "ED", "OPH"), start="2024-02-10", end="2024-11-20"),
     ("month",)),
    (Filter(departments=("MAT", "ORTH"), start="2023-12-31", end="2025-01-01"),
     ("department",)),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(db, seed=7, scale=0.05, end=date(2025, 6, 30))
    con = open_readonly(db)
    yield con, load_tables(con)
    con.close()


@pytest.mark.parametrize("flt, group_by", FILTERS,
                         ids=["whole", "dept x month", "three depts by month", "two by dept"])
def test_engine_agrees_with_plain_pandas(demo, flt, group_by):
    con, tables = demo
    engine = compute(con, None, flt, group_by)
    engine = engine.assign(department_id=engine.department_id.fillna(""),
                           month=engine.month.fillna(""))
    start, end = (flt.start, flt.end) if flt.start else default_window(con)
    depts = list(flt.departments) or list(tables["departments"].department_id)
    reference = Reference(tables, depts, start, end, group_by).all_kpis()
    both = engine.merge(reference, on=KEYS, how="outer", suffixes=("", "_ref"), indicator=True)
    assert (both._merge == "both").all(), both[both._merge != "both"][KEYS]
    values = both.value.astype(float), both.value_ref.astype(float)
    wrong = both[~np.isclose(*values, rtol=1e-9, equal_nan=True)
                 | ~np.isclose(both.n.astype(float), both.n_ref.astype(float), equal_nan=True)
                 | (both.suppressed != both.suppressed_ref)]
    assert wrong.empty, wrong[[*KEYS, "value", "value_ref", "n", "n_ref", "suppressed"]]
    shown = both.value.notna() & (both.n > 0)
    # A subset of departments by month at this small scale: its month totals are withheld
    # wherever one of its departments' months is (complementary suppression).
    kpis = 10 if flt.departments and group_by == ("month",) else 20
    assert shown.sum() >= 0.3 * len(both) and both.kpi_id[shown].nunique() >= kpis
