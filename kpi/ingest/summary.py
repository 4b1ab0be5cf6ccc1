"""What a successful load did, said once: rows added and replaced per file, the dates each
source now covers, the time taken; as plain words or as JSON for scripts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from kpi.errors import RejectedInput
from kpi.ingest.contract import SURVEY_TABLES
from kpi.ingest.report import counted
from kpi.store.derived.extremes import SOURCE_DATES


@dataclass(frozen=True)
class FileLoad:
    """One delivered file: its rows, of which `replaced` took the place of stored rows with
    the same id (the rest were added)."""

    name: str      # the contract file: visits, patient_survey, ...
    file: str      # as delivered: visits.csv
    rows: int
    replaced: int
    answers: int | None = None  # a survey file's answers (in long form)

    @property
    def added(self) -> int:
        """Rows whose id was not stored before."""
        return self.rows - self.replaced


@dataclass(frozen=True)
class LoadSummary:
    """A successful load: its files, rows per database table, the dates each source covers
    now (first, last; None when it holds no rows), and how long it took."""

    folder: Path
    database: Path
    files: tuple[FileLoad, ...]
    tables: dict[str, int]
    covered: dict[str, tuple[date, date] | None]
    replaced_demo: bool
    seconds: float = 0.0


def file_loads(files: dict[str, str], loaded: dict[str, int],
               replaced: dict[str, int]) -> tuple[FileLoad, ...]:
    """Per delivered file ({contract name: file as delivered}), from the rows loaded and
    replaced per table (a survey file counts its responses, and gives its answers apart)."""
    out = []
    for name, file in files.items():
        table, answers = SURVEY_TABLES.get(name, (name, None))
        out.append(FileLoad(name, file, loaded.get(table, 0), replaced.get(table, 0),
                            None if answers is None else loaded.get(answers, 0)))
    return tuple(out)


def covered_dates(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[date, date] | None]:
    """The first and last date of each source in the database (its main date column)."""
    covered = {}
    for source, (table, (column, *_)) in SOURCE_DATES.items():
        first, last = con.execute(f"SELECT min({column}), max({column}) FROM {table}").fetchone()
        covered[source] = None if first is None else (first, last)
    return covered


def summary_text(summary: LoadSummary) -> str:
    """The summary in plain words: one line per file, one per source, the time taken."""
    lines = [f"loaded {summary.folder} into {summary.database}"
             + (" (it held the demo data: that is replaced)" if summary.replaced_demo else "")]
    width = max(len(f.file) for f in summary.files) if summary.files else 0
    for f in summary.files:
        answers = "" if f.answers is None else f", {counted(f.answers, 'answer')}"
        lines.append(f"  {f.file:<{width}}  {counted(f.rows, 'row')}: {f.added:,} added, "
                     f"{f.replaced:,} replaced{answers}")
    lines.append("dates now covered:")
    width = max(map(len, summary.covered))
    for source, span in summary.covered.items():
        shown = "no rows" if span is None else f"{span[0]:%Y-%m-%d} to {span[1]:%Y-%m-%d}"
        lines.append(f"  {source:<{width}}  {shown}")
    lines.append(f"done in {summary.seconds:.1f} s")
    return "\n".join(lines)


def summary_json(summary: LoadSummary) -> str:
    """The summary as one JSON object (keys documented in docs/loading.md)."""
    return json.dumps({
        "loaded": True,
        "folder": str(summary.folder),
        "database": str(summary.database),
        "files": {f.name: {"file": f.file, "rows": f.rows, "added": f.added,
                           "replaced": f.replaced,
                           **({} if f.answers is None else {"answers": f.answers})}
                  for f in summary.files},
        "tables": summary.tables,
        "covered": {source: None if span is None else
                    {"first": span[0].isoformat(), "last": span[1].isoformat()}
                    for source, span in summary.covered.items()},
        "replaced_demo": summary.replaced_demo,
        "seconds": round(summary.seconds, 3),
    }, indent=2)


def rejection_json(folder: Path, database: Path, err: RejectedInput) -> str:
    """A rejected load as one JSON object: `loaded` false and each problem's file, row, column,
    value (only as the report may show it) and rule."""
    return json.dumps({
        "loaded": False,
        "folder": str(folder),
        "database": str(database),
        "problems": [{"file": p.file, "row": p.row, "column": p.column, "value": p.value,
                      "rule": p.rule} for p in err.problems],
    }, indent=2)
