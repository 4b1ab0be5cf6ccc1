"""The command line's filter options: service line and site resolve like departments do."""

import csv
import io
import subprocess
import sys

import pytest
from kpi_db import build_tiny_db


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_tiny_db(tmp_path_factory.mktemp("cli") / "tiny.duckdb")


def kpi(db, *args):
    return subprocess.run([sys.executable, "-m", "kpi", "--db", str(db), *args],
                          capture_output=True, text=True)


def body(csv_text):
    """The CSV without the generated_at column (the only column that differs run to run)."""
    rows = list(csv.reader(io.StringIO(csv_text)))
    stamp = rows[0].index("generated_at")
    return [row[:stamp] + row[stamp + 1:] for row in rows]


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
    assert body(by_option.stdout) == body(by_department.stdout)
    rows = csv.DictReader(io.StringIO(by_option.stdout))
    assert {row["department_id"] for row in rows} == set(departments)


@pytest.mark.parametrize("command", [["export"], ["spc", "--kpi", "visits"]])
@pytest.mark.parametrize("options, message", [
    (["--site", "Nowhere"], "unknown site 'Nowhere'"),
    (["--service-line", "Dentistry"], "Dentistry"),
    (["--start", "2024-03-01", "--end", "2024-02-01"], "after the end date"),
])
def test_unknown_filter_values_are_usage_errors(tiny, command, options, message):
    done = kpi(tiny, *command, "--out", "-", *options)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_spc_accepts_the_filter_options(tiny):
    done = kpi(tiny, "spc", "--kpi", "visits", "--site", "North", "--out", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("kpi_id,month,value,n,centre")
