"""The demo delivery at one scale (written once per scale and day), and its timed ingest."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

from benchmarks.children import run_module

ROWS_LINE = re.compile(r"^\s*[\d.]+\s+(\w+): ([\d,]+) rows$")
STAMP = re.compile(r"^\s*([\d.]+)\s+\w+: [\d,]+ rows (read|loaded)$")


def scale_dir(work: Path, scale: float) -> Path:
    """Where one scale's files live for today: WORK/scale-S/YYYY-MM-DD."""
    return work / f"scale-{scale:g}" / date.today().isoformat()


def written_rows(log: Path) -> dict[str, int]:
    """Rows per file, from the `name: N rows` lines `python -m kpi demo --csv` prints."""
    rows = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        found = ROWS_LINE.match(line)
        if found:
            rows[found[1]] = int(found[2].replace(",", ""))
    return rows


def ensure_delivery(work: Path, scale: float) -> dict:
    """The contract delivery of the demo at this scale (reused when today's exists):
    folder, rows per file, generation seconds (None when reused)."""
    folder = scale_dir(work, scale) / "delivery"
    manifest = folder.parent / "delivery-rows.json"
    if folder.exists() and manifest.exists():
        return {"folder": str(folder), **json.loads(manifest.read_text()), "generate_seconds": None}
    shutil.rmtree(folder, ignore_errors=True)
    log = folder.parent / "logs" / "demo.log"
    run = run_module("kpi", ["demo", "--scale", f"{scale:g}", "--csv", str(folder)], log)
    rows = written_rows(log)
    manifest.write_text(json.dumps({"rows": rows, "csv_mb": _megabytes(folder)}))
    return {"folder": str(folder), "rows": rows, "csv_mb": _megabytes(folder),
            "generate_seconds": run["seconds"]}


def _megabytes(path: Path) -> float:
    files = [path] if path.is_file() else path.rglob("*")
    return sum(p.stat().st_size for p in files if p.is_file()) / 2**20


def ingest_phases(log: Path, seconds: float) -> dict[str, float] | None:
    """Seconds spent reading the files, checking the rules, loading the tables and after the
    last table (derived tables, checkpoint, swap), from the timestamped `rows read` /
    `rows loaded` lines of the log (a streaming load reads, checks and loads at once)."""
    stamps: dict[str, list[float]] = {"read": [], "loaded": []}
    for line in log.read_text(encoding="utf-8").splitlines():
        found = STAMP.match(line)
        if found:
            stamps[found[2]].append(float(found[1]))
    if not stamps["read"] or not stamps["loaded"]:
        return None
    read, first, last = max(stamps["read"]), min(stamps["loaded"]), max(stamps["loaded"])
    return {"read": read, "check": first - read, "load": last - first, "finish": seconds - last}


def timed_ingest(folder: Path, db: Path, rows: dict[str, int]) -> dict:
    """`python -m kpi --db DB ingest FOLDER` into a new database: seconds, rows per second
    over all files, peak RSS of that process, database size."""
    for stale in (db, Path(f"{db}.tmp"), Path(f"{db}.wal"), Path(f"{db}.salt")):
        stale.unlink(missing_ok=True)
    log = db.parent / "logs" / "ingest.log"
    run = run_module("kpi", ["--db", str(db), "ingest", "--progress", str(folder)],
                     log)
    total = sum(rows.values())
    return {"seconds": run["seconds"], "rows": total, "rows_per_second": total / run["seconds"],
            "peak_rss_mb": run["peak_rss_mb"], "db_mb": _megabytes(db),
            "phases": ingest_phases(log, run["seconds"]), "log": str(log)}
