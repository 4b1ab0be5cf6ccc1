"""The monthly load: a delivery split into its history and its last month, the history loaded,
then the month timed on top of it, beside a full rebuild of the derived tables of the result."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from benchmarks.children import run_module
from benchmarks.delivery import ingest_phases

# Each dated contract file and the column that places a row in a month.
MONTH_COLUMNS = {"visits": "visit_date", "patient_survey": "response_date",
                 "complaints": "received_date", "staff_survey": "response_date",
                 "reviews": "review_date"}
# Undated files go with both parts (a monthly delivery may bring them again unchanged).
UNDATED = ("departments", "questions")


def last_whole_month(folder: Path) -> tuple[str, str]:
    """The first day of the delivery's last whole month of visits and of the month after
    (ISO; the demo ends today, so its own last month is mostly a partial one)."""
    with duckdb.connect() as con:
        start, end = con.execute(
            "SELECT s::DATE, (s + INTERVAL 1 MONTH)::DATE FROM (SELECT date_trunc('month', "
            "max(visit_date::DATE) + INTERVAL 1 DAY) - INTERVAL 1 MONTH AS s FROM read_csv("
            "$path, all_varchar = true))", {"path": str(folder / "visits.csv")}).fetchone()
    return str(start), str(end)


def split_delivery(folder: Path, out: Path) -> dict:
    """Write out/history (rows before the last whole month) and out/month (that month) from a
    CSV delivery, cell for cell (every column read as text; later rows are left out); rows
    per file of each part."""
    start, end = last_whole_month(folder)
    rows: dict[str, dict[str, int]] = {"history": {}, "month": {}}
    with duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        for part, keep in (("history", "{c} < $start"),
                           ("month", "{c} >= $start AND {c} < $end")):
            target = out / part
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for name in UNDATED:
                shutil.copyfile(folder / f"{name}.csv", target / f"{name}.csv")
            for name, column in MONTH_COLUMNS.items():
                source = folder / f"{name}.csv"
                if not source.exists():
                    continue
                rows[part][name] = con.execute(
                    f"COPY (SELECT * FROM read_csv($src, all_varchar = true, header = true) "
                    f"WHERE {keep.format(c=column)}) TO '{target / (name + '.csv')}' (HEADER, QUOTE '\"')",
                    {"src": str(source), "start": start,
                     **({"end": end} if part == "month" else {})}).fetchone()[0]
    split = {"month_start": start, "month_end": end, "rows": rows}
    (out / "split.json").write_text(json.dumps(split))
    return split


def ensure_split(folder: Path, out: Path) -> dict:
    """The split of `folder` in `out` (reused when already written)."""
    manifest = out / "split.json"
    if manifest.exists():
        return json.loads(manifest.read_text())
    return split_delivery(folder, out)


def timed_monthly(split: Path, history_db: Path, db: Path) -> dict:
    """Load history/ into `history_db` (once), copy it to `db`, load month/ on top of it,
    then rebuild every derived table of the result (`python -m kpi refresh`), the baseline:
    seconds, rows per second, peak RSS, the phases of the log, the rebuild's seconds."""
    if not history_db.exists():
        run_module("kpi", ["--db", str(history_db), "ingest", str(split / "history")],
                   split / "logs" / "history.log")
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(history_db, db)
    shutil.copyfile(Path(f"{history_db}.salt"), Path(f"{db}.salt"))
    log = split / "logs" / "monthly.log"
    month = run_module("kpi", ["--db", str(db), "ingest", "--progress", str(split / "month")],
                       log)
    rebuild = run_module("kpi", ["--db", str(db), "refresh"], split / "logs" / "refresh.log")
    rows = sum(json.loads((split / "split.json").read_text())["rows"]["month"].values())
    return {"seconds": month["seconds"], "rows": rows, "rows_per_second": rows / month["seconds"],
            "peak_rss_mb": month["peak_rss_mb"], "phases": ingest_phases(log, month["seconds"]),
            "full_rebuild_seconds": rebuild["seconds"], "log": str(log),
            "db_mb": db.stat().st_size / 2**20}


def measure_monthly(delivery: Path, folder: Path) -> dict:
    """The monthly load at one scale: the delivery split in folder/split (reused), the
    history loaded once into folder/history.duckdb, the month timed on top of a copy."""
    split = ensure_split(delivery, folder / "split")
    timed = timed_monthly(folder / "split", folder / "history.duckdb", folder / "monthly.duckdb")
    return {**timed, "month_start": split["month_start"]}
