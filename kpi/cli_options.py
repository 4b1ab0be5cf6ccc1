"""The command line's shared options: the filter options, the read-only database read, --out."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TextIO


def iso_date(text: str) -> date:
    """A date option read as the URL reads one: a real date written exactly YYYY-MM-DD."""
    from kpi.filters import parse_iso_date

    try:
        return parse_iso_date(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filter options of a command: --department, --service-line, --site (repeatable),
    --start and --end."""
    parser.add_argument("--department", action="append", default=[], metavar="ID")
    parser.add_argument("--service-line", action="append", default=[], metavar="NAME")
    parser.add_argument("--site", action="append", default=[], metavar="NAME")
    parser.add_argument("--start", type=iso_date)
    parser.add_argument("--end", type=iso_date)


def filter_from(args: argparse.Namespace):
    """The Filter the command's filter options describe."""
    from kpi.filters import Filter

    return Filter(departments=tuple(args.department), service_lines=tuple(args.service_line),
                  sites=tuple(args.site), start=args.start, end=args.end)


def note_clamped_window(con, flt) -> None:
    """Say on stderr where the data's extent cuts the filter's window (the engine cuts it)."""
    from kpi.engine import default_window

    for note in flt.clamped(*default_window(con))[1]:
        print(f"note: {note}", file=sys.stderr)


def write_from_db(args: argparse.Namespace, db_path: Path, make_text) -> None:
    """Write make_text(connection, filter) to --out, read from the database (read-only) with a
    note on stderr where the data's extent cuts the window."""
    from kpi.store.connect import open_readonly

    flt = filter_from(args)
    con = open_readonly(db_path)
    try:
        note_clamped_window(con, flt)
        text = make_text(con, flt)
    finally:
        con.close()
    with output_stream(args.out) as out:
        out.write(text)


@contextlib.contextmanager
def output_stream(out: str) -> Iterator[TextIO]:
    """The --out file (UTF-8, newlines as written), or stdout for '-'."""
    if out == "-":
        yield sys.stdout
    else:
        with open(out, "w", encoding="utf-8", newline="") as stream:
            yield stream
