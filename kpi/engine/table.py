"""The KPI engine: compute(kpis, filter, groups) -> one tidy DataFrame, the same for every view."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kpi.catalog.kpis import resolve_kpis
from kpi.engine.complaints import compute_complaints
from kpi.engine.meta import data_as_of
from kpi.engine.rows import RESULT_FIELDS, KpiRows
from kpi.engine.run import Run
from kpi.engine.scope import KEYS, resolve_scope
from kpi.engine.survey import compute_survey
from kpi.engine.visits import compute_visits
from kpi.filters import Filter
from kpi.stats import suppressed_mask
from kpi.store.derived.version import is_current

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

__all__ = ["COLUMNS", "compute"]


def compute(con, kpi_ids: Sequence[str] | None, flt: Filter,
            group_by: Sequence[str] = ()) -> pd.DataFrame:
    """Every requested KPI (all when None or empty) for every group of the filter.

    Columns: COLUMNS (the snapshot columns without generated_at); one row per KPI x group,
    sorted by kpi_id, department_id, month. department_id / month are None when not grouped.
    """
    kpis = resolve_kpis(con, kpi_ids)
    run = Run(con, resolve_scope(con, flt, group_by), data_as_of(con), kpis,
              derived=is_current(con))
    results = []
    for source, engine in SOURCE_ENGINES.items():
        chosen = [k for k in kpis if k.source == source]
        if chosen:
            results += engine(run, chosen, source=source)
    return _finish(sorted(results, key=lambda r: r.kpi.id), run)


def _finish(results: list[KpiRows], run: Run) -> pd.DataFrame:
    """Suppression, the KPI's declared fields, types and the contract's row order (KPIs by
    id, each on the grid, which is sorted by department and month)."""
    labels = run.scope.grid_labels()
    size = len(labels)
    kpis = [r.kpi for r in results]
    fields = {f: np.concatenate([getattr(r, f) for r in results]) if results else np.empty(0)
              for f in RESULT_FIELDS}
    min_n = np.repeat([k.min_n for k in kpis], size).astype(int)
    suppressed = np.zeros(len(min_n), dtype=bool)
    for threshold in set(min_n[min_n > 0]):
        suppressed |= (min_n == threshold) & suppressed_mask(fields["n"], threshold)
    for f in WITHHELD:
        fields[f][suppressed] = np.nan

    def each_kpi(values) -> pd.Series:
        return pd.Series(np.repeat(np.array(values, dtype=object), size), dtype=object)

    def each_group(values) -> pd.Series:
        return pd.Series(np.tile(np.array(values, dtype=object), len(kpis)), dtype=object)

    out = pd.DataFrame({
        "kpi_id": each_kpi([k.id for k in kpis]).astype(str),
        "kpi_label": each_kpi([k.label for k in kpis]).astype(str),
        "unit": each_kpi([k.unit for k in kpis]).astype(str),
        "direction": each_kpi([k.direction for k in kpis]).astype(str),
        "department_id": each_group([d for d, _ in labels]),
        "month": each_group([m for _, m in labels]),
        "start": run.scope.start, "end": run.scope.end,
        **{c: fields[c] for c in ("value", "ci_low", "ci_high")},
        **{c: pd.Series(fields[c]).round().astype("Int64") for c in COUNTS},
        "suppressed": suppressed,
        "data_as_of": each_kpi([run.as_of[k.source] for k in kpis])}, columns=COLUMNS)
    return out
