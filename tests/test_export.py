"""The snapshot CSV: the contract's columns, numbers as numbers, formula-safe text, the CLI."""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from kpi.catalog.kpis import available_kpis, domain_kpi
from kpi.csv_cells import number_cell, text_cell
from kpi.engine import compute
from kpi.export import SNAPSHOT_COLUMNS, display_cells, snapshot_csv, write_snapshot
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from tests.support.kpi_db import build_tiny_db

STAMP = "2026-01-02T03:04:05+00:00"
D1_JAN = Filter(departments=("D1",), start="2024-01-01", end="2024-01-31")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")


@pytest.fixture(scope="module")
def con(db):
    connection = open_readonly(db)
    yield connection
    connection.close()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("value, cell", [
    (12, "12"), (12.0, "12"), (-37.8, "-37.8"), (1 / 3, "0.3333333333333333"), (-0.0, "0"),
    (1e-05, "1e-05"), (math.nan, ""), (None, ""), (pd.NA, ""),
])
def test_numbers_are_written_as_numbers_at_full_precision(value, cell):
    assert number_cell(value) == cell


@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM", "'@SUM"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Ward 7", "Ward 7"), ("a=b", "a=b"), (True, "true"),
    (False, "false"), (date(2024, 2, 29), "2024-02-29"), (None, ""),
])
def test_text_cells_are_guarded_against_spreadsheet_formulas(value, cell):
    assert text_cell(value) == cell


def test_a_snapshot_row_is_written_exactly(con):
    text = snapshot_csv(compute(con, ["nps", "staff_wellbeing"], Filter(
        departments=("D1",), start="2024-01-01", end="2024-02-29")), generated_at=STAMP)
    header, nps, wellbeing = text.splitlines()
    assert header == ",".join(SNAPSHOT_COLUMNS)
    assert nps.startswith("nps,Net Promoter Score,nps,higher,,,2024-01-01,2024-02-29,60,,,100,")
    assert nps.endswith(f",false,2024-03-11,{STAMP},,,,false,'+60.0,score (-100 to 100)")
    low, high = (float(x) for x in nps.split(",")[12:14])
    assert low == pytest.approx(46.99906962) and high == pytest.approx(73.00093038)
    assert wellbeing == ("staff_wellbeing,Staff wellbeing,%,higher,,,2024-01-01,2024-02-29,"
                         f",,,,,,true,2024-03-05,{STAMP},,,,false,fewer than 11 responses,percent")


# The contract's documented columns, in its order (cli-and-export.md); additions come after.
DOCUMENTED = ["kpi_id", "kpi_label", "unit", "direction", "department_id", "month", "start", "end",
              "value", "numerator", "denominator", "n", "ci_low", "ci_high", "suppressed",
              "data_as_of", "generated_at", "filter_departments", "filter_service_lines",
              "filter_sites", "provisional"]


def test_the_documented_columns_keep_their_order_and_the_display_columns_come_last():
    assert SNAPSHOT_COLUMNS == [*DOCUMENTED, "value_display", "unit_label"]


@pytest.mark.parametrize("value, unit, suppressed, display, words", [
    (82.14, "%", False, "82.1 %", "percent"),
    (3.41666, "per_1000", False, "3.42 per 1,000 visits", "per 1,000 visits"),
    (12.0, "minutes", False, "12 min", "minutes"),
    (7.25, "days", False, "7.2 days", "days"),
    (1234, "count", False, "1,234", "count"),
    (71.26, "score", False, "71.3 / 100", "score (0-100)"),
    (-12.5, "nps", False, "-12.5", "score (-100 to 100)"),
    (math.nan, "%", True, "fewer than 11 responses", "percent"),
    (math.nan, "per_1000", False, "no data", "per 1,000 visits"),
])
def test_value_display_rounds_as_the_dashboard_and_unit_label_spells_the_unit(
        value, unit, suppressed, display, words):
    cells = display_cells(pd.DataFrame({"suppressed": [suppressed], "value": [value],
                                        "unit": [unit]}))
    assert cells == {"value_display": [display], "unit_label": [words]}


def test_the_value_stays_unrounded_beside_its_display(con):
    row = _rows(snapshot_csv(compute(con, ["complaints_per_1000_visits"], Filter(
        departments=("D1",), start="2024-01-01", end="2024-03-31")), generated_at=STAMP))[0]
    assert float(row["value"]) == pytest.approx(4000 / 3) and row["value"] == repr(4000 / 3)
    assert (row["value_display"], row["unit_label"]) == ("1,333.33 per 1,000 visits",
                                                         "per 1,000 visits")


def test_every_kpi_label_reads_as_words(con):
    labels = {r["kpi_id"]: r["kpi_label"] for r in _rows(snapshot_csv(compute(con, None, Filter()),
                                                                      generated_at=STAMP))}
    assert labels["domain_top_box[communication]"] == "Communication top-box %"
    assert not [label for label in labels.values() if set(label) & set("[]_")]
    assert domain_kpi("wait_time").label == "Wait time top-box %"
    assert domain_kpi("fft").label == "Friends and Family Test top-box %"


def test_a_formula_like_department_is_prefixed_but_a_negative_number_is_not(con):
    frame = compute(con, ["enps"], Filter(), ["department"])
    frame.loc[0, "department_id"] = "=1+1"
    frame.loc[0, "value"] = -37.8
    row = _rows(snapshot_csv(frame, generated_at=STAMP))[0]
    assert (row["department_id"], row["value"]) == ("'=1+1", "-37.8")


def test_the_writer_and_the_download_are_byte_identical(con):
    out = io.StringIO()
    write_snapshot(out, con, ["visits", "nps"], D1_JAN, ["month"], generated_at=STAMP)
    assert out.getvalue() == snapshot_csv(compute(con, ["visits", "nps"], D1_JAN, ["month"]),
                                          generated_at=STAMP, flt=D1_JAN)


def test_no_kpi_ids_export_every_kpi_with_a_timestamp(con):
    out = io.StringIO()
    write_snapshot(out, con, [], Filter(), [])
    rows = _rows(out.getvalue())
    assert [r["kpi_id"] for r in rows] == sorted(k.id for k in available_kpis(con))
    assert {r["suppressed"] for r in rows} <= {"true", "false"}
    stamp = rows[0]["generated_at"]
    assert len(stamp) == 25 and stamp[10] == "T"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpi", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_export_by_department_and_month(db):
    done = _cli("--db", str(db), "export", "--out", "-", "--kpi", "complaint_count",
                "--start", "2024-02-01", "--end", "2024-03-31", "--by", "department",
                "--by", "month")
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout)
    assert [(r["department_id"], r["month"], r["value"]) for r in rows] == [
        ("D1", "2024-02", "1"), ("D1", "2024-03", "3"), ("D2", "2024-02", "0"),
        ("D2", "2024-03", "0"), ("D3", "2024-02", "1"), ("D3", "2024-03", "0")]


@pytest.mark.parametrize("options, cells", [
    ([], ("", "", "")),
    (["--department", "D1", "--department", "D2"], ("D1;D2", "", "")),
    (["--site", "North", "--service-line", "Outpatient"], ("", "Outpatient", "North")),
])
def test_every_snapshot_row_names_the_filter_that_made_it(db, options, cells):
    done = _cli("--db", str(db), "export", "--out", "-", "--kpi", "visits", "--by", "department",
                *options)
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout)
    assert list(rows[0])[-7:-2] == ["generated_at", "filter_departments", "filter_service_lines",
                                  "filter_sites", "provisional"]
    assert {(r["filter_departments"], r["filter_service_lines"], r["filter_sites"])
            for r in rows} == {cells}


@pytest.mark.parametrize("excel", [False, True])
def test_cli_export_is_plain_utf8_unless_excel_asks_for_the_byte_order_mark(db, tmp_path, excel):
    out = tmp_path / "snapshot.csv"
    done = _cli("--db", str(db), "export", "--out", str(out), "--kpi", "visits",
                *(["--excel"] if excel else []))
    assert done.returncode == 0, done.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfkpi_id," if excel else b"kpi_id,")
    assert raw.decode("utf-8-sig").splitlines()[0] == ",".join(SNAPSHOT_COLUMNS)


@pytest.mark.parametrize("args, code, message", [
    (["export", "--out", "-", "--kpi", "bogus"], 2, "unknown KPI 'bogus'"),
    (["export", "--out", "-", "--department", "D1'--"], 2, "unknown department \"D1'--\""),
])
def test_cli_usage_errors_exit_2_without_a_traceback(db, args, code, message):
    done = _cli("--db", str(db), *args)
    assert done.returncode == code and message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_cli_list_with_and_without_a_database(db, tmp_path):
    listed = _cli("--db", str(db), "list")
    assert listed.returncode == 0 and "domain_top_box[privacy]  Privacy top-box %" in listed.stdout
    template = _cli("--db", str(tmp_path / "none.duckdb"), "list")
    assert template.returncode == 0 and "domain_top_box[d]" in template.stdout
    assert "Traceback" not in listed.stderr + template.stderr
