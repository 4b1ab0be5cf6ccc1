"""Every rule of the data contract: a bad delivery is rejected, named precisely, and the
database is left byte for byte as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kpi.errors import RejectedInput
from kpi.ingest.contract import FILES
from kpi.ingest.delivery import ingest_folder
from kpi.ingest.read import Staged
from kpi.ingest.rules import duplicate_checks, run_check
from kpi.store.salt import salt_path
from tests.support.ingest_helpers import GOOD, delivery, file_hash, rows, write_files

DEPT = "department_id,department_name,service_line,site\n"
QUES = "question_id,audience,domain,scale,question_text,top_box_min\n"
VISIT = "visit_id,patient_key,department_id,visit_date,visit_type,wait_minutes\n"
SURVEY = "response_id,department_id,response_date,visit_id,mode,comment,Q1,Q2,Q3\n"
COMPL = ("complaint_id,department_id,received_date,category,severity,acknowledged_date,"
         "resolved_date\n")
COMPL_OWNED = COMPL.strip() + ",owner,outcome\n"
STAFF = "response_id,department_id,response_date,S1\n"
REVIEW = "review_id,source,site,department_id,review_date,rating,text,response_date\n"


def visit(date="2024-01-05", wait="30", key="PK-9", dept="D1", vid="V9") -> str:
    """A visits.csv with the good rows and one more row (row 4) built from the arguments."""
    return GOOD["visits.csv"] + f"{vid},{key},{dept},{date},inpatient,{wait}\n"


def survey(q1="9", q2="4", q3="1", dept="D1", date="2024-01-12", vid="V1", rid="R9") -> str:
    """A patient_survey.csv with the good rows and one more row (row 3)."""
    return GOOD["patient_survey.csv"] + f"{rid},{dept},{date},{vid},web,ok,{q1},{q2},{q3}\n"


def complaint(received="2024-01-15", category="billing", severity="low",
              ack="2024-01-16", resolved="2024-01-17") -> str:
    """A complaints.csv with the good rows and one more row (row 3)."""
    return (GOOD["complaints.csv"] +
            f"C9,D1,{received},{category},{severity},{ack},{resolved}\n")


def review(site="North", dept="D1", date="2024-01-05", rating="4", response="2024-01-07",
           source="google", rid="G9") -> str:
    """A reviews.csv with one good row and one more row (row 2) built from the arguments."""
    return (REVIEW + "G1,nhs_website,South,,2024-01-02,2,\"Long wait, rude desk\",\n"
            + f"{rid},{source},{site},{dept},{date},{rating},Kind staff,{response}\n")


def _stamped(path: Path) -> None:
    pd.DataFrame({"visit_id": ["V1"], "patient_key": ["PK"], "department_id": ["D1"],
                  "visit_date": pd.to_datetime(["2024-03-05 14:30:00"])}).to_parquet(path)


# (id, files written over the good delivery (None removes one), later load?, expected
#  problem: file, row, column, the value shown (None: none, as it could be a key or a name),
#  rule substring)
CASES = [
    # the folder
    ("unknown file", {"complaint.csv": COMPL}, False,
     ("complaint.csv", None, None, None, "not a file of the data contract")),
    ("csv and parquet", {"visits.parquet": b"PAR1"}, False,
     ("visits.parquet", None, None, None, "a second time")),
    ("first load lacks a file", {"questions.csv": None}, False,
     ("questions.csv", None, None, None, "first load into a new database must bring")),
    # reading the file
    ("empty file", {"complaints.csv": ""}, False,
     ("complaints.csv", None, None, None, "is empty")),
    ("not utf-8 in the header", {"departments.csv": "department_id,d\xe9partement\n".encode(
        "latin-1")}, False, ("departments.csv", None, None, None, "not UTF-8")),
    ("not utf-8 in a row", {"departments.csv": (DEPT + "D1,Ward 1,,\n" + "x" * 20000 +
                                                ",Caf\xe9,,\n").encode("latin-1")}, False,
     ("departments.csv", 2, "department_name", None, "not UTF-8")),
    ("semicolons", {"departments.csv": "department_id;department_name\nD1;Ward\n"}, False,
     ("departments.csv", None, None, None, "semicolons")),
    ("semicolons: columns missing", {"departments.csv": "department_id;department_name\n"},
     False, ("departments.csv", None, "department_name", None, "missing from the header")),
    ("unclosed quote", {"complaints.csv": COMPL + 'C9,D1,2024-01-15,"billing,low,,\n'}, False,
     ("complaints.csv", 1, "category", None, "double quote that is not closed")),
    ("too many fields", {"departments.csv": DEPT + "D1,Ward 1,,\nD2,Ward, 2,South,x\n"},
     False, ("departments.csv", 2, None, None, "more fields than the header")),
    ("too few fields", {"departments.csv": DEPT + "D1,Ward 1\n"}, False,
     ("departments.csv", 1, "service_line", None, "fewer fields than the header")),
    ("required column missing", {"visits.csv": "visit_id,patient_key,department_id\n"
                                               "V1,PK,D1\n"}, False,
     ("visits.csv", None, "visit_date", None, "required column but is missing")),
    ("unknown column", {"visits.csv": VISIT.strip() + ",patient_name\n"
                        "V1,PK,D1,2024-01-05,,,Ann\n"}, False,
     ("visits.csv", None, "patient_name", None, "not a column of visits")),
    ("control characters in a header cell, shown as escapes",
     {"visits.csv": VISIT.strip() + ",bad\x1b[2Jname\n" "V1,PK,D1,2024-01-05,,,x\n"}, False,
     ("visits.csv", None, "bad\\x1b[2Jname", None, "not a column of visits")),
    ("a long header cell, cut", {"visits.csv": VISIT.strip() + "," + "n" * 80 + "\n"}, False,
     ("visits.csv", None, "n" * 59 + "…", None, "not a column of visits")),
    ("column twice", {"departments.csv": "department_id,department_name,Department_ID\n"}, False,
     ("departments.csv", None, "Department_ID", None, "appears twice in the header")),
    ("column without a name", {"departments.csv": "department_id,department_name,\n"}, False,
     ("departments.csv", None, "number 3", None, "has no name")),
    ("not parquet", {"visits.csv": None, "visits.parquet": b"not parquet at all"}, False,
     ("visits.parquet", None, None, None, "could not be read as Parquet")),
    # departments
    ("department name empty", {"departments.csv": DEPT + "D1,Ward 1,,\nD2,   ,,\n"}, False,
     ("departments.csv", 2, "department_name", None, "required")),
    ("department id twice", {"departments.csv": DEPT + "D1,Ward 1,,\nD2,B,,\n D1 ,C,,\n"},
     False, ("departments.csv", 3, "department_id", None,
             "more than once in this file (first in row 1)")),
    # questions
    ("question id empty", {"questions.csv": GOOD["questions.csv"] + ",patient,x,yesno,,\n"},
     False, ("questions.csv", 5, "question_id", None, "required")),
    ("question id twice ignoring case", {"questions.csv": GOOD["questions.csv"] +
                                         "q2,patient,x,yesno,,\n"}, False,
     ("questions.csv", 5, "question_id", None, "ignoring letter case")),
    ("audience", {"questions.csv": GOOD["questions.csv"] + "Q9,Patient,x,yesno,,\n"}, False,
     ("questions.csv", 5, "audience", "Patient", "not one of patient, staff")),
    ("domain empty", {"questions.csv": GOOD["questions.csv"] + "Q9,patient,,yesno,,\n"}, False,
     ("questions.csv", 5, "domain", None, "required")),
    ("scale", {"questions.csv": GOOD["questions.csv"] + "Q9,patient,x,likert7,,\n"}, False,
     ("questions.csv", 5, "scale", None, "not one of frequency4, yesno")),
    ("top box not a number", {"questions.csv": GOOD["questions.csv"] +
                              "Q9,patient,x,agree5,,high\n"}, False,
     ("questions.csv", 5, "top_box_min", None, "not a number")),
    ("top box outside the scale", {"questions.csv": GOOD["questions.csv"] +
                                   "Q9,patient,x,agree5,,6\n"}, False,
     ("questions.csv", 5, "top_box_min", "6", "outside the scale agree5 (1 to 5)")),
    ("hcahps measure not one of the eight", {"questions.csv": QUES.strip() + ",hcahps_measure\n"
                                             "Q1,patient,overall,rating0_10,,,H_COMP_3\n"}, False,
     ("questions.csv", 1, "hcahps_measure", None, "not one of H_COMP_1, H_COMP_2, H_COMP_5")),
    ("hcahps measure in lower case", {"questions.csv": QUES.strip() + ",hcahps_measure\n"
                                      "Q1,patient,overall,rating0_10,,,h_clean\n"}, False,
     ("questions.csv", 1, "hcahps_measure", None, "H_HSP_RATING, H_RECMND")),
    ("question id is a fixed column", {"questions.csv": GOOD["questions.csv"] +
                                       "Comment,patient,x,yesno,,\n"}, False,
     ("questions.csv", 5, "question_id", None, "fixed column")),
    # visits
    ("visit id twice", {"visits.csv": visit(vid="V2")}, False,
     ("visits.csv", 4, "visit_id", None, "more than once in this file (first in row 2)")),
    ("visit id twice, in increasing order", {"visits.csv": visit(vid="V3")}, False,
     ("visits.csv", 4, "visit_id", None, "more than once in this file (first in row 3)")),
    ("patient key empty", {"visits.csv": visit(key=" ")}, False,
     ("visits.csv", 4, "patient_key", None, "required")),
    ("visit department unknown", {"visits.csv": visit(dept="D7")}, False,
     ("visits.csv", 4, "department_id", None, "not a department")),
    ("visit date missing", {"visits.csv": visit(date="")}, False,
     ("visits.csv", 4, "visit_date", None, "required")),
    ("no 30 February", {"visits.csv": visit(date="2024-02-30")}, False,
     ("visits.csv", 4, "visit_date", "2024-02-30", "real date written YYYY-MM-DD")),
    ("no 29 February 2023", {"visits.csv": visit(date="2023-02-29")}, False,
     ("visits.csv", 4, "visit_date", "2023-02-29", "real date")),
    ("day first", {"visits.csv": visit(date="31/12/2024")}, False,
     ("visits.csv", 4, "visit_date", "31/12/2024", "real date")),
    ("date with time", {"visits.csv": visit(date="2024-03-05 14:30:00")}, False,
     ("visits.csv", 4, "visit_date", "2024-03-05 14:30:00", "real date")),
    ("date without zeros", {"visits.csv": visit(date="2024-3-5")}, False,
     ("visits.csv", 4, "visit_date", "2024-3-5", "real date")),
    ("five-digit year", {"visits.csv": visit(date="12024-03-05")}, False,
     ("visits.csv", 4, "visit_date", None, "real date")),
    ("year zero", {"visits.csv": visit(date="0000-03-05")}, False,
     ("visits.csv", 4, "visit_date", None, "real date")),
    ("wait not whole", {"visits.csv": visit(wait="4.5")}, False,
     ("visits.csv", 4, "wait_minutes", "4.5", "not a whole number")),
    ("wait not a number", {"visits.csv": visit(wait="ten")}, False,
     ("visits.csv", 4, "wait_minutes", None, "not a whole number")),
    ("wait in scientific notation", {"visits.csv": visit(wait="1e3")}, False,
     ("visits.csv", 4, "wait_minutes", "1e3", "not a whole number")),
    ("Parquet timestamp with a time of day", {"visits.csv": None, "visits.parquet": _stamped},
     False, ("visits.parquet", 1, "visit_date", "2024-03-05 14:30:00", "real date")),
    ("wait negative", {"visits.csv": visit(wait="-5")}, False,
     ("visits.csv", 4, "wait_minutes", "-5", "below 0")),
    # patient survey
    ("response id twice", {"patient_survey.csv": survey(rid="R1")}, False,
     ("patient_survey.csv", 3, "response_id", None, "more than once")),
    ("response date", {"patient_survey.csv": survey(date="2024-13-01")}, False,
     ("patient_survey.csv", 3, "response_date", "2024-13-01", "real date")),
    ("survey department unknown", {"patient_survey.csv": survey(dept="D7")}, False,
     ("patient_survey.csv", 3, "department_id", None, "not a department")),
    ("survey visit unknown", {"patient_survey.csv": survey(vid="V77")}, False,
     ("patient_survey.csv", 3, "visit_id", None, "not a visit")),
    ("answer above the scale", {"patient_survey.csv": survey(q1="11")}, False,
     ("patient_survey.csv", 3, "Q1", "11", "not a valid answer on the scale rating0_10")),
    ("answer below the scale", {"patient_survey.csv": survey(q2="0")}, False,
     ("patient_survey.csv", 3, "Q2", "0", "scale frequency4 (whole numbers 1 to 4)")),
    ("answer not whole", {"patient_survey.csv": survey(q2="2.5")}, False,
     ("patient_survey.csv", 3, "Q2", "2.5", "not a valid answer")),
    ("answer as words", {"patient_survey.csv": survey(q3="yes")}, False,
     ("patient_survey.csv", 3, "Q3", None, "not a valid answer")),
    ("survey column not a question", {"patient_survey.csv": SURVEY.strip() + ",Q9\n"}, False,
     ("patient_survey.csv", None, "Q9", None, "nor a question id")),
    ("staff question in the patient survey", {"patient_survey.csv": SURVEY.strip() + ",S1\n"},
     False, ("patient_survey.csv", None, "S1", None, "must be patient questions")),
    # complaints
    ("complaint received missing", {"complaints.csv": complaint(received="")}, False,
     ("complaints.csv", 3, "received_date", None, "required")),
    ("complaint category", {"complaints.csv": complaint(category="rudeness")}, False,
     ("complaints.csv", 3, "category", None, "not one of communication, wait_time")),
    ("complaint category empty", {"complaints.csv": complaint(category="")}, False,
     ("complaints.csv", 3, "category", None, "required")),
    ("complaint severity", {"complaints.csv": complaint(severity="urgent")}, False,
     ("complaints.csv", 3, "severity", None, "not one of low, moderate, high, critical")),
    ("acknowledged before received", {"complaints.csv": complaint(ack="2024-01-14")}, False,
     ("complaints.csv", 3, "acknowledged_date", "2024-01-14", "before received_date 2024-01-15")),
    ("resolved before received", {"complaints.csv": complaint(resolved="2024-01-01")}, False,
     ("complaints.csv", 3, "resolved_date", "2024-01-01", "before received_date")),
    ("resolved not a date", {"complaints.csv": complaint(resolved="soon")}, False,
     ("complaints.csv", 3, "resolved_date", None, "real date")),
    ("complaint outcome", {"complaints.csv": COMPL_OWNED + "C9,D1,2024-01-15,billing,low,,"
                           "2024-01-17,Ward manager,partly upheld\n"}, False,
     ("complaints.csv", 1, "outcome", None, "not one of upheld, partly_upheld, not_upheld")),
    ("complaint owner with a line break", {"complaints.csv": COMPL_OWNED + "C9,D1,2024-01-15,"
                                           "billing,low,,,\"Ward\rmanager\",upheld\n"}, False,
     ("complaints.csv", 1, "owner", None, "control character")),
    # holidays
    ("holiday not a date", {"holidays.csv": "date\n2024-12-25\n25/12/2024\n"}, False,
     ("holidays.csv", 2, "date", "25/12/2024", "real date")),
    ("holiday empty", {"holidays.csv": "date\n2024-12-25\n \"\"\n"}, False,
     ("holidays.csv", 2, "date", None, "required")),
    ("holiday twice", {"holidays.csv": "date\n2024-12-25\n2024-12-26\n2024-12-25\n"}, False,
     ("holidays.csv", 3, "date", "2024-12-25", "appears more than once")),
    # reviews
    ("review rating above five stars", {"reviews.csv": review(rating="6")}, False,
     ("reviews.csv", 2, "rating", "6", "is not whole stars 1 to 5")),
    ("review rating of half a star", {"reviews.csv": review(rating="4.5")}, False,
     ("reviews.csv", 2, "rating", "4.5", "is not whole stars 1 to 5")),
    ("review rating of no stars", {"reviews.csv": review(rating="0")}, False,
     ("reviews.csv", 2, "rating", "0", "is not whole stars 1 to 5")),
    ("review rating not a number", {"reviews.csv": review(rating="five")}, False,
     ("reviews.csv", 2, "rating", None, "is not a number")),
    ("review rating empty", {"reviews.csv": review(rating="")}, False,
     ("reviews.csv", 2, "rating", None, "required")),
    ("review with neither site nor department", {"reviews.csv": review(site="", dept="")},
     False, ("reviews.csv", 2, "site", None, "and so is department_id")),
    ("review site unknown", {"reviews.csv": review(site="East", dept="")}, False,
     ("reviews.csv", 2, "site", None, "is not the site of any department")),
    ("review department of another site", {"reviews.csv": review(site="South", dept="D1")},
     False, ("reviews.csv", 2, "department_id", None, "belongs to another site (North)")),
    ("review department unknown", {"reviews.csv": review(site="", dept="D7")}, False,
     ("reviews.csv", 2, "department_id", None, "not a department")),
    ("review reply before the review", {"reviews.csv": review(response="2024-01-01")}, False,
     ("reviews.csv", 2, "response_date", "2024-01-01", "is before review_date")),
    ("review reply not a date", {"reviews.csv": review(response="07/01/2024")}, False,
     ("reviews.csv", 2, "response_date", "07/01/2024", "real date")),
    ("review date missing", {"reviews.csv": review(date="")}, False,
     ("reviews.csv", 2, "review_date", None, "required")),
    ("review source missing", {"reviews.csv": review(source="")}, False,
     ("reviews.csv", 2, "source", None, "required")),
    ("review source with a line break", {"reviews.csv": review(source='"goo\rgle"')}, False,
     ("reviews.csv", 2, "source", None, "control character")),
    ("review id twice", {"reviews.csv": review(rid="G1")}, False,
     ("reviews.csv", 2, "review_id", None, "appears more than once")),
    ("review without its id column", {"reviews.csv": "source,site,review_date,rating\n"
                                      "google,North,2024-01-05,4\n"}, False,
     ("reviews.csv", None, "review_id", None, "required column but is missing")),
    # staff survey
    ("staff answer above the scale", {"staff_survey.csv": STAFF + "T1,D1,2024-02-01,6\n"}, False,
     ("staff_survey.csv", 1, "S1", "6", "scale agree5 (whole numbers 1 to 5)")),
    ("person identifier in the staff survey", {"staff_survey.csv": STAFF.strip() +
                                               ",employee_name\nT1,D1,2024-02-01,5,Ann\n"},
     False, ("staff_survey.csv", None, "employee_name", None, "nor a question id")),
    ("patient question in the staff survey", {"staff_survey.csv": STAFF.strip() + ",Q1\n"},
     False, ("staff_survey.csv", None, "Q1", None, "must be staff questions")),
    ("staff department unknown", {"staff_survey.csv": STAFF + "T1,D7,2024-02-01,5\n"}, False,
     ("staff_survey.csv", 1, "department_id", None, "not a department")),
    # later loads, checked against the stored rows
    ("later: department neither delivered nor stored",
     {"visits.csv": VISIT + "V8,PK,D3,2024-03-01,,\n"}, True,
     ("visits.csv", 1, "department_id", None, "neither in departments of this delivery nor in")),
    ("later: visit neither delivered nor stored",
     {"patient_survey.csv": SURVEY + "R8,D1,2024-03-01,V4,web,,9,4,1\n"}, True,
     ("patient_survey.csv", 1, "visit_id", None, "not a visit")),
    ("later: survey column not a stored question",
     {"patient_survey.csv": SURVEY.strip() + ",Q4\nR8,D1,2024-03-01,,web,,9,4,1,1\n"}, True,
     ("patient_survey.csv", None, "Q4", None, "nor a question id")),
    ("later: answers checked on a re-delivered scale",
     {"questions.csv": QUES + "Q1,patient,overall,yesno,Overall,\n",
      "patient_survey.csv": SURVEY + "R1,D1,2024-01-10,V1,web,,1,4,1\nR2,D2,2024-01-11,,,,7,,0\n"},
     True, ("patient_survey.csv", 2, "Q1", "7", "scale yesno (whole numbers 0 to 1)")),
    ("later: new scale leaves stored answers invalid",
     {"questions.csv": QUES + "Q1,patient,overall,yesno,Overall,\n"}, True,
     ("questions.csv", 1, "question_id", None, "2 answers already stored in patient_answers")),
    ("later: new audience leaves stored answers invalid",
     {"questions.csv": QUES + "S1,patient,engagement,agree5,I am proud,\n"}, True,
     ("questions.csv", 1, "question_id", None, "1 answers already stored in staff_answers")),
    ("later: review site neither delivered nor stored",
     {"reviews.csv": REVIEW + "G8,yelp,West,,2024-03-01,5,,\n"}, True,
     ("reviews.csv", 1, "site", None, "is not the site of any department")),
    ("later: review department moved to another site by this delivery",
     {"departments.csv": DEPT + "D1,Ward 1,Inpatient,South\n",
      "reviews.csv": REVIEW + "G8,yelp,North,D1,2024-03-01,5,,\n"}, True,
     ("reviews.csv", 1, "department_id", None, "belongs to another site (South)")),
    ("later: question id in another letter case",
     {"questions.csv": QUES + "q3,patient,recommend,yesno,,\n"}, True,
     ("questions.csv", 1, "question_id", None, "only in letter case from the stored question Q3")),
]


def _write_case(folder: Path, files: dict, later: bool) -> None:
    if later:
        write_files(folder, {name: body for name, body in files.items()})
        return
    delivery(folder)
    for name, body in files.items():
        if body is None:
            (folder / name).unlink()
        elif callable(body):
            body(folder / name)
        else:
            write_files(folder, {name: body})


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """A database holding the good delivery (copied by the cases of later loads)."""
    db = tmp_path_factory.mktemp("loaded") / "px.duckdb"
    ingest_folder(delivery(db.parent / "in"), db)
    return db


@pytest.mark.parametrize("files, later, expected", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_delivery_is_rejected_and_database_unchanged(tmp_path, loaded, files, later,
                                                         expected):
    db = tmp_path / "px.duckdb"
    if later:
        shutil.copyfile(loaded, db)
        shutil.copyfile(salt_path(loaded), salt_path(db))
    before = file_hash(db)
    _write_case(tmp_path / "in", files, later)
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(tmp_path / "in", db)
    file, row, column, value, rule = expected
    found = [p for p in caught.value.problems if p.file == file and p.row == row and
             p.column == column and rule in p.rule and p.value == value]
    assert found, "\n".join(map(str, caught.value.problems))
    assert file_hash(db) == before
    assert not Path(str(db) + ".tmp").exists()
    report = str(caught.value)
    assert report.startswith("nothing was loaded") and "database is unchanged" in report


def test_every_problem_of_a_run_is_reported_with_a_capped_count(tmp_path):
    bad_dates = "".join(f"V{i},PK,D1,2024-02-{30 + i % 2},,\n" for i in range(13))
    delivery(tmp_path / "in", visits_csv=VISIT + bad_dates + "V99,PK,D1,2024-01-01,,-1\n",
             complaints_csv=complaint(category="rude"))
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(tmp_path / "in", tmp_path / "px.duckdb")
    problems = caught.value.problems
    dates = [p for p in problems if p.column == "visit_date"]
    assert [p.row for p in dates] == list(range(1, 6))
    assert {p.value for p in dates} == {"2024-02-30", "2024-02-31"}
    assert [(p.row, p.value) for p in problems if p.column == "wait_minutes"] == [(14, "-1")]
    assert [(p.file, p.row) for p in problems if p.column == "category"] == [
        ("complaints.csv", 3)]
    report = str(caught.value)
    assert "... and 8 more rows like this" in report
    assert "15 problems found" in report
    assert not (tmp_path / "px.duckdb").exists()


def test_row_numbers_count_records_not_lines(tmp_path):
    """A quoted newline does not start a new row; a row the reader skips keeps its number."""
    body = (GOOD["patient_survey.csv"].splitlines(keepends=True)[0] +
            'R1,D1,2024-01-10,V1,web,"two\nlines",9,4,1\n'
            'R2,D1,2024-01-10,V1,web,x,9,4\n'
            'R3,D1,2024-01-10,V1,web,"three\n\nlines",99,4,1\n')
    delivery(tmp_path / "in", patient_survey_csv=body)
    with pytest.raises(RejectedInput) as caught:
        ingest_folder(tmp_path / "in", tmp_path / "px.duckdb")
    assert sorted((p.row, p.column, p.value) for p in caught.value.problems) == [
        (2, "Q3", None), (3, "Q1", "99")]


def test_rejected_later_load_keeps_the_stored_rows(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    before = rows(db, "SELECT count(*) FROM visits")
    write_files(tmp_path / "in", {"visits.csv": VISIT + "V1,PK,D1,2024-01-05,,\n"
                                                        "V5,PK,D1,2024-02-30,,\n"})
    with pytest.raises(RejectedInput):
        ingest_folder(tmp_path / "in", db)
    assert rows(db, "SELECT count(*) FROM visits") == before == [(3,)]


@pytest.mark.parametrize("skipped, expected", [
    ((), [1, 2, 3]),
    ((1,), [2, 3, 4]),
    ((2, 3, 7), [1, 4, 5, 6, 8]),
])
def test_staged_rows_keep_their_numbers_around_rows_the_reader_skipped(skipped, expected):
    staged = Staged(FILES["visits"], "visits.csv", skipped=skipped)
    assert [staged.row_number(r) for r in range(len(expected))] == expected


@pytest.mark.parametrize("ids, ignore_case, proof, duplicated", [
    (["a", "b", "c"], False, True, False),
    ([], False, True, False),
    (["a", None, "b"], False, True, False),
    (["a", "b", "b"], False, False, True),
    (["a", None, "a"], False, False, True),
    (["b", "a"], False, False, False),  # distinct, but no proof: the full check decides
    (["A", "a"], True, False, True),
    (["A", "b"], True, True, False),
])
def test_ids_in_increasing_order_prove_there_is_no_duplicate(ids, ignore_case, proof,
                                                             duplicated):
    spec = FILES["questions"] if ignore_case else FILES["visits"]
    staged = Staged(spec, "x.csv", frozenset([spec.key]))
    con = duckdb.connect()
    con.execute(f"CREATE TABLE {staged.table} AS SELECT unnest($ids::VARCHAR[]) AS {spec.key}",
                {"ids": ids})
    (check,) = duplicate_checks(staged)
    assert con.execute(check.unless).fetchone()[0] is proof
    assert bool(run_check(con, check, staged)) is duplicated
