"""The demo as a contract delivery: the worked example of the import format, and a round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.demo.build import build_demo, write_delivery
from kpi.demo.hospital import COMMENTS, COMPLAINT_OWNERS, QUESTIONS
from kpi.ingest.contract import OUTCOMES
from tests.support.demo_test_helpers import END, share_salt, sorted_tables
from tests.support.demo_test_helpers import SMALL_SCALE as SCALE

FILES = {
    "departments": ["department_id", "department_name", "service_line", "site"],
    "questions": ["question_id", "audience", "domain", "scale", "question_text", "top_box_min",
                  "hcahps_measure"],
    "visits": ["visit_id", "patient_key", "department_id", "visit_date", "visit_type",
               "wait_minutes"],
    "patient_survey": ["response_id", "department_id", "response_date", "visit_id", "mode",
                       "comment"] + [q.question_id for q in QUESTIONS if q.audience == "patient"],
    "complaints": ["complaint_id", "department_id", "received_date", "category", "severity",
                   "acknowledged_date", "resolved_date", "owner", "outcome"],
    "staff_survey": ["response_id", "department_id", "response_date"]
                    + [q.question_id for q in QUESTIONS if q.audience == "staff"],
    "reviews": ["review_id", "source", "site", "department_id", "review_date", "rating", "text",
                "response_date"],
}


@pytest.fixture(scope="module")
def delivery(tmp_path_factory):
    folder = tmp_path_factory.mktemp("delivery") / "demo"
    return folder, write_delivery(folder, seed=7, scale=SCALE, end=END)


def read_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_delivery_holds_the_seven_contract_files_with_their_headers(delivery):
    folder, counts = delivery
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.csv" for n in FILES)
    for name, header in FILES.items():
        with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == header, name
    assert {name: len(read_rows(folder, name)) for name in FILES} == counts
    assert not (folder / "visits.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_free_text_survives_csv_quoting(delivery):
    comments = {row["comment"] for row in read_rows(delivery[0], "patient_survey")}
    assert comments - {""} <= set(COMMENTS)
    for tricky in ("\n", '"', "=", "\N{SMILING FACE WITH SMILING EYES}"):
        assert any(tricky in c for c in comments), tricky


def test_blank_answers_are_empty_cells_and_keys_are_pseudonymous(delivery):
    folder = delivery[0]
    surveys = read_rows(folder, "patient_survey")
    answers = [v for row in surveys for k, v in row.items() if k.startswith("Q_")]
    assert 0.04 <= answers.count("") / len(answers) <= 0.07
    visits = read_rows(folder, "visits")
    assert all(v["patient_key"].startswith("PK") and len(v["patient_key"]) == 18 for v in visits)
    assert any(v["wait_minutes"] == "" for v in visits)


def test_the_delivery_is_identical_when_written_again_into_the_same_folder(delivery):
    folder, counts = delivery
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert write_delivery(folder, seed=7, scale=SCALE, end=END) == counts
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_ingesting_the_delivery_gives_the_demo_database(delivery, recent_demo, tmp_path):
    from kpi.ingest.delivery import ingest_folder

    built, ingested = recent_demo[0], tmp_path / "ingested.duckdb"
    share_salt(built, ingested)
    ingest_folder(delivery[0], ingested)
    expected = sorted_tables(built)
    assert sum(len(rows) for rows in expected.values()) > 20_000
    assert sorted_tables(ingested) == expected


def test_cli_writes_the_delivery(tmp_path, capsys):
    folder = tmp_path / "out"
    assert main(["demo", "--scale", "0.001", "--csv", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"wrote the demo delivery to {folder}" in out and "patient_survey:" in out
    assert len(list(folder.glob("*.csv"))) == 7


def test_the_demo_never_replaces_ingested_data(delivery, tmp_path):
    from kpi.errors import PxError
    from kpi.ingest.delivery import ingest_folder

    db = tmp_path / "real.duckdb"
    ingest_folder(delivery[0], db)
    before = db.read_bytes()
    with pytest.raises(PxError, match="holds loaded data"):
        build_demo(db, scale=0.001, end=END)
    assert db.read_bytes() == before


def test_the_demo_delivers_an_owner_for_every_complaint_and_an_outcome_for_the_resolved(delivery):
    rows = read_rows(delivery[0], "complaints")
    assert {r["owner"] for r in rows} == set(COMPLAINT_OWNERS)
    assert {r["outcome"] for r in rows if r["resolved_date"]} == set(OUTCOMES)
    assert {r["outcome"] for r in rows if not r["resolved_date"]} == {""}
