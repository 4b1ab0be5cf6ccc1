"""The demo hospital: build it as a database, or write it as a contract delivery folder."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from kpi.demo.complaints import month_complaints
from kpi.demo.hospital import DEPARTMENTS
from kpi.demo.plan import MONTHS, DemoPlan, DemoStory, demo_story
from kpi.demo.reviews import month_reviews
from kpi.demo.sinks import DatabaseSink, DeliverySink
from kpi.demo.surveys import patient_surveys, staff_surveys
from kpi.demo.tables import month_tables, review_table, static_tables
from kpi.demo.visits import PatientPool, month_visits
from kpi.errors import PxError
from kpi.store.connect import configure
from kpi.store.meta import holds_demo, set_meta
from kpi.store.salt import confirm_salt, load_salt
from kpi.store.swap import write_swap

__all__ = ["build_demo", "write_delivery", "demo_story", "DemoStory"]

DEMO_MEMORY_LIMIT = "512MB"  # keeps DuckDB's buffer pool (and so peak RSS) bounded at any scale
PROGRESS_EVERY_MONTHS = 6
BATCH_VISITS = 200_000       # months are written in batches of about this many visits


def _quiet(message: str) -> None:
    """The default progress callback: say nothing."""


def month_chunks(plan: DemoPlan, progress: Callable[[str], None] = _quiet
                 ) -> Iterator[dict[str, pa.Table]]:
    """The demo's raw tables, one calendar month at a time (bounded memory)."""
    pool = PatientPool()
    next_visit = next_response = next_staff = next_complaint = next_review = 1
    for month in range(MONTHS):
        rng = np.random.default_rng([plan.seed, 1, month])
        visits = month_visits(rng, plan, month, pool, next_visit)
        patient = patient_surveys(rng, plan, month, visits, next_response)
        staff = staff_surveys(rng, plan, month, next_staff)
        per_department = np.bincount(visits.department, minlength=len(DEPARTMENTS))
        complaints = month_complaints(rng, plan, month, per_department, next_complaint)
        reviews = month_reviews(plan, month, next_review)  # its own random stream
        yield {**month_tables(visits, patient, staff, complaints), "reviews": review_table(reviews)}
        next_review += len(reviews.review_no)
        next_visit += len(visits.visit_no)
        next_response += len(patient.response_no)
        next_staff += len(staff.response_no)
        next_complaint += len(complaints.complaint_no)
        if (month + 1) % PROGRESS_EVERY_MONTHS == 0 or month == MONTHS - 1:
            progress(f"demo: {month + 1}/{MONTHS} months generated "
                     f"({next_visit - 1:,} visits, {next_response - 1:,} patient surveys)")


def batched(chunks: Iterable[dict[str, pa.Table]], min_visits: int = BATCH_VISITS
            ) -> Iterator[dict[str, pa.Table]]:
    """Months merged into batches of at least min_visits visits (fewer, larger writes)."""
    pending: list[dict[str, pa.Table]] = []
    for chunk in chunks:
        pending.append(chunk)
        if sum(c["visits"].num_rows for c in pending) >= min_visits:
            yield _merged(pending)
            pending = []
    if pending:
        yield _merged(pending)


def _merged(chunks: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    return {name: pa.concat_tables([c[name] for c in chunks]) for name in chunks[0]}


def generate(plan: DemoPlan, sink: DatabaseSink | DeliverySink,
             progress: Callable[[str], None] = _quiet) -> None:
    """Feed the whole demo to a sink: the catalog, then batches of months."""
    sink.write(static_tables())
    for batch in batched(month_chunks(plan, progress)):
        sink.write(batch)


def build_demo(db_path, seed: int = 7, scale: float = 1.0,
               progress: Callable[[str], None] = _quiet, end: date | None = None) -> dict[str, int]:
    """Build (replace) the demo database at db_path; returns rows per base table.

    Refuses (PxError) when db_path holds ingested data rather than an earlier demo.
    """
    plan = DemoPlan(seed, scale, end or date.today())
    db_path = Path(db_path)
    if db_path.exists() and not holds_demo(db_path):
        raise PxError(f"{db_path} holds loaded data, not the demo: the demo never replaces it; "
                      "choose another --db path")
    salt = load_salt(db_path)
    with write_swap(db_path, fresh=True, progress=progress) as con:
        confirm_salt(con, db_path, salt)
        con.execute("SET memory_limit = ?", [DEMO_MEMORY_LIMIT])
        con.execute("SET preserve_insertion_order = false")
        sink = DatabaseSink(con, salt)
        generate(plan, sink, progress)
        for key, value in (("is_demo", "true"), ("demo_seed", str(seed)),
                           ("demo_scale", repr(float(scale))), ("demo_end", plan.end.isoformat())):
            set_meta(con, key, value)
        loaded_at = datetime.now()
        con.executemany("INSERT INTO loads VALUES (?, 'demo', ?, ?)",
                        [[loaded_at, table, rows] for table, rows in sink.rows.items()])
    return dict(sink.rows)


def write_delivery(folder, seed: int = 7, scale: float = 1.0,
                   progress: Callable[[str], None] = _quiet,
                   end: date | None = None) -> dict[str, int]:
    """Write the demo as contract CSV files in folder; returns rows per file."""
    plan = DemoPlan(seed, scale, end or date.today())
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    con = configure(duckdb.connect())
    try:
        con.execute("SET memory_limit = ?", [DEMO_MEMORY_LIMIT])
        with tempfile.TemporaryDirectory(prefix="px-demo-") as scratch:
            sink = DeliverySink(con, folder, Path(scratch))
            generate(plan, sink, progress)
    finally:
        con.close()
    return dict(sink.rows)
