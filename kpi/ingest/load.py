"""Write a checked delivery: replace re-delivered ids, insert typed rows, record the load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import duckdb

from kpi.ingest.formats import reader_sql
from kpi.ingest.read import Staged
from kpi.ingest.rules import RowRule
from kpi.store.derived.delta import Delta

WHOLE = "CAST(CAST({} AS DOUBLE) AS {})"

# For each database table: the contract file it comes from, its key, and the typed SELECT.
LOADS = (
    ("departments", "departments", "department_id",
     "SELECT department_id, department_name, service_line, site FROM stage_departments"),
    ("questions", "questions", "question_id",
     "SELECT question_id, audience, domain, scale, question_text, "
     "CAST(top_box_min AS DOUBLE), hcahps_measure FROM stage_questions"),
    ("visits", "visits", "visit_id",  # patient_key is staged as its salted hash
     f"SELECT visit_id, patient_key, department_id, CAST(visit_date AS DATE), visit_type, "
     f"{WHOLE.format('wait_minutes', 'INTEGER')} FROM stage_visits"),
    ("patient_responses", "patient_survey", "response_id",
     "SELECT response_id, department_id, CAST(response_date AS DATE), visit_id, mode, comment "
     "FROM stage_patient_survey"),
    ("patient_answers", "patient_survey", "response_id", None),
    ("complaints", "complaints", "complaint_id",
     "SELECT complaint_id, department_id, CAST(received_date AS DATE), category, severity, "
     "CAST(acknowledged_date AS DATE), CAST(resolved_date AS DATE), owner, outcome "
     "FROM stage_complaints"),
    ("staff_responses", "staff_survey", "response_id",
     "SELECT response_id, department_id, CAST(response_date AS DATE) FROM stage_staff_survey"),
    ("staff_answers", "staff_survey", "response_id", None),
    ("holidays", "holidays", "date", "SELECT CAST(date AS DATE) FROM stage_holidays"),
    ("reviews", "reviews", "review_id",
     f"SELECT review_id, source, site, department_id, CAST(review_date AS DATE), "
     f"{WHOLE.format('rating', 'TINYINT')}, text, CAST(response_date AS DATE) "
     f"FROM stage_reviews"),
)


# Files that may skip staging and go straight into their table when it is empty: big enough
# that a staged copy costs seconds and GB, and read by other files' rules only once loaded.
DIRECT_FILES = ("visits",)


def direct_tables(con: duckdb.DuckDBPyConnection, files) -> dict[str, str]:
    """The files among `files` that can be loaded directly, with their (empty) tables."""
    tables = {file: table for table, file, _, _ in LOADS if file in DIRECT_FILES}
    return {file: tables[file] for file in files if file in tables and
            not con.execute(f"SELECT EXISTS (FROM {tables[file]})").fetchone()[0]}


class BrokenRows(Exception):
    """Rows loaded directly break a rule (which rows is left to the staged check)."""


def load_direct(con: duckdb.DuckDBPyConnection, staged: Staged, rules: list[RowRule]) -> Staged:
    """Insert a file's rows straight into its empty table, in file order, every row rule
    checked as the rows stream past (rules that join, on the loaded rows). A row breaking one
    raises BrokenRows, a row the reader cannot read duckdb.Error, naming nothing: the caller
    rolls back and stages the delivery to report every problem."""
    select = next(select for table, file, _, select in LOADS if table == staged.loaded_into)
    streamed = " OR ".join(f"({rule.condition})" for rule in rules if not rule.joins)
    reading = staged.reading
    rows = con.execute(
        f"INSERT INTO {staged.loaded_into} WITH stage_{staged.spec.name} AS (SELECT * FROM ("
        f"SELECT {reading.outer} FROM (SELECT {reading.select} FROM "
        f"{reader_sql(reading.path, reading.width)})) WHERE CASE WHEN {streamed or 'false'} "
        f"THEN error('a row breaks a rule of the data contract') ELSE true END) {select}",
        {"path": str(reading.path), **reading.params}).fetchone()[0]
    joined = " OR ".join(f"({rule.condition})" for rule in rules if rule.joins)
    if joined and con.execute(f"SELECT EXISTS (FROM {staged.loaded_into} WHERE {joined})"
                              ).fetchone()[0]:
        raise BrokenRows(staged.file)
    return replace(staged, rows=rows)


def load_delivery(con: duckdb.DuckDBPyConnection, staged: dict[str, Staged],
                  progress: Callable[[str], None], delta: Delta | None = None,
                  ) -> tuple[dict[str, int], dict[str, int]]:
    """Replace the rows whose ids are re-delivered, insert the delivery; rows per table, and
    the stored rows each table's delivery replaced, every change recorded in `delta` (a new
    one when not given). Inserts in any order (faster; stored order means nothing) and
    restores the file order when done: a caller that goes on after a failure must RESET
    preserve_insertion_order."""
    delta = delta or Delta()
    delta.start(con)
    con.execute("SET preserve_insertion_order = false")
    loaded, replaced = {}, {}
    for table, file, key, select in LOADS:
        if staged[file].file is None:
            continue
        if staged[file].loaded_into != table:
            # compared as text: a key may be a date (holidays), staged as its ISO text
            replaced[table] = delta.replace(con, table, key, f"SELECT {key} FROM stage_{file}")
            loaded[table] = delta.insert(con, table, select or answers_sql(staged[file]))
        else:
            loaded[table], replaced[table] = staged[file].rows, 0  # its table was empty
            delta.full = True  # loaded past the delta: the derived tables are rebuilt
        progress(f"{table}: {loaded[table]:,} rows loaded")
    con.execute("RESET preserve_insertion_order")  # staging numbers rows by their order
    loaded_at = datetime.now()
    con.executemany("INSERT INTO loads VALUES (?, 'ingest', ?, ?)",
                    [(loaded_at, table, rows) for table, rows in loaded.items()])
    return loaded, replaced


def answers_sql(staged: Staged) -> str:
    """SELECT of a wide survey's answers in long form (blank answers give no row)."""
    name = staged.spec.name
    columns = ", ".join(col for col, _ in staged.questions)
    if not columns:
        return "SELECT NULL, NULL, NULL WHERE false"
    return (f"SELECT l.response_id, c.question_id, {WHOLE.format('l.v', 'TINYINT')} FROM "
            f"(UNPIVOT (SELECT response_id, {columns} FROM stage_{name}) ON {columns} "
            f"INTO NAME col VALUE v) l JOIN column_questions c "
            f"ON c.file = '{name}' AND c.col = l.col")
