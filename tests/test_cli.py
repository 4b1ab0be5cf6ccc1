"""The command line's filter options: service line and site resolve like departments do."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.cli import main as cli_main
from tests.support.damaged_db import KINDS, damage, damaged_inside
from tests.support.ingest_helpers import delivery
from tests.support.kpi_db import build_tiny_db


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_db(tmp_path_factory.mktemp("cli") / "tiny.duckdb")


def kpi(db, *args):
    return subprocess.run([sys.executable, "-m", "kpi", "--db", str(db), *args],
                          capture_output=True, text=True)


def body(csv_text):
    """The CSV without the generated_at column (the only column that differs run to run)."""
    rows = list(csv.reader(io.StringIO(csv_text)))
    if "generated_at" not in rows[0]:
        return rows  # the spc CSV has no timestamp
    stamp = rows[0].index("generated_at")
    return [row[:stamp] + row[stamp + 1:] for row in rows]


def _without_filter_and_stamp(csv_text):
    """The snapshot's rows without the columns that name how it was asked for, or when."""
    return [{k: v for k, v in row.items() if not k.startswith(("filter_", "generated_at"))}
            for row in csv.DictReader(io.StringIO(csv_text))]


@pytest.mark.slow
@pytest.mark.parametrize("options, departments", [
    (["--service-line", "Emergency"], ["D3"]),
    (["--site", "North"], ["D1", "D2"]),
    (["--site", "North", "--service-line", "Outpatient"], ["D2"]),
])
def test_service_line_and_site_export_the_same_rows_as_their_departments(tiny, options,
                                                                          departments):
    by_option = kpi(tiny, "export", "--out", "-", "--by", "department", *options)
    by_department = kpi(tiny, "export", "--out", "-", "--by", "department",
                        *[arg for d in departments for arg in ("--department", d)])
    assert by_option.returncode == 0, by_option.stderr
    numbers = _without_filter_and_stamp(by_option.stdout)
    assert numbers == _without_filter_and_stamp(by_department.stdout)
    assert {row["department_id"] for row in numbers} == set(departments)


@pytest.mark.parametrize("command", [["export"], ["spc", "--kpi", "visits"]])
@pytest.mark.slow
@pytest.mark.parametrize("options, message", [
    (["--site", "Nowhere"], "unknown site 'Nowhere'"),
    (["--service-line", "Dentistry"], "Dentistry"),
    (["--start", "2024-03-01", "--end", "2024-02-01"], "after the end date"),
    (["--start", "20240301"], "not a date in YYYY-MM-DD form: '20240301'"),  # as in the URL
    (["--end", "2024-W09-5"], "not a date in YYYY-MM-DD form: '2024-W09-5'"),
])
def test_unknown_filter_values_are_usage_errors(tiny, command, options, message):
    done = kpi(tiny, *command, "--out", "-", *options)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_spc_accepts_the_filter_options(tiny):
    done = kpi(tiny, "spc", "--kpi", "visits", "--site", "North", "--out", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("kpi_id,month,value,n,centre")


def _contents(path):
    """The bytes of a file, or of every file in a folder."""
    files = [path] if path.is_file() else sorted(path.rglob("*"))
    return [(p.name, p.read_bytes()) for p in files]


@pytest.mark.parametrize("command", [
    ["export", "--out", "-"], ["spc", "--kpi", "visits", "--out", "-"], ["list"], ["refresh"],
    ["demo", "--scale", "0.01"], ["ingest", "DELIVERY"]], ids=lambda command: command[0])
@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_database_is_named_with_how_to_rebuild_it(tiny, kind, command, tmp_path,
                                                            capsys):
    db = damage(kind, tiny, tmp_path / "px.duckdb")
    before = _contents(db)
    folder = delivery(tmp_path / "delivery")
    argv = [str(folder) if arg == "DELIVERY" else arg for arg in command]
    assert cli_main(["--db", str(db), *argv]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {db} is not a readable database (")
    assert "python -m kpi --db NEW_PATH demo" in lines[0] and "restore a backup" in lines[0]
    assert _contents(db) == before and not Path(f"{db}.tmp").exists()


def test_a_damaged_block_found_while_reading_is_named_with_how_to_rebuild_it(tiny, tmp_path,
                                                                             capsys):
    db = damaged_inside(tiny, tmp_path / "px.duckdb")
    assert cli_main(["--db", str(db), "list"]) == 0  # it opens: the damage is further in
    capsys.readouterr()
    assert cli_main(["--db", str(db), "export", "--out", str(tmp_path / "out.csv")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {db} is not a readable database (a part of it fails DuckDB's checksum): "
        "build a new one with `python -m kpi --db NEW_PATH demo` or `python -m kpi --db "
        "NEW_PATH ingest FOLDER`, or restore a backup of this file"]


BEFORE = "note: Dates before the first data (2023-01-10) are not shown."
AFTER = "note: Dates after the last data (2024-04-01) are not shown."


# (window options, the same view written with the tiny database's extent, notes on stderr)
@pytest.mark.parametrize("command", [["export", "--by", "month"], ["spc", "--kpi", "visits"]],
                         ids=lambda command: command[0])
@pytest.mark.parametrize("window, clamped, notes", [
    (["--end", "9999-12-31"], ["--end", "2024-04-01"], [AFTER]),
    (["--start", "0001-01-01"], ["--start", "2023-01-10"], [BEFORE]),
    (["--start", "0001-01-01", "--end", "9999-12-31"], [], [BEFORE, AFTER]),
    (["--start", "2024-03-01", "--end", "2024-12-31"], ["--start", "2024-03-01"], [AFTER]),
    (["--start", "2023-02-01", "--end", "2023-03-31"], ["--start", "2023-02-01", "--end",
                                                        "2023-03-31"], []),
], ids=["end-9999", "start-0001", "both", "end-after", "inside"])
def test_a_window_beyond_the_data_is_cut_to_it_with_a_note(tiny, command, window, clamped,
                                                           notes):
    done = kpi(tiny, *command, "--out", "-", *window)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == notes
    same = kpi(tiny, *command, "--out", "-", *clamped)
    assert body(done.stdout) == body(same.stdout)
    months = [row["month"] for row in csv.DictReader(io.StringIO(done.stdout))]
    assert months and min(months) >= "2023-01" and max(months) <= "2024-04"


@pytest.mark.parametrize("command", [["export"], ["spc", "--kpi", "visits"]])
@pytest.mark.parametrize("options, message", [
    (["--start", "2030-01-01"],
     "no data in the window from 2030-01-01: the data run from 2023-01-10 to 2024-04-01"),
    (["--start", "0001-01-01", "--end", "2000-12-31"],
     "no data in the window 0001-01-01 to 2000-12-31"),
    (["--department", "\tD1"], "unknown department '\\tD1'"),  # ids are exact: no tab trimmed
], ids=["after-the-data", "before-the-data", "tab-id"])
def test_a_window_without_data_or_an_inexact_id_is_a_plain_usage_error(tiny, command, options,
                                                                       message):
    done = kpi(tiny, *command, "--out", "-", *options)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
