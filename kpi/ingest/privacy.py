"""What a report may show of a delivered value: only what cannot be a patient key or a name.

Any cell may hold a key or a name when a file's columns are swapped or its header is missing,
so a value is shown only in a shape that no key or name takes: a date-like value in a date
column, a short number in a number column, a word of the contract's own list in a coded
column. Keys, free text and everything else are never shown: the file, row and column
locate the cell in the file the user already holds. A row's own id (visit_id, response_id,
...) is shown beside its row number only in the shape of an id (`shown_id`), and only when
`kpi.ingest.records` finds it once in its file and no patient's key.
"""

from __future__ import annotations

import re

from kpi.ingest.contract import DATE, FILES, INTEGER, NUMBER, Column

MAX_SHOWN_CHARS = 30
_YEAR = "(1[89]|2[01])[0-9]{2}"
_TIME = r"([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?"
# A date written year first or year last (2024-02-30, 31/12/2024, 2024-3-5 14:30:00): its
# other parts have at most two digits, so record numbers and phone numbers do not fit.
DATE_LIKE = re.compile(rf"({_YEAR}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,2}}|"
                       rf"[0-9]{{1,2}}[-/.][0-9]{{1,2}}[-/.]{_YEAR}){_TIME}")
# A number of at most four digits before the point (an answer, a top box, minutes): a key
# of five digits or more does not fit.
SHORT_NUMBER = re.compile(r"[+-]?[0-9]{1,4}([.,][0-9]{1,4})?([eE][+-]?[0-9]{1,3})?")
# An id as exports write them (V-0099, R12, 2024/000123): letters, digits and a few marks,
# no space (a name has one, or no digit), starting with a letter or a digit (never a formula).
ID_SHAPE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._/:#-]{{0,{MAX_SHOWN_CHARS - 1}}}")


def shown(file: str, column: str, value: str | None) -> str | None:
    """The value as a report may show it, or None when it could be a key or a name. A
    column that is not in the contract is a survey's question column: numbers."""
    if value is None or len(value) > MAX_SHOWN_CHARS:
        return None
    kind = _column(file, column)
    if kind is None:
        return value if SHORT_NUMBER.fullmatch(value) else None
    if kind.kind == DATE:
        return value if DATE_LIKE.fullmatch(value) else None
    if kind.kind in (INTEGER, NUMBER):
        return value if SHORT_NUMBER.fullmatch(value) else None
    if kind.choices and value.lower() in kind.choices:
        return value
    return None


def shown_id(value: str | None) -> str | None:
    """A row's id as a report may show it beside the row: printable, at most 30 characters,
    no space, at least one digit; else None."""
    if value is None or not ID_SHAPE.fullmatch(value) or not any(c.isdigit() for c in value):
        return None
    return value


def _column(file: str, column: str) -> Column | None:
    spec = FILES.get(file)
    return next((c for c in spec.columns if c.name == column), None) if spec else None
