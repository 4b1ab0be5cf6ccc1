"""Rules of the data contract as named SQL checks over the staged files, and their runner."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from kpi.errors import Problem
from kpi.ingest.contract import CODE, DATE, ID, INTEGER, NUMBER, PSEUDONYM, TEXT, Column
from kpi.ingest.control import (
    CONTROL_RULE,
    control_flag,
    control_note_sql,
    has_control_sql,
)
from kpi.ingest.hints import date_hint
from kpi.ingest.privacy import shown
from kpi.ingest.read import Staged
from kpi.ingest.records import record_ids
from kpi.ingest.report import CAP, Finding

INTEGER_MAX = 2_147_483_647


@dataclass(frozen=True)
class RowRule:
    """A rule checked on each row of one staged file: rows where `condition` holds break it.

    `column` is the column named in the report, `value` and `note` are SQL over the staging
    table for the offending value and a detail that the plain-words `rule` may use as {note}.
    `joins` marks a condition that looks rows up in another table, on columns that load as
    they are staged: a direct load checks it on the loaded rows (a join while streaming
    loses the file order). `dates` marks a date rule, whose rejected cells are read for a
    hint (written DD/MM/YYYY, say).
    """

    file: str
    column: str
    rule: str
    condition: str
    value: str
    note: str = "NULL"
    joins: bool = False
    dates: bool = False


@dataclass(frozen=True)
class Check:
    """A rule that needs a join: `sql` selects the offending rows as (r = staged rowid,
    col = column, v = value, note, other = rowid of a related row, used as {other_row}).
    `unless`, when given, is a cheaper query whose true answer proves there are none."""

    file: str
    rule: str
    sql: str
    params: dict = field(default_factory=dict)
    unless: str | None = None


def sql_list(values) -> str:
    """A SQL list literal of the contract's own codes (never of delivered values)."""
    if not all(re.fullmatch(r"[A-Za-z0-9_]+", v) for v in values):
        raise ValueError(f"not contract codes: {values}")
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def whole_number_sql(cell: str) -> str:
    """SQL: true when a text cell holds a whole number written out (4, -2, 4.0 as a float
    column gives; not 4.5, 1e3, x, or empty)."""
    return f"coalesce(regexp_full_match({cell}, '[+-]?[0-9]+(\\.0*)?'), false)"


def column_rules(staged: Staged) -> list[RowRule]:
    """The rules every cell of a file gets from its column's kind in the contract."""
    return [rule for column in staged.spec.columns if column.name in staged.present
            for rule in _rules_for(staged.spec.name, column)]


def _rules_for(file: str, column: Column) -> list[RowRule]:
    c = column.name

    def rule(text: str, condition: str) -> RowRule:
        return RowRule(file, c, text, condition, c)

    rules = []
    if column.required:
        empty = f"{c} IS NULL" + (f" OR trim({c}) = ''" if column.kind == TEXT else "")
        rules.append(rule("is empty, but this column is required", empty))
    if column.kind == DATE:
        # a real date whose ISO text is the cell itself (YYYY-MM-DD; there is no year 0000)
        real_date = f"length({c}) = 10 AND TRY_CAST({c} AS DATE)::VARCHAR = {c}"
        rules.append(RowRule(file, c, "is not a real date written YYYY-MM-DD",
                             f"{c} IS NOT NULL AND NOT coalesce({real_date}, false)", c,
                             dates=True))
    if column.kind == INTEGER:
        fits = f"{whole_number_sql(c)} AND abs(TRY_CAST({c} AS DOUBLE)) <= {INTEGER_MAX}"
        rules.append(rule("is not a whole number", f"{c} IS NOT NULL AND NOT ({fits})"))
    if column.kind == NUMBER:
        rules.append(rule("is not a number", f"{c} IS NOT NULL AND NOT coalesce("
                          f"isfinite(TRY_CAST({c} AS DOUBLE)), false)"))
    if column.minimum is not None:
        rules.append(rule(f"is below {column.minimum}",
                          f"TRY_CAST({c} AS DOUBLE) < {column.minimum}"))
    if column.choices:
        rules.append(rule(f"is not one of {', '.join(column.choices)}",
                          f"{c} NOT IN {sql_list(column.choices)}"))
    elif column.kind in (ID, CODE) and not column.refers_to:  # a list or a link checks those
        rules.append(RowRule(file, c, CONTROL_RULE, has_control_sql(c), c, control_note_sql(c)))
    if column.kind == PSEUDONYM:  # staged hashed: its control characters were named as read
        flag = control_flag(c)
        rules.append(RowRule(file, c, CONTROL_RULE, f"{flag} IS NOT NULL", "NULL", flag))
    return rules


def duplicate_checks(staged: Staged) -> list[Check]:
    """Each id may appear once in its file (question ids ignoring letter case)."""
    column = staged.spec.column(staged.spec.key)
    if column.name not in staged.present:
        return []
    file, table, c = staged.spec.name, staged.table, column.name
    key = f"lower({c})" if column.ignore_case else c
    same = " (ignoring letter case)" if column.ignore_case else ""
    sql = (f"SELECT r, '{c}' AS col, v, NULL AS note, first AS other FROM ("
           f"SELECT rowid AS r, {c} AS v, min(rowid) OVER (PARTITION BY {key}) AS first "
           f"FROM {table} WHERE {key} IN (SELECT {key} FROM {table} "
           f"WHERE {c} IS NOT NULL GROUP BY ALL HAVING count(*) > 1)) WHERE r > first")
    # Ids delivered in increasing order (as most exports are) are distinct: each one above
    # the one before it in one pass over the rows, a sixth of the grouping's cost.
    increasing = (f"SELECT coalesce(bool_and(k > before), true) AND count(*) - count(before) "
                  f"<= 1 FROM (SELECT k, lag(k) OVER () AS before FROM (SELECT {key} AS k "
                  f"FROM {table} WHERE {c} IS NOT NULL))")
    return [Check(file, f"appears more than once{same} in this file (first in row "
                  "{other_row}); each id may appear once", sql, unless=increasing)]


def run_row_rules(con: duckdb.DuckDBPyConnection, rules: list[RowRule], staged: Staged,
                  salt: str | None = None) -> list[Finding]:
    """Count every rule of one file in a single scan; list the first rows of those broken,
    with each row's id where it may be shown (`salt`: see records.record_ids)."""
    if not rules:
        return []
    counts = con.execute("SELECT " + ", ".join(  # sum(CASE) is about 2.5x a FILTER clause
        f"sum(CASE WHEN {r.condition} THEN 1 ELSE 0 END)" for r in rules) +
        f" FROM {staged.table}").fetchone()
    findings = []
    for rule, total in zip(rules, counts):
        if not total:
            continue
        rows = con.execute(f"SELECT rowid, {rule.value}, {rule.note} FROM {staged.table} "
                           f"WHERE {rule.condition} ORDER BY rowid LIMIT {CAP}").fetchall()
        ids = record_ids(con, staged, [r for r, _, _ in rows], salt)
        problems = tuple(Problem(staged.file, staged.row_number(r), rule.column,
                                 shown(rule.file, rule.column, value), rule.rule.format(note=note),
                                 ids.get(r))
                         for r, value, note in rows)
        hint = date_hint(con, staged.table, rule.column, rule.condition,
                         f"{staged.file}, column {rule.column}") if rule.dates else None
        findings.append(Finding(problems, total - len(problems), hint))
    return findings


def run_check(con: duckdb.DuckDBPyConnection, check: Check, staged: Staged,
              salt: str | None = None) -> list[Finding]:
    """The rows that break a check, listed up to CAP per column with a count of the rest."""
    if check.unless and con.execute(check.unless, check.params).fetchone()[0]:
        return []
    rows = con.execute(
        f"SELECT r, col, v, note, other, count(*) OVER (PARTITION BY col) AS n "
        f"FROM ({check.sql}) QUALIFY row_number() OVER (PARTITION BY col ORDER BY r) <= {CAP} "
        f"ORDER BY col, r", check.params).fetchall()
    ids = record_ids(con, staged, [row[0] for row in rows], salt)
    by_column: dict[str, list[Problem]] = {}
    totals: dict[str, int] = {}
    for r, col, value, note, other, total in rows:
        other_row = None if other is None else staged.row_number(other)
        rule = check.rule.format(note=note, other_row=other_row)
        by_column.setdefault(col, []).append(Problem(
            staged.file, staged.row_number(r), col, shown(check.file, col, value), rule,
            ids.get(r)))
        totals[col] = total
    return [Finding(tuple(problems), totals[col] - len(problems))
            for col, problems in by_column.items()]
