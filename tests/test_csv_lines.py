"""Every CSV the product writes keeps one record per line in any spreadsheet: a cell holding a
carriage return or a line feed is quoted, and text after it is still guarded."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from kpi.csv_cells import csv_field, csv_text
from kpi.engine import compute
from kpi.export import snapshot_csv
from kpi.filters import Filter
from kpi.spc.series import SPC_COLUMNS, spc_csv
from kpi.store.connect import open_readonly
from tests.support.kpi_db import build_tiny_db

STAMP = "2026-01-02T03:04:05+00:00"
# (text in a cell, what a spreadsheet must read back)
BREAKING = [
    ("\r", "'\r"), ("\n", "\n"), ("\r\n", "'\r\n"), ("D\r1", "D\r1"), ("D\n1", "D\n1"),
    ("\r=1+2", "'\r=1+2"), ("\n=1+2", "\n=1+2"), ("x\r=1+2", "x\r=1+2"),
    ("\r\n=HYPERLINK(\"http://x\")", "'\r\n=HYPERLINK(\"http://x\")"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = open_readonly(build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb"))
    yield connection
    connection.close()


def _records(text: str) -> list[list[str]]:
    """The records as a spreadsheet splits them: at CR, LF or CRLF outside quotes."""
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("cell, field", [
    ("plain", "plain"), ("", ""), ("a,b", '"a,b"'), ('say "hi"', '"say ""hi"""'),
    ("\r", '"\r"'), ("\n", '"\n"'), ("\r\n", '"\r\n"'), ("'\r=1+2", '"\'\r=1+2"'),
])
def test_a_field_is_quoted_when_it_holds_a_comma_quote_cr_or_lf(cell, field):
    assert csv_field(cell) == field


def test_csv_text_writes_a_header_and_rows_with_lf_line_ends():
    assert csv_text(["a", "b"], [["1", "x\ry"], ["", "2"]]) == 'a,b\n1,"x\ry"\n,2\n'


@pytest.mark.parametrize("text, read_back", BREAKING)
def test_a_snapshot_id_or_label_with_a_line_break_stays_in_its_record(con, text, read_back):
    frame = compute(con, ["visits", "nps"], Filter(), ["department"])
    frame.loc[0, "department_id"] = text
    frame.loc[1, "kpi_label"] = text
    records = _records(snapshot_csv(frame, generated_at=STAMP))
    assert len(records) == len(frame) + 1
    assert {len(r) for r in records} == {len(records[0])}
    assert records[1][records[0].index("department_id")] == read_back
    assert records[2][records[0].index("kpi_label")] == read_back


@pytest.mark.parametrize("text, read_back", BREAKING)
def test_an_spc_csv_id_with_a_line_break_stays_in_its_record(text, read_back):
    row = {c: None for c in SPC_COLUMNS} | {"kpi_id": text, "month": "2024-01", "value": 1.5}
    records = _records(spc_csv(pd.DataFrame([row, row])))
    assert len(records) == 3
    assert [r[0] for r in records[1:]] == [read_back, read_back]
