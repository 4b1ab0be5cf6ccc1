"""Shared helpers for the ingest tests: a small valid delivery, writing files, hashing a db."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from kpi.store.connect import open_readonly
from tests.support import ROOT

GOOD = {
    "departments.csv": "department_id,department_name,service_line,site\n"
                       "D1,Ward 1,Inpatient,North\n"
                       "D2,Clinic 2,Outpatient,South\n",
    "questions.csv": "question_id,audience,domain,scale,question_text,top_box_min\n"
                     "Q1,patient,overall,rating0_10,Overall rating,\n"
                     "Q2,patient,communication,frequency4,Nurses listened,\n"
                     "Q3,patient,recommend,yesno,Would recommend,1\n"
                     "S1,staff,engagement,agree5,I am proud,\n",
    "visits.csv": "visit_id,patient_key,department_id,visit_date,visit_type,wait_minutes\n"
                  "V1,PK-0001,D1,2024-01-05,inpatient,30\n"
                  "V2,PK-0002,D2,2024-01-06,outpatient,\n"
                  "V3,PK-0001,D2,2024-02-29,outpatient,0\n",
    "patient_survey.csv": "response_id,department_id,response_date,visit_id,mode,comment,Q1,Q2,Q3\n"
                          "R1,D1,2024-01-10,V1,web,Great care,9,4,1\n"
                          "R2,D2,2024-01-11,,mail,,7,,0\n",
    "complaints.csv": "complaint_id,department_id,received_date,category,severity,"
                      "acknowledged_date,resolved_date\n"
                      "C1,D1,2024-01-15,wait_time,low,2024-01-16,2024-01-20\n"
                      "C2,D2,2024-01-20,billing,,,\n",
    "staff_survey.csv": "response_id,department_id,response_date,S1\n"
                        "T1,D1,2024-02-01,5\n"
                        "T2,D2,2024-02-02,\n",
}

FIRST_LOAD = ("departments.csv", "questions.csv", "visits.csv", "patient_survey.csv")


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write {name: text or bytes} into folder (text as UTF-8, newlines as given)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def delivery(folder: Path, names=tuple(GOOD), **replace: str | bytes) -> Path:
    """Write the good delivery (only `names`), with some files replaced (name_csv=...)."""
    files = {name: GOOD[name] for name in names}
    files.update({key.replace("_csv", ".csv"): body for key, body in replace.items()})
    return write_files(folder, files)


def file_hash(path: Path) -> str | None:
    """SHA-256 of a file's bytes, None when the file does not exist."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def rows(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """Run a query on the database read-only and return all rows."""
    con = open_readonly(db)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m kpi ARGS` from the project root and capture its output."""
    return subprocess.run([sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
