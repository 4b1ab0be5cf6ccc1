"""Engine vs plain pandas: every KPI by department x month on the demo hospital, one run.

    python benchmarks/engine_vs_pandas.py --scale 1            # builds benchmarks/work/demo_1.duckdb
    python benchmarks/engine_vs_pandas.py --db /tmp/d10.duckdb  # an existing database

The engine runs its grouped DuckDB queries on the file; the pandas side loads the base tables
into memory and computes the same KPIs with tests/kpi_reference.py (an independent reading of
the catalog), and the two results are checked to agree.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from kpi_reference import Reference, load_tables  # noqa: E402

from kpi.demo.build import build_demo  # noqa: E402
from kpi.engine import compute, default_window  # noqa: E402
from kpi.filters import Filter  # noqa: E402
from kpi.store.connect import open_readonly

GROUPINGS = {"whole filter": (), "department x month": ("department", "month")}
DEMO_END = date(2025, 6, 30)


def timed(function, repeat: int) -> tuple[float, object]:
    """Median seconds of `repeat` calls (after one warm-up call) and the last result."""
    result = function()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def disagreements(engine, reference) -> int:
    """Rows where value, n or suppression differ between the two results."""
    engine = engine.assign(department_id=engine.department_id.fillna(""),
                           month=engine.month.fillna(""))
    both = engine.merge(reference, on=["kpi_id", "department_id", "month"],
                        suffixes=("", "_ref"), how="outer")
    same = (np.isclose(both.value.astype(float), both.value_ref.astype(float), rtol=1e-9,
                       equal_nan=True)
            & np.isclose(both.n.astype(float), both.n_ref.astype(float), equal_nan=True)
            & (both.suppressed == both.suppressed_ref))
    return int((~same).sum())


def main() -> None:
    """Build or open the database, time both sides, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = args.db or ROOT / "benchmarks" / "work" / f"demo_{args.scale:g}.duckdb"
    if not db.exists():
        started = time.perf_counter()
        build_demo(db, seed=7, scale=args.scale, end=DEMO_END)
        print(f"built {db} in {time.perf_counter() - started:.1f} s")
    con = open_readonly(db)
    visits = con.execute("SELECT count(*) FROM visits").fetchone()[0]
    print(f"database {db}: {visits:,} visits")
    load_seconds, tables = timed(lambda: load_tables(con), 1)
    start, end = default_window(con)
    depts = list(tables["departments"].department_id)
    print(f"pandas: loading the base tables into memory {load_seconds:.3f} s")
    for name, group_by in GROUPINGS.items():
        engine_seconds, engine = timed(lambda: compute(con, None, Filter(), group_by),
                                       args.repeat)
        pandas_seconds, reference = timed(
            lambda: Reference(tables, depts, start, end, group_by).all_kpis(), args.repeat)
        print(f"{name}: {len(engine):,} rows ({engine.kpi_id.nunique()} KPIs); "
              f"engine {engine_seconds:.3f} s, pandas {pandas_seconds:.3f} s "
              f"(+ {load_seconds:.3f} s load); rows that disagree: "
              f"{disagreements(engine, reference)}")
    con.close()


if __name__ == "__main__":
    main()
