"""Load-time key-driver cells: per department and month, how many respondents gave each pair of
(driver score x, outcome score y), per outcome and patient question or domain.

The pairs are counted by value, and every response has one department and one date, so the
counts of any set of departments and months add up exactly to that filter's contingency table
(x and y are rounded to 9 decimals, so equal values match across months). kpi.engine.drivers
ranks them; it reads whole months from derived_driver_cells_monthly and counts the days of
partial months from the base tables with the same SQL (CELLS_SQL).
"""

from __future__ import annotations

from datetime import date

from kpi.catalog.kpis import patient_domains
from kpi.scoring import scales_sql_values
from kpi.store.derived.touched import in_touched_month

OUTCOMES = ("overall", "recommend")  # the domains whose answers are the outcomes
# Questions about the whole experience are outcomes themselves, not parts that drive one.
NOT_DRIVERS = (*OUTCOMES, "fft")
TABLE = "derived_driver_cells_monthly"

# The patient questions with their scale bounds and top box.
QUESTIONS_SQL = """
WITH q AS (
    SELECT question_id, domain, question_text, coalesce(top_box_min, default_top_box) AS top_min,
           low, high
    FROM questions JOIN {scales} USING (scale) WHERE audience = 'patient'
)"""

# Per respondent: each outcome's score and each driver's (a question's linear 0-100 score, a
# domain's mean over its answered questions), as in the KPIs; `counted` holds the pairs
# counted by value, per group ({keys}: the group columns of each respondent, or none). The
# answers `a` are those of the responses meeting any of the conditions (one join each, so that
# each scans only its dates' answers); a respondent is known by its response's row number in
# the query, grouped and joined on alone (its group columns, the same for all its answers, are
# carried by any_value): 5% faster than on the text response_id at scale 25. One pass over
# the answers gives each respondent's outcomes (y0, y1, ...) and domain means (d1, d2, ...:
# the domains of $driver_domains) side by side; the pairs are counted with every outcome at
# once and split per outcome after.
_ANSWERS = """
    SELECT {row_keys} r.rowid AS respondent, q.question_id, q.domain,
           a.answer >= q.top_min AS top, 100.0 * (a.answer - q.low) / (q.high - q.low) AS score
    FROM patient_responses r JOIN patient_answers a USING (response_id) JOIN q USING (question_id)
    WHERE {where} AND a.answer BETWEEN q.low AND q.high"""
CELLS_SQL = """, a AS ({answers}
), respondents AS (
    SELECT {carried} respondent, {means} FROM a GROUP BY respondent
), units AS (
    SELECT {unit_keys} 'question' AS level, a.question_id AS driver_id, a.score AS x, {unit_ys}
    FROM a JOIN respondents u USING (respondent)
    WHERE NOT list_contains({not_drivers}, a.domain) AND {answered}{domains}
), pairs AS (
    SELECT {keys} level, driver_id, x, {ys}, count(*) AS w FROM units WHERE x IS NOT NULL
    GROUP BY ALL
), counted AS ({counted}
)"""
_DOMAIN_UNITS = """
    UNION ALL
    SELECT {keys} 'domain', unnest($driver_domains), unnest([{columns}]), {ys}
    FROM respondents WHERE {answered}"""
_COUNTED = """
    SELECT {keys} '{outcome}' AS outcome, level, driver_id, x, y{n} AS y, sum(w) AS w
    FROM pairs WHERE y{n} IS NOT NULL GROUP BY ALL"""

_GROUPS = {"department_id": "r.department_id",
           "month": "date_trunc('month', r.response_date)::DATE"}

_CREATE = f"""
CREATE OR REPLACE TABLE {TABLE} (
    department_id VARCHAR NOT NULL, month DATE NOT NULL, outcome VARCHAR NOT NULL,
    level VARCHAR NOT NULL, driver_id VARCHAR NOT NULL, x DOUBLE NOT NULL, y DOUBLE NOT NULL,
    w INTEGER NOT NULL)
"""


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def driver_domains(con) -> list[str]:
    """The patient domains whose questions drive an outcome (bind them as $driver_domains)."""
    return [d for d in patient_domains(con) if d not in NOT_DRIVERS]


def cells_params(domains: list[str]) -> dict:
    """The parameters of cells_sql(domains, ...)."""
    return {"driver_domains": list(domains)} if domains else {}


def cells_sql(domains: list[str], *wheres: str, grouped: bool = False) -> str:
    """SQL (the questions and the cells' CTEs, `q` to `counted`) counting the pairs of the
    patient responses `r` that meet any of the (disjoint) conditions `wheres`, with the driver
    `domains` (parameters: cells_params); per department and month when `grouped`."""
    keys = tuple(_GROUPS) if grouped else ()
    row_keys = "".join(f"{_GROUPS[k]} AS {k}, " for k in keys)
    answers = " UNION ALL".join(_ANSWERS.format(row_keys=row_keys, where=w) for w in wheres)
    group_keys = "".join(f"{k}, " for k in keys)
    y_columns = [f"y{n}" for n in range(len(OUTCOMES))]
    d_columns = [f"d{n}" for n in range(1, len(domains) + 1)]
    ys = ", ".join(y_columns)
    means = [f"round(avg(score) FILTER (WHERE domain = '{outcome}'), 9) AS {y}"
             for outcome, y in zip(OUTCOMES, y_columns)]
    means += [f"round(avg(score) FILTER (WHERE domain = $driver_domains[{n}]), 9) AS {d}"
              for n, d in enumerate(d_columns, start=1)]
    answered = "(" + " OR ".join(f"{y} IS NOT NULL" for y in y_columns) + ")"
    domain_units = _DOMAIN_UNITS.format(keys=group_keys, ys=ys, answered=answered,
                                        columns=", ".join(d_columns)) if domains else ""
    return QUESTIONS_SQL.format(scales=scales_sql_values()) + CELLS_SQL.format(
        answers=answers, keys=group_keys, means=", ".join(means), answered=answered,
        carried="".join(f"any_value({k}) AS {k}, " for k in keys),
        unit_keys="".join(f"a.{k}, " for k in keys),
        unit_ys=", ".join(f"u.{y}" for y in y_columns), ys=ys,
        not_drivers=_sql_list(NOT_DRIVERS), domains=domain_units,
        counted=" UNION ALL".join(_COUNTED.format(keys=group_keys, outcome=outcome, n=n)
                                  for n, outcome in enumerate(OUTCOMES)))


def _insert(domains: list[str], where: str) -> str:
    return (f"INSERT INTO {TABLE} {cells_sql(domains, where, grouped=True)} "
            "SELECT department_id, month, outcome, level, driver_id, x, y, w::INTEGER "
            "FROM counted ORDER BY department_id, month, outcome, level, driver_id, x, y")


def driver_cell_statements(con) -> list[tuple[str, dict]]:
    """The SQL (with parameters) that (re)builds the key-driver cells from the base tables, a
    year at a time (the respondents' hash tables of every year at once took 4 times the
    memory, for no gain in time)."""
    first, last = con.execute("SELECT year(min(response_date)), year(max(response_date)) "
                              "FROM patient_responses").fetchone()
    years = range(first, last + 1) if first is not None else ()
    domains = driver_domains(con)
    return [(_CREATE, {}), *((_insert(domains, "r.response_date BETWEEN $first AND $last"),
                              {"first": date(year, 1, 1), "last": date(year, 12, 31),
                               **cells_params(domains)})
                             for year in years)]


def touched_driver_cell_statements(con, span: dict) -> list[tuple[str, dict]]:
    """The SQL (with parameters) that recomputes the cells of the departments and months a
    load touched; `span` holds the first and last touched day of the patient survey."""
    if span["first"] is None:
        return []
    in_month = in_touched_month("'patient'", "r.department_id",
                                "date_trunc('month', r.response_date)")
    where = ("r.response_date BETWEEN date_trunc('month', $first::DATE) "
             f"AND last_day($last::DATE) AND {in_month}")
    domains = driver_domains(con)
    return [(f"DELETE FROM {TABLE} WHERE "
             + in_touched_month("'patient'", "department_id", "month"), {}),
            (_insert(domains, where), {**span, **cells_params(domains)})]
