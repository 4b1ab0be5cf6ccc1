"""Match a file's header to the contract: columns by name, survey question columns, and what
is wrong with it (missing, doubled, unknown, or no header at all)."""

from __future__ import annotations

from kpi.errors import Problem
from kpi.ingest.contract import FileSpec, normalise_header

SHOWN_HEADER_CHARS = 60


def header_text(raw: str) -> str:
    """A header cell as a message may show it: trimmed, control characters written as escapes
    (a terminal never obeys them), cut to SHOWN_HEADER_CHARS."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in raw.strip())
    return text if len(text) <= SHOWN_HEADER_CHARS else text[:SHOWN_HEADER_CHARS - 1] + "…"


def match_header(spec: FileSpec, header: list[str],
                 file: str) -> tuple[dict[str, int], list[tuple[int, str]], list[Problem]]:
    """Map header positions to contract columns (and survey question columns); name problems."""
    contract = {c.name for c in spec.columns}
    positions: dict[str, int] = {}
    questions: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    problems = []
    for i, raw in enumerate(header):
        name = normalise_header(raw)
        if not name:
            problems.append(Problem(file, None, f"number {i + 1}", None,
                                    "has no name in the header"))
        elif name in seen:
            problems.append(Problem(file, None, header_text(raw), None, "appears twice in the header "
                                    f"(columns {seen[name] + 1} and {i + 1})"))
        elif name in contract:
            positions[name] = i
        elif spec.audience:
            questions.append((i, raw.strip()))
        else:
            problems.append(Problem(file, None, header_text(raw), None,
                                    f"is not a column of {spec.name} (its columns are "
                                    f"{', '.join(c.name for c in spec.columns)})"))
        seen.setdefault(name, i)
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        problems.insert(0, Problem(file, None, None, None, "looks separated by semicolons, tabs "
                                   "or bars; only the comma separates columns"))
    for column in spec.columns:
        if column.required and column.name not in positions:
            problems.append(Problem(file, None, column.name, None,
                                    "is a required column but is missing from the header"))
    if not positions:  # no header at all: its cells are data, which a report never shows
        problems = [p for p in problems if p.column in contract or p.column is None]
        problems.append(Problem(file, None, None, None, (
            f"names none of the columns of {spec.name} in its first line: a file must start "
            "with its header row (the first line's cells are not shown: they may be data)")))
        return positions, [], problems
    return positions, questions, problems
