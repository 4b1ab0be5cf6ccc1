"""Where demo chunks go: straight into the base tables, or appended to contract CSV files."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa

from kpi.demo.surveys import PATIENT_QUESTIONS, STAFF_QUESTIONS
from kpi.demo.tables import SHAPED_SQL
from kpi.store.salt import patient_hash_sql

VISIT_COLUMNS_HASHED = (f"SELECT visit_id, {patient_hash_sql('patient_key')} AS patient_hash, "
                        "department_id, visit_date, visit_type, wait_minutes "
                        f"FROM ({SHAPED_SQL['visits']})")


def _registered(con: duckdb.DuckDBPyConnection, chunk: dict[str, pa.Table]):
    for name, table in chunk.items():
        con.register(f"raw_{name}", table)
    return list(chunk)


def _unregister(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    for name in names:
        con.unregister(f"raw_{name}")


class DatabaseSink:
    """Inserts each chunk into the base tables, hashing patient keys with the database's salt."""

    def __init__(self, con: duckdb.DuckDBPyConnection, salt: str):
        self.con, self.salt = con, salt
        self.rows: Counter[str] = Counter()

    def write(self, chunk: dict[str, pa.Table]) -> None:
        """Insert one chunk of raw tables (keyed by base table name)."""
        names = _registered(self.con, chunk)
        try:
            for name, table in chunk.items():
                if name == "visits":
                    self.con.execute(f"INSERT INTO visits BY NAME {VISIT_COLUMNS_HASHED}",
                                     {"salt": self.salt})
                else:
                    self.con.execute(f"INSERT INTO {name} BY NAME {SHAPED_SQL[name]}")
                self.rows[name] += table.num_rows
        finally:
            _unregister(self.con, names)


def _wide_sql(responses: str, answers: str, questions) -> str:
    """One row per survey, one column per question (empty where blank), pivoted in SQL."""
    columns = []
    for q in questions:
        if not q.question_id.isidentifier():
            raise ValueError(f"question id is not a plain name: {q.question_id!r}")
        columns.append(f"max(a.answer) FILTER (WHERE a.question_id = '{q.question_id}') "
                       f"AS \"{q.question_id}\"")
    return (f"SELECT r.*, {', '.join(columns)} FROM ({SHAPED_SQL[responses]}) r "
            f"LEFT JOIN ({SHAPED_SQL[answers]}) a ON a.response_id = r.response_id "
            "GROUP BY ALL ORDER BY r.response_id")


# Delivery file -> (raw tables it needs, the query that writes it, the table counting its rows)
DELIVERY_FILES = {
    "departments": (("departments",), SHAPED_SQL["departments"], "departments"),
    "questions": (("questions",), SHAPED_SQL["questions"], "questions"),
    "visits": (("visits",), SHAPED_SQL["visits"] + " ORDER BY 1", "visits"),
    "patient_survey": (("patient_responses", "patient_answers"),
                       _wide_sql("patient_responses", "patient_answers", PATIENT_QUESTIONS),
                       "patient_responses"),
    "complaints": (("complaints",), SHAPED_SQL["complaints"] + " ORDER BY 1", "complaints"),
    "staff_survey": (("staff_responses", "staff_answers"),
                     _wide_sql("staff_responses", "staff_answers", STAFF_QUESTIONS),
                     "staff_responses"),
    "reviews": (("reviews",), SHAPED_SQL["reviews"] + " ORDER BY 1", "reviews"),
}


class DeliverySink:
    """Appends each chunk to the contract CSV files of a delivery folder (header written once)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, folder: Path, scratch: Path):
        self.con, self.folder, self.scratch = con, Path(folder), Path(scratch)
        self.rows: Counter[str] = Counter()
        self.started: set[str] = set()

    def write(self, chunk: dict[str, pa.Table]) -> None:
        """Write one chunk of raw tables to every delivery file it feeds."""
        names = _registered(self.con, chunk)
        try:
            for file, (needs, query, counted) in DELIVERY_FILES.items():
                if all(n in chunk for n in needs):
                    self._append(file, query)
                    self.rows[file] += chunk[counted].num_rows
        finally:
            _unregister(self.con, names)

    def _append(self, file: str, query: str) -> None:
        target = self.folder / f"{file}.csv"
        first = file not in self.started
        out = target if first else self.scratch / f"{file}.part.csv"
        self.con.sql(query).write_csv(str(out), header=first)
        self.started.add(file)
        if not first:
            with open(target, "ab") as whole, open(out, "rb") as part:
                shutil.copyfileobj(part, whole)
            out.unlink()
