"""The KPI engine: compute(kpis, filter, groups) -> one tidy DataFrame, the same for every view."""

from __future__ import annotations

from datetime import date
from typing import Sequence

import numpy as np
import pandas as pd

from kpi.catalog import Kpi, resolve_kpis
from kpi.engine_complaints import compute_complaints
from kpi.engine_meta import data_as_of, default_window, departments
from kpi.engine_rows import ROW_COLUMNS
from kpi.engine_run import Run
from kpi.engine_survey import compute_survey
from kpi.engine_visits import compute_visits
from kpi.filters import Filter
from kpi.sql_filter import KEYS, UNGROUPED, resolve_scope
from kpi.stats import suppressed_mask

COLUMNS = ["kpi_id", "kpi_label", "unit", "direction", *KEYS, "start", "end", "value",
           "numerator", "denominator", "n", "ci_low", "ci_high", "suppressed", "data_as_of"]
WITHHELD = ["value", "numerator", "denominator", "n", "ci_low", "ci_high"]
COUNTS = ["numerator", "denominator", "n"]

# One function per source: each runs its grouped queries once for all its KPIs.
SOURCE_ENGINES = {
    "visits": compute_visits,
    "patient_survey": compute_survey,
    "complaints": compute_complaints,
    "staff_survey": compute_survey,
}

__all__ = ["COLUMNS", "compute", "data_as_of", "default_window", "departments"]


def compute(con, kpi_ids: Sequence[str] | None, flt: Filter,
            group_by: Sequence[str] = ()) -> pd.DataFrame:
    """Every requested KPI (all when None or empty) for every group of the filter.

    Columns: COLUMNS (the snapshot columns without generated_at); one row per KPI x group,
    sorted by kpi_id, department_id, month. department_id / month are None when not grouped.
    """
    kpis = resolve_kpis(con, kpi_ids)
    run = Run(con, resolve_scope(con, flt, group_by), data_as_of(con), kpis)
    frames = []
    for source, engine in SOURCE_ENGINES.items():
        chosen = [k for k in kpis if k.source == source]
        if chosen:
            frames += engine(run, chosen, source=source)
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ROW_COLUMNS)
    return _finish(rows, kpis, run.scope.start, run.scope.end, run.as_of)


def _finish(rows: pd.DataFrame, kpis: list[Kpi], start: date, end: date,
            as_of: dict[str, date | None]) -> pd.DataFrame:
    """Suppression, the KPI's declared fields, types and the contract's row order."""
    by_id = {k.id: k for k in kpis}
    kpi = rows.kpi_id.map(by_id)
    min_n = kpi.map(lambda k: k.min_n).to_numpy(dtype=int)
    n = rows.n.to_numpy(dtype=float)
    suppressed = np.zeros(len(rows), dtype=bool)
    for threshold in set(min_n[min_n > 0]):
        suppressed |= (min_n == threshold) & suppressed_mask(n, threshold)
    rows.loc[suppressed, WITHHELD] = np.nan
    out = pd.DataFrame({
        "kpi_id": rows.kpi_id, "kpi_label": kpi.map(lambda k: k.label),
        "unit": kpi.map(lambda k: k.unit), "direction": kpi.map(lambda k: k.direction),
        **{key: rows[key].map(lambda v: None if v == UNGROUPED else v).astype(object)
           for key in KEYS},
        "start": start, "end": end,
        **{c: rows[c].astype(float) for c in ("value", "ci_low", "ci_high")},
        **{c: rows[c].round().astype("Int64") for c in COUNTS},
        "suppressed": suppressed,
        "data_as_of": kpi.map(lambda k: as_of[k.source]).astype(object)}, columns=COLUMNS)
    out = out.sort_values(["kpi_id", *KEYS], kind="stable", na_position="first")
    return out.reset_index(drop=True)
