"""Findings of an ingest (the rows that break one rule, grouped and capped), their likely
causes, and the plain-words report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi.errors import Problem, RejectedInput

CAP = 5  # rows listed per group (file, column, rule); the rest are counted


@dataclass(frozen=True, order=True)
class Hint:
    """A likely cause of a finding, in plain words; the lower `rank` is listed first (a file
    that is not comma-separated explains everything else wrong with it)."""

    rank: int
    where: str
    text: str


@dataclass(frozen=True)
class Finding:
    """The rows that break one rule in one column of one file: the first few listed, how many
    more there are, and the likely cause when one is recognised."""

    problems: tuple[Problem, ...]
    more: int = 0
    hint: Hint | None = None


def file_finding(file: str, rule: str, column: str | None = None) -> Finding:
    """A finding about a whole file (or one of its columns), not a row."""
    return Finding((Problem(file, None, column, None, rule),))


def rejection(folder: Path, findings: list[Finding]) -> RejectedInput:
    """The error that rejects a delivery: its likely causes, then every finding in plain
    words (the first rows of each, and how many more rows are like them)."""
    findings = sorted(findings, key=_position)
    problems = [p for f in findings for p in f.problems]
    total = len(problems) + sum(f.more for f in findings)
    lines = [f"nothing was loaded: the delivery in {folder} breaks the data contract, "
             "and the database is unchanged."]
    hints = sorted({f.hint for f in findings if f.hint is not None})
    if hints:
        lines.append("likely cause" + ("s:" if len(hints) > 1 else ":"))
        lines += [f"  {hint.where}: {hint.text}" for hint in hints]
    lines.append(f"{counted(total, 'problem')} found:")
    for finding in findings:
        lines += [f"  {p}" for p in finding.problems]
        if finding.more:
            lines.append(f"    ... and {counted(finding.more, 'more row')} like this")
    return RejectedInput(problems, "\n".join(lines))


def counted(n: int, noun: str) -> str:
    """A count and its noun, plural unless it is one: 1 row, 11,783 rows."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _position(finding: Finding) -> tuple[str, int]:
    first = finding.problems[0]
    return first.file, -1 if first.row is None else first.row
