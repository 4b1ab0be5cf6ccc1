"""The end of a successful load: one summary (rows added and replaced per file, the dates each
source covers, the time taken), in words, as JSON or not at all; progress only on a terminal."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.ingest.delivery import ingest_folder
from tests.support.ingest_helpers import GOOD, delivery, write_files

LATER = {"visits.csv": GOOD["visits.csv"].splitlines()[0] + "\n"
                       "V3,PK-0001,D2,2024-02-29,outpatient,5\n"   # re-delivered: replaces
                       "V4,PK-0004,D1,2024-03-31,,\n"               # new: added
                       "V5,PK-0005,D2,2023-12-01,,\n",              # new, earlier than all
         "complaints.csv": GOOD["complaints.csv"].splitlines()[0] + "\n"
                           "C1,D1,2024-01-15,wait_time,low,2024-01-16,2024-01-20\n"}

FIRST_SUMMARY = """\
  departments.csv     2 rows: 2 added, 0 replaced
  questions.csv       4 rows: 4 added, 0 replaced
  visits.csv          3 rows: 3 added, 0 replaced
  patient_survey.csv  2 rows: 2 added, 0 replaced, 5 answers
  complaints.csv      2 rows: 2 added, 0 replaced
  staff_survey.csv    2 rows: 2 added, 0 replaced, 1 answer
dates now covered:
  visits          2024-01-05 to 2024-02-29
  patient_survey  2024-01-10 to 2024-01-11
  complaints      2024-01-15 to 2024-01-20
  staff_survey    2024-02-01 to 2024-02-02
  reviews         no rows
"""

LATER_SUMMARY = """\
  visits.csv      3 rows: 2 added, 1 replaced
  complaints.csv  1 row: 0 added, 1 replaced
dates now covered:
  visits          2023-12-01 to 2024-03-31
  patient_survey  2024-01-10 to 2024-01-11
  complaints      2024-01-15 to 2024-01-20
  staff_survey    2024-02-01 to 2024-02-02
  reviews         no rows
"""


def _ingest(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _check_summary(out: str, folder: Path, db: Path, body: str) -> None:
    lines = out.splitlines(keepends=True)
    assert lines[0] == f"loaded {folder} into {db}\n"
    assert "".join(lines[1:-1]) == body
    assert re.fullmatch(r"done in \d+\.\d s\n", lines[-1])


def test_a_first_load_says_what_each_file_added_and_the_dates_covered(tmp_path, capsys):
    db, folder = tmp_path / "px.duckdb", delivery(tmp_path / "in")
    code, out, err = _ingest(capsys, "--db", str(db), "ingest", str(folder))
    assert (code, err) == (0, "")
    _check_summary(out, folder, db, FIRST_SUMMARY)


def test_a_later_load_counts_replaced_rows_and_widens_the_dates(tmp_path, capsys):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    folder = write_files(tmp_path / "in", LATER)
    code, out, err = _ingest(capsys, "--db", str(db), "ingest", str(folder))
    assert (code, err) == (0, "")
    _check_summary(out, folder, db, LATER_SUMMARY)


def test_json_gives_the_same_summary_to_a_script(tmp_path, capsys):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    folder = write_files(tmp_path / "in", LATER)
    code, out, err = _ingest(capsys, "--db", str(db), "ingest", "--json", str(folder))
    assert (code, err) == (0, "")
    summary = json.loads(out)
    seconds = summary.pop("seconds")
    assert isinstance(seconds, float) and 0 < seconds < 60
    assert summary == {
        "loaded": True, "folder": str(folder), "database": str(db),
        "files": {"visits": {"file": "visits.csv", "rows": 3, "added": 2, "replaced": 1},
                  "complaints": {"file": "complaints.csv", "rows": 1, "added": 0,
                                 "replaced": 1}},
        "tables": {"visits": 3, "complaints": 1},
        "covered": {"visits": {"first": "2023-12-01", "last": "2024-03-31"},
                    "patient_survey": {"first": "2024-01-10", "last": "2024-01-11"},
                    "complaints": {"first": "2024-01-15", "last": "2024-01-20"},
                    "staff_survey": {"first": "2024-02-01", "last": "2024-02-02"},
                    "reviews": None},
        "replaced_demo": False}


def test_json_gives_a_surveys_answers_and_an_empty_source_as_null(tmp_path, capsys):
    names = ("departments.csv", "questions.csv", "visits.csv", "patient_survey.csv")
    folder = delivery(tmp_path / "in", names=names)
    code, out, _ = _ingest(capsys, "--db", str(tmp_path / "px.duckdb"), "ingest", "--json",
                           str(folder))
    summary = json.loads(out)
    assert code == 0
    assert summary["files"]["patient_survey"] == {"file": "patient_survey.csv", "rows": 2,
                                                  "added": 2, "replaced": 0, "answers": 5}
    assert summary["covered"]["complaints"] is None
    assert summary["covered"]["staff_survey"] is None


@pytest.mark.parametrize("option", ["--quiet", "--json"])
def test_a_rejection_exits_1_with_its_report_on_stderr_and_json_says_why_on_stdout(
        tmp_path, capsys, option):
    folder = delivery(tmp_path / "in", visits_csv=GOOD["visits.csv"] + "V9,PK,D1,31/12/2024,,\n")
    db = tmp_path / "px.duckdb"
    code, out, err = _ingest(capsys, "--db", str(db), "ingest", option, str(folder))
    assert code == 1 and not db.exists()
    assert err.startswith("error: nothing was loaded") and "spreadsheet line 5, visit_id V9" in err
    if option == "--quiet":
        assert out == ""
        return
    said = json.loads(out)
    assert (said["loaded"], said["folder"], said["database"]) == (False, str(folder), str(db))
    assert [(p["file"], p["row"], p["column"], p["value"]) for p in said["problems"]] == [
        ("visits.csv", 4, "visit_date", "31/12/2024")]
    assert "date" in said["problems"][0]["rule"]


def test_quiet_prints_nothing_on_success(tmp_path, capsys):
    code, out, err = _ingest(capsys, "--db", str(tmp_path / "px.duckdb"), "ingest", "--quiet",
                             str(delivery(tmp_path / "in")))
    assert (code, out, err) == (0, "", "")


def test_quiet_and_json_together_are_wrong_usage(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(tmp_path / "px.duckdb"), "ingest", "--quiet", "--json",
              str(delivery(tmp_path / "in"))])
    assert stopped.value.code == 2
    assert not (tmp_path / "px.duckdb").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# (stderr is a terminal?, options, progress expected?)
@pytest.mark.parametrize("terminal, options, progress", [
    (False, [], False),
    (True, [], True),
    (False, ["--progress"], True),
    (True, ["--quiet"], False),
    (True, ["--json"], True),
])
def test_progress_goes_to_a_terminal_and_stays_out_of_logs(tmp_path, monkeypatch, terminal,
                                                           options, progress):
    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    folder = delivery(tmp_path / "in")
    assert main(["--db", str(tmp_path / "px.duckdb"), "ingest", *options, str(folder)]) == 0
    said = stderr.getvalue()
    phases = ["visits: 3 rows read", "patient_answers: 5 rows loaded", "saving the database"]
    assert all(phase in said for phase in phases) if progress else said == ""


def test_loading_into_the_demo_says_the_demo_is_replaced(tmp_path, capsys):
    db = tmp_path / "px.duckdb"
    assert main(["--db", str(db), "demo", "--scale", "0.01"]) == 0
    capsys.readouterr()
    folder = delivery(tmp_path / "in")
    code, out, _ = _ingest(capsys, "--db", str(db), "ingest", str(folder))
    assert code == 0
    assert out.splitlines()[0] == (f"loaded {folder} into {db} (it held the demo data: that "
                                   "is replaced)")
    assert "  visits.csv          3 rows: 3 added, 0 replaced" in out.splitlines()
