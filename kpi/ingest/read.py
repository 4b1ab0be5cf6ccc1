"""Read a delivery folder: find the contract files and stage each as a table of text cells."""

from __future__ import annotations

import bisect
import os
import stat
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import duckdb

from kpi.errors import Problem, PxError
from kpi.ingest.contract import FILES, PSEUDONYM, TEXT, FileSpec
from kpi.ingest.control import control_flag, control_note_sql
from kpi.ingest.formats import create_stage, read_header, reader_rejects, unreadable
from kpi.ingest.header import match_header
from kpi.ingest.hints import renamed_hints, semicolon_hint
from kpi.ingest.parquet_types import type_problems
from kpi.ingest.report import Finding, Hint, file_finding
from kpi.store.salt import patient_hash_sql

SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class Reading:
    """How a file's rows are read: `select` names its cells as staged columns (bound
    parameters in `params`), `outer` then hashes pseudonymous keys."""

    path: Path
    width: int
    select: str
    outer: str
    params: dict


@dataclass(frozen=True)
class Staged:
    """One contract file read into the staging table `stage_<name>` (every cell as text), or,
    when `loaded_into` names a table, read straight into that empty database table."""

    spec: FileSpec
    file: str | None                       # the file name as delivered; None when absent
    present: frozenset[str] = frozenset()  # contract columns found in the header
    questions: tuple[tuple[str, str], ...] = ()  # survey: (staged column, header as given)
    rows: int = 0
    skipped: tuple[int, ...] = ()          # data rows the CSV reader could not read
    reading: Reading | None = None
    loaded_into: str | None = None

    @property
    def table(self) -> str:
        """The table holding the file's rows: the staging table, or the table loaded."""
        return self.loaded_into or f"stage_{self.spec.name}"

    @cached_property
    def _read_before_skip(self) -> list[int]:
        return [row - i for i, row in enumerate(self.skipped, start=1)]

    def row_number(self, rowid: int) -> int:
        """The data row (1 = first row after the header) of a staged row."""
        return rowid + 1 + bisect.bisect_right(self._read_before_skip, rowid)


def find_delivery(folder: Path) -> tuple[dict[str, Path], list[Finding]]:
    """The contract files in a folder by table name, and findings about the folder's files."""
    if not folder.is_dir():
        raise PxError(f"no folder at {folder}")
    found: dict[str, list[Path]] = {}
    findings = []
    for path in sorted(folder.iterdir()):
        name = path.name[:-len(path.suffix)].lower() if path.suffix else path.name
        if path.suffix.lower() not in SUFFIXES or name not in FILES:
            findings.append(file_finding(path.name, "is not a file of the data contract "
                                         f"(expected {', '.join(FILES)}, as .csv or .parquet)"))
        elif _is_regular(path):
            found.setdefault(name, []).append(path)
        else:
            findings.append(file_finding(path.name, "is a symbolic link, a folder or another "
                                         "kind of entry, not a regular file: it was not read; "
                                         "put the file itself in the folder"))
    for name, paths in found.items():
        findings += [file_finding(path.name, f"delivers {name} a second time (also in "
                                  f"{paths[0].name}); give each table in one file only")
                     for path in paths[1:]]
    if not found and not findings:
        findings.append(file_finding(str(folder), "holds no contract files: nothing to load"))
    return {name: paths[0] for name, paths in found.items()}, findings


def _is_regular(path: Path) -> bool:
    """Whether a folder entry is a regular file itself (a link is not followed)."""
    return stat.S_ISREG(os.lstat(path).st_mode)


def stage_file(con: duckdb.DuckDBPyConnection, spec: FileSpec, path: Path | None, salt: str,
               direct: str | None = None) -> tuple[Staged, list[Finding]]:
    """Read one file into its staging table; an absent or unreadable file stages no rows.
    Pseudonymous keys are staged as their hash with `salt`, never in clear. With `direct`,
    a database table, only the header is read: the rows go straight into that table later."""
    _stage_empty(con, spec)
    if path is None:
        return Staged(spec, None), []
    header, cells, problems = read_header(con, path)
    if header is None:
        return Staged(spec, path.name), [Finding((p,)) for p in problems]
    positions, questions, header_problems = match_header(spec, header, path.name)
    typed = type_problems(con, spec, path, positions, questions)
    problems += header_problems + typed
    hints = _header_hints(spec, header, path.name, bool(positions))
    if typed or not positions:  # rows of wrong types, or with no header, are not read
        return Staged(spec, path.name), _findings(problems, hints)
    select = [_cell_sql(spec, c.name, positions, cells) for c in spec.columns]
    select += [f"{trimmed(cells[i])} AS q{n}" for n, (i, _) in enumerate(questions)]
    keys = [c.name for c in spec.columns if c.kind == PSEUDONYM and c.name in positions]
    hashed = ", ".join(f"{patient_hash_sql(c)} AS {c}" for c in keys)
    flags = "".join(f", {control_note_sql(c)} AS {control_flag(c)}" for c in keys)
    reading = Reading(path, len(header), ", ".join(select),
                      f"* REPLACE ({hashed}){flags}" if keys else "*",
                      {"salt": salt} if keys else {})
    staged = Staged(spec, path.name, frozenset(positions),
                    tuple((f"q{n}", name) for n, (_, name) in enumerate(questions)),
                    reading=reading)
    if direct:
        return replace(staged, loaded_into=direct), _findings(problems, hints)
    try:
        create_stage(con, spec.name, path, reading.width, reading.select, reading.outer,
                     reading.params)
    except duckdb.Error as err:
        _stage_empty(con, spec)
        problems.append(Problem(path.name, None, None, None, unreadable(path, err)))
        return Staged(spec, path.name), _findings(problems, hints)
    skipped, reader_findings = reader_rejects(con, spec.name, path, header)
    rows = con.execute(f"SELECT count(*) FROM stage_{spec.name}").fetchone()[0]
    return (replace(staged, rows=rows, skipped=skipped),
            _findings(problems, hints) + reader_findings)


def _header_hints(spec: FileSpec, header: list[str], file: str,
                  named: bool) -> dict[str | None, Hint]:
    """Likely causes of a header's problems by the column they name (None: the file): a
    semicolon-separated file explains them all; a renamed column, its missing column."""
    semicolons = semicolon_hint(file, header)
    if semicolons is not None:
        return {None: semicolons}
    return dict(renamed_hints(spec, header, file)) if named else {}


def _findings(problems: list[Problem], hints: dict[str | None, Hint]) -> list[Finding]:
    """One finding per problem of the reading; a problem about the file or a column of its
    header carries the likely cause found for it."""
    return [Finding((p,), hint=hints.get(p.column) if p.row is None else None)
            for p in problems]


def _stage_empty(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    columns = ", ".join(f"{c.name} {'UBIGINT' if c.kind == PSEUDONYM else 'VARCHAR'}"
                        for c in spec.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage_{spec.name} ({columns})")


def _cell_sql(spec: FileSpec, name: str, positions: dict[str, int], cells: list[str]) -> str:
    if name not in positions:
        return f"NULL::VARCHAR AS {name}"
    cell = cells[positions[name]]
    if spec.column(name).kind == TEXT:
        return f"NULLIF({cell}, '') AS {name}"
    return f"{trimmed(cell)} AS {name}"


def trimmed(cell: str) -> str:
    """SQL for a cell without leading and trailing spaces, empty as NULL (trims only when
    needed: trim() on every cell of a large file costs more than reading it)."""
    return (f"NULLIF(CASE WHEN {cell} LIKE ' %' OR {cell} LIKE '% ' THEN trim({cell}) "
            f"ELSE {cell} END, '')")


