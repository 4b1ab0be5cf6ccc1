"""Survey KPIs (patient and staff): domain top box, linear mean, NPS and response counts."""

from __future__ import annotations

import pandas as pd

from kpi.catalog import Kpi
from kpi.engine_rows import kpi_rows
from kpi.engine_run import Run
from kpi.scoring import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN, NPS_SCALE, scales_sql_values
from kpi.stats import nps_interval_arrays, wilson_interval_arrays

TABLES = {"patient_survey": ("patient", "patient_responses", "patient_answers"),
          "staff_survey": ("staff", "staff_responses", "staff_answers")}
DATE_COLUMN = "response_date"

# Per group and domain: items scored over their valid answers, then averaged (HCAHPS rule).
_DOMAINS_SQL = """
WITH q AS (
    SELECT question_id, domain, scale, coalesce(top_box_min, default_top_box) AS top_min,
           low, high
    FROM questions JOIN {scales} USING (scale)
    WHERE audience = $audience AND list_contains($domains, domain)
), a AS (
    SELECT {groups}, q.domain, q.question_id, q.scale, a.response_id, a.answer,
           a.answer >= q.top_min AS top, 100.0 * (a.answer - q.low) / (q.high - q.low) AS linear
    FROM {responses} r JOIN {answers} a USING (response_id) JOIN q USING (question_id)
    WHERE {where} AND a.answer BETWEEN q.low AND q.high
), items AS (
    SELECT department_id, month, domain, question_id, any_value(scale) AS scale,
           count(*) AS valid, count(*) FILTER (WHERE top) AS top, avg(linear) AS linear,
           count(*) FILTER (WHERE answer >= $promoter_min) AS promoters,
           count(*) FILTER (WHERE answer <= $detractor_max) AS detractors
    FROM a GROUP BY ALL
), answered AS (
    SELECT department_id, month, domain, count(DISTINCT response_id) AS n FROM a GROUP BY ALL
)
SELECT department_id, month, domain, any_value(answered.n) AS n,
       avg(100.0 * top / valid) AS top_box, sum(top) AS top, sum(valid) AS valid,
       avg(linear) AS linear,
       avg(100.0 * (promoters - detractors) / valid) FILTER (WHERE scale = $nps_scale) AS nps,
       coalesce(sum(valid) FILTER (WHERE scale = $nps_scale), 0) AS nps_n,
       coalesce(sum(promoters) FILTER (WHERE scale = $nps_scale), 0) AS promoters,
       coalesce(sum(detractors) FILTER (WHERE scale = $nps_scale), 0) AS detractors
FROM items JOIN answered USING (department_id, month, domain)
GROUP BY ALL
"""

_ITEMS_SQL = """
SELECT domain, count(*) AS items, count(*) FILTER (WHERE scale = $nps_scale) AS nps_items
FROM questions WHERE audience = $audience GROUP BY domain
"""

_RESPONSES_SQL = """
SELECT {groups}, count(*) AS responses FROM {responses} WHERE {where} GROUP BY ALL
"""


def compute_survey(run: Run, kpis: list[Kpi], source: str) -> list[pd.DataFrame]:
    """Rows of the survey KPIs of one source (patient_survey or staff_survey)."""
    audience, responses, answers = TABLES[source]
    scope = run.scope
    frames = []
    domain_kpis = [k for k in kpis if k.domain is not None]
    if domain_kpis:
        sql = _DOMAINS_SQL.format(scales=scales_sql_values(),
                                  groups=scope.group_sql(DATE_COLUMN, "r."), responses=responses,
                                  answers=answers, where=scope.where(DATE_COLUMN, "r."))
        params = {**scope.params(), "audience": audience,
                  "domains": sorted({k.domain for k in domain_kpis}),
                  "promoter_min": NPS_PROMOTER_MIN, "detractor_max": NPS_DETRACTOR_MAX,
                  "nps_scale": NPS_SCALE}
        domains = run.con.execute(sql, params).df()
        items = _catalog_items(run.con, audience)
        frames += [_domain_rows(k, run, domains, items.get(k.domain, (0, 0)))
                   for k in domain_kpis]
    if any(k.kind == "response_count" for k in kpis):
        counts = run.grouped(_RESPONSES_SQL.format(
            groups=scope.group_sql(DATE_COLUMN), responses=responses,
            where=scope.where(DATE_COLUMN)), scope.params(), ["responses"])
        frames += [kpi_rows(k, counts, value=counts.responses, n=counts.responses)
                   for k in kpis if k.kind == "response_count"]
    return frames


def _catalog_items(con, audience: str) -> dict[str, tuple[int, int]]:
    """Questions per domain in the catalog: (all items, rating0_10 items)."""
    rows = con.execute(_ITEMS_SQL, {"audience": audience, "nps_scale": NPS_SCALE}).fetchall()
    return {domain: (items, nps_items) for domain, items, nps_items in rows}


def _domain_rows(kpi: Kpi, run: Run, domains: pd.DataFrame,
                 items: tuple[int, int]) -> pd.DataFrame:
    """One domain KPI; the interval and ratio only for a single-item domain (by the catalog)."""
    table = run.on_grid(domains[domains.domain == kpi.domain].drop(columns="domain"),
                        ["n", "top", "valid", "nps_n", "promoters", "detractors"])
    all_items, nps_items = items
    if kpi.kind == "domain_mean":
        return kpi_rows(kpi, table, value=table.linear, n=table.n)
    if kpi.kind == "domain_nps":
        ci = (nps_interval_arrays(table.promoters, table.detractors, table.nps_n)
              if nps_items == 1 else None)
        return kpi_rows(kpi, table, value=table.nps, n=table.nps_n, ci=ci)
    if all_items == 1:
        return kpi_rows(kpi, table, value=table.top_box, n=table.n, numerator=table.top,
                        denominator=table.valid, ci=wilson_interval_arrays(table.top, table.valid))
    return kpi_rows(kpi, table, value=table.top_box, n=table.n)

