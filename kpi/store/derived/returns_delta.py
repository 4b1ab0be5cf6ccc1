"""Return counts brought up to date after a load, from the patients it touched.

The counts are sums over patients of what each patient's own visits give (kpi.store.derived
.returns), so for the patients with a visit the load replaced or inserted: new counts = stored
counts - what their visits gave before the load + what they give now. Their visits before the
load are today's less the inserted ones plus the replaced ones (kpi.store.derived.delta). Keys
whose difference is nothing are dropped, so only the days whose counts changed are rewritten
(the delivery's own days, and the earlier visits whose return it closes). The monthly tables are
recomputed for the months of those days and for the months whose eligibility moved with the
latest visit date (as_of - W).
"""

from __future__ import annotations

from datetime import date, timedelta

from kpi.store.derived.returns import DAILY, RETURN_WINDOWS, count_statements, counting_statements, monthly_sql

_PATIENTS = """
CREATE OR REPLACE TEMP TABLE delta_patient_visits AS
WITH patients AS (
    SELECT patient_hash FROM delta_old_visits UNION SELECT patient_hash FROM delta_new_visits
), after AS (
    SELECT visit_id, patient_hash, department_id, visit_date FROM visits
    WHERE patient_hash IN (SELECT patient_hash FROM patients)
)
SELECT true AS after, patient_hash, department_id, visit_date FROM after
UNION ALL
SELECT false, patient_hash, department_id, visit_date FROM after
WHERE visit_id NOT IN (SELECT visit_id FROM delta_new_visits)
UNION ALL
SELECT false, patient_hash, department_id, visit_date FROM delta_old_visits
"""

_CHANGED = """
CREATE OR REPLACE TEMP TABLE delta_{table} AS
SELECT * FROM ({rows}) WHERE visits <> 0 OR returned <> 0
"""

_MERGED = """
CREATE OR REPLACE TEMP TABLE merged_{table} AS
SELECT {keys}, sum(visits)::INTEGER AS visits, sum(returned)::INTEGER AS returned
FROM (SELECT t.* FROM {table} t SEMI JOIN delta_{table} d ON {on}
      WHERE t.visit_date BETWEEN $first AND $last
      UNION ALL SELECT * FROM delta_{table})
GROUP BY ALL HAVING sum(visits) <> 0
"""


def _on(keys: tuple[str, ...]) -> str:
    return " AND ".join(f"t.{k} IS NOT DISTINCT FROM d.{k}" for k in keys)


def _months(as_of_before: date | None, as_of: date | None) -> str:
    """SQL of the months to recompute: those of changed days, and those whose eligible days
    (day + W <= as_of) moved between the latest visit date before and after the load."""
    changed = " UNION ".join(f"SELECT DISTINCT date_trunc('month', visit_date)::DATE AS month "
                             f"FROM delta_{table}" for table in DAILY)
    known = [d for d in (as_of_before, as_of) if d is not None]
    if not known or as_of_before == as_of:
        return changed
    first = min(known) - timedelta(days=max(RETURN_WINDOWS) - 1)
    last = max(known) - timedelta(days=min(RETURN_WINDOWS))
    return (f"{changed} UNION SELECT unnest(range(date_trunc('month', DATE '{first}'), "
            f"DATE '{last}' + 1, INTERVAL 1 MONTH))::DATE")


def touched_return_statements(con) -> list[tuple[str, dict]]:
    """The SQL (with parameters) that counts what the load changed in the return counts
    (into temp tables delta_<daily table>), from the patients its visits touched."""
    con.execute(_PATIENTS)
    rows = con.execute("SELECT count(*) FROM delta_patient_visits").fetchone()[0]
    statements = [*counting_statements("delta_patient_visits"),
                  *count_statements("(FROM delta_patient_visits WHERE after)", rows, 1),
                  *count_statements("(FROM delta_patient_visits WHERE NOT after)", rows, -1)]
    statements += [(_CHANGED.format(table=table, rows=select), {})
                   for table, (select, _) in DAILY.items()]
    return statements + [("DROP TABLE return_counts", {}), ("DROP TABLE department_codes", {})]


def merge_return_statements(con, as_of_before: date | None) -> list[tuple[str, dict]]:
    """After touched_return_statements: the SQL that writes the changed daily counts and the
    monthly rows of the months they (or the latest visit date) moved."""
    statements = []
    for table, (_, keys) in DAILY.items():
        first, last = con.execute(f"SELECT min(visit_date), max(visit_date) FROM delta_{table}"
                                  ).fetchone()
        if first is None:
            continue
        statements += [
            (_MERGED.format(table=table, keys=", ".join(keys), on=_on(keys)),
             {"first": first, "last": last}),
            (f"DELETE FROM {table} t USING delta_{table} d WHERE {_on(keys)} "
             f"AND t.visit_date BETWEEN $first AND $last", {"first": first, "last": last}),
            (f"INSERT INTO {table} FROM merged_{table} ORDER BY ALL", {})]
    as_of = con.execute("SELECT max(visit_date) FROM visits").fetchone()[0]
    months = _months(as_of_before, as_of)
    con.execute(f"CREATE OR REPLACE TEMP TABLE delta_return_months AS {months}")
    span = dict(zip(("first", "last"), con.execute(
        "SELECT min(month), max(month) + INTERVAL 1 MONTH - INTERVAL 1 DAY "
        "FROM delta_return_months").fetchone()))
    in_months = ("visit_date BETWEEN $first AND $last AND date_trunc('month', visit_date) IN "
                 "(SELECT month FROM delta_return_months)")
    for table in DAILY:
        statements += [
            (f"DELETE FROM {table}_monthly WHERE month IN "
             f"(SELECT month FROM delta_return_months)", {}),
            (f"INSERT INTO {table}_monthly {monthly_sql(table, in_months)}", span)]
    return statements
