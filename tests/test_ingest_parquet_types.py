"""Parquet columns are checked against the type the contract expects: a key from a DOUBLE
column (777001.0) would hash apart from the same key in CSV, so it is refused, as are lists,
structs and other types that are never a cell; an empty column of any type is accepted."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpi.errors import RejectedInput
from kpi.ingest.delivery import ingest_folder
from tests.support.ingest_helpers import GOOD, delivery, rows, write_files

THREE = 3  # rows of the good visits file (and of the arrays below)
NONE = [None] * THREE


def _parquet_of_good(folder, name: str, column: str, values: pa.Array) -> None:
    """The good CSV file `name` as Parquet of text columns, with `column` given as `values`."""
    header, *data = list(csv.reader(io.StringIO(GOOD[f"{name}.csv"])))
    table = {h: pa.array([row[i] or None for row in data], pa.string())
             for i, h in enumerate(header)}
    table[column] = values
    pq.write_table(pa.table(table), folder / f"{name}.parquet")
    (folder / f"{name}.csv").unlink()


# (id, file, column, its values (THREE rows for visits, two for the surveys),
#  None when accepted or the type named in the rejection)
CASES = [
    ("key as DOUBLE", "visits", "patient_key", pa.array([777001.0, 2.0, 777001.0]), "DOUBLE"),
    ("key as FLOAT", "visits", "patient_key", pa.array([1, 2, 1], pa.float32()), "FLOAT"),
    ("key as DECIMAL", "visits", "patient_key",
     pa.array([Decimal(1), Decimal(2), Decimal(1)], pa.decimal128(10, 0)), "DECIMAL(10,0)"),
    ("key as BOOLEAN", "visits", "patient_key", pa.array([True, False, True]), "BOOLEAN"),
    ("key as BLOB", "visits", "patient_key", pa.array([b"a", b"b", b"a"]), "BLOB"),
    ("key as integer", "visits", "patient_key", pa.array([777001, 2, 777001]), None),
    ("key as unsigned", "visits", "patient_key", pa.array([1, 2, 1], pa.uint32()), None),
    ("key as large text", "visits", "patient_key",
     pa.array(["a", "b", "a"], pa.large_string()), None),
    ("key as dictionary text", "visits", "patient_key",
     pa.array(["a", "b", "a"]).dictionary_encode(), None),
    ("department as a list", "visits", "department_id",
     pa.array([["D1"], ["D2"], ["D2"]]), "VARCHAR[]"),
    ("department as a struct", "visits", "department_id",
     pa.array([{"id": "D1"}, {"id": "D2"}, {"id": "D2"}]), "STRUCT(id VARCHAR)"),
    ("department as a map", "visits", "department_id",
     pa.array([[("a", "D1")], [("a", "D2")], [("a", "D2")]], pa.map_(pa.string(), pa.string())),
     "MAP(VARCHAR, VARCHAR)"),
    ("visit type as DOUBLE", "visits", "visit_type", pa.array([1.5, None, None]), "DOUBLE"),
    ("visit type empty as DOUBLE (pandas)", "visits", "visit_type",
     pa.array(NONE, pa.float64()), None),
    ("visit type of no type", "visits", "visit_type", pa.array(NONE, pa.null()), None),
    ("date as date", "visits", "visit_date",
     pa.array(["2024-01-05", "2024-01-06", "2024-02-29"]).cast(pa.date32()), None),
    ("date as timestamp at midnight", "visits", "visit_date",
     pa.array(["2024-01-05", "2024-01-06", "2024-02-29"]).cast(pa.timestamp("us")), None),
    ("date with a time zone", "visits", "visit_date",
     pa.array(["2024-01-05", "2024-01-06", "2024-02-29"]).cast(pa.timestamp("us")).cast(
         pa.timestamp("us", tz="UTC")),
     "TIMESTAMP WITH TIME ZONE"),
    ("date as an integer", "visits", "visit_date", pa.array([20240105, 20240106, 20240229]),
     "BIGINT"),
    ("date as a list", "visits", "visit_date", pa.array([["2024-01-05"]] * 3), "VARCHAR[]"),
    ("wait as DOUBLE (pandas)", "visits", "wait_minutes", pa.array([30.0, None, 0.0]), None),
    ("wait as small integer", "visits", "wait_minutes",
     pa.array([30, None, 0], pa.int16()), None),
    ("wait as BOOLEAN", "visits", "wait_minutes", pa.array([True, None, False]), "BOOLEAN"),
    ("wait as a list", "visits", "wait_minutes", pa.array([[30], None, [0]]), "BIGINT[]"),
    ("answer as DOUBLE", "patient_survey", "Q1", pa.array([9.0, 7.0]), None),
    ("answer as a list", "patient_survey", "Q1", pa.array([[9], [7]]), "BIGINT[]"),
    ("comment as an integer", "patient_survey", "comment", pa.array([1, 2]), "BIGINT"),
    ("comment empty as DOUBLE (pandas)", "patient_survey", "comment",
     pa.array([None, None], pa.float64()), None),
    ("comment as a struct", "patient_survey", "comment",
     pa.array([{"t": "x"}, {"t": "y"}]), "STRUCT(t VARCHAR)"),
    ("top box as DECIMAL", "questions", "top_box_min",
     pa.array([None, None, Decimal(1), None], pa.decimal128(4, 1)), None),
]


@pytest.mark.parametrize("file, column, values, refused", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_parquet_column_types_are_checked_against_the_contract(tmp_path, file, column, values,
                                                               refused):
    folder = delivery(tmp_path / "in")
    _parquet_of_good(folder, file, column, values)
    if refused is None:
        ingest_folder(folder, tmp_path / "px.duckdb")
        return
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(folder, tmp_path / "px.duckdb")
    assert [p for p in caught.value.problems if (p.file, p.row, p.column, p.value) == (
        f"{file}.parquet", None, column, None) and f"of type {refused};" in p.rule], \
        "\n".join(map(str, caught.value.problems))
    assert not (tmp_path / "px.duckdb").exists()


def test_a_key_as_an_integer_links_with_the_same_key_in_csv(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first", visits_csv=(
        "visit_id,patient_key,department_id,visit_date\nV1,777001,D1,2024-01-05\n")), db)
    later = write_files(tmp_path / "later", {})
    pq.write_table(pa.table({"visit_id": ["V9"], "patient_key": pa.array([777001]),
                             "department_id": ["D1"], "visit_date": ["2024-03-01"]}),
                   later / "visits.parquet")
    ingest_folder(later, db)
    assert rows(db, "SELECT count(DISTINCT patient_hash), count(*) FROM visits") == [(1, 2)]
