"""No ingest message shows a patient key (or a value that could be one, or a name): not when
columns are swapped, not when the header is missing, not in any rule's failing column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kpi.errors import RejectedInput
from kpi.ingest.contract import DATE, FILES, INTEGER, NUMBER, TEXT
from kpi.ingest.delivery import ingest_folder
from kpi.ingest.privacy import shown
from tests.support.ingest_helpers import GOOD, delivery

KEYS = ("PK-MRN-00012345", "777001")


def _rejected(folder: Path, db: Path) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(folder, db)
    return caught.value


def _assert_no_key(error: RejectedInput, *keys: str) -> None:
    text = str(error) + repr(error.problems)
    for key in keys:
        assert key not in text, text


# (id, visits.csv as delivered, the (row, column) of a problem that must be reported)
SWAPPED = [
    ("key and department swapped",
     "visit_id,department_id,patient_key,visit_date\nV1,PK-MRN-00012345,D1,2024-01-05\n",
     (1, "department_id")),
    ("key in the visit id, twice",
     ("patient_key,visit_id,department_id,visit_date\n"
      "V1,PK-MRN-00012345,D1,2024-01-05\nV2,PK-MRN-00012345,D1,2024-01-06\n"),
     (2, "visit_id")),
    ("key and date swapped",
     "visit_id,patient_key,department_id,visit_date\nV1,2024-01-05,D1,PK-MRN-00012345\n",
     (1, "visit_date")),
    ("key in the wait",
     ("visit_id,wait_minutes,department_id,visit_date,patient_key\n"
      "V1,PK-MRN-00012345,D1,2024-01-05,30\n"), (1, "wait_minutes")),
    ("numeric key in the date",
     "visit_id,patient_key,department_id,visit_date\nV1,2024-01-05,D1,777001\n",
     (1, "visit_date")),
    ("headerless file",
     "V1,PK-MRN-00012345,D1,2024-01-05,inpatient,30\n777001,777001,D1,2024-01-05,,\n",
     (None, None)),
]


@pytest.mark.parametrize("visits, where", [c[1:] for c in SWAPPED], ids=[c[0] for c in SWAPPED])
def test_swapped_columns_and_a_missing_header_never_show_a_key(tmp_path, visits, where):
    error = _rejected(delivery(tmp_path / "in", visits_csv=visits), tmp_path / "px.duckdb")
    assert [p for p in error.problems if (p.file, p.row, p.column) == ("visits.csv", *where)]
    _assert_no_key(error, *KEYS)


@pytest.mark.parametrize("name", ["visits.csv", "patient_survey.csv", "complaints.csv",
                                  "staff_survey.csv", "departments.csv"])
def test_a_headerless_file_is_named_once_and_its_first_line_is_not_shown(tmp_path, name):
    first_row = GOOD[name].splitlines()[1]
    body = first_row + ",PK-MRN-00012345,Ann Smith\n" + first_row + "\n"
    error = _rejected(delivery(tmp_path / "in", **{name.replace(".", "_"): body}),
                      tmp_path / "px.duckdb")
    assert [p for p in error.problems if p.file == name and p.row is None and
            p.column is None and "names none of the columns" in p.rule]
    for cell in first_row.split(",") + ["PK-MRN-00012345", "Ann Smith"]:
        if len(cell) > 2:  # short cells (D1, 9) also occur in the rules' words
            assert f"column {cell}" not in str(error) and f"'{cell}'" not in str(error)


def _breaking(spec, column: str, key: str) -> str:
    """The key as a cell that breaks the rule of its column."""
    kind = spec.column(column) if column in {c.name for c in spec.columns} else None
    if kind is None or kind.kind in (DATE, NUMBER) or kind.choices or kind.refers_to:
        return key  # not a date, a number, an answer, a word of the list, a known id
    if kind.kind == INTEGER:
        return key + ".5"
    return key + "\r"  # ids, codes and keys: a control character (a file's id: twice)


def _with_keys(name: str, key: str) -> tuple[str, list[tuple[int, str]]]:
    """The good file and, for each column a rule checks, rows holding the key so that it
    breaks that rule (the file's id: the key twice); the (row, column) of each problem."""
    spec = FILES[name.removesuffix(".csv")]
    reader = list(csv.reader(io.StringIO(GOOD[name])))
    header, first = reader[0], reader[1]
    rows, expected = [], []
    for column in header:
        if column in {c.name for c in spec.columns} and spec.column(column).kind == TEXT:
            continue  # free text: any value is valid
        for _copy in range(2 if column == spec.key else 1):
            row = dict(zip(header, first), **{spec.key: f"X{len(rows)}"})
            row[column] = key if column == spec.key else _breaking(spec, column, key)
            rows.append([row[h] for h in header])
        expected.append((len(reader) - 1 + len(rows), column))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(reader + rows)
    return out.getvalue(), expected


@pytest.mark.parametrize("name", list(GOOD))
@pytest.mark.parametrize("key", KEYS)
def test_a_key_in_any_rules_failing_column_is_never_shown(tmp_path, name, key):
    body, expected = _with_keys(name, key)
    error = _rejected(delivery(tmp_path / "in", **{name.replace(".", "_"): body}),
                      tmp_path / "px.duckdb")
    named = {(p.row, p.column): p for p in error.problems if p.file == name}
    assert set(expected) <= set(named), "\n".join(map(str, error.problems))
    assert all(named[where].value is None for where in expected)
    _assert_no_key(error, *KEYS)


@pytest.mark.parametrize("file, column, value, expected", [
    ("visits", "visit_date", "2024-02-30", "2024-02-30"),
    ("visits", "visit_date", "31/12/2024", "31/12/2024"),
    ("visits", "visit_date", "2024-03-05 14:30:00", "2024-03-05 14:30:00"),
    ("visits", "visit_date", "123-45-6789", None),  # a social security number's shape
    ("visits", "visit_date", "777001", None),
    ("visits", "visit_date", "Ann", None),
    ("visits", "wait_minutes", "-5", "-5"),
    ("visits", "wait_minutes", "4.5", "4.5"),
    ("visits", "wait_minutes", "1e3", "1e3"),
    ("visits", "wait_minutes", "77700.1", None),
    ("visits", "wait_minutes", "ten", None),
    ("patient_survey", "Q1", "11", "11"),
    ("patient_survey", "Q1", "Ann", None),
    ("questions", "audience", "Patient", "Patient"),
    ("questions", "audience", "Ann", None),
    ("complaints", "category", "billing\r", None),
    ("complaints", "category", "rudeness", None),
    ("visits", "department_id", "D7", None),
    ("visits", "patient_key", "PK-1", None),
    ("patient_survey", "comment", "12", None),
    ("visits", "visit_date", None, None),
    ("visits", "wait_minutes", "1" * 40, None),
])
def test_only_values_that_cannot_be_a_key_or_a_name_are_shown(file, column, value, expected):
    assert shown(file, column, value) == expected
