"""The optional reviews file loads as the contract says: typed rows, free text kept exactly,
a re-delivered review replacing the stored one, sites checked against stored departments, and
an older database (without the reviews table) given the table by its next load."""

from __future__ import annotations

from datetime import date

import duckdb

from kpi.ingest.delivery import ingest_folder
from tests.support.ingest_helpers import delivery, rows, write_files

HEADER = "review_id,source,site,department_id,review_date,rating,text,response_date\n"
REVIEWS = (HEADER
           + "G1,google,North,,2024-01-02,1,\"  Parking, awful\nand slow  \",2024-01-09\n"
           + "G2,nhs_website,,D2,2024-01-03,4.0,,\n"
           + "G3,yelp,South,D2,2024-01-04,5,=SUM(A1),2024-01-04\n")
STORED = "SELECT * FROM reviews ORDER BY review_id"


def test_a_delivery_with_reviews_loads_them_typed_and_text_exactly(tmp_path):
    db = tmp_path / "px.duckdb"
    loaded = ingest_folder(delivery(tmp_path / "in", reviews_csv=REVIEWS), db)
    assert loaded["reviews"] == 3
    assert rows(db, STORED) == [
        ("G1", "google", "North", None, date(2024, 1, 2), 1, "  Parking, awful\nand slow  ",
         date(2024, 1, 9)),
        ("G2", "nhs_website", None, "D2", date(2024, 1, 3), 4, None, None),
        ("G3", "yelp", "South", "D2", date(2024, 1, 4), 5, "=SUM(A1)", date(2024, 1, 4))]


def test_a_re_delivered_review_replaces_the_stored_one(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first", reviews_csv=REVIEWS), db)
    again = write_files(tmp_path / "again", {"reviews.csv": HEADER + (
        "G2,nhs_website,,D2,2024-01-03,4,Thank you,2024-01-05\n"
        "G4,google,North,,2024-02-01,3,,\n")})
    ingest_folder(again, db)
    ingest_folder(again, db)  # the same file twice gives the same database
    assert rows(db, "SELECT review_id, text, response_date FROM reviews ORDER BY 1") == [
        ("G1", "  Parking, awful\nand slow  ", date(2024, 1, 9)),
        ("G2", "Thank you", date(2024, 1, 5)), ("G3", "=SUM(A1)", date(2024, 1, 4)),
        ("G4", None, None)]


def test_a_later_review_may_name_a_site_of_the_stored_departments_only(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    ingest_folder(write_files(tmp_path / "later", {
        "reviews.csv": HEADER + "G5,google,South,,2024-03-01,2,,\n"}), db)
    assert rows(db, "SELECT review_id, site FROM reviews") == [("G5", "South")]


def test_an_older_database_gets_the_reviews_table_on_its_next_load(tmp_path):
    db = tmp_path / "px.duckdb"
    ingest_folder(delivery(tmp_path / "first"), db)
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE reviews")  # as a database written before reviews existed
    con.close()
    ingest_folder(write_files(tmp_path / "later", {"reviews.csv": REVIEWS}), db)
    assert [r[0] for r in rows(db, STORED)] == ["G1", "G2", "G3"]
