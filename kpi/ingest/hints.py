"""Common causes of a rejected delivery, recognised and named in plain words: a file saved
semicolon-separated, a renamed header, dates written the local way."""

from __future__ import annotations

import difflib
import re

import duckdb

from kpi.ingest.contract import FileSpec, normalise_header
from kpi.ingest.report import Hint

SEMICOLONS = ("the file looks semicolon-separated; the contract needs commas: save it as "
              "\"CSV UTF-8 (comma delimited)\"")
RENAMED = "the header looks renamed: did you mean {column}? (the file has {given!r})"
DATES = "dates look like {shape}; the contract needs YYYY-MM-DD"
TIMES = "dates carry a time of day; the contract needs the date alone, YYYY-MM-DD"
CLOSE_ENOUGH = 0.75  # difflib's ratio: visit_dt for visit_date, not site for visit_id
DAY_MONTH_YEAR = "[0-9]{1,2}SEP[0-9]{1,2}SEP[0-9]{4}"
SEPARATORS = ("/", ".", "-")


def semicolon_hint(file: str, header: list[str]) -> Hint | None:
    """The file's header line holds ';' and no ',' (read as one column)."""
    if len(header) == 1 and ";" in header[0]:
        return Hint(0, file, SEMICOLONS)
    return None


def renamed_hints(spec: FileSpec, header: list[str], file: str) -> dict[str, Hint]:
    """For each required column missing from a header, the header cell that is probably it
    renamed (Visit Date, visit_dt for visit_date), when one is close enough."""
    contract = {c.name for c in spec.columns}
    given = {_comparable(raw): raw.strip() for raw in header
             if normalise_header(raw) not in contract and raw.strip()}
    hints = {}
    for column in spec.columns:
        if not column.required or column.name in {normalise_header(h) for h in header}:
            continue
        close = difflib.get_close_matches(column.name, list(given), n=1, cutoff=CLOSE_ENOUGH)
        if close:
            hints[column.name] = Hint(1, f"{file}, column {given[close[0]]}",
                                      RENAMED.format(column=column.name, given=given[close[0]]))
    return hints


def _comparable(raw: str) -> str:
    """A header cell as a contract name would be written: lower case, words joined by _."""
    return re.sub(r"[\s-]+", "_", raw.strip().lower())


def date_hint(con: duckdb.DuckDBPyConnection, table: str, column: str, condition: str,
              where: str) -> Hint | None:
    """The local way most of a column's rejected dates are written (DD/MM/YYYY, MM/DD/YYYY,
    DD.MM.YYYY, ...), from every rejected cell of the column, or None."""
    shapes = ", ".join(f"sum(CASE WHEN regexp_full_match({column}, "
                       f"'{DAY_MONTH_YEAR.replace('SEP', re.escape(sep))}') THEN 1 ELSE 0 END)"
                       for sep in SEPARATORS)
    parts = ", ".join(
        f"coalesce(max(TRY_CAST(regexp_extract({column}, "
        f"'^([0-9]{{1,2}})[-/.]([0-9]{{1,2}})[-/.][0-9]{{4}}$', {group}) AS INTEGER)), 0)"
        for group in (1, 2))
    timed = (f"sum(CASE WHEN regexp_full_match({column}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}"
             f"[ T][0-9:.]+') THEN 1 ELSE 0 END)")
    total, *counts, first, second, times = con.execute(
        f"SELECT count(*), {shapes}, {parts}, {timed} FROM {table} WHERE {condition}"
    ).fetchone()
    text = date_shape_text(total, dict(zip(SEPARATORS, counts)), first, second, times)
    return None if text is None else Hint(2, where, text)


def date_shape_text(total: int, by_separator: dict[str, int], first: int, second: int,
                    times: int) -> str | None:
    """The hint for rejected dates: the separator most of them use, and which part is the
    day (above 12 in the first part: DD first; in the second: MM first; else either)."""
    for sep, count in by_separator.items():
        if count and count * 2 >= total:
            day_first, month_first = f"DD{sep}MM{sep}YYYY", f"MM{sep}DD{sep}YYYY"
            if first > 12 >= second:
                return DATES.format(shape=day_first)
            if second > 12 >= first:
                return DATES.format(shape=month_first)
            return DATES.format(shape=f"{day_first} or {month_first}")
    if times and times * 2 >= total:
        return TIMES
    return None
