"""The two file formats of a delivery: read a header, stage the rows, explain reader errors."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from kpi.errors import Problem
from kpi.ingest.report import CAP, Finding

USUAL_ROW_BYTES = 2_000_000  # rows up to this size are read in parallel
# Read buffer of a direct load: with large batches its ordered insert writes each row group
# once (small ones make it merge them, leaving a fifth of the file as free blocks).
DIRECT_BUFFER_BYTES = 128 * 2**20
MAX_ROW_BYTES = 512 * 1024 * 1024  # a free-text cell of many MB must fit in one row
# No sniffing: comma, RFC 4180 quotes, a header row, every cell read as text. An empty cell and
# a quoted empty cell ("") both read as NULL, that is missing. When staging, rows the reader
# cannot read are kept in a rejects table so that every such row is reported, not only the
# first; a strict read (a direct load) stops at the first such row instead.
CSV_OPTIONS = "auto_detect=false, header=true, delim=',', quote='\"', escape='\"'"

# What the CSV reader's own errors mean, in plain words.
READER_ERRORS = {
    "TOO MANY COLUMNS": "has more fields than the header; a value holding a comma must be "
                        "in double quotes",
    "MISSING COLUMNS": "has fewer fields than the header",
    "UNQUOTED VALUE": "has a double quote that is not closed, or text after a closing quote",
    "INVALID ENCODING": "is not UTF-8 text; save the file as UTF-8 CSV",
    "INVALID UNICODE": "is not UTF-8 text; save the file as UTF-8 CSV",
    "LINE SIZE OVER MAXIMUM": "is longer than {limit:,} bytes, the most a row may "
                              "hold (free text included); or it opens a double quote that is "
                              "never closed",
}
# The reader's errors for a row too long for the usual limit: a quoted field longer than the
# reader's buffer (16 times the limit) is reported as an unclosed quote, so both are read
# again with room for huge cells, and only that second read's error is reported.
MAYBE_LONG = "('LINE SIZE OVER MAXIMUM', 'UNQUOTED VALUE')"


def read_header(con: duckdb.DuckDBPyConnection,
                path: Path) -> tuple[list[str] | None, list[str], list[Problem]]:
    """The header's column names, SQL giving each column's cells as text, and problems."""
    if path.suffix.lower() == ".parquet":
        try:
            cursor = con.execute("SELECT * FROM read_parquet($path) LIMIT 0", {"path": str(path)})
        except duckdb.Error as err:
            return None, [], [Problem(path.name, None, None, None, unreadable(path, err))]
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


def reader_sql(path: Path, width: int, rejects_of: str | None = None,
               max_row: int = USUAL_ROW_BYTES) -> str:
    """The table function reading a file's rows as cells c0, c1, ... (binds $path). A CSV
    read keeps unreadable rows in rejects_<rejects_of>, or else stops at one, reading in the
    large buffers of a direct load."""
    if path.suffix.lower() == ".parquet":
        return f"read_parquet($path) AS t({', '.join(f'c{i}' for i in range(width))})"
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    rejects = (f", store_rejects=true, rejects_table='rejects_{rejects_of}', "
               f"rejects_scan='rejects_scan_{rejects_of}'" if rejects_of
               else f", buffer_size={DIRECT_BUFFER_BYTES}")
    return (f"read_csv($path, {CSV_OPTIONS}, columns={{{columns}}}, "
            f"max_line_size={max_row}{rejects})")


def create_stage(con: duckdb.DuckDBPyConnection, name: str, path: Path, width: int,
                 select: str, outer: str = "*", params: dict | None = None) -> None:
    """Read a file into stage_<name>: `select` over the cells c0, c1, ..., then `outer` over
    that (with `params`). A CSV row longer than the usual limit (or a quote seemingly not
    closed) makes it read the file again with room for huge cells (a large limit reads on one
    thread, so only then)."""
    params = {"path": str(path), **(params or {})}
    if path.suffix.lower() == ".parquet":
        con.execute(f"CREATE OR REPLACE TEMP TABLE stage_{name} AS SELECT {outer} FROM ("
                    f"SELECT {select} FROM {reader_sql(path, width)})", params)
        return
    for max_row in (USUAL_ROW_BYTES, MAX_ROW_BYTES):
        con.execute(f"CREATE OR REPLACE TEMP TABLE stage_{name} AS SELECT {outer} FROM ("
                    f"SELECT {select} FROM {reader_sql(path, width, name, max_row)})", params)
        if not con.execute(f"SELECT EXISTS (FROM rejects_{name} WHERE error_type IN "
                           f"{MAYBE_LONG})").fetchone()[0]:
            return
        if max_row < MAX_ROW_BYTES:
            con.execute(f"DROP TABLE rejects_{name}; DROP TABLE rejects_scan_{name}")


def reader_rejects(con: duckdb.DuckDBPyConnection, name: str, path: Path,
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
                    "this row " + READER_ERRORS.get(error, error.lower()).format(
                        limit=MAX_ROW_BYTES))
            for row, index, _ in rows)
        findings.append(Finding(problems, rows[0][2] - len(problems)))
    return skipped, findings


def _header_name(header: list[str], index: int | None, error: str) -> str | None:
    if error == "TOO MANY COLUMNS" or index is None or index >= len(header):
        return None
    return header[index].strip()


def unreadable(path: Path, err: duckdb.Error) -> str:
    """Why a file could not be read at all, in plain words with the reader's first line."""
    kind = "Parquet" if path.suffix.lower() == ".parquet" else "comma-separated UTF-8 CSV"
    detail = str(err).split("\n")[0].split(": ", 1)[-1]
    return f"could not be read as {kind}: {detail}"
