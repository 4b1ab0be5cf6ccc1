"""The KPI engine: compute(kpis, filter, groups) -> one tidy DataFrame, the same for every view."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd

from kpi.catalog.kpis import charted, resolve_kpis
from kpi.engine.cursors import each_on_a_cursor
from kpi.engine.disclosure import withheld
from kpi.engine.kinds import check_computable, compute_kpi
from kpi.engine.meta import data_as_of
from kpi.engine.rows import RESULT_FIELDS, KpiRows
from kpi.engine.run import Run
from kpi.engine.scope import KEYS, resolve_scope
from kpi.filters import Filter
from kpi.store.derived.version import is_current

COLUMNS = ["kpi_id", "kpi_label", "unit", "direction", *KEYS, "start", "end", "value",
           "numerator", "denominator", "n", "ci_low", "ci_high", "suppressed", "data_as_of"]
WITHHELD = ["value", "numerator", "denominator", "n", "ci_low", "ci_high"]
COUNTS = ["numerator", "denominator", "n"]

__all__ = ["COLUMNS", "compute", "withheld_groups"]


def compute(con, kpi_ids: Sequence[str] | None, flt: Filter,
            group_by: Sequence[str] = (), chart: bool = False) -> pd.DataFrame:
    """Every requested KPI (all when None or empty) for every group of the filter.

    Columns: COLUMNS (the snapshot columns without generated_at); one row per KPI x group,
    sorted by kpi_id, department_id, month. department_id / month are None when not grouped.
    `chart`: each KPI as its control chart plots it (by its chart kind, when it has one).
    """
    kpis = [charted(k) if chart else k for k in resolve_kpis(con, kpi_ids)]
    check_computable(kpis)
    run = Run(con, resolve_scope(con, flt, group_by), data_as_of(con), kpis,
              derived=is_current(con))
    return _finish(_rows(run, kpis), run)


def withheld_groups(con, kpi_ids: Sequence[str] | None, flt: Filter,
                    group_by: Sequence[str] = ()) -> pd.DataFrame:
    """The groups compute withholds for this filter (kpi_id, department_id, month, as compute
    writes them), decided the same way but without computing the groups' values."""
    kpis = sorted(resolve_kpis(con, kpi_ids), key=lambda k: k.id)
    check_computable(kpis)
    run = Run(con, resolve_scope(con, flt, group_by), data_as_of(con), kpis,
              derived=is_current(con))
    labels = run.scope.grid_labels()
    hidden = withheld(run, kpis, _rows)
    groups = [(k.id, d, m) for k in kpis for d, m in labels]
    return pd.DataFrame([g for g, h in zip(groups, hidden) if h],
                        columns=["kpi_id", *KEYS])


def _rows(run: Run, kpis: list) -> list[KpiRows]:
    """Each KPI's rows on the run's grid, nothing withheld yet, sorted by KPI id; the KPIs of
    each source in turn, the sources side by side where the connection allows."""
    by_source: dict[str, list] = {}
    for kpi in kpis:
        by_source.setdefault(kpi.source, []).append(kpi)
    parts = each_on_a_cursor(run.con, [partial(_source_rows, run, of_source)
                                       for of_source in by_source.values()])
    return sorted((rows for part in parts for rows in part), key=lambda r: r.kpi.id)


def _source_rows(run: Run, kpis: list, con) -> list[KpiRows]:
    """These KPIs' rows, computed on `con`."""
    on_con = run.on(con)
    return [compute_kpi(on_con, kpi) for kpi in kpis]


def _finish(results: list[KpiRows], run: Run) -> pd.DataFrame:
    """Withheld cells, the KPI's declared fields, types and the contract's row order (KPIs by
    id, each on the grid, which is sorted by department and month)."""
    labels = run.scope.grid_labels()
    size = len(labels)
    kpis = [r.kpi for r in results]
    fields = {f: np.concatenate([getattr(r, f) for r in results]) if results else np.empty(0)
              for f in RESULT_FIELDS}
    suppressed = withheld(run, kpis, _rows)  # small cells and their complements
    for f in WITHHELD:
        fields[f][suppressed] = np.nan

    def each_kpi(values) -> pd.Series:
        return pd.Series(np.repeat(np.array(values, dtype=object), size), dtype=object)

    def each_group(values) -> pd.Series:
        return pd.Series(np.tile(np.array(values, dtype=object), len(kpis)), dtype=object)

    out = pd.DataFrame({
        "kpi_id": each_kpi([k.id for k in kpis]).astype(str),
        "kpi_label": each_kpi([k.label for k in kpis]).astype(str),
        "unit": each_kpi([str(k.unit) for k in kpis]).astype(str),
        "direction": each_kpi([str(k.direction) for k in kpis]).astype(str),
        "department_id": each_group([d for d, _ in labels]),
        "month": each_group([m for _, m in labels]),
        "start": run.scope.start, "end": run.scope.end,
        **{c: fields[c] for c in ("value", "ci_low", "ci_high")},
        **{c: pd.Series(fields[c]).round().astype("Int64") for c in COUNTS},
        "suppressed": suppressed,
        "data_as_of": each_kpi([run.as_of[k.source] for k in kpis])}, columns=COLUMNS)
    return out
