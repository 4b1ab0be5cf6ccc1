"""Time `python -m kpi --db DB ingest FOLDER`: wall and CPU seconds, rows/s, peak RSS, phases.

    python -m benchmarks.ingest_speed FOLDER [--db /tmp/ingest_perf/x.duckdb] [--runs 1]

Rows are the data rows of every file in the folder (as `python -m kpi demo --csv` wrote them:
counted once and kept beside the folder as FOLDER.rows.json). The
database, its salt and any leftovers are removed before each run and after the last one.
The phases are the gaps between the ingest's progress lines (each line ends a phase).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def delivery_rows(folder: Path) -> dict[str, int]:
    """Data rows per file of a delivery folder (cached beside it: a file inside the folder
    would not be a contract file)."""
    cache = folder.parent / f"{folder.name}.rows.json"
    if cache.exists():
        return json.loads(cache.read_text())
    con = duckdb.connect()
    rows = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            rows[path.stem] = con.execute(
                "SELECT count(*) FROM read_csv($p, header=true, all_varchar=true, "
                "max_line_size=536870912)", {"p": str(path)}).fetchone()[0]
    cache.write_text(json.dumps(rows))
    return rows


def remove_database(db: Path) -> None:
    """Delete the database and everything an ingest leaves beside it."""
    for suffix in ("", ".tmp", ".wal", ".tmp.wal", ".salt", ".lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def timed_ingest(folder: Path, db: Path) -> dict:
    """One ingest into a new database: wall, user and system CPU seconds, peak RSS, and the
    progress lines with the seconds at which each was printed."""
    remove_database(db)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "kpi", "--db", str(db), "ingest",
                              str(folder)], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    lines = [(time.perf_counter() - started, line.rstrip()) for line in child.stderr]
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("ingest failed:\n" + "\n".join(line for _, line in lines[-30:]))
    return {"wall": wall, "user": usage.ru_utime, "system": usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "lines": lines,
            "db_mb": db.stat().st_size / 2**20}


def report(run: dict, rows: dict[str, int]) -> str:
    """The run as text: totals, then each progress line with the seconds since the last."""
    total = sum(rows.values())
    cpu = run["user"] + run["system"]
    out = [f"rows {total:,} | wall {run['wall']:.1f} s | CPU {cpu:.1f} s (user "
           f"{run['user']:.1f}, sys {run['system']:.1f}) | {total / run['wall']:,.0f} rows/s "
           f"wall, {total / cpu:,.0f} rows per CPU-second | peak RSS {run['peak_rss_mb']:,.0f} "
           f"MB | database {run['db_mb']:,.0f} MB"]
    before = 0.0
    for at, line in run["lines"]:
        out.append(f"  {at:7.2f} (+{at - before:6.2f})  {line}")
        before = at
    out.append(f"  {run['wall']:7.2f} (+{run['wall'] - before:6.2f})  done (checkpoint, swap)")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the timed ingest `--runs` times and print each run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--db", type=Path, default=Path("/tmp/ingest_perf/x.duckdb"))
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    rows = delivery_rows(args.folder)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    try:
        for _ in range(args.runs):
            print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
            print(report(timed_ingest(args.folder, args.db), rows), flush=True)
    finally:
        remove_database(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
