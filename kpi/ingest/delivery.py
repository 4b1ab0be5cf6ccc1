"""Load a delivery folder through the data contract: read, check every rule, load all or nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb

from kpi.errors import PxError
from kpi.ingest.contract import FILES
from kpi.ingest.links import link_checks, link_rules, prepare_links, survey_findings
from kpi.ingest.load import BrokenRows, direct_tables, load_delivery, load_direct
from kpi.ingest.read import Staged, find_delivery, stage_file
from kpi.ingest.report import Finding, file_finding, rejection
from kpi.ingest.rules import column_rules, duplicate_checks, run_check, run_row_rules
from kpi.ingest.settings import duckdb_settings_for_load, removed_after, spill_folder
from kpi.ingest.summary import LoadSummary, covered_dates, file_loads
from kpi.store.derived.delta import Delta
from kpi.store.meta import holds_demo, read_meta, set_meta
from kpi.store.salt import confirm_salt, load_salt
from kpi.store.schema import TABLES
from kpi.store.space import files_bytes
from kpi.store.swap import write_swap

# How visits.patient_hash was computed (see store.patient_hash_sql), kept in the meta table:
# visits hashed another way cannot be matched with newly delivered ones.
PATIENT_HASH = ("patient_hash", "sha256(salt[:32] || key), first 64 bits")


def _quiet(message: str) -> None:
    pass


def ingest_folder(folder: Path, db_path: Path,
                  progress: Callable[[str], None] = _quiet) -> dict[str, int]:
    """Load every contract file in `folder` into the database, or raise RejectedInput and
    leave the database exactly as it was. Returns the rows loaded per database table."""
    return load_folder(folder, db_path, progress).tables


def load_folder(folder: Path, db_path: Path,
                progress: Callable[[str], None] = _quiet) -> LoadSummary:
    """`ingest_folder`, returning the load's summary: rows added and replaced per file, the
    dates each source covers now, the seconds it took (the swap included)."""
    started = time.monotonic()
    folder, db_path = Path(folder), Path(db_path)
    paths, folder_findings = find_delivery(folder)
    replacing_demo = holds_demo(db_path)
    if replacing_demo:
        progress(f"{db_path} holds the demo data: a successful load replaces it")
    salt = load_salt(db_path)  # checked before the copy; its fingerprint in it
    delta = Delta()  # the load's changes, for the derived tables to follow
    with (removed_after(spill_folder(db_path)),
          write_swap(db_path, fresh=replacing_demo, incoming_bytes=files_bytes(paths.values()),
                     progress=progress, delta=delta) as con,
          duckdb_settings_for_load(con, db_path)):
        confirm_salt(con, db_path, salt)
        hashed_alike = _same_patient_hash(con, db_path, "visits" in paths)
        loaded = None if folder_findings else _load_directly(con, paths, salt, progress, delta)
        if loaded is None:
            staged, findings = stage_delivery(con, paths, salt, progress)
            staged, more = check_delivery(con, staged, salt=salt)
            findings += folder_findings + more
            if findings:
                raise rejection(folder, findings)
            loaded = load_delivery(con, staged, progress, delta)
        set_meta(con, "is_demo", "false")
        if hashed_alike:
            set_meta(con, *PATIENT_HASH)
        files = {name: paths[name].name for name in FILES if name in paths}
        tables, replaced = loaded
        summary = LoadSummary(folder, db_path, file_loads(files, tables, replaced), tables,
                              covered_dates(con), replacing_demo)
    return replace(summary, seconds=time.monotonic() - started)


def _same_patient_hash(con: duckdb.DuckDBPyConnection, db_path: Path,
                       delivers_visits: bool) -> bool:
    """Whether the stored visits (if any) were hashed as new ones will be; new visits for a
    database hashed otherwise are refused, since their patients would not match."""
    key, value = PATIENT_HASH
    if read_meta(con).get(key) == value or not con.execute(
            "SELECT EXISTS (FROM visits)").fetchone()[0]:
        return True
    if delivers_visits:
        raise PxError(f"{db_path} holds visits whose patient keys an earlier version hashed "
                      "differently, so new visits could not be matched to their patients: "
                      "load every delivery again into a new database")
    return False


def _load_directly(con: duckdb.DuckDBPyConnection, paths: dict[str, Path], salt: str,
                   progress: Callable[[str], None], delta: Delta,
                   ) -> tuple[dict[str, int], dict[str, int]] | None:
    """The fast way, in one transaction: the files that can go straight into their empty
    tables do, checked as they stream; the rest is staged and checked as usual. Any broken
    rule rolls it all back and gives None: staging everything then names every problem."""
    direct = direct_tables(con, paths)
    if not direct:
        return None
    con.execute("BEGIN TRANSACTION")
    try:
        staged, findings = stage_delivery(con, paths, salt, progress, direct)
        if not findings:
            staged, findings = check_delivery(con, staged, progress, salt)
        loaded = None if findings else load_delivery(con, staged, progress, delta)
    except (duckdb.Error, BrokenRows):
        loaded = None
    con.execute("ROLLBACK" if loaded is None else "COMMIT")
    con.execute("RESET preserve_insertion_order")  # a failed load_delivery may leave it off
    if loaded is None:
        progress("the delivery breaks a rule: reading it again, row by row, to name every "
                 "problem")
    return loaded


def stage_delivery(con: duckdb.DuckDBPyConnection, paths: dict[str, Path], salt: str,
                   progress: Callable[[str], None], direct: dict[str, str] | None = None,
                   ) -> tuple[dict[str, Staged], list[Finding]]:
    """Stage every contract file (absent ones as empty tables, patient keys hashed with
    `salt`; the files in `direct` only planned, for their tables); findings of the reading."""
    staged, findings = {}, []
    if _is_empty(con):
        findings += [file_finding(f"{name}.csv", "is missing: the first load into a new "
                                  "database must bring departments, questions, visits and "
                                  "patient_survey")
                     for name, spec in FILES.items() if spec.first_load and name not in paths]
    for name, spec in FILES.items():
        staged[name], file_findings = stage_file(con, spec, paths.get(name), salt,
                                                 (direct or {}).get(name))
        findings += file_findings
        if staged[name].file is not None and not staged[name].loaded_into:
            progress(f"{name}: {staged[name].rows:,} rows read")
    return staged, findings


def check_delivery(con: duckdb.DuckDBPyConnection, staged: dict[str, Staged],
                   progress: Callable[[str], None] = _quiet, salt: str | None = None,
                   ) -> tuple[dict[str, Staged], list[Finding]]:
    """Every rule of the contract over the staged files and the stored rows. A file to load
    directly is inserted here, its row rules checked as it streams (a broken one raises).
    With the database's `salt`, a reported row names its id where that may be shown."""
    staged = dict(staged)
    prepare_links(con, staged)
    findings, answer_rules = survey_findings(con, staged)
    rules = [r for s in staged.values() for r in column_rules(s)] + link_rules(staged)
    for name, s in staged.items():
        file_rules = [r for r in rules + answer_rules if r.file == name]
        if s.loaded_into and s.reading:
            staged[name] = load_direct(con, s, file_rules)
            progress(f"{name}: {staged[name].rows:,} rows read")
        else:
            findings += run_row_rules(con, file_rules, s, salt)
    checks = [c for s in staged.values() for c in duplicate_checks(s)] + link_checks(staged)
    for check in checks:
        findings += run_check(con, check, staged[check.file], salt)
    return staged, findings


def _is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    return not con.execute("SELECT " + " OR ".join(f"EXISTS (FROM {t})" for t in TABLES)
                           ).fetchone()[0]
