"""The HCAHPS benchmark reader (kpi.engine.hcahps.benchmark_rows) timed both ways on one
database with current derived tables: from the base tables and from the derived aggregates,
results compared to the last float.

    python -m benchmarks.hcahps DB [--runs N]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from statistics import median
from unittest.mock import patch

import pandas as pd

from kpi.engine import default_window
from kpi.engine.hcahps import benchmark_rows
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from kpi.store.derived.version import is_current
from ui.periods import LAST_12, preset_window


def benchmark_cases(con) -> list[tuple[str, Filter, bool]]:
    """All dates and the last 12 complete months, for the hospital and by department."""
    first, last = default_window(con)
    start, end = preset_window(LAST_12, first, last)
    every, year = Filter(start=first, end=last), Filter(start=start, end=end)
    return [(f"{name}{' by department' if by else ''}", flt, by)
            for name, flt in (("all dates", every), ("last 12 months", year))
            for by in (False, True)]


def _timed(con, flt: Filter, by_department: bool, runs: int) -> tuple[float, pd.DataFrame]:
    """The median seconds of `runs` calls and the last call's rows."""
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        rows = benchmark_rows(con, flt, None, by_department)
        seconds.append(time.perf_counter() - began)
    return median(seconds), rows


def time_both_ways(db: Path, runs: int) -> list[dict]:
    """Per case: seconds from the base tables and from the derived aggregates, and whether
    both gave the same rows."""
    con = open_readonly(db)
    try:
        if not is_current(con):
            raise SystemExit(f"{db}: derived tables not current; run `python -m kpi --db {db} "
                             "refresh` first")
        results = []
        for name, flt, by_department in benchmark_cases(con):
            with patch("kpi.engine.hcahps.is_current", return_value=False):
                base, want = _timed(con, flt, by_department, runs)
            derived, got = _timed(con, flt, by_department, runs)
            results.append({"case": name, "base_s": base, "derived_s": derived,
                            "same": got.equals(want)})
        return results
    finally:
        con.close()


def main(argv: list[str] | None = None) -> None:
    """Print the figures with the machine's load before and after."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print("load average at start:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for row in time_both_ways(args.db, args.runs):
        print(f"{row['case']:<32} base {row['base_s']:7.2f} s   derived {row['derived_s']:6.2f} s"
              f"   x{row['base_s'] / row['derived_s']:5.1f}   same rows: {row['same']}")
    print("load average at end:  ", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
