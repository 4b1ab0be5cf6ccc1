"""Write a checked delivery: replace re-delivered ids, insert typed rows, record the load."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

import duckdb

from kpi.ingest_read import Staged
from kpi.store import patient_hash_sql

WHOLE = "CAST(CAST({} AS DOUBLE) AS {})"

# For each database table: the contract file it comes from, its key, and the typed SELECT.
LOADS = (
    ("departments", "departments", "department_id",
     "SELECT department_id, department_name, service_line, site FROM stage_departments"),
    ("questions", "questions", "question_id",
     "SELECT question_id, audience, domain, scale, question_text, "
     "CAST(top_box_min AS DOUBLE) FROM stage_questions"),
    ("visits", "visits", "visit_id",
     f"SELECT visit_id, {patient_hash_sql('patient_key')}, department_id, "
     f"CAST(visit_date AS DATE), visit_type, {WHOLE.format('wait_minutes', 'INTEGER')} "
     "FROM stage_visits"),
    ("patient_responses", "patient_survey", "response_id",
     "SELECT response_id, department_id, CAST(response_date AS DATE), visit_id, mode, comment "
     "FROM stage_patient_survey"),
    ("patient_answers", "patient_survey", "response_id", None),
    ("complaints", "complaints", "complaint_id",
     "SELECT complaint_id, department_id, CAST(received_date AS DATE), category, severity, "
     "CAST(acknowledged_date AS DATE), CAST(resolved_date AS DATE) FROM stage_complaints"),
    ("staff_responses", "staff_survey", "response_id",
     "SELECT response_id, department_id, CAST(response_date AS DATE) FROM stage_staff_survey"),
    ("staff_answers", "staff_survey", "response_id", None),
)


def load_delivery(con: duckdb.DuckDBPyConnection, staged: dict[str, Staged], salt: str,
                  progress: Callable[[str], None]) -> dict[str, int]:
    """Replace the rows whose ids are re-delivered, insert the delivery; rows per table."""
    con.execute("SET preserve_insertion_order = false")  # stored order means nothing; faster
    loaded = {}
    for table, file, key, select in LOADS:
        if staged[file].file is None:
            continue
        con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM stage_{file})")
        select = select or answers_sql(staged[file])
        params = {"salt": salt} if "$salt" in select else {}
        loaded[table] = con.execute(f"INSERT INTO {table} {select}", params).fetchone()[0]
        progress(f"{table}: {loaded[table]:,} rows loaded")
    loaded_at = datetime.now()
    con.executemany("INSERT INTO loads VALUES (?, 'ingest', ?, ?)",
                    [(loaded_at, table, rows) for table, rows in loaded.items()])
    return loaded


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
