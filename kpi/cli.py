"""The command line: parse arguments, call the library, turn expected failures into exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpi.cli_options import (
    add_filter_options,
    filter_from,
    iso_date,
    note_clamped_window,
    output_stream,
    write_from_db,
)
from kpi.errors import PxError, RejectedInput, UsageError
from kpi.store.connect import damaged_database, resolve_db_path


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    db_option = argparse.ArgumentParser(add_help=False)
    db_option.add_argument("--db", default=argparse.SUPPRESS,
                           help="database file (default: $PX_DB, else data/px.duckdb)")
    parser = argparse.ArgumentParser(prog="python -m kpi", parents=[db_option],
                                     description="Patient-experience KPI dashboard tools.")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", parents=[db_option], help="load a delivery folder")
    ingest.add_argument("folder", type=Path)
    said = ingest.add_mutually_exclusive_group()
    said.add_argument("--quiet", action="store_true",
                      help="print nothing on success (errors still go to stderr)")
    said.add_argument("--json", action="store_true",
                      help="print the load's summary as JSON on stdout")
    ingest.add_argument("--progress", action="store_true",
                        help="progress on stderr even when it is not a terminal (a log)")

    demo = sub.add_parser("demo", parents=[db_option], help="build the demo hospital")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--scale", type=float, default=1.0)
    demo.add_argument("--csv", type=Path, metavar="FOLDER",
                      help="write the demo as a contract delivery instead of a database")

    export = sub.add_parser("export", parents=[db_option], help="write a KPI snapshot CSV")
    export.add_argument("--out", required=True, help="file to write, or - for stdout")
    export.add_argument("--kpi", action="append", default=[], metavar="ID")
    add_filter_options(export)
    export.add_argument("--by", action="append", default=[], choices=["department", "month"])
    export.add_argument("--excel", action="store_true",
                        help="start the file with the UTF-8 byte order mark, so that Excel "
                             "reads its accents and symbols right (default: plain UTF-8)")

    sub.add_parser("list", parents=[db_option], help="list the KPIs and their definitions")
    sub.add_parser("refresh", parents=[db_option],
                   help="rebuild the derived tables (after upgrading the dashboard)")

    spc = sub.add_parser("spc", parents=[db_option], help="control chart of one KPI by month")
    spc.add_argument("--kpi", required=True, metavar="ID")
    spc.add_argument("--out", required=True, help="file to write, or - for stdout")
    add_filter_options(spc)
    spc.add_argument("--rebase", action="append", default=[], type=iso_date, metavar="DATE",
                     help="start new limits at this date (a known change); repeatable")

    benchmark = sub.add_parser("benchmark", parents=[db_option],
                               help="national standing of the HCAHPS-coded questions (CSV)")
    benchmark.add_argument("--out", required=True, help="file to write, or - for stdout")
    add_filter_options(benchmark)
    report = sub.add_parser("report", parents=[db_option],
                            help="the board pack: one self-contained HTML file")
    report.add_argument("--out", required=True, help="FILE.html to write, or - for stdout")
    add_filter_options(report)

    comments = sub.add_parser("comments", help="free-text comments").add_subparsers(
        dest="comments_command", required=True)
    classify = comments.add_parser("classify", help="themes and sentiment of a comments CSV")
    classify.add_argument("--in", dest="in_file", required=True, type=Path, metavar="FILE")
    classify.add_argument("--out", required=True, help="file to write, or - for stdout")
    classify.add_argument("--rating-scale", metavar="SCALE", help="scale of the rating column")
    classify.add_argument("--no-mask", dest="mask", action="store_false",
                          help="keep personal details in the comment column (masked by default)")
    return parser


def run_ingest(args: argparse.Namespace, db_path: Path) -> None:
    """`ingest FOLDER`: check and load a delivery; its summary in words, as JSON or not at all;
    progress on stderr when that is a terminal (or with --progress)."""
    from kpi.ingest.delivery import load_folder
    from kpi.ingest.summary import rejection_json, summary_json, summary_text

    shown = not args.quiet and (args.progress or sys.stderr.isatty())
    try:
        summary = load_folder(args.folder, db_path, progress=_progress if shown else _silent)
    except RejectedInput as err:
        if args.json:
            print(rejection_json(args.folder, db_path, err))
        raise
    if args.json:
        print(summary_json(summary))
    elif not args.quiet:
        print(summary_text(summary))


def _silent(message: str) -> None:
    """Progress into nothing (stderr is a log, or --quiet)."""


def run_demo(args: argparse.Namespace, db_path: Path) -> None:
    """`demo`: build the demo database, or write it as a delivery with --csv."""
    from kpi.demo.build import build_demo, write_delivery

    if args.scale <= 0:
        raise UsageError("--scale must be greater than 0")
    if args.csv is not None:
        written = write_delivery(args.csv, seed=args.seed, scale=args.scale, progress=_progress)
        print(f"wrote the demo delivery to {args.csv}")
    else:
        written = build_demo(db_path, seed=args.seed, scale=args.scale, progress=_progress)
        print(f"built the demo database {db_path}")
    for table, rows in written.items():
        print(f"{table}: {rows:,} rows")


def run_export(args: argparse.Namespace, db_path: Path) -> None:
    """`export`: the snapshot CSV of the chosen KPIs for the filter."""
    from kpi.export import write_snapshot
    from kpi.store.connect import open_readonly

    flt = filter_from(args)
    con = open_readonly(db_path)
    try:
        note_clamped_window(con, flt)
        with output_stream(args.out) as out:
            write_snapshot(out, con, args.kpi, flt, args.by, excel=args.excel)
    finally:
        con.close()


def run_list(args: argparse.Namespace, db_path: Path) -> None:
    """`list`: every KPI (of the database when there is one) with its definition."""
    from kpi.catalog.kpis import render_list
    from kpi.store.connect import open_readonly

    con = open_readonly(db_path) if db_path.exists() else None
    try:
        print(render_list(con))
    finally:
        if con is not None:
            con.close()


def run_refresh(args: argparse.Namespace, db_path: Path) -> None:
    """`refresh`: rebuild the derived tables of an existing database."""
    from kpi.store.swap import refresh_derived

    refresh_derived(db_path, progress=_progress)
    print(f"rebuilt the derived tables of {db_path}")


def run_spc(args: argparse.Namespace, db_path: Path) -> None:
    """`spc --kpi ID`: one KPI's monthly control chart as CSV."""
    from kpi.settings import read_settings_file
    from kpi.spc.series import spc_csv, spc_for_kpi

    settings = read_settings_file()
    write_from_db(args, db_path, lambda con, flt: spc_csv(
        spc_for_kpi(con, args.kpi, flt, settings, args.rebase)))


def run_benchmark(args: argparse.Namespace, db_path: Path) -> None:
    """`benchmark`: the filter's HCAHPS measures against the national (and state) benchmark."""
    from kpi.engine.hcahps import benchmark_rows
    from kpi.hcahps.standing import benchmark_csv
    from kpi.settings import read_settings_file

    state = read_settings_file().benchmark_state
    write_from_db(args, db_path, lambda con, flt: benchmark_csv(benchmark_rows(con, flt, state)))


def run_report(args: argparse.Namespace, db_path: Path) -> None:
    """`report`: the board pack of the filter, one self-contained HTML file."""
    from kpi.report.build import board_pack
    from kpi.settings import read_settings_file

    settings = read_settings_file()
    write_from_db(args, db_path, lambda con, flt: board_pack(con, flt, settings, comments=flt))


def run_comments(args: argparse.Namespace, db_path: Path) -> None:
    """`comments classify`: themes, sentiment and masking of a CSV of comments (no database)."""
    from kpi.comments.classify import Classifier
    from kpi.comments.commentfile import classified_csv, read_comment_file
    from kpi.comments.custom import comment_themes
    from kpi.comments.rating import rating_scale

    scale = None if args.rating_scale is None else rating_scale(args.rating_scale)
    text = classified_csv(read_comment_file(args.in_file), Classifier(comment_themes()), scale,
                          args.mask)
    with output_stream(args.out) as out:
        out.write(text)


COMMANDS = {"ingest": run_ingest, "demo": run_demo, "export": run_export, "list": run_list,
            "refresh": run_refresh, "spc": run_spc, "benchmark": run_benchmark,
            "report": run_report,
            "comments": run_comments}


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (0 ok, 1 rejected or failed, 2 wrong usage)."""
    args = build_parser().parse_args(argv)
    db_path = resolve_db_path(getattr(args, "db", None))
    try:
        COMMANDS[args.command](args, db_path)
    except PxError as err:
        return _failed(err)
    except BrokenPipeError:
        return 0
    except Exception as err:
        damaged = damaged_database(db_path, err)  # found while reading, past the open
        if damaged is None:
            raise
        return _failed(damaged)
    return 0


def _failed(err: PxError) -> int:
    print(f"error: {err}", file=sys.stderr)
    return err.exit_code
