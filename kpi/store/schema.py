"""The database schema: base tables faithful to the data contract."""

from __future__ import annotations

from kpi.facts import fact

SCHEMA_VERSION = "1"
# Base tables, faithful to the data contract (long-form survey answers, hashed patient keys).
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS departments (
    department_id VARCHAR NOT NULL, department_name VARCHAR NOT NULL,
    service_line VARCHAR, site VARCHAR);
CREATE TABLE IF NOT EXISTS questions (
    question_id VARCHAR NOT NULL, audience VARCHAR NOT NULL, domain VARCHAR NOT NULL,
    scale VARCHAR NOT NULL, question_text VARCHAR, top_box_min DOUBLE, hcahps_measure VARCHAR);
ALTER TABLE questions ADD COLUMN IF NOT EXISTS hcahps_measure VARCHAR;
CREATE TABLE IF NOT EXISTS visits (
    visit_id VARCHAR NOT NULL, patient_hash UBIGINT NOT NULL, department_id VARCHAR NOT NULL,
    visit_date DATE NOT NULL, visit_type VARCHAR, wait_minutes INTEGER);
CREATE TABLE IF NOT EXISTS patient_responses (
    response_id VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL,
    visit_id VARCHAR, mode VARCHAR, comment VARCHAR);
CREATE TABLE IF NOT EXISTS patient_answers (
    response_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL, answer TINYINT NOT NULL);
CREATE TABLE IF NOT EXISTS complaints (
    complaint_id VARCHAR NOT NULL, department_id VARCHAR NOT NULL, received_date DATE NOT NULL,
    category VARCHAR NOT NULL, severity VARCHAR, acknowledged_date DATE, resolved_date DATE,
    owner VARCHAR, outcome VARCHAR);
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS owner VARCHAR;
ALTER TABLE complaints ADD COLUMN IF NOT EXISTS outcome VARCHAR;
CREATE TABLE IF NOT EXISTS holidays (date DATE NOT NULL);
CREATE TABLE IF NOT EXISTS reviews (
    review_id VARCHAR NOT NULL, source VARCHAR NOT NULL, site VARCHAR, department_id VARCHAR,
    review_date DATE NOT NULL, rating TINYINT NOT NULL, text VARCHAR, response_date DATE);
CREATE TABLE IF NOT EXISTS staff_responses (
    response_id VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL);
CREATE TABLE IF NOT EXISTS staff_answers (
    response_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL, answer TINYINT NOT NULL);
CREATE TABLE IF NOT EXISTS loads (
    loaded_at TIMESTAMP NOT NULL, source VARCHAR NOT NULL, table_name VARCHAR NOT NULL,
    rows BIGINT NOT NULL);
"""

TABLES = ("departments", "questions", "visits", "patient_responses", "patient_answers",
          "complaints", "staff_responses", "staff_answers", "holidays", "reviews")

# A table a later version added, and an empty stand-in with its columns: read from a database
# written before it existed (the table itself is added by the next load).
ADDED_TABLES = {"reviews": ("SELECT NULL::VARCHAR AS review_id, NULL::VARCHAR AS source, "
                            "NULL::VARCHAR AS site, NULL::VARCHAR AS department_id, "
                            "NULL::DATE AS review_date, NULL::TINYINT AS rating, "
                            "NULL::VARCHAR AS text, NULL::DATE AS response_date WHERE false")}


def table_sql(con, table: str) -> str:
    """What a query reads for a table a later version added (ADDED_TABLES): the table, or,
    in a database written before it existed, an empty stand-in with its columns (asked once
    per database version on a connection with a memo: kpi.facts)."""
    if table not in ADDED_TABLES:
        return table
    present = fact(con, ("has table", table), lambda: con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND "
        "database_name = current_database()", [table]).fetchone()[0])
    return table if present else f"({ADDED_TABLES[table]})"
