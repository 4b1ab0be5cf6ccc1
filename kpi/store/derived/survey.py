"""Load-time survey aggregates per department and day: item counts, responses answering each
domain and each HCAHPS measure, response counts.

Every survey response has one department and one date, so these daily counts add up exactly
to any window, department set, month or department x month group. The daily tables are stored
in date order: the engine reads only a window's partial months from them (zone maps skip the
rest), whole months from the _monthly copies.
"""

from __future__ import annotations

from kpi.scoring import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN, scales_sql_values
from kpi.store.derived.touched import in_touched_month, on_touched_day

SURVEYS = {"patient": ("patient_responses", "patient_answers"),
           "staff": ("staff_responses", "staff_answers")}

CREATE = ["""
CREATE OR REPLACE TABLE derived_survey_items (
    audience VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL,
    question_id VARCHAR NOT NULL, valid INTEGER NOT NULL, top INTEGER NOT NULL,
    points INTEGER NOT NULL, promoters INTEGER NOT NULL, detractors INTEGER NOT NULL)
""", """
CREATE OR REPLACE TABLE derived_survey_domains (
    audience VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL,
    domain VARCHAR NOT NULL, responses INTEGER NOT NULL)
""", """
CREATE OR REPLACE TABLE derived_survey_measures (
    audience VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL,
    hcahps_measure VARCHAR NOT NULL, responses INTEGER NOT NULL)
""", """
CREATE OR REPLACE TABLE derived_survey_responses (
    audience VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL,
    responses INTEGER NOT NULL)
""", """
CREATE OR REPLACE TABLE derived_rating_answers (
    audience VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL,
    question_id VARCHAR NOT NULL, answer INTEGER NOT NULL, answers INTEGER NOT NULL)
"""]

# The valid answers of one audience with their question's group (`domain`: the value of the
# column {grouping} of questions, questions without one left out) and its number (for the bit
# masks below), scale bounds and top box.
_VALID = """
WITH q AS (
    SELECT question_id, {grouping} AS domain,
           dense_rank() OVER (ORDER BY {grouping}) - 1 AS domain_no,
           coalesce(top_box_min, default_top_box) AS top_min, low, high
    FROM questions JOIN {scales} USING (scale)
    WHERE audience = '{audience}' AND {grouping} IS NOT NULL
), valid AS (
    SELECT r.department_id, r.response_date, a.response_id, q.question_id, q.domain_no,
           a.answer, a.answer - q.low AS points, a.answer >= q.top_min AS top
    FROM {responses} r JOIN {answers} a USING (response_id) JOIN q USING (question_id)
    WHERE a.answer BETWEEN q.low AND q.high
)
"""

# Per question: valid answers, top-box answers, sum of (answer - low) (the linear mean is
# 100 * points / (valid * (high - low))), promoters and detractors (used for 0-10 items).
_ITEMS = """
INSERT INTO derived_survey_items
SELECT '{audience}', department_id, response_date, question_id, count(*),
       count(*) FILTER (WHERE top), sum(points),
       count(*) FILTER (WHERE answer >= {promoter_min}),
       count(*) FILTER (WHERE answer <= {detractor_max})
FROM valid GROUP BY ALL ORDER BY response_date, department_id, question_id
"""

# Per group (domain, or HCAHPS measure): responses with at least one valid answer in it (each
# response's groups as bits of 64-bit words, then counted per group).
_DOMAINS = """, masks AS (
    SELECT department_id, response_date, domain_no // 64 AS word,
           bit_or(1::UBIGINT << (domain_no % 64)) AS mask
    FROM valid GROUP BY department_id, response_date, response_id, word
)
INSERT INTO {table}
SELECT '{audience}', m.department_id, m.response_date, d.domain, count(*)
FROM masks m JOIN (SELECT DISTINCT domain, domain_no FROM q) d
  ON d.domain_no // 64 = m.word AND (m.mask >> (d.domain_no % 64)) & 1 = 1
GROUP BY ALL ORDER BY m.response_date, m.department_id, d.domain
"""

# Valid answers per code of each question of the `overall` domain (the rating distribution of
# kpi.engine.breakdowns: 0.15 s and 28.6 M answers scanned per filter at scale 25, without).
_RATINGS = """
INSERT INTO derived_rating_answers
SELECT '{audience}', r.department_id, r.response_date, a.question_id, a.answer, count(*)
FROM {responses} r JOIN {answers} a USING (response_id) JOIN questions q USING (question_id)
  JOIN {scales} USING (scale)
WHERE q.audience = '{audience}' AND q.domain = 'overall' AND a.answer BETWEEN scales.low AND scales.high
GROUP BY ALL ORDER BY r.response_date, r.department_id, a.question_id, a.answer
"""

# Responses returned, surveys with every answer blank included.
_RESPONSES = """
INSERT INTO derived_survey_responses
SELECT '{audience}', department_id, response_date, count(*) FROM {responses}
GROUP BY ALL ORDER BY response_date, department_id
"""


# Monthly copies (the engine reads whole months from them, see kpi.engine.months).
_MONTHLY = """
SELECT audience, department_id, date_trunc('month', response_date)::DATE AS month, {keys},
       {sums}
FROM {table} WHERE {where} GROUP BY ALL ORDER BY ALL
"""
MONTHLY = {"derived_survey_items": ("question_id", ("valid", "top", "points", "promoters",
                                                    "detractors")),
           "derived_survey_domains": ("domain", ("responses",)),
           "derived_survey_measures": ("hcahps_measure", ("responses",))}
DAILY = ("derived_survey_items", "derived_survey_domains", "derived_survey_measures",
         "derived_survey_responses", "derived_rating_answers")
# The responses answering each group of questions: table, column of questions grouped by.
ANSWERED = {"derived_survey_domains": "domain", "derived_survey_measures": "hcahps_measure"}


def _monthly(table: str, where: str = "true") -> str:
    keys, sums = MONTHLY[table]
    return _MONTHLY.format(table=table, keys=keys, where=where, sums=", ".join(
        f"sum({c})::INTEGER AS {c}" for c in sums))


def _daily(audience: str, responses: str) -> list[str]:
    """The INSERTs of one audience's daily rows, from `responses` (a table or a subquery)."""
    names = dict(audience=audience, responses=responses, answers=SURVEYS[audience][1],
                 scales=scales_sql_values(), promoter_min=NPS_PROMOTER_MIN,
                 detractor_max=NPS_DETRACTOR_MAX)
    answered = [_VALID.format(**names, grouping=grouping) + _DOMAINS.format(**names, table=table)
                for table, grouping in ANSWERED.items()]
    return [_VALID.format(**names, grouping="domain") + _ITEMS.format(**names), *answered,
            _RESPONSES.format(**names), _RATINGS.format(**names)]


def survey_statements() -> list[tuple[str, dict]]:
    """The SQL (with parameters) that (re)builds the survey aggregates of both audiences."""
    statements = list(CREATE)
    for audience, (responses, _) in SURVEYS.items():
        statements += _daily(audience, responses)
    statements += [f"CREATE OR REPLACE TABLE {table}_monthly AS {_monthly(table)}"
                   for table in MONTHLY]
    return [(sql, {}) for sql in statements]


def touched_survey_statements(spans: dict[str, dict]) -> list[tuple[str, dict]]:
    """The SQL (with parameters) that recomputes the survey aggregates of the departments and
    days (and their months) a load touched (kpi.store.derived.touched); `spans` holds each
    audience's first and last touched day."""
    statements = []
    for audience, (responses, _) in SURVEYS.items():
        if spans[audience]["first"] is None:
            continue
        day = on_touched_day(f"'{audience}'", "department_id", "response_date")
        statements += [(f"DELETE FROM {table} WHERE audience = '{audience}' AND {day}", {})
                       for table in DAILY]
        touched = (f"(SELECT * FROM {responses} WHERE response_date BETWEEN $first AND $last "
                   f"AND {day})")
        statements += [(sql, spans[audience]) for sql in _daily(audience, touched)]
    month = in_touched_month("audience", "department_id", "month")
    for table in MONTHLY:
        statements += [(f"DELETE FROM {table}_monthly WHERE {month}", {}),
                       (f"INSERT INTO {table}_monthly " + _monthly(table, in_touched_month(
                           "audience", "department_id", "date_trunc('month', response_date)")),
                        {})]
    return statements
