"""Rules that link files: references, the question catalog, and survey answers on their scale."""

from __future__ import annotations

import duckdb

from kpi.ingest.contract import FILES, RESERVED_QUESTION_IDS, SURVEY_TABLES
from kpi.ingest.header import header_text
from kpi.ingest.read import Staged
from kpi.ingest.report import Finding, file_finding
from kpi.ingest.reviews import prepare_review_links, review_rules
from kpi.ingest.rules import Check, RowRule, sql_list, whole_number_sql
from kpi.scoring import SCALES, scales_sql_values

NOT_KNOWN = "is not {what}: it is neither in {file} of this delivery nor in the database"


def prepare_links(con: duckdb.DuckDBPyConnection, staged: dict[str, Staged]) -> None:
    """Build what the linking rules and the load share: known ids and the survey columns."""
    con.execute(f"CREATE TEMP TABLE contract_scales AS SELECT * FROM {scales_sql_values()}")
    con.execute("CREATE TEMP VIEW known_departments AS SELECT department_id FROM departments "
                "UNION ALL SELECT department_id FROM stage_departments "
                "WHERE department_id IS NOT NULL")
    # the stored visits the surveys name (a monthly load reads the ids near its own, not all)
    con.execute("CREATE TEMP VIEW known_visits AS SELECT visit_id FROM stage_visits "
                "WHERE visit_id IS NOT NULL UNION ALL SELECT v.visit_id FROM visits v SEMI JOIN "
                "stage_patient_survey s ON s.visit_id = v.visit_id")
    con.execute("CREATE TEMP TABLE known_questions AS "
                "SELECT DISTINCT ON (lower(question_id)) question_id, audience, scale "
                "FROM stage_questions WHERE question_id IS NOT NULL UNION ALL "
                "SELECT question_id, audience, scale FROM questions WHERE lower(question_id) "
                "NOT IN (SELECT lower(question_id) FROM stage_questions "
                "WHERE question_id IS NOT NULL)")
    con.execute("CREATE TEMP TABLE survey_columns (file VARCHAR, col VARCHAR, header VARCHAR)")
    rows = [(name, col, header) for name in SURVEY_TABLES for col, header in staged[name].questions]
    if rows:
        con.executemany("INSERT INTO survey_columns VALUES (?, ?, ?)", rows)
    con.execute("CREATE TEMP TABLE column_questions AS SELECT m.file, m.col, m.header, "
                "k.question_id, k.audience, k.scale FROM survey_columns m "
                "LEFT JOIN known_questions k ON lower(k.question_id) = lower(m.header)")
    prepare_review_links(con)


def link_rules(staged: dict[str, Staged]) -> list[RowRule]:
    """Row rules against other files of the delivery and the rows the database holds."""
    rules = [RowRule(name, "department_id", NOT_KNOWN.format(what="a department",
                                                             file="departments"),
                     "department_id NOT IN (SELECT department_id FROM known_departments)",
                     "department_id", joins=True)
             for name in ("visits", "patient_survey", "complaints", "staff_survey", "reviews")
             if "department_id" in staged[name].present]
    complaint_columns = staged["complaints"].present
    if "received_date" in complaint_columns:
        rules += [RowRule("complaints", c, "is before received_date {note}",
                          f"TRY_CAST({c} AS DATE) < TRY_CAST(received_date AS DATE)", c,
                          "received_date")
                  for c in ("acknowledged_date", "resolved_date") if c in complaint_columns]
    return rules + review_rules(staged) + [
        RowRule("questions", "question_id", "cannot be a question id: it is the name of a fixed "
                "column of the survey files",
                f"lower(question_id) IN {sql_list(sorted(RESERVED_QUESTION_IDS))}", "question_id"),
        RowRule("questions", "question_id", "differs only in letter case from the stored "
                "question {note}; survey columns are matched ignoring case, so keep the "
                "stored spelling", "question_id NOT IN (SELECT question_id FROM questions) AND "
                "lower(question_id) IN (SELECT lower(question_id) FROM questions)", "question_id",
                "(SELECT any_value(q.question_id) FROM questions q "
                "WHERE lower(q.question_id) = lower(stage_questions.question_id))")]


def link_checks(staged: dict[str, Staged]) -> list[Check]:
    """Checks that join: survey visits, the question catalog's scales, the stored answers."""
    checks = []
    if "visit_id" in staged["patient_survey"].present:
        checks.append(Check("patient_survey", NOT_KNOWN.format(what="a visit", file="visits"), (
            "SELECT s.rowid AS r, 'visit_id' AS col, s.visit_id AS v, NULL AS note, "
            "NULL::BIGINT AS other FROM stage_patient_survey s ANTI JOIN known_visits k "
            "ON k.visit_id = s.visit_id WHERE s.visit_id IS NOT NULL")))
    # Only re-delivered questions whose audience or scale changed can spoil stored answers.
    if "top_box_min" in staged["questions"].present:
        checks.append(Check("questions", "is outside the scale {note}", (
            "SELECT q.rowid AS r, 'top_box_min' AS col, q.top_box_min AS v, q.scale || ' (' || "
            "s.low || ' to ' || s.high || ')' AS note, NULL::BIGINT AS other "
            "FROM stage_questions q JOIN contract_scales s ON s.scale = q.scale "
            "WHERE NOT TRY_CAST(q.top_box_min AS DOUBLE) BETWEEN s.low AND s.high")))
    for survey, (_, answers) in SURVEY_TABLES.items():
        checks.append(Check("questions", (
            "is re-delivered with an audience or scale under which {note} answers already "
            f"stored in {answers} become invalid; re-deliver those survey responses too, "
            "or keep the question's audience and scale"), (
            "SELECT q.rowid AS r, 'question_id' AS col, q.question_id AS v, "
            "count(*)::VARCHAR AS note, NULL::BIGINT AS other FROM stage_questions q "
            f"JOIN {answers} a ON a.question_id = q.question_id "
            "LEFT JOIN contract_scales s ON s.scale = q.scale "
            "WHERE q.question_id IN (SELECT s.question_id FROM questions s JOIN stage_questions "
            "n USING (question_id) WHERE s.audience IS DISTINCT FROM n.audience OR s.scale IS "
            "DISTINCT FROM n.scale) "
            f"AND a.response_id NOT IN (SELECT response_id FROM stage_{survey} "
            "WHERE response_id IS NOT NULL) AND (q.audience IS DISTINCT FROM $audience OR "
            "NOT coalesce(a.answer BETWEEN s.low AND s.high, false)) GROUP BY q.rowid, "
            "q.question_id"), {"audience": FILES[survey].audience}))
    return checks


def survey_findings(con: duckdb.DuckDBPyConnection,
                    staged: dict[str, Staged]) -> tuple[list[Finding], list[RowRule]]:
    """Each survey column must be a question of the survey's audience; its answers must be
    valid on the question's scale. Returns findings about columns and the answer rules."""
    findings, rules = [], []
    rows = con.execute("SELECT file, col, header, question_id, audience, scale "
                       "FROM column_questions ORDER BY file, col").fetchall()
    for name, col, raw_header, question_id, audience, scale in rows:
        header = header_text(raw_header)
        wanted = FILES[name].audience
        if question_id is None:
            findings.append(file_finding(staged[name].file, (
                "is not a column of the survey file nor a question id in questions (of this "
                "delivery or the database)"), header))
        elif audience != wanted:
            findings.append(file_finding(staged[name].file, (
                f"is question {question_id} for audience {audience}; the columns of {name} "
                f"must be {wanted} questions"), header))
        elif scale in SCALES:
            low, high = SCALES[scale].low, SCALES[scale].high
            codes = sql_list([str(code) for code in range(low, high + 1)])
            rules.append(RowRule(  # the usual codes as written pass without the regexp
                name, header, f"is not a valid answer on the scale {scale} (whole numbers "
                f"{low} to {high}); leave the cell empty for don't know",
                f"{col} IS NOT NULL AND {col} NOT IN {codes} AND NOT ("
                f"{whole_number_sql(col)} AND TRY_CAST({col} AS DOUBLE) BETWEEN {low} AND {high})",
                col))
    return findings, rules
