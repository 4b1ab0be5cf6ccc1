"""The record's id beside a reported row: read from its file's id column (visit_id,
response_id, complaint_id, ...), never from a patient key, and shown only when it cannot be one.

A file whose columns were swapped may hold patient keys in its id column, so an id is shown
only when it has the shape of an id (`privacy.shown_id`), appears once in its file (a
patient's key repeats over their visits) and is no patient's key, delivered or stored
(compared through the salted hash: keys are never held in clear)."""

from __future__ import annotations

import duckdb

from kpi.ingest.privacy import shown_id
from kpi.ingest.read import Staged
from kpi.store.salt import patient_hash_sql


def record_ids(con: duckdb.DuckDBPyConnection, staged: Staged, rowids: list[int],
               salt: str | None) -> dict[int, tuple[str, str]]:
    """(id column, id) of each listed staged row whose id may be shown; none without a salt
    (the patient-key comparison needs it)."""
    key = staged.spec.key
    if salt is None or not rowids or key not in staged.present:
        return {}
    found = con.execute(f"SELECT rowid, {key} FROM {staged.table} "
                        "WHERE rowid IN (SELECT unnest($rows))", {"rows": rowids}).fetchall()
    candidates = {rowid: shown_id(value) for rowid, value in found}
    ids = sorted({value for value in candidates.values() if value is not None})
    if not ids:
        return {}
    safe = {value for (value,) in con.execute(
        f"SELECT k FROM (SELECT unnest($ids) AS k) WHERE k NOT IN (SELECT {key} FROM "
        f"{staged.table} WHERE {key} IN (SELECT unnest($ids)) GROUP BY ALL HAVING count(*) > 1)"
        f" AND {patient_hash_sql('k')} NOT IN (SELECT patient_key FROM stage_visits "
        "WHERE patient_key IS NOT NULL UNION ALL SELECT patient_hash FROM visits)",
        {"ids": ids, "salt": salt}).fetchall()}
    return {rowid: (key, value) for rowid, value in candidates.items() if value in safe}
