"""Read a delivery folder: find the contract files and stage each as a table of text cells."""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb

from kpi.errors import Problem, PxError
from kpi.ingest_contract import FILES, TEXT, FileSpec, normalise_header
from kpi.ingest_report import CAP, Finding, file_finding

SUFFIXES = (".csv", ".parquet")
USUAL_ROW_BYTES = 2_000_000  # rows up to this size are read in parallel
MAX_ROW_BYTES = 512 * 1024 * 1024  # a free-text cell of many MB must fit in one row
CSV_OPTIONS = ("auto_detect=false, header=true, delim=',', quote='\"', escape='\"', "
               "store_rejects=true")

# What the CSV reader's own errors mean, in plain words.
READER_ERRORS = {
    "TOO MANY COLUMNS": "has more fields than the header; a value holding a comma must be "
                        "in double quotes",
    "MISSING COLUMNS": "has fewer fields than the header",
    "UNQUOTED VALUE": "has a double quote that is not closed, or text after a closing quote",
    "INVALID ENCODING": "is not UTF-8 text; save the file as UTF-8 CSV",
    "INVALID UNICODE": "is not UTF-8 text; save the file as UTF-8 CSV",
    "LINE SIZE OVER MAXIMUM": f"is longer than {MAX_ROW_BYTES:,} bytes",
}


@dataclass(frozen=True)
class Staged:
    """One contract file read into the staging table `stage_<name>` (every cell as text)."""

    spec: FileSpec
    file: str | None                       # the file name as delivered; None when absent
    present: frozenset[str] = frozenset()  # contract columns found in the header
    questions: tuple[tuple[str, str], ...] = ()  # survey: (staged column, header as given)
    rows: int = 0
    skipped: tuple[int, ...] = ()          # data rows the CSV reader could not read

    @property
    def table(self) -> str:
        """The staging table's name."""
        return f"stage_{self.spec.name}"

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
        if path.is_file() and path.suffix.lower() in SUFFIXES and name in FILES:
            found.setdefault(name, []).append(path)
        else:
            findings.append(file_finding(path.name, "is not a file of the data contract "
                                         f"(expected {', '.join(FILES)}, as .csv or .parquet)"))
    for name, paths in found.items():
        findings += [file_finding(path.name, f"delivers {name} a second time (also in "
                                  f"{paths[0].name}); give each table in one file only")
                     for path in paths[1:]]
    if not found and not findings:
        findings.append(file_finding(str(folder), "holds no contract files: nothing to load"))
    return {name: paths[0] for name, paths in found.items()}, findings


def stage_file(con: duckdb.DuckDBPyConnection, spec: FileSpec,
               path: Path | None) -> tuple[Staged, list[Finding]]:
    """Read one file into its staging table; an absent or unreadable file stages no rows."""
    if path is None:
        _stage_empty(con, spec)
        return Staged(spec, None), []
    header, cells, problems = _read_header(con, path)
    if header is None:
        _stage_empty(con, spec)
        return Staged(spec, path.name), [Finding((p,)) for p in problems]
    positions, questions, header_problems = match_header(spec, header, path.name)
    problems += header_problems
    select = [_cell_sql(spec, c.name, positions, cells) for c in spec.columns]
    select += [f"{trimmed(cells[i])} AS q{n}" for n, (i, _) in enumerate(questions)]
    try:
        _create_stage(con, spec.name, path, len(header), ", ".join(select))
    except duckdb.Error as err:
        _stage_empty(con, spec)
        problems.append(Problem(path.name, None, None, None, _unreadable(path, err)))
        return Staged(spec, path.name), [Finding((p,)) for p in problems]
    skipped, reader_findings = _reader_rejects(con, spec.name, path, header)
    rows = con.execute(f"SELECT count(*) FROM stage_{spec.name}").fetchone()[0]
    staged = Staged(spec, path.name, frozenset(positions),
                    tuple((f"q{n}", name) for n, (_, name) in enumerate(questions)),
                    rows, skipped)
    return staged, [Finding((p,)) for p in problems] + reader_findings


def match_header(spec: FileSpec, header: list[str],
                 file: str) -> tuple[dict[str, int], list[tuple[int, str]], list[Problem]]:
    """Map header positions to contract columns (and survey question columns); name problems."""
    contract = {c.name for c in spec.columns}
    positions: dict[str, int] = {}
    questions: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    problems = []
    for i, raw in enumerate(header):
        name = normalise_header(raw)
        if not name:
            problems.append(Problem(file, None, f"number {i + 1}", None,
                                    "has no name in the header"))
        elif name in seen:
            problems.append(Problem(file, None, raw.strip(), None, "appears twice in the header "
                                    f"(columns {seen[name] + 1} and {i + 1})"))
        elif name in contract:
            positions[name] = i
        elif spec.audience:
            questions.append((i, raw.strip()))
        else:
            problems.append(Problem(file, None, raw.strip(), None,
                                    f"is not a column of {spec.name} (its columns are "
                                    f"{', '.join(c.name for c in spec.columns)})"))
        seen.setdefault(name, i)
    for column in spec.columns:
        if column.required and column.name not in positions:
            problems.append(Problem(file, None, column.name, None,
                                    "is a required column but is missing from the header"))
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        problems.append(Problem(file, None, None, None, "looks separated by semicolons, tabs or "
                                "bars; only the comma separates columns"))
    return positions, questions, problems


def _read_header(con: duckdb.DuckDBPyConnection,
                 path: Path) -> tuple[list[str] | None, list[str], list[Problem]]:
    """The header's column names, SQL giving each column's cells as text, and problems."""
    if path.suffix.lower() == ".parquet":
        try:
            cursor = con.execute("SELECT * FROM read_parquet($path) LIMIT 0", {"path": str(path)})
        except duckdb.Error as err:
            return None, [], [Problem(path.name, None, None, None, _unreadable(path, err))]
        return ([d[0] for d in cursor.description],
                [_parquet_cell(i, str(d[1])) for i, d in enumerate(cursor.description)], [])
    header, problems = _csv_header(path)
    return header, [f"c{i}" for i in range(len(header or ()))], problems


def _parquet_cell(index: int, type_name: str) -> str:
    """A typed Parquet column as text; a timestamp at midnight (pandas' usual date) as a date."""
    cell = f"c{index}"
    if type_name.startswith("TIMESTAMP") and "TIME ZONE" not in type_name:
        return (f"CASE WHEN CAST({cell} AS TIME) = TIME '00:00:00' THEN "
                f"CAST(CAST({cell} AS DATE) AS VARCHAR) ELSE CAST({cell} AS VARCHAR) END")
    return f"CAST({cell} AS VARCHAR)"


def _csv_header(path: Path) -> tuple[list[str] | None, list[Problem]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), None)
    except UnicodeDecodeError:
        return None, [Problem(path.name, None, None, None,
                              "is not UTF-8 text; save the file as UTF-8 CSV")]
    except csv.Error as err:
        return None, [Problem(path.name, None, None, None, f"has a header that is not CSV: {err}")]
    if header is None:
        return None, [Problem(path.name, None, None, None,
                              "is empty; a file needs at least its header row")]
    return header, []


def _stage_empty(con: duckdb.DuckDBPyConnection, spec: FileSpec) -> None:
    columns = ", ".join(f"{c.name} VARCHAR" for c in spec.columns)
    con.execute(f"CREATE TEMP TABLE stage_{spec.name} ({columns})")


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


def _create_stage(con: duckdb.DuckDBPyConnection, name: str, path: Path, width: int,
                  select: str) -> None:
    """Read a file into stage_<name>. A CSV row longer than the usual limit makes it read the
    file again with room for huge cells (a large limit reads on one thread, so only then)."""
    names = ", ".join(f"c{i}" for i in range(width))
    if path.suffix.lower() == ".parquet":
        con.execute(f"CREATE TEMP TABLE stage_{name} AS SELECT {select} "
                    f"FROM read_parquet($path) AS t({names})", {"path": str(path)})
        return
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    for max_row in (USUAL_ROW_BYTES, MAX_ROW_BYTES):
        con.execute(f"CREATE OR REPLACE TEMP TABLE stage_{name} AS SELECT {select} "
                    f"FROM read_csv($path, {CSV_OPTIONS}, columns={{{columns}}}, "
                    f"max_line_size={max_row}, rejects_table='rejects_{name}', "
                    f"rejects_scan='rejects_scan_{name}')", {"path": str(path)})
        if not con.execute(f"SELECT EXISTS (FROM rejects_{name} "
                           "WHERE error_type = 'LINE SIZE OVER MAXIMUM')").fetchone()[0]:
            return
        if max_row < MAX_ROW_BYTES:
            con.execute(f"DROP TABLE rejects_{name}; DROP TABLE rejects_scan_{name}")


def _reader_rejects(con, name: str, path: Path,
                    header: list[str]) -> tuple[tuple[int, ...], list[Finding]]:
    """The rows the CSV reader could not read: their numbers and findings capped per error."""
    if path.suffix.lower() == ".parquet":
        return (), []
    if not con.execute(f"SELECT EXISTS (FROM rejects_{name})").fetchone()[0]:
        con.execute(f"DROP TABLE rejects_{name}; DROP TABLE rejects_scan_{name}")
        return (), []
    con.execute(f"CREATE TEMP TABLE reader_errors AS SELECT line - 1 AS row, "
                f"any_value(error_type::VARCHAR) AS error, "
                f"any_value(TRY_CAST(ltrim(column_name, 'c') AS INTEGER)) AS idx "
                f"FROM rejects_{name} GROUP BY line")
    con.execute(f"DROP TABLE rejects_{name}; DROP TABLE rejects_scan_{name}")
    skipped = tuple(r for (r,) in con.execute(
        "SELECT row FROM reader_errors ORDER BY row").fetchall())
    listed = con.execute(
        "SELECT row, error, idx, count(*) OVER (PARTITION BY error) AS n FROM reader_errors "
        "QUALIFY row_number() OVER (PARTITION BY error ORDER BY row) <= $cap "
        "ORDER BY error, row", {"cap": CAP}).fetchall()
    con.execute("DROP TABLE reader_errors")
    by_error: dict[str, list] = {}
    for row, error, index, total in listed:
        by_error.setdefault(error, []).append((row, index, total))
    findings = []
    for error, rows in by_error.items():
        problems = tuple(
            Problem(path.name, row, _header_name(header, index, error), None,
                    f"this row {READER_ERRORS.get(error, error.lower())}")
            for row, index, _ in rows)
        findings.append(Finding(problems, rows[0][2] - len(problems)))
    return skipped, findings


def _header_name(header: list[str], index: int | None, error: str) -> str | None:
    if error == "TOO MANY COLUMNS" or index is None or index >= len(header):
        return None
    return header[index].strip()


def _unreadable(path: Path, err: duckdb.Error) -> str:
    kind = "Parquet" if path.suffix.lower() == ".parquet" else "comma-separated UTF-8 CSV"
    detail = str(err).split("\n")[0].split(": ", 1)[-1]
    return f"could not be read as {kind}: {detail}"
