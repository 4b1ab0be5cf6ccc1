"""Findings of an ingest (the rows that break one rule, capped) and the plain-words report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi.errors import Problem, RejectedInput

CAP = 10  # rows listed per rule; the rest are counted


@dataclass(frozen=True)
class Finding:
    """The rows that break one rule: the first few listed, and how many more there are."""

    problems: tuple[Problem, ...]
    more: int = 0


def file_finding(file: str, rule: str, column: str | None = None) -> Finding:
    """A finding about a whole file (or one of its columns), not a row."""
    return Finding((Problem(file, None, column, None, rule),))


def rejection(folder: Path, findings: list[Finding]) -> RejectedInput:
    """The error that rejects a delivery, listing every finding in plain words."""
    findings = sorted(findings, key=_position)
    problems = [p for f in findings for p in f.problems]
    total = len(problems) + sum(f.more for f in findings)
    lines = [f"nothing was loaded: the delivery in {folder} breaks the data contract, "
             "and the database is unchanged.",
             f"{total:,} problem{'s' if total != 1 else ''} found:"]
    for finding in findings:
        lines += [f"  {p}" for p in finding.problems]
        if finding.more:
            rows = "row" if finding.more == 1 else "rows"
            lines.append(f"    ... and {finding.more:,} more {rows} of {finding.problems[0].file} "
                         "break this rule")
    return RejectedInput(problems, "\n".join(lines))


def _position(finding: Finding) -> tuple[str, int]:
    first = finding.problems[0]
    return first.file, -1 if first.row is None else first.row
