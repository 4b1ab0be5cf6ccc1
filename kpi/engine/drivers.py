"""Key drivers: how strongly each patient question and domain goes with the overall rating and
with would-recommend, respondent by respondent (Spearman's rank correlation with its 95 %
interval), beside its top-box %; withheld below a minimum of respondents (docs/key-drivers.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalog.kpis import DOMAIN_KPI_PREFIX
from kpi.engine.months import two_level_params, two_level_sql
from kpi.engine.scope import Scope, resolve_scope
from kpi.engine.survey import ITEMS
from kpi.engine.table import compute
from kpi.filters import Filter
from kpi.settings import DEFAULT_DRIVER_RESPONDENTS
from kpi.stats import check_threshold
from kpi.stats_t import correlation_interval_arrays
from kpi.store.derived.driver_cells import (
    NOT_DRIVERS,
    OUTCOMES,
    cells_params,
    cells_sql,
    driver_domains,
)
from kpi.store.derived.driver_cells import TABLE as CELLS_TABLE
from kpi.store.derived.version import is_current

LEVELS = ("question", "domain")
DRIVER_COLUMNS = ["outcome", "level", "driver_id", "domain", "question_text", "n", "importance",
                  "ci_low", "ci_high", "top_box", "suppressed"]

# The pairs of the filter: the cells counted from the base tables (`counted`, see
# kpi.store.derived.driver_cells), plus, when derived, the whole months' stored counts.
_PLAIN_CELLS = """, cells AS (SELECT outcome, level, driver_id, x, y, w FROM counted)"""
_DERIVED_CELLS = f""", cells AS (
    SELECT outcome, level, driver_id, x, y, sum(w)::BIGINT AS w FROM (
        SELECT outcome, level, driver_id, x, y, w FROM {CELLS_TABLE}
        WHERE {{departments}} AND month BETWEEN $whole_from AND $whole_to
        UNION ALL SELECT outcome, level, driver_id, x, y, w FROM counted) GROUP BY ALL
)"""

# Each question's top box in the filter: from the answers, or from the derived item counts.
_PLAIN_ITEMS = """
SELECT question_id AS driver_id, 100.0 * count(*) FILTER (WHERE top) / count(*) AS top_box
FROM a GROUP BY ALL"""
_DERIVED_ITEMS = """
SELECT question_id AS driver_id, 100.0 * sum(top) / sum(valid) AS top_box
FROM ({items}) GROUP BY ALL"""

# Pairs ranked with ties at their average rank, and Pearson's r of the ranks weighted by the
# counts; every driver of the catalog, with its top box.
_RANKED = """, xr AS (
    SELECT outcome, level, driver_id, x, sum(sum(w)) OVER (PARTITION BY outcome, level, driver_id
           ORDER BY x) - (sum(w) - 1) / 2.0 AS rx FROM cells GROUP BY outcome, level, driver_id, x
), yr AS (
    SELECT outcome, level, driver_id, y, sum(sum(w)) OVER (PARTITION BY outcome, level, driver_id
           ORDER BY y) - (sum(w) - 1) / 2.0 AS ry FROM cells GROUP BY outcome, level, driver_id, y
), ranked AS (
    SELECT c.outcome, c.level, c.driver_id, w, rx - (sum(w) OVER g + 1) / 2.0 AS dx,
           ry - (sum(w) OVER g + 1) / 2.0 AS dy
    FROM cells c JOIN xr USING (outcome, level, driver_id, x) JOIN yr USING (outcome, level, driver_id, y)
    WINDOW g AS (PARTITION BY c.outcome, c.level, c.driver_id)
), rho AS (
    SELECT outcome, level, driver_id, sum(w) AS n,
           sum(w * dx * dy) / NULLIF(sqrt(sum(w * dx * dx) * sum(w * dy * dy)), 0) AS importance
    FROM ranked GROUP BY ALL
), drivers AS (
    SELECT DISTINCT 'question' AS level, question_id AS driver_id, domain, question_text FROM q
    WHERE NOT list_contains($not_drivers, domain)
    UNION ALL
    SELECT DISTINCT 'domain', domain, domain, NULL FROM q WHERE NOT list_contains($not_drivers, domain)
), items AS ({items})
SELECT o.outcome, d.level, d.driver_id, d.domain, d.question_text, coalesce(rho.n, 0) AS n,
       rho.importance, CASE WHEN d.level = 'question' THEN items.top_box END AS top_box
FROM drivers d CROSS JOIN unnest($outcomes) AS o(outcome)
LEFT JOIN rho USING (outcome, level, driver_id) LEFT JOIN items USING (driver_id)
"""
PATIENT = "audience = 'patient'"
# The days of a window's partial months: those before its whole months, and those after (none
# twice when it holds no whole month).
PARTIAL_DAYS = {"head": "{r}response_date < $whole_from",
                "tail": "{r}response_date > $whole_to AND {r}response_date >= $whole_from"}


def drivers_query(con, scope: Scope, derived: bool) -> tuple[str, dict]:
    """The key drivers' SQL and parameters for a scope: the pairs counted from the base tables,
    or (`derived`) the whole months' from the derived cells and only the partial months' days
    from the base tables; the items' top box likewise."""
    domains = driver_domains(con)
    params = {"outcomes": list(OUTCOMES), "not_drivers": list(NOT_DRIVERS),
              **cells_params(domains)}
    if not derived:
        return (cells_sql(domains, scope.where("response_date", "r.")) + _PLAIN_CELLS
                + _RANKED.format(items=_PLAIN_ITEMS), {**scope.params(), **params})
    params.update(two_level_params(scope))
    partial, ids = _partial_days(con, scope, params)
    items = _DERIVED_ITEMS.format(items=two_level_sql(scope, ITEMS, "question_id, valid, top",
                                                      PATIENT, PATIENT))
    return (cells_sql(domains, *partial) + _DERIVED_CELLS.format(departments=scope.where_department())
            + _RANKED.format(items=items), {**params, **ids})


def _partial_days(con, scope: Scope, params: dict) -> tuple[list[str], dict]:
    """The conditions on the responses `r` and answers `a` of each part of the partial days,
    and their parameters: the first and last response id of the part bound the answers' ids,
    so that a scan of the answers skips the row groups of other dates (when ids follow dates;
    the bounds never leave out an answer of the part)."""
    ends = {"first": "min", "last": "max"}
    bounds = con.execute("SELECT " + ", ".join(
        f"{ends[end]}(response_id) FILTER (WHERE {days.format(r='')})"
        for days in PARTIAL_DAYS.values() for end in ends)
        + f" FROM patient_responses WHERE {scope.where('response_date')}",
        {k: params[k] for k in ("depts", "start", "end", "whole_from", "whole_to")}).fetchone()
    ids = dict(zip((f"{part}_{end}" for part in PARTIAL_DAYS for end in ends), bounds))
    conditions = [f"{scope.where('response_date', 'r.')} AND {days.format(r='r.')} "
                  f"AND a.response_id BETWEEN ${part}_first AND ${part}_last"
                  for part, days in PARTIAL_DAYS.items()]
    return conditions, ids


def key_drivers(con, flt: Filter, min_respondents: int = DEFAULT_DRIVER_RESPONDENTS
                ) -> pd.DataFrame:
    """Per outcome (overall rating, would recommend) x patient question and domain of the
    catalog (DRIVER_COLUMNS): respondents with both answered (n), Spearman's rho (importance)
    with its 95 % interval, and the driver's top-box % in the filter (a domain's is its KPI's
    value); every number withheld (suppressed) when 0 < n < min_respondents (>= 11)."""
    minimum = check_threshold(min_respondents)
    found = con.execute(*drivers_query(con, resolve_scope(con, flt), is_current(con))).df()
    domains = found["level"] == "domain"
    if domains.any():
        values = compute(con, [f"{DOMAIN_KPI_PREFIX}[{d}]" for d in
                               sorted(set(found.loc[domains, "domain"]))], flt)
        by_domain = dict(zip(values["kpi_id"], values["value"]))
        found.loc[domains, "top_box"] = [by_domain.get(f"{DOMAIN_KPI_PREFIX}[{d}]")
                                         for d in found.loc[domains, "domain"]]
    return _withheld(found, minimum)


def _withheld(found: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """The interval added, small pairs withheld, rows in order (outcome, level, strongest
    first)."""
    n = found["n"].to_numpy(dtype=float)
    importance = pd.to_numeric(found["importance"], errors="coerce").to_numpy(dtype=float)
    low, high = correlation_interval_arrays(importance, n)
    suppressed = (n > 0) & (n < minimum)
    table = found.assign(importance=importance, ci_low=low, ci_high=high,
                         top_box=pd.to_numeric(found["top_box"], errors="coerce"),
                         suppressed=suppressed)
    for column in ("importance", "ci_low", "ci_high", "top_box"):
        table[column] = table[column].where(~suppressed)
    table["n"] = table["n"].astype("Int64").where(~suppressed)
    order = table.assign(_o=table["outcome"].map(OUTCOMES.index),
                         _l=table["level"].map(LEVELS.index), _i=-np.nan_to_num(
                             table["importance"].to_numpy(dtype=float), nan=-2.0))
    return (order.sort_values(["_o", "_l", "_i", "driver_id"], kind="stable")[DRIVER_COLUMNS]
            .reset_index(drop=True))
