"""Survey KPIs (patient and staff): domain top box, linear mean, NPS and response counts."""

from __future__ import annotations

import pandas as pd

from kpi.catalog.kinds import Source
from kpi.catalog.kpis import Kpi
from kpi.engine.months import TwoLevel, two_level_params, two_level_sql
from kpi.engine.rows import KpiRows, kpi_rows
from kpi.engine.run import Run
from kpi.engine.scope import Scope
from kpi.facts import fact
from kpi.scoring import (
    NPS_DETRACTOR_MAX,
    NPS_PROMOTER_MIN,
    NPS_SCALE,
    scales_sql_values,
)
from kpi.stats import nps_interval_arrays, wilson_interval_arrays
from kpi.store.derived.survey import ANSWERED as SURVEY_ANSWERED

TABLES = {Source.PATIENT_SURVEY: ("patient", "patient_responses", "patient_answers"),
          Source.STAFF_SURVEY: ("staff", "staff_responses", "staff_answers")}
DATE_COLUMN = "response_date"

# The questions of the chosen domains with their scale bounds and top box.
_QUESTIONS = """
WITH q AS (
    SELECT question_id, {key} AS domain, scale,
           coalesce(top_box_min, default_top_box) AS top_min, low, high
    FROM questions JOIN {scales} USING (scale)
    WHERE {audience} AND list_contains($domains, {key})
)"""
# Derived only: every survey's domains in one query, keyed `audience/domain` (audience_key).
_EVERY_AUDIENCE = "list_contains($audiences, audience)"
_ONE_AUDIENCE = "audience = $audience"

# Plain: per group, domain and item, scored over the valid answers of the base tables.
_PLAIN_ITEMS = """, a AS (
    SELECT {groups}, q.domain, q.question_id, q.scale, a.response_id, a.answer,
           a.answer >= q.top_min AS top, a.answer - q.low AS points, q.high - q.low AS span
    FROM {responses} r JOIN {answers} a USING (response_id) JOIN q USING (question_id)
    WHERE {where} AND a.answer BETWEEN q.low AND q.high
), items AS (
    SELECT department_id, month, domain, question_id, any_value(scale) AS scale,
           count(*) AS valid, count(*) FILTER (WHERE top) AS top,
           100.0 * sum(points) / (count(*) * any_value(span)) AS linear,
           count(*) FILTER (WHERE answer >= $promoter_min) AS promoters,
           count(*) FILTER (WHERE answer <= $detractor_max) AS detractors
    FROM a GROUP BY ALL
), answered AS (
    SELECT department_id, month, domain, count(DISTINCT response_id) AS n FROM a GROUP BY ALL
)"""

# Derived: the same items and answered responses, summed from the daily and monthly counts.
_DERIVED_ITEMS = """, items AS (
    SELECT i.department_id, i.month, q.domain, q.question_id, any_value(q.scale) AS scale,
           sum(i.valid) AS valid, sum(i.top) AS top,
           100.0 * sum(i.points) / (sum(i.valid) * any_value(q.high - q.low)) AS linear,
           sum(i.promoters) AS promoters, sum(i.detractors) AS detractors
    FROM ({items}) i JOIN q USING (question_id)
    GROUP BY ALL
), answered AS (
    SELECT department_id, month, domain, sum(responses) AS n FROM ({answered}) GROUP BY ALL
)"""
ITEMS = TwoLevel("derived_survey_items", "derived_survey_items_monthly", DATE_COLUMN)
# Responses answering at least one item, per value of the column of questions grouped by.
ANSWERED = {column: TwoLevel(table, f"{table}_monthly", DATE_COLUMN)
            for table, column in SURVEY_ANSWERED.items()}

# Per group and domain: the items' scores averaged (HCAHPS rule: unanswered items skipped), in
# question order so that the float sums, and so the exports, are the same on every run.
_DOMAIN_SCORES = """
SELECT department_id, month, domain, any_value(answered.n) AS n,
       avg(100.0 * top / valid ORDER BY question_id) AS top_box, sum(top) AS top,
       sum(valid) AS valid,
       avg(linear ORDER BY question_id) AS linear,
       avg(100.0 * (promoters - detractors) / valid ORDER BY question_id)
           FILTER (WHERE scale = $nps_scale) AS nps,
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

_DERIVED_RESPONSES_SQL = """
SELECT {groups}, sum(responses)::BIGINT AS responses FROM derived_survey_responses
WHERE audience = $audience AND {where} GROUP BY ALL
"""


def _domain_scores(run: Run, kpi: Kpi) -> tuple[pd.DataFrame, tuple[int, int]]:
    """The scores of the KPI's domain per group (one query for every domain of the run's
    survey KPIs: of every survey from the derived aggregates, else of the KPI's survey) and
    its questions in the catalog: (all items, rating0_10 items)."""
    audience, responses, answers = TABLES[kpi.source]
    surveyed = [k for k in run.kpis if k.source in TABLES and k.domain is not None]
    if run.derived:
        chosen = sorted({audience_key(TABLES[k.source][0], k.domain) for k in surveyed})
        sql, params = grouped_scores_query(run.scope, "domain", derived=True,
                                           every_audience=True)
        params.update(audiences=sorted({TABLES[k.source][0] for k in surveyed}),
                      domains=chosen)
        key = audience_key(audience, kpi.domain)
    else:
        chosen = sorted({k.domain for k in surveyed if k.source == kpi.source})
        sql, params = grouped_scores_query(run.scope, "domain", responses, answers)
        params.update(audience=audience, domains=chosen)
        key = kpi.domain
    domains = run.grouped_per(sql, params, ["n", "top", "valid", "nps_n", "promoters",
                                            "detractors"], "domain", chosen)
    items = run.once(("catalog items", audience), lambda: _catalog_items(run.con, audience))
    return domains[key], items.get(kpi.domain, (0, 0))


def audience_key(audience: str, domain: str) -> str:
    """A domain's key in a query of every survey (grouped_scores_query's every_audience)."""
    return f"{audience}/{domain}"


def domain_top_box(run: Run, kpi: Kpi) -> KpiRows:
    """A domain's top-box %; the interval and ratio only for a single-item domain."""
    table, (all_items, _) = _domain_scores(run, kpi)
    if all_items == 1:
        return kpi_rows(kpi, table, value=table.top_box, n=table.n, numerator=table.top,
                        denominator=table.valid, ci=wilson_interval_arrays(table.top, table.valid))
    return kpi_rows(kpi, table, value=table.top_box, n=table.n)


def domain_mean(run: Run, kpi: Kpi) -> KpiRows:
    """A domain's linear mean score (0-100), without interval."""
    table, _ = _domain_scores(run, kpi)
    return kpi_rows(kpi, table, value=table.linear, n=table.n)


def domain_nps(run: Run, kpi: Kpi) -> KpiRows:
    """A domain's NPS; the interval only for a single 0-10 question."""
    table, (_, nps_items) = _domain_scores(run, kpi)
    ci = (nps_interval_arrays(table.promoters, table.detractors, table.nps_n)
          if nps_items == 1 else None)
    return kpi_rows(kpi, table, value=table.nps, n=table.nps_n, ci=ci)


def response_count(run: Run, kpi: Kpi) -> KpiRows:
    """Surveys returned (of the KPI's source), blank ones included."""
    audience, responses, _ = TABLES[kpi.source]
    scope = run.scope
    template = _DERIVED_RESPONSES_SQL if run.derived else _RESPONSES_SQL
    params = {**scope.params(), "audience": audience} if run.derived else scope.params()
    counts = run.grouped(template.format(
        groups=scope.group_sql(DATE_COLUMN), responses=responses,
        where=scope.where(DATE_COLUMN)), params, ["responses"])
    return kpi_rows(kpi, counts, value=counts.responses, n=counts.responses)


def grouped_scores_query(scope: Scope, grouping: str, responses: str = "patient_responses",
                         answers: str = "patient_answers", derived: bool = False,
                         every_audience: bool = False) -> tuple[str, dict]:
    """The scores' SQL per group of the scope and per value of a column of questions (`domain`,
    or `hcahps_measure`, returned as `domain`; the chosen values bound as $domains, the audience
    as $audience), with its other parameters: top box, linear mean and NPS of each item averaged
    as a domain's, n = responses answering at least one item. Read from the derived aggregates
    with `derived` (the database's are current), else from the base tables: the same floats.
    With `every_audience` (derived only) the surveys of $audiences at once, each value keyed
    audience_key(audience, value) in $domains and in the result."""
    if every_audience:
        key = f"audience || '/' || {grouping}"
        audience = _EVERY_AUDIENCE
    else:
        key, audience = grouping, _ONE_AUDIENCE
    if derived:
        chosen = f"{audience} AND list_contains($domains, {key})"
        items = _DERIVED_ITEMS.format(
            items=two_level_sql(scope, ITEMS, "question_id, valid, top, points, promoters, "
                                "detractors", audience, audience),
            answered=two_level_sql(scope, ANSWERED[grouping], f"{key} AS domain, responses",
                                   chosen, chosen))
        params = {**two_level_params(scope), "nps_scale": NPS_SCALE}
    else:
        items = _PLAIN_ITEMS.format(groups=scope.group_sql(DATE_COLUMN, "r."),
                                    responses=responses, answers=answers,
                                    where=scope.where(DATE_COLUMN, "r."))
        params = {**scope.params(), "promoter_min": NPS_PROMOTER_MIN,
                  "detractor_max": NPS_DETRACTOR_MAX, "nps_scale": NPS_SCALE}
    return _QUESTIONS.format(scales=scales_sql_values(), key=key, audience=audience) + items + \
        _DOMAIN_SCORES, params


def _catalog_items(con, audience: str) -> dict[str, tuple[int, int]]:
    """Questions per domain in the catalog: (all items, rating0_10 items)."""
    rows = fact(con, ("catalog items", audience), lambda: tuple(con.execute(
        _ITEMS_SQL, {"audience": audience, "nps_scale": NPS_SCALE}).fetchall()))
    return {domain: (items, nps_items) for domain, items, nps_items in rows}
