"""Load messages a non-programmer can act on: each problem row beside its spreadsheet line and
its record's id (never a patient key), problems grouped with a count of the rest, the likely
cause first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kpi.errors import RejectedInput
from kpi.ingest.delivery import ingest_folder
from kpi.ingest.hints import date_shape_text
from kpi.store.salt import salt_path
from tests.support.ingest_helpers import GOOD, delivery, write_files

VISIT = "visit_id,patient_key,department_id,visit_date,visit_type,wait_minutes\n"
COMPL = ("complaint_id,department_id,received_date,category,severity,acknowledged_date,"
         "resolved_date\n")


def _visits(*rows: str) -> str:
    """The good visits.csv (rows 1-3: V1 PK-0001, V2 PK-0002, V3 PK-0001) and more rows."""
    return GOOD["visits.csv"] + "".join(row + "\n" for row in rows)


def _report(tmp_path: Path, files: dict, db: Path | None = None) -> RejectedInput:
    """The rejection of the good delivery with `files` written over it (None removes one, a
    function writes it), or of `files` alone loaded later into a copy of `db`."""
    target, folder = tmp_path / "px.duckdb", tmp_path / "in"
    if db is None:
        delivery(folder)
    else:
        shutil.copyfile(db, target)
        shutil.copyfile(salt_path(db), salt_path(target))
    for name, body in files.items():
        if body is None:
            (folder / name).unlink()
        elif callable(body):
            body(folder / name)
        else:
            write_files(folder, {name: body})
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(folder, target)
    return caught.value


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """A database holding the good delivery (patients PK-0001 and PK-0002)."""
    db = tmp_path_factory.mktemp("loaded") / "px.duckdb"
    ingest_folder(delivery(db.parent / "in"), db)
    return db


def _parquet_visits(path: Path) -> None:
    pd.DataFrame({"visit_id": ["V-0007"], "patient_key": ["PK"], "department_id": ["D1"],
                  "visit_date": ["31/12/2024"]}).to_parquet(path)


# (id, files over the good delivery, later load?, the problem line expected in the report)
LINES = [
    ("a visit's id beside its row", {"visits.csv": _visits("V-0099,PK-9,D1,31/12/2024,,")},
     False, "visits.csv, row 4 (spreadsheet line 5, visit_id V-0099), column visit_date, "
     "value '31/12/2024': is not a real date written YYYY-MM-DD"),
    ("a complaint's id", {"complaints.csv": COMPL + "C1,D1,2024-01-15,rudeness,,,"}, False,
     "complaints.csv, row 1 (spreadsheet line 2, complaint_id C1), column category: is not one"),
    ("a survey response's id", {"patient_survey.csv": GOOD["patient_survey.csv"] +
                                "R-7,D1,2024-01-12,,web,,11,,"}, False,
     "patient_survey.csv, row 3 (spreadsheet line 4, response_id R-7), column Q1, value '11'"),
    ("a quoted line break does not move the spreadsheet line",
     {"departments.csv": GOOD["departments.csv"] + 'D3,"Ward\nthree",,\nD4,   ,,\n'}, False,
     "departments.csv, row 4 (spreadsheet line 5, department_id D4), column department_name"),
    ("Parquet has no spreadsheet line", {"visits.csv": None, "visits.parquet": _parquet_visits},
     False, "visits.parquet, row 1 (visit_id V-0007), column visit_date"),
    ("a row the reader cannot read has no id",
     {"departments.csv": GOOD["departments.csv"] + "D3,Ward 3\n"}, False,
     "departments.csv, row 3 (spreadsheet line 4), column service_line: this row has fewer"),
    ("an id with a space could be a name", {"visits.csv": _visits("V 99,PK-9,D1,2024-13-01,,")},
     False, "visits.csv, row 4 (spreadsheet line 5), column visit_date"),
    ("an id without a digit could be a name", {"visits.csv": _visits("Ann,PK-9,D1,2024-13-01,,")},
     False, "visits.csv, row 4 (spreadsheet line 5), column visit_date"),
    ("an id longer than 30 characters", {"visits.csv": _visits(
        "V" + "0" * 30 + ",PK-9,D1,2024-13-01,,")}, False,
     "visits.csv, row 4 (spreadsheet line 5), column visit_date"),
    ("an id that starts like a formula", {"visits.csv": _visits("-V9,PK-9,D1,2024-13-01,,")},
     False, "visits.csv, row 4 (spreadsheet line 5), column visit_date"),
    ("an id given twice is not shown", {"visits.csv": _visits("V2,PK-9,D1,2024-01-05,,")},
     False, "visits.csv, row 4 (spreadsheet line 5), column visit_id: appears more than once"),
    ("an id that is a delivered patient's key",
     {"visits.csv": _visits("PK-0002,PK-9,D1,2024-13-01,,")}, False,
     "visits.csv, row 4 (spreadsheet line 5), column visit_date"),
    ("an id that is a stored patient's key", {"complaints.csv": COMPL +
                                              "PK-0002,D1,2024-01-15,rudeness,,,"}, True,
     "complaints.csv, row 1 (spreadsheet line 2), column category"),
    ("a stored key's look-alike is an id", {"complaints.csv": COMPL +
                                            "PK-0003,D1,2024-01-15,rudeness,,,"}, True,
     "complaints.csv, row 1 (spreadsheet line 2, complaint_id PK-0003), column category"),
]


@pytest.mark.parametrize("files, later, line", [c[1:] for c in LINES], ids=[c[0] for c in LINES])
def test_a_problem_row_names_its_spreadsheet_line_and_its_id_when_it_may(tmp_path, loaded, files,
                                                                         later, line):
    error = _report(tmp_path, files, loaded if later else None)
    assert [x for x in str(error).splitlines() if x.strip().startswith(line)], str(error)


def test_the_first_rows_of_a_group_are_listed_and_the_rest_counted(tmp_path):
    bad = [f"V-{n:04d},PK-{n},D1,{n:02d}/01/2024,," for n in range(1, 13)]
    error = _report(tmp_path, {"visits.csv": _visits(*bad, "V-13,PK-13,D1,2024-01-13,,4.5")})
    lines = str(error).splitlines()
    dates = [x for x in lines if x.startswith("  visits.csv, row") and "visit_date" in x]
    assert [x.split(" (")[0].strip() for x in dates] == [
        f"visits.csv, row {row}" for row in range(4, 9)]
    assert "    ... and 7 more rows like this" in lines
    assert lines[lines.index(dates[-1]) + 1] == "    ... and 7 more rows like this"
    assert "13 problems found:" in lines  # the total stays: 12 dates and 1 wait
    assert len(error.problems) == 6


def test_one_more_row_is_counted_in_the_singular(tmp_path):
    bad = [f"V-{n:04d},PK-{n},D1,2024-02-30,," for n in range(1, 7)]
    lines = str(_report(tmp_path, {"visits.csv": _visits(*bad)})).splitlines()
    assert "    ... and 1 more row like this" in lines and "6 problems found:" in lines


def _causes(error: RejectedInput) -> list[str]:
    """The lines of the report's likely causes."""
    lines = str(error).splitlines()
    if not lines[1].startswith("likely cause"):
        return []
    return [x.strip() for x in lines[2:next(i for i, x in enumerate(lines) if
                                             x.endswith("found:"))]]


SEMI = ("visits.csv: the file looks semicolon-separated; the contract needs commas: save it as "
        "\"CSV UTF-8 (comma delimited)\"")

# (id, files over the good delivery, the likely causes, in order)
CAUSES = [
    ("semicolons", {"visits.csv": "visit_id;patient_key;department_id;visit_date\nV1;P;D1;x\n"},
     [SEMI]),
    ("semicolons come first", {
        "visits.csv": "visit_id;patient_key;department_id;visit_date\n",
        "complaints.csv": COMPL + "C1,D1,15/01/2024,billing,,,"},
     [SEMI, "complaints.csv, column received_date: dates look like DD/MM/YYYY; the contract "
      "needs YYYY-MM-DD"]),
    ("tabs are not semicolons", {"visits.csv": "visit_id\tpatient_key\tdepartment_id\n"}, []),
    ("a header renamed in words", {"visits.csv": VISIT.replace("visit_date", "Visit Date")},
     ["visits.csv, column Visit Date: the header looks renamed: did you mean visit_date? "
      "(the file has 'Visit Date')"]),
    ("a header abbreviated", {"visits.csv": VISIT.replace("visit_date", "visit_dt")},
     ["visits.csv, column visit_dt: the header looks renamed: did you mean visit_date? "
      "(the file has 'visit_dt')"]),
    ("a survey header renamed", {"patient_survey.csv": GOOD["patient_survey.csv"].replace(
        "response_date", "responce_date")},
     ["patient_survey.csv, column responce_date: the header looks renamed: did you mean "
      "response_date? (the file has 'responce_date')"]),
    ("an unrelated column is no rename", {"visits.csv": VISIT.replace("visit_date", "site")},
     []),
    ("day first", {"visits.csv": _visits("V9,PK-9,D1,31/12/2024,,", "V10,PK,D1,01/02/2024,,")},
     ["visits.csv, column visit_date: dates look like DD/MM/YYYY; the contract needs "
      "YYYY-MM-DD"]),
    ("month first", {"visits.csv": _visits("V9,PK-9,D1,12/31/2024,,", "V10,PK,D1,1/2/2024,,")},
     ["visits.csv, column visit_date: dates look like MM/DD/YYYY; the contract needs "
      "YYYY-MM-DD"]),
    ("either", {"visits.csv": _visits("V9,PK-9,D1,05/06/2024,,")},
     ["visits.csv, column visit_date: dates look like DD/MM/YYYY or MM/DD/YYYY; the contract "
      "needs YYYY-MM-DD"]),
    ("dots", {"visits.csv": _visits("V9,PK-9,D1,31.12.2024,,")},
     ["visits.csv, column visit_date: dates look like DD.MM.YYYY; the contract needs "
      "YYYY-MM-DD"]),
    ("a time of day", {"visits.csv": _visits("V9,PK-9,D1,2024-03-05 14:30:00,,")},
     ["visits.csv, column visit_date: dates carry a time of day; the contract needs the date "
      "alone, YYYY-MM-DD"]),
    ("a date that does not exist is no local way", {"visits.csv": _visits(
        "V9,PK-9,D1,2024-02-30,,")}, []),
]


@pytest.mark.parametrize("files, causes", [c[1:] for c in CAUSES], ids=[c[0] for c in CAUSES])
def test_a_common_cause_is_named_first(tmp_path, files, causes):
    assert _causes(_report(tmp_path, files)) == causes


@pytest.mark.parametrize("total, shapes, first, second, times, expected", [
    (4, {"/": 4, ".": 0, "-": 0}, 31, 12, 0, "dates look like DD/MM/YYYY;"),
    (4, {"/": 2, ".": 0, "-": 0}, 5, 31, 0, "dates look like MM/DD/YYYY;"),
    (4, {"/": 1, ".": 0, "-": 0}, 31, 5, 0, None),  # one in four: no pattern
    (2, {"/": 0, ".": 0, "-": 2}, 12, 12, 0, "dates look like DD-MM-YYYY or MM-DD-YYYY;"),
    (2, {"/": 0, ".": 0, "-": 0}, 0, 0, 1, "dates carry a time of day;"),
    (3, {"/": 0, ".": 0, "-": 0}, 0, 0, 1, None),
    (2, {"/": 2, ".": 0, "-": 0}, 31, 31, 0, "dates look like DD/MM/YYYY or MM/DD/YYYY;"),
])
def test_the_date_hint_reads_the_separator_and_which_part_is_the_day(total, shapes, first,
                                                                       second, times, expected):
    text = date_shape_text(total, shapes, first, second, times)
    assert (text is None) if expected is None else text.startswith(expected)


def test_a_headerless_file_gets_no_renamed_hint(tmp_path):
    error = _report(tmp_path, {"visits.csv": "V1,PK-0001,D1,2024-01-05,inpatient,30\n"})
    assert _causes(error) == []
