"""Control characters: refused in ids, codes and keys (a row-level error naming the character
and its place, never the value), kept in free text."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpi.errors import RejectedInput
from kpi.ingest.control import has_control_sql
from kpi.ingest.delivery import ingest_folder
from tests.support.ingest_helpers import GOOD, delivery, rows

DEPT = "department_id,department_name,service_line,site\n"
VISIT = "visit_id,patient_key,department_id,visit_date,visit_type,wait_minutes\n"
RULE = "holds a control character"


def _parquet_visits_with_a_leading_return(folder):
    """Parquet keeps a leading carriage return that a CSV line start would swallow."""
    pq.write_table(pa.table({"visit_id": ["\rV1", "V2"], "patient_key": ["PK-1", "PK-2"],
                             "department_id": ["D1", "D1"],
                             "visit_date": ["2024-01-05", "2024-01-06"]}),
                   folder / "visits.parquet")
    (folder / "visits.csv").unlink()


# (id, files replaced in the good delivery, expected: file, row, column, rule substring)
CASES = [
    ("id: a leading return before a formula", {"departments.csv": DEPT + '"\r=1+2",W,,\n'},
     ("departments.csv", 1, "department_id", f"{RULE} (U+000D at character 1)")),
    ("id: a line feed inside", {"visits.csv": GOOD["visits.csv"] + '"V\n9",PK,D1,2024-01-05,,\n'},
     ("visits.csv", 4, "visit_id", "(U+000A at character 2)")),
    ("id: a tab at the end", {"complaints.csv": GOOD["complaints.csv"] +
                              '"C9\t",D1,2024-01-15,billing,,,\n'},
     ("complaints.csv", 3, "complaint_id", "(U+0009 at character 3)")),
    ("id: a question id with a form feed", {"questions.csv": GOOD["questions.csv"] +
                                            '"Q\f9",patient,x,yesno,,\n'},
     ("questions.csv", 5, "question_id", "(U+000C at character 2)")),
    ("id: a staff response id with an escape", {"staff_survey.csv": GOOD["staff_survey.csv"] +
                                                '"\x1bT9",D1,2024-02-01,5\n'},
     ("staff_survey.csv", 3, "response_id", "(U+001B at character 1)")),
    ("key: hashed, but named", {"visits.csv": GOOD["visits.csv"] + 'V9,"PK\r1",D1,2024-01-05,,\n'},
     ("visits.csv", 4, "patient_key", "(U+000D at character 3)")),
    ("code: delete in a visit type", {"visits.csv": GOOD["visits.csv"] +
                                      "V9,PK,D1,2024-01-05,out\x7fpatient,\n"},
     ("visits.csv", 4, "visit_type", "(U+007F at character 4)")),
    ("code: a C1 next-line in a mode", {"patient_survey.csv": GOOD["patient_survey.csv"] +
                                        "R9,D1,2024-01-12,,web\x85,,9,4,1\n"},
     ("patient_survey.csv", 3, "mode", "(U+0085 at character 4)")),
    ("code: a tab in a service line", {"departments.csv": DEPT + 'D1,W,"In\tpatient",\n'},
     ("departments.csv", 1, "service_line", "(U+0009 at character 3)")),
    ("code: a domain", {"questions.csv": GOOD["questions.csv"] + 'Q9,patient,"x\r",yesno,,\n'},
     ("questions.csv", 5, "domain", "(U+000D at character 2)")),
    ("code of a list: not one of the list", {"complaints.csv": GOOD["complaints.csv"] +
                                             'C9,D1,2024-01-15,"billing\r",,,\n'},
     ("complaints.csv", 3, "category", "is not one of")),
    ("reference: not a department", {"visits.csv": GOOD["visits.csv"] +
                                     'V9,PK,"D1\r",2024-01-05,,\n'},
     ("visits.csv", 4, "department_id", "is not a department")),
    ("Parquet: a leading return kept", {"visits.csv": _parquet_visits_with_a_leading_return},
     ("visits.parquet", 1, "visit_id", "(U+000D at character 1)")),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_control_characters_in_ids_codes_and_keys_are_refused(tmp_path, files, expected):
    folder = delivery(tmp_path / "in")
    for name, body in files.items():
        if callable(body):
            body(folder)
        else:
            (folder / name).write_bytes(body.encode("utf-8"))
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(folder, tmp_path / "px.duckdb")
    file, row, column, rule = expected
    found = [p for p in caught.value.problems
             if (p.file, p.row, p.column) == (file, row, column) and rule in p.rule]
    assert found, "\n".join(map(str, caught.value.problems))
    assert found[0].value is None
    assert [p for p in caught.value.problems if (p.file, p.row, p.column) == (
        file, row, column)] == found[:1]  # one problem per cell: a list or a link decides
    assert not (tmp_path / "px.duckdb").exists()


def test_free_text_keeps_its_control_characters(tmp_path):
    comment = "line one\r\nline two\tand a next-line\x85 end"
    delivery(tmp_path / "in",
             departments_csv=DEPT + 'D1,"Ward\t1",,\nD2,Clinic 2,,\n',
             questions_csv=GOOD["questions.csv"].replace("Overall rating", '"Overall\nrating"'),
             patient_survey_csv=GOOD["patient_survey.csv"] + f'R3,D1,2024-01-12,,web,"{comment}",9,,\n')
    ingest_folder(tmp_path / "in", tmp_path / "px.duckdb")
    db = tmp_path / "px.duckdb"
    assert rows(db, "SELECT department_name FROM departments ORDER BY 1") == [
        ("Clinic 2",), ("Ward\t1",)]
    assert rows(db, "SELECT question_text FROM questions WHERE question_id = 'Q1'") == [
        ("Overall\nrating",)]
    assert rows(db, "SELECT comment FROM patient_responses WHERE response_id = 'R3'") == [
        (comment,)]


@pytest.mark.parametrize("cell, expected", [
    ("V-001", False), ('say "hi"', False), ("back\\slash", False), ("é", False),
    ("no\u00a0break", False), ("日本", False), ("tab\tin", True), ("\x00", True),
    ("unit\x1fsep", True), ("del\x7f", True), ("\x80pad", True), ("apc\x9f", True),
    ("é\x85", True), (None, None),
])
def test_the_control_character_test_of_a_cell(cell, expected):
    # the quick screen (JSON escapes, non-ASCII, DEL) lets the exact expression see them all
    con = duckdb.connect()
    try:
        assert con.execute(f"SELECT {has_control_sql('$cell')}", {"cell": cell}).fetchone()[0] \
            is expected
    finally:
        con.close()
